"""Triton's logging extension through tritonclient.http: the settings round trip, and bad updates refused.

The expected settings are Triton 2.51's defaults (checked against a real Triton): INFO, WARNING and ERROR on,
verbose level 0, format "default", log_file "" (the server logs to standard error).
"""

import pytest
from tritonclient.utils import InferenceServerException

DEFAULTS = {
    "log_file": "",
    "log_info": True,
    "log_warning": True,
    "log_error": True,
    "log_verbose_level": 0,
    "log_format": "default",
}


@pytest.fixture
def restored(triton):
    """Gives the client and puts the server's settings back to the defaults afterwards."""
    yield triton
    triton.update_log_settings({key: value for key, value in DEFAULTS.items() if key != "log_file"})


def test_settings_round_trip(restored):
    assert restored.get_log_settings() == DEFAULTS
    assert "logging" in restored.get_server_metadata()["extensions"]
    changed = restored.update_log_settings({"log_verbose_level": 1, "log_format": "ISO8601"})
    assert changed == {**DEFAULTS, "log_verbose_level": 1, "log_format": "ISO8601"}
    assert restored.get_log_settings() == changed
    # Requests are still served while the levels change.
    assert restored.is_server_live()
    restored.update_log_settings({"log_info": False})
    assert restored.get_log_settings()["log_info"] is False


@pytest.mark.parametrize(
    "update, text",
    [
        ({"log_verbose_level": -1}, "log_verbose_level"),
        ({"log_info": 1}, "log_info"),
        ({"log_format": "xml"}, "log_format"),
        ({"log_file": "/tmp/elsewhere.log"}, "log_file"),
        ({"log_errors": True}, "unknown log setting 'log_errors'"),
    ],
)
def test_bad_update_refused_whole(restored, update, text):
    with pytest.raises(InferenceServerException) as raised:
        restored.update_log_settings({"log_warning": False, **update})
    assert raised.value.status() == "400"
    assert text in raised.value.message()
    # Nothing changed, not even the valid setting beside the bad one.
    assert restored.get_log_settings() == DEFAULTS
