"""Triton's logging extension through tritonclient.grpc (`LogSettings`): the gRPC twin of test_logging.py, with its
expectations (Triton 2.51's defaults, a bad update refused whole with the same messages as REST).

tritonclient.grpc sends log_file and log_format as string_param, log_verbose_level as uint32_param and every other
setting as bool_param, so the wrong-kind cases of the REST twin cannot be sent from here (the Swift tests send them
with a raw client); a setting with no value (None) can.
"""

import pytest
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

from test_logging import DEFAULTS


@pytest.fixture
def restored(grpc_url):
    """Gives a gRPC client and puts the server's settings back to the defaults afterwards."""
    client = grpcclient.InferenceServerClient(url=grpc_url)
    yield client
    client.update_log_settings({key: value for key, value in DEFAULTS.items() if key != "log_file"})
    client.close()


def values(response):
    """The settings of a LogSettingsResponse, each as the value its oneof holds."""
    return {name: getattr(value, value.WhichOneof("parameter_choice")) for name, value in response.settings.items()}


def test_settings_round_trip(restored):
    assert values(restored.get_log_settings()) == DEFAULTS
    # The value kinds are Triton's: log_file and log_format strings, log_verbose_level a uint32, the rest booleans.
    as_json = restored.get_log_settings(as_json=True)["settings"]
    kinds = {name: next(iter(value)) for name, value in as_json.items()}
    assert kinds == {
        "log_file": "string_param",
        "log_info": "bool_param",
        "log_warning": "bool_param",
        "log_error": "bool_param",
        "log_verbose_level": "uint32_param",
        "log_format": "string_param",
    }
    assert "logging" in restored.get_server_metadata().extensions
    changed = restored.update_log_settings({"log_verbose_level": 1, "log_format": "ISO8601"})
    assert values(changed) == {**DEFAULTS, "log_verbose_level": 1, "log_format": "ISO8601"}
    assert values(restored.get_log_settings()) == values(changed)
    # Requests are still served while the levels change.
    assert restored.is_server_live()
    restored.update_log_settings({"log_info": False})
    assert values(restored.get_log_settings())["log_info"] is False


def test_rest_sees_grpc_changes(restored, triton):
    restored.update_log_settings({"log_warning": False, "log_verbose_level": 2})
    assert triton.get_log_settings() == {**DEFAULTS, "log_warning": False, "log_verbose_level": 2}


@pytest.mark.parametrize(
    "update, text",
    [
        ({"log_format": "xml"}, "log setting 'log_format' must be \"default\" or \"ISO8601\", got the string \"xml\""),
        ({"log_file": "/tmp/elsewhere.log"}, "log setting 'log_file' cannot be changed"),
        ({"log_errors": True}, "unknown log setting 'log_errors'"),
        ({"log_info": None}, "log setting 'log_info' must be a boolean, got no value"),
        ({"log_verbose_level": None}, "log setting 'log_verbose_level' must be an integer from 0 to 4294967295"),
    ],
)
def test_bad_update_refused_whole(restored, update, text):
    with pytest.raises(InferenceServerException) as raised:
        restored.update_log_settings({"log_warning": False, **update})
    assert raised.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert text in raised.value.message()
    # Nothing changed, not even the valid setting beside the bad one.
    assert values(restored.get_log_settings()) == DEFAULTS
