#!/usr/bin/env python3
# Trains the MNIST digit recogniser used by the Swift example, with NumPy only, and exports it as ONNX.
#
# Written for this project (swift-onnxruntime) as part of the MNIST example; not derived from another code base.
#
# What it needs: Python 3.9+, numpy, and onnx (for the export). onnxruntime is optional: when it is installed the
# exported model is run once more through it and must give the same predictions as the NumPy forward pass.
#
#     pip install numpy onnx onnxruntime
#     python Examples/MNIST/train.py                    # train, export, write the sample and its expectations
#     python Examples/MNIST/train.py --holdout 10000    # tune: train on 50,000, report the other 10,000; no files
#     python Examples/MNIST/train.py --no-train         # keep mnist-mlp.onnx, only re-write sample/ and expected.json
#
# Data: the four MNIST IDX files (gzip or plain) from --data, by default ../shared/data/mnist/ beside the package
# root. MNIST is by Y. LeCun, C. Cortes and C. J. C. Burges, licensed CC BY-SA 3.0.
#
# The model: input [N, 1, 28, 28] float32 (pixels / 255, white digit on black) -> Flatten -> 784-256-128-10 MLP with
# ReLU -> "logits" [N, 10] and "probabilities" (Softmax). Training: Adam with a cosine learning-rate schedule,
# mini-batches of 128, random shifts of up to 2 pixels as augmentation, fixed seed. About 1 MB of float32 weights.
#
# Writes, next to this script:
#   mnist-mlp.onnx          the model, with metadata (producer, test accuracy); a re-run with the same data, seed,
#                           settings and NumPy/BLAS build writes the same bytes (the training time is printed only)
#   sample/                 the first 200 test digits and labels as plain IDX files, and their README
#   sample/expected.json    NumPy's logits and predictions for those 200 digits (the Swift tests compare against them)
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DATA = os.path.normpath(os.path.join(ROOT, "..", "shared", "data", "mnist"))
MODEL_PATH = os.path.join(HERE, "mnist-mlp.onnx")
SAMPLE_DIR = os.path.join(HERE, "sample")
SAMPLE_COUNT = 200
PRODUCER = "swift-onnxruntime MNIST example"
LAYERS = [784, 256, 128, 10]


# ---------------------------------------------------------------------------------------------------------------------
# IDX files


def find_idx(directory, stem, kind):
    """The path of an IDX file, accepting both `t10k-images.idx3-ubyte` and `t10k-images-idx3-ubyte`, plain or .gz."""
    for name in (f"{stem}.{kind}-ubyte", f"{stem}-{kind}-ubyte"):
        for suffix in (".gz", ""):
            path = os.path.join(directory, name + suffix)
            if os.path.isfile(path):
                return path
    sys.exit(f"error: no {stem}.{kind}-ubyte[.gz] in {directory} (pass --data DIR with the four MNIST IDX files)")


def read_idx(path, magic, rank):
    """Reads an IDX file of unsigned bytes; checks the magic number and that the size matches the header."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    header = 4 + 4 * rank
    if len(data) < header:
        sys.exit(f"error: {path} is too short for an IDX header ({len(data)} bytes)")
    found = struct.unpack(">I", data[:4])[0]
    if found != magic:
        sys.exit(f"error: {path} has magic number 0x{found:08x}, expected 0x{magic:08x}")
    dims = struct.unpack(f">{rank}I", data[4:header])
    count = int(np.prod(dims))
    if len(data) - header != count:
        sys.exit(f"error: {path} holds {len(data) - header} bytes of data, but its header {dims} says {count}")
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(dims)


def write_idx(path, array):
    """Writes a uint8 array as a plain IDX file (magic 0x0801 for labels, 0x0803 for images)."""
    array = np.ascontiguousarray(array, dtype=np.uint8)
    header = struct.pack(">I", 0x0800 | array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    with open(path, "wb") as f:
        f.write(header + array.tobytes())


def load(directory, split):
    stem = "train" if split == "train" else "t10k"
    images = read_idx(find_idx(directory, f"{stem}-images", "idx3"), 0x00000803, 3)
    labels = read_idx(find_idx(directory, f"{stem}-labels", "idx1"), 0x00000801, 1)
    if images.shape[0] != labels.shape[0] or images.shape[1:] != (28, 28):
        sys.exit(f"error: {split} images {images.shape} and labels {labels.shape} do not fit together")
    if labels.max() > 9:
        sys.exit(f"error: {split} labels contain {labels.max()}, expected 0-9")
    return images, labels


def to_input(images):
    """Bytes to the model's input scale: float32 in [0, 1] (x / 255, the same division the Swift example does)."""
    return images.reshape(len(images), -1).astype(np.float32) / np.float32(255)


# ---------------------------------------------------------------------------------------------------------------------
# The network


def init_params(rng):
    params = []
    for fan_in, fan_out in zip(LAYERS[:-1], LAYERS[1:]):
        w = (rng.standard_normal((fan_in, fan_out)) * np.sqrt(2.0 / fan_in)).astype(np.float32)  # He init
        params += [w, np.zeros(fan_out, dtype=np.float32)]
    return params


def forward(params, x):
    """Logits, plus the activations the backward pass needs."""
    activations = [x]
    h = x
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = np.maximum(h, 0)
        activations.append(h)
    return h, activations


def softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def loss_and_grads(params, x, y):
    logits, acts = forward(params, x)
    p = softmax(logits)
    n = len(x)
    loss = -np.log(p[np.arange(n), y] + 1e-12).mean()
    delta = p
    delta[np.arange(n), y] -= 1
    delta /= n
    grads = [None] * len(params)
    for layer in reversed(range(len(params) // 2)):
        grads[2 * layer] = acts[layer].T @ delta
        grads[2 * layer + 1] = delta.sum(axis=0)
        if layer > 0:
            delta = (delta @ params[2 * layer].T) * (acts[layer] > 0)
    return loss, grads


def predict_logits(params, x, batch=2000):
    return np.concatenate([forward(params, x[i : i + batch])[0] for i in range(0, len(x), batch)])


def reference_logits(params, x):
    """An independent float64 forward pass of the float32 weights; what the Swift tests compare against."""
    h = x.astype(np.float64)
    for i in range(0, len(params), 2):
        h = h @ params[i].astype(np.float64) + params[i + 1].astype(np.float64)
        if i + 2 < len(params):
            h = np.maximum(h, 0)
    return h


def shift_batch(images, rng, max_shift):
    """Moves each 28x28 image by a random whole-pixel offset in [-max_shift, max_shift]², filling with black."""
    n = len(images)
    padded = np.pad(images, ((0, 0), (max_shift, max_shift), (max_shift, max_shift)))
    dy = rng.integers(0, 2 * max_shift + 1, n)
    dx = rng.integers(0, 2 * max_shift + 1, n)
    rows = dy[:, None] + np.arange(28)[None, :]
    cols = dx[:, None] + np.arange(28)[None, :]
    return padded[np.arange(n)[:, None, None], rows[:, :, None], cols[:, None, :]]


def train(images, labels, args, rng, holdout=None):
    params = init_params(rng)
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    n = len(images)
    steps_per_epoch = (n + args.batch - 1) // args.batch
    total = steps_per_epoch * args.epochs
    step = 0
    start = time.perf_counter()
    for epoch in range(args.epochs):
        order = rng.permutation(n)
        losses = []
        for b in range(steps_per_epoch):
            idx = order[b * args.batch : (b + 1) * args.batch]
            batch = images[idx]
            if args.shift > 0:
                batch = shift_batch(batch, rng, args.shift)
            x = to_input(batch)
            loss, grads = loss_and_grads(params, x, labels[idx])
            losses.append(loss)
            step += 1
            lr = float(args.lr_min + 0.5 * (args.lr - args.lr_min) * (1 + np.cos(np.pi * step / total)))
            correction1 = 1 - beta1**step
            correction2 = 1 - beta2**step
            for p, g, mi, vi in zip(params, grads, m, v):
                if args.weight_decay and p.ndim == 2:
                    g = g + args.weight_decay * p
                mi *= beta1
                mi += (1 - beta1) * g
                vi *= beta2
                vi += (1 - beta2) * g * g
                p -= lr * (mi / correction1) / (np.sqrt(vi / correction2) + eps)
        line = f"epoch {epoch + 1:2d}/{args.epochs}  loss {np.mean(losses):.4f}  {time.perf_counter() - start:6.1f} s"
        if holdout is not None:
            hx, hy = holdout
            line += f"  held-out accuracy {accuracy(params, hx, hy):.4%}"
        print(line, flush=True)
    return params, time.perf_counter() - start


def accuracy(params, images, labels):
    return float((predict_logits(params, to_input(images)).argmax(axis=1) == labels).mean())


# ---------------------------------------------------------------------------------------------------------------------
# ONNX export


def export(params, path, test_accuracy, args):
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    initializers = []
    nodes = [helper.make_node("Flatten", ["input"], ["flat"], axis=1, name="flatten")]
    h = "flat"
    for layer in range(len(params) // 2):
        w, b = f"fc{layer + 1}.weight", f"fc{layer + 1}.bias"
        initializers += [
            numpy_helper.from_array(params[2 * layer], w),
            numpy_helper.from_array(params[2 * layer + 1], b),
        ]
        last = layer == len(params) // 2 - 1
        out = "logits" if last else f"fc{layer + 1}"
        nodes.append(helper.make_node("Gemm", [h, w, b], [out], name=f"fc{layer + 1}"))
        if not last:
            nodes.append(helper.make_node("Relu", [out], [f"relu{layer + 1}"], name=f"relu{layer + 1}"))
            h = f"relu{layer + 1}"
    nodes.append(helper.make_node("Softmax", ["logits"], ["probabilities"], axis=-1, name="softmax"))

    graph = helper.make_graph(
        nodes,
        "mnist_mlp",
        [
            helper.make_tensor_value_info(
                "input", TensorProto.FLOAT, ["N", 1, 28, 28], "grey-scale digits, pixel / 255, white on black"
            )
        ],
        [
            helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", 10], "unnormalised scores for 0-9"),
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["N", 10], "softmax of the logits"),
        ],
        initializers,
        doc_string="784-256-128-10 MLP with ReLU",
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    model.producer_name = PRODUCER
    model.producer_version = "1"
    model.model_version = 1
    model.doc_string = (
        f"MNIST digit classifier (784-256-128-10 MLP, ReLU), trained with NumPy by Examples/MNIST/train.py on the "
        f"60,000 MNIST training digits. Test accuracy {test_accuracy:.2%} on the 10,000 MNIST test digits. "
        f"MNIST: Y. LeCun, C. Cortes, C. J. C. Burges, CC BY-SA 3.0."
    )
    helper.set_model_props(
        model,
        {
            "test_accuracy": f"{test_accuracy:.4f}",
            "epochs": str(args.epochs),
            "seed": str(args.seed),
            "input_scale": "pixel / 255, white digit on black background",
            "labels": "0,1,2,3,4,5,6,7,8,9",
            "dataset": "MNIST (Y. LeCun, C. Cortes, C. J. C. Burges), CC BY-SA 3.0",
        },
    )
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, path)
    return os.path.getsize(path)


def load_params_from_onnx(path):
    import onnx
    from onnx import numpy_helper

    model = onnx.load(path)
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    params = []
    for layer in range(len(LAYERS) - 1):
        params += [weights[f"fc{layer + 1}.weight"], weights[f"fc{layer + 1}.bias"]]
    return params


def verify_with_onnxruntime(path, x, numpy_logits):
    """Runs the exported model through onnxruntime; its predictions must equal NumPy's."""
    try:
        import onnxruntime as ort
    except ImportError:
        print("onnxruntime is not installed: skipped the check of the exported model")
        return
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    logits, probabilities = session.run(["logits", "probabilities"], {"input": x.reshape(-1, 1, 28, 28)})
    same = int((logits.argmax(axis=1) == numpy_logits.argmax(axis=1)).sum())
    difference = float(np.abs(logits - numpy_logits).max())
    print(
        f"onnxruntime {ort.__version__}: {same}/{len(x)} predictions equal NumPy's, "
        f"largest logit difference {difference:.2e}, probabilities sum to 1 within "
        f"{float(np.abs(probabilities.sum(axis=1) - 1).max()):.1e}"
    )
    if same != len(x) or difference > 1e-3:
        sys.exit("error: the exported model does not agree with the NumPy forward pass")


# ---------------------------------------------------------------------------------------------------------------------
# The committed sample


SAMPLE_README = """\
# A sample of the MNIST test set

The first {count} digits of the MNIST test set (`t10k-images`, `t10k-labels`), as plain (uncompressed) IDX files, so
that the example and its tests run without the full data set. All header integers are big-endian.

| file | what |
|---|---|
| `t10k-images.idx3-ubyte` | {count} images, 28x28 bytes each (magic 0x00000803, count, rows, cols, pixels) |
| `t10k-labels.idx1-ubyte` | their {count} labels 0-9 (magic 0x00000801, count, labels) |
| `expected.json` | NumPy's logits and predictions of `../mnist-mlp.onnx` for these digits, for the tests |

All files here are written by `../train.py`.

**Source and licence.** MNIST database of handwritten digits by Yann LeCun, Corinna Cortes and Christopher J. C.
Burges. This extract (the first {count} test digits, unchanged) is distributed under the Creative Commons
Attribution-ShareAlike 3.0 licence (CC BY-SA 3.0, https://creativecommons.org/licenses/by-sa/3.0/), like the
original data set.
"""


def write_sample(params, test_images, test_labels):
    os.makedirs(SAMPLE_DIR, exist_ok=True)
    images, labels = test_images[:SAMPLE_COUNT], test_labels[:SAMPLE_COUNT]
    write_idx(os.path.join(SAMPLE_DIR, "t10k-images.idx3-ubyte"), images)
    write_idx(os.path.join(SAMPLE_DIR, "t10k-labels.idx1-ubyte"), labels)
    with open(os.path.join(SAMPLE_DIR, "README.md"), "w") as f:
        f.write(SAMPLE_README.format(count=SAMPLE_COUNT))
    logits = reference_logits(params, to_input(images))
    predictions = logits.argmax(axis=1)
    correct = int((predictions == labels).sum())
    expected = {
        "about": "NumPy float64 forward pass of mnist-mlp.onnx's float32 weights on the first "
        f"{SAMPLE_COUNT} MNIST test digits (input = pixel / 255); written by train.py",
        "count": SAMPLE_COUNT,
        "correct": correct,
        "labels": labels.tolist(),
        "predictions": predictions.tolist(),
        "logits": [[float(f"{v:.7g}") for v in row] for row in logits],
    }
    with open(os.path.join(SAMPLE_DIR, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")
    print(f"sample: first {SAMPLE_COUNT} test digits -> {SAMPLE_DIR} ({correct}/{SAMPLE_COUNT} right)")


# ---------------------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description="Train the MNIST MLP with NumPy and export it as ONNX.")
    parser.add_argument("--data", default=DEFAULT_DATA, help="folder with the MNIST IDX files (default: %(default)s)")
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-3, help="peak Adam learning rate")
    parser.add_argument("--lr-min", type=float, default=1e-5, help="final learning rate of the cosine schedule")
    parser.add_argument("--weight-decay", type=float, default=0.0, help="L2 penalty on the weight matrices")
    parser.add_argument("--shift", type=int, default=2, help="largest random shift in pixels (0: no augmentation)")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--holdout", type=int, default=0, help="train on the rest, report these last N; write nothing")
    parser.add_argument("--no-train", action="store_true", help="reuse mnist-mlp.onnx; only re-write the sample")
    args = parser.parse_args()

    test_images, test_labels = load(args.data, "test")
    if args.no_train:
        params = load_params_from_onnx(MODEL_PATH)
    else:
        train_images, train_labels = load(args.data, "train")
        print(f"MNIST: {len(train_images)} training and {len(test_images)} test digits from {args.data}")
        rng = np.random.default_rng(args.seed)
        if args.holdout:
            cut = len(train_images) - args.holdout
            holdout = (train_images[cut:], train_labels[cut:])
            params, seconds = train(train_images[:cut], train_labels[:cut], args, rng, holdout)
            print(f"trained in {seconds:.1f} s; held-out accuracy {accuracy(params, *holdout):.4%} (nothing written)")
            return
        params, seconds = train(train_images, train_labels, args, rng)
        print(f"train time {seconds:.1f} s, train accuracy {accuracy(params, train_images, train_labels):.4%}")

    x = to_input(test_images)
    logits = predict_logits(params, x)
    test_accuracy = float((logits.argmax(axis=1) == test_labels).mean())
    print(f"test accuracy (NumPy): {test_accuracy:.4%} ({int(round(test_accuracy * len(x)))}/{len(x)})")
    if test_accuracy < 0.98:
        sys.exit("error: test accuracy is below 98%; not exporting")

    if not args.no_train:
        size = export(params, MODEL_PATH, test_accuracy, args)
        print(f"wrote {MODEL_PATH} ({size:,} bytes)")
    verify_with_onnxruntime(MODEL_PATH, x, logits)
    write_sample(params, test_images, test_labels)


if __name__ == "__main__":
    main()
