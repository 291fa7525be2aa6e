"""Triton's trace extension through tritonclient.grpc (`TraceSetting`), and a traceparent sent as gRPC metadata.

See test_trace.py for where the expected values come from.
"""

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from otlp_receiver import OTLPReceiver, receiver_port

TRACE_ID = "5b8aa5a2d2c872e8321cf37308d69df2"
PARENT_ID = "051581bf3cb55c13"


@pytest.fixture
def client(grpc_url):
    client = grpcclient.InferenceServerClient(url=grpc_url)
    yield client
    cleared = {"trace_level": None, "trace_rate": None, "trace_count": None}
    client.update_trace_settings(model_name="add_f32", settings=cleared)
    client.update_trace_settings(settings=cleared)
    client.close()


def settings(client, **kwargs):
    return {key: list(value["value"]) for key, value in client.get_trace_settings(as_json=True, **kwargs)["settings"].items()}


def test_settings_round_trip(client):
    initial = settings(client)
    assert initial["trace_level"] == ["OFF"]
    assert initial["trace_rate"] == ["1000"]
    assert initial["trace_count"] == ["-1"]
    assert initial["trace_mode"] == ["opentelemetry"]
    assert initial["url"] == [f"http://127.0.0.1:{receiver_port()}/v1/traces"]
    changed = client.update_trace_settings(
        model_name="add_f32", settings={"trace_rate": "3", "trace_level": ["TIMESTAMPS"]}, as_json=True
    )
    assert changed["settings"]["trace_rate"]["value"] == ["3"]
    assert settings(client, model_name="add_f32")["trace_level"] == ["TIMESTAMPS"]
    assert settings(client)["trace_level"] == ["OFF"]


@pytest.mark.parametrize(
    "update, text",
    [
        ({"trace_count": "-2"}, "Expecting value >= -1"),
        ({"trace_level": ["TENSORS"]}, "TENSORS"),
        ({"bogus": "1"}, "unknown trace setting 'bogus'"),
    ],
)
def test_bad_update_refused(client, update, text):
    with pytest.raises(InferenceServerException) as raised:
        client.update_trace_settings(settings=update)
    assert raised.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert text in raised.value.message()


def test_traceparent_in_metadata(client):
    receiver = OTLPReceiver(receiver_port())
    try:
        client.update_trace_settings(settings={"trace_level": ["TIMESTAMPS"]})
        a = np.array([[1.5, 2.5, -3.0]], dtype=np.float32)
        b = np.array([[0.25, 0.5, 4.0]], dtype=np.float32)
        inputs = [
            grpcclient.InferInput("A", [1, 3], "FP32").set_data_from_numpy(a),
            grpcclient.InferInput("B", [1, 3], "FP32").set_data_from_numpy(b),
        ]
        result = client.infer("add_f32", inputs, headers={"traceparent": f"00-{TRACE_ID}-{PARENT_ID}-01"})
        np.testing.assert_array_equal(result.as_numpy("C"), a + b)
        found = receiver.wait_for(bytes.fromhex(TRACE_ID))
        assert found is not None, "no span with the caller's trace ID arrived"
        assert bytes.fromhex(PARENT_ID) in found[1]
        assert b"GRPC_SEND_START" in found[1]
    finally:
        receiver.close()
