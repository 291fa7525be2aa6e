"""Test data for every KServe V2 datatype, for the `identity_<dtype>` models (x -> y, shape [2, 3])."""

import ml_dtypes
import numpy as np

STRINGS = ["", "hello", "ünïcödé ✓", 'quote"back\\slash', "line\nbreak", "tab\t/"]


class Case:
    def __init__(self, datatype, model, values, json_ok=True):
        self.datatype = datatype
        self.model = model
        self.values = values  # numpy array of shape [2, 3]
        self.json_ok = json_ok  # whether tritonclient can send it as JSON

    def __repr__(self):
        return self.datatype


def _array(values, dtype):
    return np.array(values, dtype=dtype).reshape(2, 3)


CASES = [
    Case("BOOL", "identity_bool", _array([True, False, True, True, False, False], np.bool_)),
    Case("UINT8", "identity_uint8", _array([0, 1, 2, 127, 128, 255], np.uint8)),
    Case("UINT16", "identity_uint16", _array([0, 1, 255, 256, 32768, 65535], np.uint16)),
    Case("UINT32", "identity_uint32", _array([0, 1, 65536, 2**31, 4_000_000_000, 2**32 - 1], np.uint32)),
    Case("UINT64", "identity_uint64", _array([0, 1, 2**32, 2**63, 2**63 + 1, 2**64 - 1], np.uint64)),
    Case("INT8", "identity_int8", _array([-128, -1, 0, 1, 100, 127], np.int8)),
    Case("INT16", "identity_int16", _array([-32768, -1, 0, 1, 1000, 32767], np.int16)),
    Case("INT32", "identity_int32", _array([-(2**31), -1, 0, 1, 123456, 2**31 - 1], np.int32)),
    Case("INT64", "identity_int64", _array([-(2**63), -1, 0, 1, 2**53 + 1, 2**63 - 1], np.int64)),
    Case("FP16", "identity_float16", _array([0.0, 1.5, -2.25, 65504.0, 2.0**-14, -0.5], np.float16)),
    Case("FP32", "identity_float32", _array([0.1, -1.5, 3.4028235e38, 1e-7, -0.0, 123.456], np.float32)),
    Case("FP64", "identity_float64", _array([0.1, -1e300, 5e-324, 1.7976931348623157e308, 2.5, -0.0], np.float64)),
    Case("BYTES", "identity_string", _array([s.encode() for s in STRINGS], np.object_)),
    # tritonclient refuses BF16 as JSON; it is binary only.
    Case("BF16", "identity_bfloat16", _array([1.0, -2.0, 0.0, 3.3895314e38, 0.1, -0.0], ml_dtypes.bfloat16),
         json_ok=False),
]

JSON_CASES = [case for case in CASES if case.json_ok]

# Values JSON cannot carry (non-finite floats, subnormals) and BYTES elements with NUL bytes and characters outside
# the BMP, for the binary path. (BYTES that are not UTF-8 at all are in test_bytes.py.)
SPECIAL_BINARY = [
    Case("FP16", "identity_float16", _array([np.nan, np.inf, -np.inf, 2.0**-24, -0.0, 65504.0], np.float16)),
    Case("FP32", "identity_float32", _array([np.nan, np.inf, -np.inf, 1e-45, -0.0, 1.0], np.float32)),
    Case("FP64", "identity_float64", _array([np.nan, np.inf, -np.inf, 5e-324, -0.0, 1.0], np.float64)),
    Case("BF16", "identity_bfloat16", _array([np.nan, np.inf, -np.inf, 1e-40, -0.0, 1.0], ml_dtypes.bfloat16)),
    Case("BYTES", "identity_string",
         _array([b"a\x00b", b"\x00", b"", "\U0010ffff😀".encode(), "\x7f\x80".encode(), b"x\x00"], np.object_)),
]


def bits(array):
    """A float array as its unsigned bit patterns, so NaN, -0.0 and subnormals compare exactly."""
    array = np.ascontiguousarray(array)
    return array.view({2: np.uint16, 4: np.uint32, 8: np.uint64}[array.dtype.itemsize])


def assert_same(case, actual):
    """Checks an output array against the case's input: same shape, same elements (floats bit for bit)."""
    expected = case.values
    assert actual is not None, "no output"
    assert list(actual.shape) == list(expected.shape)
    if case.datatype == "BYTES":
        # Binary outputs come back as bytes objects, JSON outputs as str.
        got = [x if isinstance(x, bytes) else str(x).encode() for x in actual.flatten()]
        assert got == list(expected.flatten())
    elif case.datatype in ("FP16", "FP32", "FP64", "BF16"):
        assert actual.dtype == expected.dtype, f"{actual.dtype} != {expected.dtype}"
        assert np.array_equal(bits(actual), bits(expected)), f"{actual!r} != {expected!r}"
    else:
        assert actual.dtype == expected.dtype, f"{actual.dtype} != {expected.dtype}"
        assert np.array_equal(actual, expected), f"{actual!r} != {expected!r}"
