"""Generates the synthetic benchmark models with onnx.helper.

    python make_models.py OUT_DIR

Writes:
  add.onnx           y = x + 1, x and y float [1]: the smallest possible model, so a run measures the
                     per-call overhead of the API (argument checks, wrappers, allocations) and ORT's own.
  mnist-standin.onnx 784-256-128-10 MLP with random weights, input `input` float [N,1,28,28], output
                     `logits` [N,10]: the shape of Examples/MNIST/mnist-mlp.onnx, used only while that file
                     does not exist.
"""

import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

# Opset and IR version that every ONNX Runtime from 1.16 on loads.
OPSET = 17
IR_VERSION = 8


def save(model, path):
    model.ir_version = IR_VERSION
    onnx.checker.check_model(model)
    onnx.save(model, path)
    print(f"wrote {path}")


def add_model():
    one = numpy_helper.from_array(np.array([1.0], dtype=np.float32), name="one")
    graph = helper.make_graph(
        [helper.make_node("Add", ["x", "one"], ["y"])],
        "add",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])],
        initializer=[one],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="benchmarks")


def gemm_relu_layers(rng, sizes, random_biases):
    """Fully connected layers from `h0` to `logits`: Gemm (He-initialised weights; biases random * 0.01 or zero),
    with a ReLU after each but the last. Returns (nodes, initializers). Also used by Benchmarks/server/make_wide_mlp.py.
    """
    nodes, initializers = [], []
    for layer, (fan_in, fan_out) in enumerate(zip(sizes, sizes[1:])):
        weight = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32)
        if random_biases:
            bias = (rng.standard_normal(fan_out) * 0.01).astype(np.float32)
        else:
            bias = np.zeros(fan_out, dtype=np.float32)
        initializers += [numpy_helper.from_array(weight, f"w{layer}"), numpy_helper.from_array(bias, f"b{layer}")]
        last = layer == len(sizes) - 2
        out = "logits" if last else f"z{layer}"
        nodes.append(helper.make_node("Gemm", [f"h{layer}", f"w{layer}", f"b{layer}"], [out]))
        if not last:
            nodes.append(helper.make_node("Relu", [out], [f"h{layer + 1}"]))
    return nodes, initializers


def mlp_model():
    rng = np.random.default_rng(20240611)
    sizes = [784, 256, 128, 10]
    initializers = [numpy_helper.from_array(np.array([-1, 784], dtype=np.int64), name="flat_shape")]
    nodes = [helper.make_node("Reshape", ["input", "flat_shape"], ["h0"])]
    layers, weights = gemm_relu_layers(rng, sizes, random_biases=True)
    nodes += layers
    initializers += weights
    graph = helper.make_graph(
        nodes,
        "mnist_mlp_standin",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", 1, 28, 28])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10])],
        initializer=initializers,
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="benchmarks")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    save(add_model(), os.path.join(out, "add.onnx"))
    save(mlp_model(), os.path.join(out, "mnist-standin.onnx"))


if __name__ == "__main__":
    main()
