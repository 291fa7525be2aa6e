"""`reshape` through tritonclient.grpc, on the model `reshape_warm` (see test_config_features.py)."""

import queue

import numpy as np
import pytest
import tritonclient.grpc as grpcclient

from test_config_features import MODEL, expected, rows


@pytest.fixture(scope="module")
def grpc_client(grpc_url):
    client = grpcclient.InferenceServerClient(url=grpc_url)
    yield client
    client.close()


def test_grpc_metadata_shows_the_clients_shapes(grpc_client):
    metadata = grpc_client.get_model_metadata(MODEL)
    assert [list(i.shape) for i in metadata.inputs] == [[-1, 6], [-1, 1]]
    assert list(metadata.outputs[0].shape) == [-1, 3, 1]
    config = grpc_client.get_model_config(MODEL).config
    assert [list(i.dims) for i in config.input] == [[6], [1]]


def test_grpc_inference_and_dynamic_batching(grpc_client):
    # Requests sent together are batched in the model's shape; each gets its own rows back in the client's shape.
    done = queue.Queue()
    cases = [rows(1 + index % 2, 10 + index) for index in range(6)]
    for index, (x, scale) in enumerate(cases):
        inputs = [grpcclient.InferInput("x", list(x.shape), "FP32"), grpcclient.InferInput("scale", list(scale.shape),
                                                                                           "FP32")]
        inputs[0].set_data_from_numpy(x)
        inputs[1].set_data_from_numpy(scale)
        grpc_client.async_infer(MODEL, inputs, callback=lambda result, error, index=index: done.put((index, result,
                                                                                                     error)))
    for _ in cases:
        index, result, error = done.get(timeout=60)
        assert error is None, error
        x, scale = cases[index]
        y = result.as_numpy("y")
        assert y.shape == (x.shape[0], 3, 1)
        np.testing.assert_array_equal(y, expected(x, scale))
