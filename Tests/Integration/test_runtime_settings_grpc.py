"""The execution accelerators and ONNX Runtime parameters of `ort_settings` (see test_runtime_settings.py) in the
gRPC ModelConfig answer, read with tritonclient.grpc and Triton's own model_config_pb2."""

import pytest
import tritonclient.grpc as grpcclient


@pytest.fixture(scope="module")
def grpc_client(grpc_url):
    client = grpcclient.InferenceServerClient(url=grpc_url)
    yield client
    client.close()


def test_grpc_config_has_the_accelerators_and_parameters(grpc_client):
    config = grpc_client.get_model_config("ort_settings").config
    accelerators = config.optimization.execution_accelerators
    assert [a.name for a in accelerators.cpu_execution_accelerator] == ["CPUExecutionProvider"]
    assert [a.name for a in accelerators.gpu_execution_accelerator] == ["tensorrt"]
    assert dict(accelerators.gpu_execution_accelerator[0].parameters) == {"precision_mode": "FP16"}
    assert config.optimization.graph.level == 1
    assert {key: value.string_value for key, value in config.parameters.items()} == {
        "intra_op_thread_count": "2",
        "execution_mode": "1",
        "enable_mem_arena": "1",
        "enable_mem_pattern": "0",
        "memory.enable_memory_arena_shrinkage": "cpu:0",
    }
