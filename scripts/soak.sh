#!/usr/bin/env bash
# Soak test: starts `ort serve` (explicit mode, a few small models, one of them sequence-batching with implicit
# state), drives it with a fixed number of requests (valid and malformed mixed, with three-request sequences and
# system shared memory round trips among them) while one model is unloaded and loaded again every ~0.4 s, samples the
# server's RSS and open file descriptors, then stops it with SIGTERM and checks the exit code.
#
#   scripts/soak.sh [--requests N] [--threads N] [--debug]
#
# Writes .soak/summary.json (statuses per request kind, RSS and fd samples, failures) and prints the headline figures.
# Fails on any unexpected status, a wrong result, a server that dies, a non-zero exit after SIGTERM, or a missed target
# (scripts/soak.py checks them): no valid request fails, RSS after the run is under 10 % above RSS after the warm-up
# (the first quarter of the requests), open descriptors do not grow (at most 2 above the count before the run), and no
# shared memory region is left registered or mapped.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
requests=20000
threads=4
configuration=release
while [[ $# -gt 0 ]]; do
    case "$1" in
        --requests) requests="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --debug) configuration=debug; shift ;;
        *) echo "soak: unknown option $1" >&2; exit 2 ;;
    esac
done
scripts/install-runtime.sh
swift build -c "$configuration" --enable-all-traits --product ort
ort="$(swift build -c "$configuration" --enable-all-traits --show-bin-path)/ort"

work="$root/.soak"
rm -rf "$work"
mkdir -p "$work/repo"
for pair in ident:identity_int32 add:add_f32 strings:identity_string flip:identity_int32; do
    mkdir -p "$work/repo/${pair%%:*}/1"
    cp "Tests/Models/${pair#*:}.onnx" "$work/repo/${pair%%:*}/1/model.onnx"
done
# A sequence-batching model with implicit state: OUTPUT = INPUT + the sequence's running sum.
mkdir -p "$work/repo/seq/1"
cp Tests/Models/sequence_accumulate.onnx "$work/repo/seq/1/model.onnx"
cat >"$work/repo/seq/config.pbtxt" <<'CONFIG'
max_batch_size: 4
sequence_batching {
  oldest { max_candidate_sequences: 16 max_queue_delay_microseconds: 1000 }
  control_input [ { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_STRING } ] } ]
  state [ { input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [ 1 ]
            initial_state { data_type: TYPE_INT32 dims: [ 1 ] zero_data: true name: "zero" } } ]
}
CONFIG
max_request_size=1048576
"$ort" serve --model-repository "$work/repo" --model-control-mode explicit --load-model '*' --http-port 0 \
    --max-request-size "$max_request_size" --log-level info 2> "$work/server.log" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
port=""
for _ in $(seq 600); do
    port="$(grep -oE 'listening on 127\.0\.0\.1:[0-9]+' "$work/server.log" | grep -oE '[0-9]+$' || true)"
    [[ -n "$port" ]] && break
    sleep 0.1
done
[[ -n "$port" ]] || { echo "soak: the server did not start" >&2; cat "$work/server.log" >&2; exit 1; }
for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/v2/health/ready" > /dev/null 2>&1 && break
    sleep 0.1
done

status=0
python3 scripts/soak.py --port "$port" --pid "$server" --requests "$requests" --threads "$threads" \
    --max-request-size "$max_request_size" > "$work/summary.json" || status=$?
kill -TERM "$server"
exit_code=0
wait "$server" || exit_code=$?
trap - EXIT
python3 - "$work/summary.json" "$exit_code" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"soak: {s['requests']} requests from {s['threads']} threads in {s['seconds']} s ({s['requests_per_second']}/s), "
      f"p50 {s['latency_ms']['p50']} ms, p99 {s['latency_ms']['p99']} ms")
print(f"soak: load/unload cycles {s['load_unload_cycles']}")
print(f"soak: RSS MiB first {s['rss_mb']['first']}, max {s['rss_mb']['max']}, after {s['rss_mb']['after']}; "
      f"open fds first {s['fds']['first']}, max {s['fds']['max']}, after {s['fds']['after']}")
print(f"soak: statuses {json.dumps(s['statuses'], sort_keys=True)}")
c = s["checks"]
print(f"soak: shared memory regions left {c['shared_memory_regions_left']} (0), /dev/shm objects still mapped "
      f"{c['shared_memory_objects_mapped']} (0)")
print(f"soak: targets: valid requests failed {c['valid_requests_failed']} (0); RSS after warm-up "
      f"{c.get('rss_warm_mb')} MiB, growth since {c.get('rss_growth_after_warmup', 0):.1%} (under 10%); "
      f"descriptor growth {c.get('fd_growth')} (at most 2)")
print(f"soak: {s['failure_count']} failures; exit code after SIGTERM: {sys.argv[2]}")
for failure in s["failures"][:10]:
    print("   ", failure)
PY
[[ "$exit_code" == 0 ]] || { echo "soak: ort serve exited with $exit_code after SIGTERM" >&2; status=1; }
exit "$status"
