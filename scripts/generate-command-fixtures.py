#!/usr/bin/env python3
"""Input files for the `ort run` / `ort bench` tests, written by this project with numpy and onnx.

Regenerate with: python scripts/generate-command-fixtures.py   (needs numpy and onnx)
Writes Tests/ORTCommandsTests/Fixtures/run/: x.npy and x.pb (float32 [2, 3] = [[1, 5, 3], [6, 2, 4]], the .pb named
"x"), x_int64.npy (the same numbers as int64, a wrong dtype for multi_out), seq.pb (a SequenceProto of float32 [1, 2]
and [3]), strings.npy (["ab", "", "héllo"]), and byte strings for identity_string ([2, 3] string): bytes.npy (a '|S3'
array: NULs inside, 0x80-0xFF, an empty element) and bytes.pb (a TensorProto "x" from an object array of bytes, whose
string_data keeps every element whole, trailing NULs too).
"""
import os

import numpy as np
import onnx
from onnx import numpy_helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "ORTCommandsTests", "Fixtures", "run")
os.makedirs(OUT, exist_ok=True)

x = np.array([[1, 5, 3], [6, 2, 4]], dtype=np.float32)
np.save(os.path.join(OUT, "x.npy"), x)
with open(os.path.join(OUT, "x.pb"), "wb") as f:
    f.write(numpy_helper.from_array(x, "x").SerializeToString())
np.save(os.path.join(OUT, "x_int64.npy"), x.astype(np.int64))
sequence = onnx.helper.make_sequence(
    "s", onnx.SequenceProto.TENSOR,
    [numpy_helper.from_array(np.array([1, 2], dtype=np.float32)), numpy_helper.from_array(np.array([3], dtype=np.float32))])
with open(os.path.join(OUT, "seq.pb"), "wb") as f:
    f.write(sequence.SerializeToString())
np.save(os.path.join(OUT, "strings.npy"), np.array(["ab", "", "héllo"]))
np.save(os.path.join(OUT, "bytes.npy"), np.array([b"\x00\xff", b"a\x00b", b"", b"\x80", b"\xfe\xfd\xfc", b"z"]).reshape(2, 3))
blobs = np.array([b"\x00", b"a\x00b", b"", b"\xff\xfe", b"\x80abc", b"end\x00\x00"], dtype=object).reshape(2, 3)
with open(os.path.join(OUT, "bytes.pb"), "wb") as f:
    f.write(numpy_helper.from_array(blobs, "x").SerializeToString())
print("wrote", sorted(os.listdir(OUT)))
