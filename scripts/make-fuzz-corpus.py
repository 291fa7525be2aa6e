#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses into Fuzz/Corpus/<harness>/ (committed; run again only to change
them). Needs numpy and onnx (the dev venv). The harnesses and their input layouts are described in Fuzz/README.md."""
import json
import os
import shutil
import struct
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CORPUS = os.path.join(ROOT, "Fuzz", "Corpus")


def folder(name):
    path = os.path.join(CORPUS, name)
    shutil.rmtree(path, ignore_errors=True)
    os.makedirs(path)
    return path


def write(path, name, data):
    with open(os.path.join(path, name), "wb") as f:
        f.write(data)


def inference_request():
    path = folder("inference-request")

    def js(obj):
        return json.dumps(obj, separators=(",", ":")).encode()

    seeds = {
        "fp32_json": {"inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [1, 2, 3, 4.5, -5, 6e3]}]},
        "fp32_nested": {"inputs": [{"name": "x", "shape": [2, 2], "datatype": "FP32", "data": [[1, 2], [3, 4]]}],
                        "outputs": [{"name": "y", "parameters": {"binary_data": True}}]},
        "int64_json": {"id": "r1", "inputs": [{"name": "x", "shape": [3], "datatype": "INT64",
                                               "data": [-9223372036854775808, 0, 9223372036854775807]}]},
        "uint8_json": {"inputs": [{"name": "x", "shape": [1, 2], "datatype": "UINT8", "data": [0, 255]}]},
        "bool_json": {"inputs": [{"name": "x", "shape": [2], "datatype": "BOOL", "data": [True, False]}]},
        "fp16_json": {"inputs": [{"name": "x", "shape": [2], "datatype": "FP16", "data": [1.5, 65504]}],
                      "parameters": {"binary_data_output": True}},
        "fp64_json": {"inputs": [{"name": "x", "shape": [1], "datatype": "FP64", "data": [1e-308]}]},
        "bytes_json": {"inputs": [{"name": "x", "shape": [2], "datatype": "BYTES", "data": ["abc", "\u00e9\u4e2d"]}]},
        "batch_json": {"inputs": [{"name": "a", "shape": [2, 3], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6]},
                                  {"name": "s", "shape": [2], "datatype": "BYTES", "data": ["p", "q"]}],
                       "outputs": [{"name": "t"}, {"name": "h", "parameters": {"binary_data": True}}]},
        "empty_tensor": {"inputs": [{"name": "x", "shape": [0, 3], "datatype": "INT32", "data": []}]},
    }
    for name, obj in seeds.items():
        write(path, name, js(obj))

    def binary(name, inputs, payloads, extra=None):
        header = {"inputs": inputs}
        if extra:
            header.update(extra)
        text = js(header)
        write(path, name, struct.pack("<I", len(text)) + text + b"".join(payloads))

    floats = np.arange(6, dtype="<f4").tobytes()
    binary("fp32_binary", [{"name": "x", "shape": [2, 3], "datatype": "FP32",
                            "parameters": {"binary_data_size": len(floats)}}], [floats],
           {"parameters": {"binary_data_output": True}})
    halves = np.array([1, -2, 0.5], dtype="<f2").tobytes()
    binary("fp16_binary", [{"name": "x", "shape": [3], "datatype": "FP16",
                            "parameters": {"binary_data_size": len(halves)}}], [halves])
    bf16 = bytes([0x80, 0x3F, 0x00, 0xC0])
    binary("bf16_binary", [{"name": "x", "shape": [2], "datatype": "BF16",
                            "parameters": {"binary_data_size": len(bf16)}}], [bf16])
    strings = b"".join(struct.pack("<I", len(s)) + s for s in [b"a", b"", b"xyz"])
    binary("bytes_binary", [{"name": "x", "shape": [3], "datatype": "BYTES",
                             "parameters": {"binary_data_size": len(strings)}}], [strings])
    overrun = struct.pack("<I", 0xFFFFFFF0) + b"ab"
    binary("bytes_overrun", [{"name": "x", "shape": [1], "datatype": "BYTES",
                              "parameters": {"binary_data_size": len(overrun)}}], [overrun])
    bools = bytes([1, 0, 1, 1])
    binary("bool_binary", [{"name": "x", "shape": [2, 2], "datatype": "BOOL",
                            "parameters": {"binary_data_size": 4}}], [bools])
    a = np.ones((1, 3), dtype="<f4").tobytes()
    s = struct.pack("<I", 2) + b"hi"
    binary("batch_binary", [{"name": "a", "shape": [1, 3], "datatype": "FP32", "parameters": {"binary_data_size": 12}},
                            {"name": "s", "shape": [1], "datatype": "BYTES",
                             "parameters": {"binary_data_size": len(s)}}], [a, s])


def npy():
    path = folder("npy")
    import io

    def save(name, array, version=None):
        buffer = io.BytesIO()
        if version is None:
            np.save(buffer, array, allow_pickle=False)
        else:
            np.lib.format.write_array(buffer, array, version=version, allow_pickle=False)
        write(path, name + ".npy", buffer.getvalue())

    save("f32_2x3", np.arange(6, dtype="<f4").reshape(2, 3))
    save("f64_big_endian", np.array([1.5, -2.25], dtype=">f8"))
    save("f16", np.array([1, 2, 3], dtype="<f2"))
    save("i8_scalar", np.array(7, dtype="i1"))
    save("u16", np.array([0, 65535], dtype="<u2"))
    save("i64_empty", np.zeros((0, 4), dtype="<i8"))
    save("bool", np.array([True, False, True]))
    save("fortran", np.asfortranarray(np.arange(6, dtype="<i4").reshape(2, 3)))
    save("v2", np.arange(4, dtype="<u4"), version=(2, 0))
    save("v3", np.arange(3, dtype="<i2"), version=(3, 0))
    save("unicode", np.array(["ab", "c"], dtype="<U2"))


def pb():
    path = folder("pb")
    tensors = {
        "float": numpy_helper.from_array(np.arange(6, dtype=np.float32).reshape(2, 3), "x"),
        "double": numpy_helper.from_array(np.array([1.5, 2.5], dtype=np.float64), "d"),
        "int64": numpy_helper.from_array(np.array([-1, 2**62], dtype=np.int64), "i"),
        "uint8": numpy_helper.from_array(np.array([[0, 255]], dtype=np.uint8), "u"),
        "bool": numpy_helper.from_array(np.array([True, False]), "b"),
        "float16": numpy_helper.from_array(np.array([1, 2], dtype=np.float16), "h"),
        "scalar": numpy_helper.from_array(np.array(3, dtype=np.int32), "s"),
        "string": helper.make_tensor("t", TensorProto.STRING, [2], [b"ab", b"c"]),
        "int4": helper.make_tensor("q", TensorProto.INT4, [3], [1, -2, 7]),
        "bfloat16": helper.make_tensor("bf", TensorProto.BFLOAT16, [2], [1.0, -2.0]),
        "float8": helper.make_tensor("f8", TensorProto.FLOAT8E4M3FN, [2], [1.0, 0.5]),
        "float_data": helper.make_tensor("fd", TensorProto.FLOAT, [2], [1.0, 2.0], raw=False),
        "int32_data": helper.make_tensor("id", TensorProto.INT32, [3], [1, -2, 3], raw=False),
    }
    for name, tensor in tensors.items():
        write(path, "tensor_" + name + ".pb", tensor.SerializeToString())
    sequence = onnx.helper.make_sequence("seq", onnx.SequenceProto.TENSOR, [tensors["float"], tensors["float"]])
    write(path, "sequence.pb", sequence.SerializeToString())
    keys = np.array([1, 2], dtype=np.int64)
    values = onnx.helper.make_sequence("v", onnx.SequenceProto.TENSOR,
                                       [numpy_helper.from_array(np.array([0.5, 1.5], dtype=np.float32))])
    mapping = onnx.helper.make_map("m", TensorProto.INT64, keys, values)
    write(path, "map.pb", mapping.SerializeToString())
    optional = onnx.helper.make_optional("o", onnx.OptionalProto.TENSOR, tensors["int64"])
    write(path, "optional.pb", optional.SerializeToString())
    shutil.copy(os.path.join(ROOT, "Tests", "Models", "add_f32.onnx"), os.path.join(path, "model_add_f32.onnx"))


def model_config():
    path = folder("model-config")
    configs = {
        "full": """name: "mnist"
platform: "onnxruntime_onnx"
max_batch_size: 8
input [ { name: "input" data_type: TYPE_FP32 dims: [ 1, 28, 28 ] } ]
output [ { name: "probabilities", data_type: TYPE_FP32, dims: [ 10 ] } ]
version_policy: { latest: { num_versions: 2 } }
instance_group [ { count: 2 kind: KIND_CPU } ]
dynamic_batching { max_queue_delay_microseconds: 100 preferred_batch_size: [ 4, 8 ] }
optimization { graph { level: 1 } }
parameters { key: "intra_op_thread_count" value: { string_value: "1" } }
default_model_filename: "model.onnx"
""",
        "minimal": 'backend: "onnxruntime"\n',
        "specific": "version_policy { specific { versions: [1, 3] } }\n# a comment\n",
        "all": "version_policy: { all {} }\nmax_batch_size: 0\n",
        "strings": 'name: "a\\"b\\x41\\101\\n"\nbackend: \'onnxruntime\'\n',
        "queue": "dynamic_batching { default_queue_policy { max_queue_size: 4 } }\n",
        "bytes_input": 'input { name: "s" data_type: TYPE_STRING dims: -1 }\n',
    }
    for name, text in configs.items():
        write(path, name + ".pbtxt", text.encode())


def session():
    path = folder("session")
    for name in ["add_f32", "identity_string", "scalar_mul", "optional_out", "empty", "multi_out"]:
        shutil.copy(os.path.join(ROOT, "Tests", "Models", name + ".onnx"), os.path.join(path, name + ".onnx"))


if __name__ == "__main__":
    inference_request()
    npy()
    pb()
    model_config()
    session()
    print("seed corpora written to", CORPUS, file=sys.stderr)
