"""`ort serve --cache-config local,size=...` seen from tritonclient.http: a model with `response_cache { enable: true }`
(mnist_cached, integration-server.sh) answers repeated requests from the cache, with hits and misses counted exactly
in the statistics extension and in Triton's nv_cache_* metrics. Expected predictions come from
Examples/MNIST/sample/expected.json (computed with Python onnxruntime)."""

import numpy as np
import tritonclient.http as httpclient

from test_batching_metrics import scrape, series
from test_tritonclient import parse_classes, read_mnist, top_classes

MODEL = "mnist_cached"


def counts(triton):
    statistics = triton.get_inference_statistics(MODEL)["model_stats"][0]
    inference = statistics["inference_stats"]
    return {
        "hit": int(inference["cache_hit"]["count"]),
        "miss": int(inference["cache_miss"]["count"]),
        "success": int(inference["success"]["count"]),
        "inferences": int(statistics["inference_count"]),
        "executions": int(statistics["execution_count"]),
    }


def infer(triton, images, binary, classes=None):
    x = httpclient.InferInput("input", list(images.shape), "FP32").set_data_from_numpy(images, binary_data=binary)
    output = httpclient.InferRequestedOutput("probabilities", class_count=classes or 0)
    return triton.infer(MODEL, [x], outputs=[output])


def test_hits_and_misses_are_counted_exactly(triton, metrics_url):
    images, predictions = read_mnist(8)
    first, second = images[:4], images[4:]
    before = counts(triton)
    metrics_before, _ = scrape(metrics_url)

    plain = infer(triton, first, binary=False).as_numpy("probabilities")  # miss
    assert plain.argmax(axis=1).tolist() == predictions[:4]
    again = infer(triton, first, binary=True).as_numpy("probabilities")  # the same tensor as binary data: a hit
    np.testing.assert_array_equal(again, plain)
    # Classification is worked out from the cached probabilities: a hit, with NumPy's top 3 (the model does not
    # batch, so over the whole [4, 10] tensor, as Triton ranks it).
    classified = infer(triton, first, binary=True, classes=3).as_numpy("probabilities")
    expected = top_classes(plain.reshape(-1), 3)
    assert parse_classes(classified) == [(np.float32(value), index) for value, index in expected]
    other = infer(triton, second, binary=False).as_numpy("probabilities")  # other images: a miss
    assert other.argmax(axis=1).tolist() == predictions[4:]

    after = counts(triton)
    assert after["hit"] - before["hit"] == 2
    assert after["miss"] - before["miss"] == 2
    assert after["success"] - before["success"] == 4
    assert after["inferences"] - before["inferences"] == 2  # two runs (the model does not batch); hits run nothing
    assert after["executions"] - before["executions"] == 2

    metrics_after, types = scrape(metrics_url)
    for name, delta in [("nv_cache_num_hits_per_model", 2), ("nv_cache_num_misses_per_model", 2),
                        ("nv_inference_request_success", 4), ("nv_inference_count", 2)]:
        key = series(name, MODEL)
        assert metrics_after[key] - metrics_before.get(key, 0) == delta, name
    assert types["nv_cache_num_hits_per_model"] == "counter"
    assert types["nv_cache_num_entries"] == "gauge"
    assert metrics_after["nv_cache_num_hits"] - metrics_before["nv_cache_num_hits"] == 2
    assert metrics_after["nv_cache_num_entries"] >= 2
    assert 0 < metrics_after["nv_cache_util"] <= 1


def test_config_shows_response_cache(triton):
    assert triton.get_model_config(MODEL)["response_cache"] == {"enable": True}
    assert "response_cache" not in triton.get_model_config("mnist")
