"""The gRPC ModelConfig answer carries what REST's config JSON carries, for the models with sequence batching,
implicit state, reshape and model_warmup that scripts/integration-server.sh loads.

tritonclient.grpc's `get_model_config(..., as_json=True)` is protobuf's JSON form of the message (defaults left out,
64-bit integers as strings); the REST body, read into Triton's own `inference.ModelConfig` (tritonclient's
model_config_pb2, which refuses any field it does not know) and written back the same way, must equal it.
"""

import pytest
import tritonclient.grpc as grpcclient
from google.protobuf.json_format import MessageToDict, ParseDict
from tritonclient.grpc import model_config_pb2

MODELS = ["seq_controls", "seq_accumulate_direct", "seq_accumulate_oldest", "silero_vad", "reshape_warm"]


@pytest.fixture(scope="module")
def grpc_client(grpc_url):
    client = grpcclient.InferenceServerClient(url=grpc_url)
    yield client
    client.close()


@pytest.mark.parametrize("model", MODELS)
def test_grpc_config_equals_rest(grpc_client, triton, model):
    rest = triton.get_model_config(model)
    expected = MessageToDict(
        ParseDict(rest, model_config_pb2.ModelConfig(), ignore_unknown_fields=False),
        preserving_proto_field_name=True,
    )
    assert grpc_client.get_model_config(model, as_json=True)["config"] == expected
    # And the message itself, field by field.
    assert grpc_client.get_model_config(model).config == ParseDict(rest, model_config_pb2.ModelConfig())


def test_sequence_fields_by_hand(grpc_client):
    config = grpc_client.get_model_config("silero_vad", as_json=True)["config"]
    batching = config["sequence_batching"]
    # From the config.pbtxt in scripts/integration-server.sh.
    assert batching["max_sequence_idle_microseconds"] == "5000000"
    assert batching["oldest"] == {"max_candidate_sequences": 4}
    assert batching["state"] == [
        {
            "input_name": "state",
            "output_name": "stateN",
            "data_type": "TYPE_FP32",
            "dims": ["2", "1", "128"],
            "initial_state": [
                {"data_type": "TYPE_FP32", "dims": ["2", "1", "128"], "zero_data": True, "name": "zeros"}
            ],
        }
    ]
    controls = grpc_client.get_model_config("seq_controls").config.sequence_batching.control_input
    kinds = {
        control.name: model_config_pb2.ModelSequenceBatching.Control.Kind.Name(control.control[0].kind)
        for control in controls
    }
    assert kinds == {
        "START": "CONTROL_SEQUENCE_START",
        "END": "CONTROL_SEQUENCE_END",
        "READY": "CONTROL_SEQUENCE_READY",
        "CORRID": "CONTROL_SEQUENCE_CORRID",
    }
    by_name = {control.name: control.control[0] for control in controls}
    assert list(by_name["START"].int32_false_true) == [10, 11]
    assert list(by_name["END"].fp32_false_true) == [-0.5, 0.5]
    assert list(by_name["READY"].bool_false_true) == [False, True]
    assert model_config_pb2.DataType.Name(by_name["CORRID"].data_type) == "TYPE_UINT64"
