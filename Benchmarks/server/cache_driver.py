"""The response cache's gain on repeated requests, for BENCHMARKS.md (run by scripts/benchmark-cache.sh).

    python cache_driver.py --ort PATH/ort [--seconds 10]

Serves each model twice from one `ort serve --cache-config local,size=64MiB`: once as it is, once with
`response_cache { enable: true }`, one instance with one intra-op and one inter-op thread. `wrk` (with infer.lua)
posts one request over and over, REST binary, at concurrency 1 and 8, and the table compares throughput and latency
with and without the cache. Models: the MNIST MLP (a run of about 19 us, smaller than the HTTP handling) and
Tests/Models/slow_loop.onnx with 100 iterations (a run of about 1 ms). Standard library only.
"""

import argparse
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
CONFIG = """instance_group [ { kind: KIND_CPU, count: 1 } ]
parameters { key: "intra_op_thread_count" value { string_value: "1" } }
parameters { key: "inter_op_thread_count" value { string_value: "1" } }
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def binary_request(inputs):
    """A V2 request with every input as binary data: (body, header length)."""
    header = {"inputs": [], "outputs": [{"name": "probabilities" if inputs[0][0] == "input" else "y",
                                         "parameters": {"binary_data": True}}]}
    data = b""
    for name, datatype, shape, raw in inputs:
        header["inputs"].append({"name": name, "datatype": datatype, "shape": shape,
                                 "parameters": {"binary_data_size": len(raw)}})
        data += raw
    text = json.dumps(header).encode()
    return text + data, len(text)


def digit():
    with open(os.path.join(ROOT, "Examples/MNIST/sample/t10k-images.idx3-ubyte"), "rb") as f:
        f.seek(16)
        pixels = f.read(784)
    return struct.pack("<784f", *(p / 255.0 for p in pixels))


def wrk(url, body_file, header_length, connections, seconds):
    env = dict(os.environ, WRK_BODY=body_file, WRK_CONTENT_TYPE="application/octet-stream",
               WRK_HEADER_LENGTH=str(header_length))
    threads = 1 if connections == 1 else 2
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s",
         os.path.join(ROOT, "Benchmarks/server/infer.lua"), url],
        env=env, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))

    def micros(label):
        value, unit = re.search(rf"\s{label}\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 1, "ms": 1000, "s": 1e6}[unit]

    return rate, micros("50%"), micros("99%"), errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ort", required=True)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="ort-cache-bench.")
    repo = os.path.join(work, "models")
    models = {"mnist": os.path.join(ROOT, "Examples/MNIST/mnist-mlp.onnx"),
              "slow": os.path.join(ROOT, "Tests/Models/slow_loop.onnx")}
    for name, path in models.items():
        for suffix, extra in [("", ""), ("_cached", "response_cache { enable: true }\n")]:
            folder = os.path.join(repo, name + suffix)
            os.makedirs(os.path.join(folder, "1"))
            shutil.copy(path, os.path.join(folder, "1", "model.onnx"))
            with open(os.path.join(folder, "config.pbtxt"), "w") as f:
                f.write(CONFIG + extra)
    bodies = {
        "mnist": binary_request([("input", "FP32", [1, 1, 28, 28], digit())]),
        "slow": binary_request([("iterations", "INT64", [], struct.pack("<q", 100)),
                                ("x", "FP32", [64], struct.pack("<64f", *[i / 64 for i in range(64)]))]),
    }
    port, grpc, metrics = free_port(), free_port(), free_port()
    server = subprocess.Popen(
        [args.ort, "serve", "--model-repository", repo, "--http-port", str(port), "--grpc-port", str(grpc),
         "--metrics-port", str(metrics), "--cache-config", f"local,size={64 << 20}", "--log-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                if urllib.request.urlopen(base + "/v2/health/ready", timeout=2).status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        rows = []
        for name in models:
            body, header_length = bodies[name]
            body_file = os.path.join(work, name + ".body")
            with open(body_file, "wb") as f:
                f.write(body)
            for connections in (1, 8):
                results = {}
                for model in (name, name + "_cached"):
                    results[model] = wrk(f"{base}/v2/models/{model}/infer", body_file, header_length, connections,
                                         args.seconds)
                off, on = results[name], results[name + "_cached"]
                rows.append((name, connections, off, on))
            stats = json.load(urllib.request.urlopen(f"{base}/v2/models/{name}_cached/stats"))["model_stats"][0]
            inference = stats["inference_stats"]
            print(f"{name}_cached: cache_hit {inference['cache_hit']['count']}, cache_miss "
                  f"{inference['cache_miss']['count']}, execution_count {stats['execution_count']}", file=sys.stderr)
        print("| Model | Concurrency | Cache | Throughput (req/s) | p50 (µs) | p99 (µs) | Errors | On/off |")
        print("|---|---:|---|---:|---:|---:|---:|---:|")
        for name, connections, off, on in rows:
            label = "MNIST MLP" if name == "mnist" else "slow_loop, 100 iterations"
            print(f"| {label} | {connections} | off | {off[0]:,.0f} | {off[1]:,.0f} | {off[2]:,.0f} | {off[3]} | |")
            print(f"| {label} | {connections} | on | {on[0]:,.0f} | {on[1]:,.0f} | {on[2]:,.0f} | {on[3]} "
                  f"| {on[0] / off[0]:.2f}× |")
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
