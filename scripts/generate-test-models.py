#!/usr/bin/env python3
# Generated test models for swift-onnxruntime; written by this project; regenerate with: python scripts/generate-test-models.py
#
# Requirements: onnx, numpy   (onnxruntime only for --verify / --verify-only)
#
# Writes, for every model NAME, Tests/Models/NAME.onnx and Tests/Models/NAME.json
# (test cases: inputs plus expected outputs) and Tests/Models/README.md.
#
# The expected outputs are computed independently of ONNX Runtime: with NumPy,
# or by hand from the bit layouts of the ONNX types (bfloat16, float8, int4 are
# encoded/decoded below with plain integer arithmetic, no ml_dtypes needed).
#
#   python scripts/generate-test-models.py               # (re)write Tests/Models
#   python scripts/generate-test-models.py --verify      # write, then check every
#                                                        # case with onnxruntime
#   python scripts/generate-test-models.py --verify-only # check files on disk
#
# Output is deterministic: the same onnx/numpy versions give byte-identical files.

import argparse
import json
import math
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "Tests", "Models")

IR_VERSION = 10
OPSET = 21          # default domain (ai.onnx)
ML_OPSET = 4        # ai.onnx.ml, matches IR 10 / opset 21 in ONNX's version table
SEED = 0x5EED2024
PRODUCER = "swift-onnxruntime-tests"
PRODUCER_VERSION = "1.0"
MAX_MODEL_BYTES = 10 * 1024

# ---------------------------------------------------------------------------
# dtypes
# ---------------------------------------------------------------------------

# name -> (ONNX element type, numpy dtype used to hold the values / bits)
DTYPES = {
    "float32": (TensorProto.FLOAT, np.float32),
    "float64": (TensorProto.DOUBLE, np.float64),
    "float16": (TensorProto.FLOAT16, np.uint16),          # bits
    "bfloat16": (TensorProto.BFLOAT16, np.uint16),        # bits
    "int8": (TensorProto.INT8, np.int8),
    "int16": (TensorProto.INT16, np.int16),
    "int32": (TensorProto.INT32, np.int32),
    "int64": (TensorProto.INT64, np.int64),
    "uint8": (TensorProto.UINT8, np.uint8),
    "uint16": (TensorProto.UINT16, np.uint16),
    "uint32": (TensorProto.UINT32, np.uint32),
    "uint64": (TensorProto.UINT64, np.uint64),
    "bool": (TensorProto.BOOL, np.bool_),
    "string": (TensorProto.STRING, object),
    "float8e4m3fn": (TensorProto.FLOAT8E4M3FN, np.uint8),  # bits
    "float8e4m3fnuz": (TensorProto.FLOAT8E4M3FNUZ, np.uint8),
    "float8e5m2": (TensorProto.FLOAT8E5M2, np.uint8),
    "float8e5m2fnuz": (TensorProto.FLOAT8E5M2FNUZ, np.uint8),
    "int4": (TensorProto.INT4, np.int8),                   # element values
    "uint4": (TensorProto.UINT4, np.uint8),
}
FLOAT8 = ("float8e4m3fn", "float8e4m3fnuz", "float8e5m2", "float8e5m2fnuz")
BITS16 = ("float16", "bfloat16")
INT4 = ("int4", "uint4")
INTS = ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")

# ---------------------------------------------------------------------------
# Deterministic pseudo random numbers (SplitMix64, independent of numpy's RNG)
# ---------------------------------------------------------------------------


class SplitMix64:
    def __init__(self, seed):
        self.state = seed & 0xFFFFFFFFFFFFFFFF

    def next_u64(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
        return z ^ (z >> 31)

    def ints(self, n, lo, hi):
        """n integers uniformly in [lo, hi]."""
        span = hi - lo + 1
        return [lo + self.next_u64() % span for _ in range(n)]

    def grid(self, n, lo, hi, denom):
        """n float32 values k/denom with k in [lo, hi] (exact in float32)."""
        return np.array([k / denom for k in self.ints(n, lo, hi)], dtype=np.float32)


RNG = SplitMix64(SEED)

# ---------------------------------------------------------------------------
# Bit-level helpers for the types numpy lacks
# ---------------------------------------------------------------------------


def f16_bits_to_float(bits):
    return np.asarray(bits, dtype=np.uint16).view(np.float16).astype(np.float64)


def bf16_bits_to_float(bits):
    b = np.asarray(bits, dtype=np.uint16).astype(np.uint32) << np.uint32(16)
    return b.view(np.float32).astype(np.float64)


def float_to_bf16_bits(x):
    """float32 -> bfloat16 bits, round to nearest, ties to even (by hand)."""
    u = np.asarray(x, dtype=np.float32).view(np.uint32).astype(np.uint64)
    nan = np.isnan(np.asarray(x, dtype=np.float32))
    lsb = (u >> np.uint64(16)) & np.uint64(1)
    r = ((u + np.uint64(0x7FFF) + lsb) >> np.uint64(16)) & np.uint64(0xFFFF)
    r = np.where(nan, (u >> np.uint64(16)) | np.uint64(0x0040), r)
    return r.astype(np.uint16)


# float8 formats: exponent bits, mantissa bits, bias, style
F8_FORMATS = {
    "float8e4m3fn": (4, 3, 7, "fn"),       # no inf, NaN = S.1111.111, has -0
    "float8e4m3fnuz": (4, 3, 8, "fnuz"),   # no inf, no -0, NaN = 0x80
    "float8e5m2": (5, 2, 15, "ieee"),      # IEEE-like: inf and NaN, has -0
    "float8e5m2fnuz": (5, 2, 16, "fnuz"),  # no inf, no -0, NaN = 0x80
}


def f8_decode(fmt, b):
    """Decode one float8 byte by hand. Returns a Python float (nan / inf possible)."""
    ebits, mbits, bias, style = F8_FORMATS[fmt]
    b = int(b)
    sign = -1.0 if b & 0x80 else 1.0
    e = (b >> mbits) & ((1 << ebits) - 1)
    m = b & ((1 << mbits) - 1)
    if style == "fnuz" and b == 0x80:
        return math.nan
    if style == "fn" and (b & 0x7F) == 0x7F:
        return math.nan
    if style == "ieee" and e == (1 << ebits) - 1:
        return sign * math.inf if m == 0 else math.nan
    if e == 0:
        mag = m * 2.0 ** (1 - bias - mbits)
    else:
        mag = (1.0 + m / (1 << mbits)) * 2.0 ** (e - bias)
    return sign * mag


def f8_decode_array(fmt, bits):
    return np.array([f8_decode(fmt, b) for b in np.asarray(bits).ravel()], dtype=np.float64)


def f8_encode_exact(fmt, values):
    """Encode floats that are exactly representable in the float8 format."""
    table = {}
    for code in range(256):
        v = f8_decode(fmt, code)
        if math.isnan(v):
            continue
        key = (v, math.copysign(1.0, v))
        table.setdefault(key, code)
    out = []
    for v in np.asarray(values, dtype=np.float64).ravel():
        key = (float(v), math.copysign(1.0, float(v)))
        if key not in table:
            raise ValueError(f"{v!r} is not exactly representable in {fmt}")
        out.append(table[key])
    return np.array(out, dtype=np.uint8)


def pack_int4(values):
    """ONNX int4/uint4 layout: element 2i in the low nibble, 2i+1 in the high nibble."""
    v = [int(x) & 0xF for x in np.asarray(values).ravel()]
    if len(v) % 2:
        v.append(0)
    return [v[i] | (v[i + 1] << 4) for i in range(0, len(v), 2)]


def unpack_int4(packed, count, signed):
    out = []
    for i in range(count):
        nib = (packed[i // 2] >> (4 * (i % 2))) & 0xF
        if signed and nib >= 8:
            nib -= 16
        out.append(nib)
    return out


# ---------------------------------------------------------------------------
# Test values: tensors, sequences, maps, optionals
# ---------------------------------------------------------------------------


class Tensor:
    """A tensor value. `values` holds: natural values for float32/float64/ints/
    bool/string, bit patterns for float16/bfloat16/float8, element values for
    int4/uint4."""

    def __init__(self, dtype, shape, values):
        self.dtype = dtype
        self.shape = list(shape)
        np_dtype = DTYPES[dtype][1]
        if dtype == "string":
            arr = np.empty(len(values), dtype=object)
            arr[:] = list(values)
        else:
            arr = np.asarray(values, dtype=np_dtype).ravel()
        assert arr.size == int(np.prod(self.shape, dtype=np.int64)), (dtype, shape, arr.size)
        self.values = arr.reshape(self.shape)

    def decoded(self):
        """Numeric value of bit-typed tensors as float64 (NaN possible)."""
        flat = self.values.ravel()
        if self.dtype == "float16":
            return f16_bits_to_float(flat)
        if self.dtype == "bfloat16":
            return bf16_bits_to_float(flat)
        if self.dtype in FLOAT8:
            return f8_decode_array(self.dtype, flat)
        raise TypeError(self.dtype)

    def to_json(self):
        d = {"dtype": self.dtype, "shape": self.shape}
        flat = self.values.ravel()
        if self.dtype in ("float32", "float64"):
            assert np.all(np.isfinite(flat)), "keep float JSON plain"
            d["data"] = [float(x) for x in flat]
        elif self.dtype in INTS or self.dtype in INT4:
            d["data"] = [int(x) for x in flat]
        elif self.dtype == "bool":
            d["data"] = [bool(x) for x in flat]
        elif self.dtype == "string":
            d["data"] = [str(x) for x in flat]
        elif self.dtype in BITS16 or self.dtype in FLOAT8:
            dec = self.decoded()
            assert not np.any(np.isinf(dec)), "keep float JSON plain"
            d["data"] = [None if math.isnan(x) else float(x) for x in dec]
            d["bits"] = [int(x) for x in flat]
        else:
            raise TypeError(self.dtype)
        if self.dtype in INT4:
            d["packed"] = pack_int4(flat)
        return d


class Seq:
    def __init__(self, elements):
        self.elements = list(elements)

    def to_json(self):
        return {"dtype": "seq", "elements": [e.to_json() for e in self.elements]}


class Map:
    def __init__(self, key_dtype, value_dtype, keys, values):
        self.key_dtype, self.value_dtype = key_dtype, value_dtype
        self.keys, self.values = list(keys), list(values)

    def to_json(self):
        keys = [int(k) for k in self.keys] if self.key_dtype == "int64" else [str(k) for k in self.keys]
        return {"dtype": "map", "key_dtype": self.key_dtype, "value_dtype": self.value_dtype,
                "keys": keys, "values": [float(np.float32(v)) for v in self.values]}


class Optional:
    def __init__(self, element):
        self.element = element

    def to_json(self):
        return {"dtype": "optional", "element": None if self.element is None else self.element.to_json()}


def T(dtype, shape, values):
    return Tensor(dtype, shape, values)


def case(name, inputs, outputs):
    return {"name": name,
            "inputs": {k: v.to_json() for k, v in inputs.items()},
            "outputs": {k: v.to_json() for k, v in outputs.items()}}


# ---------------------------------------------------------------------------
# ONNX building helpers
# ---------------------------------------------------------------------------


def tinfo(name, dtype, shape):
    return helper.make_tensor_value_info(name, DTYPES[dtype][0], shape)


def init(name, dtype, shape, values):
    arr = np.asarray(values, dtype=DTYPES[dtype][1]).reshape(shape)
    return onnx.numpy_helper.from_array(arr, name)


def make_model(name, nodes, inputs, outputs, initializers=(), doc="", ml=False, **meta):
    graph = helper.make_graph(nodes, meta.pop("graph_name", name), inputs, outputs,
                              initializer=list(initializers), doc_string=meta.pop("graph_doc", doc))
    opsets = [helper.make_opsetid("", OPSET)]
    if ml:
        opsets.append(helper.make_opsetid("ai.onnx.ml", ML_OPSET))
    model = helper.make_model(graph, opset_imports=opsets, ir_version=IR_VERSION,
                              producer_name=PRODUCER, producer_version=PRODUCER_VERSION)
    for key, value in meta.items():
        if key == "metadata_props":
            helper.set_model_props(model, value)
        else:
            setattr(model, key, value)
    onnx.checker.check_model(model, full_check=True)
    return model


MODELS = []   # (name, model, cases, rtol, atol, summary)


def register(name, model, cases, rtol=0.0, atol=0.0, note=""):
    MODELS.append({"name": name, "model": model, "cases": cases, "rtol": rtol, "atol": atol, "note": note})


# ---------------------------------------------------------------------------
# Models
# ---------------------------------------------------------------------------


def build_add_f32():
    model = make_model(
        "add_f32",
        [helper.make_node("Add", ["A", "B"], ["C"])],
        [tinfo("A", "float32", ["N", 3]), tinfo("B", "float32", ["N", 3])],
        [tinfo("C", "float32", ["N", 3])],
        graph_name="add_graph",
        graph_doc="Adds two float tensors.",
        doc_string="A tiny Add model for metadata tests.",
        domain="org.swift-onnxruntime.tests",
        model_version=7,
        metadata_props={"author": "swift-onnxruntime", "purpose": "metadata test"},
    )
    cases = []
    for n in (2, 1):
        a = RNG.grid(n * 3, -64, 64, 8)
        b = RNG.grid(n * 3, -64, 64, 8)
        cases.append(case(f"n{n}", {"A": T("float32", [n, 3], a), "B": T("float32", [n, 3], b)},
                          {"C": T("float32", [n, 3], a + b)}))
    register("add_f32", model, cases, note="carries full model metadata (see below)")


# Add operands per dtype: (x, y); the sums never overflow.
ADD_VALUES = {
    "float64": ([1e300, -0.0, 0.1, 5e-324, -2.5, 123456789.125],
                [1e300, -0.0, 0.2, 5e-324, 1.25, -0.125]),
    "int8": ([-128, 127, 0, -1, 100, -100], [127, -128, 0, 1, 27, -28]),
    "int16": ([-32768, 32767, 0, -1, 30000, -30000], [32767, -32768, 0, 1, 2767, -2768]),
    "int32": ([-2**31, 2**31 - 1, 0, -1, 2**30, -2**30],
              [2**31 - 1, -2**31, 0, 1, 2**30 - 1, -2**30]),
    "int64": ([-2**63, 2**63 - 2, 2**53 + 1, -(2**53) - 1, 9007199254740993, 0],
              [2**63 - 1, 1, 2, -2, 1234567890123456789, -1]),
    "uint8": ([0, 255, 254, 1, 128, 100], [0, 0, 1, 254, 127, 55]),
    "uint16": ([0, 65535, 65534, 1, 32768, 1000], [0, 0, 1, 65534, 32767, 55]),
    "uint32": ([0, 2**32 - 1, 2**32 - 2, 1, 2**31, 123456789], [0, 0, 1, 2**32 - 2, 2**31 - 1, 987654321]),
    "uint64": ([0, 2**64 - 1, 2**64 - 2, 2**53 + 1, 2**63, 1], [0, 0, 1, 2, 2**63 - 1, 2**64 - 2]),
}


def build_add_typed():
    for dtype in ["float64", "float16", "int32", "int64", "uint32", "uint64", "int8", "int16", "uint8", "uint16"]:
        model = make_model(f"add_{dtype}", [helper.make_node("Add", ["x", "y"], ["z"])],
                           [tinfo("x", dtype, [2, 3]), tinfo("y", dtype, [2, 3])],
                           [tinfo("z", dtype, [2, 3])], doc=f"z = x + y ({dtype})")
        if dtype == "float16":
            xf = np.array([65504.0, -0.0, 0.1, 5.960464477539063e-08, 1.0, 2049.0], dtype=np.float16)
            yf = np.array([-65504.0, -0.0, 0.2, 5.960464477539063e-08, 0.0004883, 1.0], dtype=np.float16)
            zf = (xf + yf).astype(np.float16)   # numpy float16 add: exact sum, rounded to nearest even
            x, y, z = (T("float16", [2, 3], a.view(np.uint16)) for a in (xf, yf, zf))
        else:
            npdt = DTYPES[dtype][1]
            xv, yv = ADD_VALUES[dtype]
            xa, ya = np.array(xv, dtype=npdt), np.array(yv, dtype=npdt)
            with np.errstate(over="raise"):
                za = xa + ya
            if dtype in INTS:   # double-check no wrap-around with Python big ints
                assert [int(a) + int(b) for a, b in zip(xv, yv)] == [int(c) for c in za]
            x, y, z = T(dtype, [2, 3], xa), T(dtype, [2, 3], ya), T(dtype, [2, 3], za)
        register(f"add_{dtype}", model, [case("extremes", {"x": x, "y": y}, {"z": z})])


IDENTITY_VALUES = {
    "float32": [-0.0, 3.4028234663852886e38, 1.1754943508222875e-38, 1.401298464324817e-45, -1.5,
                float(np.float32(0.1))],
    "float64": [-0.0, 1.7976931348623157e308, 2.2250738585072014e-308, 5e-324, -1.5, 0.1],
    # bit patterns: -0, max, min subnormal, min normal, -max, ~1/3
    "float16": [0x8000, 0x7BFF, 0x0001, 0x0400, 0xFBFF, 0x3555],
    # -0, max, min subnormal, min normal, -1.5, ~0.2
    "bfloat16": [0x8000, 0x7F7F, 0x0001, 0x0080, 0xBFC0, 0x3E4D],
    "int8": [-128, 127, 0, -1, 1, 42],
    "int16": [-32768, 32767, 0, -1, 1, 4242],
    "int32": [-2**31, 2**31 - 1, 0, -1, 1, 424242],
    "int64": [-2**63, 2**63 - 1, 0, -1, 2**53 + 1, -(2**53) - 3],
    "uint8": [0, 255, 1, 128, 127, 42],
    "uint16": [0, 65535, 1, 32768, 32767, 4242],
    "uint32": [0, 2**32 - 1, 1, 2**31, 2**31 - 1, 424242],
    "uint64": [0, 2**64 - 1, 1, 2**63, 2**53 + 1, 2**63 - 1],
    "bool": [True, False, False, True, True, False],
    "string": ["", "hello", "h\u00e9llo \u2713", "".join(chr(ord("a") + i % 26) for i in range(300)),
               "emoji \U0001F680", "quote\" back\\slash\ttab"],
    # float8 bit patterns: (negative) zero, max, -max, min subnormal, NaN, 1.0
    "float8e4m3fn": [0x80, 0x7E, 0xFE, 0x01, 0x7F, 0x38],
    "float8e4m3fnuz": [0x00, 0x7F, 0xFF, 0x01, 0x80, 0x40],
    "float8e5m2": [0x80, 0x7B, 0xFB, 0x01, 0x7F, 0x3C],
    "float8e5m2fnuz": [0x00, 0x7F, 0xFF, 0x01, 0x80, 0x40],
    "int4": [-8, 7, 0, -1, 1, 5],
    "uint4": [0, 15, 1, 8, 7, 10],
}


def identity_model(name, dtype, shape):
    if dtype in INT4:
        # ORT 1.32 has no CPU Identity kernel for int4/uint4; Cast to the same
        # type is an identity by definition and ORT implements it.
        node = helper.make_node("Cast", ["x"], ["y"], to=DTYPES[dtype][0])
        doc = f"y = x ({dtype}); uses Cast(to={dtype}) because ORT lacks an int4 Identity kernel"
    else:
        node = helper.make_node("Identity", ["x"], ["y"])
        doc = f"y = x ({dtype})"
    return make_model(name, [node], [tinfo("x", dtype, shape)], [tinfo("y", dtype, shape)], doc=doc)


def build_identity():
    for dtype in DTYPES:
        model = identity_model(f"identity_{dtype}", dtype, [2, 3])
        t = T(dtype, [2, 3], IDENTITY_VALUES[dtype])
        register(f"identity_{dtype}", model, [case("interesting", {"x": t}, {"y": t})])
    for dtype, vals in (("int4", [-8, 7, -1, 3, 0]), ("uint4", [15, 0, 9, 6, 1])):
        model = identity_model(f"identity_{dtype}_odd", dtype, ["N"])
        cases = []
        for label, v in (("n5", vals), ("n1", vals[:1]), ("n6", vals + vals[:1]), ("empty", [])):
            t = T(dtype, [len(v)], v)
            cases.append(case(label, {"x": t}, {"y": t}))
        register(f"identity_{dtype}_odd", model, cases,
                 note="odd/even/empty element counts (padding nibble)")


def build_cast_to_float():
    def cast_model(dtype):
        return make_model(f"cast_to_float_{dtype}", [helper.make_node("Cast", ["x"], ["y"], to=TensorProto.FLOAT)],
                          [tinfo("x", dtype, ["N"])], [tinfo("y", "float32", ["N"])],
                          doc=f"y = Cast<float>(x), x: {dtype}")

    def finite_case(name, dtype, bits):
        x = T(dtype, [len(bits)], bits)
        dec = x.decoded()
        assert np.all(np.isfinite(dec))
        y = dec.astype(np.float32)
        assert np.array_equal(y.astype(np.float64), dec)   # every input is exactly a float32
        return case(name, {"x": x}, {"y": T("float32", [len(bits)], y)})

    f16 = [0x0000, 0x8000, 0x3C00, 0xBC00, 0x3555, 0x7BFF, 0xFBFF, 0x0001, 0x8001, 0x03FF, 0x0400,
           0x4248, 0x5640, 0xC4D2, 0x2E66, 0x7800]
    register("cast_to_float_float16", cast_model("float16"), [finite_case("values", "float16", f16)])

    bf16 = [0x0000, 0x8000, 0x3F80, 0xBF80, 0x3EAB, 0x7F7F, 0xFF7F, 0x0001, 0x8001, 0x007F, 0x0080,
            0x4049, 0x4700, 0xC2F7, 0x3DCD, 0x5F00]
    register("cast_to_float_bfloat16", cast_model("bfloat16"), [finite_case("values", "bfloat16", bf16)])

    for fmt in ("float8e4m3fn", "float8e5m2"):
        codes = [c for c in range(256) if math.isfinite(f8_decode(fmt, c))]
        register(f"cast_to_float_{fmt}", cast_model(fmt),
                 [finite_case("all_finite_codes", fmt, codes), finite_case("few", fmt, codes[:3])],
                 note=f"{len(codes)} finite codes (NaN/inf excluded)")

    for dtype, lo in (("int4", -8), ("uint4", 0)):
        cases = []
        for label, vals in (("all16", list(range(lo, lo + 16))), ("odd5", [lo + 15, lo, lo + 3, lo + 12, lo + 7])):
            x = T(dtype, [len(vals)], vals)
            cases.append(case(label, {"x": x}, {"y": T("float32", [len(vals)], np.array(vals, dtype=np.float32))}))
        register(f"cast_to_float_{dtype}", cast_model(dtype), cases)

    b = [True, False, True, True, False]
    register("cast_to_float_bool", cast_model("bool"),
             [case("values", {"x": T("bool", [5], b)}, {"y": T("float32", [5], np.array(b, dtype=np.float32))})])


def build_cast_from_float():
    def cast_model(dtype):
        return make_model(f"cast_from_float_{dtype}", [helper.make_node("Cast", ["x"], ["y"], to=DTYPES[dtype][0])],
                          [tinfo("x", "float32", ["N"])], [tinfo("y", dtype, ["N"])],
                          doc=f"y = Cast<{dtype}>(x), x: float32")

    # float16: exactly representable values, then values that need round-to-nearest-even.
    exact = [0.0, -0.0, 1.0, -2.5, 0.333251953125, 65504.0, -65504.0, 5.960464477539063e-08, 6.103515625e-05, 1023.5]
    rounding = [float(np.float32(0.1)), 1.0 + 2.0**-11, 1.0 + 3 * 2.0**-11, 65519.0, 2049.0, 2051.0, -3.0e-08, 1024.5]
    cases = []
    for label, vals in (("exact", exact), ("round_nearest_even", rounding)):
        x = np.array(vals, dtype=np.float32)
        bits = x.astype(np.float16).view(np.uint16)     # numpy: round to nearest even
        if label == "exact":
            assert np.array_equal(f16_bits_to_float(bits), x.astype(np.float64))
        cases.append(case(label, {"x": T("float32", [len(vals)], x)}, {"y": T("float16", [len(vals)], bits)}))
    register("cast_from_float_float16", cast_model("float16"), cases)

    exact = [0.0, -0.0, 1.0, -2.5, 3.3895313892515355e38, -1.5, 9.183549615799121e-41, 1.1754943508222875e-38,
             0.1875, 65536.0]
    rounding = [float(np.float32(0.1)), 1.0 + 2.0**-8, 1.0 + 3 * 2.0**-8, float(np.float32(3.14159265)),
                -1.00390625, 1.0 + 2.0**-8 + 2.0**-20]
    cases = []
    for label, vals in (("exact", exact), ("round_nearest_even", rounding)):
        x = np.array(vals, dtype=np.float32)
        bits = float_to_bf16_bits(x)
        if label == "exact":
            assert np.array_equal(bf16_bits_to_float(bits), x.astype(np.float64))
        cases.append(case(label, {"x": T("float32", [len(vals)], x)}, {"y": T("bfloat16", [len(vals)], bits)}))
    register("cast_from_float_bfloat16", cast_model("bfloat16"), cases)

    vals = [0.0, -0.0, 1.0, -1.0, 448.0, -448.0, 2.0**-9, 0.875, 3.5, -26.0, 240.0, 0.01953125]
    x = np.array(vals, dtype=np.float32)
    bits = f8_encode_exact("float8e4m3fn", x)
    register("cast_from_float_float8e4m3fn", cast_model("float8e4m3fn"),
             [case("exact", {"x": T("float32", [len(vals)], x)}, {"y": T("float8e4m3fn", [len(vals)], bits)})],
             note="exactly representable values only")

    cases = []
    for label, vals in (("all16", list(range(-8, 8))), ("odd5", [7, -8, -1, 0, 3])):
        x = np.array(vals, dtype=np.float32)
        cases.append(case(label, {"x": T("float32", [len(vals)], x)}, {"y": T("int4", [len(vals)], vals)}))
    register("cast_from_float_int4", cast_model("int4"), cases, note="integral values in [-8, 7] only")


def build_scalars():
    model = make_model("scalar_mul", [helper.make_node("Mul", ["x", "k"], ["y"])],
                       [tinfo("x", "float32", [])], [tinfo("y", "float32", [])],
                       [init("k", "float32", [], 2.5)], doc="y = x * 2.5 (rank 0)")
    cases = [case(f"x{i}", {"x": T("float32", [], [v])}, {"y": T("float32", [], np.float32(v) * np.float32(2.5))})
             for i, v in enumerate([1.5, -4.0, 0.0])]
    register("scalar_mul", model, cases)

    model = make_model("scalar_int64", [helper.make_node("Add", ["x", "one"], ["y"])],
                       [tinfo("x", "int64", [])], [tinfo("y", "int64", [])],
                       [init("one", "int64", [], 1)], doc="y = x + 1 (rank 0, int64)")
    cases = [case(f"x{i}", {"x": T("int64", [], [v])}, {"y": T("int64", [], [v + 1])})
             for i, v in enumerate([41, 2**53, -2**63, 2**63 - 2])]
    register("scalar_int64", model, cases)


def build_empty():
    model = make_model("empty", [helper.make_node("Add", ["x", "one"], ["y"])],
                       [tinfo("x", "float32", ["N", 3])], [tinfo("y", "float32", ["N", 3])],
                       [init("one", "float32", [], 1.0)], doc="y = x + 1")
    x2 = RNG.grid(6, -40, 40, 4)
    cases = [case("n0", {"x": T("float32", [0, 3], [])}, {"y": T("float32", [0, 3], [])}),
             case("n2", {"x": T("float32", [2, 3], x2)}, {"y": T("float32", [2, 3], x2 + np.float32(1))})]
    register("empty", model, cases)


def build_multi_out():
    nodes = [helper.make_node("Add", ["x", "one"], ["plus1"]),
             helper.make_node("Mul", ["x", "two"], ["times2"]),
             helper.make_node("ReduceSum", ["x"], ["total"], keepdims=0),
             helper.make_node("ArgMax", ["x"], ["argmax"], axis=1, keepdims=0)]
    model = make_model("multi_out", nodes, [tinfo("x", "float32", [2, 3])],
                       [tinfo("plus1", "float32", [2, 3]), tinfo("times2", "float32", [2, 3]),
                        tinfo("total", "float32", []), tinfo("argmax", "int64", [2])],
                       [init("one", "float32", [], 1.0), init("two", "float32", [], 2.0)],
                       doc="four outputs of different shape/type")
    while True:   # draw until no row has a tied maximum
        x = RNG.grid(6, -32, 32, 8).reshape(2, 3)
        if all(np.sum(row == row.max()) == 1 for row in x):
            break
    outs = {"plus1": T("float32", [2, 3], x + np.float32(1)),
            "times2": T("float32", [2, 3], x * np.float32(2)),
            "total": T("float32", [], [x.astype(np.float64).sum()]),
            "argmax": T("int64", [2], np.argmax(x, axis=1))}
    register("multi_out", model, [case("basic", {"x": T("float32", [2, 3], x)}, outs)])


def build_string_ops():
    nodes = [helper.make_node("StringConcat", ["a", "b"], ["joined"]),
             helper.make_node("Equal", ["a", "b"], ["same"])]
    model = make_model("string_ops", nodes, [tinfo("a", "string", ["N"]), tinfo("b", "string", ["N"])],
                       [tinfo("joined", "string", ["N"]), tinfo("same", "bool", ["N"])],
                       doc="joined = StringConcat(a, b); same = Equal(a, b)")
    long = "x" * 300
    a = ["foo", "", "h\u00e9llo \u2713", long, "same", "\U0001F680"]
    b = ["bar", "", "h\u00e9llo \u2713", "!", "same ", "\u2713"]
    cases = []
    for label, (aa, bb) in (("n6", (a, b)), ("empty", ([], []))):
        n = len(aa)
        cases.append(case(label, {"a": T("string", [n], aa), "b": T("string", [n], bb)},
                          {"joined": T("string", [n], [p + q for p, q in zip(aa, bb)]),
                           "same": T("bool", [n], [p == q for p, q in zip(aa, bb)])}))
    register("string_ops", model, cases)


def build_dynamic_matmul():
    w = RNG.grid(8, -16, 16, 8).reshape(4, 2)
    b = RNG.grid(2, -16, 16, 8)
    x_info = tinfo("x", "float32", ["batch", 4])
    x_info.type.tensor_type.shape.dim[0].denotation = "DATA_BATCH"
    y_info = tinfo("y", "float32", ["batch", 2])
    nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["y"])]
    model = make_model("dynamic_matmul", nodes, [x_info], [y_info],
                       [init("W", "float32", [4, 2], w), init("b", "float32", [2], b)],
                       doc="y = x @ W + b; W, b are initializers")
    cases = []
    for n in (1, 3):
        x = RNG.grid(n * 4, -16, 16, 4).reshape(n, 4)
        y = (x.astype(np.float64) @ w.astype(np.float64) + b).astype(np.float32)   # exact: small dyadic values
        cases.append(case(f"batch{n}", {"x": T("float32", [n, 4], x)}, {"y": T("float32", [n, 2], y)}))
    register("dynamic_matmul", model, cases)


def build_overridable_init():
    default = np.array([1, 2, 3], dtype=np.float32)
    model = make_model("overridable_init", [helper.make_node("Mul", ["x", "scale"], ["y"])],
                       [tinfo("x", "float32", [3]), tinfo("scale", "float32", [3])],
                       [tinfo("y", "float32", [3])], [init("scale", "float32", [3], default)],
                       doc="y = x * scale; scale is an initializer that is also a graph input")
    x = np.array([0.5, -1.25, 4.0], dtype=np.float32)
    fed = np.array([10, 20, 30], dtype=np.float32)
    cases = [case("default_scale", {"x": T("float32", [3], x)}, {"y": T("float32", [3], x * default)}),
             case("fed_scale", {"x": T("float32", [3], x), "scale": T("float32", [3], fed)},
                  {"y": T("float32", [3], x * fed)})]
    register("overridable_init", model, cases, note="scale: overridable initializer (default [1,2,3])")


def build_sequences():
    seq_t = helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, [2]))
    model = make_model("sequence_out", [helper.make_node("SequenceConstruct", ["x", "y"], ["out"])],
                       [tinfo("x", "float32", [2]), tinfo("y", "float32", [2])],
                       [helper.make_value_info("out", seq_t)], doc="out = SequenceConstruct(x, y)")
    x, y = RNG.grid(2, -20, 20, 4), RNG.grid(2, -20, 20, 4)
    register("sequence_out", model,
             [case("basic", {"x": T("float32", [2], x), "y": T("float32", [2], y)},
                   {"out": Seq([T("float32", [2], x), T("float32", [2], y)])})])

    seq_in = helper.make_sequence_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, [None]))
    model = make_model("sequence_in", [helper.make_node("ConcatFromSequence", ["s"], ["t"], axis=0)],
                       [helper.make_value_info("s", seq_in)], [tinfo("t", "float32", [None])],
                       doc="t = ConcatFromSequence(s, axis=0)")
    cases = []
    for label, sizes in (("two", (2, 3)), ("one", (4,)), ("three_with_empty", (1, 0, 2))):
        elems = [RNG.grid(k, -20, 20, 4) for k in sizes]
        total = np.concatenate(elems).astype(np.float32)
        cases.append(case(label, {"s": Seq([T("float32", [len(e)], e) for e in elems])},
                          {"t": T("float32", [len(total)], total)}))
    register("sequence_in", model, cases)


def build_zipmap():
    for name, attr, labels, key_dtype, ktype in (
            ("zipmap", "classlabels_int64s", [10, 20, 30], "int64", TensorProto.INT64),
            ("zipmap_strings", "classlabels_strings", ["a", "b", "c"], "string", TensorProto.STRING)):
        map_t = helper.make_map_type_proto(ktype, helper.make_tensor_type_proto(TensorProto.FLOAT, None))
        node = helper.make_node("ZipMap", ["x"], ["z"], domain="ai.onnx.ml", **{attr: labels})
        model = make_model(name, [node], [tinfo("x", "float32", ["N", 3])],
                           [helper.make_value_info("z", helper.make_sequence_type_proto(map_t))],
                           ml=True, doc=f"z = ZipMap(x, {attr}={labels})")
        x = RNG.grid(6, 0, 16, 16).reshape(2, 3)
        maps = [Map(key_dtype, "float32", labels, row) for row in x]
        register(name, model, [case("n2", {"x": T("float32", [2, 3], x)}, {"z": Seq(maps)})],
                 note="ai.onnx.ml opset %d" % ML_OPSET)


def build_optional():
    opt_t = helper.make_optional_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, [2]))
    model = make_model("optional_io", [helper.make_node("OptionalHasElement", ["o"], ["has_value"])],
                       [helper.make_value_info("o", opt_t)], [tinfo("has_value", "bool", [])],
                       doc="has_value = OptionalHasElement(o)")
    v = np.array([1.5, -2.0], dtype=np.float32)
    register("optional_io", model, [
        case("with_value", {"o": Optional(T("float32", [2], v))}, {"has_value": T("bool", [], [True])}),
        case("none", {"o": Optional(None)}, {"has_value": T("bool", [], [False])})],
        note="element null = do not feed the input")

    model = make_model("optional_out", [helper.make_node("Optional", ["x"], ["out"])],
                       [tinfo("x", "float32", [2])], [helper.make_value_info("out", opt_t)],
                       doc="out = Optional(x)")
    register("optional_out", model, [case("basic", {"x": T("float32", [2], v)},
                                          {"out": Optional(T("float32", [2], v))})])


SLOW_N = 64   # state is [64, 64]; each iteration is one [64,64] x [64,64] MatMul + Tanh


def slow_loop_weights():
    i = np.arange(SLOW_N, dtype=np.int64)
    k = (i[:, None] * 37 + i[None, :] * 11) % 29 - 14
    return k.astype(np.float32) * np.float32(1.0 / 64.0)


def build_slow_loop():
    c = lambda name, dtype, v, shape=(): init(name, dtype, list(shape), v)  # noqa: E731
    inits = [c("c0", "int64", 0), c("cn", "int64", SLOW_N), c("c1", "int64", 1), c("c37", "int64", 37),
             c("c11", "int64", 11), c("c29", "int64", 29), c("c14", "int64", 14), c("ax1", "int64", [1], [1]),
             c("inv64", "float32", 1.0 / 64.0)]
    nodes = [
        # W[i, j] = ((37 i + 11 j) mod 29 - 14) / 64, computed in the graph to keep the file tiny
        helper.make_node("Range", ["c0", "cn", "c1"], ["ar"]),
        helper.make_node("Unsqueeze", ["ar", "ax1"], ["col"]),
        helper.make_node("Mul", ["col", "c37"], ["i37"]),
        helper.make_node("Mul", ["ar", "c11"], ["j11"]),
        helper.make_node("Add", ["i37", "j11"], ["ij"]),
        helper.make_node("Mod", ["ij", "c29"], ["m29"]),
        helper.make_node("Sub", ["m29", "c14"], ["centered"]),
        helper.make_node("Cast", ["centered"], ["wf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["wf", "inv64"], ["W"]),
        # state0 = tanh(W * x)  (x broadcast over rows)
        helper.make_node("Mul", ["W", "x"], ["wx"]),
        helper.make_node("Tanh", ["wx"], ["state0"]),
    ]
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("MatMul", ["state_in", "W"], ["mm"]),
         helper.make_node("Tanh", ["mm"], ["state_out"])],
        "slow_loop_body",
        [tinfo("iter", "int64", []), tinfo("cond_in", "bool", []), tinfo("state_in", "float32", [SLOW_N, SLOW_N])],
        [tinfo("cond_out", "bool", []), tinfo("state_out", "float32", [SLOW_N, SLOW_N])])
    nodes.append(helper.make_node("Loop", ["iterations", "", "state0"], ["y"], body=body))
    model = make_model("slow_loop", nodes, [tinfo("iterations", "int64", []), tinfo("x", "float32", [SLOW_N])],
                       [tinfo("y", "float32", [SLOW_N, SLOW_N])], inits,
                       doc="y = state after `iterations` steps of state = tanh(state @ W)")

    w = slow_loop_weights().astype(np.float64)
    x = RNG.grid(SLOW_N, -32, 32, 16)
    cases = []
    for iters in (3,):
        s = np.tanh(w * x.astype(np.float64))
        for _ in range(iters):
            s = np.tanh(s @ w)
        cases.append(case(f"iterations{iters}", {"iterations": T("int64", [], [iters]), "x": T("float32", [SLOW_N], x)},
                          {"y": T("float32", [SLOW_N, SLOW_N], s.astype(np.float32))}))
    register("slow_loop", model, cases, rtol=1e-4, atol=1e-5,
             note="about 100000 iterations take ~1 s on one core; for cancellation tests")


# The KServe V2 datatypes, as the ONNX element types they map to (for the dynamic batching models).
KSERVE_DTYPES = ("bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64", "float16",
                 "float32", "float64", "bfloat16", "string")


def build_batch_identity():
    """Identity over a batch dimension: x [N, 3] -> y [N, 3], one model per KServe datatype (batching tests)."""
    for dtype in KSERVE_DTYPES:
        model = identity_model(f"batch_identity_{dtype}", dtype, ["N", 3])
        t = T(dtype, [2, 3], IDENTITY_VALUES[dtype])
        register(f"batch_identity_{dtype}", model, [case("rows2", {"x": t}, {"y": t})],
                 note="batch dimension first; for dynamic batching")


BATCH_AFFINE_W = [[1, -2], [3, 0], [-1, 4]]
BATCH_AFFINE_B = [0.5, -0.25]


def build_batch_affine():
    """y = x @ W + b and s = sum of each row of x, with small integer weights (exact in float32 for x in 1/8ths)."""
    nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"]),
             helper.make_node("Add", ["xw", "b"], ["y"]),
             helper.make_node("ReduceSum", ["x", "axes"], ["s"], keepdims=0)]
    inits = [init("W", "float32", [3, 2], [v for row in BATCH_AFFINE_W for v in row]),
             init("b", "float32", [2], BATCH_AFFINE_B), init("axes", "int64", [1], [1])]
    model = make_model("batch_affine", nodes, [tinfo("x", "float32", ["N", 3])],
                       [tinfo("y", "float32", ["N", 2]), tinfo("s", "float32", ["N"])], inits,
                       doc="y = x @ [[1,-2],[3,0],[-1,4]] + [0.5,-0.25]; s = row sums of x")
    cases = []
    for n in (3, 1):
        x = RNG.grid(n * 3, -64, 64, 8).reshape(n, 3)
        y = x.astype(np.float64) @ np.array(BATCH_AFFINE_W, dtype=np.float64) + np.array(BATCH_AFFINE_B)
        sums = x.astype(np.float64).sum(axis=1)
        cases.append(case(f"n{n}", {"x": T("float32", [n, 3], x)},
                          {"y": T("float32", [n, 2], y.astype(np.float32)), "s": T("float32", [n], sums)}))
    register("batch_affine", model, cases, note="two outputs with a batch dimension; exact results")


def build_sequence_controls():
    """Echoes the sequence batcher's control inputs, for checking the values it feeds by hand: START as int32,
    END as float32, READY as bool, CORRID as uint64, plus per row the batch's READY count and row count."""
    c = lambda name, dtype, v, shape=(): init(name, dtype, list(shape), v)  # noqa: E731
    nodes = [
        helper.make_node("Identity", ["INPUT"], ["OUTPUT"]),
        helper.make_node("Identity", ["START"], ["OUT_START"]),
        helper.make_node("Identity", ["END"], ["OUT_END"]),
        helper.make_node("Identity", ["READY"], ["OUT_READY"]),
        helper.make_node("Identity", ["CORRID"], ["OUT_CORRID"]),
        helper.make_node("Mul", ["INPUT", "zero"], ["zeros"]),
        helper.make_node("Cast", ["READY"], ["ready_int"], to=TensorProto.INT32),
        helper.make_node("ReduceSum", ["ready_int", "axis0"], ["ready_sum"], keepdims=1),
        helper.make_node("Add", ["zeros", "ready_sum"], ["READY_ROWS"]),
        helper.make_node("Add", ["zeros", "one"], ["ones"]),
        helper.make_node("ReduceSum", ["ones", "axis0"], ["row_sum"], keepdims=1),
        helper.make_node("Add", ["zeros", "row_sum"], ["BATCH_ROWS"]),
    ]
    inits = [c("zero", "int32", 0), c("one", "int32", 1), c("axis0", "int64", [0], [1])]
    model = make_model(
        "sequence_controls", nodes,
        [tinfo("INPUT", "int32", ["N", 1]), tinfo("START", "int32", ["N", 1]), tinfo("END", "float32", ["N", 1]),
         tinfo("READY", "bool", ["N", 1]), tinfo("CORRID", "uint64", ["N", 1])],
        [tinfo("OUTPUT", "int32", ["N", 1]), tinfo("OUT_START", "int32", ["N", 1]),
         tinfo("OUT_END", "float32", ["N", 1]), tinfo("OUT_READY", "bool", ["N", 1]),
         tinfo("OUT_CORRID", "uint64", ["N", 1]), tinfo("READY_ROWS", "int32", ["N", 1]),
         tinfo("BATCH_ROWS", "int32", ["N", 1])],
        inits, doc="echoes the control inputs; READY_ROWS and BATCH_ROWS: the batch's READY count and rows, per row")
    i = [[5], [-7]]
    outputs = {"OUTPUT": T("int32", [2, 1], i), "OUT_START": T("int32", [2, 1], [[11], [10]]),
               "OUT_END": T("float32", [2, 1], [[-0.5], [0.5]]), "OUT_READY": T("bool", [2, 1], [[True], [False]]),
               "OUT_CORRID": T("uint64", [2, 1], [[2**64 - 1], [0]]), "READY_ROWS": T("int32", [2, 1], [[1], [1]]),
               "BATCH_ROWS": T("int32", [2, 1], [[2], [2]])}
    register("sequence_controls", model, [case("rows", {
        "INPUT": T("int32", [2, 1], i), "START": T("int32", [2, 1], [[11], [10]]),
        "END": T("float32", [2, 1], [[-0.5], [0.5]]), "READY": T("bool", [2, 1], [[True], [False]]),
        "CORRID": T("uint64", [2, 1], [[2**64 - 1], [0]])}, outputs)],
        note="sequence batching: the control inputs echoed (served with sequence_batching in the tests)")


def build_sequence_accumulate():
    """An accumulator with implicit state: OUTPUT = INPUT + STATE_IN and STATE_OUT = OUTPUT, so a sequence's outputs
    are the running sums of its inputs (from the initial state); OUT_CORRID echoes a string CORRID."""
    nodes = [helper.make_node("Add", ["INPUT", "STATE_IN"], ["OUTPUT"]),
             helper.make_node("Identity", ["OUTPUT"], ["STATE_OUT"]),
             helper.make_node("Identity", ["CORRID"], ["OUT_CORRID"])]
    model = make_model(
        "sequence_accumulate", nodes,
        [tinfo("INPUT", "int32", ["N", 1]), tinfo("STATE_IN", "int32", ["N", 1]), tinfo("CORRID", "string", ["N", 1])],
        [tinfo("OUTPUT", "int32", ["N", 1]), tinfo("STATE_OUT", "int32", ["N", 1]),
         tinfo("OUT_CORRID", "string", ["N", 1])],
        doc="OUTPUT = INPUT + STATE_IN; STATE_OUT = OUTPUT; OUT_CORRID = CORRID")
    register("sequence_accumulate", model, [case("two", {
        "INPUT": T("int32", [2, 1], [[3], [-4]]), "STATE_IN": T("int32", [2, 1], [[10], [100]]),
        "CORRID": T("string", [2, 1], ["a", "b"])}, {
        "OUTPUT": T("int32", [2, 1], [[13], [96]]), "STATE_OUT": T("int32", [2, 1], [[13], [96]]),
        "OUT_CORRID": T("string", [2, 1], ["a", "b"])})],
        note="sequence batching: implicit state accumulator (served with sequence_batching state in the tests)")


def build_batch_slow():
    """y = x after a loop of max(iterations) steps (as slow_loop), batched: for queue and timeout tests."""
    c = lambda name, dtype, v, shape=(): init(name, dtype, list(shape), v)  # noqa: E731
    inits = [c("c0", "int64", 0), c("cn", "int64", SLOW_N), c("c1", "int64", 1), c("c37", "int64", 37),
             c("c11", "int64", 11), c("c29", "int64", 29), c("c14", "int64", 14), c("ax1", "int64", [1], [1]),
             c("inv64", "float32", 1.0 / 64.0), c("zero", "float32", 0.0), init("scalar", "int64", [0], [])]
    # w[i, j] = ((37 i + 11 j) mod 29 - 14) / 64, computed in the graph as in slow_loop to keep the file tiny
    weights = [
        helper.make_node("Range", ["c0", "cn", "c1"], ["ar"]),
        helper.make_node("Unsqueeze", ["ar", "ax1"], ["col"]),
        helper.make_node("Mul", ["col", "c37"], ["i37"]),
        helper.make_node("Mul", ["ar", "c11"], ["j11"]),
        helper.make_node("Add", ["i37", "j11"], ["ij"]),
        helper.make_node("Mod", ["ij", "c29"], ["m29"]),
        helper.make_node("Sub", ["m29", "c14"], ["centered"]),
        helper.make_node("Cast", ["centered"], ["wf"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["wf", "inv64"], ["w"]),
    ]
    body = helper.make_graph(
        [helper.make_node("Identity", ["cond_in"], ["cond_out"]),
         helper.make_node("MatMul", ["state_in", "w"], ["mm"]),
         helper.make_node("Tanh", ["mm"], ["state_out"])],
        "batch_slow_body",
        [tinfo("iter", "int64", []), tinfo("cond_in", "bool", []), tinfo("state_in", "float32", [SLOW_N, SLOW_N])],
        [tinfo("cond_out", "bool", []), tinfo("state_out", "float32", [SLOW_N, SLOW_N])])
    nodes = weights + [
        helper.make_node("ReduceMax", ["iterations"], ["most"], keepdims=0),
        helper.make_node("Reshape", ["most", "scalar"], ["trips"]),
        helper.make_node("Loop", ["trips", "", "w"], ["state"], body=body),
        helper.make_node("ReduceSum", ["state"], ["total"], keepdims=0),
        helper.make_node("Mul", ["total", "zero"], ["nothing"]),
        helper.make_node("Add", ["x", "nothing"], ["y"]),
    ]
    model = make_model("batch_slow", nodes, [tinfo("x", "float32", ["N", 4]), tinfo("iterations", "int64", ["N", 1])],
                       [tinfo("y", "float32", ["N", 4])], inits,
                       doc="y = x + 0 * sum(loop state after max(iterations) steps of tanh(state @ w))")
    x = RNG.grid(8, -32, 32, 16).reshape(2, 4)
    register("batch_slow", model,
             [case("rows2", {"x": T("float32", [2, 4], x), "iterations": T("int64", [2, 1], [3, 1])},
                   {"y": T("float32", [2, 4], x)})],
             note="a batched slow model: about 10000 iterations take ~1 s on one core")


def build_batch_doubled_rows():
    """y = x stacked on itself: [N, 3] -> [2N, 3]. Its output's first dimension is not the batch, so no batch can be
    split back into requests (the server's failed-batch test)."""
    model = make_model("batch_doubled_rows", [helper.make_node("Concat", ["x", "x"], ["y"], axis=0)],
                       [tinfo("x", "float32", ["N", 3])], [tinfo("y", "float32", ["M", 3])],
                       doc="y = concat(x, x) along the first dimension, shape [2N, 3]")
    x = RNG.grid(6, -24, 24, 8).reshape(2, 3)
    register("batch_doubled_rows", model,
             [case("rows2", {"x": T("float32", [2, 3], x)}, {"y": T("float32", [4, 3], np.concatenate([x, x]))})],
             note="output rows do not follow the batch: batches cannot be split back")


def build_reshape_batch():
    """y = (sum of x over axis 1) * scale per row: x [N, 2, 3], scale [N] -> y [N, 3]. For the server's `reshape` tests:
    clients send x as [N, 6] (dims [6], reshape [2, 3]) and scale as [N, 1] (dims [1], reshape []), and get y as
    [N, 3, 1] (dims [3, 1], reshape [3])."""
    nodes = [helper.make_node("ReduceSum", ["x", "axes"], ["sums"], keepdims=0),
             helper.make_node("Unsqueeze", ["scale", "axes"], ["column"]),
             helper.make_node("Mul", ["sums", "column"], ["y"])]
    model = make_model("reshape_batch", nodes,
                       [tinfo("x", "float32", ["N", 2, 3]), tinfo("scale", "float32", ["N"])],
                       [tinfo("y", "float32", ["N", 3])], [init("axes", "int64", [1], [1])],
                       doc="y[n, j] = (x[n, 0, j] + x[n, 1, j]) * scale[n]")
    x = RNG.grid(12, -40, 40, 8).reshape(2, 2, 3)
    scale = np.array([2.0, -0.5], dtype=np.float32)
    y = (x.astype(np.float64).sum(axis=1) * scale.astype(np.float64)[:, None]).astype(np.float32)
    register("reshape_batch", model,
             [case("rows2", {"x": T("float32", [2, 2, 3], x), "scale": T("float32", [2], scale)},
                   {"y": T("float32", [2, 3], y)})],
             note="for config `reshape` with a batch dimension (and an empty reshape); exact results")


def build_reshape_pool():
    """fc6_1 = the mean of each channel of data_0: [1, 3, 4, 4] -> [1, 3, 1, 1] (GlobalAveragePool), named as
    Triton's densenet_onnx example, whose configuration serves it as dims [3, 4, 4] and [3] through `reshape`."""
    model = make_model("reshape_pool", [helper.make_node("GlobalAveragePool", ["data_0"], ["fc6_1"])],
                       [tinfo("data_0", "float32", [1, 3, 4, 4])], [tinfo("fc6_1", "float32", [1, 3, 1, 1])],
                       doc="fc6_1[0, c, 0, 0] = mean of data_0[0, c, :, :]")
    x = RNG.grid(48, -64, 64, 8).reshape(1, 3, 4, 4)
    means = x.astype(np.float64).mean(axis=(2, 3)).reshape(1, 3, 1, 1).astype(np.float32)
    register("reshape_pool", model,
             [case("image", {"data_0": T("float32", [1, 3, 4, 4], x)}, {"fc6_1": T("float32", [1, 3, 1, 1], means)})],
             note="densenet_onnx-style `reshape` without batching; exact results")


def build_bad_shape():
    model = make_model("bad_shape", [helper.make_node("Mul", ["x", "three"], ["y"])],
                       [tinfo("x", "float32", [2, 3])], [tinfo("y", "float32", [2, 3])],
                       [init("three", "float32", [], 3.0)], doc="y = x * 3, fixed dims [2, 3]")
    x = RNG.grid(6, -24, 24, 8).reshape(2, 3)
    register("bad_shape", model, [case("basic", {"x": T("float32", [2, 3], x)},
                                        {"y": T("float32", [2, 3], x * np.float32(3))})],
             note="for wrong rank / dim / dtype error tests")


EXTRA_FILES = []   # side files written next to the models (external data, LoRA adapters)


def build_external_data():
    """y = x @ W with W stored in a separate file, external_data.weights, as ONNX external data."""
    from onnx import external_data_helper
    w = RNG.grid(12, -16, 16, 8).reshape(4, 3)
    model = make_model("external_data", [helper.make_node("MatMul", ["x", "W"], ["y"])],
                       [tinfo("x", "float32", ["N", 4])], [tinfo("y", "float32", ["N", 3])],
                       [init("W", "float32", [4, 3], w)], doc="y = x @ W; W lives in external_data.weights")
    external_data_helper.convert_model_to_external_data(
        model, all_tensors_to_one_file=True, location="external_data.weights", size_threshold=0)
    os.makedirs(OUT_DIR, exist_ok=True)
    external_data_helper.write_external_data_tensors(model, OUT_DIR)   # writes the file, clears raw_data
    EXTRA_FILES.append("external_data.weights")
    x = RNG.grid(8, -16, 16, 4).reshape(2, 4)
    y = (x.astype(np.float64) @ w.astype(np.float64)).astype(np.float32)
    register("external_data", model, [case("batch2", {"x": T("float32", [2, 4], x)}, {"y": T("float32", [2, 3], y)})],
             note="W is external data in external_data.weights")


def build_lora():
    """y = x + lora_b, where lora_b is an overridable initializer (zeros) that a LoRA adapter replaces."""
    model = make_model("lora_add", [helper.make_node("Add", ["x", "lora_b"], ["y"])],
                       [tinfo("x", "float32", [3]), tinfo("lora_b", "float32", [3])],
                       [tinfo("y", "float32", [3])], [init("lora_b", "float32", [3], [0, 0, 0])],
                       doc="y = x + lora_b; lora.onnx_adapter sets lora_b to [10, 20, 30]")
    x = np.array([1, 2, 3], dtype=np.float32)
    register("lora_add", model, [case("no_adapter", {"x": T("float32", [3], x)}, {"y": T("float32", [3], x)})],
             note="lora.onnx_adapter (written with onnxruntime.AdapterFormat) sets lora_b = [10, 20, 30]")
    EXTRA_FILES.append("lora.onnx_adapter")


def write_lora_adapter():
    # The adapter format is ONNX Runtime's own; only its Python API writes it.
    import onnxruntime as ort
    adapter = ort.AdapterFormat()
    adapter.set_adapter_version(1)
    adapter.set_model_version(1)
    adapter.set_parameters({"lora_b": ort.OrtValue.ortvalue_from_numpy(np.array([10, 20, 30], dtype=np.float32))})
    adapter.export_adapter(os.path.join(OUT_DIR, "lora.onnx_adapter"))


def build_plugin_ep():
    # For the test plugin EP (Tests/PluginEP): it claims float Mul and Add, so these run on it.
    model = make_model(
        "ep_mul_add",
        [helper.make_node("Mul", ["x", "y"], ["t"], name="mul"), helper.make_node("Add", ["t", "x"], ["z"], name="add")],
        [tinfo("x", "float32", [2, 3]), tinfo("y", "float32", [3])], [tinfo("z", "float32", [2, 3])],
        doc="z = x * y + x (y broadcast over rows); every node runs on the test plugin EP")
    x = RNG.grid(6, -20, 20, 4)
    y = RNG.grid(3, -8, 8, 4)
    z = x.reshape(2, 3) * y + x.reshape(2, 3)
    register("ep_mul_add", model,
             [case("grid", {"x": T("float32", [2, 3], x), "y": T("float32", [3], y)}, {"z": T("float32", [2, 3], z)})])

    model = make_model(
        "ep_mixed",
        [helper.make_node("Mul", ["x", "c"], ["a"], name="scale"), helper.make_node("Sub", ["a", "x"], ["b"], name="sub"),
         helper.make_node("Add", ["b", "a"], ["z"], name="add")],
        [tinfo("x", "float32", ["N", 3])], [tinfo("z", "float32", ["N", 3])],
        [init("c", "float32", [3], [2.0, -0.5, 4.0])],
        doc="z = (x * c - x) + x * c; the test plugin EP takes Mul and Add, the CPU EP Sub")
    cases = []
    for n in (1, 4):
        x = RNG.grid(n * 3, -16, 16, 4)
        c = np.array([2.0, -0.5, 4.0], dtype=np.float32)
        a = x.reshape(n, 3) * c
        cases.append(case(f"n{n}", {"x": T("float32", [n, 3], x)}, {"z": T("float32", [n, 3], (a - x.reshape(n, 3)) + a)}))
    register("ep_mixed", model, cases)

# ---------------------------------------------------------------------------
# Model editor references: the Swift model editor tests build these same graphs with
# `Model { ... }` and compare outputs case for case (Tests/ONNXRuntimeTests/ModelEditorTests.swift).
# ---------------------------------------------------------------------------


def build_editor_add():
    model = make_model("editor_add", [helper.make_node("Add", ["x", "y"], ["z"])],
                       [tinfo("x", "float32", [2, 3]), tinfo("y", "float32", [2, 3])],
                       [tinfo("z", "float32", [2, 3])], doc="z = x + y (model editor reference)")
    x = RNG.grid(6, -32, 32, 4).reshape(2, 3)
    y = RNG.grid(6, -32, 32, 4).reshape(2, 3)
    register("editor_add", model, [case("basic", {"x": T("float32", [2, 3], x), "y": T("float32", [2, 3], y)},
                                        {"z": T("float32", [2, 3], x + y)})])


def editor_matmul_weights():
    """W is 4x8 float32 (128 bytes: large enough for a no-copy initializer), b is 8 floats (32 bytes: copied)."""
    w = (np.arange(32, dtype=np.float32).reshape(4, 8) - 12) / 4
    b = (np.arange(8, dtype=np.float32) - 3) / 2
    return w, b


def build_editor_matmul_add():
    w, b = editor_matmul_weights()
    nodes = [helper.make_node("MatMul", ["x", "W"], ["xw"]), helper.make_node("Add", ["xw", "b"], ["y"])]
    model = make_model("editor_matmul_add", nodes, [tinfo("x", "float32", ["n", 4])], [tinfo("y", "float32", ["n", 8])],
                       [init("W", "float32", [4, 8], w), init("b", "float32", [8], b)],
                       doc="y = x @ W + b with a symbolic batch dimension n (model editor reference)")
    cases = []
    for n in (1, 3):
        x = RNG.grid(n * 4, -16, 16, 4).reshape(n, 4)
        y = (x.astype(np.float64) @ w.astype(np.float64) + b).astype(np.float32)   # exact: small dyadic values
        cases.append(case(f"n{n}", {"x": T("float32", [n, 4], x)}, {"y": T("float32", [n, 8], y)}))
    register("editor_matmul_add", model, cases)


def editor_attribute_weights():
    gw = (np.arange(12, dtype=np.float32).reshape(4, 3) - 5) / 2
    gc = np.array([1, -2, 0.5, 4], dtype=np.float32)
    return gw, gc


def build_editor_attributes():
    """One node per attribute kind: float (Gemm alpha/beta), int (Gemm transB, Cast to), ints (Transpose perm),
    string (Einsum equation), floats (Constant value_floats), strings (Constant value_strings)."""
    gw, gc = editor_attribute_weights()
    nodes = [
        helper.make_node("Gemm", ["x", "gw", "gc"], ["g"], alpha=0.5, beta=2.0, transB=1),
        helper.make_node("Transpose", ["g"], ["t"], perm=[1, 0]),
        helper.make_node("Cast", ["t"], ["ti"], to=TensorProto.INT64),
        helper.make_node("Einsum", ["x", "x"], ["e"], equation="bi,bj->ij"),
        helper.make_node("Constant", [], ["cf"], value_floats=[0.25, -1.5]),
        helper.make_node("Constant", [], ["cs"], value_strings=["a", "bc"]),
    ]
    model = make_model("editor_attributes", nodes, [tinfo("x", "float32", [2, 3])],
                       [tinfo("ti", "int64", [4, 2]), tinfo("e", "float32", [3, 3]), tinfo("cf", "float32", [2]),
                        tinfo("cs", "string", [2])],
                       [init("gw", "float32", [4, 3], gw), init("gc", "float32", [4], gc)],
                       doc="attributes of every kind the model editor writes (model editor reference)")
    x = RNG.grid(6, -16, 16, 2).reshape(2, 3)
    x64 = x.astype(np.float64)
    g = 0.5 * (x64 @ gw.astype(np.float64).T) + 2.0 * gc
    ti = np.trunc(g.T).astype(np.int64)      # Cast float -> int64 truncates toward zero
    e = (x64.T @ x64).astype(np.float32)
    register("editor_attributes", model, [case("basic", {"x": T("float32", [2, 3], x)}, {
        "ti": T("int64", [4, 2], ti), "e": T("float32", [3, 3], e),
        "cf": T("float32", [2], [0.25, -1.5]), "cs": T("string", [2], ["a", "bc"])})])


def build_editor_augment():
    """editor_augment_base is loaded and augmented by the Swift test with w = z * z as a second output;
    editor_augmented is the same result built in one go with onnx.helper."""
    base = make_model("editor_augment_base", [helper.make_node("Add", ["x", "y"], ["z"])],
                      [tinfo("x", "float32", ["n", 2]), tinfo("y", "float32", ["n", 2])],
                      [tinfo("z", "float32", ["n", 2])], doc="z = x + y; the model editor adds w = z * z")
    augmented = make_model("editor_augmented",
                           [helper.make_node("Add", ["x", "y"], ["z"]), helper.make_node("Mul", ["z", "z"], ["w"])],
                           [tinfo("x", "float32", ["n", 2]), tinfo("y", "float32", ["n", 2])],
                           [tinfo("z", "float32", ["n", 2]), tinfo("w", "float32", ["n", 2])],
                           doc="editor_augment_base plus w = z * z (model editor reference)")
    x = RNG.grid(6, -16, 16, 4).reshape(3, 2)
    y = RNG.grid(6, -16, 16, 4).reshape(3, 2)
    z = x + y
    feeds = {"x": T("float32", [3, 2], x), "y": T("float32", [3, 2], y)}
    register("editor_augment_base", base, [case("n3", feeds, {"z": T("float32", [3, 2], z)})])
    register("editor_augmented", augmented, [case("n3", feeds, {"z": T("float32", [3, 2], z),
                                                                "w": T("float32", [3, 2], z * z)})])


def build_all():
    MODELS.clear()
    EXTRA_FILES.clear()
    RNG.state = SEED
    build_add_f32()
    build_add_typed()
    build_identity()
    build_cast_to_float()
    build_cast_from_float()
    build_scalars()
    build_empty()
    build_multi_out()
    build_string_ops()
    build_dynamic_matmul()
    build_overridable_init()
    build_sequences()
    build_zipmap()
    build_optional()
    build_slow_loop()
    build_bad_shape()
    build_external_data()
    build_lora()
    build_batch_identity()
    build_batch_affine()
    build_batch_slow()
    build_batch_doubled_rows()
    build_sequence_controls()
    build_sequence_accumulate()
    build_reshape_batch()
    build_reshape_pool()
    build_plugin_ep()
    build_editor_add()
    build_editor_matmul_add()
    build_editor_attributes()
    build_editor_augment()
    return MODELS


# ---------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------


def _is_leaf(o):
    return isinstance(o, dict) and o.get("dtype") not in (None, "seq", "optional")


def format_json(o, level=0):
    """Stable, readable JSON: one line per tensor/map, nested structure indented."""
    pad, inner = "  " * level, "  " * (level + 1)
    if _is_leaf(o) or not isinstance(o, (dict, list)):
        return json.dumps(o, ensure_ascii=False)
    if isinstance(o, list):
        if not any(isinstance(e, (dict, list)) for e in o):
            return json.dumps(o, ensure_ascii=False)
        if not o:
            return "[]"
        return "[\n" + ",\n".join(inner + format_json(e, level + 1) for e in o) + "\n" + pad + "]"
    if not o:
        return "{}"
    items = [inner + json.dumps(k, ensure_ascii=False) + ": " + format_json(v, level + 1) for k, v in o.items()]
    return "{\n" + ",\n".join(items) + "\n" + pad + "}"


def type_string(t):
    """Readable type of an ONNX TypeProto, e.g. tensor(float)[N,3]."""
    which = t.WhichOneof("value")
    if which == "tensor_type":
        name = [k for k, (e, _) in DTYPES.items() if e == t.tensor_type.elem_type][0]
        if not t.tensor_type.HasField("shape"):
            return name
        dims = []
        for d in t.tensor_type.shape.dim:
            dims.append(str(d.dim_value) if d.HasField("dim_value") else (d.dim_param or "?"))
        return f"{name}[{','.join(dims)}]"
    if which == "sequence_type":
        return f"seq({type_string(t.sequence_type.elem_type)})"
    if which == "map_type":
        key = [k for k, (e, _) in DTYPES.items() if e == t.map_type.key_type][0]
        return f"map({key}, {type_string(t.map_type.value_type)})"
    if which == "optional_type":
        return f"optional({type_string(t.optional_type.elem_type)})"
    raise TypeError(which)


README_HEAD = """\
# Test models

This folder holds the small ONNX models and JSON test cases used by the
swift-onnxruntime test suite. Everything here is **generated** by our own
script `scripts/generate-test-models.py` (written for this project; nothing is
copied from elsewhere). Do not edit the files by hand.

Regenerate (needs `onnx` and `numpy`):

    python scripts/generate-test-models.py

Regenerate and check every case against Python onnxruntime (needs `onnxruntime`
as well; runs each case with graph optimizations disabled and enabled):

    python scripts/generate-test-models.py --verify      # or --verify-only

Output is deterministic (fixed seed, stable serialization): running the script
twice gives byte-identical files. All models use IR version {ir} and opset {opset}
(`ai.onnx.ml` opset {ml} where noted); each `.onnx` file is below 10 KB.

## JSON format

Each `NAME.onnx` has a `NAME.json`:

```json
{{"model": "NAME.onnx",
 "cases": [{{"name": "basic",
            "inputs":  {{"x": {{"dtype": "float32", "shape": [2, 3], "data": [...]}}}},
            "outputs": {{"y": {{"dtype": "float32", "shape": [2, 3], "data": [...]}}}}}}],
 "rtol": 0.0, "atol": 0.0}}
```

* Expected outputs are computed with NumPy or by hand-decoding bit patterns,
  never by running onnxruntime.
* `data` is the flat row-major list of elements. Rank-0 tensors have
  `"shape": []`; empty tensors have a 0 dimension and `"data": []`.
* float32/float64 values are written as the exact value of the element (no
  NaN/inf). Integers are exact JSON integers (including int64/uint64 extremes).
  bool is `true`/`false`, string is a JSON string (UTF-8, may be empty).
* float16, bfloat16 and the four float8 types carry `"bits"` (uint16 resp.
  uint8 bit pattern per element, the authoritative value) and `"data"` (the
  decoded value; `null` for NaN).
* int4/uint4 carry `"data"` (element values) and `"packed"` (bytes in ONNX
  layout: element 2i in the low nibble, 2i+1 in the high nibble, an odd count
  padded with a zero nibble).
* Sequences: `{{"dtype": "seq", "elements": [tensor or map, ...]}}`.
  Maps: `{{"dtype": "map", "key_dtype": "int64"|"string", "value_dtype": "float32", "keys": [...], "values": [...]}}`.
  Optionals: `{{"dtype": "optional", "element": tensor}}`; `"element": null`
  means the optional input is not fed at all (an absent optional).
* An input missing from a case's `inputs` (e.g. `scale` in
  `overridable_init` case `default_scale`) is not fed: the initializer default is used.
* Tolerance: compare floats with `|actual - expected| <= atol + rtol * |expected|`.
  `0/0` means the results are exact; compare bit patterns (`bits`, `packed`),
  integers, bools and strings exactly in all cases.

## Models

| Model | Inputs | Outputs | Notes |
|---|---|---|---|
"""

README_TAIL = """
### Notes on ONNX Runtime 1.32 (CPU) support

* `Add` has CPU kernels for float32/float64 and all eight integer types.
  For float16 there is no native CPU kernel; ONNX Runtime inserts Cast nodes
  (computes in float32 and rounds back), which gives the correctly rounded
  float16 sum, so `add_float16` is still a real Add test.
* `Identity` has no CPU kernel for int4/uint4, so `identity_int4`,
  `identity_uint4` and the `_odd` variants use `Cast(to=<same type>)`, which is
  an identity by definition.
* `StringConcat` (opset 20) and `Equal` on strings are implemented.
* `slow_loop`: one iteration is a [64,64] x [64,64] MatMul plus Tanh; the
  weights are computed inside the graph, so the file stays tiny. Measured with
  onnxruntime 1.32 on one x86-64 core (intra-op threads = 1): about 7-10 us per
  iteration, i.e. roughly 100000 iterations per second (machine dependent;
  `--verify` prints the figure for the current machine). Pass a large
  `iterations` value (e.g. 10^9) and terminate the run (RunOptions terminate)
  to test cancellation; ORT then fails the run with "Exiting due to terminate
  flag being set to true".

### `add_f32` metadata

producer_name `swift-onnxruntime-tests`, producer_version `1.0`, graph name
`add_graph`, graph doc_string `Adds two float tensors.`, model doc_string
`A tiny Add model for metadata tests.`, domain `org.swift-onnxruntime.tests`,
model_version `7`, metadata_props `author` = `swift-onnxruntime`, `purpose` =
`metadata test`. Input `A`/`B` and output `C` have the symbolic dim `N`.
Every other model has producer `swift-onnxruntime-tests` 1.0, graph name =
model name and a graph doc_string describing what it computes.

`dynamic_matmul`: the first dim of `x` is `batch` with denotation `DATA_BATCH`.
`overridable_init`: `scale` is both an initializer and a graph input, so ORT
lists it as an overridable initializer (not as a regular input).
"""


def cell(s):
    return s.replace("|", "\\|")


def write_readme(models):
    rows = []
    for m in models:
        g = m["model"].graph
        init_names = {i.name for i in g.initializer}
        ins = ", ".join(f"`{i.name}`: {type_string(i.type)}" + (" (initializer)" if i.name in init_names else "")
                        for i in g.input)
        outs = ", ".join(f"`{o.name}`: {type_string(o.type)}" for o in g.output)
        note = g.doc_string + (" — " + m["note"] if m["note"] else "")
        rows.append(f"| `{m['name']}` | {cell(ins)} | {cell(outs)} | {cell(note)} |")
    text = README_HEAD.format(ir=IR_VERSION, opset=OPSET, ml=ML_OPSET) + "\n".join(rows) + "\n" + README_TAIL
    with open(os.path.join(OUT_DIR, "README.md"), "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


def write_all(models):
    os.makedirs(OUT_DIR, exist_ok=True)
    written = []
    for m in models:
        name = m["name"]
        data = m["model"].SerializeToString()
        assert len(data) < MAX_MODEL_BYTES, f"{name}.onnx is {len(data)} bytes"
        with open(os.path.join(OUT_DIR, name + ".onnx"), "wb") as f:
            f.write(data)
        doc = {"model": name + ".onnx", "cases": m["cases"], "rtol": m["rtol"], "atol": m["atol"]}
        with open(os.path.join(OUT_DIR, name + ".json"), "w", encoding="utf-8", newline="\n") as f:
            f.write(format_json(doc) + "\n")
        written += [name + ".onnx", name + ".json"]
    write_lora_adapter()
    written += EXTRA_FILES
    write_readme(models)
    written.append("README.md")
    stale = sorted(set(os.listdir(OUT_DIR)) - set(written))
    if stale:
        print("note: files in Tests/Models not produced by this script:", ", ".join(stale))
    return written


# ---------------------------------------------------------------------------
# Verification against onnxruntime (reads the files back from disk)
# ---------------------------------------------------------------------------

EXOTIC = set(FLOAT8) | set(INT4) | {"bfloat16"}


def tensor_from_json(d):
    """JSON tensor -> Tensor, checking that data/bits/packed agree."""
    dtype, shape = d["dtype"], d["shape"]
    if dtype in BITS16 or dtype in FLOAT8:
        t = Tensor(dtype, shape, d["bits"])
        dec = t.decoded()
        for got, want in zip(d["data"], dec):
            assert (got is None and math.isnan(want)) or (got == want and math.copysign(1, got) == math.copysign(1, want)), \
                (dtype, got, want)
        assert len(d["data"]) == len(dec)
        return t
    t = Tensor(dtype, shape, d["data"])
    if dtype in INT4:
        assert d["packed"] == pack_int4(d["data"])
        assert unpack_int4(d["packed"], len(d["data"]), dtype == "int4") == d["data"]
    return t


def ort_tensor_input(ort, t):
    """Tensor -> something onnxruntime accepts as a feed."""
    if t.dtype == "float16":
        return t.values.view(np.float16)
    if t.dtype == "bfloat16" or t.dtype in FLOAT8:
        return ort.OrtValue.ortvalue_from_numpy_with_onnx_type(np.ascontiguousarray(t.values), DTYPES[t.dtype][0])
    if t.dtype in INT4:
        # a uint8 buffer with the tensor's shape whose first bytes hold the packed nibbles
        buf = np.zeros(t.shape, dtype=np.uint8)
        packed = pack_int4(t.values)
        buf.reshape(-1)[:len(packed)] = packed
        t._keepalive = buf
        return ort.OrtValue.ortvalue_from_numpy_with_onnx_type(buf, DTYPES[t.dtype][0])
    return t.values


def compare_tensor(where, exp, got, rtol, atol):
    """exp: Tensor; got: numpy array (bits for float8/bfloat16/float16, packed bytes for int4)."""
    if exp.dtype in INT4:
        packed = pack_int4(exp.values)
        got = [int(b) for b in np.asarray(got).reshape(-1)[:len(packed)]]
        assert got == packed, f"{where}: packed {got} != {packed}"
        return
    got = np.asarray(got)
    assert list(got.shape) == exp.shape, f"{where}: shape {list(got.shape)} != {exp.shape}"
    if exp.dtype in BITS16 or exp.dtype in FLOAT8:
        bits = got.view(np.uint16 if exp.dtype in BITS16 else np.uint8)
        assert np.array_equal(bits, exp.values), f"{where}: bits {bits.ravel().tolist()} != {exp.values.ravel().tolist()}"
    elif exp.dtype in ("float32", "float64"):
        assert got.dtype == exp.values.dtype, f"{where}: dtype {got.dtype}"
        if rtol == 0 and atol == 0:
            ok = got.tobytes() == exp.values.tobytes()   # bit-exact, incl. -0.0
        else:
            ok = np.allclose(got, exp.values, rtol=rtol, atol=atol)
        assert ok, f"{where}: {got.ravel()[:8]} != {exp.values.ravel()[:8]} (max diff {np.max(np.abs(got - exp.values)) if got.size else 0})"
    elif exp.dtype == "string":
        assert [str(s) for s in got.ravel()] == list(exp.values.ravel()), f"{where}: strings differ"
    else:
        assert got.dtype == exp.values.dtype, f"{where}: dtype {got.dtype} != {exp.values.dtype}"
        assert np.array_equal(got, exp.values), f"{where}: {got.ravel().tolist()} != {exp.values.ravel().tolist()}"


def compare_value(where, exp, got, rtol, atol):
    kind = exp["dtype"]
    if kind == "seq":
        assert isinstance(got, list) and len(got) == len(exp["elements"]), f"{where}: sequence length"
        for i, (e, g) in enumerate(zip(exp["elements"], got)):
            compare_value(f"{where}[{i}]", e, g, rtol, atol)
    elif kind == "map":
        assert isinstance(got, dict), f"{where}: not a map"
        assert list(got.keys()) == exp["keys"] or sorted(got.keys()) == sorted(exp["keys"]), f"{where}: keys"
        for k, v in zip(exp["keys"], exp["values"]):
            assert got[k] == v, f"{where}[{k}]: {got[k]} != {v}"
    elif kind == "optional":
        if exp["element"] is None:
            assert got is None, f"{where}: expected no value"
        else:
            compare_value(where, exp["element"], got, rtol, atol)
    else:
        compare_tensor(where, tensor_from_json(exp), got, rtol, atol)


def feed_value(ort, d):
    kind = d["dtype"]
    if kind == "seq":
        return [feed_value(ort, e) for e in d["elements"]]
    if kind == "optional":
        return None if d["element"] is None else feed_value(ort, d["element"])
    return ort_tensor_input(ort, tensor_from_json(d))


def run_exotic(ort, sess, feeds, expected):
    """IOBinding run for tensors numpy cannot represent: outputs go into preallocated
    byte buffers of the expected shape and are compared bit for bit."""
    binding = sess.io_binding()
    for name, v in feeds.items():
        if isinstance(v, ort.OrtValue):
            binding.bind_ortvalue_input(name, v)
        else:
            binding.bind_cpu_input(name, np.ascontiguousarray(v))
    buffers = {}
    for name, d in expected.items():
        dtype = d["dtype"]
        if dtype in EXOTIC:
            store = np.uint16 if dtype == "bfloat16" else np.uint8
            buf = np.full(d["shape"], 0xAA, dtype=store)
            buffers[name] = buf
            binding.bind_ortvalue_output(name, ort.OrtValue.ortvalue_from_numpy_with_onnx_type(buf, DTYPES[dtype][0]))
        else:
            binding.bind_output(name, "cpu")
    sess.run_with_iobinding(binding)
    out_names = [o.name for o in sess.get_outputs()]
    values = binding.get_outputs()
    return {name: buffers[name] if name in buffers else values[i].numpy() for i, name in enumerate(out_names)}


def verify(models_on_disk):
    import threading
    import time

    import onnxruntime as ort
    print(f"verifying with onnxruntime {ort.__version__}")
    failures = 0
    levels = [("no-opt", ort.GraphOptimizationLevel.ORT_DISABLE_ALL), ("all-opt", ort.GraphOptimizationLevel.ORT_ENABLE_ALL)]
    for name in models_on_disk:
        with open(os.path.join(OUT_DIR, name + ".json"), encoding="utf-8") as f:
            spec = json.load(f)
        assert spec["model"] == name + ".onnx"
        path = os.path.join(OUT_DIR, spec["model"])
        size = os.path.getsize(path)
        assert size < MAX_MODEL_BYTES, f"{name}: {size} bytes"
        failures_before = failures
        for level_name, level in levels:
            so = ort.SessionOptions()
            so.graph_optimization_level = level
            so.log_severity_level = 4
            sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
            for c in spec["cases"]:
                where = f"{name}/{c['name']}/{level_name}"
                try:
                    feeds = {k: feed_value(ort, v) for k, v in c["inputs"].items()}
                    feeds = {k: v for k, v in feeds.items() if v is not None}   # absent optionals
                    io = list(c["inputs"].values()) + list(c["outputs"].values())
                    if any(d["dtype"] in EXOTIC for d in io):
                        got = run_exotic(ort, sess, feeds, c["outputs"])
                    else:
                        plain = {k: (v.numpy() if isinstance(v, ort.OrtValue) else v) for k, v in feeds.items()}
                        outs = sess.run(None, plain)
                        got = {o.name: v for o, v in zip(sess.get_outputs(), outs)}
                    assert list(got.keys())[:len(c["outputs"])] == list(c["outputs"].keys()), f"{where}: output order"
                    for out_name, exp in c["outputs"].items():
                        compare_value(f"{where}:{out_name}", exp, got[out_name], spec["rtol"], spec["atol"])
                except Exception as e:   # report all failures, not only the first
                    failures += 1
                    print(f"FAIL {where}: {type(e).__name__}: {e}")
        if failures == failures_before:
            print(f"ok   {name} ({len(spec['cases'])} case(s), {size} bytes)")

    # Extra checks of things the JSON cannot express.
    quiet = ort.SessionOptions()
    quiet.log_severity_level = 4
    sess = ort.InferenceSession(os.path.join(OUT_DIR, "add_f32.onnx"), quiet, providers=["CPUExecutionProvider"])
    meta = sess.get_modelmeta()
    assert meta.producer_name == PRODUCER and meta.graph_name == "add_graph"
    assert meta.description == "A tiny Add model for metadata tests."
    assert meta.graph_description == "Adds two float tensors."
    assert meta.domain == "org.swift-onnxruntime.tests" and meta.version == 7
    assert meta.custom_metadata_map == {"author": "swift-onnxruntime", "purpose": "metadata test"}
    assert [i.shape for i in sess.get_inputs()] == [["N", 3], ["N", 3]]
    sess = ort.InferenceSession(os.path.join(OUT_DIR, "overridable_init.onnx"), quiet, providers=["CPUExecutionProvider"])
    assert [i.name for i in sess.get_inputs()] == ["x"], [i.name for i in sess.get_inputs()]
    assert [i.name for i in sess.get_overridable_initializers()] == ["scale"]
    model = onnx.load(os.path.join(OUT_DIR, "dynamic_matmul.onnx"))
    assert model.graph.input[0].type.tensor_type.shape.dim[0].denotation == "DATA_BATCH"
    assert [i.name for i in model.graph.input] == ["x"]
    print("ok   metadata / overridable initializer / denotation checks")

    # slow_loop: timing on one thread and cancellation through RunOptions.terminate.
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.inter_op_num_threads = 1
    so.log_severity_level = 4
    sess = ort.InferenceSession(os.path.join(OUT_DIR, "slow_loop.onnx"), so, providers=["CPUExecutionProvider"])
    x = np.linspace(-1, 1, SLOW_N, dtype=np.float32)
    iters = 2000
    t0 = time.perf_counter()
    sess.run(None, {"iterations": np.array(iters, dtype=np.int64), "x": x})
    per_iter = (time.perf_counter() - t0) / iters
    print(f"info slow_loop: {per_iter * 1e6:.1f} us/iteration on one thread -> ~{int(1 / per_iter)} iterations per second")
    ro = ort.RunOptions()
    timer = threading.Timer(0.2, lambda: setattr(ro, "terminate", True))
    t0 = time.perf_counter()
    timer.start()
    try:
        sess.run(None, {"iterations": np.array(10**9, dtype=np.int64), "x": x}, ro)
        print("FAIL slow_loop: run was not terminated")
        failures += 1
    except Exception as e:
        print(f"ok   slow_loop terminated after {time.perf_counter() - t0:.2f}s ({str(e).splitlines()[0][:90]})")
    timer.cancel()

    if failures:
        print(f"{failures} failure(s)")
        return False
    print("all cases match")
    return True


def main():
    ap = argparse.ArgumentParser(description="Generate (and optionally verify) Tests/Models.")
    ap.add_argument("--verify", action="store_true", help="after writing, run every case with onnxruntime")
    ap.add_argument("--verify-only", action="store_true", help="only verify the files already on disk")
    args = ap.parse_args()
    models = build_all()
    names = [m["name"] for m in models]
    if not args.verify_only:
        written = write_all(models)
        print(f"wrote {len(written)} files to {os.path.relpath(OUT_DIR, ROOT)}")
    if args.verify or args.verify_only:
        if not verify(names):
            sys.exit(1)


if __name__ == "__main__":
    main()
