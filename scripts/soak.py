#!/usr/bin/env python3
"""Soak test of `ort serve` (driven by scripts/soak.sh): a fixed number of requests from a few threads, valid and
malformed mixed, while one model is loaded and unloaded again and again; RSS and open file descriptors are sampled
every half second. Mixed in: three-request sequences on a sequence-batching model with implicit state (interleaved
across threads, a unique correlation ID each), and system shared memory round trips (a POSIX object created,
registered, used for the input and the output, unregistered and unlinked). Standard library only. Prints a JSON summary and fails (exit 1) on any unexpected status, a
dead server, a wrong inference result, or a missed target:

- every valid request (the `valid_*` kinds and `metadata`) succeeds;
- RSS after the run is less than --max-rss-growth (10 %) above the RSS at the end of the warm-up (the first
  --warmup fraction of the requests, 25 %: the allocator's and ONNX Runtime's arenas grow until then);
- open descriptors after the run (all client connections closed) are at most --max-fd-growth (2) above those before
  it: a descriptor leaked per request or per load cycle would show as hundreds;
- no shared memory region is left: the server's status lists none, and it maps no /dev/shm object any more (the
  region count returns to its start, 0)."""
import argparse
import http.client
import itertools
import json
import mmap
import os
import random
import struct
import sys
import threading
import time

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--pid", type=int, required=True)
parser.add_argument("--requests", type=int, default=20000)
parser.add_argument("--threads", type=int, default=4)
parser.add_argument("--seed", type=int, default=1)
parser.add_argument("--max-request-size", type=int, required=True)
parser.add_argument("--warmup", type=float, default=0.25, help="fraction of the requests that warms the server up")
parser.add_argument("--max-rss-growth", type=float, default=0.10, help="allowed RSS growth after the warm-up")
parser.add_argument("--max-fd-growth", type=int, default=2, help="allowed growth of open descriptors")
args = parser.parse_args()

IDENTITY = {"inputs": [{"name": "x", "shape": [2, 3], "datatype": "INT32", "data": [1, -2, 3, -4, 5, -6]}]}
ADD = {"inputs": [{"name": "A", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]},
                  {"name": "B", "shape": [1, 3], "datatype": "FP32", "data": [0.5, 0.25, 0.125]}]}
STRINGS = {"inputs": [{"name": "x", "shape": [2, 3], "datatype": "BYTES", "data": ["a", "bb", "", "ccc", "é", "z"]}]}


def binary_identity():
    header = json.dumps({"inputs": [{"name": "x", "shape": [2, 3], "datatype": "INT32",
                                     "parameters": {"binary_data_size": 24}}],
                         "outputs": [{"name": "y", "parameters": {"binary_data": True}}]}).encode()
    return header + struct.pack("<6i", 1, 2, 3, 4, 5, 6), {"Inference-Header-Content-Length": str(len(header))}


def bytes_overrun():
    header = json.dumps({"inputs": [{"name": "x", "shape": [2, 3], "datatype": "BYTES",
                                     "parameters": {"binary_data_size": 9}}]}).encode()
    return header + struct.pack("<I", 0xFFFFFFF0) + b"abcde", {"Inference-Header-Content-Length": str(len(header))}


SEQUENCE_IDS = itertools.count(1)
SHM_NAMES = itertools.count(1)


def exchange(connection, method, path, body=None):
    connection.request(method, path, body=body, headers={})
    response = connection.getresponse()
    return response.status, response.read()


def sequence(connection):
    """START 1, then 2, then END 3 on one sequence: the server keeps the running sum (1, 3, 6) as implicit state."""
    with lock:
        sequence_id = f"soak-{next(SEQUENCE_IDS)}"
    for value, flags, expected in ((1, {"sequence_start": True}, 1), (2, {}, 3), (3, {"sequence_end": True}, 6)):
        body = json.dumps({"parameters": {"sequence_id": sequence_id, **flags},
                           "inputs": [{"name": "INPUT", "shape": [1, 1], "datatype": "INT32", "data": [value]}]})
        status, data = exchange(connection, "POST", "/v2/models/seq/infer", body.encode())
        if status != 200:
            return status, data
        if json.loads(data)["outputs"][0]["data"] != [expected]:
            return "wrong", data
    return 200, b""


def shared_memory(connection):
    """A POSIX object of 4 KiB: six INT32 at offset 0 are the input, the output goes to offset 64; both checked."""
    with lock:
        number = next(SHM_NAMES)
    key, region = f"/ort-soak-{os.getpid()}-{number}", f"soak{number}"
    path = "/dev/shm" + key
    with open(path, "wb") as f:
        f.truncate(4096)
    try:
        with open(path, "r+b") as f, mmap.mmap(f.fileno(), 4096) as memory:
            memory[0:24] = struct.pack("<6i", 1, -2, 3, -4, 5, -6)
            status, data = exchange(connection, "POST", f"/v2/systemsharedmemory/region/{region}/register",
                                    json.dumps({"key": key, "offset": 0, "byte_size": 4096}).encode())
            if status != 200:
                return status, data
            try:
                body = json.dumps({
                    "inputs": [{"name": "x", "shape": [2, 3], "datatype": "INT32",
                                "parameters": {"shared_memory_region": region, "shared_memory_byte_size": 24}}],
                    "outputs": [{"name": "y", "parameters": {"shared_memory_region": region,
                                                            "shared_memory_offset": 64,
                                                            "shared_memory_byte_size": 24}}]})
                status, data = exchange(connection, "POST", "/v2/models/ident/infer", body.encode())
                if status != 200:
                    return status, data
                if struct.unpack("<6i", memory[64:88]) != (1, -2, 3, -4, 5, -6):
                    return "wrong", bytes(memory[64:88])
                # An offset past the region's end is refused and changes nothing.
                bad = body.replace('"shared_memory_offset": 64', '"shared_memory_offset": 4090')
                status, data = exchange(connection, "POST", "/v2/models/ident/infer", bad.encode())
                if status != 400:
                    return status, data
            finally:
                status, data = exchange(connection, "POST", f"/v2/systemsharedmemory/region/{region}/unregister")
                if status != 200:
                    return status, data
    finally:
        os.unlink(path)
    return 200, b""


# (name, method, path, body, headers, allowed statuses, check); method "CALL" runs body(connection), which answers
# (status, data) for the whole exchange.
def cases():
    body, headers = binary_identity()
    overrun, overrun_headers = bytes_overrun()
    return [
        ("valid_json", "POST", "/v2/models/ident/infer", json.dumps(IDENTITY).encode(), {}, {200},
         lambda r: r["outputs"][0]["data"] == [1, -2, 3, -4, 5, -6]),
        ("valid_add", "POST", "/v2/models/add/infer", json.dumps(ADD).encode(), {}, {200},
         lambda r: r["outputs"][0]["data"] == [1.5, 2.25, 3.125]),
        ("valid_strings", "POST", "/v2/models/strings/infer", json.dumps(STRINGS).encode(), {}, {200},
         lambda r: r["outputs"][0]["data"] == ["a", "bb", "", "ccc", "é", "z"]),
        ("valid_binary", "POST", "/v2/models/ident/infer", body, headers, {200}, None),
        ("metadata", "GET", "/v2/models/ident", None, {}, {200}, lambda r: r["name"] == "ident"),
        ("flip_infer", "POST", "/v2/models/flip/infer", json.dumps(IDENTITY).encode(), {}, {200, 503}, None),
        ("bad_json", "POST", "/v2/models/ident/infer", b'{"inputs": [', {}, {400}, None),
        ("wrong_shape", "POST", "/v2/models/ident/infer",
         json.dumps({"inputs": [{"name": "x", "shape": [3, 3], "datatype": "INT32", "data": [0] * 9}]}).encode(),
         {}, {400}, None),
        ("wrong_type", "POST", "/v2/models/ident/infer",
         json.dumps({"inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [0.0] * 6}]}).encode(),
         {}, {400}, None),
        ("deep_nesting", "POST", "/v2/models/ident/infer", b"[" * 20000 + b"]" * 20000, {}, {400}, None),
        ("bytes_overrun", "POST", "/v2/models/strings/infer", overrun, overrun_headers, {400}, None),
        ("unknown_model", "POST", "/v2/models/nope/infer", json.dumps(IDENTITY).encode(), {}, {404}, None),
        ("traversal", "GET", "/v2/models/..%2F..%2Fetc%2Fpasswd", None, {}, {400}, None),
        ("too_large", "POST", "/v2/models/ident/infer", b" " * (args.max_request_size + 1), {}, {413}, None),
        ("valid_sequence", "CALL", None, sequence, {}, {200}, None),
        ("valid_shm", "CALL", None, shared_memory, {}, {200}, None),
        ("sequence_without_start", "POST", "/v2/models/seq/infer",
         json.dumps({"parameters": {"sequence_id": "never-started"},
                     "inputs": [{"name": "INPUT", "shape": [1, 1], "datatype": "INT32", "data": [1]}]}).encode(),
         {}, {400}, None),
        ("shm_unknown_region", "POST", "/v2/models/ident/infer",
         json.dumps({"inputs": [{"name": "x", "shape": [2, 3], "datatype": "INT32",
                                 "parameters": {"shared_memory_region": "never-registered",
                                                "shared_memory_byte_size": 24}}]}).encode(), {}, {404}, None),
    ]


CASES = cases()
# The kinds that must always succeed.
VALID = {"valid_json", "valid_add", "valid_strings", "valid_binary", "metadata", "valid_sequence", "valid_shm"}
lock = threading.Lock()
counts = {}
failures = []
latencies = []
issued = 0


def record(name, status):
    with lock:
        counts.setdefault(name, {}).setdefault(str(status), 0)
        counts[name][str(status)] += 1


def next_index():
    global issued
    with lock:
        if issued >= args.requests:
            return None
        issued += 1
        return issued


def worker(seed):
    rng = random.Random(seed)
    connection = None
    while next_index() is not None:
        name, method, path, body, headers, allowed, check = rng.choice(CASES)
        start = time.monotonic()
        try:
            if connection is None:
                connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
            if method == "CALL":
                status, data = body(connection)
            else:
                connection.request(method, path, body=body, headers=headers)
                response = connection.getresponse()
                data = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
                    connection = None
        except Exception as error:  # a dropped connection is counted, then a new one is opened
            if connection is not None:
                connection.close()
            connection = None
            record(name, type(error).__name__)
            # A body over the limit is answered with 413 as soon as its Content-Length is seen, and the server may
            # close the connection while the client is still sending it.
            if not (name == "too_large" and isinstance(error, (ConnectionResetError, BrokenPipeError))):
                with lock:
                    failures.append(f"{name}: {type(error).__name__}: {error}")
            continue
        with lock:
            latencies.append(time.monotonic() - start)
        record(name, status)
        if status not in allowed:
            with lock:
                failures.append(f"{name}: status {status}: {data[:200]!r}")
        elif status == 200 and check is not None:
            if not check(json.loads(data)):
                with lock:
                    failures.append(f"{name}: wrong result {data[:200]!r}")


def repository(action, model):
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
    connection.request("POST", f"/v2/repository/models/{model}/{action}", body=b"{}")
    response = connection.getresponse()
    response.read()
    connection.close()
    return response.status


cycles = {"load": 0, "unload": 0, "failed": 0}
stop = threading.Event()


def churn():
    while not stop.is_set():
        for action in ("unload", "load"):
            status = repository(action, "flip")
            cycles[action if status == 200 else "failed"] += 1
            stop.wait(0.2)


def rss_and_fds():
    with open(f"/proc/{args.pid}/status") as f:
        rss = next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
    return rss // 1024, len(os.listdir(f"/proc/{args.pid}/fd"))


samples = []


def sampler():
    start = time.monotonic()
    while not stop.is_set():
        try:
            rss, fds = rss_and_fds()
        except (FileNotFoundError, ProcessLookupError):
            failures.append("the server process is gone")
            return
        with lock:
            done = issued
        samples.append((round(time.monotonic() - start, 1), rss, fds, done))
        stop.wait(0.5)


sampling = threading.Thread(target=sampler)
churning = threading.Thread(target=churn)
sampling.start()
churning.start()
started = time.monotonic()
workers = [threading.Thread(target=worker, args=(args.seed * 100 + i,)) for i in range(args.threads)]
for thread in workers:
    thread.start()
for thread in workers:
    thread.join()
elapsed = time.monotonic() - started
stop.set()
churning.join()
sampling.join()
time.sleep(1)
try:
    final_rss, final_fds = rss_and_fds()
except FileNotFoundError:
    final_rss, final_fds = None, None
    failures.append("the server process is gone at the end")


def regions_left():
    """The regions the server still lists, and the /dev/shm objects it still maps."""
    connection = http.client.HTTPConnection("127.0.0.1", args.port, timeout=60)
    try:
        status, data = exchange(connection, "GET", "/v2/systemsharedmemory/status")
    finally:
        connection.close()
    listed = json.loads(data) if status == 200 else [f"status {status}"]
    with open(f"/proc/{args.pid}/maps") as f:
        mapped = sorted({line.split()[-1] for line in f if "/dev/shm/" in line})
    return listed, mapped


try:
    listed_regions, mapped_objects = regions_left()
except (OSError, ValueError) as error:
    listed_regions, mapped_objects = [f"{error}"], []
if listed_regions or mapped_objects:
    failures.insert(0, f"shared memory left after the run: listed {listed_regions[:5]}, mapped {mapped_objects[:5]}")

# The targets. Warm-up ends at the first sample taken once the warm-up share of the requests had been issued.
warm = next((sample for sample in samples if sample[3] >= args.requests * args.warmup), samples[-1] if samples else None)
valid_failed = sum(count for name, by_status in counts.items() if name in VALID
                   for status, count in by_status.items() if status != "200")
valid_failed += sum(1 for failure in failures if failure.split(":")[0] in VALID and "wrong result" in failure)
checks = {"valid_requests_failed": valid_failed, "shared_memory_regions_left": len(listed_regions),
          "shared_memory_objects_mapped": len(mapped_objects)}
if warm is not None and final_rss is not None:
    growth = (final_rss - warm[1]) / warm[1]
    checks["rss_warm_mb"] = warm[1]
    checks["rss_growth_after_warmup"] = round(growth, 4)
    if growth >= args.max_rss_growth:
        failures.insert(0, f"RSS grew by {growth:.1%} after the warm-up ({warm[1]} -> {final_rss} MiB), "
                        f"the target is under {args.max_rss_growth:.0%}")
if samples and final_fds is not None:
    checks["fd_growth"] = final_fds - samples[0][2]
    if final_fds - samples[0][2] > args.max_fd_growth:
        failures.insert(0, f"open descriptors grew from {samples[0][2]} to {final_fds} over the run, "
                        f"the target is at most {args.max_fd_growth}")
if valid_failed:
    failures.insert(0, f"{valid_failed} valid requests failed, the target is 0")

latencies.sort()
summary = {
    "requests": args.requests,
    "threads": args.threads,
    "seconds": round(elapsed, 1),
    "requests_per_second": round(args.requests / elapsed, 1),
    "latency_ms": {"p50": round(1000 * latencies[len(latencies) // 2], 2) if latencies else None,
                   "p99": round(1000 * latencies[int(len(latencies) * 0.99)], 2) if latencies else None},
    "statuses": counts,
    "load_unload_cycles": cycles,
    "rss_mb": {"first": samples[0][1] if samples else None, "max": max(s[1] for s in samples) if samples else None,
               "last": samples[-1][1] if samples else None, "after": final_rss},
    "fds": {"first": samples[0][2] if samples else None, "max": max(s[2] for s in samples) if samples else None,
            "after": final_fds},
    "checks": checks,
    "samples": samples,
    "failures": failures[:50],
    "failure_count": len(failures),
}
print(json.dumps(summary, indent=1))
sys.exit(1 if failures else 0)
