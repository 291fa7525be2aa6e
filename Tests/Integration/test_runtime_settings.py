"""Per-model ONNX Runtime settings and execution accelerators (Triton's ONNX Runtime backend syntax) through
tritonclient over REST, on the model `ort_settings` that scripts/integration-server.sh sets up: add_f32 (C = A + B)
with parallel execution, two intra-op threads, no memory pattern, arena shrinkage after each run, a CPU accelerator
and a GPU one (reported, not used). gRPC in test_runtime_settings_grpc.py."""

import json

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

MODEL = "ort_settings"


def test_config_reports_parameters_and_accelerators_as_triton(triton):
    config = triton.get_model_config(MODEL)
    # Triton 2.51 reports parameters as {"key": {"string_value": ...}} and both accelerator lists.
    assert config["parameters"] == {
        "intra_op_thread_count": {"string_value": "2"},
        "execution_mode": {"string_value": "1"},
        "enable_mem_arena": {"string_value": "1"},
        "enable_mem_pattern": {"string_value": "0"},
        "memory.enable_memory_arena_shrinkage": {"string_value": "cpu:0"},
    }
    assert config["optimization"]["graph"] == {"level": 1}
    assert config["optimization"]["execution_accelerators"] == {
        "gpu_execution_accelerator": [{"name": "tensorrt", "parameters": {"precision_mode": "FP16"}}],
        "cpu_execution_accelerator": [{"name": "CPUExecutionProvider", "parameters": {}}],
    }


@pytest.mark.parametrize("binary", [False, True])
def test_inference_matches_numpy(triton, binary):
    rng = np.random.default_rng(7)
    for rows in (1, 5, 64):
        a = (rng.integers(-512, 512, size=(rows, 3)) / 8).astype(np.float32)
        b = (rng.integers(-512, 512, size=(rows, 3)) / 8).astype(np.float32)
        inputs = [httpclient.InferInput("A", [rows, 3], "FP32"), httpclient.InferInput("B", [rows, 3], "FP32")]
        inputs[0].set_data_from_numpy(a, binary_data=binary)
        inputs[1].set_data_from_numpy(b, binary_data=binary)
        result = triton.infer(MODEL, inputs)
        np.testing.assert_array_equal(result.as_numpy("C"), a + b)


def test_a_reload_with_an_accelerator_this_runtime_lacks_fails_naming_it(triton, auth_headers):
    config = {"optimization": {"execution_accelerators": {"cpu_execution_accelerator": [
        {"name": "XnnpackExecutionProvider", "parameters": {}}]}}}
    with pytest.raises(InferenceServerException) as failure:
        triton.load_model(MODEL, headers=auth_headers, config=json.dumps(config))
    message = str(failure.value)
    assert "failed to load model 'ort_settings'" in message
    assert "unknown Execution Accelerator 'XnnpackExecutionProvider' is requested" in message
    # The version loaded before stays in service.
    assert triton.is_model_ready(MODEL)


def test_a_reload_with_a_bad_parameter_value_fails_naming_it(triton, auth_headers):
    config = {"parameters": {"execution_mode": {"string_value": "2"}}}
    with pytest.raises(InferenceServerException) as failure:
        triton.load_model(MODEL, headers=auth_headers, config=json.dumps(config))
    assert "Expected values for execution_mode are 0 or 1 but got '2'" in str(failure.value)
    assert triton.is_model_ready(MODEL)
