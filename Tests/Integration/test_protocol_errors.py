"""Malformed and refused requests, sent byte for byte with http.client: each must get its HTTP status and the
protocol's error body, `{"error": "<message>"}` as application/json."""

import json
import struct

import pytest

FP32_ROWS = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]


def infer_json(raw, model, body, headers=None):
    return raw("POST", f"/v2/models/{model}/infer", json.dumps(body), headers)


def infer_binary(raw, model, header, payload, header_length=None):
    header_bytes = json.dumps(header).encode()
    length = len(header_bytes) if header_length is None else header_length
    return raw(
        "POST", f"/v2/models/{model}/infer", header_bytes + payload,
        {"Inference-Header-Content-Length": str(length), "Content-Type": "application/octet-stream"})


def fp32_input(name="x", shape=(2, 3), data=FP32_ROWS, datatype="FP32"):
    return {"name": name, "shape": list(shape), "datatype": datatype, "data": data}


def expect_error(response, *statuses):
    assert response.status in statuses, f"{response.status}: {response.body[:300]!r}"
    message = response.error()
    assert message.strip(), "empty error message"
    return message


def test_valid_request_for_reference(raw):
    response = infer_json(raw, "identity_float32", {"inputs": [fp32_input()]})
    assert response.status == 200, response.body
    assert response.json()["outputs"][0]["data"] == FP32_ROWS


# MARK: - Unknown things


def test_unknown_model_infer_404(raw):
    expect_error(infer_json(raw, "no_such_model", {"inputs": [fp32_input()]}), 404)


def test_unknown_model_metadata_404(raw):
    expect_error(raw("GET", "/v2/models/no_such_model"), 404)


def test_unknown_model_config_and_stats_404(raw):
    expect_error(raw("GET", "/v2/models/no_such_model/config"), 404)
    expect_error(raw("GET", "/v2/models/no_such_model/stats"), 404)


def test_unknown_version_404(raw):
    expect_error(raw("GET", "/v2/models/identity_float32/versions/7"), 404)
    expect_error(infer_json(raw, "identity_float32/versions/7", {"inputs": [fp32_input()]}), 404)


def test_invalid_version_400(raw):
    expect_error(raw("GET", "/v2/models/identity_float32/versions/abc"), 400, 404)


def test_unknown_model_not_ready(raw):
    response = raw("GET", "/v2/models/no_such_model/ready")
    assert response.status in (400, 404), response.status


def test_unknown_output_400(raw):
    body = {"inputs": [fp32_input()], "outputs": [{"name": "nope"}]}
    assert "nope" in expect_error(infer_json(raw, "identity_float32", body), 400)


def test_unknown_input_400(raw):
    body = {"inputs": [fp32_input(), fp32_input(name="z")]}
    assert "z" in expect_error(infer_json(raw, "identity_float32", body), 400)


def test_missing_input_400(raw):
    body = {"inputs": [fp32_input(name="A", shape=(1, 3), data=[1.0, 2.0, 3.0])]}
    assert "B" in expect_error(infer_json(raw, "add_f32", body), 400)


def test_duplicate_input_400(raw):
    body = {"inputs": [fp32_input(), fp32_input()]}
    expect_error(infer_json(raw, "identity_float32", body), 400)


# MARK: - Malformed bodies


@pytest.mark.parametrize(
    "body",
    [b"{", b"not json", b"", b"[]", b'{"inputs": 5}', b'{"inputs": [{"name": "x"}]}', b'{"inputs": [1]}'],
    ids=["truncated", "text", "empty", "array", "inputs-not-array", "input-without-fields", "input-not-object"])
def test_bad_json_400(raw, body):
    expect_error(raw("POST", "/v2/models/identity_float32/infer", body), 400)


def test_wrong_datatype_400(raw):
    body = {"inputs": [fp32_input(datatype="INT64", data=[1, 2, 3, 4, 5, 6])]}
    message = expect_error(infer_json(raw, "identity_float32", body), 400)
    assert "FP32" in message or "INT64" in message


def test_unknown_datatype_400(raw):
    expect_error(infer_json(raw, "identity_float32", {"inputs": [fp32_input(datatype="FLOAT")]}), 400)


def test_data_of_the_wrong_json_type_400(raw):
    body = {"inputs": [fp32_input(data=["a", "b", "c", "d", "e", "f"])]}
    expect_error(infer_json(raw, "identity_float32", body), 400)
    body = {"inputs": [{"name": "x", "shape": [2, 3], "datatype": "INT8", "data": [1, 2, 3, 4, 5, 300]}]}
    expect_error(infer_json(raw, "identity_int8", body), 400)


def test_wrong_shape_400(raw):
    expect_error(infer_json(raw, "identity_float32", {"inputs": [fp32_input(shape=(3, 2))]}), 400)
    expect_error(infer_json(raw, "identity_float32", {"inputs": [fp32_input(shape=(6,))]}), 400)
    expect_error(infer_json(raw, "identity_float32", {"inputs": [fp32_input(shape=(1, 2, 3))]}), 400)


def test_negative_dimension_400(raw):
    expect_error(infer_json(raw, "identity_float32", {"inputs": [fp32_input(shape=(-2, -3))]}), 400)


def test_element_count_mismatch_400(raw):
    expect_error(infer_json(raw, "identity_float32", {"inputs": [fp32_input(data=FP32_ROWS[:5])]}), 400)
    expect_error(infer_json(raw, "identity_float32", {"inputs": [fp32_input(data=FP32_ROWS + [7.0])]}), 400)


def test_binary_byte_count_mismatch_400(raw):
    payload = struct.pack("<6f", *FP32_ROWS)
    header = {"inputs": [{"name": "x", "shape": [2, 3], "datatype": "FP32", "parameters": {"binary_data_size": 20}}]}
    expect_error(infer_binary(raw, "identity_float32", header, payload[:20]), 400)  # 5 floats for 6 elements
    header["inputs"][0]["parameters"]["binary_data_size"] = 24
    expect_error(infer_binary(raw, "identity_float32", header, payload[:20]), 400)  # body shorter than declared
    expect_error(infer_binary(raw, "identity_float32", header, payload + b"\0\0\0\0"), 400)  # bytes left over


def test_binary_bytes_with_truncated_length_prefix_400(raw):
    payload = struct.pack("<I", 10) + b"short"
    header = {"inputs": [{"name": "x", "shape": [2, 3], "datatype": "BYTES",
                          "parameters": {"binary_data_size": len(payload)}}]}
    expect_error(infer_binary(raw, "identity_string", header, payload), 400)


def test_header_length_beyond_body_400(raw):
    header = {"inputs": [fp32_input()]}
    expect_error(infer_binary(raw, "identity_float32", header, b"", header_length=10_000), 400)


def test_header_length_not_a_number_400(raw):
    body = json.dumps({"inputs": [fp32_input()]}).encode()
    response = raw("POST", "/v2/models/identity_float32/infer", body, {"Inference-Header-Content-Length": "ten"})
    expect_error(response, 400)


def test_both_data_and_binary_400(raw):
    header = {"inputs": [dict(fp32_input(), parameters={"binary_data_size": 24})]}
    expect_error(infer_binary(raw, "identity_float32", header, struct.pack("<6f", *FP32_ROWS)), 400)


def test_oversize_body_413(raw, max_request_size):
    if not max_request_size:
        pytest.skip("the server's --max-request-size is not known")
    count = max_request_size // 4 + 16
    payload = b"\0" * (count * 4)
    header = {"inputs": [{"name": "A", "shape": [count // 3, 3], "datatype": "FP32",
                          "parameters": {"binary_data_size": (count // 3) * 12}}]}
    response = infer_binary(raw, "add_f32", header, payload[: (count // 3) * 12])
    expect_error(response, 413)


# MARK: - Model names that try to leave the repository


@pytest.mark.parametrize(
    "name",
    ["..", "%2e%2e", "..%2F..%2Fetc", "%2E%2E%2Fidentity_float32", "a%2Fb", "%00", ".hidden", "x%5C..%5Cy"],
    ids=["dotdot", "encoded-dotdot", "encoded-slashes", "encoded-traversal", "encoded-slash", "nul", "dotfile",
         "backslashes"])
def test_traversal_model_names(raw, auth_headers, name):
    for method, path in (("GET", f"/v2/models/{name}"), ("GET", f"/v2/models/{name}/ready"),
                         ("POST", f"/v2/models/{name}/infer")):
        response = raw(method, path, b"{}" if method == "POST" else None)
        assert response.status in (400, 404), f"{method} {path}: {response.status}"
    response = raw("POST", f"/v2/repository/models/{name}/load", b"", auth_headers)
    assert response.status in (400, 404), f"load {name}: {response.status} {response.body[:200]!r}"
    response.error()


def test_plain_dotdot_path_does_not_escape(raw):
    # An unencoded ../ in the path must not reach another endpoint or file.
    response = raw("GET", "/v2/models/../../etc/passwd")
    assert response.status in (400, 404)


# MARK: - Repository access


def test_repository_without_token_401(raw, auth_headers):
    if not auth_headers:
        pytest.skip("the server runs without --repository-token")
    response = raw("POST", "/v2/repository/index", b"{}")
    expect_error(response, 401)
    assert response.headers.get("www-authenticate", "").lower().startswith("bearer")
    expect_error(raw("POST", "/v2/repository/models/scalar_mul/load", b""), 401)
    expect_error(raw("POST", "/v2/repository/models/scalar_mul/unload", b""), 401)


def test_repository_with_wrong_token_403(raw, auth_headers):
    if not auth_headers:
        pytest.skip("the server runs without --repository-token")
    headers = {"Authorization": "Bearer not-the-token"}
    expect_error(raw("POST", "/v2/repository/index", b"{}", headers), 403)
    expect_error(raw("POST", "/v2/repository/models/scalar_mul/load", b"", headers), 403)


def test_repository_index_bad_body_400(raw, auth_headers):
    expect_error(raw("POST", "/v2/repository/index", b"{", auth_headers), 400)
    expect_error(raw("POST", "/v2/repository/index", b'{"ready": "yes"}', auth_headers), 400)


def test_repository_index_ready_only(raw, auth_headers, not_loaded_models):
    response = raw("POST", "/v2/repository/index", b'{"ready": true}', auth_headers)
    assert response.status == 200, response.body
    names = {entry["name"] for entry in response.json()}
    assert "identity_float32" in names
    for name in not_loaded_models:
        assert name not in names
