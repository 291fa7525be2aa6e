"""Writes the wide MLP of scripts/benchmark-server.sh: a model whose run, not the server, dominates a request.

    python make_wide_mlp.py OUT.onnx

784-2048-2048-10 with ReLU and a softmax, random weights (seed 7), with the MNIST model's interface: input `input`
float [N, 1, 28, 28], outputs `logits` and `probabilities` float [N, 10]. About 5.8 million weights (23 MB): one
row reads every weight from memory, while a batch of rows reads them once for all, which is what dynamic batching is
for. The MNIST MLP runs in about 16 µs, less than the HTTP handling of its request, so batching cannot show there.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from make_models import gemm_relu_layers  # noqa: E402  (the benchmark suite's MLP layers)


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(7)
    layers, initializers = gemm_relu_layers(rng, [784, 2048, 2048, 10], random_biases=False)
    nodes = [helper.make_node("Flatten", ["input"], ["h0"], axis=1)] + layers
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
