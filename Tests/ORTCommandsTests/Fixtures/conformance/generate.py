#!/usr/bin/env python3
# Writes the tiny ONNX backend-style test cases that Tests/ORTCommandsTests/ConformanceTests.swift runs through
# `ort conformance`: Fixtures/conformance/cases/<name>/model.onnx + test_data_set_<n>/{input,output}_<i>.pb.
#
#   python Tests/ORTCommandsTests/Fixtures/conformance/generate.py
#
# Requirements: numpy, onnx. The files are deterministic: the same onnx/numpy versions give identical bytes.
#
# The cases and the status the runner must give them:
#   test_add_pass             passed   Add of two float tensors, two data sets
#   test_add_wrong            failed   the same model; one expected element is off by 0.5 (passes with rtol 0.2)
#   test_sequence_output      passed   SequenceConstruct: a seq(tensor(float)) output
#   test_optional_empty_input passed   OptionalHasElement of an empty optional input (the input is not fed) -> false
#   test_optional_output      passed   Optional(x): an optional(tensor(float)) output holding a value
#   test_float16              passed   Add of float16 tensors
#   test_string               passed   Identity of a string tensor (compared exactly)
#   test_cast_int4            passed   Cast float -> int4 (packed 4-bit output, compared unpacked)
#   test_empty_sequence_input passed   SequenceLength of an empty sequence input -> 0
#   test_nonexistent_op       failed   an op unknown in the default domain: ORT rejects the model (INVALID_GRAPH)
#   test_custom_domain_op     skipped  an op of an unregistered domain: "is not a registered function/op"
#   test_no_kernel            skipped  Max on int16, which ORT has no CPU kernel for (ORT_NOT_IMPLEMENTED)

import os
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "cases")


def model(nodes, inputs, outputs, opset=21, extra_opsets=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs)
    opsets = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, v) for d, v in extra_opsets]
    m = helper.make_model(graph, opset_imports=opsets, ir_version=10, producer_name="conformance-fixtures")
    return m


def write_case(name, m, data_sets):
    folder = os.path.join(OUT, name)
    os.makedirs(folder)
    with open(os.path.join(folder, "model.onnx"), "wb") as f:
        f.write(m.SerializeToString())
    for index, (inputs, outputs) in enumerate(data_sets):
        data = os.path.join(folder, f"test_data_set_{index}")
        os.makedirs(data)
        for kind, protos in (("input", inputs), ("output", outputs)):
            for i, proto in enumerate(protos):
                with open(os.path.join(data, f"{kind}_{i}.pb"), "wb") as f:
                    f.write(proto.SerializeToString())


def tensor(array, name):
    return numpy_helper.from_array(np.asarray(array), name)


def float_info(name, shape, elem=TensorProto.FLOAT):
    return helper.make_tensor_value_info(name, elem, shape)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)

    add = model([helper.make_node("Add", ["a", "b"], ["c"])],
                [float_info("a", [2, 3]), float_info("b", [2, 3])], [float_info("c", [2, 3])])
    a = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    b = np.full((2, 3), 2.5, dtype=np.float32)
    write_case("test_add_pass", add, [
        ([tensor(a, "a"), tensor(b, "b")], [tensor(a + b, "c")]),
        ([tensor(-a, "a"), tensor(b, "b")], [tensor(b - a, "c")]),
    ])
    wrong = (a + b).copy()
    wrong[1, 2] += 0.5  # 3.75 + 0.5: outside rtol 1e-3, inside rtol 0.2
    write_case("test_add_wrong", add, [([tensor(a, "a"), tensor(b, "b")], [tensor(wrong, "c")])])

    seq_type = helper.make_tensor_sequence_value_info("s", TensorProto.FLOAT, None)
    sequence = model([helper.make_node("SequenceConstruct", ["x", "y"], ["s"])],
                     [float_info("x", [2]), float_info("y", [3])], [seq_type])
    x = np.array([1.5, -2.0], dtype=np.float32)
    y = np.array([0.25, 8.0, -0.5], dtype=np.float32)
    expected = numpy_helper.from_list([x, y], "s")
    write_case("test_sequence_output", sequence, [([tensor(x, "x"), tensor(y, "y")], [expected])])

    optional_tensor = helper.make_optional_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, [2]))
    has = model([helper.make_node("OptionalHasElement", ["o"], ["h"])],
                [helper.make_value_info("o", optional_tensor)], [float_info("h", [], TensorProto.BOOL)], opset=18)
    empty = onnx.OptionalProto()
    empty.name = "o"
    write_case("test_optional_empty_input", has, [([empty], [tensor(np.array(False), "h")])])

    wrap = model([helper.make_node("Optional", ["x"], ["o"])], [float_info("x", [2])],
                 [helper.make_value_info("o", optional_tensor)], opset=18)
    holding = numpy_helper.from_optional(x, "o")
    write_case("test_optional_output", wrap, [([tensor(x, "x")], [holding])])

    half = model([helper.make_node("Add", ["a", "b"], ["c"])],
                 [float_info("a", [4], TensorProto.FLOAT16), float_info("b", [4], TensorProto.FLOAT16)],
                 [float_info("c", [4], TensorProto.FLOAT16)])
    ha = np.array([0.1, 1000.0, -3.5, 65000.0], dtype=np.float16)
    hb = np.array([0.2, 0.5, 3.5, -1.0], dtype=np.float16)
    write_case("test_float16", half, [([tensor(ha, "a"), tensor(hb, "b")], [tensor(ha + hb, "c")])])

    strings = model([helper.make_node("Identity", ["x"], ["y"])],
                    [float_info("x", [3], TensorProto.STRING)], [float_info("y", [3], TensorProto.STRING)])
    text = np.array(["a", "é", ""], dtype=object)
    write_case("test_string", strings, [([tensor(text, "x")], [tensor(text, "y")])])

    cast = model([helper.make_node("Cast", ["x"], ["y"], to=TensorProto.INT4)],
                 [float_info("x", [5])], [float_info("y", [5], TensorProto.INT4)])
    cx = np.array([-8.0, -1.0, 0.0, 3.0, 7.0], dtype=np.float32)
    packed = helper.make_tensor("y", TensorProto.INT4, [5], [-8, -1, 0, 3, 7])
    write_case("test_cast_int4", cast, [([tensor(cx, "x")], [packed])])

    length = model([helper.make_node("SequenceLength", ["s"], ["n"])], [seq_type],
                   [float_info("n", [], TensorProto.INT64)])
    empty_sequence = onnx.SequenceProto()
    empty_sequence.name = "s"
    empty_sequence.elem_type = onnx.SequenceProto.TENSOR
    write_case("test_empty_sequence_input", length, [([empty_sequence], [tensor(np.array(0, np.int64), "n")])])

    unknown = model([helper.make_node("NoSuchOp", ["x"], ["y"])], [float_info("x", [2])], [float_info("y", [2])])
    write_case("test_nonexistent_op", unknown, [([tensor(x, "x")], [tensor(x, "y")])])

    custom = model([helper.make_node("NoSuchOp", ["x"], ["y"], domain="com.example")], [float_info("x", [2])],
                   [float_info("y", [2])], extra_opsets=[("com.example", 1)])
    write_case("test_custom_domain_op", custom, [([tensor(x, "x")], [tensor(x, "y")])])

    maximum = model([helper.make_node("Max", ["a", "b"], ["c"])],
                    [float_info("a", [2], TensorProto.INT16), float_info("b", [2], TensorProto.INT16)],
                    [float_info("c", [2], TensorProto.INT16)], opset=13)
    ia = np.array([1, -4], dtype=np.int16)
    ib = np.array([3, -5], dtype=np.int16)
    write_case("test_no_kernel", maximum, [([tensor(ia, "a"), tensor(ib, "b")], [tensor(np.maximum(ia, ib), "c")])])
    print(f"wrote {len(os.listdir(OUT))} cases to {OUT}")


if __name__ == "__main__":
    main()
