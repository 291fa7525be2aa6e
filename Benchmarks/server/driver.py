"""Server benchmark: `ort serve` against a real Triton Inference Server (python backend over onnxruntime) and the
KServe Python ModelServer over onnxruntime, same model, same load tools, same machine, one run; and nginx answering
the same requests with a fixed body, for the limit. Started by scripts/benchmark-server.sh, which installs what it needs; writes the "Server"
section of BENCHMARKS.md between its markers and leaves the rest of the file alone.

Load: wrk with Benchmarks/server/infer.lua (REST, JSON and Triton's binary tensor extension), our gRPC load client
(Benchmarks/server/grpc_load.c) with a pre-encoded gRPC ModelInfer request. Per row: throughput, p50 and p99, the server's CPU time per request (utime +
stime of its process tree from /proc, before and after) and the ours/Triton and ours/Python throughput ratios. Before any load, one
request per transport is checked against Python onnxruntime's answer for the same digit.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import numpy as np
import onnxruntime

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
BEGIN = "<!-- BEGIN server benchmark (scripts/benchmark-server.sh writes this section) -->"
END = "<!-- END server benchmark -->"
MODEL_NAME = "mnist"
CONCURRENCIES = (1, 8, 32)
BUSY_POLL_US = 50  # `ort serve --busy-poll-us` by default; the rows with polling off pass 0
TICKS = os.sysconf("SC_CLK_TCK")


def log(message):
    print(message, file=sys.stderr, flush=True)


# MARK: - Requests


def digit_input():
    """The first MNIST test digit, grey levels / 255, as [1, 1, 28, 28] float32."""
    with open(os.path.join(ROOT, "Examples/MNIST/sample/t10k-images.idx3-ubyte"), "rb") as handle:
        handle.read(16)
        pixels = np.frombuffer(handle.read(784), dtype=np.uint8)
    return (pixels.astype(np.float32) / 255.0).reshape(1, 1, 28, 28)


def json_body(array):
    return json.dumps({
        "inputs": [{"name": "input", "datatype": "FP32", "shape": list(array.shape), "data": array.ravel().tolist()}],
        "outputs": [{"name": "probabilities"}],
    }).encode()


def binary_body(array):
    """Triton's binary tensor extension: a JSON header, then the raw little-endian tensor bytes."""
    raw = array.astype("<f4").tobytes()
    header = json.dumps({
        "inputs": [{"name": "input", "datatype": "FP32", "shape": list(array.shape),
                    "parameters": {"binary_data_size": len(raw)}}],
        "outputs": [{"name": "probabilities", "parameters": {"binary_data": False}}],
    }).encode()
    return header + raw, len(header)


def varint(value):
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def field(number, wire_type, payload):
    key = varint((number << 3) | wire_type)
    return key + (varint(len(payload)) + payload if wire_type == 2 else payload)


def grpc_request(array):
    """inference.ModelInferRequest (model_name 1, inputs 5, outputs 6, raw_input_contents 7; InferInputTensor name 1,
    datatype 2, shape 3 packed), encoded by hand, and the same message in a gRPC length-prefixed frame."""
    shape = b"".join(varint(d) for d in array.shape)
    tensor = field(1, 2, b"input") + field(2, 2, b"FP32") + field(3, 2, shape)
    message = (field(1, 2, MODEL_NAME.encode()) + field(5, 2, tensor) + field(6, 2, field(1, 2, b"probabilities"))
               + field(7, 2, array.astype("<f4").tobytes()))
    return message, b"\x00" + struct.pack(">I", len(message)) + message


# MARK: - Processes


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def process_tree_cpu(pid):
    """utime + stime (seconds) of `pid` and its descendants, every thread included."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError):
                pass
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICKS
        except OSError:
            pass
        stack.extend(children.get(current, []))
    return total


class Server:
    def __init__(self, name, argv, http_port, grpc_port, work, env=None):
        self.name, self.http_port, self.grpc_port = name, http_port, grpc_port
        self.log_path = os.path.join(work, f"{name}.log")
        self.log_file = open(self.log_path, "wb")
        log(f"== starting {name}: {' '.join(argv)}")
        self.process = subprocess.Popen(argv, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True,
                                        env=env)

    def wait_ready(self, timeout=180, path=f"/v2/models/{MODEL_NAME}/ready"):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} exited while starting; log: {self.log_path}\n{self.tail()}")
            try:
                status, _ = http("GET", f"http://127.0.0.1:{self.http_port}{path}")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        raise SystemExit(f"{self.name} was not ready within {timeout} s; log: {self.log_path}")

    def tail(self):
        with open(self.log_path, errors="replace") as handle:
            return handle.read()[-3000:]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log_file.close()


def http(method, url, body=None, headers=None, timeout=30):
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


# MARK: - Checks before load


def check_rest(server, body, headers, expected):
    """One request; None if it returned the expected probabilities, else the reason."""
    status, reply = http("POST", f"http://127.0.0.1:{server.http_port}/v2/models/{MODEL_NAME}/infer", body, headers)
    if status != 200:
        return f"HTTP {status}: {reply[:200].decode(errors='replace')}"
    try:
        outputs = {o["name"]: o for o in json.loads(reply)["outputs"]}
        got = np.asarray(outputs["probabilities"]["data"], dtype=np.float32)
    except (ValueError, KeyError) as error:
        return f"unexpected reply ({error}): {reply[:200]!r}"
    if int(np.argmax(got)) != int(np.argmax(expected)) or not np.allclose(got, expected, rtol=1e-4, atol=1e-6):
        return f"wrong probabilities {got.tolist()}"
    return None


def check_grpc(port, message, expected):
    """One ModelInfer call with the hand-encoded request; None if the answer is right, else the reason."""
    arguments, sys.argv = sys.argv, sys.argv[:1]  # importing kserve parses the command line
    try:
        import grpc
        from kserve.protocol.grpc import grpc_predict_v2_pb2 as pb
    except ImportError as error:
        return f"cannot check gRPC ({error})"
    finally:
        sys.argv = arguments
    parsed = pb.ModelInferRequest.FromString(message)  # our encoding, read by the reference stubs
    if parsed.model_name != MODEL_NAME or list(parsed.inputs[0].shape) != [1, 1, 28, 28]:
        return f"the hand-encoded request decodes as {parsed}"
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        call = channel.unary_unary("/inference.GRPCInferenceService/ModelInfer",
                                   request_serializer=lambda raw: raw, response_deserializer=pb.ModelInferResponse.FromString)
        response = call(message, timeout=30)
    except grpc.RpcError as error:
        return f"gRPC {error.code()}: {error.details()}"
    finally:
        channel.close()
    output = response.outputs[0]
    if response.raw_output_contents:
        got = np.frombuffer(response.raw_output_contents[0], dtype="<f4")
    else:
        got = np.asarray(output.contents.fp32_contents, dtype=np.float32)
    if output.name != "probabilities" or not np.allclose(got, expected, rtol=1e-4, atol=1e-6):
        return f"wrong answer {output.name} {got.tolist()}"
    return None


# MARK: - Load


def parse_duration_us(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 1, "ms": 1e3, "s": 1e6, "m": 60e6}[unit]


def run_wrk(server, url, concurrency, duration, env, attempts=2):
    """One wrk row; a run whose output lacks the latency percentiles is retried once, then reported with it."""
    for attempt in range(attempts):
        try:
            return run_wrk_once(server, url, concurrency, duration, env)
        except (KeyError, AttributeError) as error:
            if attempt == attempts - 1:
                raise RuntimeError(f"wrk gave no usable result ({error}); see {server.name}'s log") from error
            log(f"   wrk gave no usable result ({error}); again")


def run_wrk_once(server, url, concurrency, duration, env):
    threads = 1 if concurrency == 1 else 2
    argv = ["wrk", "-t", str(threads), "-c", str(concurrency), "-d", f"{duration}s", "--latency", "--timeout", "10s",
            "-s", os.path.join(HERE, "infer.lua"), url]
    before = process_tree_cpu(server.process.pid)
    output = subprocess.run(argv, capture_output=True, text=True, env={**os.environ, **env}, check=True).stdout
    cpu = process_tree_cpu(server.process.pid) - before
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in match.groups())
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)$", output, re.M))
    return {
        "requests": requests, "errors": errors, "throughput": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": parse_duration_us(percentiles["50"]), "p99": parse_duration_us(percentiles["99"]),
        "cpu_us": cpu * 1e6 / max(requests, 1),
    }


def run_grpc_load(server, client, port, frame, concurrency, duration, work, cpu=None):
    body = os.path.join(work, "grpc-request.bin")
    with open(body, "wb") as handle:
        handle.write(frame)
    argv = (["taskset", "-c", cpu] if cpu is not None else []) + [client, "127.0.0.1", str(port), "/inference.GRPCInferenceService/ModelInfer", body, str(concurrency),
            str(duration)]
    before = process_tree_cpu(server.process.pid)
    output = subprocess.run(argv, capture_output=True, text=True, check=True).stdout
    cpu = process_tree_cpu(server.process.pid) - before
    fields = dict(item.split("=") for item in output.split())
    if "succeeded" not in fields:
        raise RuntimeError(f"unexpected grpc_load output:\n{output}")
    calls, succeeded = int(fields["calls"]), int(fields["succeeded"])
    return {
        "requests": calls, "errors": calls - succeeded, "throughput": succeeded / float(fields["seconds"]),
        "p50": float(fields["p50_us"]), "p99": float(fields["p99_us"]), "cpu_us": cpu * 1e6 / max(calls, 1),
    }


def pinned_grpc_row(server, client, port, frame, duration, work):
    """gRPC at concurrency 1 with the server's threads and the load client on CPU 0, then the server unpinned."""
    everything = f"0-{(os.cpu_count() or 1) - 1}"
    subprocess.run(["taskset", "-a", "-p", "-c", "0", str(server.process.pid)], check=True, capture_output=True)
    try:
        return run_grpc_load(server, client, port, frame, 1, duration, work, cpu="0")
    finally:
        subprocess.run(["taskset", "-a", "-p", "-c", everything, str(server.process.pid)], check=True,
                       capture_output=True)


def tcp_floor(binary):
    """Loopback TCP round trips between two threads: on one core, on two, wherever the scheduler puts them, and
    there with an echo thread that polls instead of sleeping."""
    floor = {}
    for mode in ("same", "split", "free", "poll"):
        output = subprocess.run([binary, mode, "20000"], capture_output=True, text=True, check=True).stdout
        fields = dict(item.split("=") for item in output.split())
        floor[mode] = {"p50": float(fields["p50_us"]), "p99": float(fields["p99_us"])}
    return floor


def start_nginx(binary, reply, work):
    """nginx with one worker process, answering every request with `reply` (JSON), without logging."""
    prefix = os.path.join(work, "nginx")
    os.makedirs(os.path.join(prefix, "logs"), exist_ok=True)
    if b"'" in reply or b"\\" in reply:
        raise SystemExit("the fixed reply cannot be quoted for nginx")
    port = free_port()
    with open(os.path.join(prefix, "nginx.conf"), "w") as handle:
        handle.write(f"""daemon off;
master_process off;
worker_processes 1;
error_log {prefix}/logs/error.log warn;
pid {prefix}/nginx.pid;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {prefix}/body;
    proxy_temp_path {prefix}/proxy;
    fastcgi_temp_path {prefix}/fastcgi;
    uwsgi_temp_path {prefix}/uwsgi;
    scgi_temp_path {prefix}/scgi;
    client_body_buffer_size 64k;
    keepalive_requests 1000000;
    server {{
        listen 127.0.0.1:{port};
        location / {{
            default_type application/json;
            return 200 '{reply.decode()}';
        }}
    }}
}}
""")
    server = Server("nginx", [binary, "-p", prefix, "-c", os.path.join(prefix, "nginx.conf")], port, None, work)
    server.wait_ready(path="/")
    return server


def nginx_version(binary):
    result = subprocess.run([binary, "-v"], capture_output=True, text=True)
    return (result.stderr or result.stdout).strip().split(": ", 1)[-1]


def percentile(values, p):
    if not values:
        return float("nan")
    index = min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))
    return values[index]


def in_process(ort, model, rows=1):
    iterations = "20000" if rows == 1 and "wide" not in model else "300"
    argv = [ort, "bench", model, "--dim", f"N={rows}", "--iterations", iterations, "--warmup", "20", "--threads", "1",
            "--inter-threads", "1", "--json"]
    result = json.loads(subprocess.run(argv, capture_output=True, text=True, check=True).stdout)
    return {"p50": result["latency"]["p50"] * 1000, "p99": result["latency"]["p99"] * 1000,
            "throughput": result["throughput"]}


# MARK: - Report


def us(value):
    if value != value:  # NaN
        return "n/a"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def facts(ort, python):
    def first_line(argv):
        try:
            result = subprocess.run(argv, capture_output=True, text=True, timeout=60)
            return (result.stdout or result.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.TimeoutExpired):
            return "?"
    cpu = "?"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    from importlib.metadata import version
    commit = first_line(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"])
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                           text=True).stdout.strip()
    return {
        "cpu": f"{cpu}, `nproc` = {os.cpu_count()}", "kernel": platform.release(),
        "swift": first_line(["swift", "--version"]), "wrk": " ".join(first_line(["wrk", "--version"]).split()[:2]),
        "python": f"{platform.python_version()}, kserve {version('kserve')}, onnxruntime {onnxruntime.__version__}",
        "commit": commit + (" with uncommitted changes" if dirty else ""),
    }


def render(info, rows, batching, bench, wide_bench, grpc_note, binary_note, duration, started, load_before, load_after,
           seconds, pinned=None, floor=None, busy=()):
    lines = [BEGIN, "", "## Server", ""]
    add = lines.append
    triton = f"Triton {info['triton']}" if info.get("triton") else None
    if triton:
        add(f"`ort serve` (release build) against a real Triton Inference Server ({triton}, `tritonserver` from the "
            f"`nvidia-pytriton` 0.7.0 wheel; its ONNX Runtime backend is not in that build, so a python-backend model "
            f"runs the model with Python onnxruntime 1.20.1: `Benchmarks/server/triton_model.py`) and the KServe "
            f"Python ModelServer (`kserve` {info['python'].split('kserve ')[1].split(',')[0]}) wrapping Python "
            f"onnxruntime (`Benchmarks/server/kserve_server.py`), all three serving the MNIST MLP")
    else:
        add(f"`ort serve` (release build) against the KServe Python ModelServer (`kserve` "
            f"{info['python'].split('kserve ')[1].split(',')[0]}) wrapping Python onnxruntime "
            f"(`Benchmarks/server/kserve_server.py`), both serving the MNIST MLP")
    lines[-1] += (f" (`Examples/MNIST/mnist-mlp.onnx`, input "
        f"`input` FP32 [1, 1, 28, 28], batch 1), on the same machine, with the same load tools, in one run. Written "
        f"by `scripts/benchmark-server.sh` on {started}; {duration} s per row. The 1-minute load average was "
        f"{load_before:.1f} at the start and {load_after:.1f} at the end, on 2 cores that the load tool and the server "
        f"under test share (and anything else the machine runs): treat the absolute numbers as noisy and the ratios "
        f"as the result.")
    if info.get("nginx"):
        lines[-1] += (f" The limit: {info['nginx']} with one worker process answering every request with `ort serve`'s "
                      f"own reply to it, a fixed body, without decoding it (REST only).")
    add("")
    add("| | |")
    add("|---|---|")
    add(f"| CPU | {info['cpu']} |")
    add(f"| Kernel | Linux {info['kernel']} |")
    add(f"| Swift | {info['swift']} |")
    add(f"| Python | {info['python']} |")
    if triton:
        add(f"| Triton | {triton}, python backend (stub for Python 3.11, numpy<2, onnxruntime 1.20.1) |")
    add(f"| Load tools | {info['wrk']}; `Benchmarks/server/grpc_load.c` (ours) |")
    add(f"| Repository | {info['commit']} |")
    add(f"| Duration | {seconds:.0f} s in all |")
    add("")
    add("Method: every server runs one model instance with one intra-op and one inter-op thread "
        "(`Benchmarks/server/repositories/*/mnist/config.pbtxt`; the same session options in the Python model class), "
        "one process each. Every request is the same digit; before the load, one request per transport is checked "
        "against Python onnxruntime's probabilities. REST is driven by `wrk` with `Benchmarks/server/infer.lua` "
        "(2 threads, 1 for concurrency 1; p50/p99 from `wrk --latency`); gRPC by our load client "
        "`Benchmarks/server/grpc_load.c` (one thread and one HTTP/2 connection per unit of concurrency, one call in "
        "flight on each, p50/p99 over every call) posting a hand-encoded `ModelInfer` request. It replaced `h2load`, "
        "whose own cost per request at concurrency 1 was larger than what the servers add (seen when `h2load --h1` and "
        "`wrk` drove the same REST endpoint: about 0.2 ms more latency with `h2load`). Concurrency is "
        "the number of connections, each with one request in flight. CPU/request is the server's process-tree "
        "utime+stime from `/proc/PID/stat`, before and after the row, divided by the requests completed. "
        "Ours/Triton and Ours/Python are throughput ratios for the same transport and concurrency. Triton runs with "
        "its default settings (HTTP and gRPC thread counts, no dynamic batching, one python-backend instance). "
        "Ours and Triton run at the same time (each idle while the other is measured), and each row of ours is "
        "measured next to Triton's, so that both meet the same machine. At concurrency 1, where the p50 is the "
        "target, they take turns over several rounds (ours first, then Triton first, and so on), and each row is the "
        "round with the median p50; every round is listed below the table.")
    add("")
    add("| Transport | Server | Concurrency | Throughput (req/s) | p50 (µs) | p99 (µs) | CPU/request (µs) | Errors | "
        "Ours/Triton | Ours/Python |")
    add("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    by = {(r["server"], r["transport"], r["concurrency"]): r for r in rows if "throughput" in r}
    labels = {"ours": "ours (`ort serve`)", "triton": f"{triton or 'Triton'} (python backend + onnxruntime)",
              "python": "Python (kserve + onnxruntime)", "nginx": "limit: nginx, fixed answer"}
    for row in rows:
        label = labels[row["server"]]
        if "throughput" not in row:
            add(f"| {row['transport']} | {label} | {row['concurrency']} | {row['note']} | | | | | | |")
            continue
        ratios = []
        for peer_key in ("triton", "python"):
            peer = by.get((peer_key, row["transport"], row["concurrency"]))
            ratios.append(f"{row['throughput'] / peer['throughput']:.1f}×" if row["server"] == "ours" and peer else "")
        add(f"| {row['transport']} | {label} | {row['concurrency']} | {row['throughput']:,.0f} | {us(row['p50'])} | "
            f"{us(row['p99'])} | {us(row['cpu_us'])} | {row['errors']} | {ratios[0]} | {ratios[1]} |")
    add("")
    paired = [(row, by.get(("triton", row["transport"], 1))) for row in rows
              if row["server"] == "ours" and row.get("rounds")]
    if paired and all(peer and peer.get("rounds") for _, peer in paired):
        count = len(paired[0][0]["rounds"])
        add(f"Concurrency 1, round by round ({count} rounds of {duration} s, taken in turns): p50 of ours against "
            f"Triton's, in µs, and their ratio.")
        add("")
        add("| Transport | " + " | ".join(f"Round {n + 1}" for n in range(count)) + " |")
        add("|---|" + "---:|" * count)
        for row, peer in paired:
            cells = [f"{us(a['p50'])} / {us(b['p50'])} ({a['p50'] / b['p50']:.2f}×)"
                     for a, b in zip(row["rounds"], peer["rounds"])]
            add(f"| {row['transport']} | " + " | ".join(cells) + " |")
        add("")
    if binary_note:
        add(f"REST binary with the Python server: {binary_note}")
        add("")
    if grpc_note:
        add(f"gRPC with `ort serve`: {grpc_note}")
        add("")
    add("### Dynamic batching (ours, concurrency 32)")
    add("")
    add("| Model | Transport | Batching | Throughput (req/s) | p50 (µs) | p99 (µs) | CPU/request (µs) | Errors | On/off |")
    add("|---|---|---|---:|---:|---:|---:|---:|---:|")
    for case in batching:
        for kind in ("off", "on"):
            row = case[kind]
            gain = f"{case['on']['throughput'] / case['off']['throughput']:.2f}×" if kind == "on" else ""
            add(f"| {case['model']} | {case['transport']} | {kind} | {row['throughput']:,.0f} | {us(row['p50'])} | "
                f"{us(row['p99'])} | {us(row['cpu_us'])} | {row['errors']} | {gain} |")
    add("")
    add("Both configurations use `max_batch_size: 64`; \"on\" adds `dynamic_batching { max_queue_delay_microseconds: "
        "500 }` (`Benchmarks/server/repositories/batching`). A batch saves one run per joined request. The MNIST MLP's "
        "run (the in-process p50 below) is a small part of a request, so batching cannot raise its throughput much. "
        "The wide MLP (`Benchmarks/server/make_wide_mlp.py`: 784-2048-2048-10, random weights, the same input and "
        "outputs) is the case batching exists for: a run reads 23 MB of weights whatever the rows, so rows in a batch "
        "share that cost")
    if wide_bench:
        lines[-1] += (f" (in-process p50: {us(wide_bench[1]['p50'])} µs for 1 row, {us(wide_bench[32]['p50'])} µs for "
                      f"32 rows, {us(wide_bench[32]['p50'] / 32)} µs per row).")
    else:
        lines[-1] += "."
    add("")
    ours_by = {(r["transport"], r["concurrency"]): r for r in rows if r["server"] == "ours" and "throughput" in r}
    if busy:
        add("### Busy polling off (ours, `--busy-poll-us 0`)")
        add("")
        add(f"By default `ort serve`'s event loops poll their connections for up to {BUSY_POLL_US} µs after an answer "
            "that leaves the server with no request in progress, instead of going to sleep at once, so that the next "
            "request is read without a thread wake-up (polls back off when clients pause for longer than that). The "
            "same server with polling off, compared with the default rows above (same transport and concurrency):")
        add("")
        add("| Transport | Concurrency | Throughput (req/s) | p50 (µs) | p99 (µs) | CPU/request (µs) | Errors | "
            "Throughput vs. default | p50 vs. default (µs) |")
        add("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in busy:
            base = ours_by.get((row["transport"], row["concurrency"]))
            versus = f"{row['throughput'] / base['throughput']:.2f}×" if base else ""
            delta = f"{row['p50'] - base['p50']:+,.0f}" if base else ""
            add(f"| {row['transport']} | {row['concurrency']} | {row['throughput']:,.0f} | {us(row['p50'])} | "
                f"{us(row['p99'])} | {us(row['cpu_us'])} | {row['errors']} | {versus} | {delta} |")
        add("")
        add("The default rows' CPU per request at concurrency 1 includes the polling: a loop waiting for a client "
            "that answers within the budget never sleeps.")
        add("")
    add("### Server overhead")
    add("")
    ours_json_1 = next((r for r in rows if r["server"] == "ours" and r["transport"] == "REST JSON"
                        and r["concurrency"] == 1 and "throughput" in r), None)
    ours_grpc_1 = next((r for r in rows if r["server"] == "ours" and r["transport"] == "gRPC"
                        and r["concurrency"] == 1 and "throughput" in r), None)
    ours_bin_1 = next((r for r in rows if r["server"] == "ours" and r["transport"] == "REST binary"
                       and r["concurrency"] == 1 and "throughput" in r), None)
    add(f"In-process, the same model and session options (`ort bench --dim N=1 --threads 1 --inter-threads 1`): "
        f"p50 {us(bench['p50'])} µs, p99 {us(bench['p99'])} µs per run. At concurrency 1 the server's p50 adds, "
        f"over that, everything between the load tool and the session (network stack, HTTP or gRPC, request "
        f"decoding and validation, scheduling, response encoding):")
    add("")
    add("| Transport | Server p50 (µs) | In-process p50 (µs) | Server overhead (µs) |")
    add("|---|---:|---:|---:|")
    for name, row in (("REST JSON", ours_json_1), ("REST binary", ours_bin_1), ("gRPC", ours_grpc_1)):
        if row:
            add(f"| {name} | {us(row['p50'])} | {us(bench['p50'])} | {us(row['p50'] - bench['p50'])} |")
        else:
            add(f"| {name} | n/a | {us(bench['p50'])} | n/a |")
    busy_by = {(r["transport"], r["concurrency"]): r for r in busy}
    for name in ("REST JSON", "REST binary", "gRPC"):
        if row := busy_by.get((name, 1)):
            add(f"| {name}, busy polling off | {us(row['p50'])} | {us(bench['p50'])} | "
                f"{us(row['p50'] - bench['p50'])} |")
    if pinned:
        add(f"| gRPC, server and load client on one core (polling off) | {us(pinned['p50'])} | {us(bench['p50'])} | "
            f"{us(pinned['p50'] - bench['p50'])} |")
    add("")
    if floor:
        add(f"What no server can take away: a TCP round trip over loopback between two threads of a C program "
            f"(`Benchmarks/server/tcp_floor.c`, a 3.3 KB request and a 64 B reply, blocking reads, no HTTP) takes "
            f"p50 {us(floor['same']['p50'])} µs with both threads on one core, {us(floor['split']['p50'])} µs on two "
            f"cores, and {us(floor['free']['p50'])} µs where the scheduler puts them. On this virtual machine waking a "
            f"thread on another core is that much dearer, and the servers and load tools above run unpinned, so "
            f"their concurrency-1 rows carry it. The pinned row (`taskset`: the server's threads and `grpc_load` on "
            f"CPU 0) shows what the server itself adds, the load client's own work included.")
        if "poll" in floor:
            lines[-1] += (f" With the echo thread polling its socket instead of sleeping (only the caller is woken, "
                          f"as with busy polling), the unpinned round trip takes p50 {us(floor['poll']['p50'])} µs.")
        add("")
    add("### Targets")
    add("")
    for transport in ("REST JSON", "REST binary", "gRPC"):
        ours8, triton8 = by.get(("ours", transport, 8)), by.get(("triton", transport, 8))
        ours1, triton1 = by.get(("ours", transport, 1)), by.get(("triton", transport, 1))
        if ours8 and triton8:
            ratio = ours8["throughput"] / triton8["throughput"]
            add(f"- ≥2× Triton's throughput at concurrency 8, {transport}: **{'met' if ratio >= 2 else 'not met'}** — "
                f"{ratio:.2f}× ({ours8['throughput']:,.0f} against {triton8['throughput']:,.0f} req/s; CPU per request "
                f"{us(ours8['cpu_us'])} against {us(triton8['cpu_us'])} µs).")
        if ours1 and triton1:
            ratio = ours1["p50"] / triton1["p50"]
            add(f"- p50 at concurrency 1 ≤0.5× Triton's, {transport}: **{'met' if ratio <= 0.5 else 'not met'}** — "
                f"{ratio:.2f}× ({us(ours1['p50'])} against {us(triton1['p50'])} µs")
            if ours1.get("rounds") and triton1.get("rounds"):
                each = ", ".join(f"{a['p50'] / b['p50']:.2f}×" for a, b in zip(ours1["rounds"], triton1["rounds"]))
                lines[-1] += f"; the median rounds of {len(ours1['rounds'])}, which gave {each} round by round"
            lines[-1] += ")."
            if polled1 := busy_by.get((transport, 1)):
                ratio = polled1["p50"] / triton1["p50"]
                add(f"- p50 at concurrency 1 ≤0.5× Triton's, {transport}, busy polling off (`--busy-poll-us 0`): "
                    f"**{'met' if ratio <= 0.5 else 'not met'}** — {ratio:.2f}× ({us(polled1['p50'])} against "
                    f"{us(triton1['p50'])} µs).")
    for transport in ("REST JSON", "REST binary"):
        ours8, limit8 = by.get(("ours", transport, 8)), by.get(("nginx", transport, 8))
        ours1, limit1 = by.get(("ours", transport, 1)), by.get(("nginx", transport, 1))
        if ours8 and limit8 and ours1 and limit1:
            add(f"- Distance to the limit, {transport}: {ours8['throughput'] / limit8['throughput']:.2f}× nginx's "
                f"throughput at concurrency 8 ({ours8['throughput']:,.0f} against {limit8['throughput']:,.0f} req/s); "
                f"p50 at concurrency 1 {us(ours1['p50'])} µs against {us(limit1['p50'])} µs (the model's own run: "
                f"{us(bench['p50'])} µs).")
    for transport in ("REST JSON", "REST binary", "gRPC"):
        at_8 = [r for r in rows if r["transport"] == transport and r["concurrency"] == 8 and "throughput" in r]
        ours8 = next((r for r in at_8 if r["server"] == "ours"), None)
        py8 = next((r for r in at_8 if r["server"] == "python"), None)
        if ours8 and py8:
            ratio = ours8["throughput"] / py8["throughput"]
            met = ratio >= 5 and ours8["p99"] < py8["p99"]
            add(f"- ≥5× the Python server's throughput at concurrency 8 with a lower p99, {transport}: "
                f"**{'met' if met else 'not met'}** — {ratio:.1f}×, p99 {us(ours8['p99'])} µs against "
                f"{us(py8['p99'])} µs.")
    for case in batching:
        gain = case["on"]["throughput"] / case["off"]["throughput"]
        add(f"- Dynamic batching ≥2× the throughput of no batching at concurrency 32, {case['model']} over "
            f"{case['transport']}: **{'met' if gain >= 2 else 'not met'}** — {gain:.2f}×.")
    if ours_grpc_1:
        cases = [("default settings", ours_grpc_1)]
        if row := busy_by.get(("gRPC", 1)):
            cases.append(("busy polling off (`--busy-poll-us 0`)", row))
        if pinned:
            cases.append(("server and load client on one core, polling off", pinned))
        for name, row in cases:
            added = row["p50"] - bench["p50"]
            add(f"- gRPC at concurrency 1 adds ≤100 µs to the in-process run, {name}: "
                f"**{'met' if added <= 100 else 'not met'}** — {us(added)} µs.")
    else:
        add("- gRPC at concurrency 1 adds ≤100 µs to the in-process run: **n/a** — this `ort serve` has no gRPC "
            "endpoint yet (`--grpc-port` arrives with the gRPC branch); the script measures it once it is built.")
    add("")
    add("Reproduce: `scripts/benchmark-server.sh` (`BENCH_SERVER_DURATION=5` for a quicker pass); it installs `wrk` "
        "and nginx with apt if they are missing, builds `grpc_load.c` with the C compiler, Python kserve 0.21 and "
        "onnxruntime 1.32 into `.bench/kserve-venv`, tritonserver from the `nvidia-pytriton` 0.7.0 wheel and its "
        "python backend's venv into `.bench/triton`, "
        "builds `ort` in release mode and runs `Benchmarks/server/driver.py`. Raw results: "
        "`.bench/server/results.json`.")
    add("")
    add(END)
    return "\n".join(lines) + "\n"


def write_section(path, section):
    text = open(path).read() if os.path.exists(path) else "# Benchmarks\n"
    pattern = re.compile(re.escape(BEGIN.split(" (")[0]) + r".*?" + re.escape(END) + r"\n?", re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + section
    with open(path, "w") as handle:
        handle.write(text)


# MARK: - Main


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ort", required=True, help="the release ort binary")
    parser.add_argument("--model", default=os.path.join(ROOT, "Examples/MNIST/mnist-mlp.onnx"))
    parser.add_argument("--wide-model", help="the wide MLP of make_wide_mlp.py, for the batching table (optional)")
    parser.add_argument("--grpc-load", required=True, help="the gRPC load client built from grpc_load.c")
    parser.add_argument("--tcp-floor", required=True, help="the loopback round-trip probe built from tcp_floor.c")
    parser.add_argument("--out", default=os.path.join(ROOT, "BENCHMARKS.md"))
    parser.add_argument("--work", default=os.path.join(ROOT, ".bench/server"))
    parser.add_argument("--triton", help="tritonserver's folder (bin/, backends/, caches/) for the Triton rows")
    parser.add_argument("--triton-venv", help="the venv whose python runs Triton's python-backend models")
    parser.add_argument("--triton-libs", help="the wheel's nvidia_pytriton.libs folder (LD_LIBRARY_PATH)")
    parser.add_argument("--nginx", help="nginx, for the fixed-answer rows (the limit)")
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_SERVER_DURATION", "10")))
    # Concurrency-1 rows of ours and Triton: rounds taken in turns (ours first in odd-numbered rounds, Triton first in
    # even ones). Each row is the round with the median p50, so one burst of noise on a shared machine cannot decide
    # the ratio.
    parser.add_argument("--rounds", default=os.environ.get("BENCH_SERVER_ROUNDS", "3"),
                        help="alternating concurrency-1 rounds of ours and Triton (BENCH_SERVER_ROUNDS, default 3)")
    arguments = parser.parse_args()
    if not arguments.rounds.isdigit() or int(arguments.rounds) < 1:
        parser.error(f"--rounds (BENCH_SERVER_ROUNDS) must be a whole number of at least 1, not '{arguments.rounds}'")
    arguments.rounds = int(arguments.rounds)
    if arguments.duration < 1:
        parser.error(f"--duration (BENCH_SERVER_DURATION) must be at least 1 second, not {arguments.duration}")
    for option, program in (("--ort", arguments.ort), ("--grpc-load", arguments.grpc_load),
                            ("--tcp-floor", arguments.tcp_floor)):
        if not (os.path.isfile(program) and os.access(program, os.X_OK)):
            parser.error(f"{option}: '{program}' is not an executable file")
    # nginx is started with its prefix inside the work folder, and takes a relative path as relative to that prefix.
    arguments.work = os.path.abspath(arguments.work)
    start = time.monotonic()
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    load_before = os.getloadavg()[0]
    os.makedirs(arguments.work, exist_ok=True)
    work = tempfile.mkdtemp(prefix="run-", dir=arguments.work)
    duration = arguments.duration

    array = digit_input()
    session = onnxruntime.InferenceSession(arguments.model, providers=["CPUExecutionProvider"])
    expected = session.run(["probabilities"], {"input": array})[0][0]
    log(f"== expected digit {int(np.argmax(expected))} (Python onnxruntime)")
    body = json_body(array)
    binary, header_length = binary_body(array)
    message, frame = grpc_request(array)
    for name, data in (("request.json", body), ("request.bin", binary)):
        with open(os.path.join(work, name), "wb") as handle:
            handle.write(data)
    json_env = {"WRK_BODY": os.path.join(work, "request.json"), "WRK_CONTENT_TYPE": "application/json"}
    binary_env = {"WRK_BODY": os.path.join(work, "request.bin"), "WRK_CONTENT_TYPE": "application/octet-stream",
                  "WRK_HEADER_LENGTH": str(header_length)}
    binary_headers = {"Content-Type": "application/octet-stream", "Inference-Header-Content-Length": str(header_length)}

    # The same two configurations (Benchmarks/server/repositories) around each model file.
    models = {"mnist": arguments.model}
    if arguments.wide_model:
        models["wide"] = arguments.wide_model
    repositories = {}
    for model_key, model_path in models.items():
        for kind in ("unbatched", "batching"):
            target = os.path.join(work, "repositories", f"{model_key}-{kind}")
            shutil.copytree(os.path.join(HERE, "repositories", kind), target)
            os.makedirs(os.path.join(target, MODEL_NAME, "1"))
            shutil.copyfile(model_path, os.path.join(target, MODEL_NAME, "1", "model.onnx"))
            repositories[(model_key, kind)] = target

    help_text = subprocess.run([arguments.ort, "serve", "--help"], capture_output=True, text=True).stdout
    has_grpc = "--grpc-port" in help_text
    grpc_note = None if has_grpc else "n/a (not built: this `ort serve` has no `--grpc-port`)"

    def start_ours(kind, model_key="mnist", extra=()):
        http_port, grpc_port = free_port(), (free_port() if has_grpc else None)
        argv = [arguments.ort, "serve", "--model-repository", repositories[(model_key, kind)], "--host", "127.0.0.1",
                "--http-port", str(http_port), "--log-level", "warning", "--disable-repository-api",
                "--max-queue-size", "1024", *extra]
        if has_grpc:
            argv += ["--grpc-port", str(grpc_port)]
        server = Server(f"ours-{model_key}-{kind}{'-extra' if extra else ''}", argv, http_port, grpc_port, work)
        server.wait_ready()
        return server

    def warm_up(server):
        run_wrk(server, f"http://127.0.0.1:{server.http_port}/v2/models/{MODEL_NAME}/infer", 8, 2, json_env)

    def measure(server, transport, concurrency):
        """One row's figures for `server`: wrk for REST, grpc_load for gRPC."""
        if transport == "gRPC":
            return run_grpc_load(server, arguments.grpc_load, server.grpc_port, frame, concurrency, duration, work)
        url = f"http://127.0.0.1:{server.http_port}/v2/models/{MODEL_NAME}/infer"
        return run_wrk(server, url, concurrency, duration, json_env if transport == "REST JSON" else binary_env)

    def measure_side_by_side(servers_by_key, problems, paired_rounds):
        """Every transport and concurrency, the servers measured back to back (so they meet the same machine); at
        concurrency 1, `paired_rounds` rounds taken in turns, and the round with the median p50 is the row. A
        (server, transport) with a problem gets n/a rows."""
        keys = list(servers_by_key)
        for transport in ("REST JSON", "REST binary", "gRPC"):
            for concurrency in CONCURRENCIES:
                rounds = {key: [] for key in keys}
                count = paired_rounds if concurrency == 1 else 1
                for number in range(count):
                    for key in (keys if number % 2 == 0 else keys[::-1]):
                        if problems.get((key, transport)):
                            continue
                        suffix = f", round {number + 1} of {count}" if count > 1 else ""
                        log(f"== {key} {transport} c={concurrency}{suffix}")
                        rounds[key].append(measure(servers_by_key[key], transport, concurrency))
                for key in keys:
                    if problem := problems.get((key, transport)):
                        rows.append({"transport": transport, "server": key, "concurrency": concurrency,
                                     "note": problem})
                        continue
                    chosen = sorted(rounds[key], key=lambda result: result["p50"])[(len(rounds[key]) - 1) // 2]
                    row = {"transport": transport, "server": key, "concurrency": concurrency, **chosen}
                    if count > 1:
                        row["rounds"] = rounds[key]
                    rows.append(row)

    def check_transports(server, grpc=True):
        """One request per transport against Python onnxruntime's answer: {transport: problem or None}."""
        problems = {"REST JSON": check_rest(server, body, {"Content-Type": "application/json"}, expected),
                    "REST binary": check_rest(server, binary, binary_headers, expected)}
        if grpc:
            problems["gRPC"] = check_grpc(server.grpc_port, message, expected)
        return problems

    def require_right(server, label, grpc=True):
        """Stops the run when `server` answers any transport wrongly."""
        for transport, problem in check_transports(server, grpc).items():
            if problem:
                raise SystemExit(f"{label} answered {transport} wrongly: {problem}")

    def measure_peer(server, key):
        """A peer's REST JSON, REST binary and gRPC rows; a transport it answers wrongly gets n/a rows. Returns the
        REST binary and gRPC problems (None when right); a wrong REST JSON answer stops the run."""
        problems = check_transports(server)
        if problems["REST JSON"]:
            raise SystemExit(f"{server.name} answered REST JSON wrongly: {problems['REST JSON']}")
        binary_problem, grpc_problem = problems["REST binary"], problems["gRPC"]
        warm_up(server)
        measure_side_by_side({key: server}, {
            (key, "REST binary"): binary_problem and "n/a (not supported)",
            (key, "gRPC"): grpc_problem and f"n/a ({grpc_problem[:80]})"}, paired_rounds=1)
        return binary_problem, grpc_problem

    def start_triton():
        http_port, grpc_port = free_port(), free_port()
        repository = os.path.join(work, "repositories", "triton")
        shutil.copytree(os.path.join(HERE, "repositories", "triton"), repository)
        os.makedirs(os.path.join(repository, MODEL_NAME, "1"))
        shutil.copyfile(arguments.model, os.path.join(repository, MODEL_NAME, "1", "model.onnx"))
        shutil.copyfile(os.path.join(HERE, "triton_model.py"), os.path.join(repository, MODEL_NAME, "1", "model.py"))
        env = {**os.environ, "PATH": os.path.join(arguments.triton_venv, "bin") + ":" + os.environ.get("PATH", ""),
               "LD_LIBRARY_PATH": ":".join(filter(None, [arguments.triton_libs, os.environ.get("LD_LIBRARY_PATH")]))}
        server = Server("triton", [os.path.join(arguments.triton, "bin", "tritonserver"), "--model-repository",
                                   repository, "--backend-directory", os.path.join(arguments.triton, "backends"),
                                   "--cache-directory", os.path.join(arguments.triton, "caches"), "--http-port",
                                   str(http_port), "--grpc-port", str(grpc_port), "--metrics-port",
                                   str(free_port()), "--log-warning", "false", "--log-info", "false"],
                        http_port, grpc_port, work, env=env)
        servers.append(server)
        server.wait_ready()
        require_right(server, "Triton")
        return server

    rows, batching, busy = [], [], []
    triton_version = None
    pinned = None
    log("== TCP round-trip floor")
    floor = tcp_floor(arguments.tcp_floor)
    binary_note = None
    servers = []
    try:
        # Ours, no batching: REST JSON, REST binary, gRPC.
        ours = start_ours("unbatched")
        servers.append(ours)
        require_right(ours, "ort serve", grpc=has_grpc)
        fixed_reply = http("POST", f"http://127.0.0.1:{ours.http_port}/v2/models/{MODEL_NAME}/infer", body,
                           {"Content-Type": "application/json"})[1]
        # Triton beside it: both are started, and each row of ours is taken next to Triton's.
        side_by_side = {"ours": ours}
        if arguments.triton:
            triton = start_triton()
            triton_version = json.loads(http("GET", f"http://127.0.0.1:{triton.http_port}/v2")[1]).get("version", "?")
            side_by_side["triton"] = triton
        for server in side_by_side.values():
            warm_up(server)
        measure_side_by_side(side_by_side, {} if has_grpc else {("ours", "gRPC"): "n/a (not built)"},
                             arguments.rounds)
        if arguments.triton:
            triton.stop()
        pinned_server = ours
        # Ours with busy polling off: the low-concurrency rows polling is for, and concurrency 8 for what it costs.
        # The pinned row runs on it too: on one core a polling loop only competes with the load client (and
        # `ort serve` does not poll by default where it may use one core).
        if has_grpc and "--busy-poll-us" in help_text:
            ours.stop()
            polled = start_ours("unbatched", extra=("--busy-poll-us", "0"))
            servers.append(polled)
            if problem := check_grpc(polled.grpc_port, message, expected):
                raise SystemExit(f"ort serve --busy-poll-us 0 answered gRPC wrongly: {problem}")
            warm_up(polled)
            url = f"http://127.0.0.1:{polled.http_port}/v2/models/{MODEL_NAME}/infer"
            for transport, env in (("REST JSON", json_env), ("REST binary", binary_env)):
                log(f"== ours, busy polling off, {transport} c=1")
                busy.append({"transport": transport, "concurrency": 1, **run_wrk(polled, url, 1, duration, env)})
            for concurrency in (1, 8):
                log(f"== ours, busy polling off, gRPC c={concurrency}")
                busy.append({"transport": "gRPC", "concurrency": concurrency,
                             **run_grpc_load(polled, arguments.grpc_load, polled.grpc_port, frame, concurrency,
                                             duration, work)})
            pinned_server = polled
        if has_grpc:
            log("== ours gRPC c=1, server and client on one core")
            pinned = pinned_grpc_row(pinned_server, arguments.grpc_load, pinned_server.grpc_port, frame, duration,
                                     work)
        pinned_server.stop()

        # The other peer: the KServe Python server.
        http_port, grpc_port = free_port(), free_port()
        python = Server("python-kserve", [sys.executable, os.path.join(HERE, "kserve_server.py"), "--model-path",
                                          arguments.model, "--model-name", MODEL_NAME, "--http-port", str(http_port),
                                          "--grpc-port", str(grpc_port)], http_port, grpc_port, work)
        servers.append(python)
        python.wait_ready()
        binary_problem, _ = measure_peer(python, "python")
        if binary_problem:
            binary_note = f"n/a: the check request was refused or misread ({binary_problem[:160]})."
        python.stop()

        # The limit: nginx answering every POST with ort serve's own reply to the JSON request, without reading it.
        if arguments.nginx:
            limit = start_nginx(arguments.nginx, fixed_reply, work)
            servers.append(limit)
            warm_up(limit)
            url = f"http://127.0.0.1:{limit.http_port}/v2/models/{MODEL_NAME}/infer"
            for transport, env in (("REST JSON", json_env), ("REST binary", binary_env)):
                for concurrency in CONCURRENCIES:
                    log(f"== nginx (fixed answer) {transport} c={concurrency}")
                    rows.append({"transport": transport, "server": "nginx", "concurrency": concurrency,
                                 **run_wrk(limit, url, concurrency, duration, env)})
            limit.stop()

        # Dynamic batching off, then on, back to back, for each model and REST transport, at concurrency 32.
        cases = [("MNIST MLP", "mnist", "REST JSON", json_env), ("MNIST MLP", "mnist", "REST binary", binary_env)]
        if "wide" in models:
            cases.append(("wide MLP", "wide", "REST binary", binary_env))
        for model_label, model_key, transport, env in cases:
            wanted = onnxruntime.InferenceSession(models[model_key], providers=["CPUExecutionProvider"]).run(
                ["probabilities"], {"input": array})[0][0]
            pair = {}
            for kind in ("unbatched", "batching"):
                server = start_ours(kind, model_key)
                servers.append(server)
                headers = {"Content-Type": "application/json"} if transport == "REST JSON" else binary_headers
                request = body if transport == "REST JSON" else binary
                if problem := check_rest(server, request, headers, wanted):
                    raise SystemExit(f"ort serve ({model_key}, {kind}) answered wrongly: {problem}")
                warm_up(server)
                log(f"== ours batching {model_key} {transport} {kind} c=32")
                pair[kind] = run_wrk(server, f"http://127.0.0.1:{server.http_port}/v2/models/{MODEL_NAME}/infer",
                                     32, duration, env)
                server.stop()
            batching.append({"model": model_label, "transport": transport, "off": pair["unbatched"],
                             "on": pair["batching"]})

        log("== in-process (ort bench)")
        bench = in_process(arguments.ort, arguments.model)
        wide_bench = {rows_: in_process(arguments.ort, models["wide"], rows_) for rows_ in (1, 32)} \
            if "wide" in models else None
    finally:
        for server in servers:
            server.stop()

    # Rows are grouped by transport and concurrency: ours, Triton, Python, the limit.
    order = {"REST JSON": 0, "REST binary": 1, "gRPC": 2}
    rank = {"ours": 0, "triton": 1, "python": 2, "nginx": 3}
    rows.sort(key=lambda r: (order[r["transport"]], r["concurrency"], rank[r["server"]]))
    info = facts(arguments.ort, sys.executable)
    info["triton"] = triton_version
    info["nginx"] = nginx_version(arguments.nginx) if arguments.nginx else None
    seconds = time.monotonic() - start
    section = render(info, rows, batching, bench, wide_bench, grpc_note, binary_note, duration, started, load_before,
                     os.getloadavg()[0], seconds, pinned=pinned, floor=floor, busy=busy)
    with open(os.path.join(arguments.work, "results.json"), "w") as handle:
        json.dump({"facts": info, "rows": rows, "batching": batching, "in_process": bench, "wide_in_process": wide_bench,
                   "grpc_pinned": pinned, "tcp_floor": floor, "busy_polling_off": busy, "duration": duration},
                  handle, indent=2)
    write_section(arguments.out, section)
    log(f"== wrote the Server section of {arguments.out} in {seconds:.0f} s")


if __name__ == "__main__":
    main()
