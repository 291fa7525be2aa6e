#!/usr/bin/env python3
# Generated test models for swift-onnxruntime's custom operator library and ensemble tests; written by this project.
# Regenerate with: python scripts/generate-custom-op-models.py [--verify]
#
# Requirements: onnx, numpy   (--verify also: onnxruntime, onnxruntime-extensions 0.15.2)
#
# Writes Tests/Models/CustomOps/ (kept out of Tests/Models itself, whose models every test loads without a custom
# operator library):
#   text_tokenizer.onnx  text (STRING [1]) -> input_ids, token_type_ids, attention_mask (INT64 [-1]) with the
#                        BertTokenizer custom op of onnxruntime-extensions (domain ai.onnx.contrib) and a 15-word
#                        vocabulary; it loads only with that library registered.
#   token_embedding.onnx ids (INT64 [-1]) -> embedding (FP32 [4]): the mean of the rows of a 15 x 4 table
#                        (row i, column j holds (4 i + j) / 8 - 3, exact in float32).
#   cases.json           texts with their token ids worked out by hand from the vocabulary, and the embeddings
#                        computed with NumPy from those ids.
# Tests/Integration/test_ensemble_custom_ops.py serves them as an ensemble (tokenizer -> embedding) and compares the
# server with these cases and with Python onnxruntime running the two models one after the other.
#
# Output is deterministic: the same onnx/numpy versions give byte-identical files.

import argparse
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Models", "CustomOps")

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "hello", "world", "swift", "onnx", "runtime", "serves",
         "models", "##s", "model", "ensemble"]
DIM = 4
TABLE = np.array([[(4 * i + j) / 8 - 3 for j in range(DIM)] for i in range(len(VOCAB))], dtype=np.float32)

# (text, ids by hand): lower-cased, split on spaces and punctuation, each word looked up whole, then as word pieces
# ("ensembles" = "ensemble" + "##s"), unknown words and punctuation [UNK] (1), between [CLS] (2) and [SEP] (3).
CASES = [
    ("Hello World", [2, 5, 6, 3]),
    ("Swift serves ONNX models, ensembles!", [2, 7, 10, 8, 11, 1, 14, 12, 1, 3]),
    ("runtime model zebra", [2, 9, 13, 1, 3]),
]


def tokenizer_model():
    node = helper.make_node(
        "BertTokenizer", ["text"], ["input_ids", "token_type_ids", "attention_mask"], domain="ai.onnx.contrib",
        vocab_file="\n".join(VOCAB), do_lower_case=1)
    graph = helper.make_graph(
        [node], "text_tokenizer", [helper.make_tensor_value_info("text", TensorProto.STRING, [1])],
        [helper.make_tensor_value_info(name, TensorProto.INT64, [None])
         for name in ("input_ids", "token_type_ids", "attention_mask")])
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("ai.onnx.contrib", 1)], ir_version=8,
        producer_name="swift-onnxruntime generate-custom-op-models.py")
    model.doc_string = "BertTokenizer of onnxruntime-extensions over a 15-word vocabulary"
    return model


def embedding_model():
    table = onnx.numpy_helper.from_array(TABLE, "table")
    nodes = [helper.make_node("Gather", ["table", "ids"], ["rows"], axis=0),
             helper.make_node("ReduceMean", ["rows"], ["embedding"], axes=[0], keepdims=0)]
    graph = helper.make_graph(
        nodes, "token_embedding", [helper.make_tensor_value_info("ids", TensorProto.INT64, [None])],
        [helper.make_tensor_value_info("embedding", TensorProto.FLOAT, [DIM])], [table])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8,
                              producer_name="swift-onnxruntime generate-custom-op-models.py")
    model.doc_string = "mean of the rows of a 15 x 4 table picked by the token ids"
    onnx.checker.check_model(model, full_check=True)
    return model


def cases():
    out = []
    for text, ids in CASES:
        embedding = TABLE.astype(np.float64)[ids].mean(axis=0)
        out.append({"text": text, "input_ids": ids, "embedding": [float(v) for v in embedding]})
    return out


def verify():
    import onnxruntime as ort
    import onnxruntime_extensions

    options = ort.SessionOptions()
    options.register_custom_ops_library(onnxruntime_extensions.get_library_path())
    tokenizer = ort.InferenceSession(os.path.join(OUT, "text_tokenizer.onnx"), options)
    embedding = ort.InferenceSession(os.path.join(OUT, "token_embedding.onnx"))
    for case in cases():
        ids = tokenizer.run(["input_ids"], {"text": np.array([case["text"]], dtype=object)})[0]
        assert ids.tolist() == case["input_ids"], (case["text"], ids.tolist())
        vector = embedding.run(None, {"ids": ids})[0]
        np.testing.assert_allclose(vector, case["embedding"], rtol=1e-6)
    print("verified %d cases with onnxruntime %s and onnxruntime-extensions %s"
          % (len(CASES), ort.__version__, onnxruntime_extensions.__version__))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--verify", action="store_true", help="check the cases with onnxruntime-extensions")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    onnx.save(tokenizer_model(), os.path.join(OUT, "text_tokenizer.onnx"))
    onnx.save(embedding_model(), os.path.join(OUT, "token_embedding.onnx"))
    with open(os.path.join(OUT, "cases.json"), "w") as sink:
        json.dump(cases(), sink, indent=1)
        sink.write("\n")
    if args.verify:
        verify()


if __name__ == "__main__":
    main()
