#!/usr/bin/env bash
# Compares two builds of `ort serve` on the MNIST MLP over REST JSON (the server benchmark's model and request), driven
# by wrk: A, B, A, B, ... one server at a time, so both meet the same machine load in turn. Prints each run and the
# ratio of the medians (B / A), for throughput and for the server's CPU time per request (utime + stime from /proc). Not part of CI; it is how a change is checked for a slowdown before and after, e.g.
# the protocol model's move into KServeProtocol:
#
#   git worktree add /tmp/before <commit> && (cd /tmp/before && swift build -c release --traits Server --product ort)
#   scripts/benchmark-ab.sh /tmp/before/.build/release/ort .build/release/ort
#
# Usage: scripts/benchmark-ab.sh ORT_A ORT_B     BENCH_AB_ROUNDS=N (default 3), BENCH_AB_DURATION=N seconds (default
#        10), BENCH_AB_CONNECTIONS=N (default 8)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[[ $# -eq 2 ]] || { sed -n '2,12p' "${BASH_SOURCE[0]}"; exit 2; }
a="$1" b="$2"
for binary in "$a" "$b"; do [[ -x "$binary" ]] || { echo "error: $binary is not an executable" >&2; exit 2; }; done
rounds="${BENCH_AB_ROUNDS:-3}"
duration="${BENCH_AB_DURATION:-10}"
connections="${BENCH_AB_CONNECTIONS:-8}"
command -v wrk >/dev/null || { echo "error: wrk is missing (apt-get install wrk)" >&2; exit 1; }
scripts/install-runtime.sh >/dev/null
work="$(mktemp -d "${TMPDIR:-/tmp}/ort-ab.XXXXXX")"
server=""
cleanup() {
    [[ -n "$server" ]] && kill "$server" 2>/dev/null || true
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
mkdir -p "$work/repo/mnist/1"
cp Benchmarks/server/repositories/unbatched/mnist/config.pbtxt "$work/repo/mnist/"
cp Examples/MNIST/mnist-mlp.onnx "$work/repo/mnist/1/model.onnx"
# Real pixel values (17 significant digits, as a client's float64 JSON has them).
python3 - "$work/body.json" <<'PY'
import json, sys
pixels = [((i * 37) % 256) / 255.0 for i in range(784)]
json.dump({"inputs": [{"name": "input", "shape": [1, 1, 28, 28], "datatype": "FP32", "data": pixels}]}, open(sys.argv[1], "w"))
PY

run() { # LABEL BINARY
    ORT_DYLIB_PATH="$root/.ort/lib/libonnxruntime.so" "$2" serve --model-repository "$work/repo" --http-port "$port" \
        --no-grpc --metrics-port 0 --log-level warning >"$work/server-$1.log" 2>&1 &
    server=$!
    for _ in $(seq 1 150); do
        curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && break
        sleep 0.2
    done
    curl -s "http://127.0.0.1:$port/v2/models/mnist/infer" -d @"$work/body.json" | grep -q '"outputs"' ||
        { echo "error: $2 did not answer the check request (see $work/server-$1.log)" >&2; exit 1; }
    local before after
    before="$(cpu_ticks "$server")"
    WRK_BODY="$work/body.json" wrk -t"$(( connections < 2 ? 1 : 2 ))" -c"$connections" -d"${duration}s" --latency \
        -s Benchmarks/server/infer.lua "http://127.0.0.1:$port/v2/models/mnist/infer" >"$work/wrk.txt"
    after="$(cpu_ticks "$server")"
    kill "$server"
    wait "$server" 2>/dev/null || true
    server=""
    local errors
    errors="$(awk '/Non-2xx/ {print $NF}' "$work/wrk.txt")"
    echo "$1 $(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt") $(awk '$1 == "50%" {print $2}' "$work/wrk.txt") ${errors:-0}" \
        "$((after - before)) $(awk '/requests in/ {print $1}' "$work/wrk.txt")"
}
cpu_ticks() { # PID: utime + stime of the process (all threads), in clock ticks
    awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"
}
results=()
for round in $(seq 1 "$rounds"); do
    results+=("$(run A "$a")")
    results+=("$(run B "$b")")
done
printf '%s\n' "${results[@]}" | python3 -c '
import statistics, sys
import os
tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
rows = [line.split() for line in sys.stdin if line.strip()]
print("| run | build | req/s | p50 | CPU/request (µs) | non-2xx |")
print("|---:|---|---:|---:|---:|---:|")
cpu = {}
for index, (label, rps, p50, errors, ticks, requests) in enumerate(rows, 1):
    per_request = int(ticks) * tick_us / max(int(requests), 1)
    cpu.setdefault(label, []).append(per_request)
    print(f"| {index} | {label} | {float(rps):,.0f} | {p50} | {per_request:.1f} | {errors} |")
median = {label: statistics.median(float(r[1]) for r in rows if r[0] == label) for label in ("A", "B")}
a, b = median["A"], median["B"]
print(f"\nmedian A {a:,.0f} req/s, B {b:,.0f} req/s: B/A = {b / a:.3f}")
ca, cb = statistics.median(cpu["A"]), statistics.median(cpu["B"])
print(f"median CPU per request A {ca:.1f} µs, B {cb:.1f} µs: B/A = {cb / ca:.3f}")
'
