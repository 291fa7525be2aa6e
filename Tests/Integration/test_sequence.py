"""Sequence batching over REST with NVIDIA's tritonclient.http: the control inputs a model gets, interleaved
sequences with implicit state under both strategies, Triton's refusals, and Silero VAD (a real stateful model)
streamed chunk by chunk with its state kept on the server, against Python onnxruntime feeding the state by hand."""

import numpy as np
import pytest
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

import silero_reference as silero


def value_input(value, rows=1):
    tensor = httpclient.InferInput("INPUT", [rows, 1], "INT32")
    tensor.set_data_from_numpy(np.full((rows, 1), value, dtype=np.int32))
    return tensor


def test_sequence_extension_listed(triton):
    assert "sequence" in triton.get_server_metadata()["extensions"]


def test_control_inputs_hidden_from_metadata(triton):
    metadata = triton.get_model_metadata("seq_accumulate_direct")
    assert [tensor["name"] for tensor in metadata["inputs"]] == ["INPUT"]
    assert [tensor["name"] for tensor in metadata["outputs"]] == ["OUTPUT", "OUT_CORRID"]


def test_control_values(triton):
    # int32_false_true [10, 11], fp32_false_true [-0.5, 0.5], bool_false_true [false, true], CORRID uint64.
    sequence = 2**64 - 2
    expected = [(11, -0.5), (10, -0.5), (10, 0.5)]
    for step, (start, end) in enumerate(expected):
        result = triton.infer(
            "seq_controls", [value_input(step + 1)], sequence_id=sequence, sequence_start=step == 0,
            sequence_end=step == 2)
        assert result.as_numpy("OUTPUT").tolist() == [[step + 1]]
        assert result.as_numpy("OUT_START").tolist() == [[start]]
        assert result.as_numpy("OUT_END").tolist() == [[end]]
        assert result.as_numpy("OUT_READY").tolist() == [[True]]
        assert result.as_numpy("OUT_CORRID").tolist() == [[sequence]]


@pytest.mark.parametrize("model", ["seq_accumulate_direct", "seq_accumulate_oldest"])
def test_interleaved_sequences_keep_their_own_state(triton, model):
    # Four sequences, one request each in turn: every output is that sequence's running sum (by hand), so a state
    # that leaked between sequences or a request run out of order would show. With 2 slots (direct) or 3 candidates
    # (oldest), later sequences wait in the backlog, so they are started in turn rather than all at once.
    values = {f"{model}-{n}": [n * 10 + k for k in range(5)] for n in range(2)}
    sums = {key: 0 for key in values}
    for step in range(5):
        for key, sequence in values.items():
            sums[key] += sequence[step]
            result = triton.infer(
                model, [value_input(sequence[step])], sequence_id=key, sequence_start=step == 0,
                sequence_end=step == 4)
            assert result.as_numpy("OUTPUT").tolist() == [[sums[key]]], (key, step)
            assert result.as_numpy("OUT_CORRID").tolist() == [[key.encode()]]


def test_refusals_with_tritons_texts(triton):
    with pytest.raises(InferenceServerException) as error:
        triton.infer("seq_accumulate_direct", [value_input(1)])
    assert error.value.status() == "400"
    assert error.value.message() == (
        "inference request to model 'seq_accumulate_direct' must specify a non-zero or non-empty correlation ID")
    with pytest.raises(InferenceServerException) as error:
        triton.infer("seq_accumulate_direct", [value_input(1)], sequence_id="never-started")
    assert error.value.message() == (
        "inference request for sequence never-started to model 'seq_accumulate_direct' must specify the START flag "
        "on the first request of the sequence")
    with pytest.raises(InferenceServerException) as error:
        triton.infer("seq_accumulate_direct", [value_input(1, rows=2)], sequence_id="two", sequence_start=True)
    assert "must specify batch-size 1 due to requirements of sequence batcher" in error.value.message()


def test_silero_vad_state_kept_on_the_server_matches_onnxruntime(triton):
    # Two sequences interleaved chunk by chunk: the server keeps each one's state; Python feeds it back by hand.
    signals = {101: silero.audio(seed=1), 102: silero.audio(seed=2)}
    expected = {key: silero.reference(signal) for key, signal in signals.items()}
    got = {key: [] for key in signals}
    pieces = {key: silero.chunks(signal) for key, signal in signals.items()}
    sr = httpclient.InferInput("sr", [], "INT64")
    sr.set_data_from_numpy(np.array(silero.SAMPLE_RATE, dtype=np.int64))
    count = len(pieces[101])
    for index in range(count):
        for key in signals:
            chunk = httpclient.InferInput("input", [1, silero.CHUNK], "FP32")
            chunk.set_data_from_numpy(pieces[key][index])
            result = triton.infer(
                "silero_vad", [chunk, sr], sequence_id=key, sequence_start=index == 0, sequence_end=index == count - 1)
            got[key].append(result.as_numpy("output"))
    for key in signals:
        ours = np.concatenate(got[key]).ravel()
        theirs = np.concatenate(expected[key]).ravel()
        assert np.max(np.abs(ours - theirs)) <= silero.TOLERANCE, (key, ours, theirs)
        # The audio has speech-like and quiet parts: the probabilities must move, or the test proves little.
        assert theirs.max() - theirs.min() > 0.1, theirs
        # And the state carried over matters: without it the probabilities differ.
        assert np.max(np.abs(ours - silero.stateless(signals[key]))) > 1e-3
