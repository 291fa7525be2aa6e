"""Writes the wide MLP of scripts/benchmark-server.sh: a model whose run, not the server, dominates a request.

    python make_wide_mlp.py OUT.onnx

784-2048-2048-10 with ReLU and a softmax, random weights (seed 7), with the MNIST model's interface: input `input`
float [N, 1, 28, 28], outputs `logits` and `probabilities` float [N, 10]. About 5.8 million weights (23 MB): one
row reads every weight from memory, while a batch of rows reads them once for all, which is what dynamic batching is
for. The MNIST MLP runs in about 16 µs, less than the HTTP handling of its request, so batching cannot show there.
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(7)
    sizes = [784, 2048, 2048, 10]
    initializers, nodes = [], [helper.make_node("Flatten", ["input"], ["h0"], axis=1)]
    for layer, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        weight = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        bias = np.zeros(fan_out, dtype=np.float32)
        initializers += [numpy_helper.from_array(weight, f"w{layer}"), numpy_helper.from_array(bias, f"b{layer}")]
        last = layer == len(sizes) - 2
        gemm_out = "logits" if last else f"g{layer}"
        nodes.append(helper.make_node("Gemm", [f"h{layer}", f"w{layer}", f"b{layer}"], [gemm_out]))
        if not last:
            nodes.append(helper.make_node("Relu", [gemm_out], [f"h{layer + 1}"]))
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=1))
    graph = helper.make_graph(
        nodes, "wide_mlp",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10]),
         helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 10])],
        initializer=initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="swift-onnxruntime")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, out)
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
