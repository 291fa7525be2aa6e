"""Compressed requests and responses: REST `Content-Encoding` / `Accept-Encoding` (gzip, deflate) through
tritonclient.http and byte for byte, the refusals (unsupported, corrupt, decompressing past --max-request-size), and
gRPC messages sent with grpc-encoding gzip or deflate.

This file runs in the REST pytest process, where the kserve SDK is loaded: tritonclient.grpc's protobuf module cannot
be imported next to it, so the gRPC calls here use KServe's V2 messages (the same wire format as Triton's). The
tritonclient.grpc side (infer and start_stream with compression_algorithm) is in test_tritonclient_grpc.py."""

import gzip
import json
import zlib

import grpc
import numpy as np
import pytest
import tritonclient.http as httpclient
from kserve.protocol.grpc import grpc_predict_v2_pb2 as pb
from kserve.protocol.grpc.grpc_predict_v2_pb2_grpc import GRPCInferenceServiceStub

from test_tritonclient import read_mnist

# add_f32 (C = A + B, shape [-1, 3]) with enough repetitive rows that every encoding really shrinks the body.
ROWS = 400
A = np.tile(np.arange(12, dtype=np.float32) * 0.25, ROWS // 4).reshape(ROWS, 3)
B = np.full((ROWS, 3), 0.5, dtype=np.float32)
JSON_BODY = json.dumps({"inputs": [{"name": name, "shape": [ROWS, 3], "datatype": "FP32", "data": v.flatten().tolist()}
                                   for name, v in (("A", A), ("B", B))]}).encode()


def compress(chunks, encoding):
    """The chunks joined and encoded, one chunk at a time (so a bomb never exists uncompressed here): gzip, deflate
    (zlib format, as zlib.compress and tritonclient make it), raw-deflate (no zlib wrapper) or identity."""
    if encoding == "identity":
        return b"".join(chunks)
    compressor = zlib.compressobj(9, zlib.DEFLATED, {"gzip": 31, "deflate": 15, "raw-deflate": -15}[encoding])
    return b"".join([compressor.compress(chunk) for chunk in chunks] + [compressor.flush()])


def zeros(count, chunk=1 << 20):
    for start in range(0, count, chunk):
        yield bytes(min(chunk, count - start))


def binary_header(a, b, binary_out=True):
    tensor = lambda name, values: {"name": name, "shape": list(values.shape), "datatype": "FP32",
                                   "parameters": {"binary_data_size": values.nbytes}}
    header = {"inputs": [tensor("A", a), tensor("B", b)],
              "outputs": [{"name": "C", "parameters": {"binary_data": binary_out}}]}
    return json.dumps(header).encode()


def post_add(raw, body, json_length=None, headers=None):
    all_headers = dict(headers or {})
    if json_length is not None:
        all_headers.update({"Content-Type": "application/octet-stream",
                            "Inference-Header-Content-Length": str(json_length)})
    return raw("POST", "/v2/models/add_f32/infer", body, all_headers)


def output_c(response, encoding):
    """C from a raw response whose body must be encoded as `encoding` says (None: not at all)."""
    assert response.status == 200, response.body[:300]
    assert response.headers.get("content-encoding") == encoding, response.headers
    if encoding == "gzip":
        assert response.body[:2] == b"\x1f\x8b"
    body = {None: bytes, "gzip": gzip.decompress, "deflate": zlib.decompress}[encoding](response.body)
    # Inference-Header-Content-Length counts the JSON part of the decompressed body, as tritonclient reads it.
    length = int(response.headers.get("inference-header-content-length", len(body)))
    output = json.loads(body[:length])["outputs"][0]
    if "data" in output:
        return np.array(output["data"], dtype=np.float32).reshape(output["shape"])
    assert output["parameters"]["binary_data_size"] == len(body) - length
    return np.frombuffer(body[length:], dtype=np.float32).reshape(output["shape"])


# MARK: - REST with tritonclient.http


@pytest.mark.parametrize("binary", [False, True], ids=["json", "binary"])
@pytest.mark.parametrize("response_algorithm", [None, "gzip", "deflate"])
@pytest.mark.parametrize("request_algorithm", ["gzip", "deflate"])
def test_http_client_compression(triton, request_algorithm, response_algorithm, binary):
    inputs = [httpclient.InferInput("A", [ROWS, 3], "FP32").set_data_from_numpy(A, binary_data=binary),
              httpclient.InferInput("B", [ROWS, 3], "FP32").set_data_from_numpy(B, binary_data=binary)]
    result = triton.infer("add_f32", inputs, outputs=[httpclient.InferRequestedOutput("C", binary_data=binary)],
                          request_compression_algorithm=request_algorithm,
                          response_compression_algorithm=response_algorithm)
    assert np.array_equal(result.as_numpy("C"), A + B)


def test_http_client_compressed_mnist(triton):
    images, predictions = read_mnist(32)
    x = httpclient.InferInput("input", list(images.shape), "FP32").set_data_from_numpy(images)
    result = triton.infer("mnist", [x], outputs=[httpclient.InferRequestedOutput("probabilities")],
                          request_compression_algorithm="deflate", response_compression_algorithm="gzip")
    assert result.as_numpy("probabilities").argmax(axis=1).tolist() == predictions


# MARK: - REST byte for byte


@pytest.mark.parametrize("form", ["json", "binary"])
@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate", "identity"])
def test_compressed_request_body(raw, encoding, form):
    if form == "json":
        chunks, json_length = [JSON_BODY], None
    else:
        # The header length counts the JSON part of the uncompressed body.
        json_part = binary_header(A, B)
        chunks, json_length = [json_part, A.tobytes(), B.tobytes()], len(json_part)
    body = compress(chunks, encoding)
    assert encoding == "identity" or len(body) < sum(map(len, chunks)) // 2
    name = "deflate" if encoding == "raw-deflate" else encoding
    response = post_add(raw, body, json_length, {"Content-Encoding": name})
    assert np.array_equal(output_c(response, None), A + B)


@pytest.mark.parametrize("binary_out", [False, True], ids=["json-out", "binary-out"])
@pytest.mark.parametrize(
    "accept, expected",
    [(None, None), ("identity", None), ("gzip", "gzip"), ("deflate", "deflate"), ("gzip, deflate", "gzip"),
     ("deflate, gzip", "gzip"), ("gzip;q=0, deflate", "deflate"), ("gzip;q=0", None), ("br", None)],
    ids=["none", "identity", "gzip", "deflate", "both", "both-deflate-first", "gzip-refused", "only-gzip-refused",
         "br"])
def test_response_follows_accept_encoding(raw, accept, expected, binary_out):
    json_part = binary_header(A, B, binary_out)
    headers = {"Accept-Encoding": accept} if accept else {}
    response = post_add(raw, json_part + A.tobytes() + B.tobytes(), len(json_part), headers)
    assert np.array_equal(output_c(response, expected), A + B)


@pytest.mark.parametrize("encoding", ["br", "zstd"])
def test_unsupported_content_encoding_415(raw, encoding):
    body = json.dumps({"inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32", "data": [1, 2, 3, 4, 5, 6]}]})
    response = raw("POST", "/v2/models/identity_float32/infer", body, {"Content-Encoding": encoding})
    assert response.status == 415, response.body[:300]
    assert encoding in response.error()


GZIPPED, ZLIBBED = gzip.compress(JSON_BODY), zlib.compress(JSON_BODY)


@pytest.mark.parametrize(
    "encoding, body",
    [("gzip", b"not gzip at all"), ("gzip", GZIPPED[: len(GZIPPED) // 2]),
     # The trailer's CRC-32 must be checked: the deflate data before it is intact.
     ("gzip", GZIPPED[:-8] + bytes([GZIPPED[-8] ^ 0xFF]) + GZIPPED[-7:]),
     # 0x06 0x06 is neither a zlib header nor a valid raw deflate block (block type 3 is reserved).
     ("deflate", b"\x06" * 32), ("deflate", ZLIBBED[: len(ZLIBBED) // 2])],
    ids=["gzip-garbage", "gzip-truncated", "gzip-bad-crc", "deflate-garbage", "deflate-truncated"])
def test_corrupt_body_400(raw, encoding, body):
    response = post_add(raw, body, headers={"Content-Encoding": encoding})
    assert response.status == 400, response.body[:300]
    assert encoding in response.error().lower()


@pytest.mark.parametrize("encoding", ["gzip", "deflate"])
def test_decompression_bomb_413(raw, triton, max_request_size, encoding):
    if not max_request_size:
        pytest.skip("the server's --max-request-size is not known")
    # A well-formed request (header + zeros) that decompresses to 8 times the limit from a few tens of KB.
    rows = 8 * max_request_size // 24
    json_part = binary_header(np.empty((rows, 3), np.float32), np.empty((rows, 3), np.float32))
    body = compress([json_part, *zeros(rows * 24)], encoding)
    assert len(body) < max_request_size // 16
    response = post_add(raw, body, len(json_part), {"Content-Encoding": encoding})
    assert response.status == 413, response.body[:300]
    response.error()
    # The server goes on serving, compressed requests too.
    inputs = [httpclient.InferInput("A", [ROWS, 3], "FP32").set_data_from_numpy(A),
              httpclient.InferInput("B", [ROWS, 3], "FP32").set_data_from_numpy(B)]
    result = triton.infer("add_f32", inputs, request_compression_algorithm=encoding)
    assert np.array_equal(result.as_numpy("C"), A + B)


def test_decompressed_size_just_under_the_limit_is_served(raw, max_request_size):
    if not max_request_size:
        pytest.skip("the server's --max-request-size is not known")
    # The limit is on the decompressed body: one 64 KiB under it (and far over its compressed size) is served.
    rows = (max_request_size - 64 * 1024) // 24
    a, b = np.resize(A, (rows, 3)), np.full((rows, 3), 0.5, dtype=np.float32)
    json_part = binary_header(a, b)
    response = post_add(raw, compress([json_part, a.tobytes(), b.tobytes()], "gzip"), len(json_part),
                        {"Content-Encoding": "gzip"})
    assert np.array_equal(output_c(response, None), a + b)


# MARK: - gRPC


@pytest.fixture(scope="module")
def v2_stub(grpc_url):
    channel = grpc.insecure_channel(grpc_url)
    yield GRPCInferenceServiceStub(channel)
    channel.close()


GRPC_COMPRESSION = {"gzip": grpc.Compression.Gzip, "deflate": grpc.Compression.Deflate}
# Long repetitive BYTES elements: grpcio sends a message uncompressed when compressing would not make it smaller, so
# the messages here are large and compressible. Raw BYTES contents are 4-byte little-endian lengths + bytes.
STRINGS = [(f"row {index} ✓ " * 150).encode() for index in range(6)]


def length_prefixed(strings):
    return b"".join(len(s).to_bytes(4, "little") + s for s in strings)


def v2_request(model, tensors, typed):
    request = pb.ModelInferRequest(model_name=model)
    for name, datatype, shape, values in tensors:
        tensor = request.inputs.add(name=name, datatype=datatype, shape=shape)
        if not typed:
            request.raw_input_contents.append(values.tobytes() if datatype == "FP32" else length_prefixed(values))
        elif datatype == "FP32":
            tensor.contents.fp32_contents.extend(values.flatten().tolist())
        else:
            tensor.contents.bytes_contents.extend(values)
    return request


def raw_output(response):
    assert len(response.raw_output_contents) == 1, response.outputs
    return response.raw_output_contents[0]


@pytest.mark.parametrize("typed", [False, True], ids=["raw-contents", "typed-contents"])
@pytest.mark.parametrize("algorithm", ["gzip", "deflate"])
def test_grpc_compressed_infer(v2_stub, algorithm, typed):
    # The response comes compressed the same way (grpcio accepts both and undoes it): only its values are visible.
    request = v2_request("add_f32", [("A", "FP32", [ROWS, 3], A), ("B", "FP32", [ROWS, 3], B)], typed)
    response = v2_stub.ModelInfer(request, compression=GRPC_COMPRESSION[algorithm], timeout=30)
    assert list(response.outputs[0].shape) == [ROWS, 3]
    assert np.array_equal(np.frombuffer(raw_output(response), dtype=np.float32).reshape(ROWS, 3), A + B)
    request = v2_request("identity_string", [("x", "BYTES", [2, 3], STRINGS)], typed)
    response = v2_stub.ModelInfer(request, compression=GRPC_COMPRESSION[algorithm], timeout=30)
    assert raw_output(response) == length_prefixed(STRINGS)


@pytest.mark.parametrize("algorithm", ["gzip", "deflate"])
def test_grpc_decompressed_size_over_the_limit(v2_stub, max_request_size, algorithm):
    if not max_request_size:
        pytest.skip("the server's --max-request-size is not known")
    # A few KB on the wire, more than the limit once decompressed.
    elements = max_request_size // 4 + 16
    request = pb.ModelInferRequest(model_name="identity_float32", raw_input_contents=[bytes(elements * 4)])
    request.inputs.add(name="x", datatype="FP32", shape=[elements])
    with pytest.raises(grpc.RpcError) as info:
        v2_stub.ModelInfer(request, compression=GRPC_COMPRESSION[algorithm], timeout=30)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, info.value.details()
    # The server goes on serving.
    request = v2_request("add_f32", [("A", "FP32", [ROWS, 3], A), ("B", "FP32", [ROWS, 3], B)], typed=False)
    response = v2_stub.ModelInfer(request, compression=GRPC_COMPRESSION[algorithm], timeout=30)
    assert np.array_equal(np.frombuffer(raw_output(response), dtype=np.float32).reshape(ROWS, 3), A + B)
