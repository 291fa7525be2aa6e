#!/usr/bin/env python3
"""Generates the hostile models of the server's security tests into Tests/Models/Security/ (committed; needs onnx).

Each model is tiny and deterministic; SECURITY.md says what each one probes and which test uses it:
- external_inside.onnx: y = x + W, W (float32[3]) in the external file `weights.bin` beside the model (allowed).
- external_escape.onnx: the same with W's location `../../secret.bin` (leaves the model's directory).
- external_absolute.onnx: W's location `/proc/self/environ` (an absolute path).
- external_link.onnx: W's location `link.bin` (the test makes it a symbolic link to a file outside).
- external_oversize.onnx: W claims 2^40 bytes of `weights.bin` (more than the file and the tensor).
- custom_op.onnx: one node of an unregistered custom domain (`com.example.evil`).
- allocation_bomb.onnx: y = ConstantOfShape(shape) with the shape taken from the request (int64[1]).
"""
import os

import onnx
from onnx import TensorProto, helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Models", "Security")
OPSET = [helper.make_opsetid("", 21)]


def save(model, name):
    onnx.checker.check_model(model) if name not in ("custom_op",) else None
    with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString(deterministic=True))


def external_add(location, length=12):
    weight = TensorProto()
    weight.name = "W"
    weight.data_type = TensorProto.FLOAT
    weight.dims.extend([3])
    weight.data_location = TensorProto.EXTERNAL
    for key, value in [("location", location), ("offset", "0"), ("length", str(length))]:
        entry = weight.external_data.add()
        entry.key = key
        entry.value = value
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])
    graph = helper.make_graph([helper.make_node("Add", ["x", "W"], ["y"])], "external_add", [x], [y], [weight])
    return helper.make_model(graph, opset_imports=OPSET, ir_version=10, producer_name="swift-onnxruntime-tests")


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, location in [
        ("external_inside", "weights.bin"),
        ("external_escape", "../../secret.bin"),
        ("external_absolute", "/proc/self/environ"),
        ("external_link", "link.bin"),
    ]:
        model = external_add(location)
        # The checker would try to open the data; these models are only ever loaded by ORT.
        with open(os.path.join(OUT, name + ".onnx"), "wb") as f:
            f.write(model.SerializeToString(deterministic=True))
    with open(os.path.join(OUT, "external_oversize.onnx"), "wb") as f:
        f.write(external_add("weights.bin", length=1 << 40).SerializeToString(deterministic=True))

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [3])
    graph = helper.make_graph(
        [helper.make_node("Evil", ["x"], ["y"], domain="com.example.evil")], "custom_op", [x], [y])
    model = helper.make_model(
        graph, opset_imports=OPSET + [helper.make_opsetid("com.example.evil", 1)], ir_version=10,
        producer_name="swift-onnxruntime-tests")
    save(model, "custom_op")

    shape = helper.make_tensor_value_info("shape", TensorProto.INT64, [1])
    out = helper.make_tensor_value_info("y", TensorProto.FLOAT, [None])
    value = helper.make_tensor("value", TensorProto.FLOAT, [1], [1.0])
    graph = helper.make_graph(
        [helper.make_node("ConstantOfShape", ["shape"], ["y"], value=value)], "allocation_bomb", [shape], [out])
    save(helper.make_model(graph, opset_imports=OPSET, ir_version=10, producer_name="swift-onnxruntime-tests"),
         "allocation_bomb")


if __name__ == "__main__":
    main()
