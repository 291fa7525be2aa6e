#!/usr/bin/env python3
# The Python peer of `ort conformance`: runs ONNX backend test cases with the onnxruntime Python package, with the
# same case discovery, input feeding, comparison rules, skip rule and JSON report format as the Swift runner
# (Sources/ORTCommands/ConformanceRunner). scripts/conformance.sh runs both and compares the reports.
#
# Usage: conformance_python.py DIR... [--filter REGEX] [--report FILE.json] [--rtol R] [--atol A]
#        conformance_python.py compare --reports DIR --folders NAME... --out CONFORMANCE.md
#          (reads DIR/{swift,python}-NAME.json and writes the comparison; exits 2 if a case passes with Python
#          onnxruntime but not with the Swift runner)
#
# Requirements: numpy, onnx (for numpy_helper and the protobuf messages), onnxruntime.
#
# The rules, kept identical to the Swift runner's (see CONFORMANCE.md for the full text):
#   * A DIR holding model.onnx is a case; otherwise its subfolders (and theirs) that hold model.onnx are cases.
#   * input_<i>.pb feeds the model's i-th graph input that is not an initializer, read as the message its declared
#     type needs (TensorProto, SequenceProto, OptionalProto, MapProto); an optional holding nothing is not fed.
#   * output_<i>.pb is compared with the i-th output. Element types must match; shapes must match; floats (float16,
#     bfloat16, float8, float4 decoded exactly) pass with |a - e| <= atol + rtol * |e|, NaN equals NaN, infinities
#     must match; integers (4- and 2-bit ones unpacked), bools and strings must be equal; sequences element-wise;
#     optionals none versus value; maps key by key.
#   * skipped: ONNX Runtime reports ORT_NOT_IMPLEMENTED (no kernel for an op or type), at load or at run time, or
#     fails to load the model because an operator "is not a registered function/op". Everything else that goes
#     wrong is a failure.
#
# Tensors whose element type NumPy cannot hold (bfloat16, float8, 4-bit and 2-bit types, float8e8m0) are fed to
# onnxruntime as raw bytes: OrtValue.ortvalue_from_numpy_with_onnx_type for 8- and 16-bit types, and for the packed
# 4- and 2-bit types OrtValue.ortvalue_from_shape_and_type followed by update_inplace with the packed bytes (it
# checks the element count and copies the packed byte size). Outputs of those types are read back as raw bytes from
# run_with_ort_values. Where the Python API cannot express a value that way the case fails with the reason.

import argparse
import glob
import json
import math
import os
import re
import sys
import time

import numpy as np
import onnx
import onnxruntime as ort

# TensorProto.DataType numbers.
FLOAT, UINT8, INT8, UINT16, INT16, INT32, INT64, STRING, BOOL, FLOAT16, DOUBLE, UINT32, UINT64 = (
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13)
COMPLEX64, COMPLEX128, BFLOAT16 = 14, 15, 16
F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ, UINT4, INT4, FLOAT4E2M1, FLOAT8E8M0, UINT2, INT2 = range(17, 27)

TYPE_NAMES = {
    FLOAT: "float", UINT8: "uint8", INT8: "int8", UINT16: "uint16", INT16: "int16", INT32: "int32", INT64: "int64",
    STRING: "string", BOOL: "bool", FLOAT16: "float16", DOUBLE: "double", UINT32: "uint32", UINT64: "uint64",
    COMPLEX64: "complex64", COMPLEX128: "complex128", BFLOAT16: "bfloat16", F8E4M3FN: "float8e4m3fn",
    F8E4M3FNUZ: "float8e4m3fnuz", F8E5M2: "float8e5m2", F8E5M2FNUZ: "float8e5m2fnuz", UINT4: "uint4", INT4: "int4",
    FLOAT4E2M1: "float4e2m1", FLOAT8E8M0: "float8e8m0", UINT2: "uint2", INT2: "int2",
}
ORT_TYPE_NAMES = {f"tensor({name})": number for number, name in TYPE_NAMES.items()}

NUMPY_TYPES = {
    FLOAT: np.float32, UINT8: np.uint8, INT8: np.int8, UINT16: np.uint16, INT16: np.int16, INT32: np.int32,
    INT64: np.int64, BOOL: np.bool_, FLOAT16: np.float16, DOUBLE: np.float64, UINT32: np.uint32, UINT64: np.uint64,
    COMPLEX64: np.complex64, COMPLEX128: np.complex128,
}
# Types NumPy has no dtype for: their width in bits. They travel as raw bytes in ONNX's layout.
RAW_BITS = {BFLOAT16: 16, F8E4M3FN: 8, F8E4M3FNUZ: 8, F8E5M2: 8, F8E5M2FNUZ: 8, FLOAT8E8M0: 8, UINT4: 4, INT4: 4,
            FLOAT4E2M1: 4, UINT2: 2, INT2: 2}
FLOAT_TYPES = {FLOAT, DOUBLE, FLOAT16, BFLOAT16, F8E4M3FN, F8E4M3FNUZ, F8E5M2, F8E5M2FNUZ, FLOAT4E2M1, FLOAT8E8M0}


class Skip(Exception):
    pass


class Mismatch(Exception):
    pass


# ---------------------------------------------------------------------------------------------------------------
# Values. A tensor is (data_type, shape, payload): payload is a NumPy array for NumPy types and strings (object
# array of bytes), or the raw little-endian bytes in ONNX's (packed) layout for the others. A sequence is
# ("seq", [values]), an optional ("opt", value or None), a map ("map", keys tensor, [values]).
# ---------------------------------------------------------------------------------------------------------------

def raw_bytes_of_proto(t):
    """The ONNX layout bytes of a TensorProto of a type NumPy lacks, from raw_data or int32_data."""
    count = int(np.prod(t.dims)) if len(t.dims) else 1
    bits = RAW_BITS[t.data_type]
    if t.HasField("raw_data"):
        return bytes(t.raw_data)
    entries = list(t.int32_data)
    if bits == 16:
        return np.array(entries, dtype=np.uint16).astype("<u2").tobytes()
    # 8-bit: one element per entry; 4- and 2-bit: one packed byte per entry.
    return np.array(entries, dtype=np.int64).astype(np.uint8).tobytes()[: (count * bits + 7) // 8]


def tensor_from_proto(t):
    shape = tuple(int(d) for d in t.dims)
    if t.data_type == STRING:
        return ("tensor", STRING, shape, np.array(list(t.string_data), dtype=object).reshape(shape))
    if t.data_type in RAW_BITS:
        return ("tensor", t.data_type, shape, raw_bytes_of_proto(t))
    if t.data_type not in NUMPY_TYPES:
        raise ValueError(f"unsupported TensorProto data type {t.data_type}")
    array = onnx.numpy_helper.to_array(t)
    return ("tensor", t.data_type, shape, np.asarray(array, dtype=NUMPY_TYPES[t.data_type]).reshape(shape))


def value_from_sequence(s):
    kind = s.elem_type
    if kind == onnx.SequenceProto.TENSOR:
        return ("seq", [tensor_from_proto(t) for t in s.tensor_values])
    if kind == onnx.SequenceProto.SEQUENCE:
        return ("seq", [value_from_sequence(x) for x in s.sequence_values])
    if kind == onnx.SequenceProto.MAP:
        return ("seq", [value_from_map(x) for x in s.map_values])
    if kind == onnx.SequenceProto.OPTIONAL:
        return ("seq", [value_from_optional(x) for x in s.optional_values])
    return ("seq", [])


def value_from_map(m):
    if m.key_type == STRING:
        keys = ("tensor", STRING, (len(m.string_keys),), np.array(list(m.string_keys), dtype=object))
    else:
        keys = ("tensor", m.key_type, (len(m.keys),), np.array(list(m.keys), dtype=NUMPY_TYPES[m.key_type]))
    return ("map", keys, value_from_sequence(m.values)[1])


def value_from_optional(o):
    kind = o.elem_type
    if kind == onnx.OptionalProto.TENSOR and o.HasField("tensor_value"):
        return ("opt", tensor_from_proto(o.tensor_value))
    if kind == onnx.OptionalProto.SEQUENCE and o.HasField("sequence_value"):
        return ("opt", value_from_sequence(o.sequence_value))
    if kind == onnx.OptionalProto.MAP and o.HasField("map_value"):
        return ("opt", value_from_map(o.map_value))
    if kind == onnx.OptionalProto.OPTIONAL and o.HasField("optional_value"):
        return ("opt", value_from_optional(o.optional_value))
    return ("opt", None)


def read_value(path, type_proto):
    data = open(path, "rb").read()
    which = type_proto.WhichOneof("value")
    if which == "sequence_type":
        message = onnx.SequenceProto()
        message.ParseFromString(data)
        return value_from_sequence(message)
    if which == "optional_type":
        message = onnx.OptionalProto()
        message.ParseFromString(data)
        return value_from_optional(message)
    if which == "map_type":
        message = onnx.MapProto()
        message.ParseFromString(data)
        return value_from_map(message)
    message = onnx.TensorProto()
    message.ParseFromString(data)
    return tensor_from_proto(message)


# --- feeding ---------------------------------------------------------------------------------------------------

def to_feed(value):
    """A value onnxruntime accepts as an input, keeping referenced buffers alive in the returned tuple's [1]."""
    kind = value[0]
    if kind == "opt":
        return to_feed(value[1])
    if kind == "seq":
        parts = [to_feed(x) for x in value[1]]
        if any(isinstance(p, ort.OrtValue) for p in parts):
            raise Mismatch("the Python API cannot build a sequence of raw-byte tensors")
        return [p for p in parts]
    if kind == "map":
        keys = value[1][3].tolist()
        values = [to_feed(v) for v in value[2]]
        return {k: (v.item() if isinstance(v, np.ndarray) else v) for k, v in zip(keys, values)}
    _, data_type, shape, payload = value
    if data_type == STRING:
        return np.array([x.decode("utf-8") for x in payload.reshape(-1)], dtype=object).reshape(shape)
    if data_type in RAW_BITS:
        bits = RAW_BITS[data_type]
        if bits < 8:
            # ortvalue_from_numpy_with_onnx_type wants one NumPy element per tensor element, so packed types are
            # copied in: update_inplace checks the element count and copies the tensor's (packed) byte size.
            value = ort.OrtValue.ortvalue_from_shape_and_type(list(shape), data_type)
            count = int(np.prod(shape)) if len(shape) else 1
            carrier = np.zeros(max(count, len(payload)), dtype=np.uint8)
            carrier[: len(payload)] = np.frombuffer(payload, dtype=np.uint8)
            if count:
                value.update_inplace(carrier[:count].reshape(shape))
            return value
        carrier = np.frombuffer(payload, dtype=np.uint16 if bits == 16 else np.uint8).reshape(shape).copy()
        return ort.OrtValue.ortvalue_from_numpy_with_onnx_type(carrier, data_type)
    return payload


# --- reading outputs -------------------------------------------------------------------------------------------

def from_output(result, ort_type):
    """Our value tree for an onnxruntime output (a NumPy array, list, dict, None or OrtValue)."""
    if ort_type.startswith("optional("):
        if result is None:
            return ("opt", None)
        return ("opt", from_output(result, ort_type[len("optional("):-1]))
    if result is None:
        return ("opt", None)
    if isinstance(result, list):
        inner = ort_type[len("seq("):-1] if ort_type.startswith("seq(") else ""
        return ("seq", [from_output(x, inner) for x in result])
    if isinstance(result, dict):
        keys = list(result.keys())
        if keys and isinstance(keys[0], str):
            key_tensor = ("tensor", STRING, (len(keys),), np.array([k.encode() for k in keys], dtype=object))
        else:
            key_tensor = ("tensor", INT64, (len(keys),), np.array(keys, dtype=np.int64))
        return ("map", key_tensor, [from_output(np.array(result[k]), "") for k in keys])
    array = np.asarray(result)
    if array.dtype == object or array.dtype.kind in "US":
        flat = [x.encode("utf-8") if isinstance(x, str) else bytes(x) for x in array.reshape(-1)]
        return ("tensor", STRING, array.shape, np.array(flat, dtype=object).reshape(array.shape))
    for number, dtype in NUMPY_TYPES.items():
        if array.dtype == np.dtype(dtype):
            return ("tensor", number, array.shape, array)
    raise Mismatch(f"unexpected output dtype {array.dtype}")


def raw_output(ort_value, data_type):
    """A raw-byte tensor from an OrtValue of a type NumPy lacks."""
    shape = tuple(ort_value.shape())
    count = int(np.prod(shape)) if shape else 1
    size = ort_value.tensor_size_in_bytes()
    import ctypes
    payload = ctypes.string_at(ort_value.data_ptr(), size) if size else b""
    return ("tensor", data_type, shape, payload[: (count * RAW_BITS[data_type] + 7) // 8])


# --- comparison ------------------------------------------------------------------------------------------------

def decode_minifloat(bits, exponent_bits, mantissa_bits, bias, specials):
    negative = (bits >> (exponent_bits + mantissa_bits)) & 1
    all_ones = (1 << exponent_bits) - 1
    exponent = (bits >> mantissa_bits) & all_ones
    mantissa = bits & ((1 << mantissa_bits) - 1)
    if specials == "ieee" and exponent == all_ones:
        return math.nan if mantissa else (-math.inf if negative else math.inf)
    if specials == "fn" and exponent == all_ones and mantissa == (1 << mantissa_bits) - 1:
        return math.nan
    if specials == "fnuz" and negative and exponent == 0 and mantissa == 0:
        return math.nan
    if exponent == 0:
        magnitude = mantissa * 2.0 ** (1 - bias - mantissa_bits)
    else:
        magnitude = (mantissa + (1 << mantissa_bits)) * 2.0 ** (exponent - bias - mantissa_bits)
    return -magnitude if negative else magnitude


MINIFLOATS = {F8E4M3FN: (4, 3, 7, "fn"), F8E4M3FNUZ: (4, 3, 8, "fnuz"), F8E5M2: (5, 2, 15, "ieee"),
              F8E5M2FNUZ: (5, 2, 16, "fnuz"), FLOAT4E2M1: (2, 1, 1, "none")}


def unpack(payload, bits, count):
    """The count unsigned fields of `bits` bits, first element in the lowest bits of the first byte."""
    data = np.frombuffer(payload, dtype=np.uint8)
    per_byte = 8 // bits
    fields = [(data >> (bits * k)) & ((1 << bits) - 1) for k in range(per_byte)]
    return np.stack(fields, axis=1).reshape(-1)[:count].astype(np.int64)


def numbers(value):
    """(kind, flat float64 or int64 or object array) for a tensor: kind is 'float', 'int' or 'exact'."""
    _, data_type, shape, payload = value
    count = int(np.prod(shape)) if len(shape) else 1
    if data_type in RAW_BITS:
        bits = RAW_BITS[data_type]
        if data_type == BFLOAT16:
            raw = np.frombuffer(payload, dtype="<u2")[:count].astype(np.uint32) << 16
            return "float", raw.view(np.float32).astype(np.float64)
        if data_type == FLOAT8E8M0:
            raw = np.frombuffer(payload, dtype=np.uint8)[:count].astype(np.int64)
            return "float", np.array([math.nan if b == 255 else 2.0 ** (int(b) - 127) for b in raw], np.float64)
        fields = unpack(payload, bits, count) if bits < 8 else np.frombuffer(payload, np.uint8)[:count].astype(np.int64)
        if data_type in MINIFLOATS:
            layout = MINIFLOATS[data_type]
            return "float", np.array([decode_minifloat(int(b), *layout) for b in fields], np.float64)
        if data_type in (INT4, INT2):
            fields = np.where(fields >= (1 << (bits - 1)), fields - (1 << bits), fields)
        return "int", fields
    if data_type == STRING:
        return "exact", payload.reshape(-1)
    if data_type in (COMPLEX64, COMPLEX128):
        return "complex", payload.reshape(-1).astype(np.complex128)
    if data_type in FLOAT_TYPES:
        return "float", payload.reshape(-1).astype(np.float64)
    if data_type == BOOL:
        return "int", payload.reshape(-1).astype(np.int64)
    return "int", payload.reshape(-1)


def fmt(x):
    return repr(x.item() if hasattr(x, "item") else x)


def compare(expected, actual, rtol, atol, where):
    """Raises Mismatch with a description of the first difference."""
    if expected[0] == "opt" and actual[0] != "opt":
        actual = ("opt", actual)
    if actual[0] == "opt" and expected[0] != "opt":
        expected = ("opt", expected)
    if expected[0] != actual[0]:
        raise Mismatch(f"{where}: expected a {expected[0]}, got a {actual[0]}")
    kind = expected[0]
    if kind == "opt":
        if (expected[1] is None) != (actual[1] is None):
            raise Mismatch(f"{where}: expected {'none' if expected[1] is None else 'a value'}, "
                           f"got {'none' if actual[1] is None else 'a value'}")
        if expected[1] is not None:
            compare(expected[1], actual[1], rtol, atol, where)
        return
    if kind == "seq":
        if len(expected[1]) != len(actual[1]):
            raise Mismatch(f"{where}: expected {len(expected[1])} sequence elements, got {len(actual[1])}")
        for index, (e, a) in enumerate(zip(expected[1], actual[1])):
            compare(e, a, rtol, atol, f"{where}[{index}]")
        return
    if kind == "map":
        _, e_kind = numbers(expected[1])
        _, a_kind = numbers(actual[1])
        e_map = dict(zip([k.item() if hasattr(k, "item") else k for k in e_kind], expected[2]))
        a_map = dict(zip([k.item() if hasattr(k, "item") else k for k in a_kind], actual[2]))
        if set(e_map) != set(a_map):
            raise Mismatch(f"{where}: map keys differ: expected {sorted(e_map)[:8]}, got {sorted(a_map)[:8]}")
        for key in e_map:
            compare(e_map[key], a_map[key], rtol, atol, f"{where}[{key!r}]")
        return
    _, e_type, e_shape, _ = expected
    _, a_type, a_shape, _ = actual
    if e_type != a_type:
        raise Mismatch(f"{where}: expected tensor({TYPE_NAMES.get(e_type, e_type)}), "
                       f"got tensor({TYPE_NAMES.get(a_type, a_type)})")
    if tuple(e_shape) != tuple(a_shape):
        raise Mismatch(f"{where}: expected shape {list(e_shape)}, got {list(a_shape)}")
    e_kind, e_values = numbers(expected)
    _, a_values = numbers(actual)
    if e_kind == "exact" or e_kind == "int":
        differ = np.nonzero(e_values != a_values)[0] if len(e_values) else []
        if len(differ):
            i = differ[0]
            raise Mismatch(f"{where}: {len(differ)} of {len(e_values)} elements differ; first at {i}: "
                           f"expected {fmt(e_values[i])}, got {fmt(a_values[i])}")
        return
    if e_kind == "complex":
        e_values = np.stack([e_values.real, e_values.imag], axis=1).reshape(-1)
        a_values = np.stack([a_values.real, a_values.imag], axis=1).reshape(-1)
    bad = []
    with np.errstate(invalid="ignore", over="ignore"):
        both_nan = np.isnan(e_values) & np.isnan(a_values)
        equal = e_values == a_values  # covers matching infinities
        close = np.abs(a_values - e_values) <= atol + rtol * np.abs(e_values)
        ok = both_nan | equal | (close & np.isfinite(e_values) & np.isfinite(a_values))
        bad = np.nonzero(~ok)[0]
    if len(bad):
        i = bad[0]
        raise Mismatch(f"{where}: {len(bad)} of {len(e_values)} elements outside rtol {rtol:g}, atol {atol:g}; "
                       f"first at {i}: expected {fmt(e_values[i])}, got {fmt(a_values[i])}")


# --- running ---------------------------------------------------------------------------------------------------

def find_cases(paths, pattern):
    """(suite, case folder) pairs, found and ordered exactly as ConformanceCase.discover does."""
    regex = re.compile(pattern) if pattern else None
    cases, seen = [], set()
    for path in paths:
        if not os.path.isdir(path):
            sys.exit(f"error: '{path}' is not a folder")
        root = os.path.abspath(path)

        def is_case(folder):
            return os.path.isfile(os.path.join(folder, "model.onnx"))

        def subfolders(folder):
            return [os.path.join(folder, n) for n in sorted(os.listdir(folder))
                    if os.path.isdir(os.path.join(folder, n))]

        found = []
        if is_case(root):
            found.append((os.path.basename(os.path.dirname(root)), root))
        else:
            for child in subfolders(root):
                if is_case(child):
                    found.append((os.path.basename(root), child))
                    continue
                found += [(os.path.basename(child), g) for g in subfolders(child) if is_case(g)]
        if not found:
            sys.exit(f"error: '{path}' holds no test case (a folder with model.onnx), neither itself nor its "
                     "subfolders")
        for suite, folder in sorted(found, key=lambda c: (c[0], os.path.basename(c[1]))):
            if folder not in seen:
                seen.add(folder)
                cases.append((suite, folder))
    if regex is None:
        return cases
    return [(suite, folder) for suite, folder in cases
            if regex.search(os.path.basename(folder)) or regex.search(f"{suite}/{os.path.basename(folder)}")]


def not_implemented(error):
    """The skip rule: ORT_NOT_IMPLEMENTED, or an operator ORT's registry does not know."""
    text = str(error)
    return (type(error).__name__ == "NotImplemented" or " : 9 : NOT_IMPLEMENTED : " in text
            or "is not a registered function/op" in text)


def run_case(path, rtol, atol):
    model = onnx.load(os.path.join(path, "model.onnx"), load_external_data=False)
    options = ort.SessionOptions()
    options.log_severity_level = 3
    try:
        session = ort.InferenceSession(os.path.join(path, "model.onnx"), options,
                                       providers=["CPUExecutionProvider"])
    except Exception as error:  # noqa: BLE001
        # The reason is read next to the case's name: the full path adds nothing.
        text = first_line(error).replace(os.path.join(path, "model.onnx"), "model.onnx")
        if not_implemented(error):
            raise Skip("load: " + text)
        raise Mismatch("load: " + text)
    initializers = {i.name for i in model.graph.initializer}
    graph_inputs = [i for i in model.graph.input if i.name not in initializers]
    graph_outputs = list(model.graph.output)
    output_types = {o.name: o.type for o in session.get_outputs()}
    data_sets = sorted(glob.glob(os.path.join(path, "test_data_set_*")))
    if not data_sets:
        raise Mismatch("no test_data_set_* folder")
    for data_set in data_sets:
        set_name = os.path.basename(data_set)
        count = len(glob.glob(os.path.join(data_set, "input_*.pb")))
        if count > len(graph_inputs):
            raise Mismatch(f"{set_name}: {count} input files but the model has {len(graph_inputs)} inputs")
        feeds = {}
        for index in range(count):
            info = graph_inputs[index]
            value = read_value(os.path.join(data_set, f"input_{index}.pb"), info.type)
            if value[0] == "opt" and value[1] is None:
                continue
            feeds[info.name] = to_feed(value)
        expected = []
        for index in range(len(glob.glob(os.path.join(data_set, "output_*.pb")))):
            if index >= len(graph_outputs):
                raise Mismatch(f"{set_name}: more output files than the model has outputs")
            expected.append(read_value(os.path.join(data_set, f"output_{index}.pb"), graph_outputs[index].type))
        names = [o.name for o in session.get_outputs()]
        try:
            if any(isinstance(v, ort.OrtValue) for v in feeds.values()) or any(
                    output_types[n] in {f"tensor({TYPE_NAMES[t]})" for t in RAW_BITS} for n in names):
                results = run_with_ort_values(session, feeds, names, output_types)
            else:
                results = [from_output(r, session.get_outputs()[i].type)
                           for i, r in enumerate(session.run(names, feeds))]
        except (Skip, Mismatch):
            raise
        except Exception as error:  # noqa: BLE001
            if not_implemented(error):
                raise Skip(f"{set_name}: run: " + first_line(error))
            raise Mismatch(f"{set_name}: run: " + first_line(error))
        if len(results) < len(expected):
            raise Mismatch(f"{set_name}: expected {len(expected)} outputs, got {len(results)}")
        for index, e in enumerate(expected):
            compare(e, results[index], rtol, atol, f"{set_name}: output {index} '{names[index]}'")


def run_with_ort_values(session, feeds, names, output_types):
    ort_feeds = {}
    for name, feed in feeds.items():
        if isinstance(feed, ort.OrtValue):
            ort_feeds[name] = feed
        elif isinstance(feed, np.ndarray):
            ort_feeds[name] = ort.OrtValue.ortvalue_from_numpy(feed)
        else:
            raise Mismatch("the Python API cannot feed a sequence or map next to raw-byte tensors")
    values = session.run_with_ort_values(names, ort_feeds)
    results = []
    for name, value in zip(names, values):
        declared = output_types[name]
        number = ORT_TYPE_NAMES.get(declared)
        if number in RAW_BITS:
            results.append(raw_output(value, number))
        elif value.is_tensor():
            results.append(from_output(value.numpy(), declared))
        else:
            raise Mismatch(f"output '{name}' is a {declared}; the Python API cannot read it as an OrtValue here")
    return results


def first_line(error):
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


# ---------------------------------------------------------------------------------------------------------------
# compare: the two runners' reports -> CONFORMANCE.md
# ---------------------------------------------------------------------------------------------------------------

def skip_group(reason):
    """The same grouping as SkipRule.group(of:) in Swift."""
    for pattern, label in ((r"Could not find an implementation for (\S+\(\d+\))", "no kernel: "),
                           (r"Failed to find kernel for (\S+\(\d+\))", "no kernel: "),
                           (r"([\w.]+:\w+|\w+)\(-?\d+\) is not a registered function/op", "unregistered operator: ")):
        match = re.search(pattern, reason)
        if match:
            return label + match.group(1)
    return reason.split("\n")[0]


def failure_group(reason):
    """A short, runner-independent class for a failure reason."""
    match = re.search(r"element type (\d+), unknown to this package", reason)
    if match:
        # ORT's C API numbers (which differ from TensorProto's after 23).
        name = {"24": "uint2", "25": "int2", "26": "float8e8m0"}.get(match.group(1), "?")
        return f"binding: ElementType has no case for ORT's element type {match.group(1)} ({name})"
    if "outside rtol" in reason:
        return "output values outside the tolerance"
    if "elements differ" in reason:
        return "output values differ (exact comparison)"
    if "expected shape" in reason:
        return "output shape differs"
    if re.search(r"expected (tensor\(|a |an optional)", reason):
        return "output type or structure differs"
    match = re.search(r"Exception during initialization: \S*?([\w.]+\.(?:h|cc)):\d+", reason)
    if match:
        return f"load: kernel constructor failed ({match.group(1)})"
    match = re.search(r"while running (\w+) node", reason)
    if match:
        return f"run: error in the {match.group(1)} node"
    for code in ("INVALID_GRAPH", "INVALID_PROTOBUF", "INVALID_ARGUMENT", "NOT_IMPLEMENTED", "FAIL"):
        if re.search(rf"(\[ORT_{code}\]| : {code} : )", reason):
            return ("load" if reason.startswith("load") else "error") + f": ORT_{code}"
    text = re.sub(r"test_data_set_\d+: ", "", reason)
    text = re.sub(r"'[^']*'", "'…'", text)
    return re.sub(r"\d+", "N", text)[:100]


def load_reports(folder, folders):
    reports = {}
    for runner in ("swift", "python"):
        for name in folders:
            path = os.path.join(folder, f"{runner}-{name}.json")
            if os.path.exists(path):
                with open(path) as f:
                    reports[(runner, name)] = json.load(f)
    return reports


def md_escape(text):
    return text.replace("|", "\\|").replace("\n", " ")


def case_list(names, limit=8):
    shown = ", ".join(f"`{n}`" for n in names[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def compare_reports(arguments):
    reports = load_reports(arguments.reports, arguments.folders)
    missing = [f"{r}-{f}" for r in ("swift", "python") for f in arguments.folders if (r, f) not in reports]
    if missing:
        sys.exit(f"error: missing reports: {', '.join(missing)}")
    swift, python = {}, {}
    for (runner, folder), report in reports.items():
        target = swift if runner == "swift" else python
        for case in report["cases"]:
            target[f"{folder}/{case['name']}"] = case
    names = sorted(set(swift) | set(python))
    python_only = [n for n in names if python.get(n, {}).get("status") == "passed"
                   and swift.get(n, {}).get("status") != "passed"]
    swift_only = [n for n in names if swift.get(n, {}).get("status") == "passed"
                  and python.get(n, {}).get("status") != "passed"]
    first = reports[("swift", arguments.folders[0])]
    python_first = reports[("python", arguments.folders[0])]
    lines = []
    add = lines.append
    add("# ONNX backend conformance")
    add("")
    add("Written by `scripts/conformance.sh`; do not edit by hand. It runs the ONNX backend test cases shipped in the "
        f"`onnx=={arguments.onnx}` wheel (`onnx/backend/test/data/{{{','.join(arguments.folders)}}}`) twice, with "
        "the same case discovery, input feeding, comparison and skip rules:")
    add("")
    add(f"- **Swift**: `ort conformance` — this package's API over ONNX Runtime {first['onnxruntime']} "
        "(the C API, loaded from `.ort/lib`), release build;")
    add(f"- **Python**: `scripts/conformance_python.py` — the `onnxruntime` {python_first['onnxruntime']} Python "
        "package.")
    add("")
    swift_seconds = sum(reports[("swift", f)]["seconds"] for f in arguments.folders)
    python_seconds = sum(reports[("python", f)]["seconds"] for f in arguments.folders)
    add(f"Tolerance: rtol {first['rtol']:g}, atol {first['atol']:g}. Time running the cases: Swift "
        f"{swift_seconds:.1f} s, Python {python_seconds:.1f} s; the whole script (downloads, build, both runs) "
        f"{arguments.elapsed} s.")
    if arguments.locale_note:
        add("")
        add(f"Note: {arguments.locale_note}.")
    add("")
    add("## Totals")
    add("")
    add("| Folder | Cases | Swift passed | Swift failed | Swift skipped | Python passed | Python failed | "
        "Python skipped |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|")
    totals = [0] * 7
    for folder in arguments.folders:
        s, p = reports[("swift", folder)], reports[("python", folder)]
        row = [len(s["cases"]), s["passed"], s["failed"], s["skipped"], p["passed"], p["failed"], p["skipped"]]
        totals = [a + b for a, b in zip(totals, row)]
        add(f"| {folder} | " + " | ".join(str(x) for x in row) + " |")
    add("| **all** | " + " | ".join(f"**{x}**" for x in totals) + " |")
    add("")
    add("## Python passes, Swift does not")
    add("")
    if python_only:
        add("Each of these is a bug or a gap in this package (the script exits non-zero while this list is not "
            "empty):")
        add("")
        add("| Case | Swift | Swift's reason |")
        add("|---|---|---|")
        for n in python_only:
            add(f"| `{n}` | {swift.get(n, {}).get('status', 'missing')} | "
                f"{md_escape(swift.get(n, {}).get('reason', ''))} |")
        if any("unknown to this package" in swift.get(n, {}).get("reason", "") for n in python_only):
            add("")
            add("Element types 24, 25 and 26 are uint2, int2 and float8e8m0 in ONNX Runtime's C API "
                "(`ONNXTensorElementDataType`; ONNX's `TensorProto` numbers them 25, 26 and 24). `ElementType` stops "
                "at float4e2m1 = 23, so `Session(path:)` throws while describing the inputs and outputs of any model "
                "that uses them, before anything runs.")
    else:
        add("None.")
    add("")
    add("## Swift passes, Python does not")
    add("")
    if swift_only:
        add("| Case | Python | Python's reason |")
        add("|---|---|---|")
        for n in swift_only:
            add(f"| `{n}` | {python.get(n, {}).get('status', 'missing')} | "
                f"{md_escape(python.get(n, {}).get('reason', ''))} |")
    else:
        add("None.")
    add("")
    add("## Failures, grouped by reason")
    add("")
    groups = {}
    for runner, results in (("swift", swift), ("python", python)):
        for n, case in results.items():
            if case["status"] == "failed":
                groups.setdefault(failure_group(case["reason"]), {"swift": [], "python": []})[runner].append(n)
    if groups:
        add("| Reason | Swift | Python | Cases |")
        add("|---|---:|---:|---|")
        for group, members in sorted(groups.items(), key=lambda g: (-len(g[1]["swift"]) - len(g[1]["python"]), g[0])):
            cases = sorted(set(members["swift"]) | set(members["python"]))
            add(f"| {md_escape(group)} | {len(members['swift'])} | {len(members['python'])} | "
                f"{case_list(cases, limit=40)} |")
    else:
        add("None.")
    add("")
    add("## Skipped, grouped by reason")
    add("")
    groups = {}
    for runner, results in (("swift", swift), ("python", python)):
        for n, case in results.items():
            if case["status"] == "skipped":
                groups.setdefault(skip_group(case["reason"]), {"swift": [], "python": []})[runner].append(n)
    if groups:
        add("| Reason | Swift | Python | Cases |")
        add("|---|---:|---:|---|")
        for group, members in sorted(groups.items(), key=lambda g: (-len(g[1]["swift"]) - len(g[1]["python"]), g[0])):
            cases = sorted(set(members["swift"]) | set(members["python"]))
            add(f"| {md_escape(group)} | {len(members['swift'])} | {len(members['python'])} | {case_list(cases)} |")
    else:
        add("None.")
    add("")
    add("## Rules")
    add("")
    add("- **Cases**: a folder holding `model.onnx` is a case; a folder of such folders (one or two levels down) "
        "is a set of cases. Every `test_data_set_<n>` of a case must pass.")
    add("- **Inputs**: `input_<i>.pb` feeds the model's `i`-th input (initializers excluded), read as the message "
        "its declared type needs: TensorProto, SequenceProto, MapProto or OptionalProto. An optional holding "
        "nothing is not fed. An empty sequence, which ONNX Runtime's C API cannot build (`CreateValue` needs one "
        "element), is made by running a one-node `SequenceEmpty` model and feeding its output.")
    add("- **Outputs**: `output_<i>.pb`, read by the `i`-th output's declared type, is compared with the `i`-th "
        "output. Element types and shapes must be equal. Floating-point elements pass when `|actual − expected| <= "
        "atol + rtol·|expected|`; NaN equals NaN; an infinity equals only the same infinity. float16, bfloat16, the "
        "float8 formats (float8e8m0 included) and float4e2m1 are decoded exactly and compared the same way. Integers (the 4-bit and 2-bit "
        "ones unpacked), bools and strings (as bytes) must be equal. Sequences are compared element by element, maps "
        "key by key, optionals as none against value.")
    add("- **Skipped** only when ONNX Runtime itself declares it does not implement what the case needs: status "
        "`ORT_NOT_IMPLEMENTED` (no kernel for the operator version and types), at load or run time, or a load error "
        "`Op(-1) is not a registered function/op` (an operator unknown to ORT, such as the "
        "`ai.onnx.preview.training` ones). Everything else — other load or run errors, files that cannot be read or "
        "fed, element types this package cannot represent, different outputs — is **failed**.")
    add("- **Python specifics**: tensors of types NumPy has no dtype for (bfloat16, float8, 4-bit and 2-bit types, "
        "float8e8m0) are fed as raw bytes (`OrtValue.ortvalue_from_numpy_with_onnx_type` for 8- and 16-bit types; "
        "for the packed 4- and 2-bit types, `ortvalue_from_shape_and_type` then `update_inplace` with the packed "
        "bytes) and read back from `run_with_ort_values` as raw bytes, then decoded by the same rules.")
    add("")
    with open(arguments.out, "w") as f:
        f.write("\n".join(lines))
    print(f"wrote {arguments.out}: Python passes and Swift does not: {len(python_only)}; "
          f"Swift passes and Python does not: {len(swift_only)}")
    for n in python_only:
        print(f"  {n}: {swift.get(n, {}).get('status')} ({swift.get(n, {}).get('reason', '')[:160]})")
    return 2 if python_only else 0


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "compare":
        parser = argparse.ArgumentParser(prog="conformance_python.py compare",
                                         description="Compare the reports and write CONFORMANCE.md.")
        parser.add_argument("--reports", required=True, help="folder of {swift,python}-<folder>.json")
        parser.add_argument("--folders", nargs="+", required=True)
        parser.add_argument("--out", required=True)
        parser.add_argument("--elapsed", default="?")
        parser.add_argument("--onnx", default="1.22.0")
        parser.add_argument("--locale-note", default="")
        sys.exit(compare_reports(parser.parse_args(sys.argv[2:])))
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("dirs", nargs="+")
    parser.add_argument("--filter")
    parser.add_argument("--report")
    parser.add_argument("--rtol", type=float, default=1e-3)
    parser.add_argument("--atol", type=float, default=1e-7)
    arguments = parser.parse_args()
    ort.set_default_logger_severity(3)
    cases = find_cases(arguments.dirs, arguments.filter)
    results = []
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    start = time.monotonic()
    for suite, path in cases:
        name = os.path.basename(path)
        status, reason = "passed", ""
        try:
            run_case(path, arguments.rtol, arguments.atol)
        except Skip as skip:
            status, reason = "skipped", str(skip)
        except Mismatch as mismatch:
            status, reason = "failed", str(mismatch)
        except Exception as error:  # noqa: BLE001
            status, reason = "failed", f"{type(error).__name__}: {first_line(error)}"
        counts[status] += 1
        if status == "failed":
            print(f"FAIL {suite}/{name}: {reason}")
        results.append({"name": name, "suite": suite, "status": status, "reason": reason})
    elapsed = time.monotonic() - start
    if arguments.report:
        report = {
            "runner": "python",
            "onnxruntime": ort.__version__,
            "rtol": arguments.rtol,
            "atol": arguments.atol,
            "seconds": round(elapsed, 3),
            "passed": counts["passed"],
            "failed": counts["failed"],
            "skipped": counts["skipped"],
            "cases": results,
        }
        with open(arguments.report, "w") as f:
            json.dump(report, f, indent=2, sort_keys=True)
            f.write("\n")
    print(f"{counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")


if __name__ == "__main__":
    main()
