"""The Triton peer of scripts/benchmark-server.sh: a python-backend model (Triton's ONNX Runtime backend is not in
the PyPI build of tritonserver) that runs the MNIST MLP with Python onnxruntime, with the session settings of
`ort serve`'s benchmark repository: one intra-op and one inter-op thread, every graph optimisation.

The driver copies this file to mnist/1/model.py beside mnist/1/model.onnx in a copy of repositories/triton.
"""

import os

import numpy as np
import onnxruntime
import triton_python_backend_utils as pb_utils


class TritonPythonModel:
    """Every request runs on its own: the inputs the request names, the outputs it asks for (all when it names none)."""

    def initialize(self, args):
        folder = os.path.join(args["model_repository"], args["model_version"])
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.inter_op_num_threads = 1
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = onnxruntime.InferenceSession(os.path.join(folder, "model.onnx"), options,
                                                    providers=["CPUExecutionProvider"])
        self.input_names = [tensor.name for tensor in self.session.get_inputs()]
        self.output_names = [tensor.name for tensor in self.session.get_outputs()]

    def execute(self, requests):
        responses = []
        for request in requests:
            feeds = {name: pb_utils.get_input_tensor_by_name(request, name).as_numpy() for name in self.input_names}
            wanted = list(request.requested_output_names()) or self.output_names
            results = self.session.run(wanted, feeds)
            outputs = [pb_utils.Tensor(name, np.ascontiguousarray(value)) for name, value in zip(wanted, results)]
            responses.append(pb_utils.InferenceResponse(output_tensors=outputs))
        return responses
