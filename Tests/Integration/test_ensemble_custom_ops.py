"""Ensembles and custom operator libraries with tritonclient.http and tritonclient.grpc.

A server of its own (from ORT_BINARY, on free ports, explicit model control) serves:
- text_embed, a real pre-processing pipeline: text_tokenizer (the BertTokenizer custom op of onnxruntime-extensions
  0.15.2, whose library the server loads because of --allow-custom-op-libraries) -> token_embedding;
- pipeline, three generated models with dynamic batching: IN -> add_f32 (A = B = IN) -> batch_affine; IN -> identity.
Each ensemble's answers over HTTP and gRPC are compared with Python onnxruntime running the same models one after the
other (with the same custom operator library), and with the cases of Tests/Models/CustomOps/cases.json (token ids by
hand, embeddings by NumPy). The models come from scripts/generate-custom-op-models.py and generate-test-models.py.

onnxruntime-extensions ships its library as a Python extension module: it refers to libpython's symbols without
linking libpython, so outside Python it loads only with libpython loaded first. The server here runs with
LD_PRELOAD set to this Python's libpython; a library built for C/C++ servers needs nothing of the kind.

Runs in the gRPC pytest process (it imports tritonclient.grpc)."""

import json
import os
import shutil
import socket
import subprocess
import sysconfig
import time
import urllib.request

import numpy as np
import onnxruntime as ort
import onnxruntime_extensions
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "Tests", "Models")
CUSTOM = os.path.join(MODELS, "CustomOps")
ORT = os.environ.get("ORT_BINARY", "")
LIBRARY = onnxruntime_extensions.get_library_path()
CASES = json.load(open(os.path.join(CUSTOM, "cases.json")))

TEXT_EMBED = """
platform: "ensemble"
max_batch_size: 0
input [ { name: "TEXT" data_type: TYPE_STRING dims: [ 1 ] } ]
output [ { name: "EMBEDDING" data_type: TYPE_FP32 dims: [ 4 ] },
         { name: "IDS" data_type: TYPE_INT64 dims: [ -1 ] } ]
ensemble_scheduling {
  step [
    { model_name: "tokenizer" model_version: -1
      input_map { key: "text" value: "TEXT" }
      output_map { key: "input_ids" value: "IDS" } },
    { model_name: "embed" model_version: -1
      input_map { key: "ids" value: "IDS" }
      output_map { key: "embedding" value: "EMBEDDING" } }
  ]
}
"""

PIPELINE = """
platform: "ensemble"
max_batch_size: 4
input [ { name: "IN" data_type: TYPE_FP32 dims: [ 3 ] } ]
output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] },
         { name: "SUM" data_type: TYPE_FP32 dims: [ ] },
         { name: "COPY" data_type: TYPE_FP32 dims: [ 3 ] } ]
ensemble_scheduling {
  step [
    { model_name: "add" input_map { key: "A" value: "IN" } input_map { key: "B" value: "IN" }
      output_map { key: "C" value: "doubled" } },
    { model_name: "affine" input_map { key: "x" value: "doubled" }
      output_map { key: "y" value: "OUT" } output_map { key: "s" value: "SUM" } },
    { model_name: "ident" input_map { key: "x" value: "IN" } output_map { key: "y" value: "COPY" } }
  ]
}
"""

BATCHING = "max_batch_size: 8\ndynamic_batching { max_queue_delay_microseconds: 2000 }\n"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def libpython():
    path = os.path.join(sysconfig.get_config_var("LIBDIR") or "", sysconfig.get_config_var("INSTSONAME") or "")
    return path if os.path.isfile(path) else None


def add_model(repo, name, source=None, config=None):
    os.makedirs(os.path.join(repo, name, "1"), exist_ok=True)
    if source:
        shutil.copy(source, os.path.join(repo, name, "1", "model.onnx"))
    if config is not None:
        with open(os.path.join(repo, name, "config.pbtxt"), "w") as sink:
            sink.write(config)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if not ORT:
        pytest.skip("ORT_BINARY is not set (scripts/integration-server.sh sets it)")
    preload = libpython()
    assert preload, "this Python has no shared libpython, which onnxruntime-extensions' library needs"
    repo = str(tmp_path_factory.mktemp("ensembles") / "models")
    add_model(repo, "tokenizer", os.path.join(CUSTOM, "text_tokenizer.onnx"),
              f'model_operations {{ op_library_filename: "{LIBRARY}" }}\n')
    add_model(repo, "embed", os.path.join(CUSTOM, "token_embedding.onnx"))
    add_model(repo, "text_embed", config=TEXT_EMBED)
    add_model(repo, "add", os.path.join(MODELS, "add_f32.onnx"), BATCHING)
    add_model(repo, "affine", os.path.join(MODELS, "batch_affine.onnx"), BATCHING)
    add_model(repo, "ident", os.path.join(MODELS, "batch_identity_float32.onnx"), BATCHING)
    add_model(repo, "pipeline", config=PIPELINE)
    # The same library, copied into the repository: not in an allowed directory.
    add_model(repo, "tokenizer_outside", os.path.join(CUSTOM, "text_tokenizer.onnx"),
              'model_operations { op_library_filename: "libcopied.so" }\n')
    shutil.copy(LIBRARY, os.path.join(repo, "tokenizer_outside", "libcopied.so"))

    http_port, grpc_port = free_port(), free_port()
    args = [ORT, "serve", "--model-repository", repo, "--host", "127.0.0.1", "--http-port", str(http_port),
            "--grpc-port", str(grpc_port), "--allow-metrics", "false", "--model-control-mode", "explicit",
            "--load-model", "text_embed", "--load-model", "pipeline",
            "--allow-custom-op-libraries", os.path.dirname(LIBRARY)]
    log = tmp_path_factory.mktemp("ensembles-log") / "server.log"
    with open(log, "w") as output:
        process = subprocess.Popen(args, stdout=output, stderr=subprocess.STDOUT,
                                   env=dict(os.environ, LD_PRELOAD=preload))
    try:
        deadline = time.monotonic() + 120
        while True:
            assert process.poll() is None, open(log).read()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{http_port}/v2/health/ready", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, open(log).read()
            time.sleep(0.2)
        yield f"127.0.0.1:{http_port}", f"127.0.0.1:{grpc_port}"
    finally:
        process.terminate()
        process.wait(timeout=20)


@pytest.fixture(scope="module")
def reference():
    """Python onnxruntime with the same custom operator library, one model at a time."""
    options = ort.SessionOptions()
    options.register_custom_ops_library(LIBRARY)
    return {
        "tokenizer": ort.InferenceSession(os.path.join(CUSTOM, "text_tokenizer.onnx"), options),
        "embed": ort.InferenceSession(os.path.join(CUSTOM, "token_embedding.onnx")),
        "add": ort.InferenceSession(os.path.join(MODELS, "add_f32.onnx")),
        "affine": ort.InferenceSession(os.path.join(MODELS, "batch_affine.onnx")),
    }


def clients(server):
    http_url, grpc_url = server
    return [("http", httpclient, httpclient.InferenceServerClient(http_url)),
            ("grpc", grpcclient, grpcclient.InferenceServerClient(grpc_url))]


def infer(module, client, model, inputs, outputs):
    request = []
    for name, array, datatype in inputs:
        tensor = module.InferInput(name, list(array.shape), datatype)
        tensor.set_data_from_numpy(array)
        request.append(tensor)
    result = client.infer(model, request, outputs=[module.InferRequestedOutput(name) for name in outputs])
    return {name: result.as_numpy(name) for name in outputs}


def test_text_embedding_matches_the_steps_one_by_one(server, reference):
    for case in CASES:
        text = np.array([case["text"].encode()], dtype=np.object_)
        ids = reference["tokenizer"].run(["input_ids"], {"text": np.array([case["text"]], dtype=object)})[0]
        embedding = reference["embed"].run(None, {"ids": ids})[0]
        assert ids.tolist() == case["input_ids"]
        np.testing.assert_allclose(embedding, case["embedding"], rtol=1e-6)
        for label, module, client in clients(server):
            got = infer(module, client, "text_embed", [("TEXT", text, "BYTES")], ["EMBEDDING", "IDS"])
            assert got["IDS"].dtype == np.int64 and got["IDS"].tolist() == case["input_ids"], label
            assert got["EMBEDDING"].dtype == np.float32 and got["EMBEDDING"].shape == (4,), label
            np.testing.assert_array_equal(got["EMBEDDING"], embedding, err_msg=label)


def test_pipeline_matches_the_steps_one_by_one(server, reference):
    x = np.array([[1, 2, 3], [-0.5, 0.25, 4], [7.125, -3, 0]], dtype=np.float32)
    doubled = reference["add"].run(None, {"A": x, "B": x})[0]
    y, s = reference["affine"].run(["y", "s"], {"x": doubled})
    for label, module, client in clients(server):
        got = infer(module, client, "pipeline", [("IN", x, "FP32")], ["OUT", "SUM", "COPY"])
        np.testing.assert_array_equal(got["OUT"], y, err_msg=label)
        np.testing.assert_array_equal(got["SUM"], s, err_msg=label)
        np.testing.assert_array_equal(got["COPY"], x, err_msg=label)


def test_statistics_per_composing_model(server):
    _, module, client = clients(server)[0]

    def successes():
        stats = client.get_inference_statistics()["model_stats"]
        return {entry["name"]: entry["inference_stats"]["success"]["count"] for entry in stats}

    before = successes()
    text = np.array([b"hello swift"], dtype=np.object_)
    for _ in range(3):
        infer(module, client, "text_embed", [("TEXT", text, "BYTES")], ["EMBEDDING"])
    after = successes()
    for model in ("text_embed", "tokenizer", "embed"):
        assert after[model] - before[model] == 3, (model, before, after)
    assert after["add"] == before["add"]
    stats = client.get_inference_statistics("text_embed")["model_stats"][0]
    assert stats["inference_stats"]["compute_infer"]["ns"] > 0


def test_metadata_and_config(server):
    for label, _, client in clients(server):
        metadata = client.get_model_metadata("text_embed")
        platform = metadata["platform"] if label == "http" else metadata.platform
        assert platform == "ensemble", label
        extensions = client.get_server_metadata()
        extensions = extensions["extensions"] if label == "http" else list(extensions.extensions)
        assert "model_repository(unload_dependents)" in extensions, label
    config = clients(server)[0][2].get_model_config("text_embed")
    assert [step["model_name"] for step in config["ensemble_scheduling"]["step"]] == ["tokenizer", "embed"]
    tokenizer = clients(server)[0][2].get_model_config("tokenizer")
    assert tokenizer["model_operations"]["op_library_filename"] == [LIBRARY]


def test_a_failing_step_names_itself(server):
    for label, module, client in clients(server):
        client.unload_model("affine")
        try:
            with pytest.raises(InferenceServerException) as failure:
                infer(module, client, "pipeline", [("IN", np.ones((1, 3), dtype=np.float32), "FP32")], ["OUT"])
            assert "ensemble 'pipeline' step 2 (model 'affine'): " in failure.value.message(), label
        finally:
            client.load_model("affine")
        got = infer(module, client, "pipeline", [("IN", np.ones((1, 3), dtype=np.float32), "FP32")], ["SUM"])
        assert got["SUM"].tolist() == [6.0], label


def test_unload_dependents(server):
    for label, _, client in clients(server):
        client.unload_model("text_embed", unload_dependents=True)
        for model in ("text_embed", "tokenizer", "embed"):
            assert not client.is_model_ready(model), (label, model)
        assert client.is_model_ready("pipeline") and client.is_model_ready("add"), label
        client.load_model("text_embed")
        for model in ("text_embed", "tokenizer", "embed"):
            assert client.is_model_ready(model), (label, model)
        # Without the parameter the composing models stay.
        client.unload_model("text_embed")
        assert client.is_model_ready("tokenizer") and client.is_model_ready("embed"), label
        client.load_model("text_embed")


def test_a_library_outside_the_allowed_directories_is_refused(server):
    for label, _, client in clients(server):
        with pytest.raises(InferenceServerException) as failure:
            client.load_model("tokenizer_outside")
        message = failure.value.message()
        assert "libcopied.so" in message and "is not in a directory allowed by --allow-custom-op-libraries" in message, \
            (label, message)
