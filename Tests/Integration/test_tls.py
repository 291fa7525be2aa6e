"""TLS with third-party clients: tritonclient.http and tritonclient.grpc against `ort serve --tls-certificate
--tls-private-key` (and `--tls-client-ca` for mutual TLS), with the test certificates of Tests/TLS. Each case starts
its own server from ORT_BINARY on free ports. Runs in the gRPC pytest process (it imports tritonclient.grpc)."""

import os
import socket
import ssl
import subprocess
import time

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TLS = os.path.join(ROOT, "Tests", "TLS")
ORT = os.environ.get("ORT_BINARY", "")
A = np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float32)
B = np.array([[0.5, 0.25, -3], [10, 0, -6]], dtype=np.float32)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module", params=[False, True], ids=["server-auth", "mutual"])
def server(request, tmp_path_factory):
    if not ORT:
        pytest.skip("ORT_BINARY is not set (scripts/integration-server.sh sets it)")
    mutual = request.param
    http_port, grpc_port = free_port(), free_port()
    args = [ORT, "serve", "--model", f"add_f32={ROOT}/Tests/Models/add_f32.onnx", "--http-port", str(http_port),
            "--grpc-port", str(grpc_port), "--allow-metrics", "false",
            "--tls-certificate", f"{TLS}/server.pem", "--tls-private-key", f"{TLS}/server-key.pem"]
    if mutual:
        args += ["--tls-client-ca", f"{TLS}/client-ca.pem"]
    log = tmp_path_factory.mktemp("tls") / "server.log"
    with open(log, "w") as output:
        process = subprocess.Popen(args, stdout=output, stderr=subprocess.STDOUT)
    try:
        context = client_context(mutual)
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, open(log).read()
            try:
                with socket.create_connection(("127.0.0.1", http_port), timeout=2) as raw:
                    with context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
                        tls.sendall(b"GET /v2/health/ready HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                        if tls.recv(64).startswith(b"HTTP/1.1 200"):
                            break
            except OSError:
                pass
            assert time.monotonic() < deadline, open(log).read()
            time.sleep(0.2)
        yield mutual, http_port, grpc_port
    finally:
        process.terminate()
        process.wait(timeout=20)


def client_context(with_certificate):
    context = ssl.create_default_context(cafile=f"{TLS}/ca.pem")
    if with_certificate:
        context.load_cert_chain(f"{TLS}/client.pem", f"{TLS}/client-key.pem")
    return context


def http_inputs():
    inputs = [httpclient.InferInput("A", [2, 3], "FP32"), httpclient.InferInput("B", [2, 3], "FP32")]
    inputs[0].set_data_from_numpy(A)
    inputs[1].set_data_from_numpy(B)
    return inputs


def grpc_inputs():
    inputs = [grpcclient.InferInput("A", [2, 3], "FP32"), grpcclient.InferInput("B", [2, 3], "FP32")]
    inputs[0].set_data_from_numpy(A)
    inputs[1].set_data_from_numpy(B)
    return inputs


def grpc_client(port, with_certificate):
    def read(name):
        with open(f"{TLS}/{name}", "rb") as file:
            return file.read()
    # tritonclient.grpc takes file paths; grpcio checks the name 127.0.0.1 against the certificate's IP entry.
    return grpcclient.InferenceServerClient(
        f"127.0.0.1:{port}", ssl=True, root_certificates=f"{TLS}/ca.pem",
        private_key=f"{TLS}/client-key.pem" if with_certificate else None,
        certificate_chain=f"{TLS}/client.pem" if with_certificate else None)


def test_http_over_tls(server):
    mutual, http_port, _ = server
    client = httpclient.InferenceServerClient(
        f"127.0.0.1:{http_port}", ssl=True, ssl_context_factory=lambda: client_context(mutual))
    assert client.is_server_ready()
    result = client.infer("add_f32", http_inputs())
    assert np.array_equal(result.as_numpy("C"), A + B)


def test_grpc_over_tls(server):
    mutual, _, grpc_port = server
    client = grpc_client(grpc_port, mutual)
    assert client.is_server_ready()
    assert np.array_equal(client.infer("add_f32", grpc_inputs()).as_numpy("C"), A + B)


def test_plaintext_and_untrusted_clients_are_refused(server):
    mutual, http_port, grpc_port = server
    with pytest.raises(Exception):
        httpclient.InferenceServerClient(f"127.0.0.1:{http_port}", connection_timeout=5).is_server_live()
    with pytest.raises(InferenceServerException):
        grpcclient.InferenceServerClient(f"127.0.0.1:{grpc_port}").is_server_live(client_timeout=5)
    # A client that trusts only the system's authorities does not accept the test certificate.
    with socket.create_connection(("127.0.0.1", http_port), timeout=5) as raw:
        with pytest.raises(ssl.SSLError):
            ssl.create_default_context().wrap_socket(raw, server_hostname="127.0.0.1")
    if mutual:
        # Without a client certificate the handshake, or the first request after it, fails.
        with pytest.raises(InferenceServerException):
            grpc_client(grpc_port, False).is_server_live(client_timeout=5)
        with pytest.raises(Exception):
            client = httpclient.InferenceServerClient(
                f"127.0.0.1:{http_port}", ssl=True, ssl_context_factory=lambda: client_context(False))
            client.is_server_live()
    # The server goes on serving the clients it should.
    assert grpc_client(grpc_port, mutual).is_server_live()
