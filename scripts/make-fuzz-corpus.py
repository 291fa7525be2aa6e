#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz harnesses into Fuzz/Corpus/<harness>/ (committed; run again only to change
them). The harnesses and their input layouts are described in Fuzz/README.md.

    scripts/make-fuzz-corpus.py [harness...]     (all of them when none is named)

inference-request, npy and pb need numpy, pb also onnx (the dev venv); grpc-infer-request needs nothing beyond the
standard library: it writes the protobuf encoding of its ModelInferRequest messages itself."""
import json
import os
import shutil
import struct
import sys

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
    import numpy as np

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
        # The sequence extension's parameters (integer and string correlation IDs).
        "sequence_start": {"parameters": {"sequence_id": 42, "sequence_start": True},
                           "inputs": [{"name": "x", "shape": [1], "datatype": "INT32", "data": [7]}]},
        "sequence_string_end": {"parameters": {"sequence_id": "abc", "sequence_end": True, "priority": 1},
                                "inputs": [{"name": "x", "shape": [1], "datatype": "INT32", "data": [7]}]},
        # System shared memory: regions `r` (4096 bytes) and `h` (its second half) are registered by the harness.
        "shm_input": {"inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32",
                                  "parameters": {"shared_memory_region": "r", "shared_memory_offset": 8,
                                                 "shared_memory_byte_size": 24}}]},
        "shm_input_output": {"inputs": [{"name": "x", "shape": [4], "datatype": "INT32",
                                         "parameters": {"shared_memory_region": "h", "shared_memory_byte_size": 16}}],
                             "outputs": [{"name": "y", "parameters": {"shared_memory_region": "r",
                                                                     "shared_memory_offset": 100,
                                                                     "shared_memory_byte_size": 16}}]},
        "shm_bytes": {"inputs": [{"name": "x", "shape": [1], "datatype": "BYTES",
                                  "parameters": {"shared_memory_region": "r", "shared_memory_byte_size": 8}}]},
        "shm_unknown_region": {"inputs": [{"name": "x", "shape": [1], "datatype": "UINT8",
                                           "parameters": {"shared_memory_region": "nope",
                                                          "shared_memory_byte_size": 1}}]},
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


def shm_register():
    """Bodies of POST /v2/systemsharedmemory/region/NAME/register (the harness replaces the key with its own)."""
    path = folder("shm-register")
    seeds = {
        "whole": {"key": "/k", "offset": 0, "byte_size": 4096},
        "second_half": {"key": "/k", "offset": 2048, "byte_size": 2048},
        "no_offset": {"key": "/k", "byte_size": 16},
        "unaligned": {"key": "/k", "offset": 4095, "byte_size": 1},
        "past_end": {"key": "/k", "offset": 4000, "byte_size": 200},
        "huge": {"key": "/k", "offset": 9223372036854775807, "byte_size": 9223372036854775807},
        "negative": {"key": "/k", "offset": -1, "byte_size": 8},
        "zero_size": {"key": "/k", "byte_size": 0},
    }
    for name, obj in seeds.items():
        write(path, name, json.dumps(obj, separators=(",", ":")).encode())


def npy():
    import io

    import numpy as np

    path = folder("npy")

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
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper, TensorProto

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


# --- gRPC ModelInferRequest (Protos/grpc_service.proto), encoded by hand -------------------------------------------
# Wire types: 0 varint, 1 fixed64, 2 length-delimited, 5 fixed32. Repeated scalars are packed (proto3's default);
# a few seeds use the unpacked form too, which decoders must also accept.

def varint(n):
    if n < 0:
        n += 1 << 64  # int64 and int32 negatives take ten bytes
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def key(field, wire_type):
    return varint(field << 3 | wire_type)


def length_delimited(field, data):
    return key(field, 2) + varint(len(data)) + data


def string(field, text):
    return length_delimited(field, text.encode() if isinstance(text, str) else text)


def packed_varints(field, values):
    return length_delimited(field, b"".join(varint(int(v)) for v in values)) if values else b""


def packed_fixed(field, fmt, values):
    return length_delimited(field, b"".join(struct.pack("<" + fmt, v) for v in values)) if values else b""


def infer_parameter(value):
    """InferParameter: bool_param 1, int64_param 2, string_param 3, double_param 4, uint64_param 5."""
    kind, v = value
    if kind == "bool":
        return key(1, 0) + varint(int(v))
    if kind == "int64":
        return key(2, 0) + varint(v)
    if kind == "string":
        return string(3, v)
    if kind == "double":
        return key(4, 1) + struct.pack("<d", v)
    if kind == "uint64":
        return key(5, 0) + varint(v)
    raise ValueError(kind)


def parameter_map(field, parameters):
    """map<string, InferParameter>: one entry message (key 1, value 2) per pair."""
    return b"".join(length_delimited(field, string(1, name) + length_delimited(2, infer_parameter(value)))
                    for name, value in parameters.items())


def tensor_contents(contents):
    """InferTensorContents: bool 1, int 2, int64 3, uint 4, uint64 5, fp32 6, fp64 7, bytes 8."""
    out = b""
    for name, values in contents.items():
        if name == "bool":
            out += packed_varints(1, values)
        elif name == "int":
            out += packed_varints(2, values)
        elif name == "int64":
            out += packed_varints(3, values)
        elif name == "uint":
            out += packed_varints(4, values)
        elif name == "uint64":
            out += packed_varints(5, values)
        elif name == "fp32":
            out += packed_fixed(6, "f", values)
        elif name == "fp64":
            out += packed_fixed(7, "d", values)
        elif name == "bytes":
            out += b"".join(string(8, v) for v in values)
        else:
            raise ValueError(name)
    return out


def infer_input(name, datatype, shape, contents=None, parameters=None, packed_shape=True):
    """InferInputTensor: name 1, datatype 2, shape 3 (repeated int64), parameters 4, contents 5."""
    out = string(1, name) + string(2, datatype)
    if packed_shape:
        out += packed_varints(3, shape)
    else:
        out += b"".join(key(3, 0) + varint(d) for d in shape)
    out += parameter_map(4, parameters or {})
    if contents is not None:
        out += length_delimited(5, tensor_contents(contents))
    return out


def infer_request(inputs, raw=None, outputs=None, model="m", version="", request_id="", parameters=None):
    """ModelInferRequest: model_name 1, model_version 2, id 3, parameters 4, inputs 5, outputs 6,
    raw_input_contents 7. `outputs` are (name, parameters) pairs (InferRequestedOutputTensor: name 1, parameters 2)."""
    out = string(1, model)
    if version:
        out += string(2, version)
    if request_id:
        out += string(3, request_id)
    out += parameter_map(4, parameters or {})
    out += b"".join(length_delimited(5, tensor) for tensor in inputs)
    out += b"".join(length_delimited(6, string(1, name) + parameter_map(2, params or {}))
                    for name, params in (outputs or []))
    out += b"".join(string(7, data) for data in (raw or []))
    return out


def grpc_infer_request():
    path = folder("grpc-infer-request")

    def seed(name, *args, **kwargs):
        write(path, name + ".pb", infer_request(*args, **kwargs))

    def prefixed(strings):
        return b"".join(struct.pack("<I", len(s)) + s for s in strings)

    # Raw contents for every datatype, two elements each (rank 1; INT32 and FP32 also rank 2).
    raw_elements = {
        "BOOL": bytes([1, 0]),
        "UINT8": bytes([0, 255]),
        "UINT16": struct.pack("<2H", 0, 65535),
        "UINT32": struct.pack("<2I", 0, 2**32 - 1),
        "UINT64": struct.pack("<2Q", 0, 2**64 - 1),
        "INT8": struct.pack("<2b", -128, 127),
        "INT16": struct.pack("<2h", -32768, 32767),
        "INT32": struct.pack("<2i", -2**31, 2**31 - 1),
        "INT64": struct.pack("<2q", -2**63, 2**63 - 1),
        "FP16": struct.pack("<2e", 1.5, -65504.0),
        "FP32": struct.pack("<2f", 1.5, -2.25),
        "FP64": struct.pack("<2d", 1e-308, -0.0),
        "BF16": bytes([0x80, 0x3F, 0x00, 0xC0]),
        "BYTES": prefixed([b"ab", b""]),
    }
    for datatype, data in raw_elements.items():
        seed("raw_" + datatype.lower(), [infer_input("x", datatype, [2])], raw=[data])
    seed("raw_int32_rank2", [infer_input("x", "INT32", [1, 2])], raw=[raw_elements["INT32"]],
         outputs=[("y", {"binary_data": ("bool", True)})])
    # System shared memory (regions `r` and `h` are registered by the harness) and the sequence parameters.
    shm = {"shared_memory_region": ("string", "r"), "shared_memory_offset": ("int64", 16),
           "shared_memory_byte_size": ("int64", 8)}
    seed("shm_input", [infer_input("x", "FP32", [2], parameters=shm)],
         outputs=[("y", {"shared_memory_region": ("string", "h"), "shared_memory_byte_size": ("int64", 8)})])
    seed("shm_mixed", [infer_input("x", "INT32", [2], parameters=shm), infer_input("s", "BYTES", [1])],
         raw=[prefixed([b"q"])])
    seed("sequence_flags", [infer_input("x", "INT32", [2])], raw=[raw_elements["INT32"]],
         parameters={"sequence_id": ("uint64", 2**64 - 1), "sequence_start": ("bool", True),
                     "sequence_end": ("bool", False)})
    seed("raw_fp32_rank2", [infer_input("x", "FP32", [2, 1])], raw=[raw_elements["FP32"]])
    seed("raw_empty", [infer_input("x", "FP32", [0, 3])], raw=[b""])

    # Typed contents for every datatype that has a field, and FP16/BF16 typed (refused: they have none).
    typed_elements = {
        "BOOL": {"bool": [1, 0]},
        "INT8": {"int": [-128, 127]},
        "INT16": {"int": [-32768, 32767]},
        "INT32": {"int": [-2**31, 2**31 - 1]},
        "INT64": {"int64": [-2**63, 2**63 - 1]},
        "UINT8": {"uint": [0, 255]},
        "UINT16": {"uint": [0, 65535]},
        "UINT32": {"uint": [0, 2**32 - 1]},
        "UINT64": {"uint64": [0, 2**64 - 1]},
        "FP32": {"fp32": [1.5, -2.25]},
        "FP64": {"fp64": [1e-308, -0.0]},
        "BYTES": {"bytes": [b"ab", "\u00e9\u4e2d".encode()]},
        "FP16": {"fp32": [1.0, 2.0]},
        "BF16": {},
    }
    for datatype, contents in typed_elements.items():
        seed("typed_" + datatype.lower(), [infer_input("x", datatype, [2], contents=contents)])
    seed("typed_fp64_rank2", [infer_input("x", "FP64", [1, 2], contents={"fp64": [3.0, 4.0]})],
         outputs=[("y", {})])

    # The batching model: two inputs, typed, with outputs, ids and parameters of every kind.
    seed("batch_typed",
         [infer_input("a", "FP32", [2, 3], contents={"fp32": [1, 2, 3, 4, 5, 6]}),
          infer_input("s", "BYTES", [2], contents={"bytes": [b"p", b"q"]})],
         outputs=[("t", {}), ("h", {"binary_data": ("bool", True)})], model="batch", version="1", request_id="r1",
         parameters={"timeout": ("int64", 1000), "priority": ("uint64", 2), "sequence_id": ("string", "s"),
                     "flag": ("bool", False), "scale": ("double", 0.5)})
    seed("batch_raw",
         [infer_input("a", "FP32", [1, 3], parameters={"binary_data_size": ("int64", 12)}),
          infer_input("s", "BYTES", [1])],
         raw=[struct.pack("<3f", 1, 2, 3), prefixed([b"hi"])], model="batch")

    # Shapes: unpacked encoding, a scalar, products that overflow or pass the limit, a negative dimension.
    seed("shape_unpacked", [infer_input("x", "INT64", [1, 2], contents={"int64": [7, 8]}, packed_shape=False)])
    seed("shape_scalar", [infer_input("x", "INT32", [], contents={"int": [5]})])
    seed("shape_overflow_raw", [infer_input("x", "FP32", [2**62, 4])], raw=[b"\0" * 8])
    seed("shape_overflow_typed", [infer_input("x", "INT32", [2**31, 2**31, 2**31], contents={"int": [1]})])
    seed("shape_max_int64", [infer_input("x", "UINT8", [2**63 - 1, 2**63 - 1])], raw=[b"\0"])
    seed("shape_zero_times_huge", [infer_input("x", "FP32", [0, 2**62, 2**62])], raw=[b""])
    seed("shape_over_limit", [infer_input("x", "UINT8", [4097])], raw=[b"\0" * 4097])
    seed("shape_negative", [infer_input("x", "FP32", [-1, 2])], raw=[b"\0" * 8])

    # Counts that do not match: raw entries against inputs, bytes against the shape, typed elements against the
    # shape, both kinds at once, a field of another datatype, a value out of a narrow type's range, BYTES prefixes
    # that run past the entry, duplicate names, an unknown datatype, no contents at all.
    seed("mismatch_raw_entries", [infer_input("x", "FP32", [1]), infer_input("y", "FP32", [1])],
         raw=[struct.pack("<f", 1)])
    seed("mismatch_raw_bytes", [infer_input("x", "FP32", [3])], raw=[struct.pack("<2f", 1, 2)])
    seed("mismatch_typed_count", [infer_input("x", "INT64", [3], contents={"int64": [1, 2]})])
    seed("mismatch_typed_and_raw", [infer_input("x", "INT32", [1], contents={"int": [1]})],
         raw=[struct.pack("<i", 1)])
    seed("mismatch_other_field", [infer_input("x", "FP32", [1], contents={"fp32": [1], "fp64": [2]})])
    seed("mismatch_narrow_range", [infer_input("x", "INT8", [2], contents={"int": [1, 300]})])
    seed("mismatch_bytes_prefix", [infer_input("x", "BYTES", [1])], raw=[struct.pack("<I", 0xFFFFFFF0) + b"ab"])
    seed("mismatch_bytes_count", [infer_input("x", "BYTES", [2])], raw=[prefixed([b"only one"])])
    seed("duplicate_input", [infer_input("x", "INT32", [1], contents={"int": [1]}),
                             infer_input("x", "INT32", [1], contents={"int": [2]})])
    seed("duplicate_output", [infer_input("x", "INT32", [1], contents={"int": [1]})], outputs=[("y", {}), ("y", {})])
    seed("unknown_datatype", [infer_input("x", "FP8", [1])], raw=[b"\0"])
    seed("no_contents", [infer_input("x", "FP32", [1])])
    seed("no_inputs", [])


HARNESSES = {
    "inference-request": inference_request,
    "grpc-infer-request": grpc_infer_request,
    "shm-register": shm_register,
    "npy": npy,
    "pb": pb,
    "model-config": model_config,
    "session": session,
}

if __name__ == "__main__":
    names = sys.argv[1:] or list(HARNESSES)
    unknown = [name for name in names if name not in HARNESSES]
    if unknown:
        sys.exit(f"make-fuzz-corpus: unknown harness {', '.join(unknown)} (known: {', '.join(HARNESSES)})")
    for name in names:
        HARNESSES[name]()
    print("seed corpora written to", CORPUS, "for", ", ".join(names), file=sys.stderr)
