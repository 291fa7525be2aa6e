"""The response cache over gRPC (tritonclient.grpc): a repeated request to mnist_cached is a hit, counted in the
statistics extension's cache_hit and cache_miss (InferStatistics fields 7 and 8, as Triton's proto)."""

import numpy as np
import tritonclient.grpc as grpcclient

from test_tritonclient import read_mnist

MODEL = "mnist_cached"


def test_grpc_hits_and_misses(grpc_url):
    triton = grpcclient.InferenceServerClient(url=grpc_url)
    try:
        images, predictions = read_mnist(12)
        images = images[10:]  # rows no REST test sends

        def stats():
            inference = triton.get_inference_statistics(MODEL).model_stats[0].inference_stats
            return inference.cache_hit.count, inference.cache_miss.count

        before = stats()
        results = []
        for _ in range(3):
            x = grpcclient.InferInput("input", list(images.shape), "FP32")
            x.set_data_from_numpy(images)
            result = triton.infer(MODEL, [x], outputs=[grpcclient.InferRequestedOutput("probabilities")])
            results.append(result.as_numpy("probabilities"))
        assert results[0].argmax(axis=1).tolist() == predictions[10:]
        np.testing.assert_array_equal(results[1], results[0])
        np.testing.assert_array_equal(results[2], results[0])
        after = stats()
        assert (after[0] - before[0], after[1] - before[1]) == (2, 1)
        assert triton.get_model_config(MODEL).config.response_cache.enable
    finally:
        triton.close()
