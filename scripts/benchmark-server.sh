#!/usr/bin/env bash
# Server benchmark: `ort serve` (release) against a real Triton Inference Server (2.51, python backend over Python
# onnxruntime) and the KServe Python ModelServer over Python onnxruntime, on the MNIST MLP, over REST JSON, REST binary (Triton's binary tensor extension) and gRPC, at concurrency 1, 8 and 32; dynamic
# batching on and off (the MNIST MLP, and a wide MLP whose run dominates); the in-process run time (`ort bench`) for
# the server's own overhead; the limit: nginx answering the same POSTs with a fixed body. Writes the "Server" section
# of BENCHMARKS.md (between its markers; scripts/benchmark.sh keeps it). Takes about 10 minutes after the builds and
# downloads. Not part of CI: too slow, and too noisy on shared machines.
#
# Usage: scripts/benchmark-server.sh       BENCH_SERVER_DURATION=N sets the seconds per measurement (default 10);
#                                          BENCH_SERVER_ROUNDS=N the alternating concurrency-1 rounds of ours and
#                                          Triton (default 3)
#
# What it sets up: wrk and nginx (apt, when missing), the gRPC load client Benchmarks/server/grpc_load.c and
# the loopback probe tcp_floor.c (cc or clang), taskset, .bench/kserve-venv (kserve 0.21, onnxruntime 1.32, numpy, onnx),
# .bench/triton (tritonserver 2.51 from the nvidia-pytriton 0.7.0 wheel, and a venv for its python backend: its stub
# needs numpy<2, so onnxruntime 1.20.1), the pinned ONNX Runtime (.ort), the release `ort`. Work files and raw
# results: .bench/server/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
case "${1:-}" in
    -h|--help) sed -n '2,17p' "${BASH_SOURCE[0]}"; exit 0 ;;
    "") ;;
    *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac

step() { printf '\n==> %s\n' "$*"; }

step "Load tools (wrk, grpc_load) and the fixed-answer server (nginx)"
missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || missing+=(nginx)
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

step "Triton peer (.bench/triton)"
triton="$root/.bench/triton"
tritonserver="$triton/wheel/pytriton/tritonserver"
if [[ ! -x "$tritonserver/bin/tritonserver" ]]; then
    download="$(mktemp -d)"
    "$py" -m pip download --quiet --disable-pip-version-check --no-deps "nvidia-pytriton==0.7.0" -d "$download"
    rm -rf "$triton/wheel"
    mkdir -p "$triton/wheel"
    (cd "$triton/wheel" && "$py" -m zipfile -e "$download"/nvidia_pytriton-*.whl .)
    rm -rf "$download"
    chmod +x "$tritonserver/bin/tritonserver" "$tritonserver"/python_backend_stubs/*/triton_python_backend_stub
fi
triton_venv="$triton/venv"
if ! "$triton_venv/bin/python" -c "import numpy, onnxruntime; assert numpy.__version__ < '2'" 2>/dev/null; then
    rm -rf "$triton_venv"
    "$(command -v python3)" -m venv "$triton_venv"
    "$triton_venv/bin/pip" install --quiet --disable-pip-version-check "numpy<2" "onnxruntime==1.20.1"
fi
# The python backend's stub must match the venv's Python.
stub_python="$("$triton_venv/bin/python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
[[ -f "$tritonserver/python_backend_stubs/$stub_python/triton_python_backend_stub" ]] || {
    echo "error: the tritonserver wheel has no python backend stub for Python $stub_python" >&2; exit 1; }
cp "$tritonserver/python_backend_stubs/$stub_python/triton_python_backend_stub" "$tritonserver/backends/python/"
"$tritonserver/bin/tritonserver" --version 2>/dev/null | head -n 1 || true

step "ONNX Runtime and ort (release)"
scripts/install-runtime.sh
ort="$(scripts/release-ort.sh)"

step "The wide MLP for the batching table (.bench/server/wide-mlp.onnx)"
mkdir -p "$root/.bench/server"
"$py" Benchmarks/server/make_wide_mlp.py "$root/.bench/server/wide-mlp.onnx"

step "Measuring"
"$py" Benchmarks/server/driver.py --ort "$ort" --out "$root/BENCHMARKS.md" --work "$root/.bench/server" \
    --wide-model "$root/.bench/server/wide-mlp.onnx" --grpc-load "$root/.bench/server/grpc_load" \
    --tcp-floor "$root/.bench/server/tcp_floor" \
    --triton "$tritonserver" --triton-venv "$triton_venv" --triton-libs "$triton/wheel/nvidia_pytriton.libs" \
    --nginx "$(command -v nginx || echo /usr/sbin/nginx)"
