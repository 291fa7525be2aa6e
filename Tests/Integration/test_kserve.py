"""`ort serve` against the KServe Python SDK (0.21): its async REST client (`InferenceRESTClient`, V2 protocol) for
health and inference in JSON and binary form, and its V2 pydantic data models for the metadata documents."""

import asyncio

import numpy as np
import pytest
import requests
from kserve import InferenceRESTClient, InferInput, InferRequest, RESTConfig
from kserve.protocol.infer_type import RequestedOutput
from kserve.protocol.rest.v2_datamodels import ModelMetadataResponse, ServerMetadataResponse

from datatypes import CASES, assert_same


def run(coroutine_function):
    """Runs `coroutine_function(client)` with a fresh V2 REST client."""

    async def main():
        client = InferenceRESTClient(RESTConfig(protocol="v2", timeout=60, retries=0))
        try:
            return await coroutine_function(client)
        finally:
            await client.close()

    return asyncio.run(main())


def test_health(base_url):
    async def check(client):
        assert await client.is_server_live(base_url) is True
        assert await client.is_server_ready(base_url) is True
        assert await client.is_model_ready(base_url, "identity_float32") is True
        assert await client.is_model_ready(base_url, "no_such_model") is False

    run(check)


def test_infer_json(base_url):
    async def infer(client):
        x = InferInput("x", [2, 3], "FP32", data=[1.0, 2.0, 3.0, 4.0, 5.0, 6.5])
        request = InferRequest(model_name="identity_float32", infer_inputs=[x], request_id="kserve-1")
        return await client.infer(base_url, request, model_name="identity_float32")

    response = run(infer)
    assert response.model_name == "identity_float32"
    assert response.id == "kserve-1"
    output = response.outputs[0]
    assert output.name == "y"
    assert output.datatype == "FP32"
    assert list(output.shape) == [2, 3]
    assert output.as_numpy().tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.5]]


def test_infer_json_strings_and_bools(base_url):
    async def infer(client):
        a = InferInput("a", [2], "BYTES", data=["ab", "x"])
        b = InferInput("b", [2], "BYTES", data=["cd", "x"])
        request = InferRequest(model_name="string_ops", infer_inputs=[a, b])
        return await client.infer(base_url, request, model_name="string_ops")

    response = run(infer)
    outputs = {output.name: output for output in response.outputs}
    assert [x if isinstance(x, str) else x.decode() for x in outputs["joined"].as_numpy().tolist()] == ["abcd", "xx"]
    assert outputs["same"].as_numpy().tolist() == [False, True]


@pytest.mark.parametrize("case", [case for case in CASES if case.datatype != "BF16"], ids=repr)
def test_infer_binary(base_url, case):
    async def infer(client):
        x = InferInput("x", [2, 3], case.datatype)
        x.set_data_from_numpy(case.values, binary_data=True)
        outputs = [RequestedOutput("y", parameters={"binary_data": True})]
        request = InferRequest(model_name=case.model, infer_inputs=[x], request_outputs=outputs)
        return await client.infer(base_url, request, model_name=case.model)

    response = run(infer)
    output = response.outputs[0]
    assert output.datatype == case.datatype
    assert_same(case, output.as_numpy())


def test_infer_dict_body(base_url):
    body = {
        "inputs": [{"name": "A", "shape": [1, 3], "datatype": "FP32", "data": [1, 2, 3]},
                   {"name": "B", "shape": [1, 3], "datatype": "FP32", "data": [[10, 20, 30]]}],
    }

    async def infer(client):
        return await client.infer(base_url, body, model_name="add_f32")

    response = run(infer)
    assert response.outputs[0].name == "C"
    assert response.outputs[0].as_numpy().tolist() == [[11.0, 22.0, 33.0]]


def test_errors_raise_http_status_error(base_url):
    import httpx

    async def infer(client):
        x = InferInput("x", [2, 3], "FP32", data=[1.0] * 6)
        request = InferRequest(model_name="no_such_model", infer_inputs=[x])
        return await client.infer(base_url, request, model_name="no_such_model")

    with pytest.raises(httpx.HTTPStatusError) as info:
        run(infer)
    assert info.value.response.status_code == 404


def test_metadata_documents_validate(base_url):
    server = ServerMetadataResponse.model_validate(requests.get(f"{base_url}/v2", timeout=30).json())
    assert "binary_tensor_data" in server.extensions
    model = ModelMetadataResponse.model_validate(
        requests.get(f"{base_url}/v2/models/string_ops", timeout=30).json())
    assert model.name == "string_ops"
    assert [(t.name, t.datatype, t.shape) for t in model.inputs] == [("a", "BYTES", [-1]), ("b", "BYTES", [-1])]
    assert {t.name: t.datatype for t in model.outputs} == {"joined": "BYTES", "same": "BOOL"}
