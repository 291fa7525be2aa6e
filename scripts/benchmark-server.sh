#!/usr/bin/env bash
# Server benchmark: `ort serve` (release) against the KServe Python ModelServer over Python onnxruntime, on the MNIST
# MLP, over REST JSON, REST binary (Triton's binary tensor extension) and gRPC, at concurrency 1, 8 and 32; dynamic
# batching on and off (the MNIST MLP, and a wide MLP whose run dominates); the in-process run time (`ort bench`) for the server's own overhead. Writes the "Server"
# section of BENCHMARKS.md (between its markers; scripts/benchmark.sh keeps it). Takes about 5 minutes after the
# builds. Not part of CI: too slow, and too noisy on shared machines.
#
# Usage: scripts/benchmark-server.sh       BENCH_SERVER_DURATION=N sets the seconds per measurement (default 10)
#
# What it sets up: wrk (apt, when missing), the gRPC load client Benchmarks/server/grpc_load.c and
# the loopback probe tcp_floor.c (cc or clang), taskset, .bench/kserve-venv (kserve 0.21, onnxruntime 1.32, numpy, onnx),
# the pinned ONNX Runtime (.ort), the release `ort`. Work files and raw results: .bench/server/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
case "${1:-}" in
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
    "") ;;
    *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

step() { printf '\n==> %s\n' "$*"; }

step "Load tools (wrk, grpc_load)"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
if [[ ${#missing[@]} -gt 0 ]]; then
    sudo=""
    [[ $(id -u) -ne 0 ]] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
fi
wrk --version 2>&1 | head -n 1 || true
mkdir -p "$root/.bench/server"
compiler="$(command -v cc || command -v clang || command -v gcc)"
"$compiler" -O2 -o "$root/.bench/server/grpc_load" Benchmarks/server/grpc_load.c -lpthread
"$compiler" -O2 -o "$root/.bench/server/tcp_floor" Benchmarks/server/tcp_floor.c -lpthread

step "Python server environment (.bench/kserve-venv)"
venv="$root/.bench/kserve-venv"
py="$venv/bin/python"
versions="from importlib.metadata import version as v; print('kserve', v('kserve'), '| onnxruntime', v('onnxruntime'), '| numpy', v('numpy'), '| onnx', v('onnx'))"
if ! "$py" -c "$versions" 2>/dev/null | grep -q '^kserve 0\.21\..* onnxruntime 1\.32\.0 .* onnx 1\.22\.0'; then
    system_python="$(command -v python3 || command -v python || true)"
    [[ -n "$system_python" ]] || { echo "error: python3 is needed" >&2; exit 1; }
    rm -rf "$venv"
    mkdir -p "$root/.bench"
    "$system_python" -m venv "$venv"
    "$py" -m pip install --quiet --disable-pip-version-check "kserve==0.21.*" "onnxruntime==1.32.0" numpy "onnx==1.22.0"
fi
"$py" -c "$versions"

step "ONNX Runtime and ort (release)"
scripts/install-runtime.sh
swift build -c release --enable-all-traits --product ort
ort="$(swift build -c release --enable-all-traits --show-bin-path)/ort"

step "The wide MLP for the batching table (.bench/server/wide-mlp.onnx)"
mkdir -p "$root/.bench/server"
"$py" Benchmarks/server/make_wide_mlp.py "$root/.bench/server/wide-mlp.onnx"

step "Measuring"
"$py" Benchmarks/server/driver.py --ort "$ort" --out "$root/BENCHMARKS.md" --work "$root/.bench/server" \
    --wide-model "$root/.bench/server/wide-mlp.onnx" --grpc-load "$root/.bench/server/grpc_load" \
    --tcp-floor "$root/.bench/server/tcp_floor"
