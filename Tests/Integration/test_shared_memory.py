"""`ort serve`'s system shared memory extension against NVIDIA's unmodified clients: tritonclient.utils.shared_memory
creates the POSIX shared memory objects, tritonclient.http and tritonclient.grpc register them and run inference with
inputs and outputs in them (numeric and BYTES); results are checked against NumPy."""

import os

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
import tritonclient.http as httpclient
import tritonclient.utils.shared_memory as shm
from tritonclient import utils
from tritonclient.utils import InferenceServerException


@pytest.fixture(scope="module")
def grpc_client(grpc_url):
    client = grpcclient.InferenceServerClient(url=grpc_url)
    yield client
    client.close()


@pytest.fixture(params=["http", "grpc"])
def client(request, triton):
    """Each test runs once with tritonclient.http and once with tritonclient.grpc."""
    if request.param == "http":
        return triton
    return request.getfixturevalue("grpc_client")


def _module(client):
    return grpcclient if isinstance(client, grpcclient.InferenceServerClient) else httpclient


def _names(label):
    """A region name and a shared memory key no other test (or run) uses."""
    unique = f"{label}_{os.getpid()}_{np.random.randint(1 << 30)}"
    return unique, f"/ort_it_{unique}"


@pytest.fixture
def regions(client):
    """Creates shared memory objects and registers them; unregisters and destroys them afterwards."""
    made = []

    def make(label, byte_size):
        name, key = _names(label)
        handle = shm.create_shared_memory_region(name, key, byte_size)
        made.append((name, handle))
        client.register_system_shared_memory(name, key, byte_size)
        return name, handle

    yield make
    for name, handle in made:
        client.unregister_system_shared_memory(name)
        shm.destroy_shared_memory_region(handle)


def _status_names(client):
    status = client.get_system_shared_memory_status()
    if isinstance(client, grpcclient.InferenceServerClient):
        return set(status.regions.keys())
    return {region["name"] for region in status}


def _output_meta(result, name):
    output = result.get_output(name)
    if isinstance(output, dict):
        return output["datatype"], output["shape"]
    return output.datatype, list(output.shape)


def test_metadata_lists_system_shared_memory(client):
    metadata = client.get_server_metadata()
    extensions = metadata["extensions"] if isinstance(metadata, dict) else list(metadata.extensions)
    assert "system_shared_memory" in extensions


def test_register_status_unregister(client, regions):
    name, _ = regions("status", 64)
    assert name in _status_names(client)
    one = client.get_system_shared_memory_status(region_name=name)
    if isinstance(client, grpcclient.InferenceServerClient):
        assert one.regions[name].byte_size == 64
    else:
        assert one == [{"name": name, "key": f"/ort_it_{name}", "offset": 0, "byte_size": 64}]
    client.unregister_system_shared_memory(name)
    assert name not in _status_names(client)
    with pytest.raises(InferenceServerException, match="Unable to find system shared memory region"):
        client.get_system_shared_memory_status(region_name=name)
    # Registered again so the fixture's unregister finds it.
    client.register_system_shared_memory(name, f"/ort_it_{name}", 64)


def test_register_twice_is_refused(client, regions):
    name, _ = regions("twice", 16)
    with pytest.raises(InferenceServerException, match="already in manager"):
        client.register_system_shared_memory(name, f"/ort_it_{name}", 16)


def test_register_past_the_end_is_refused(client, regions):
    name, handle = regions("small", 16)
    with pytest.raises(InferenceServerException, match="invalid args"):
        client.register_system_shared_memory(name + "_more", f"/ort_it_{name}", 32)


def test_fp32_inputs_and_output_in_shared_memory(client, regions):
    module = _module(client)
    a = np.array([[0.5, -1.5, 2.0], [1e-3, 3.25, -8.0]], dtype=np.float32)
    b = np.array([[1.0, 2.0, -3.0], [4.5, -0.25, 100.0]], dtype=np.float32)
    inputs_name, inputs_handle = regions("in", 2 * a.nbytes)
    outputs_name, outputs_handle = regions("out", 64)
    shm.set_shared_memory_region(inputs_handle, [a])
    shm.set_shared_memory_region(inputs_handle, [b], offset=a.nbytes)

    first = module.InferInput("A", [2, 3], "FP32")
    first.set_shared_memory(inputs_name, a.nbytes)
    second = module.InferInput("B", [2, 3], "FP32")
    second.set_shared_memory(inputs_name, b.nbytes, offset=a.nbytes)
    output = module.InferRequestedOutput("C")
    output.set_shared_memory(outputs_name, 40, offset=8)
    result = client.infer("add_f32", [first, second], outputs=[output])

    datatype, shape = _output_meta(result, "C")
    assert (datatype, shape) == ("FP32", [2, 3])
    got = shm.get_contents_as_numpy(outputs_handle, utils.triton_to_np_dtype(datatype), shape, offset=8)
    np.testing.assert_array_equal(got, a + b)


def test_mixed_shared_memory_and_inline(client, regions):
    module = _module(client)
    x = np.arange(-3, 3, dtype=np.int32).reshape(2, 3)
    name, handle = regions("mixed", x.nbytes)
    shm.set_shared_memory_region(handle, [x])
    tensor = module.InferInput("x", [2, 3], "INT32")
    tensor.set_shared_memory(name, x.nbytes)
    result = client.infer("identity_int32", [tensor])
    np.testing.assert_array_equal(result.as_numpy("y"), x)


def test_bytes_in_and_out_of_shared_memory(client, regions):
    module = _module(client)
    values = np.array([[b"", b"hello", "ünïcödé".encode()], [b"a b", b"x" * 300, b"end"]], dtype=np.object_)
    serialized = utils.serialize_byte_tensor(values)
    size = utils.serialized_byte_size(serialized)
    name, handle = regions("bytes", 2 * size)
    shm.set_shared_memory_region(handle, [serialized])
    tensor = module.InferInput("x", [2, 3], "BYTES")
    tensor.set_shared_memory(name, size)
    output = module.InferRequestedOutput("y")
    output.set_shared_memory(name, size, offset=size)
    result = client.infer("identity_string", [tensor], outputs=[output])
    datatype, shape = _output_meta(result, "y")
    assert (datatype, shape) == ("BYTES", [2, 3])
    got = shm.get_contents_as_numpy(handle, np.object_, shape, offset=size)
    assert got.tolist() == values.tolist()


def test_dynamic_batching_model_with_shared_memory(client, regions):
    module = _module(client)
    # Four rows: the model's preferred batch size, so the batch runs without waiting for the queue delay.
    rows = np.array([[1, 2, 3], [0.5, -1, 2], [-8, 0.125, 4], [0, 0, 0]], dtype=np.float32)
    name, handle = regions("batched", 256)
    shm.set_shared_memory_region(handle, [rows])
    tensor = module.InferInput("x", [4, 3], "FP32")
    tensor.set_shared_memory(name, rows.nbytes)
    y = module.InferRequestedOutput("y")
    y.set_shared_memory(name, 32, offset=64)
    s = module.InferRequestedOutput("s")
    s.set_shared_memory(name, 16, offset=128)
    client.infer("affine_batched", [tensor], outputs=[y, s])
    weights = np.array([[1, -2], [3, 0], [-1, 4]], dtype=np.float64)
    expected_y = (rows.astype(np.float64) @ weights + np.array([0.5, -0.25])).astype(np.float32)
    np.testing.assert_array_equal(shm.get_contents_as_numpy(handle, np.float32, [4, 2], offset=64), expected_y)
    np.testing.assert_array_equal(shm.get_contents_as_numpy(handle, np.float32, [4], offset=128), rows.sum(axis=1))


def test_output_too_small_names_the_sizes(client, regions):
    module = _module(client)
    x = np.zeros((2, 3), dtype=np.int32)
    name, handle = regions("tiny", 32)
    tensor = module.InferInput("x", [2, 3], "INT32")
    tensor.set_data_from_numpy(x)
    output = module.InferRequestedOutput("y")
    output.set_shared_memory(name, 8)
    with pytest.raises(InferenceServerException, match=r"\(8 bytes\) should be at least 24 bytes"):
        client.infer("identity_int32", [tensor], outputs=[output])


def test_offset_past_the_region_is_refused(client, regions):
    module = _module(client)
    name, handle = regions("offset", 32)
    tensor = module.InferInput("x", [2, 3], "INT32")
    tensor.set_shared_memory(name, 24, offset=16)
    with pytest.raises(InferenceServerException, match="Invalid offset \\+ byte size for shared memory region"):
        client.infer("identity_int32", [tensor])


def test_unregistered_region_is_refused(client):
    module = _module(client)
    tensor = module.InferInput("x", [2, 3], "INT32")
    tensor.set_shared_memory("never_registered", 24)
    with pytest.raises(InferenceServerException, match="Unable to find shared memory region: 'never_registered'"):
        client.infer("identity_int32", [tensor])


def test_cuda_shared_memory_answers_as_a_server_without_gpus(client):
    status = client.get_cuda_shared_memory_status()
    assert (len(status.regions) if hasattr(status, "regions") else len(status)) == 0
    client.unregister_cuda_shared_memory()
    with pytest.raises(InferenceServerException, match="GPUs not supported"):
        client.register_cuda_shared_memory("gpu", b"\0" * 64, 0, 64)
