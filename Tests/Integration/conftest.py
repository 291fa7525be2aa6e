"""Shared fixtures for the interoperability tests of `ort serve`.

scripts/integration-server.sh starts the server on 127.0.0.1 and passes its address and settings through the
environment:

* ORT_SERVE_URL: the base URL, e.g. http://127.0.0.1:38123 (must be a loopback address);
* ORT_SERVE_METRICS_URL: the Prometheus endpoint, e.g. http://127.0.0.1:38124/metrics;
* ORT_SERVE_GRPC_URL: the gRPC address, e.g. 127.0.0.1:38124 (the gRPC tests skip without it);
* ORT_SERVE_TOKEN: the bearer token the repository endpoints need (the server runs with --repository-token);
* ORT_SERVE_MAX_REQUEST_SIZE: the server's --max-request-size in bytes;
* ORT_SERVE_NOT_LOADED: models in the repository that are not loaded at start (for load/unload tests).

Without ORT_SERVE_URL every test is skipped.
"""

import http.client
import json
import os
import urllib.parse

import pytest

BASE_URL = os.environ.get("ORT_SERVE_URL", "")
METRICS_URL = os.environ.get("ORT_SERVE_METRICS_URL", "")
GRPC_URL = os.environ.get("ORT_SERVE_GRPC_URL", "")
TOKEN = os.environ.get("ORT_SERVE_TOKEN", "")
MAX_REQUEST_SIZE = int(os.environ.get("ORT_SERVE_MAX_REQUEST_SIZE", "0"))
NOT_LOADED = [name for name in os.environ.get("ORT_SERVE_NOT_LOADED", "").split(",") if name]


def pytest_collection_modifyitems(config, items):
    if BASE_URL:
        return
    skip = pytest.mark.skip(reason="ORT_SERVE_URL is not set: run scripts/integration-server.sh")
    for item in items:
        item.add_marker(skip)


def _host_port():
    parsed = urllib.parse.urlparse(BASE_URL)
    # The tests only ever talk to a server on this machine.
    assert parsed.hostname == "127.0.0.1", f"ORT_SERVE_URL must point at 127.0.0.1, got {BASE_URL!r}"
    return parsed.hostname, parsed.port


@pytest.fixture(scope="session")
def base_url():
    _host_port()
    return BASE_URL.rstrip("/")


@pytest.fixture(scope="session")
def metrics_url():
    if not METRICS_URL:
        pytest.skip("ORT_SERVE_METRICS_URL is not set")
    assert urllib.parse.urlparse(METRICS_URL).hostname == "127.0.0.1", METRICS_URL
    return METRICS_URL


@pytest.fixture(scope="session")
def host_port():
    host, port = _host_port()
    return f"{host}:{port}"


@pytest.fixture(scope="session")
def grpc_url():
    if not GRPC_URL:
        pytest.skip("ORT_SERVE_GRPC_URL is not set: the server runs without gRPC")
    assert GRPC_URL.startswith("127.0.0.1:"), f"ORT_SERVE_GRPC_URL must point at 127.0.0.1, got {GRPC_URL!r}"
    return GRPC_URL


@pytest.fixture(scope="session")
def auth_headers():
    return {"Authorization": f"Bearer {TOKEN}"} if TOKEN else {}


@pytest.fixture(scope="session")
def max_request_size():
    return MAX_REQUEST_SIZE


@pytest.fixture(scope="session")
def not_loaded_models():
    return NOT_LOADED


@pytest.fixture(scope="session")
def triton(host_port):
    import tritonclient.http as httpclient

    client = httpclient.InferenceServerClient(url=host_port, network_timeout=120.0, connection_timeout=30.0)
    yield client
    client.close()


class RawResponse:
    """A response read with http.client: status, headers, body bytes, and the parsed JSON body if any."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body) if self.body else None

    def error(self):
        """The `error` member of the protocol's error body; fails the test if the body is not one."""
        assert self.headers.get("content-type", "").startswith("application/json"), self.headers
        body = self.json()
        assert isinstance(body, dict) and isinstance(body.get("error"), str), f"not an error body: {self.body!r}"
        return body["error"]


@pytest.fixture(scope="session")
def raw():
    """Sends one request exactly as given (path not normalised, body bytes as is) and returns a RawResponse."""
    host, port = _host_port()

    def send(method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(host, port, timeout=120)
        try:
            all_headers = dict(headers or {})
            if body is not None and not any(k.lower() == "content-type" for k in all_headers):
                all_headers["Content-Type"] = "application/json"
            if isinstance(body, str):
                body = body.encode()
            connection.putrequest(method, path, skip_accept_encoding=True)
            if body is not None:
                all_headers["Content-Length"] = str(len(body))
            for name, value in all_headers.items():
                connection.putheader(name, value)
            connection.endheaders()
            if body:
                try:
                    connection.send(body)
                except (BrokenPipeError, ConnectionResetError):
                    # A server may answer (413) and close before reading a large body; its answer is still there.
                    pass
            response = connection.getresponse()
            data = response.read()
            headers = {k.lower(): v for k, v in response.getheaders()}
            return RawResponse(response.status, headers, data)
        finally:
            connection.close()

    return send
