#!/usr/bin/env python3
# Fixtures for the ONNXFormats tests; written by this project; regenerate with:
#   /work/devvenv/bin/python scripts/generate-format-fixtures.py     (any Python with the requirements will do)
#
# Requirements: numpy, onnx, ml_dtypes (no onnxruntime).
#
# Writes into Tests/ONNXFormatsTests/Fixtures/:
#   tensor_*.pb     TensorProto for every ONNX data type, in raw_data and in the typed field onnx.proto assigns
#                   (float_data, int32_data, int64_data, uint64_data, double_data, string_data)
#   sequence_*.pb, map_*.pb, optional_*.pb    SequenceProto / MapProto / OptionalProto
#   error_*.pb      messages the reader must reject with a clear error (external data, unsupported types)
#   npy_*.npy       .npy files in every numeric dtype, both byte orders, format 1.0 / 2.0 / 3.0, strings, and
#                   files the reader must reject (Fortran order, object and structured arrays)
#   widened_*.npy   what numpy.save writes for bfloat16 / float8 / float4 / int4 / uint4 data widened to a NumPy dtype
#   model.onnx      a small model for ModelSummary
#   expected.json   the expected decoded values, computed here with NumPy and ml_dtypes, independently of the
#                   Swift code: element type, shape and the little-endian bytes of ONNX Runtime's layout as hex
#                   (strings as a list of text, or byte strings as a list of hex), or the expected error code
#
# The expected bytes never come from the files themselves: each tensor's values are written down once below, and
# both the .pb/.npy file and the expected hex are derived from them by different routes (onnx.helper /
# onnx.numpy_helper / numpy.save for the files; numpy.ndarray.tobytes or the 4-bit packing below for the hex).
# Output is deterministic: the same numpy/onnx/ml_dtypes versions give byte-identical files.

import io
import json
import os

import ml_dtypes
import numpy as np
import onnx
from onnx import OptionalProto, SequenceProto, TensorProto, helper, numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ONNXFormatsTests", "Fixtures")
MAX_TOTAL_BYTES = 200 * 1024

expected = {"protos": [], "npy": [], "widened": [], "model": None}
written = []


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
    written.append(name)


# ---------------------------------------------------------------------------------------------------------------
# Expected values (independent of the files)


def pack4(nibbles):
    """Packs 4-bit values two per byte, the first in the low nibble (ONNX's and ONNX Runtime's layout)."""
    nibbles = [int(v) & 0x0F for v in nibbles]
    if len(nibbles) % 2:
        nibbles.append(0)
    return bytes(nibbles[i] | (nibbles[i + 1] << 4) for i in range(0, len(nibbles), 2))


def pack2(crumbs):
    """Packs 2-bit values four per byte, the first in the lowest bits (ONNX's and ONNX Runtime's layout)."""
    crumbs = [int(v) & 0x03 for v in crumbs]
    while len(crumbs) % 4:
        crumbs.append(0)
    return bytes(crumbs[i] | crumbs[i + 1] << 2 | crumbs[i + 2] << 4 | crumbs[i + 3] << 6
                 for i in range(0, len(crumbs), 4))


def tensor_tree(onnx_type, shape, data):
    """data: bytes in ORT's layout (little-endian), or for strings a list of str (text) or of bytes (byte strings,
    written as one hex string per element)."""
    if onnx_type == "string":
        if all(isinstance(s, bytes) for s in data) and data:
            return {"tensor": {"type": "string", "shape": list(shape), "byteStrings": [s.hex() for s in data]}}
        return {"tensor": {"type": "string", "shape": list(shape), "strings": list(data)}}
    return {"tensor": {"type": onnx_type, "shape": list(shape), "hex": bytes(data).hex()}}


def le_bytes(array):
    array = np.ascontiguousarray(array)
    if array.dtype.byteorder == ">" or (array.dtype.byteorder == "=" and np.little_endian is False):
        array = array.astype(array.dtype.newbyteorder("<"))
    return array.tobytes()


def add_proto(file, kind, message, name, value=None, error=None):
    write(file, message.SerializeToString())
    entry = {"file": file, "kind": kind, "name": name}
    if error is not None:
        entry["error"] = error
    else:
        entry["value"] = value
    expected["protos"].append(entry)


# ---------------------------------------------------------------------------------------------------------------
# Tensors of every type

F32 = [0.0, -0.0, 1.5, -2.25, 1e-45, 3.4028235e38, float("inf"), float("nan")]
F64 = [0.0, -0.0, 1.5, -2.25, 5e-324, 1.7976931348623157e308, float("-inf"), float("nan")]
F16 = [0.0, -0.0, 1.5, -2.25, 6e-08, 65504.0, float("inf"), float("nan")]
BF16 = [0.0, -0.0, 1.5, -2.25, 1e-40, 3.3895314e38, float("-inf"), float("nan")]

NUMERIC = [
    # (onnx name, TensorProto type, numpy dtype, values, shape)
    ("float", TensorProto.FLOAT, np.float32, F32, (2, 4)),
    ("double", TensorProto.DOUBLE, np.float64, F64, (2, 4)),
    ("float16", TensorProto.FLOAT16, np.float16, F16, (4, 2)),
    ("bfloat16", TensorProto.BFLOAT16, ml_dtypes.bfloat16, BF16, (8,)),
    ("int8", TensorProto.INT8, np.int8, [-128, -1, 0, 1, 127, 5], (2, 3)),
    ("int16", TensorProto.INT16, np.int16, [-32768, -1, 0, 1, 32767, 300], (3, 2)),
    ("int32", TensorProto.INT32, np.int32, [-(2**31), -1, 0, 1, 2**31 - 1, 70000], (6,)),
    ("int64", TensorProto.INT64, np.int64, [-(2**63), -1, 0, 1, 2**63 - 1, 2**40], (2, 1, 3)),
    ("uint8", TensorProto.UINT8, np.uint8, [0, 1, 127, 128, 255, 7], (2, 3)),
    ("uint16", TensorProto.UINT16, np.uint16, [0, 1, 32768, 65535, 300, 9], (2, 3)),
    ("uint32", TensorProto.UINT32, np.uint32, [0, 1, 2**31, 2**32 - 1, 70000, 9], (2, 3)),
    ("uint64", TensorProto.UINT64, np.uint64, [0, 1, 2**63, 2**64 - 1, 2**40, 9], (2, 3)),
    ("bool", TensorProto.BOOL, np.bool_, [True, False, True, True, False, False], (2, 3)),
]

for onnx_name, data_type, dtype, values, shape in NUMERIC:
    array = np.array(values, dtype=dtype).reshape(shape)
    if onnx_name == "bfloat16":
        hex_source = le_bytes(array.view(np.uint16))
    elif onnx_name == "bool":
        hex_source = bytes(int(v) for v in values)
    else:
        hex_source = le_bytes(array)
    value = tensor_tree(onnx_name, shape, hex_source)
    add_proto(f"tensor_{onnx_name}_raw.pb", "tensor", numpy_helper.from_array(array, name=f"{onnx_name}_raw"),
              f"{onnx_name}_raw", value)
    typed = helper.make_tensor(f"{onnx_name}_typed", data_type, shape, array.flatten(), raw=False)
    assert not typed.HasField("raw_data")
    add_proto(f"tensor_{onnx_name}_typed.pb", "tensor", typed, f"{onnx_name}_typed", value)

# Strings: only string_data exists.
STRINGS = ["", "hello", "wörld ✓", "a\x00b", "emoji 🎉", "trailing\x00"]
# (Built field by field: helper.make_tensor passes the strings through a NumPy bytes array, which drops trailing NULs.)
string_tensor = TensorProto(name="strings", data_type=TensorProto.STRING, dims=[3, 2])
string_tensor.string_data.extend(s.encode() for s in STRINGS)
add_proto("tensor_string_typed.pb", "tensor", string_tensor, "strings", tensor_tree("string", (3, 2), STRINGS))
# string_data is `repeated bytes`: elements that are not UTF-8, NULs anywhere, empty elements. numpy_helper.from_array
# copies the bytes objects of an object array into string_data as they are (trailing NULs included).
BYTE_STRINGS = [b"\x00", b"a\x00b", b"", b"\xff\xfe", b"\x80abc", b"trailing\x00\x00"]
add_proto("tensor_string_bytes.pb", "tensor",
          numpy_helper.from_array(np.array(BYTE_STRINGS, dtype=object).reshape(2, 3), name="blobs"), "blobs",
          tensor_tree("string", (2, 3), BYTE_STRINGS))

# float8: all 256 bit patterns, as raw_data (via ml_dtypes arrays) and as int32_data (one entry per element).
FLOAT8 = [
    ("float8e4m3fn", TensorProto.FLOAT8E4M3FN, ml_dtypes.float8_e4m3fn),
    ("float8e4m3fnuz", TensorProto.FLOAT8E4M3FNUZ, ml_dtypes.float8_e4m3fnuz),
    ("float8e5m2", TensorProto.FLOAT8E5M2, ml_dtypes.float8_e5m2),
    ("float8e5m2fnuz", TensorProto.FLOAT8E5M2FNUZ, ml_dtypes.float8_e5m2fnuz),
    ("float8e8m0", TensorProto.FLOAT8E8M0, ml_dtypes.float8_e8m0fnu),
]
for onnx_name, data_type, dtype in FLOAT8:
    bits = bytes(range(256))
    value = tensor_tree(onnx_name, (16, 16), bits)
    array = np.frombuffer(bits, dtype=np.uint8).view(dtype).reshape(16, 16)
    add_proto(f"tensor_{onnx_name}_raw.pb", "tensor", numpy_helper.from_array(array, name=onnx_name), onnx_name,
              value)
    typed = TensorProto(name=onnx_name, data_type=data_type, dims=[16, 16])
    typed.int32_data.extend(range(256))
    add_proto(f"tensor_{onnx_name}_typed.pb", "tensor", typed, onnx_name, value)
    widened = array.astype(np.float32)
    buffer = io.BytesIO()
    np.save(buffer, widened)
    write(f"widened_{onnx_name}.npy", buffer.getvalue())
    expected["widened"].append({"source": f"tensor_{onnx_name}_raw.pb", "npy": f"widened_{onnx_name}.npy"})

# 4-bit types, even and odd element counts, raw_data (from_array packs) and int32_data (one packed byte per entry).
FOUR_BIT = [
    ("int4", TensorProto.INT4, ml_dtypes.int4, list(range(-8, 8)), (4, 4)),
    ("int4_odd", TensorProto.INT4, ml_dtypes.int4, [-8, 7, -1], (3,)),
    ("uint4", TensorProto.UINT4, ml_dtypes.uint4, list(range(16)), (2, 8)),
    ("uint4_odd", TensorProto.UINT4, ml_dtypes.uint4, [15, 0, 9, 3, 12], (5,)),
    ("float4e2m1", TensorProto.FLOAT4E2M1, ml_dtypes.float4_e2m1fn, None, (16,)),
]
for label, data_type, dtype, values, shape in FOUR_BIT:
    onnx_name = label.removesuffix("_odd")
    if values is None:  # float4: all 16 bit patterns
        nibbles = list(range(16))
        array = np.array(nibbles, dtype=np.uint8).view(dtype)
    else:
        nibbles = values
        array = np.array(values, dtype=dtype)
    array = array.reshape(shape)
    packed = pack4(nibbles)
    value = tensor_tree(onnx_name, shape, packed)
    add_proto(f"tensor_{label}_raw.pb", "tensor", numpy_helper.from_array(array, name=label), label, value)
    typed = TensorProto(name=label, data_type=data_type, dims=list(shape))
    typed.int32_data.extend(packed)
    add_proto(f"tensor_{label}_typed.pb", "tensor", typed, label, value)
    if label in ("int4", "uint4", "float4e2m1"):
        widened = array.astype(np.float32 if label == "float4e2m1" else (np.int8 if label == "int4" else np.uint8))
        buffer = io.BytesIO()
        np.save(buffer, widened)
        write(f"widened_{label}.npy", buffer.getvalue())
        expected["widened"].append({"source": f"tensor_{label}_raw.pb", "npy": f"widened_{label}.npy"})

# 2-bit types (ONNX numbers them UINT2 = 25, INT2 = 26; ORT 24 and 25), packed four per byte, raw and int32_data.
TWO_BIT = [
    ("int2", TensorProto.INT2, ml_dtypes.int2, [-2, -1, 0, 1, 1, -2, 0], (7,)),
    ("uint2", TensorProto.UINT2, ml_dtypes.uint2, [0, 1, 2, 3, 3, 2, 1, 0], (2, 4)),
]
for label, data_type, dtype, values, shape in TWO_BIT:
    array = np.array(values, dtype=dtype).reshape(shape)
    packed = pack2(values)
    value = tensor_tree(label, shape, packed)
    add_proto(f"tensor_{label}_raw.pb", "tensor", numpy_helper.from_array(array, name=label), label, value)
    typed = TensorProto(name=label, data_type=data_type, dims=list(shape))
    typed.int32_data.extend(packed)
    add_proto(f"tensor_{label}_typed.pb", "tensor", typed, label, value)
    widened = array.astype(np.int8 if label == "int2" else np.uint8)
    buffer = io.BytesIO()
    np.save(buffer, widened)
    write(f"widened_{label}.npy", buffer.getvalue())
    expected["widened"].append({"source": f"tensor_{label}_raw.pb", "npy": f"widened_{label}.npy"})

# bfloat16 widened to float32.
bf16 = np.array(BF16, dtype=ml_dtypes.bfloat16)
buffer = io.BytesIO()
np.save(buffer, bf16.astype(np.float32))
write("widened_bfloat16.npy", buffer.getvalue())
expected["widened"].append({"source": "tensor_bfloat16_raw.pb", "npy": "widened_bfloat16.npy"})

# Edge shapes: a scalar, an empty tensor in both encodings, and no name.
add_proto("tensor_scalar_int64_typed.pb", "tensor", helper.make_tensor("answer", TensorProto.INT64, [], [42]),
          "answer", tensor_tree("int64", (), le_bytes(np.array(42, dtype=np.int64))))
empty = np.zeros((0, 3), dtype=np.float32)
add_proto("tensor_empty_raw.pb", "tensor", numpy_helper.from_array(empty), None, tensor_tree("float", (0, 3), b""))
add_proto("tensor_empty_typed.pb", "tensor", helper.make_tensor("", TensorProto.FLOAT, [0, 3], []), None,
          tensor_tree("float", (0, 3), b""))

# Tensors the reader must reject clearly.
external = numpy_helper.from_array(np.zeros(4, dtype=np.float32), name="weights")
external.ClearField("raw_data")
external.data_location = TensorProto.EXTERNAL
external.external_data.add(key="location", value="weights.bin")
external.external_data.add(key="offset", value="0")
add_proto("error_external.pb", "tensor", external, "weights", error="unsupported")
future = TensorProto(name="future", data_type=27, dims=[4], raw_data=bytes(4))   # a data type newer than ONNX 1.22
add_proto("error_datatype27.pb", "tensor", future, "future", error="unsupported")
add_proto("error_complex64.pb", "tensor",
          numpy_helper.from_array(np.array([1 + 2j, 3 - 4j], dtype=np.complex64), name="c"), "c", error="any")

# ---------------------------------------------------------------------------------------------------------------
# Sequences, maps, optionals


def f32_tree(values, shape):
    return tensor_tree("float", shape, le_bytes(np.array(values, dtype=np.float32).reshape(shape)))


a = np.array([1.0, 2.0], dtype=np.float32)
b = np.array([[3.0, 4.0, 5.0]], dtype=np.float32)
add_proto("sequence_tensors.pb", "sequence",
          helper.make_sequence("seq", SequenceProto.TENSOR, [numpy_helper.from_array(a), numpy_helper.from_array(b)]),
          "seq", {"sequence": [f32_tree([1, 2], (2,)), f32_tree([3, 4, 5], (1, 3))]})
add_proto("sequence_empty.pb", "sequence", helper.make_sequence("nothing", SequenceProto.TENSOR, []), "nothing",
          {"sequence": []})

maps = [{1: np.float32(0.5), 2: np.float32(1.5)}, {3: np.float32(-2.5)}]


def int64_keys(keys):
    return tensor_tree("int64", (len(keys),), le_bytes(np.array(keys, dtype=np.int64)))


def f32_scalar(v):
    return f32_tree(v, ())


seq_of_maps = numpy_helper.from_list(maps, name="zipmap")
add_proto("sequence_maps.pb", "sequence", seq_of_maps, "zipmap",
          {"sequence": [
              {"map": {"keys": int64_keys([1, 2]), "values": [f32_scalar(0.5), f32_scalar(1.5)]}},
              {"map": {"keys": int64_keys([3]), "values": [f32_scalar(-2.5)]}},
          ]})

inner1 = helper.make_sequence("", SequenceProto.TENSOR, [numpy_helper.from_array(a)])
inner2 = helper.make_sequence("", SequenceProto.TENSOR, [numpy_helper.from_array(b), numpy_helper.from_array(a)])
add_proto("sequence_sequences.pb", "sequence", helper.make_sequence("nested", SequenceProto.SEQUENCE, [inner1, inner2]),
          "nested", {"sequence": [{"sequence": [f32_tree([1, 2], (2,))]},
                                  {"sequence": [f32_tree([3, 4, 5], (1, 3)), f32_tree([1, 2], (2,))]}]})

opt_some = helper.make_optional("", OptionalProto.TENSOR, numpy_helper.from_array(np.array([7], dtype=np.int32)))
opt_none = numpy_helper.from_optional(None)
add_proto("sequence_optionals.pb", "sequence",
          helper.make_sequence("maybe", SequenceProto.OPTIONAL, [opt_some, opt_none]), "maybe",
          {"sequence": [{"optional": tensor_tree("int32", (1,), le_bytes(np.array([7], dtype=np.int32)))},
                        {"optional": None}]})

add_proto("map_int64_float.pb", "map",
          numpy_helper.from_dict({1: np.float32(0.5), 5: np.float32(-1.0), 9: np.float32(2.0)}, name="scores"),
          "scores", {"map": {"keys": int64_keys([1, 5, 9]),
                             "values": [f32_scalar(0.5), f32_scalar(-1.0), f32_scalar(2.0)]}})
add_proto("map_string_int64.pb", "map",
          helper.make_map("counts", TensorProto.STRING, ["a".encode(), "bé".encode()],
                          numpy_helper.from_list([np.int64(1), np.int64(-2)])), "counts",
          {"map": {"keys": tensor_tree("string", (2,), ["a", "bé"]),
                   "values": [tensor_tree("int64", (), le_bytes(np.array(v, dtype=np.int64))) for v in (1, -2)]}})
add_proto("map_bytes_int64.pb", "map",
          helper.make_map("blobs", TensorProto.STRING, [b"\xff", b"a\x00"],
                          numpy_helper.from_list([np.int64(3), np.int64(4)])), "blobs",
          {"map": {"keys": tensor_tree("string", (2,), [b"\xff", b"a\x00"]),
                   "values": [tensor_tree("int64", (), le_bytes(np.array(v, dtype=np.int64))) for v in (3, 4)]}})
add_proto("map_int32_tensors.pb", "map",
          helper.make_map("rows", TensorProto.INT32, [7, -3],
                          helper.make_sequence("", SequenceProto.TENSOR,
                                               [numpy_helper.from_array(a), numpy_helper.from_array(b)])),
          "rows", {"map": {"keys": tensor_tree("int32", (2,), le_bytes(np.array([7, -3], dtype=np.int32))),
                           "values": [f32_tree([1, 2], (2,)), f32_tree([3, 4, 5], (1, 3))]}})
add_proto("map_uint8_double.pb", "map",
          helper.make_map("bytes", TensorProto.UINT8, [0, 255],
                          numpy_helper.from_list([np.float64(0.25), np.float64(-8.0)])),
          "bytes", {"map": {"keys": tensor_tree("uint8", (2,), bytes([0, 255])),
                            "values": [tensor_tree("double", (), le_bytes(np.array(v, dtype=np.float64)))
                                       for v in (0.25, -8.0)]}})

add_proto("optional_tensor.pb", "optional",
          helper.make_optional("maybe_x", OptionalProto.TENSOR, numpy_helper.from_array(b)), "maybe_x",
          {"optional": f32_tree([3, 4, 5], (1, 3))})
add_proto("optional_none.pb", "optional", numpy_helper.from_optional(None, name="absent"), "absent",
          {"optional": None})
declared_only = OptionalProto(name="declared", elem_type=OptionalProto.TENSOR)
add_proto("optional_declared_none.pb", "optional", declared_only, "declared", {"optional": None})
add_proto("optional_sequence.pb", "optional",
          helper.make_optional("maybe_seq", OptionalProto.SEQUENCE,
                               helper.make_sequence("", SequenceProto.TENSOR, [numpy_helper.from_array(a)])),
          "maybe_seq", {"optional": {"sequence": [f32_tree([1, 2], (2,))]}})
add_proto("optional_optional.pb", "optional",
          helper.make_optional("twice", OptionalProto.OPTIONAL, opt_some), "twice",
          {"optional": {"optional": tensor_tree("int32", (1,), le_bytes(np.array([7], dtype=np.int32)))}})

# ---------------------------------------------------------------------------------------------------------------
# NumPy .npy


def save(array, version=None, allow_pickle=False):
    buffer = io.BytesIO()
    if version is None:
        np.save(buffer, array, allow_pickle=allow_pickle)
    else:
        np.lib.format.write_array(buffer, array, version=version, allow_pickle=allow_pickle)
    return buffer.getvalue()


def add_npy(file, array, version=None, onnx_type=None, error=None, allow_pickle=False, canonical=False):
    write(file, save(array, version, allow_pickle))
    entry = {"file": file}
    if error is not None:
        entry["error"] = error
    else:
        if array.dtype.kind == "U":
            entry["value"] = tensor_tree("string", array.shape, [str(s) for s in array.flatten()])
        elif array.dtype.kind == "S":
            # NumPy's own elements: bytes with the item's trailing NUL padding removed.
            entry["value"] = tensor_tree("string", array.shape, [bytes(s) for s in array.flatten()])
        elif array.dtype.kind == "b":
            entry["value"] = tensor_tree("bool", array.shape, bytes(int(v) for v in array.flatten()))
        else:
            entry["value"] = tensor_tree(onnx_type, array.shape, le_bytes(array))
        # Whether numpy.save writes exactly these bytes for the decoded tensor (little-endian, default version).
        entry["canonical"] = canonical
    expected["npy"].append(entry)


NPY_TYPES = [
    ("f2", "float16", F16),
    ("f4", "float", F32),
    ("f8", "double", F64),
    ("i1", "int8", [-128, -1, 0, 1, 127, 5]),
    ("i2", "int16", [-32768, -1, 0, 1, 32767, 300]),
    ("i4", "int32", [-(2**31), -1, 0, 1, 2**31 - 1, 70000]),
    ("i8", "int64", [-(2**63), -1, 0, 1, 2**63 - 1, 2**40]),
    ("u1", "uint8", [0, 1, 127, 128, 255, 7]),
    ("u2", "uint16", [0, 1, 32768, 65535, 300, 9]),
    ("u4", "uint32", [0, 1, 2**31, 2**32 - 1, 70000, 9]),
    ("u8", "uint64", [0, 1, 2**63, 2**64 - 1, 2**40, 9]),
    ("b1", "bool", [True, False, True, True, False, False]),
]
for code, onnx_type, values in NPY_TYPES:
    shape = (2, len(values) // 2)
    little = np.array(values, dtype="<" + code if code not in ("i1", "u1", "b1") else code).reshape(shape)
    add_npy(f"npy_{onnx_type}_v1.npy", little, onnx_type=onnx_type, canonical=True)
    add_npy(f"npy_{onnx_type}_v2.npy", little.reshape(-1), version=(2, 0), onnx_type=onnx_type)
    if code not in ("i1", "u1", "b1"):
        add_npy(f"npy_{onnx_type}_be.npy", little.astype(">" + code), onnx_type=onnx_type)

add_npy("npy_float_v3.npy", np.array([1.5, -0.25], dtype="<f4"), version=(3, 0), onnx_type="float")
add_npy("npy_int64_v3.npy", np.arange(-3, 3, dtype="<i8"), version=(3, 0), onnx_type="int64")
NPY_STRINGS = ["", "hello", "wörld ✓", "a\x00b", "emoji 🎉"]
add_npy("npy_unicode_v1.npy", np.array(NPY_STRINGS).reshape(5, 1), canonical=True)
add_npy("npy_unicode_v2.npy", np.array(NPY_STRINGS), version=(2, 0))
add_npy("npy_unicode_v3.npy", np.array(["ü", "日本"]), version=(3, 0))
add_npy("npy_unicode_be.npy", np.array(["big", "endiän"]).astype(">U6"))
add_npy("npy_bytes.npy", np.array([b"ab", b"", b"xyz"]))
# Byte strings that are not UTF-8 (written back as '|S', exactly as numpy.save writes them): NULs inside are kept,
# trailing ones are NumPy's padding.
add_npy("npy_bytes_binary.npy", np.array([b"\x00\xff", b"a\x00b", b"", b"\x80\x81\x82", b"\xfe", b"z\x00"]).reshape(2, 3),
        canonical=True)
add_npy("npy_bytes_v3.npy", np.array([b"\xc3\x28", b"ok"]), version=(3, 0))
add_npy("npy_scalar.npy", np.array(3.5, dtype="<f8"), onnx_type="double", canonical=True)
add_npy("npy_empty.npy", np.zeros((0, 3), dtype="<f4"), onnx_type="float", canonical=True)
add_npy("npy_rank3.npy", np.arange(24, dtype="<i4").reshape(2, 3, 4), onnx_type="int32", canonical=True)

add_npy("npy_error_fortran.npy", np.asfortranarray(np.arange(6, dtype="<f4").reshape(2, 3)), error="unsupported")
add_npy("npy_error_object.npy", np.array(["a", 1, None], dtype=object), error="unsupported", allow_pickle=True)
add_npy("npy_error_structured.npy", np.zeros(2, dtype=[("a", "<i4"), ("b", "<f4")]), error="unsupported")
add_npy("npy_error_datetime.npy", np.array(["2024-01-01"], dtype="datetime64[D]"), error="unsupported")

# ---------------------------------------------------------------------------------------------------------------
# A model for ModelSummary

node = helper.make_node("Add", ["x", "bias"], ["y"])
graph = helper.make_graph(
    [node], "summary_graph",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [4])],
    initializer=[numpy_helper.from_array(np.arange(4, dtype=np.float32), name="bias")],
)
OPSETS = [("", 21), ("ai.onnx.ml", 4), ("com.example", 1)]
model = helper.make_model(
    graph,
    opset_imports=[helper.make_opsetid(domain, version) for domain, version in OPSETS],
    producer_name="format-fixture-generator",
    producer_version="2.1",
    domain="com.example.models",
    model_version=7,
    doc_string="A model for ModelSummary tests.",
    ir_version=10,
)
helper.set_model_props(model, {"author": "swift-onnxruntime", "license": "MIT"})
onnx.checker.check_model(model)
write("model.onnx", model.SerializeToString())
expected["model"] = {
    "file": "model.onnx",
    "irVersion": 10,
    "producerName": "format-fixture-generator",
    "producerVersion": "2.1",
    "domain": "com.example.models",
    "modelVersion": 7,
    "docString": "A model for ModelSummary tests.",
    "opsetImports": [{"domain": d, "version": v} for d, v in OPSETS],
    "metadata": [{"key": "author", "value": "swift-onnxruntime"}, {"key": "license", "value": "MIT"}],
    "graphName": "summary_graph",
}

# A model whose outputs are a sequence, a sequence of maps, an optional holding nothing and one holding a tensor,
# so the tests can convert real ONNX Runtime values of every kind: x: float32[3] ->
#   seq = SequenceConstruct(x, x); zipmap = ZipMap(Reshape(x, [1, 3]), classlabels_int64s=[10, 20, 30]);
#   none = Optional(type=tensor(float)); some = Optional(x)

float3 = helper.make_tensor_type_proto(TensorProto.FLOAT, [3])
outputs_graph = helper.make_graph(
    [
        helper.make_node("SequenceConstruct", ["x", "x"], ["seq"]),
        helper.make_node("Reshape", ["x", "row_shape"], ["row"]),
        helper.make_node("ZipMap", ["row"], ["zipmap"], domain="ai.onnx.ml", classlabels_int64s=[10, 20, 30]),
        helper.make_node("Optional", [], ["none"], type=helper.make_tensor_type_proto(TensorProto.FLOAT, None)),
        helper.make_node("Optional", ["x"], ["some"]),
    ],
    "outputs_graph",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [3])],
    [
        helper.make_value_info("seq", helper.make_sequence_type_proto(float3)),
        helper.make_value_info("zipmap", helper.make_sequence_type_proto(
            helper.make_map_type_proto(TensorProto.INT64, helper.make_tensor_type_proto(TensorProto.FLOAT, None)))),
        helper.make_value_info("none", helper.make_optional_type_proto(
            helper.make_tensor_type_proto(TensorProto.FLOAT, None))),
        helper.make_value_info("some", helper.make_optional_type_proto(float3)),
    ],
    initializer=[numpy_helper.from_array(np.array([1, 3], dtype=np.int64), name="row_shape")],
)
outputs_model = helper.make_model(
    outputs_graph, opset_imports=[helper.make_opsetid("", 21), helper.make_opsetid("ai.onnx.ml", 4)], ir_version=10)
onnx.checker.check_model(outputs_model)
write("outputs.onnx", outputs_model.SerializeToString())

# ---------------------------------------------------------------------------------------------------------------

with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
    json.dump(expected, f, indent=1, sort_keys=True)
    f.write("\n")
written.append("expected.json")

total = sum(os.path.getsize(os.path.join(OUT, name)) for name in written)
stale = sorted(set(os.listdir(OUT)) - set(written))
for name in stale:
    os.remove(os.path.join(OUT, name))
print(f"wrote {len(written)} files, {total} bytes, into {os.path.relpath(OUT, ROOT)}"
      + (f"; removed {len(stale)} stale" if stale else ""))
assert total < MAX_TOTAL_BYTES, f"fixtures take {total} bytes, more than {MAX_TOTAL_BYTES}"
