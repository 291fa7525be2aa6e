"""Sequence batching over gRPC with NVIDIA's tritonclient.grpc: unary sequences, interleaved streaming sequences
(ModelStreamInfer carries sequence_id, sequence_start and sequence_end), the refusals as stream errors, and Silero VAD
streamed chunk by chunk with its state kept on the server, against Python onnxruntime feeding the state by hand."""

import queue
from functools import partial

import numpy as np
import pytest
import tritonclient.grpc as grpcclient
from tritonclient.utils import InferenceServerException

import silero_reference as silero


@pytest.fixture(scope="module")
def client(grpc_url):
    triton = grpcclient.InferenceServerClient(url=grpc_url)
    yield triton
    triton.close()


def value_input(value):
    tensor = grpcclient.InferInput("INPUT", [1, 1], "INT32")
    tensor.set_data_from_numpy(np.full((1, 1), value, dtype=np.int32))
    return tensor


def test_unary_sequence_with_uint64_id(client):
    sequence = 2**62 + 5  # tritonclient.grpc sends it as int64_param
    outputs = []
    for step in range(3):
        result = client.infer(
            "seq_controls", [value_input(step)], sequence_id=sequence, sequence_start=step == 0, sequence_end=step == 2)
        outputs.append((result.as_numpy("OUT_START")[0][0], result.as_numpy("OUT_END")[0][0]))
        assert result.as_numpy("OUT_CORRID").tolist() == [[sequence]]
    assert outputs == [(11, -0.5), (10, -0.5), (10, 0.5)]


def test_unary_refusal_codes(client):
    with pytest.raises(InferenceServerException) as error:
        client.infer("seq_accumulate_oldest", [value_input(1)], sequence_id="nobody")
    assert error.value.status() == "StatusCode.INVALID_ARGUMENT"
    assert "must specify the START flag on the first request of the sequence" in error.value.message()


@pytest.mark.parametrize("model", ["seq_accumulate_direct", "seq_accumulate_oldest"])
def test_stream_interleaved_sequences(client, model):
    answers = queue.Queue()
    client.start_stream(callback=partial(lambda q, result, error: q.put((result, error)), answers))
    try:
        steps = 4
        keys = [f"{model}-stream-{n}" for n in range(2)]
        sent = 0
        for step in range(steps):
            for n, key in enumerate(keys):
                client.async_stream_infer(
                    model, [value_input(n * 100 + step)], request_id=f"{key}/{step}", sequence_id=key,
                    sequence_start=step == 0, sequence_end=step == steps - 1)
                sent += 1
        # A request of an unknown sequence is answered with an error on the stream, which goes on.
        client.async_stream_infer(model, [value_input(1)], request_id="stray", sequence_id="stray")
        sent += 1
        got = {}
        errors = []
        for _ in range(sent):
            result, error = answers.get(timeout=30)
            if error is not None:
                errors.append(error.message())
            else:
                got[result.get_response().id] = result.as_numpy("OUTPUT")[0][0]
    finally:
        client.stop_stream()
    assert len(errors) == 1 and "must specify the START flag" in errors[0], errors
    for n, key in enumerate(keys):
        total = 0
        for step in range(steps):
            total += n * 100 + step
            assert got[f"{key}/{step}"] == total, (key, step)


def test_silero_vad_stream_matches_onnxruntime(client):
    signal = silero.audio(seed=3)
    expected = np.concatenate(silero.reference(signal)).ravel()
    pieces = silero.chunks(signal)
    answers = queue.Queue()
    sr = grpcclient.InferInput("sr", [], "INT64")
    sr.set_data_from_numpy(np.array(silero.SAMPLE_RATE, dtype=np.int64))
    client.start_stream(callback=partial(lambda q, result, error: q.put((result, error)), answers))
    try:
        for index, piece in enumerate(pieces):
            chunk = grpcclient.InferInput("input", [1, silero.CHUNK], "FP32")
            chunk.set_data_from_numpy(piece)
            client.async_stream_infer(
                "silero_vad", [chunk, sr], request_id=str(index), sequence_id="silero-stream",
                sequence_start=index == 0, sequence_end=index == len(pieces) - 1)
        got = {}
        for _ in pieces:
            result, error = answers.get(timeout=60)
            assert error is None, error
            got[int(result.get_response().id)] = result.as_numpy("output").ravel()[0]
    finally:
        client.stop_stream()
    ours = np.array([got[index] for index in range(len(pieces))], dtype=np.float32)
    assert np.max(np.abs(ours - expected)) <= silero.TOLERANCE, (ours, expected)
    assert expected.max() - expected.min() > 0.1, expected
    assert np.max(np.abs(ours - silero.stateless(signal))) > 1e-3
