#!/usr/bin/env bash
# Thread pools benchmark: `ort serve` (release) with 19 and with 100 copies of the MNIST MLP, each model with
# ONNX Runtime's default thread counts, with pools per session against
# `--backend-config onnxruntime,enable-global-threadpool=1`. Prints the server's threads (/proc/PID/task) and RSS
# (VmRSS in /proc/PID/status) once every model is loaded and has answered one request, and the throughput of 4 of
# the 19 models under concurrent load (one wrk per model, Benchmarks/server/infer.lua, REST JSON). Prints a
# Markdown table for BENCHMARKS.md ("Thread pools"). Not part of CI: slow, and noisy on shared machines.
#
# Usage: scripts/benchmark-threadpools.sh    BENCH_THREADPOOLS_DURATION=N: seconds of load (default 10)
#                                            BENCH_THREADPOOLS_CONNECTIONS=N: connections per model (default 2)
#
# Needs: wrk, curl and python3 (standard library only); builds the release `ort` first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
case "${1:-}" in
    -h|--help) sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 0 ;;
    "") ;;
    *) echo "error: unknown argument '$1' (see --help)" >&2; exit 2 ;;
esac
duration="${BENCH_THREADPOOLS_DURATION:-10}"
connections="${BENCH_THREADPOOLS_CONNECTIONS:-2}"
[[ "$duration" =~ ^[1-9][0-9]*$ ]] || { echo "error: BENCH_THREADPOOLS_DURATION must be whole seconds" >&2; exit 2; }
[[ "$connections" =~ ^[1-9][0-9]*$ ]] || { echo "error: BENCH_THREADPOOLS_CONNECTIONS must be >= 1" >&2; exit 2; }
for tool in wrk curl python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 1; }
done

ort="$(scripts/release-ort.sh)"
model="$root/Examples/MNIST/mnist-mlp.onnx"
work="$(mktemp -d "${TMPDIR:-/tmp}/ort-threadpools.XXXXXX")"
server_pid=""
cleanup() {
    if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# A repository of N copies of the MNIST MLP, without config.pbtxt: ONNX Runtime's default thread counts.
make_repository() {
    local count=$1 directory="$work/repository-$1"
    for ((i = 0; i < count; i++)); do
        mkdir -p "$directory/mnist$i/1"
        cp "$model" "$directory/mnist$i/1/model.onnx"
    done
    echo "$directory"
}

# The first MNIST test digit as a REST JSON request.
python3 - "$root/Examples/MNIST/sample/t10k-images.idx3-ubyte" "$work/body.json" <<'EOF'
import json, sys
with open(sys.argv[1], "rb") as handle:
    handle.read(16)
    pixels = handle.read(784)
data = [p / 255.0 for p in pixels]
body = {"inputs": [{"name": "input", "datatype": "FP32", "shape": [1, 1, 28, 28], "data": data}],
        "outputs": [{"name": "probabilities"}]}
with open(sys.argv[2], "w") as handle:
    json.dump(body, handle)
EOF

# Starts the server on a repository with extra arguments; sets server_pid and base.
start_server() {
    local repository=$1
    shift
    "$ort" serve --model-repository "$repository" --http-port 0 --no-grpc --allow-metrics false --log-level info \
        "$@" 2>"$work/server.log" &
    server_pid=$!
    local port=""
    for _ in $(seq 1 600); do
        port="$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$work/server.log" | head -n 1 | cut -d: -f2 || true)"
        if [[ -n "$port" ]] && curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null; then break; fi
        kill -0 "$server_pid" 2>/dev/null || { cat "$work/server.log" >&2; exit 1; }
        sleep 0.2
    done
    curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
    base="http://127.0.0.1:$port"
}

stop_server() {
    kill -TERM "$server_pid"
    wait "$server_pid" || true
    server_pid=""
}

# One request to each model (its answer checked: the first test digit is a 7), then threads and RSS.
measure() {
    local count=$1
    for ((i = 0; i < count; i++)); do
        curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$work/body.json" \
            "$base/v2/models/mnist$i/infer" >"$work/answer.json"
        python3 - "$work/answer.json" <<'EOF'
import json, sys
data = json.load(open(sys.argv[1]))["outputs"][0]["data"]
assert max(range(len(data)), key=data.__getitem__) == 7, data
EOF
    done
    threads=$(ls "/proc/$server_pid/task" | wc -l)
    rss_kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status")
}

# 4 models under load at once, one wrk each; prints the summed requests per second.
load_four() {
    local pids=()
    for i in 0 1 2 3; do
        WRK_BODY="$work/body.json" wrk -t 1 -c "$connections" -d "${duration}s" -s Benchmarks/server/infer.lua \
            "$base/v2/models/mnist$i/infer" >"$work/wrk$i.txt" 2>&1 &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid"; done
    cat "$work"/wrk[0-3].txt | awk '/^Requests\/sec:/ { sum += $2 } /Non-2xx/ { bad = 1 } END {
        if (bad) { print "non-2xx answers" > "/dev/stderr"; exit 1 } printf "%.0f", sum }'
}

declare -A rows
for count in 19 100; do
    repository="$(make_repository "$count")"
    for mode in per-session global; do
        arguments=()
        [[ $mode == global ]] && arguments=(--backend-config onnxruntime,enable-global-threadpool=1)
        echo "==> $count models, $mode pools" >&2
        start_server "$repository" "${arguments[@]}"
        measure "$count"
        rows["$count,$mode,threads"]=$threads
        rows["$count,$mode,rss"]=$((rss_kb / 1024))
        if [[ $count == 19 ]]; then
            rows["$count,$mode,rps"]=$(load_four)
        fi
        stop_server
    done
done

cores=$(nproc)
echo
echo "| Models | Pools | Threads | RSS (MiB) | 4 models under load (req/s) |"
echo "|---:|---|---:|---:|---:|"
for count in 19 100; do
    for mode in per-session global; do
        rps="${rows[$count,$mode,rps]:-}"
        echo "| $count | $mode | ${rows[$count,$mode,threads]} | ${rows[$count,$mode,rss]} | ${rps:-not measured} |"
    done
done
echo
echo "$cores cores; $(basename "$model") copies with ONNX Runtime's default thread counts; load: 4 wrk processes at once" \
    "(1 thread, $connections connections each, ${duration} s), one per model, REST JSON."
