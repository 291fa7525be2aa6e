"""`ort serve`'s dynamic batching and Prometheus metrics seen from tritonclient.http: concurrent requests to a model
with dynamic_batching run as one batch and each gets its own rows; the statistics extension and /metrics (Triton's
metric names) count the requests, rows and runs exactly."""

import urllib.request

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

MODEL = "affine_batched"  # batch_affine with max_batch_size 8 and preferred_batch_size [4] (integration-server.sh)
W = np.array([[1, -2], [3, 0], [-1, 4]], dtype=np.float64)
B = np.array([0.5, -0.25], dtype=np.float64)


def scrape(url):
    """The samples of a Prometheus text exposition by series, and the TYPE of each metric."""
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        text = response.read().decode()
    samples, types = {}, {}
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name, kind = line[7:].split(" ")
            types[name] = kind
        elif line and not line.startswith("#"):
            series, value = line.rsplit(" ", 1)
            samples[series] = float(value)
    return samples, types


def series(name, model=MODEL):
    return f'{name}{{model="{model}",version="1"}}'


def test_concurrent_requests_are_batched_and_counted(host_port, metrics_url):
    before, _ = scrape(metrics_url)
    client = httpclient.InferenceServerClient(url=host_port, concurrency=4, network_timeout=120.0)
    try:
        inputs = [np.arange(3, dtype=np.float32).reshape(1, 3) / 8 + i for i in range(4)]
        pending = []
        for i, x in enumerate(inputs):
            tensor = httpclient.InferInput("x", [1, 3], "FP32")
            tensor.set_data_from_numpy(x, binary_data=i % 2 == 0)
            outputs = [httpclient.InferRequestedOutput("y", binary_data=i % 2 == 1), httpclient.InferRequestedOutput("s")]
            pending.append(client.async_infer(MODEL, [tensor], outputs=outputs, request_id=str(i)))
        results = [request.get_result(timeout=120) for request in pending]
        for i, (x, result) in enumerate(zip(inputs, results)):
            assert result.get_response()["id"] == str(i)
            expected = x.astype(np.float64) @ W + B
            np.testing.assert_array_equal(result.as_numpy("y"), expected.astype(np.float32))
            np.testing.assert_array_equal(result.as_numpy("s"), x.sum(axis=1))
        statistics = client.get_inference_statistics(MODEL)["model_stats"][0]
    finally:
        client.close()
    assert int(statistics["inference_count"]) == 4
    assert int(statistics["execution_count"]) == 1
    assert [(int(b["batch_size"]), int(b["compute_infer"]["count"])) for b in statistics["batch_stats"]] == [(4, 1)]

    after, types = scrape(metrics_url)
    for name, delta in [("nv_inference_request_success", 4), ("nv_inference_count", 4), ("nv_inference_exec_count", 1),
                        ("nv_inference_request_failure", 0)]:
        assert after[series(name)] - before.get(series(name), 0) == delta, name
        assert types[name] == "counter"
    assert after[series("nv_inference_pending_request_count")] == 0
    assert types["nv_inference_pending_request_count"] == "gauge"
    assert after[series("nv_inference_request_duration_us")] > 0
    assert after[series("nv_inference_queue_duration_us")] > 0
    assert after["process_cpu_seconds_total"] > 0
    assert after["process_resident_memory_bytes"] > 1_000_000


def test_failures_are_counted_per_model(triton, metrics_url):
    before, _ = scrape(metrics_url)
    x = httpclient.InferInput("x", [1, 4], "FP32")  # the model wants [N, 3]
    x.set_data_from_numpy(np.zeros((1, 4), dtype=np.float32))
    try:
        triton.infer(MODEL, [x])
        raise AssertionError("a [1, 4] input was accepted")
    except InferenceServerException as error:
        assert error.status() == "400"
    after, _ = scrape(metrics_url)
    assert after[series("nv_inference_request_failure")] - before[series("nv_inference_request_failure")] == 1
    assert after[series("nv_inference_request_success")] == before[series("nv_inference_request_success")]


QUANTILES = ["0.5", "0.9", "0.95", "0.99", "0.999"]
SUMMARIES = {
    "nv_inference_request_summary_us": "nv_inference_request_duration_us",
    "nv_inference_queue_summary_us": "nv_inference_queue_duration_us",
    "nv_inference_compute_input_summary_us": "nv_inference_compute_input_duration_us",
    "nv_inference_compute_infer_summary_us": "nv_inference_compute_infer_duration_us",
    "nv_inference_compute_output_summary_us": "nv_inference_compute_output_duration_us",
}


def test_latency_summaries_after_known_traffic(triton, metrics_url):
    """The server runs with --metrics-config summary_latencies=true: 25 requests add exactly 25 to each summary's
    count and as many microseconds to its sum as to the matching duration counter, and each summary has Triton's five
    quantiles, in order, within [0, the largest single request] (the sum is an upper bound for any one request)."""
    model = "identity_float32"
    before, _ = scrape(metrics_url)
    x = httpclient.InferInput("x", [2, 3], "FP32")
    x.set_data_from_numpy(np.arange(6, dtype=np.float32).reshape(2, 3))
    for _ in range(25):
        result = triton.infer(model, [x])
        assert result.as_numpy("y").tolist() == [[0, 1, 2], [3, 4, 5]]
    after, types = scrape(metrics_url)
    for summary, counter in SUMMARIES.items():
        assert types[summary] == "summary"
        count = after[series(summary + "_count", model)] - before.get(series(summary + "_count", model), 0)
        assert count == 25, summary
        added = after[series(summary + "_sum", model)] - before.get(series(summary + "_sum", model), 0)
        assert added == after[series(counter, model)] - before.get(series(counter, model), 0), summary
        values = [after[f'{summary}{{model="{model}",version="1",quantile="{q}"}}'] for q in QUANTILES]
        assert values == sorted(values), (summary, values)
        assert 0 <= values[0] and values[-1] <= after[series(summary + "_sum", model)], (summary, values)
