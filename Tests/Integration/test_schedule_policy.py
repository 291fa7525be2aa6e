"""Triton's schedule_policy extension through tritonclient, over REST and gRPC: the `priority` and `timeout` arguments
of `infer` on `slow_priority` (Tests/Models/batch_slow: y = x after max(iterations) loop steps; one instance, one row a
batch; priority_levels 2, default 2; level 1's queue holds one request), which scripts/integration-server.sh sets up.
The behaviour was settled against Triton 2.51 with the same configuration: level 1 runs before level 2 whatever the
arrival order, and a level's full queue is a 503 (UNAVAILABLE) for that level only."""

import threading
import time
import urllib.request

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

MODEL = "slow_priority"


@pytest.fixture(scope="module")
def grpc_client(grpc_url):
    client = grpcclient.InferenceServerClient(url=grpc_url)
    yield client
    client.close()


def inputs(module, value, iterations):
    x = module.InferInput("x", [1, 4], "FP32")
    x.set_data_from_numpy(np.array([[value, 1, 2, 3]], dtype=np.float32))
    n = module.InferInput("iterations", [1, 1], "INT64")
    n.set_data_from_numpy(np.array([[iterations]], dtype=np.int64))
    return [x, n]


def pending(metrics_url):
    """MODEL's nv_inference_pending_request_count."""
    text = urllib.request.urlopen(metrics_url, timeout=30).read().decode()
    for line in text.splitlines():
        if line.startswith("nv_inference_pending_request_count{") and f'model="{MODEL}"' in line:
            return float(line.rsplit(" ", 1)[1])
    return None


def last_inference(triton):
    return int(triton.get_inference_statistics(MODEL)["model_stats"][0]["last_inference"])


def wait_for_queue(triton, metrics_url, count, since):
    """Waits until a request newer than `since` (a last_inference value) has arrived and `count` requests of MODEL
    wait in its queue."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if last_inference(triton) > since and pending(metrics_url) == count:
            return
        time.sleep(0.02)
    raise AssertionError(f"{count} requests never waited for {MODEL}")


def test_schedule_policy_is_listed_and_configured(triton):
    assert "schedule_policy" in triton.get_server_metadata()["extensions"]
    batching = triton.get_model_config(MODEL)["dynamic_batching"]
    assert batching["priority_levels"] == 2
    assert batching["default_priority_level"] == 2
    assert batching["priority_queue_policy"]["1"]["max_queue_size"] == 1


def run_in_thread(connect, function):
    """Runs function(client) on a thread of its own, with a client from connect() made on that thread (tritonclient.http
    is gevent-based: a client belongs to the thread that made it)."""
    result = {}

    def body():
        client = connect()
        try:
            result["value"] = function(client)
        except InferenceServerException as error:
            result["error"] = error
        result["done"] = time.monotonic()

    thread = threading.Thread(target=body)
    thread.start()
    return thread, result


@pytest.mark.parametrize("transport", ["http", "grpc"])
def test_level_one_runs_first_and_its_full_queue_is_refused(triton, grpc_client, host_port, metrics_url, transport):
    if transport == "http":
        module, client = httpclient, triton
        connect = lambda: httpclient.InferenceServerClient(url=host_port, network_timeout=120.0)  # noqa: E731
    else:
        module, client = grpcclient, grpc_client
        connect = lambda: grpc_client  # noqa: E731
    since = last_inference(triton)
    # A request that would run for minutes holds the one instance until its 5 s timeout (microseconds) ends it.
    blocker, blocked = run_in_thread(
        connect, lambda c: c.infer(MODEL, inputs(module, -1, 10_000_000), timeout=5_000_000))
    wait_for_queue(triton, metrics_url, 0, since)
    # Level 2 (the default) arrives first, then level 1; level 1's queue is then full.
    low, low_result = run_in_thread(connect, lambda c: c.infer(MODEL, inputs(module, 2, 100_000)))
    wait_for_queue(triton, metrics_url, 1, since)
    high, high_result = run_in_thread(connect, lambda c: c.infer(MODEL, inputs(module, 1, 1), priority=1))
    wait_for_queue(triton, metrics_url, 2, since)
    with pytest.raises(InferenceServerException) as refused:
        client.infer(MODEL, inputs(module, 3, 1), priority=1)
    assert "priority level 1" in str(refused.value)
    assert refused.value.status() in ("503", "StatusCode.UNAVAILABLE")
    for thread in (blocker, low, high):
        thread.join(120)
    assert "timed out after 5 s" in str(blocked.get("error")), blocked
    np.testing.assert_array_equal(high_result["value"].as_numpy("y"), [[1, 1, 2, 3]])
    np.testing.assert_array_equal(low_result["value"].as_numpy("y"), [[2, 1, 2, 3]])
    # The level-2 request arrived first but ran second: it takes 100,000 loop steps, the level-1 one takes 1.
    assert high_result["done"] < low_result["done"]
