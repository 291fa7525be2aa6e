"""Silero VAD's per-chunk speech probabilities computed by hand with Python onnxruntime (the state fed back by the
caller), and the deterministic test audio streamed to `ort serve` (which keeps the state itself: sequence batching
with implicit state). The model file comes from the silero-vad 6.2.3 wheel (scripts/integration-server.sh puts its
path in ORT_SERVE_SILERO_MODEL)."""

import os

import numpy as np
import pytest

SAMPLE_RATE = 16000
CHUNK = 512


def model_path():
    path = os.environ.get("ORT_SERVE_SILERO_MODEL", "")
    if not path or not os.path.exists(path):
        pytest.skip("ORT_SERVE_SILERO_MODEL is not set: run scripts/integration-server.sh")
    return path


def audio(seed, seconds=2.0):
    """Synthesized audio, written by this project: a voiced, vowel-like signal (harmonics of a gliding pitch, weighted
    by the first two formants of four vowels in turn, a syllable-rate envelope) between quiet noise. Deterministic:
    seeded. Silero VAD reacts to its onsets (probabilities from near 0 up to 0.3-0.8), so the state matters."""
    rng = np.random.default_rng(seed)
    count = int(SAMPLE_RATE * seconds) // CHUNK * CHUNK
    t = np.arange(count) / SAMPLE_RATE
    pitch = 120 + 20 * seed + 25 * np.sin(2 * np.pi * 3 * t)
    phase = 2 * np.pi * np.cumsum(pitch) / SAMPLE_RATE
    formants = [(730, 1090), (270, 2290), (530, 1840), (300, 870)]
    vowel = (t * 4).astype(int) % 4
    signal = np.zeros(count)
    for harmonic in range(1, 40):
        frequency = harmonic * pitch
        weight = np.zeros(count)
        for index, (first, second) in enumerate(formants):
            at = vowel == index
            weight[at] = (np.exp(-(((frequency[at] - first) / 120) ** 2))
                          + 0.7 * np.exp(-(((frequency[at] - second) / 160) ** 2)))
        signal += (weight + 0.02) / harmonic * np.sin(harmonic * phase)
    envelope = np.convolve((np.sin(2 * np.pi * 2 * t) > -0.3).astype(float), np.ones(400) / 400, "same")
    voiced = (t > 0.4) & (t < seconds - 0.4)
    signal = signal / np.abs(signal).max() * 0.5 * envelope * voiced + 0.003 * rng.standard_normal(count)
    return signal.astype(np.float32)


def stateless(signal):
    """The probabilities with a zero state for every chunk: what a server that dropped the state would give."""
    import onnxruntime

    session = onnxruntime.InferenceSession(model_path(), providers=["CPUExecutionProvider"])
    zero = np.zeros((2, 1, 128), dtype=np.float32)
    sr = np.array(SAMPLE_RATE, dtype=np.int64)
    return np.array([session.run(["output"], {"input": chunk, "state": zero, "sr": sr})[0].ravel()[0]
                     for chunk in chunks(signal)], dtype=np.float32)


def chunks(signal):
    return [signal[i:i + CHUNK].reshape(1, CHUNK) for i in range(0, len(signal), CHUNK)]


def reference(signal):
    """The probabilities of Python onnxruntime, feeding each chunk's `stateN` back as the next `state`."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    session = onnxruntime.InferenceSession(model_path(), options, providers=["CPUExecutionProvider"])
    state = np.zeros((2, 1, 128), dtype=np.float32)
    sr = np.array(SAMPLE_RATE, dtype=np.int64)
    probabilities = []
    for chunk in chunks(signal):
        output, state = session.run(["output", "stateN"], {"input": chunk, "state": state, "sr": sr})
        probabilities.append(output.copy())
    return probabilities


# Float32 results of the same model on the same CPU may differ in the last bits between ONNX Runtime builds (the
# server links the C library, Python has its wheel), so the comparison allows 1e-6 absolute.
TOLERANCE = 1e-6
