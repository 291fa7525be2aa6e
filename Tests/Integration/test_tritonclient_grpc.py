"""`ort serve`'s gRPC endpoint against NVIDIA's unmodified Python client, tritonclient.grpc: health, metadata,
configuration, statistics, the model repository, every datatype with raw contents, typed contents through the raw
protobuf stubs, streaming, and the status codes of bad requests."""

import queue
import struct
from functools import partial

import grpc
import numpy as np
import pytest
import tritonclient.grpc as grpcclient
from tritonclient.grpc import service_pb2, service_pb2_grpc
from tritonclient.utils import InferenceServerException

from datatypes import CASES, SPECIAL_BINARY, assert_same
from test_tritonclient import parse_classes, read_mnist, top_classes


@pytest.fixture(scope="module")
def client(grpc_url):
    triton = grpcclient.InferenceServerClient(url=grpc_url)
    yield triton
    triton.close()


@pytest.fixture(scope="module")
def stub(grpc_url):
    channel = grpc.insecure_channel(grpc_url, options=[("grpc.max_receive_message_length", 64 * 1024 * 1024)])
    yield service_pb2_grpc.GRPCInferenceServiceStub(channel)
    channel.close()


@pytest.fixture(scope="module")
def grpc_auth(auth_headers):
    # gRPC metadata keys are lower case.
    return {key.lower(): value for key, value in auth_headers.items()}


def identity(client, case, request_id=""):
    x = grpcclient.InferInput("x", list(case.values.shape), case.datatype)
    x.set_data_from_numpy(case.values)
    return client.infer(case.model, [x], outputs=[grpcclient.InferRequestedOutput("y")], request_id=request_id)


# MARK: - Health and metadata


def test_server_live_and_ready(client):
    assert client.is_server_live()
    assert client.is_server_ready()


def test_health_check(grpc_url):
    # grpc.health.v1.Health/Check with hand-written messages: HealthCheckRequest{service} and
    # HealthCheckResponse{status = 1 (SERVING)}.
    with grpc.insecure_channel(grpc_url) as channel:
        check = channel.unary_unary("/grpc.health.v1.Health/Check")
        assert check(b"") == b"\x08\x01"
        name = b"inference.GRPCInferenceService"
        assert check(b"\x0a" + bytes([len(name)]) + name) == b"\x08\x01"
        assert check(b"\x0a\x05other") == b"\x08\x03"


def test_server_metadata(client):
    metadata = client.get_server_metadata(as_json=True)
    assert metadata["name"]
    assert "model_repository" in metadata["extensions"]
    assert "statistics" in metadata["extensions"]


def test_model_metadata(client):
    metadata = client.get_model_metadata("add_f32", as_json=True)
    assert metadata["name"] == "add_f32"
    assert metadata["versions"] == ["1"]
    assert metadata["platform"] == "onnxruntime_onnx"
    assert [tensor["name"] for tensor in metadata["inputs"]] == ["A", "B"]
    assert metadata["inputs"][0]["datatype"] == "FP32"
    assert metadata["inputs"][0]["shape"] == ["-1", "3"]  # protobuf's JSON writes int64 as strings
    assert [tensor["name"] for tensor in metadata["outputs"]] == ["C"]
    assert client.get_model_metadata("add_f32", model_version="1").name == "add_f32"


def test_model_ready(client):
    assert client.is_model_ready("add_f32")
    assert client.is_model_ready("add_f32", "1")
    assert not client.is_model_ready("add_f32", "9")
    assert not client.is_model_ready("no_such_model")


def test_model_config(client):
    config = client.get_model_config("add_f32", as_json=True)["config"]
    assert config["name"] == "add_f32"
    assert config["platform"] == "onnxruntime_onnx"
    assert config["backend"] == "onnxruntime"
    assert [tensor["name"] for tensor in config["input"]] == ["A", "B"]
    assert config["input"][0]["data_type"] == "TYPE_FP32"
    assert [tensor["name"] for tensor in config["output"]] == ["C"]
    typed = client.get_model_config("identity_string").config
    assert typed.input[0].data_type == 13  # TYPE_STRING


def test_unknown_model_is_not_found(client):
    with pytest.raises(InferenceServerException) as info:
        client.get_model_metadata("no_such_model")
    assert info.value.status() == "StatusCode.NOT_FOUND"
    assert info.value.message().startswith("Request for unknown model: 'no_such_model' is not found")


# MARK: - Inference


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_raw_round_trip(client, case):
    result = identity(client, case, request_id=f"grpc-{case.datatype}")
    assert_same(case, result.as_numpy("y"))
    response = result.get_response()
    assert response.id == f"grpc-{case.datatype}"
    assert response.model_name == case.model
    assert response.model_version == "1"
    # As Triton: outputs come back as raw contents.
    assert len(response.raw_output_contents) == 1
    assert not response.outputs[0].HasField("contents")


@pytest.mark.parametrize("case", SPECIAL_BINARY, ids=lambda case: f"{case.datatype}-special")
def test_raw_special_values(client, case):
    assert_same(case, identity(client, case).as_numpy("y"))


def typed_contents(case):
    values = case.values.flatten()
    contents = service_pb2.InferTensorContents()
    field = {
        "BOOL": "bool_contents", "INT8": "int_contents", "INT16": "int_contents", "INT32": "int_contents",
        "INT64": "int64_contents", "UINT8": "uint_contents", "UINT16": "uint_contents", "UINT32": "uint_contents",
        "UINT64": "uint64_contents", "FP32": "fp32_contents", "FP64": "fp64_contents", "BYTES": "bytes_contents",
    }[case.datatype]
    getattr(contents, field).extend(values.tolist())
    return contents


TYPED_CASES = [case for case in CASES if case.datatype not in ("FP16", "BF16")]


@pytest.mark.parametrize("case", TYPED_CASES, ids=repr)
def test_typed_contents(client, stub, case):
    request = service_pb2.ModelInferRequest(model_name=case.model, id="typed")
    tensor = request.inputs.add(name="x", datatype=case.datatype, shape=list(case.values.shape))
    tensor.contents.CopyFrom(typed_contents(case))
    response = stub.ModelInfer(request)
    assert response.id == "typed"
    assert [output.name for output in response.outputs] == ["y"]
    assert list(response.outputs[0].shape) == [2, 3]
    assert response.outputs[0].datatype == case.datatype
    assert_same(case, grpcclient.InferResult(response).as_numpy("y"))


@pytest.mark.parametrize("datatype", ["FP16", "BF16"])
def test_typed_contents_of_half_types_are_refused(stub, datatype):
    request = service_pb2.ModelInferRequest(model_name="identity_float16" if datatype == "FP16" else "identity_bfloat16")
    tensor = request.inputs.add(name="x", datatype=datatype, shape=[2, 3])
    tensor.contents.fp32_contents.extend([1, 2, 3, 4, 5, 6])
    with pytest.raises(grpc.RpcError) as info:
        stub.ModelInfer(request)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "raw_input_contents" in info.value.details()


def test_mnist(client):
    images, predictions = read_mnist(32)
    x = grpcclient.InferInput("input", list(images.shape), "FP32")
    x.set_data_from_numpy(images)
    result = client.infer("mnist", [x], outputs=[grpcclient.InferRequestedOutput("probabilities")])
    probabilities = result.as_numpy("probabilities")
    assert probabilities.shape == (32, 10)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
    assert probabilities.argmax(axis=1).tolist() == predictions


def test_add_f32_all_outputs(client):
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    b = np.full((2, 3), 0.5, dtype=np.float32)
    inputs = [grpcclient.InferInput("A", [2, 3], "FP32"), grpcclient.InferInput("B", [2, 3], "FP32")]
    inputs[0].set_data_from_numpy(a)
    inputs[1].set_data_from_numpy(b)
    result = client.infer("add_f32", inputs)
    np.testing.assert_array_equal(result.as_numpy("C"), a + b)


def test_async_infer(client):
    case = CASES[10]
    done = queue.Queue()
    x = grpcclient.InferInput("x", [2, 3], "FP32")
    x.set_data_from_numpy(case.values)
    for _ in range(8):
        client.async_infer(case.model, [x], callback=lambda result, error: done.put((result, error)))
    for _ in range(8):
        result, error = done.get(timeout=60)
        assert error is None
        assert_same(case, result.as_numpy("y"))


# MARK: - Streaming


def test_stream_infer(client):
    responses = queue.Queue()
    client.start_stream(callback=lambda result, error: responses.put((result, error)))
    try:
        for index, case in enumerate(CASES):
            x = grpcclient.InferInput("x", [2, 3], case.datatype)
            x.set_data_from_numpy(case.values)
            client.async_stream_infer(case.model, [x], request_id=str(index))
        bad = grpcclient.InferInput("x", [3, 3], "FP32")
        bad.set_data_from_numpy(np.zeros((3, 3), dtype=np.float32))
        client.async_stream_infer("identity_float32", [bad], request_id="bad")
        x = grpcclient.InferInput("x", [2, 3], "INT32")
        x.set_data_from_numpy(CASES[7].values)
        client.async_stream_infer(CASES[7].model, [x], request_id="after")
        seen = {}
        errors = []
        for _ in range(len(CASES) + 2):
            result, error = responses.get(timeout=60)
            if error is not None:
                errors.append(error)
            else:
                seen[result.get_response().id] = result
    finally:
        client.stop_stream()
    assert len(errors) == 1 and "shape [3, 3]" in errors[0].message()
    for index, case in enumerate(CASES):
        assert_same(case, seen[str(index)].as_numpy("y"))
    assert_same(CASES[7], seen["after"].as_numpy("y"))


# MARK: - Bad requests


def raw_request(model, datatype, shape, raw):
    request = service_pb2.ModelInferRequest(model_name=model)
    request.inputs.add(name="x", datatype=datatype, shape=shape)
    request.raw_input_contents.append(raw)
    return request


@pytest.mark.parametrize(
    "request_, code, text",
    [
        (raw_request("no_such_model", "FP32", [2, 3], bytes(24)), grpc.StatusCode.NOT_FOUND, "no_such_model"),
        (raw_request("identity_float32", "FP64", [2, 3], bytes(48)), grpc.StatusCode.INVALID_ARGUMENT, "FP64"),
        (raw_request("identity_float32", "FP32", [3, 3], bytes(36)), grpc.StatusCode.INVALID_ARGUMENT, "[3, 3]"),
        (raw_request("identity_float32", "FP32", [2, 3], bytes(20)), grpc.StatusCode.INVALID_ARGUMENT, "20"),
        (raw_request("identity_float32", "FP32", [2**40, 3], bytes(24)), grpc.StatusCode.INVALID_ARGUMENT,
         "more than"),
        (raw_request("identity_float32", "FP32", [-1, 3], bytes(24)), grpc.StatusCode.INVALID_ARGUMENT,
         "non-negative"),
        (raw_request("identity_float32", "FLOAT", [2, 3], bytes(24)), grpc.StatusCode.INVALID_ARGUMENT,
         "unknown datatype"),
        (raw_request("identity_string", "BYTES", [2, 3], struct.pack("<I", 99) + b"abc"),
         grpc.StatusCode.INVALID_ARGUMENT, "BYTES element 0"),
    ],
    ids=["unknown-model", "wrong-datatype", "wrong-shape", "byte-count", "absurd-shape", "negative-dim",
         "unknown-datatype", "truncated-bytes"],
)
def test_bad_request_status(stub, request_, code, text):
    with pytest.raises(grpc.RpcError) as info:
        stub.ModelInfer(request_)
    assert info.value.code() == code
    assert text in info.value.details()


def with_parameters(request, **parameters):
    for key, value in parameters.items():
        if isinstance(value, bool):
            request.parameters[key].bool_param = value
        elif isinstance(value, int):
            request.parameters[key].int64_param = value
        elif isinstance(value, float):
            request.parameters[key].double_param = value
        else:
            request.parameters[key].string_param = value
    return request


def test_custom_parameters_are_accepted(stub):
    # The parameters extension: custom request parameters of every kind, and the one 'triton_' key Triton's gRPC
    # endpoint allows, are accepted (tritonclient refuses 'headers' and 'triton_' keys itself, so this is raw gRPC).
    values = np.arange(6, dtype=np.float32) / 4
    request = with_parameters(raw_request("identity_float32", "FP32", [2, 3], values.tobytes()), my_int=42,
                              my_text="a", my_flag=True, my_real=1.5, headers="h",
                              triton_enable_empty_final_response=True)
    request.inputs[0].parameters["triton_in"].string_param = "not checked, as in Triton"
    response = stub.ModelInfer(request)
    assert np.array_equal(np.frombuffer(response.raw_output_contents[0], dtype=np.float32), values)


def test_reserved_parameter_is_refused_with_tritons_text(stub):
    request = with_parameters(raw_request("identity_float32", "FP32", [2, 3], bytes(24)), triton_x=1)
    with pytest.raises(grpc.RpcError) as info:
        stub.ModelInfer(request)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    # Triton 2.51's gRPC text, checked against tritonserver.
    assert info.value.details().startswith(
        "parameter keys starting with 'triton_' are reserved for Triton usage. Only the following keys starting "
        "with 'triton_' are allowed: triton_enable_empty_final_response")


def test_oversize_message_is_refused(client, stub, max_request_size):
    # Refused as soon as the length prefix arrives, before the message is read, with Triton's status.
    elements = max_request_size // 4 + 16
    request = raw_request("identity_float32", "FP32", [elements], bytes(elements * 4))
    with pytest.raises(grpc.RpcError) as info:
        stub.ModelInfer(request)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert str(max_request_size) in info.value.details()
    # The server goes on serving.
    assert_same(CASES[10], identity(client, CASES[10]).as_numpy("y"))


# MARK: - The gRPC transport


def test_large_messages_cross_the_flow_control_windows(grpc_url, max_request_size):
    # Six BYTES elements of ~0.6 MiB make a message several times a stream's receive window (1 MiB), and 12 of them on
    # one connection are more than its window (16 MiB): both must be reopened as the server consumes the bytes, or
    # the calls stall.
    size = (max_request_size - 64 * 1024) // 6 - 4
    elements = [bytes([65 + index]) * size for index in range(6)]
    raw = b"".join(struct.pack("<I", len(element)) + element for element in elements)
    channel = grpc.insecure_channel(grpc_url, options=[("grpc.max_receive_message_length", 64 * 1024 * 1024),
                                                       ("grpc.max_send_message_length", 64 * 1024 * 1024)])
    stub = service_pb2_grpc.GRPCInferenceServiceStub(channel)
    try:
        for _ in range(12):
            response = stub.ModelInfer(raw_request("identity_string", "BYTES", [2, 3], raw), timeout=30)
            assert list(response.outputs[0].shape) == [2, 3]
            assert response.raw_output_contents[0] == raw
    finally:
        channel.close()


def test_concurrent_calls_on_one_connection(stub):
    # Many streams at once on one HTTP/2 connection: each gets its own answer.
    from concurrent.futures import ThreadPoolExecutor

    def call(index):
        values = np.full(6, index, dtype=np.float32)
        request = raw_request("identity_float32", "FP32", [2, 3], values.tobytes())
        request.id = f"call-{index}"
        response = stub.ModelInfer(request, timeout=30)
        assert response.id == f"call-{index}"
        return np.frombuffer(response.raw_output_contents[0], dtype=np.float32)

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(call, range(400)))
    for index, result in enumerate(results):
        assert np.array_equal(result, np.full(6, index, dtype=np.float32))


@pytest.mark.parametrize(
    "method_name, payload, code, text",
    [
        ("NoSuchMethod", b"", grpc.StatusCode.UNIMPLEMENTED, "NoSuchMethod"),
        ("ModelInfer", b"\xff\xff\xff\xff", grpc.StatusCode.INVALID_ARGUMENT, "ModelInferRequest"),
    ],
    ids=["unknown-method", "not-protobuf"],
)
def test_raw_calls_get_a_status(grpc_url, method_name, payload, code, text):
    # Raw bytes through grpcio, past the generated stubs.
    with grpc.insecure_channel(grpc_url) as channel:
        method = channel.unary_unary(f"/inference.GRPCInferenceService/{method_name}")
        with pytest.raises(grpc.RpcError) as info:
            method(payload, timeout=10)
    assert info.value.code() == code
    assert text in info.value.details()


@pytest.mark.parametrize("algorithm", ["gzip", "deflate"])
def test_compressed_infer_and_stream(client, algorithm):
    # tritonclient.grpc's compression, unary and streaming (raw stubs and the size limit: test_compression.py). MNIST's
    # 100 KB of pixels compress well: grpcio sends a message uncompressed when compressing would not shrink it.
    images, predictions = read_mnist(32)
    x = grpcclient.InferInput("input", list(images.shape), "FP32")
    x.set_data_from_numpy(images)
    outputs = [grpcclient.InferRequestedOutput("probabilities")]
    result = client.infer("mnist", [x], outputs=outputs, compression_algorithm=algorithm)
    assert result.as_numpy("probabilities").argmax(axis=1).tolist() == predictions
    responses = queue.Queue()
    client.start_stream(callback=lambda result, error: responses.put((result, error)), compression_algorithm=algorithm)
    try:
        for index in range(3):
            client.async_stream_infer("mnist", [x], outputs=outputs, request_id=str(index))
        results = [responses.get(timeout=60) for _ in range(3)]
    finally:
        client.stop_stream()
    assert [error for _, error in results] == [None] * 3
    assert sorted(result.get_response().id for result, _ in results) == ["0", "1", "2"]
    for result, _ in results:
        assert result.as_numpy("probabilities").argmax(axis=1).tolist() == predictions


# MARK: - Model repository and statistics


def test_repository_index(client, grpc_auth, not_loaded_models):
    index = client.get_model_repository_index(headers=grpc_auth, as_json=True)["models"]
    by_name = {entry["name"]: entry for entry in index}
    for case in CASES:
        assert by_name[case.model]["state"] == "READY"
    for name in not_loaded_models:
        assert by_name[name].get("state") != "READY"


def test_load_and_unload(client, grpc_auth, not_loaded_models):
    assert "scalar_mul" in not_loaded_models
    assert not client.is_model_ready("scalar_mul")
    client.load_model("scalar_mul", headers=grpc_auth)
    try:
        assert client.is_model_ready("scalar_mul")
        x = grpcclient.InferInput("x", [], "FP32")
        x.set_data_from_numpy(np.array(2.0, dtype=np.float32))
        assert float(client.infer("scalar_mul", [x]).as_numpy("y")) == 5.0
    finally:
        client.unload_model("scalar_mul", headers=grpc_auth)
    assert not client.is_model_ready("scalar_mul")


def test_repository_needs_the_token(client, grpc_auth):
    if not grpc_auth:
        pytest.skip("the server runs without --repository-token")
    with pytest.raises(InferenceServerException) as info:
        client.get_model_repository_index()
    assert info.value.status() == "StatusCode.UNAUTHENTICATED"
    with pytest.raises(InferenceServerException) as info:
        client.load_model("scalar_mul", headers={"authorization": "Bearer wrong"})
    assert info.value.status() == "StatusCode.PERMISSION_DENIED"


def test_load_unknown_model_is_not_found(client, grpc_auth):
    with pytest.raises(InferenceServerException) as info:
        client.load_model("no_such_model", headers=grpc_auth)
    assert info.value.status() == "StatusCode.NOT_FOUND"


def test_statistics(client):
    before = client.get_inference_statistics("identity_int16", as_json=True)["model_stats"][0]
    identity(client, CASES[6])
    after = client.get_inference_statistics("identity_int16", as_json=True)["model_stats"][0]
    assert after["name"] == "identity_int16"
    assert after["version"] == "1"
    count = lambda stats: int(stats.get("inference_count", "0"))
    assert count(after) == count(before) + 1
    assert int(after["inference_stats"]["success"]["count"]) >= 1
    everything = client.get_inference_statistics(as_json=True)["model_stats"]
    assert {"identity_int16", "mnist"} <= {entry["name"] for entry in everything}


def test_mnist_classification(client):
    # class_count over gRPC: the classification parameter as int64_param, the answer as BYTES contents.
    images, predictions = read_mnist(1)
    x = grpcclient.InferInput("input", [1, 1, 28, 28], "FP32")
    x.set_data_from_numpy(images)
    plain = client.infer("mnist", [x], outputs=[grpcclient.InferRequestedOutput("probabilities")])
    expected = top_classes(plain.as_numpy("probabilities").reshape(-1), 4)
    result = client.infer("mnist", [x], outputs=[grpcclient.InferRequestedOutput("probabilities", class_count=4)])
    classes = result.as_numpy("probabilities")
    assert classes.shape == (4,)
    assert parse_classes(classes) == [(np.float32(value), index) for value, index in expected]
    assert parse_classes(classes)[0][1] == predictions[0]
    assert "classification" in client.get_server_metadata().extensions
