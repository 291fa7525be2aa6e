#!/usr/bin/env python3
"""Input files for the `ort run` / `ort bench` tests, written by this project with numpy and onnx.

Regenerate with: python scripts/generate-command-fixtures.py   (needs numpy and onnx)
Writes Tests/ORTCommandsTests/Fixtures/run/: x.npy and x.pb (float32 [2, 3] = [[1, 5, 3], [6, 2, 4]], the .pb named
"x"), x_int64.npy (the same numbers as int64, a wrong dtype for multi_out), seq.pb (a SequenceProto of float32 [1, 2]
and [3]) and strings.npy (["ab", "", "héllo"]).
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
print("wrote", sorted(os.listdir(OUT)))
