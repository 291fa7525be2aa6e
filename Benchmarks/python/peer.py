"""The Python peer of the benchmark: the official onnxruntime package, used the usual way.

    python peer.py --model PATH [--warmup K] --input SPEC [--input SPEC ...]

Inputs are NumPy arrays made once; each call is `sess.run(None, feeds)` plus reading the first element of every
output. Speaks the same line protocol as c/bench.c and the Swift peer ("time N", "alloc N", "quit").
"""

import argparse
import ctypes
import json
import sys
import time

import numpy as np
import onnxruntime as ort


def make_array(spec):
    """Parses name:dtype:dims:fill and builds the array exactly as bench.c fills its buffer."""
    name, dtype, dims, fill = spec.split(":")
    shape = () if dims == "scalar" else tuple(int(d) for d in dims.split("x"))
    count = int(np.prod(shape, dtype=np.int64)) if shape else 1
    index = np.arange(count, dtype=np.int64)
    row = max(shape[-1] if shape else 1, 1)
    if fill == "ramp":
        values = (index % 251).astype(np.float64) / 251.0 - 0.5
    elif fill == "zeros":
        values = np.zeros(count)
    elif fill == "ones":
        values = np.ones(count)
    elif fill == "tokens":
        position = index % row
        values = (1000 + (index * 7919) % 20000).astype(np.float64)
        values[position == row - 1] = 102
        values[position == 0] = 101
    elif fill.startswith("const="):
        values = np.full(count, float(fill[6:]))
    else:
        raise SystemExit(f"unknown fill {fill!r}")
    numpy_type = {"f32": np.float32, "i64": np.int64}[dtype]
    return name, np.ascontiguousarray(values.astype(numpy_type).reshape(shape))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--warmup", type=int, default=50)
    parser.add_argument("--input", action="append", required=True)
    args = parser.parse_args()

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.enable_mem_pattern = True
    options.enable_cpu_mem_arena = True
    session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
    feeds = dict(make_array(spec) for spec in args.input)
    run = session.run

    def call():
        outputs = run(None, feeds)
        for output in outputs:
            output.item(0)

    checksum = float(np.sum(run(None, feeds)[0], dtype=np.float64))
    for _ in range(args.warmup):
        call()

    try:
        counter = ctypes.CDLL(None).benchcount_mallocs
        counter.restype = ctypes.c_uint64
        counter.argtypes = []
    except AttributeError:
        counter = None

    info = {"peer": "python", "runtime": ort.__version__, "checksum": checksum, "counter": counter is not None}
    print("READY " + json.dumps(info), flush=True)

    clock = time.perf_counter_ns
    for line in sys.stdin:
        words = line.split()
        if len(words) == 2 and words[0] == "time":
            n = int(words[1])
            samples = [0] * n
            start = clock()
            for i in range(n):
                t0 = clock()
                call()
                samples[i] = clock() - t0
            total = clock() - start
            samples.sort()
            result = {
                "n": n,
                "total_ns": total,
                "p10": samples[int(n * 0.10)],
                "p50": samples[int(n * 0.50)],
                "p90": samples[int(n * 0.90)],
                "min": samples[0],
            }
        elif len(words) == 2 and words[0] == "alloc":
            n = int(words[1])
            before = counter() if counter else 0
            for _ in range(n):
                call()
            result = {"n": n, "mallocs": counter() - before if counter else None}
        elif words and words[0] == "quit":
            break
        else:
            result = {"error": "unknown command"}
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
