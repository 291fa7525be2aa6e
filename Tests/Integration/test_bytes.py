"""BYTES are bytes: `ort serve` against NVIDIA's unmodified tritonclient.http (binary data) and tritonclient.grpc (raw
contents, and typed bytes_contents through the raw protobuf stubs) with elements that hold NUL bytes, bytes
0x80-0xFF that are not UTF-8, and empty elements, through the identity_string model and, batched, bytes_batched. The
expected outputs are NumPy object arrays of bytes (the inputs of an identity), compared element by element."""

import queue
from functools import partial

import grpc
import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

# [2, 3] for identity_string: a lone NUL, a NUL inside, an empty element, 0x80-0xFF (not UTF-8), a truncated UTF-8
# sequence, every byte value from 0x80 up, and one ending in NUL.
ELEMENTS = [b"\x00", b"a\x00b", b"", b"\xff\xfe\x80", b"\xc3", bytes(range(0x80, 0x100)) + b"\x00"]
VALUES = np.array(ELEMENTS, dtype=np.object_).reshape(2, 3)
BATCHED = "bytes_batched"  # batch_identity_string ([N, 3]), max_batch_size 8, preferred_batch_size [4]


def assert_bytes(actual, expected=VALUES):
    assert actual is not None, "no output"
    assert actual.dtype == np.object_
    assert list(actual.shape) == list(expected.shape)
    got = list(actual.flatten())
    assert all(isinstance(x, bytes) for x in got), got
    assert got == list(expected.flatten())


@pytest.fixture(scope="module")
def grpc_client(grpc_url):
    client = grpcclient.InferenceServerClient(url=grpc_url)
    yield client
    client.close()


@pytest.fixture(scope="module")
def stub(grpc_url):
    channel = grpc.insecure_channel(grpc_url)
    yield service_pb2_grpc.GRPCInferenceServiceStub(channel)
    channel.close()


def test_http_binary_in_and_out(triton):
    x = httpclient.InferInput("x", [2, 3], "BYTES")
    x.set_data_from_numpy(VALUES, binary_data=True)
    result = triton.infer("identity_string", [x], outputs=[httpclient.InferRequestedOutput("y", binary_data=True)])
    output = result.get_output("y")
    assert output["datatype"] == "BYTES"
    # By hand: 6 length prefixes and 1 + 3 + 0 + 3 + 1 + 129 bytes.
    assert output["parameters"]["binary_data_size"] == 6 * 4 + 137
    assert_bytes(result.as_numpy("y"))


def test_http_all_outputs_binary_by_default(triton):
    x = httpclient.InferInput("x", [2, 3], "BYTES")
    x.set_data_from_numpy(VALUES)
    assert_bytes(triton.infer("identity_string", [x]).as_numpy("y"))


def test_http_json_output_of_non_utf8_is_a_clear_400(triton):
    x = httpclient.InferInput("x", [2, 3], "BYTES")
    x.set_data_from_numpy(VALUES, binary_data=True)
    with pytest.raises(InferenceServerException) as info:
        triton.infer("identity_string", [x], outputs=[httpclient.InferRequestedOutput("y", binary_data=False)])
    assert info.value.status() == "400"
    message = info.value.message()
    assert "output 'y'" in message and "element 3 is not valid UTF-8" in message, message
    assert "binary_data" in message, message


def test_http_json_keeps_utf8_with_nuls(triton):
    # JSON carries text: NUL travels as \u0000 both ways and the element's bytes are its UTF-8.
    text = np.array([b"a\x00b", b"", "é".encode(), b"\x00", b"x", b"\x00\x00"], dtype=np.object_).reshape(2, 3)
    x = httpclient.InferInput("x", [2, 3], "BYTES")
    x.set_data_from_numpy(text, binary_data=False)
    as_json = triton.infer("identity_string", [x], outputs=[httpclient.InferRequestedOutput("y", binary_data=False)])
    assert as_json.get_output("y")["data"] == ["a\x00b", "", "é", "\x00", "x", "\x00\x00"]
    as_binary = triton.infer("identity_string", [x], outputs=[httpclient.InferRequestedOutput("y", binary_data=True)])
    assert_bytes(as_binary.as_numpy("y"), text)


def test_grpc_raw_contents(grpc_client):
    x = grpcclient.InferInput("x", [2, 3], "BYTES")
    x.set_data_from_numpy(VALUES)
    result = grpc_client.infer("identity_string", [x], outputs=[grpcclient.InferRequestedOutput("y")])
    assert result.get_output("y").datatype == "BYTES"
    assert_bytes(result.as_numpy("y"))


def test_grpc_typed_bytes_contents(stub):
    request = service_pb2.ModelInferRequest(model_name="identity_string", id="typed-bytes")
    tensor = request.inputs.add(name="x", datatype="BYTES", shape=[2, 3])
    tensor.contents.bytes_contents.extend(ELEMENTS)
    response = stub.ModelInfer(request)
    assert response.id == "typed-bytes"
    assert list(response.outputs[0].shape) == [2, 3]
    assert_bytes(grpcclient.InferResult(response).as_numpy("y"))


def test_grpc_streaming(grpc_client):
    results = queue.Queue()
    grpc_client.start_stream(callback=partial(lambda q, result, error: q.put((result, error)), results))
    try:
        x = grpcclient.InferInput("x", [2, 3], "BYTES")
        x.set_data_from_numpy(VALUES)
        grpc_client.async_stream_infer("identity_string", [x], request_id="stream-bytes")
        result, error = results.get(timeout=60)
    finally:
        grpc_client.stop_stream()
    assert error is None, error
    assert_bytes(result.as_numpy("y"))


def test_dynamic_batching_joins_and_splits_bytes(host_port):
    # Four one-row requests arrive together and run as one batch of four rows; each gets its own row back.
    rows = [np.array([[bytes([0x80 + i]), b"\x00" * i, b"r%d\xff" % i]], dtype=np.object_) for i in range(4)]
    client = httpclient.InferenceServerClient(url=host_port, concurrency=4, network_timeout=120.0)
    try:
        before = client.get_inference_statistics(BATCHED)["model_stats"][0]
        pending = []
        for i, row in enumerate(rows):
            x = httpclient.InferInput("x", [1, 3], "BYTES")
            x.set_data_from_numpy(row, binary_data=True)
            pending.append(client.async_infer(BATCHED, [x], request_id=str(i)))
        results = [request.get_result(timeout=120) for request in pending]
        for i, result in enumerate(results):
            assert result.get_response()["id"] == str(i)
            assert_bytes(result.as_numpy("y"), rows[i])
        after = client.get_inference_statistics(BATCHED)["model_stats"][0]
    finally:
        client.close()
    assert int(after["inference_count"]) - int(before.get("inference_count", 0)) == 4
    assert int(after["execution_count"]) - int(before.get("execution_count", 0)) == 1


def test_one_mebibyte_element_over_http_and_grpc(triton, grpc_client):
    # A 1 MiB element whose bytes cycle through all 256 values (NULs every 256 bytes) beside short and empty ones.
    big = bytes(range(256)) * 4096
    assert len(big) == 1 << 20
    values = np.array([big, b"", b"\xff", b"\x00", b"a", big[:3]], dtype=np.object_).reshape(2, 3)
    x = httpclient.InferInput("x", [2, 3], "BYTES")
    x.set_data_from_numpy(values, binary_data=True)
    assert_bytes(triton.infer("identity_string", [x]).as_numpy("y"), values)
    g = grpcclient.InferInput("x", [2, 3], "BYTES")
    g.set_data_from_numpy(values)
    assert_bytes(grpc_client.infer("identity_string", [g]).as_numpy("y"), values)
