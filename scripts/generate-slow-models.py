#!/usr/bin/env python3
# Generated test models for swift-onnxruntime's cancellable-loading tests; written by this project.
# Regenerate with: python scripts/generate-slow-models.py [--verify]
#
# Requirements: onnx, numpy   (--verify also: onnxruntime)
#
# Writes Tests/Models/Slow/ (kept out of Tests/Models itself, whose models every model-case test loads several
# times):
#   slow_to_load.onnx  x (FP32 [1]) -> y (FP32 [1]), y = x + 2^-10. A file of about 4 KB that is slow to *load*:
#                      C = Tile([[2^-10]], [1024, 1024]), then M_0 = C @ C and M_i = M_(i-1) @ C for MATMULS
#                      steps, then y = x + ReduceMax(M_last). Every node depends only on initializers, so ONNX
#                      Runtime's constant folding (any optimisation level but "disabled") computes all of them
#                      while the session is created: MATMULS products of 1024 x 1024 matrices, seconds on one core.
#                      Every entry of every M_i is exactly 2^-10 (1024 terms of 2^-20; exact in float32).
#   slow_to_load.json  the case: inputs and the NumPy-computed output.
#
# Output is deterministic: the same onnx/numpy versions give byte-identical files.

import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Tests", "Models", "Slow")
SIZE = 1024
MATMULS = 160
SCALE = np.float32(2.0 ** -10)


def build():
    inits = [
        numpy_helper.from_array(np.full((1, 1), SCALE, dtype=np.float32), "scale"),
        numpy_helper.from_array(np.array([SIZE, SIZE], dtype=np.int64), "repeats"),
    ]
    nodes = [helper.make_node("Tile", ["scale", "repeats"], ["c"])]
    previous = "c"
    for i in range(MATMULS):
        nodes.append(helper.make_node("MatMul", [previous, "c"], [f"m{i}"]))
        previous = f"m{i}"
    nodes.append(helper.make_node("ReduceMax", [previous], ["peak"], keepdims=0))
    nodes.append(helper.make_node("Add", ["x", "peak"], ["y"]))
    graph = helper.make_graph(
        nodes, "slow_to_load",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
        initializer=inits,
        doc_string=f"y = x + max(C^{MATMULS + 1}) with C = 2^-10 everywhere ({SIZE} x {SIZE}); folded while loading")
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 21)], ir_version=10,
                              producer_name="swift-onnxruntime-tests", producer_version="1.0")
    onnx.checker.check_model(model, full_check=True)
    return model


def expected(x):
    # One step with NumPy shows the fixed point; every later step multiplies the same matrix again.
    c = np.full((SIZE, SIZE), SCALE, dtype=np.float32)
    m = c @ c
    assert np.all(m == SCALE), "C @ C is not exactly C"
    return (x + m.max()).astype(np.float32)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verify", action="store_true", help="also check the case with onnxruntime")
    args = parser.parse_args()
    os.makedirs(OUT_DIR, exist_ok=True)
    model = build()
    path = os.path.join(OUT_DIR, "slow_to_load.onnx")
    onnx.save(model, path)
    x = np.array([0.5], dtype=np.float32)
    y = expected(x)
    case = {"model": "slow_to_load.onnx", "matmuls": MATMULS, "size": SIZE,
            "inputs": {"x": [float(v) for v in x]}, "outputs": {"y": [float(v) for v in y]}}
    with open(os.path.join(OUT_DIR, "slow_to_load.json"), "w") as f:
        json.dump(case, f, indent=2)
        f.write("\n")
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")
    if args.verify:
        import time
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.intra_op_num_threads = 1
        start = time.monotonic()
        session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        print(f"loaded in {time.monotonic() - start:.2f} s on one thread")
        got = session.run(None, {"x": x})[0]
        assert np.array_equal(got, y), (got, y)
        print("verified:", got)


if __name__ == "__main__":
    main()
