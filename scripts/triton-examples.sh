#!/usr/bin/env bash
# Runs Triton's own Python example clients, unchanged, against `ort serve` serving Triton's own example model
# repository, and prints which pass. This is the acceptance check of Triton parity (issue 16). It is run by hand, not
# in CI: the examples are NVIDIA's, are never committed here, and CI has no internet to fetch them.
#
# Usage: scripts/triton-examples.sh --client PATH --server PATH [--only REGEX] [--keep]
#   --client  triton-inference-server/client: a checkout, or a bare git directory (the search tool's fetch gives
#             /work/.mirror/triton-inference-server+client/repo); the examples are read from src/python/examples.
#   --server  triton-inference-server/server, the same way; the models are read from docs/examples/model_repository.
#   --only    run only the clients whose file name matches REGEX (grep -E).
#   --keep    keep the work folder (repository, logs) and print its path.
#
# What it does:
# - copies the example repository to a temporary folder. Its ONNX models (simple, simple_int8, simple_string,
#   simple_sequence, simple_dyna_sequence) are served as they are. Its `simple_identity` is a python-backend model;
#   an ONNX Identity over BYTES with the same name and signature stands in for it, generated here with onnx.
#   The image models (densenet_onnx, inception_onnx) have no model file in the repository (Triton's fetch script
#   downloads them); they stay, fail to load and are listed UNAVAILABLE, as on a Triton without them.
# - builds `ort` (release, all traits) and starts `ort serve` on Triton's default ports (8000 HTTP, 8001 gRPC,
#   8002 metrics), which the examples assume, in explicit model control mode with every model loaded (the
#   model-control examples load and unload), with `--server-name triton` (the health/metadata examples check the
#   name) and `--strict-readiness false` (the two image models cannot load without their files; a Triton would not
#   be ready either).
# - runs each example client with a timeout and records its exit status; a client passes when it exits 0.
#
# The clients left out, and why: the cudashm ones (CUDA shared memory; a Triton without a GPU fails them too),
# simple_grpc_custom_repeat.py (a decoupled python-backend model), the image and ensemble clients and grpc_client.py
# (densenet_onnx and ensembles, whose model files the repository does not carry), memory_growth_test.py (a long
# run, not an example).
#
# One client fails against the repository as it is upstream, on a real Triton too: simple_http_model_control.py
# (client commit 58a44ca) expects 7 models in the repository index, and the example repository (server commit
# e1db8a6) has 8. Its gRPC twin expects 8, and passes.
#
# The Python packages (tritonclient[all] at the version the integration tests use, onnx, numpy) go into
# .triton-examples/venv, created on first use.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

client_source="" server_source="" only="" keep=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --client) client_source="${2:?--client needs a path}"; shift 2 ;;
        --server) server_source="${2:?--server needs a path}"; shift 2 ;;
        --only) only="${2:?--only needs a regular expression}"; shift 2 ;;
        --keep) keep=1; shift ;;
        -h | --help) sed -n '2,28p' "$0"; exit 0 ;;
        *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [[ -z "$client_source" || -z "$server_source" ]]; then
    echo "error: give --client and --server (see --help)" >&2
    exit 2
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/triton-examples.XXXXXX")"
server_pid=""
cleanup() {
    local status=$?
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ $keep -eq 1 ]]; then echo "work folder kept: $work"; else rm -rf "$work"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# extract SOURCE SUBFOLDER DEST: copies SUBFOLDER of a checkout or of a bare git directory to DEST.
extract() {
    local source="$1" folder="$2" dest="$3"
    mkdir -p "$dest"
    if [[ -d "$source/$folder" ]]; then
        cp -a "$source/$folder/." "$dest/"
    elif git --git-dir="$source" rev-parse --verify -q HEAD >/dev/null 2>&1; then
        git --git-dir="$source" archive HEAD "$folder" | tar -x -C "$dest" --strip-components="$(tr -cd / <<<"$folder/" | wc -c)"
    else
        echo "error: $source has no $folder and is not a git directory" >&2
        exit 2
    fi
}
extract "$client_source" src/python/examples "$work/clients"
extract "$server_source" docs/examples/model_repository "$work/models"

# --- Python environment -------------------------------------------------------------------------------------------
venv="$root/.triton-examples/venv"
if [[ ! -x "$venv/bin/python" ]]; then
    echo "== creating $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "tritonclient[all]==2.73.*" onnx numpy
fi
py="$venv/bin/python"

# --- The repository ------------------------------------------------------------------------------------------------
models="$work/models"
rm -rf "$models/simple_identity/1"
mkdir -p "$models/simple_identity/1"
"$py" - "$models/simple_identity/1/model.onnx" <<'PY'
import sys
import onnx
from onnx import TensorProto, helper

# Identity over BYTES (ONNX strings), batched: the signature of Triton's python-backend simple_identity.
graph = helper.make_graph(
    [helper.make_node("Identity", ["INPUT0"], ["OUTPUT0"])],
    "simple_identity",
    [helper.make_tensor_value_info("INPUT0", TensorProto.STRING, ["batch", "n"])],
    [helper.make_tensor_value_info("OUTPUT0", TensorProto.STRING, ["batch", "n"])],
)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
PY
sed -i 's/^backend: "python"/platform: "onnxruntime_onnx"/' "$models/simple_identity/config.pbtxt"

# --- The server ----------------------------------------------------------------------------------------------------
scripts/install-runtime.sh
ort="$(scripts/release-ort.sh)"
for port in 8000 8001 8002; do
    if "$py" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $port)) != 0)"; then
        echo "error: port $port is in use; the examples need Triton's default ports 8000-8002" >&2
        exit 1
    fi
done
log="$work/server.log"
echo "== starting ort serve on Triton's ports (log: $log)"
"$ort" serve --model-repository "$models" --host 127.0.0.1 --http-port 8000 --grpc-port 8001 --metrics-port 8002 \
    --model-control-mode explicit --load-model '*' --strict-readiness false --server-name triton >"$log" 2>&1 &
server_pid=$!
# Ready, or (with --strict-readiness, when a model failed to load) every model settled: READY or UNAVAILABLE.
"$py" - "$server_pid" <<'PY'
import json, os, sys, time, urllib.request
pid = int(sys.argv[1])
deadline = time.monotonic() + 300
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("error: ort serve exited")
    try:
        index = json.load(urllib.request.urlopen(urllib.request.Request(
            "http://127.0.0.1:8000/v2/repository/index", data=b"{}", method="POST")))
        if index and all(entry.get("state") in ("READY", "UNAVAILABLE") for entry in index):
            for entry in index:
                if entry.get("state") != "READY":
                    print(f"== not loaded: {entry['name']}: {entry.get('reason', '')}")
            sys.exit(0)
    except Exception:
        pass
    time.sleep(0.25)
sys.exit("error: the models did not settle within 300 s")
PY

# --- The clients ---------------------------------------------------------------------------------------------------
skip='cudashm|custom_repeat|image_client|memory_growth_test|^grpc_client.py'
passed=() failed=()
cd "$work/clients"
# The model-control clients unload `simple` when they finish (as they would on Triton): they run last, and `simple` is
# loaded again after each, so every client starts from the same repository state.
for client in $(ls *.py | grep -v model_control | sort) $(ls *.py | grep model_control | sort); do
    [[ "$client" =~ ^($skip) || "$client" =~ ($skip) ]] && continue
    [[ -n "$only" ]] && ! grep -qE "$only" <<<"$client" && continue
    set +e
    timeout 120 "$py" "$client" >"$work/${client%.py}.log" 2>&1
    code=$?
    set -e
    if [[ $code -eq 0 ]]; then
        passed+=("$client")
        echo "PASS $client"
    else
        failed+=("$client")
        echo "FAIL $client (exit $code): $(grep -v '^\s*$' "$work/${client%.py}.log" | tail -n 1 | cut -c1-200)"
    fi
    if [[ "$client" == *model_control* ]]; then
        curl -sf -X POST http://127.0.0.1:8000/v2/repository/models/simple/load >/dev/null ||
            echo "warning: could not load 'simple' again after $client" >&2
    fi
done
echo "triton-examples: ${#passed[@]} passed, ${#failed[@]} failed"
kill -0 "$server_pid" 2>/dev/null || { echo "error: ort serve died during the clients" >&2; exit 1; }
[[ ${#failed[@]} -eq 0 ]]
