#!/usr/bin/env bash
# Installs a pinned ONNX Runtime shared library into .ort/lib/ of this checkout.
#
# The library comes from the official `onnxruntime` wheel on PyPI, which ships libonnxruntime.so.<version>.
# The wheel is only downloaded and unpacked here; no Python environment is touched.
#
# Usage: scripts/install-runtime.sh [--force]    (ORT_VERSION=1.32.0 by default)
set -euo pipefail

ORT_VERSION="${ORT_VERSION:-1.32.0}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="$root/.ort"
lib="$dest/lib/libonnxruntime.so.$ORT_VERSION"

if [[ "${1:-}" != "--force" && -f "$lib" && -L "$dest/lib/libonnxruntime.so" ]]; then
    echo "ONNX Runtime $ORT_VERSION is already installed in $dest/lib"
    exit 0
fi

python="$(command -v python3 || command -v python || true)"
if [[ -z "$python" ]]; then
    echo "error: python3 (with pip) is needed to download the onnxruntime wheel from PyPI" >&2
    exit 1
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "Downloading the onnxruntime $ORT_VERSION wheel from PyPI..."
if ! "$python" -m pip download --quiet --no-deps --only-binary=:all: --dest "$work" "onnxruntime==$ORT_VERSION"; then
    echo "error: could not download onnxruntime==$ORT_VERSION with pip" >&2
    exit 1
fi
wheel="$(ls "$work"/onnxruntime-*.whl | head -n 1)"

mkdir -p "$dest/lib"
"$python" - "$wheel" "$dest/lib" "$ORT_VERSION" <<'PY'
import os, shutil, sys, zipfile
wheel, target, version = sys.argv[1:4]
wanted = f"onnxruntime/capi/libonnxruntime.so.{version}"
with zipfile.ZipFile(wheel) as archive:
    names = archive.namelist()
    if wanted not in names:
        sys.exit(f"error: {wanted} is not in {os.path.basename(wheel)}")
    partial = os.path.join(target, f".libonnxruntime.so.{version}.partial")
    with archive.open(wanted) as source, open(partial, "wb") as sink:
        shutil.copyfileobj(source, sink)
    os.replace(partial, os.path.join(target, f"libonnxruntime.so.{version}"))
PY
ln -sfn "libonnxruntime.so.$ORT_VERSION" "$dest/lib/libonnxruntime.so"
echo "$ORT_VERSION" > "$dest/VERSION"
echo "Installed ONNX Runtime $ORT_VERSION into $dest/lib"
