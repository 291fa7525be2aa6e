"""The Python baseline of scripts/benchmark-server.sh: the KServe Python ModelServer (kserve 0.21) serving an ONNX
model through Python onnxruntime, speaking the V2 (Open Inference) protocol over REST and gRPC.

    python kserve_server.py --model-path mnist.onnx --model-name mnist --http-port 8080 --grpc-port 8081

The session uses the same settings as `ort serve`'s benchmark repository (Benchmarks/server/repositories): one
intra-op and one inter-op thread, all graph optimisations. One server process, one worker.
"""

import argparse
import logging

import numpy as np
import onnxruntime
from kserve import InferOutput, InferRequest, InferResponse, Model, ModelServer


class ONNXModel(Model):
    """A V2 model over one onnxruntime session: every requested (or every) output, as FP32/INT64 tensors."""

    def __init__(self, name, path):
        super().__init__(name)
        self.path = path
        self.session = None

    def load(self):
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = onnxruntime.InferenceSession(self.path, options, providers=["CPUExecutionProvider"])
        self.ready = True
        return self.ready

    def predict(self, payload: InferRequest, headers=None, response_headers=None) -> InferResponse:
        feeds = {tensor.name: tensor.as_numpy() for tensor in payload.inputs}
        wanted = [output.name for output in payload.request_outputs] if payload.request_outputs else None
        names = wanted or [output.name for output in self.session.get_outputs()]
        results = self.session.run(names, feeds)
        outputs = []
        for name, array in zip(names, results):
            array = np.ascontiguousarray(array)
            datatype = {np.dtype(np.float32): "FP32", np.dtype(np.int64): "INT64"}[array.dtype]
            output = InferOutput(name=name, shape=list(array.shape), datatype=datatype)
            output.set_data_from_numpy(array, binary_data=payload.use_binary_outputs)
            outputs.append(output)
        return InferResponse(
            model_name=self.name, infer_outputs=outputs, response_id=payload.id or "",
            use_binary_outputs=payload.use_binary_outputs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model-path", required=True)
    parser.add_argument("--model-name", required=True)
    parser.add_argument("--http-port", type=int, required=True)
    parser.add_argument("--grpc-port", type=int, required=True)
    arguments = parser.parse_args()
    model = ONNXModel(arguments.model_name, arguments.model_path)
    model.load()
    # No per-request logging, as `ort serve --log-level warning`: KServe's latency trace and uvicorn's access log would
    # otherwise write three lines per request and measure the logging more than the serving.
    server = ModelServer(http_port=arguments.http_port, grpc_port=arguments.grpc_port, workers=1,
                         enable_latency_logging=False)
    for name in ("uvicorn.access", "kserve.trace"):
        logging.getLogger(name).setLevel(logging.WARNING)
    server.start([model])


if __name__ == "__main__":
    main()
