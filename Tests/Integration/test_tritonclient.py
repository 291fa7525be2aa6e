"""`ort serve` against NVIDIA's unmodified Python client, tritonclient.http: every datatype in binary and JSON form,
metadata, configuration, the model repository, statistics."""

import json
import struct
from pathlib import Path

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

from datatypes import CASES, JSON_CASES, SPECIAL_BINARY, assert_same

ROOT = Path(__file__).resolve().parents[2]


def identity(triton, case, binary_in, binary_out, request_id=""):
    x = httpclient.InferInput("x", list(case.values.shape), case.datatype)
    x.set_data_from_numpy(case.values, binary_data=binary_in)
    y = httpclient.InferRequestedOutput("y", binary_data=binary_out)
    return triton.infer(case.model, [x], outputs=[y], request_id=request_id)


# MARK: - Health and metadata


def test_server_live_and_ready(triton):
    assert triton.is_server_live()
    assert triton.is_server_ready()


def test_server_metadata(triton):
    metadata = triton.get_server_metadata()
    assert isinstance(metadata["name"], str) and metadata["name"]
    assert isinstance(metadata["version"], str) and metadata["version"]
    for extension in ("binary_tensor_data", "model_repository", "statistics", "model_configuration", "parameters"):
        assert extension in metadata["extensions"]


def test_model_metadata(triton):
    metadata = triton.get_model_metadata("identity_float32")
    assert metadata["name"] == "identity_float32"
    assert "1" in metadata.get("versions", ["1"])
    assert isinstance(metadata["platform"], str)
    assert metadata["inputs"] == [{"name": "x", "datatype": "FP32", "shape": [2, 3]}]
    assert metadata["outputs"] == [{"name": "y", "datatype": "FP32", "shape": [2, 3]}]


def test_model_metadata_with_version(triton):
    metadata = triton.get_model_metadata("identity_string", model_version="1")
    assert metadata["name"] == "identity_string"
    assert metadata["inputs"][0]["datatype"] == "BYTES"


def test_model_metadata_of_every_datatype(triton):
    for case in CASES:
        metadata = triton.get_model_metadata(case.model)
        assert metadata["inputs"][0]["datatype"] == case.datatype, case.model
        assert metadata["outputs"][0]["datatype"] == case.datatype, case.model


def test_dynamic_dimensions_are_minus_one(triton):
    metadata = triton.get_model_metadata("add_f32")
    assert [tensor["name"] for tensor in metadata["inputs"]] == ["A", "B"]
    assert metadata["inputs"][0]["shape"] == [-1, 3]
    assert metadata["outputs"] == [{"name": "C", "datatype": "FP32", "shape": [-1, 3]}]


def test_model_ready(triton):
    assert triton.is_model_ready("identity_float32")
    assert triton.is_model_ready("identity_float32", model_version="1")
    assert not triton.is_model_ready("no_such_model")


def test_model_config(triton):
    config = triton.get_model_config("identity_float32")
    assert config["name"] == "identity_float32"
    inputs = {tensor["name"]: tensor for tensor in config["input"]}
    outputs = {tensor["name"]: tensor for tensor in config["output"]}
    assert inputs["x"]["data_type"] == "TYPE_FP32"
    assert [int(d) for d in inputs["x"]["dims"]] == [2, 3]
    assert outputs["y"]["data_type"] == "TYPE_FP32"


def test_unknown_model_metadata_raises(triton):
    with pytest.raises(InferenceServerException) as info:
        triton.get_model_metadata("no_such_model")
    assert info.value.status() == "404"
    # Triton's text, which its example clients match (simple_http_health_metadata.py).
    assert info.value.message().startswith("Request for unknown model: 'no_such_model' is not found")


# MARK: - Inference, every datatype


@pytest.mark.parametrize("case", CASES, ids=repr)
def test_binary_round_trip(triton, case):
    result = identity(triton, case, binary_in=True, binary_out=True)
    assert_same(case, result.as_numpy("y"))
    output = result.get_output("y")
    assert output["datatype"] == case.datatype
    assert output["shape"] == [2, 3]
    assert "binary_data_size" in output["parameters"]


@pytest.mark.parametrize("case", JSON_CASES, ids=repr)
def test_json_round_trip(triton, case):
    result = identity(triton, case, binary_in=False, binary_out=False)
    output = result.get_output("y")
    assert output["datatype"] == case.datatype
    assert "data" in output
    assert "binary_data_size" not in output.get("parameters", {})
    assert_same(case, result.as_numpy("y"))


@pytest.mark.parametrize("case", JSON_CASES, ids=repr)
def test_json_in_binary_out(triton, case):
    result = identity(triton, case, binary_in=False, binary_out=True)
    assert_same(case, result.as_numpy("y"))


@pytest.mark.parametrize("case", JSON_CASES, ids=repr)
def test_binary_in_json_out(triton, case):
    result = identity(triton, case, binary_in=True, binary_out=False)
    assert "data" in result.get_output("y")
    assert_same(case, result.as_numpy("y"))


@pytest.mark.parametrize("case", SPECIAL_BINARY, ids=lambda case: f"{case.datatype}-special")
def test_binary_special_values(triton, case):
    result = identity(triton, case, binary_in=True, binary_out=True)
    assert_same(case, result.as_numpy("y"))


def test_all_outputs_binary_by_default(triton):
    case = CASES[10]  # FP32
    x = httpclient.InferInput("x", [2, 3], "FP32").set_data_from_numpy(case.values)
    # No requested outputs: tritonclient sets binary_data_output and expects every output back in binary.
    result = triton.infer(case.model, [x])
    assert "binary_data_size" in result.get_output("y")["parameters"]
    assert_same(case, result.as_numpy("y"))


def test_request_id_is_echoed(triton):
    result = identity(triton, CASES[10], binary_in=True, binary_out=True, request_id="request-42")
    response = result.get_response()
    assert response["id"] == "request-42"
    assert response["model_name"] == "identity_float32"


def test_explicit_version(triton):
    case = CASES[10]
    x = httpclient.InferInput("x", [2, 3], "FP32").set_data_from_numpy(case.values)
    result = triton.infer(case.model, [x], model_version="1")
    assert_same(case, result.as_numpy("y"))
    assert result.get_response().get("model_version", "1") == "1"


def test_add_f32_dynamic_batch(triton):
    a = np.arange(12, dtype=np.float32).reshape(4, 3)
    b = np.full((4, 3), 0.5, dtype=np.float32)
    inputs = [
        httpclient.InferInput("A", [4, 3], "FP32").set_data_from_numpy(a),
        httpclient.InferInput("B", [4, 3], "FP32").set_data_from_numpy(b, binary_data=False),
    ]
    result = triton.infer("add_f32", inputs)
    assert np.array_equal(result.as_numpy("C"), a + b)


def test_string_ops(triton):
    a = np.array([b"ab", "é".encode(), b""], dtype=np.object_)
    b = np.array([b"cd", "é".encode(), b""], dtype=np.object_)
    for binary in (True, False):
        inputs = [
            httpclient.InferInput("a", [3], "BYTES").set_data_from_numpy(a, binary_data=binary),
            httpclient.InferInput("b", [3], "BYTES").set_data_from_numpy(b, binary_data=binary),
        ]
        outputs = [
            httpclient.InferRequestedOutput("joined", binary_data=binary),
            httpclient.InferRequestedOutput("same", binary_data=binary),
        ]
        result = triton.infer("string_ops", inputs, outputs=outputs)
        joined = [x if isinstance(x, bytes) else x.encode() for x in result.as_numpy("joined")]
        assert joined == [b"abcd", "éé".encode(), b""]
        assert result.as_numpy("same").tolist() == [False, True, True]


def test_only_the_requested_output(triton):
    a = np.array([b"x"], dtype=np.object_)
    inputs = [
        httpclient.InferInput("a", [1], "BYTES").set_data_from_numpy(a),
        httpclient.InferInput("b", [1], "BYTES").set_data_from_numpy(a),
    ]
    result = triton.infer("string_ops", inputs, outputs=[httpclient.InferRequestedOutput("same")])
    assert [output["name"] for output in result.get_response()["outputs"]] == ["same"]
    assert result.as_numpy("joined") is None


def read_mnist(count):
    sample = ROOT / "Examples" / "MNIST" / "sample"
    data = (sample / "t10k-images.idx3-ubyte").read_bytes()
    magic, total, rows, cols = struct.unpack(">IIII", data[:16])
    assert magic == 0x803 and rows == 28 and cols == 28 and total >= count
    pixels = np.frombuffer(data[16 : 16 + count * 784], dtype=np.uint8)
    expected = json.loads((sample / "expected.json").read_text())
    return (pixels.astype(np.float32) / 255.0).reshape(count, 1, 28, 28), expected["predictions"][:count]


def test_mnist(triton):
    images, predictions = read_mnist(32)
    metadata = triton.get_model_metadata("mnist")
    input_name = metadata["inputs"][0]["name"]
    x = httpclient.InferInput(input_name, list(images.shape), "FP32").set_data_from_numpy(images)
    result = triton.infer("mnist", [x], outputs=[httpclient.InferRequestedOutput("probabilities")])
    probabilities = result.as_numpy("probabilities")
    assert probabilities.shape == (32, 10)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
    assert probabilities.argmax(axis=1).tolist() == predictions


def top_classes(probabilities, count):
    """The classification extension's answer worked out with NumPy: "<value>:<index>", highest first, ties by index."""
    order = sorted(range(len(probabilities)), key=lambda index: (-probabilities[index], index))[:count]
    return [(float(probabilities[index]), index) for index in order]


def parse_classes(elements):
    # Binary BYTES come back as bytes, JSON ones as str.
    texts = [element.decode() if isinstance(element, bytes) else element for element in elements]
    return [(float(value), int(index)) for value, index in (text.split(":")[:2] for text in texts)]


@pytest.mark.parametrize("binary", [False, True], ids=["json", "binary"])
def test_mnist_classification(triton, binary):
    # tritonclient's class_count: the top 3 digits of one image as "value:index", equal to NumPy's ranking of the
    # probabilities of a plain request (MNIST here does not batch, so the whole [1, 10] output is one row).
    images, predictions = read_mnist(1)
    x = httpclient.InferInput("input", [1, 1, 28, 28], "FP32").set_data_from_numpy(images)
    plain = triton.infer("mnist", [x], outputs=[httpclient.InferRequestedOutput("probabilities")])
    expected = top_classes(plain.as_numpy("probabilities").reshape(-1), 3)
    result = triton.infer(
        "mnist", [x], outputs=[httpclient.InferRequestedOutput("probabilities", binary_data=binary, class_count=3)])
    classes = result.as_numpy("probabilities")
    assert classes.shape == (3,)
    assert parse_classes(classes) == [(np.float32(value), index) for value, index in expected]
    assert parse_classes(classes)[0][1] == predictions[0]
    assert "classification" in triton.get_server_metadata()["extensions"]


def test_concurrent_requests(triton):
    case = CASES[10]
    x = httpclient.InferInput("x", [2, 3], "FP32").set_data_from_numpy(case.values)
    pending = [triton.async_infer(case.model, [x]) for _ in range(8)]
    for request in pending:
        assert_same(case, request.get_result().as_numpy("y"))


# MARK: - Model repository


def test_repository_index(triton, auth_headers, not_loaded_models):
    index = triton.get_model_repository_index(headers=auth_headers)
    by_name = {entry["name"]: entry for entry in index}
    for case in CASES:
        assert by_name[case.model]["state"] == "READY", by_name[case.model]
    for name in ("add_f32", "string_ops", "mnist"):
        assert by_name[name]["state"] == "READY"
    for name in not_loaded_models:
        assert name in by_name
        assert by_name[name].get("state") != "READY"


def test_load_and_unload(triton, auth_headers, not_loaded_models):
    assert "scalar_mul" in not_loaded_models
    assert not triton.is_model_ready("scalar_mul")
    triton.load_model("scalar_mul", headers=auth_headers)
    try:
        assert triton.is_model_ready("scalar_mul")
        x = httpclient.InferInput("x", [], "FP32").set_data_from_numpy(np.array(2.0, dtype=np.float32))
        result = triton.infer("scalar_mul", [x])
        assert result.as_numpy("y").shape == ()
        assert float(result.as_numpy("y")) == 5.0
        index = {entry["name"]: entry for entry in triton.get_model_repository_index(headers=auth_headers)}
        assert index["scalar_mul"]["state"] == "READY"
    finally:
        triton.unload_model("scalar_mul", headers=auth_headers)
    assert not triton.is_model_ready("scalar_mul")
    with pytest.raises(InferenceServerException):
        x = httpclient.InferInput("x", [], "FP32").set_data_from_numpy(np.array(2.0, dtype=np.float32))
        triton.infer("scalar_mul", [x])


def test_reload_keeps_serving(triton, auth_headers):
    triton.load_model("identity_int32", headers=auth_headers)
    assert triton.is_model_ready("identity_int32")
    assert_same(CASES[7], identity(triton, CASES[7], True, True).as_numpy("y"))


def test_load_unknown_model_fails(triton, auth_headers):
    with pytest.raises(InferenceServerException) as info:
        triton.load_model("no_such_model", headers=auth_headers)
    assert info.value.status() in ("400", "404")


def test_repository_needs_the_token(triton, auth_headers):
    if not auth_headers:
        pytest.skip("the server runs without --repository-token")
    with pytest.raises(InferenceServerException) as info:
        triton.get_model_repository_index()
    assert info.value.status() == "401"
    with pytest.raises(InferenceServerException) as info:
        triton.load_model("scalar_mul", headers={"Authorization": "Bearer wrong"})
    assert info.value.status() == "403"


# MARK: - Statistics


def test_statistics(triton):
    case = CASES[4]  # UINT64
    before = triton.get_inference_statistics(model_name=case.model)["model_stats"]
    count_before = before[0]["inference_stats"]["success"]["count"] if before else 0
    for _ in range(3):
        identity(triton, case, True, True)
    stats = triton.get_inference_statistics(model_name=case.model)["model_stats"]
    assert len(stats) == 1
    entry = stats[0]
    assert entry["name"] == case.model
    assert entry.get("version", "1") == "1"
    assert entry["inference_stats"]["success"]["count"] == count_before + 3
    assert entry["inference_stats"]["success"]["ns"] > 0
    assert entry["inference_count"] >= 3
    assert entry["execution_count"] >= 3
    assert entry["last_inference"] > 0
    for key in ("fail", "queue", "compute_input", "compute_infer", "compute_output"):
        assert set(entry["inference_stats"][key]) >= {"count", "ns"}


def test_statistics_count_failures(triton, raw):
    model = "identity_int16"
    before = triton.get_inference_statistics(model_name=model)["model_stats"][0]["inference_stats"]["fail"]["count"]
    body = {"inputs": [{"name": "x", "shape": [2, 3], "datatype": "INT16", "data": [1, 2, 3]}]}
    assert raw("POST", f"/v2/models/{model}/infer", json.dumps(body)).status == 400
    after = triton.get_inference_statistics(model_name=model)["model_stats"][0]["inference_stats"]["fail"]["count"]
    assert after in (before, before + 1)  # Triton counts only failures inside the model; either is conformant


def test_statistics_of_all_models(triton):
    stats = triton.get_inference_statistics()["model_stats"]
    names = {entry["name"] for entry in stats}
    assert {case.model for case in CASES} <= names


def test_statistics_with_version(triton):
    stats = triton.get_inference_statistics(model_name="identity_float32", model_version="1")["model_stats"]
    assert [entry["name"] for entry in stats] == ["identity_float32"]
