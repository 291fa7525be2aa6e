#!/usr/bin/env bash
# The throughput cost of tracing: `ort serve` (release) on the MNIST MLP over REST JSON, driven by wrk, with tracing
# off and then at rate 1 (every request a span, exported over OTLP/HTTP to a loopback receiver that discards them),
# then off again. Prints a Markdown table for BENCHMARKS.md's "Tracing" section. Not part of CI (too noisy there).
#
# Usage: scripts/benchmark-trace.sh     BENCH_TRACE_DURATION=N seconds per run (default 10), BENCH_TRACE_CONNECTIONS=N
#                                        connections (default 8)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
duration="${BENCH_TRACE_DURATION:-10}"
connections="${BENCH_TRACE_CONNECTIONS:-8}"
command -v wrk >/dev/null || { echo "error: wrk is missing (apt-get install wrk)" >&2; exit 1; }
ort="$(scripts/release-ort.sh)"
work="$(mktemp -d "${TMPDIR:-/tmp}/ort-trace-bench.XXXXXX")"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

mkdir -p "$work/repo/mnist/1"
cp Benchmarks/server/repositories/unbatched/mnist/config.pbtxt "$work/repo/mnist/"
cp Examples/MNIST/mnist-mlp.onnx "$work/repo/mnist/1/model.onnx"
python3 - "$work/body.json" <<'PY'
import json, sys
pixels = [((i * 37) % 256) / 255.0 for i in range(784)]
json.dump({"inputs": [{"name": "input", "shape": [1, 1, 28, 28], "datatype": "FP32", "data": pixels}]}, open(sys.argv[1], "w"))
PY

# A collector that counts spans' export requests and throws them away.
otlp_port="$(free_port)"
python3 - "$otlp_port" "$work/otlp-count" <<'PY' &
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
count = 0
class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        global count
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        count += 1
        open(sys.argv[2], "w").write(str(count))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *args):
        pass
ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
pids+=($!)

port="$(free_port)"
"$ort" serve --model-repository "$work/repo" --http-port "$port" --no-grpc --metrics-port 0 --log-level warning \
    --trace-config mode=opentelemetry --trace-config "opentelemetry,url=127.0.0.1:$otlp_port/v1/traces" \
    --trace-config opentelemetry,bsp_schedule_delay=200 --trace-config rate=1 >"$work/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
    curl -sf "http://127.0.0.1:$port/v2/health/ready" >/dev/null && break
    sleep 0.2
done
input_name="$(curl -sf "http://127.0.0.1:$port/v2/models/mnist" | python3 -c 'import json,sys; print(json.load(sys.stdin)["inputs"][0]["name"])')"
sed -i "s/\"name\": \"input\"/\"name\": \"$input_name\"/" "$work/body.json"
curl -s "http://127.0.0.1:$port/v2/models/mnist/infer" -d @"$work/body.json" | grep -q outputs || { echo "error: the check request failed" >&2; curl -s "http://127.0.0.1:$port/v2/models/mnist/infer" -d @"$work/body.json" >&2; exit 1; }

run() { # LABEL LEVEL
    curl -sf -X POST "http://127.0.0.1:$port/v2/trace/setting" -d "{\"trace_level\": [\"$2\"]}" >/dev/null
    WRK_BODY="$work/body.json" wrk -t2 -c"$connections" -d"${duration}s" --latency \
        -s Benchmarks/server/infer.lua "http://127.0.0.1:$port/v2/models/mnist/infer" >"$work/wrk-$1.txt"
    local rps p50 p99 errors
    rps="$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$1.txt")"
    p50="$(awk '$1 == "50%" {print $2}' "$work/wrk-$1.txt")"
    p99="$(awk '$1 == "99%" {print $2}' "$work/wrk-$1.txt")"
    errors="$(awk '/Non-2xx/ {print $NF}' "$work/wrk-$1.txt")"
    echo "$1 ${rps} ${p50} ${p99} ${errors:-0}"
}
off1="$(run off1 OFF)"
on="$(run on TIMESTAMPS)"
sleep 1
exports="$(cat "$work/otlp-count" 2>/dev/null || echo 0)"
off2="$(run off2 OFF)"
python3 - "$off1" "$on" "$off2" "$exports" "$connections" "$duration" <<'PY'
import sys
rows = [line.split() for line in sys.argv[1:4]]
exports, connections, duration = sys.argv[4:7]
off = (float(rows[0][1]) + float(rows[2][1])) / 2
print(f"| Tracing | Throughput (req/s) | p50 | p99 | Errors | vs. off |")
print("|---|---:|---:|---:|---:|---:|")
for (label, rps, p50, p99, errors), name in zip(rows, ["off", "rate 1, TIMESTAMPS", "off again"]):
    ratio = f"{float(rps) / off:.2f}×" if label == "on" else ""
    print(f"| {name} | {float(rps):,.0f} | {p50} | {p99} | {errors} | {ratio} |")
print(f"\n{connections} connections, {duration} s per row; {exports} export requests reached the collector during the traced row.")
PY
