#!/usr/bin/env bash
# Interoperability tests of `ort serve` with third-party clients (Python tritonclient.http and .grpc, the KServe SDK,
# raw HTTP): builds `ort` (release), fills a temporary Triton-layout model repository (<repo>/<model>/1/model.onnx)
# from Tests/Models and the MNIST example (one model with dynamic batching), starts the server on 127.0.0.1 and three
# free ports (HTTP, gRPC, metrics) in explicit model control mode with a repository token, waits for
# /v2/health/ready, runs pytest on Tests/Integration (test_tls.py starts TLS servers of its own), and always stops the
# server. pytest's exit code is the script's.
#
# Usage: scripts/integration-server.sh [pytest arguments...]     (e.g. -k binary, -x, -vv)
#
# The Python packages (Tests/Integration/requirements.txt) go into .integration/venv, created on first use.
# Environment: ORT_BIN (an `ort` binary to test instead of building one; CI passes the release build it already
# made), ORT_SCRATCH_PATH (the SwiftPM scratch folder, default .build), INTEGRATION_KEEP_LOG=1 (print the server log
# even when the tests pass).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

state="$root/.integration"
venv="$state/venv"
requirements="Tests/Integration/requirements.txt"
scratch="${ORT_SCRATCH_PATH:-.build}"
mkdir -p "$state"

# --- Python environment -------------------------------------------------------------------------------------------
python="$(command -v python3 || command -v python || true)"
if [[ -z "$python" ]]; then
    echo "error: python3 is needed for the integration tests" >&2
    exit 1
fi
if [[ ! -x "$venv/bin/python" ]]; then
    echo "== creating $venv"
    "$python" -m venv "$venv"
fi
py="$venv/bin/python"
stamp="$venv/.requirements.sha256"
wanted="$(sha256sum "$requirements" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$wanted" ]]; then
    echo "== installing $requirements into $venv"
    "$py" -m pip install --quiet --disable-pip-version-check -r "$requirements"
    echo "$wanted" >"$stamp"
fi

# --- ONNX Runtime and the ort binary -------------------------------------------------------------------------------
scripts/install-runtime.sh
ort="$(scripts/release-ort.sh "$scratch")"

# --- Model repository ----------------------------------------------------------------------------------------------
work="$(mktemp -d "${TMPDIR:-/tmp}/ort-integration.XXXXXX")"
repo="$work/models"
log="$work/server.log"
server_pid=""

cleanup() {
    local status=$?
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.2
        done
        if kill -0 "$server_pid" 2>/dev/null; then
            echo "warning: the server did not stop within 10 s of SIGTERM; killing it" >&2
            kill -KILL "$server_pid" 2>/dev/null || true
        fi
        wait "$server_pid" 2>/dev/null || true
    fi
    if [[ $status -ne 0 || -n "${INTEGRATION_KEEP_LOG:-}" ]] && [[ -f "$log" ]]; then
        echo "== server log (last 60 lines of $log)"
        tail -n 60 "$log" || true
    fi
    rm -rf "$work"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

add_model() { # NAME SOURCE.onnx
    mkdir -p "$repo/$1/1"
    cp "$2" "$repo/$1/1/model.onnx"
}

identity_models=(
    identity_bool identity_uint8 identity_uint16 identity_uint32 identity_uint64 identity_int8 identity_int16
    identity_int32 identity_int64 identity_float16 identity_float32 identity_float64 identity_string
    identity_bfloat16
)
loaded=("${identity_models[@]}" add_f32 string_ops bad_shape mnist affine_batched bytes_batched reshape_warm)
not_loaded=(scalar_mul)
for name in "${identity_models[@]}" add_f32 string_ops bad_shape scalar_mul; do
    add_model "$name" "Tests/Models/$name.onnx"
done
add_model mnist Examples/MNIST/mnist-mlp.onnx
# The response cache (test_response_cache*.py): MNIST again, with the cache enabled (the server has --cache-config).
add_model mnist_cached Examples/MNIST/mnist-mlp.onnx
echo 'response_cache { enable: true }' >"$repo/mnist_cached/config.pbtxt"
loaded+=(mnist_cached)
add_model affine_batched Tests/Models/batch_affine.onnx
cat >"$repo/affine_batched/config.pbtxt" <<'CONFIG'
max_batch_size: 8
dynamic_batching { preferred_batch_size: [4] max_queue_delay_microseconds: 5000000 }
CONFIG
# Schedule policy (test_schedule_policy*.py): the slow batched model, one instance, two priority levels, level 1's queue
# bounded at one request.
add_model slow_priority Tests/Models/batch_slow.onnx
cat >"$repo/slow_priority/config.pbtxt" <<'CONFIG'
max_batch_size: 1
instance_group [ { count: 1 } ]
dynamic_batching {
  priority_levels: 2 default_priority_level: 2
  priority_queue_policy { key: 1 value: { max_queue_size: 1 } }
}
CONFIG
loaded+=(slow_priority)
add_model bytes_batched Tests/Models/batch_identity_string.onnx
cat >"$repo/bytes_batched/config.pbtxt" <<'CONFIG'
max_batch_size: 8
dynamic_batching { preferred_batch_size: [4] max_queue_delay_microseconds: 5000000 }
CONFIG

# Sequence batching (test_sequence*.py): the control inputs echoed (direct), an implicit-state accumulator with both
# strategies, and Silero VAD 6.2.3 (a real stateful model, from its PyPI wheel) with its state kept on the server.
add_model seq_controls Tests/Models/sequence_controls.onnx
cat >"$repo/seq_controls/config.pbtxt" <<'CONFIG'
max_batch_size: 4
sequence_batching {
  direct { }
  control_input [
    { name: "START" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 10, 11 ] } ] },
    { name: "END" control [ { kind: CONTROL_SEQUENCE_END fp32_false_true: [ -0.5, 0.5 ] } ] },
    { name: "READY" control [ { kind: CONTROL_SEQUENCE_READY bool_false_true: [ false, true ] } ] },
    { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_UINT64 } ] }
  ]
}
CONFIG
for strategy in direct oldest; do
    add_model "seq_accumulate_$strategy" Tests/Models/sequence_accumulate.onnx
    if [[ $strategy == direct ]]; then body="direct { }"; else body="oldest { max_candidate_sequences: 3 }"; fi
    cat >"$repo/seq_accumulate_$strategy/config.pbtxt" <<CONFIG
max_batch_size: 2
sequence_batching {
  $body
  control_input [ { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_STRING } ] } ]
  state [ { input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [ 1 ]
            initial_state { data_type: TYPE_INT32 dims: [ 1 ] zero_data: true name: "zero" } } ]
}
CONFIG
done
wheels="$state/wheels"
mkdir -p "$wheels"
if ! ls "$wheels"/silero_vad-6.2.3-*.whl >/dev/null 2>&1; then
    echo "== downloading the silero-vad 6.2.3 wheel into $wheels"
    "$py" -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: --dest "$wheels" \
        silero-vad==6.2.3
fi
mkdir -p "$repo/silero_vad/1"
"$py" - "$wheels" "$repo/silero_vad/1/model.onnx" <<'PY'
import glob, os, sys, zipfile
wheel = sorted(glob.glob(os.path.join(sys.argv[1], "silero_vad-6.2.3-*.whl")))[-1]
with zipfile.ZipFile(wheel) as archive, open(sys.argv[2], "wb") as sink:
    sink.write(archive.read("silero_vad/data/silero_vad.onnx"))
PY
cat >"$repo/silero_vad/config.pbtxt" <<'CONFIG'
max_batch_size: 0
sequence_batching {
  max_sequence_idle_microseconds: 5000000
  oldest { max_candidate_sequences: 4 }
  state [ { input_name: "state" output_name: "stateN" data_type: TYPE_FP32 dims: [ 2, 1, 128 ]
            initial_state { data_type: TYPE_FP32 dims: [ 2, 1, 128 ] zero_data: true name: "zeros" } } ]
}
CONFIG
loaded+=(seq_controls seq_accumulate_direct seq_accumulate_oldest silero_vad)

# reshape (Triton's semantics: clients see dims, the model reshape.shape) and model_warmup, with dynamic batching.
add_model reshape_warm Tests/Models/reshape_batch.onnx
mkdir -p "$repo/reshape_warm/warmup"
"$py" -c 'import struct, sys; sys.stdout.buffer.write(struct.pack("<6f", 1, 2, 3, 4, 5, 6))' \
    >"$repo/reshape_warm/warmup/x.raw"
cat >"$repo/reshape_warm/config.pbtxt" <<'CONFIG'
max_batch_size: 4
input [ { name: "x" data_type: TYPE_FP32 dims: [ 6 ] reshape { shape: [ 2, 3 ] } },
        { name: "scale" data_type: TYPE_FP32 dims: [ 1 ] reshape: { shape: [ ] } } ]
output [ { name: "y" data_type: TYPE_FP32 dims: [ 3, 1 ] reshape { shape: [ 3 ] } } ]
dynamic_batching { max_queue_delay_microseconds: 100000 }
model_warmup [
  { name: "zeros" batch_size: 4 count: 2
    inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 6 ] zero_data: true } }
    inputs { key: "scale" value { data_type: TYPE_FP32 dims: [ 1 ] random_data: true } } },
  { name: "from_file" batch_size: 1
    inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 6 ] input_data_file: "x.raw" } }
    inputs { key: "scale" value { data_type: TYPE_FP32 dims: [ 1 ] zero_data: true } } }
]
CONFIG

# Per-model ONNX Runtime settings and execution accelerators in Triton's ORT backend syntax (test_runtime_settings*.py).
add_model ort_settings Tests/Models/add_f32.onnx
cat >"$repo/ort_settings/config.pbtxt" <<'CONFIG'
optimization { graph { level: 1 } execution_accelerators {
  gpu_execution_accelerator : [ { name : "tensorrt" parameters { key: "precision_mode" value: "FP16" } } ]
  cpu_execution_accelerator : [ { name : "CPUExecutionProvider" } ]
} }
parameters { key: "intra_op_thread_count" value: { string_value: "2" } }
parameters { key: "execution_mode" value: { string_value: "1" } }
parameters { key: "enable_mem_arena" value: { string_value: "1" } }
parameters { key: "enable_mem_pattern" value: { string_value: "0" } }
parameters { key: "memory.enable_memory_arena_shrinkage" value: { string_value: "cpu:0" } }
CONFIG
loaded+=(ort_settings)

# --- Server --------------------------------------------------------------------------------------------------------
free_port() { "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
port="$(free_port)"
grpc_port="$(free_port)"
while [[ "$grpc_port" == "$port" ]]; do grpc_port="$(free_port)"; done
metrics_port="$(free_port)"
while [[ "$metrics_port" == "$port" || "$metrics_port" == "$grpc_port" ]]; do metrics_port="$(free_port)"; done
# Where the server sends its trace spans: the trace tests listen there with an OTLP/HTTP receiver of their own.
otlp_port="$(free_port)"
while [[ "$otlp_port" == "$port" || "$otlp_port" == "$grpc_port" || "$otlp_port" == "$metrics_port" ]]; do
    otlp_port="$(free_port)"
done
token="integration-$RANDOM-$RANDOM"
max_request_size=$((4 * 1024 * 1024))
load_flags=()
for name in "${loaded[@]}"; do load_flags+=(--load-model "$name"); done

echo "== starting ort serve on 127.0.0.1:$port, gRPC on :$grpc_port, metrics on :$metrics_port (log: $log)"
"$ort" serve --model-repository "$repo" --host 127.0.0.1 --http-port "$port" --grpc-port "$grpc_port" \
    --metrics-port "$metrics_port" --metrics-config summary_latencies=true \
    --cache-config "local,size=$((8 * 1024 * 1024))" \
    --trace-config mode=opentelemetry --trace-config "opentelemetry,url=127.0.0.1:$otlp_port/v1/traces" \
    --trace-config opentelemetry,bsp_schedule_delay=50 \
    --model-control-mode explicit "${load_flags[@]}" \
    --repository-token "$token" --max-request-size "$max_request_size" >"$log" 2>&1 &
server_pid=$!

base_url="http://127.0.0.1:$port"
"$py" - "$base_url" "$server_pid" <<'PY'
import os, sys, time, urllib.error, urllib.request
url, pid = sys.argv[1] + "/v2/health/ready", int(sys.argv[2])
deadline = time.monotonic() + 180
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except OSError:
        sys.exit("error: the server exited before it was ready")
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            if response.status == 200:
                print(f"== server ready after {180 - (deadline - time.monotonic()):.1f} s")
                sys.exit(0)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        pass
    time.sleep(0.25)
sys.exit("error: the server was not ready within 180 s")
PY

# --- Tests ---------------------------------------------------------------------------------------------------------
# tritonclient.grpc and the kserve SDK both register protobuf messages of the package `inference` in protobuf's
# default pool, so they cannot be imported in one process: the gRPC tests run in a pytest process of their own.
# pytest's exit status 5 (no tests selected, e.g. with -k) counts as success unless neither run selected any.
results="$work/pytest.txt"
run_pytest() { # LABEL ARGS...
    local label="$1"
    shift
    echo "== pytest $label"
    set +e
    ORT_SERVE_URL="$base_url" ORT_SERVE_GRPC_URL="127.0.0.1:$grpc_port" ORT_SERVE_TOKEN="$token" \
        ORT_SERVE_METRICS_URL="http://127.0.0.1:$metrics_port/metrics" ORT_SERVE_OTLP_PORT="$otlp_port" \
        ORT_SERVE_MAX_REQUEST_SIZE="$max_request_size" ORT_SERVE_NOT_LOADED="$(IFS=,; echo "${not_loaded[*]}")" \
        ORT_BINARY="$ort" ORT_SERVE_SILERO_MODEL="$repo/silero_vad/1/model.onnx" \
        PYTHONDONTWRITEBYTECODE=1 "$py" -m pytest -p no:cacheprovider -rfEs "$@" 2>&1 | tee -a "$results"
    local code=${PIPESTATUS[0]}
    set -e
    return "$code"
}
# test_tls.py starts its own TLS servers and uses tritonclient.grpc, so it runs with the gRPC tests; so do
# test_sequence_grpc.py, test_config_features_grpc.py, test_logging_grpc.py, test_response_cache_grpc.py, and
# test_bytes.py, test_shared_memory.py, test_model_config_grpc.py, test_ensemble_custom_ops.py and
# test_schedule_policy.py and test_model_upload.py (which drive tritonclient.http and tritonclient.grpc side by side).
grpc_tests=(
    Tests/Integration/test_tritonclient_grpc.py Tests/Integration/test_tls.py Tests/Integration/test_sequence_grpc.py
    Tests/Integration/test_config_features_grpc.py Tests/Integration/test_bytes.py Tests/Integration/test_shared_memory.py
    Tests/Integration/test_logging_grpc.py Tests/Integration/test_model_config_grpc.py
    Tests/Integration/test_response_cache_grpc.py Tests/Integration/test_ensemble_custom_ops.py
    Tests/Integration/test_trace_grpc.py Tests/Integration/test_schedule_policy.py
    Tests/Integration/test_runtime_settings_grpc.py Tests/Integration/test_model_upload.py
)
rest_status=0
grpc_status=0
run_pytest "Tests/Integration (REST)" Tests/Integration "${grpc_tests[@]/#/--ignore=}" "$@" || rest_status=$?
run_pytest "${grpc_tests[*]} (gRPC)" "${grpc_tests[@]}" "$@" || grpc_status=$?
if [[ $rest_status -eq 5 && $grpc_status -eq 5 ]]; then
    status=5
elif [[ $rest_status -ne 0 && $rest_status -ne 5 ]]; then
    status=$rest_status
elif [[ $grpc_status -ne 0 && $grpc_status -ne 5 ]]; then
    status=$grpc_status
else
    status=0
fi

if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "error: the server died during the tests" >&2
    [[ $status -eq 0 ]] && status=1
fi
# pytest's closing line, with or without its '=' border: "3 passed, 1 failed in 2.50s", "no tests ran in 0.01s".
summary="$(grep -E '^(=+ )?([0-9]+ [a-z]+(, )?)*(no tests ran)? ?in [0-9.]+s' "$results" |
    sed -E 's/^=+ //; s/ =+$//' | paste -sd ';' - || true)"
echo "integration: ${summary:-no pytest summary} (exit $status)"
exit "$status"
