"""Triton's trace extension through tritonclient.http, and a traced request's span at a loopback OTLP receiver.

The settings' shape and defaults, and the error texts, are Triton 2.51's in `--trace-config mode=opentelemetry`
(checked against a real Triton). The server was started with its exporter pointed at this test's receiver
(`opentelemetry,url=127.0.0.1:$ORT_SERVE_OTLP_PORT/v1/traces`, `bsp_schedule_delay=50`).
"""

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from otlp_receiver import OTLPReceiver, receiver_port

TRACE_ID = "0af7651916cd43dd8448eb211c80319c"
PARENT_ID = "b7ad6b7169203331"


def defaults():
    return {
        "trace_level": ["OFF"],
        "trace_rate": "1000",
        "trace_count": "-1",
        "trace_mode": "opentelemetry",
        "url": f"http://127.0.0.1:{receiver_port()}/v1/traces",
        "bsp_max_export_batch_size": "512",
        "bsp_schedule_delay": "50",
        "bsp_max_queue_size": "2048",
    }


@pytest.fixture
def restored(triton):
    """Gives the client and clears every setting afterwards (back to the start-up ones)."""
    yield triton
    cleared = {"trace_level": None, "trace_rate": None, "trace_count": None}
    triton.update_trace_settings(model_name="add_f32", settings=cleared)
    triton.update_trace_settings(settings=cleared)


def test_settings_round_trip(restored):
    assert restored.get_trace_settings() == defaults()
    assert "trace" in restored.get_server_metadata()["extensions"]
    changed = restored.update_trace_settings(settings={"trace_rate": "7", "trace_count": "5"})
    assert changed == {**defaults(), "trace_rate": "7", "trace_count": "5"}
    model = restored.update_trace_settings(model_name="add_f32", settings={"trace_level": ["TIMESTAMPS"]})
    assert model == {**changed, "trace_level": ["TIMESTAMPS"]}
    assert restored.get_trace_settings(model_name="add_f32") == model
    assert restored.get_trace_settings() == changed
    # null clears: the model's level falls back to the global one.
    restored.update_trace_settings(model_name="add_f32", settings={"trace_level": None})
    assert restored.get_trace_settings(model_name="add_f32") == changed


@pytest.mark.parametrize(
    "model, settings, text",
    [
        (None, {"trace_rate": "abc"}, "Unable to parse 'trace_rate'"),
        (None, {"trace_count": "-2"}, "Unable to parse 'trace_count'. Expecting value >= -1, got:-2"),
        (None, {"trace_level": ["TENSORS"]}, "TENSORS is not supported in opentelemetry mode"),
        (None, {"trace_level": ["OFF", "TIMESTAMPS"]}, "Expect only one trace level 'OFF' is specified"),
        (None, {"trace_file": "/tmp/trace.json"}, "trace file location can not be updated through network protocol"),
        (None, {"url": "elsewhere:4318"}, "'url' can not be updated"),
        (None, {"trace_ratee": "1"}, "unknown trace setting 'trace_ratee'"),
        ("no_such_model", {"trace_rate": "1"}, "Request for unknown model : no_such_model"),
    ],
)
def test_bad_update_refused(restored, model, settings, text):
    with pytest.raises(InferenceServerException) as raised:
        restored.update_trace_settings(model_name=model, settings={"trace_rate": "9", **settings})
    assert raised.value.status() == "400"
    assert text in raised.value.message()
    assert restored.get_trace_settings() == defaults()


def add_inputs():
    a = np.array([[7.875, 6.25, 0.375]], dtype=np.float32)
    b = np.array([[7.25, 4.75, 1.75]], dtype=np.float32)
    return [
        httpclient.InferInput("A", [1, 3], "FP32").set_data_from_numpy(a),
        httpclient.InferInput("B", [1, 3], "FP32").set_data_from_numpy(b),
    ], a + b


def test_traceparent_continued(restored):
    receiver = OTLPReceiver(receiver_port())
    try:
        # rate 1000: only a request that carries a traceparent is traced (Triton's rule in OpenTelemetry mode).
        restored.update_trace_settings(settings={"trace_level": ["TIMESTAMPS"]})
        inputs, expected = add_inputs()
        result = restored.infer(
            "add_f32", inputs, request_id="py-trace-1", headers={"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"}
        )
        np.testing.assert_array_equal(result.as_numpy("C"), expected)
        found = receiver.wait_for(bytes.fromhex(TRACE_ID))
        assert found is not None, "no span with the caller's trace ID arrived"
        path, body = found
        assert path == "/v1/traces"
        assert bytes.fromhex(PARENT_ID) in body
        for text in [b"InferRequest", b"add_f32", b"py-trace-1", b"REQUEST_START", b"COMPUTE_START", b"REQUEST_END"]:
            assert text in body
        # A malformed traceparent is ignored: the request succeeds, and with rate 1000 nothing is traced.
        result = restored.infer("add_f32", inputs, headers={"traceparent": "00-xyz-nonsense-01" + "f" * 600})
        np.testing.assert_array_equal(result.as_numpy("C"), expected)
    finally:
        receiver.close()
