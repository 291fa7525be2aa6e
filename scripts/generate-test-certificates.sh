#!/usr/bin/env bash
# Makes the TLS test certificates in Tests/TLS (committed; rerun only to replace them): a test certificate authority,
# a server certificate for 127.0.0.1 and localhost signed by it, a second authority with a client certificate (mutual
# TLS), and a key that belongs to no certificate. EC P-256 keys, valid for 100 years. For tests only: the private
# keys are public.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/Tests/TLS"
mkdir -p "$out"
cd "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
days=36500
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

key ca-key.pem
openssl req -x509 -new -key ca-key.pem -sha256 -days "$days" -subj "/CN=swift-onnxruntime test CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem

key server-key.pem
openssl req -new -key server-key.pem -subj "/CN=127.0.0.1" -out "$work/server.csr"
cat >"$work/server.ext" <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,DNS:localhost
EXT
openssl x509 -req -in "$work/server.csr" -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days "$days" -sha256 \
    -extfile "$work/server.ext" -out server.pem

key client-ca-key.pem
openssl req -x509 -new -key client-ca-key.pem -sha256 -days "$days" -subj "/CN=swift-onnxruntime test client CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out client-ca.pem
key client-key.pem
openssl req -new -key client-key.pem -subj "/CN=test client" -out "$work/client.csr"
printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n' >"$work/client.ext"
openssl x509 -req -in "$work/client.csr" -CA client-ca.pem -CAkey client-ca-key.pem -CAcreateserial -days "$days" \
    -sha256 -extfile "$work/client.ext" -out client.pem

key other-key.pem
rm -f ./*.srl ca-key.pem client-ca-key.pem
echo "test certificates written to $out"
