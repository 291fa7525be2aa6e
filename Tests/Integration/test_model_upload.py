"""Triton's model files on load, sent by tritonclient's `load_model(config=..., files=...)` over REST (base64) and
gRPC (bytes): add_f32 (C = A + B) from Tests/Models is loaded under a name the repository does not have, answers as
NumPy does, and leaves the index once unloaded. A file name over 255 bytes gets Triton's status and text."""

import json
import os

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

MODEL_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Models", "add_f32.onnx")


def model_bytes():
    with open(MODEL_FILE, "rb") as f:
        return f.read()


def expect_sum(client, module, name):
    a = np.array([[1.5, -2.0, 3.25]], dtype=np.float32)
    b = np.array([[0.5, 4.0, -1.25]], dtype=np.float32)
    inputs = [module.InferInput("A", [1, 3], "FP32"), module.InferInput("B", [1, 3], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(b)
    np.testing.assert_array_equal(client.infer(name, inputs).as_numpy("C"), a + b)


def test_rest_upload_loads_serves_and_unloads(triton, auth_headers):
    name = "uploaded_rest"
    triton.load_model(name, headers=auth_headers, config=json.dumps({"max_batch_size": 4}),
                      files={"file:1/model.onnx": model_bytes()})
    assert triton.is_model_ready(name)
    assert triton.get_model_config(name)["max_batch_size"] == 4
    expect_sum(triton, httpclient, name)
    triton.unload_model(name, headers=auth_headers)
    names = [entry["name"] for entry in triton.get_model_repository_index(headers=auth_headers)]
    assert name not in names


def test_rest_file_name_too_long_is_internal_as_in_triton(triton, auth_headers):
    with pytest.raises(InferenceServerException) as failure:
        triton.load_model("uploaded_rest", headers=auth_headers, config="{}", files={"file:" + "A" * 256: b"a"})
    assert failure.value.status() == "500"
    assert "failed to load 'uploaded_rest', failed to poll from model repository" in failure.value.message()
    assert "longer than 255 bytes" in failure.value.message()
    assert triton.is_server_live()


def test_grpc_upload_loads_serves_and_unloads(grpc_url, auth_headers):
    # gRPC metadata keys are lower case.
    auth_headers = {key.lower(): value for key, value in auth_headers.items()}
    client = grpcclient.InferenceServerClient(url=grpc_url)
    name = "uploaded_grpc"
    client.load_model(name, headers=auth_headers, config="{}", files={"file:2/model.onnx": model_bytes()})
    assert client.is_model_ready(name, "2")
    expect_sum(client, grpcclient, name)
    with pytest.raises(InferenceServerException) as failure:
        client.load_model(name, headers=auth_headers, config="{}", files={"file:" + "A" * 256: b"a"})
    # What Triton's simple_grpc_model_control.py expects.
    assert failure.value.status() == "StatusCode.INTERNAL"
    assert "failed to poll from model repository" in failure.value.message()
    assert client.is_model_ready(name, "2")
    client.unload_model(name, headers=auth_headers)
    index = client.get_model_repository_index(headers=auth_headers)
    assert name not in [model.name for model in index.models]
    client.close()
