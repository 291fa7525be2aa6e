"""Triton configuration features through tritonclient: `reshape` (clients see `dims`, the model `reshape.shape`) and
`model_warmup`, on the model `reshape_warm` that scripts/integration-server.sh sets up (Tests/Models/reshape_batch:
y[n, j] = (x[n, 0, j] + x[n, 1, j]) * scale[n] over x [N, 2, 3]), with dynamic batching. REST here; gRPC in test_config_features_grpc.py (tritonclient.grpc cannot be imported beside
the KServe SDK the REST tests use)."""

import numpy as np
import pytest
import tritonclient.http as httpclient

MODEL = "reshape_warm"


def expected(x, scale):
    # NumPy, in the model's own shapes.
    return (x.reshape(-1, 2, 3).sum(axis=1) * scale.reshape(-1, 1)).reshape(-1, 3, 1)


def rows(n, seed):
    rng = np.random.default_rng(seed)
    x = (rng.integers(-64, 64, size=(n, 6)) / 8).astype(np.float32)
    scale = (rng.integers(-16, 16, size=(n, 1)) / 4).astype(np.float32)
    return x, scale


def test_warmup_ran_before_ready_and_is_not_counted(triton):
    # Loaded at start with its warmup (2 x a batch of 4, then 1 x a batch of 1): ready, and no inference counted yet.
    assert triton.is_model_ready(MODEL)
    stats = triton.get_inference_statistics(MODEL)["model_stats"][0]
    assert stats["inference_count"] == 0 and stats["execution_count"] == 0
    config = triton.get_model_config(MODEL)
    assert [sample["name"] for sample in config["model_warmup"]] == ["zeros", "from_file"]
    assert config["model_warmup"][1]["inputs"]["x"] == {
        "data_type": "TYPE_FP32", "dims": [6], "input_data_file": "x.raw"}


def test_metadata_and_config_show_the_clients_shapes_and_the_reshape(triton):
    metadata = triton.get_model_metadata(MODEL)
    assert [i["shape"] for i in metadata["inputs"]] == [[-1, 6], [-1, 1]]
    assert metadata["outputs"][0]["shape"] == [-1, 3, 1]
    config = triton.get_model_config(MODEL)
    assert [i["dims"] for i in config["input"]] == [[6], [1]]
    assert [i["reshape"] for i in config["input"]] == [{"shape": [2, 3]}, {"shape": []}]
    assert config["output"][0]["reshape"] == {"shape": [3]}


@pytest.mark.parametrize("binary", [False, True])
def test_http_inference_in_the_clients_shapes(triton, binary):
    x, scale = rows(3, 1)
    inputs = [httpclient.InferInput("x", [3, 6], "FP32"), httpclient.InferInput("scale", [3, 1], "FP32")]
    inputs[0].set_data_from_numpy(x, binary_data=binary)
    inputs[1].set_data_from_numpy(scale, binary_data=binary)
    result = triton.infer(MODEL, inputs, outputs=[httpclient.InferRequestedOutput("y", binary_data=binary)])
    y = result.as_numpy("y")
    assert y.shape == (3, 3, 1)
    np.testing.assert_array_equal(y, expected(x, scale))
