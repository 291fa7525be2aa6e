import FuzzSupport
import ONNXRuntime

@testable import ONNXRuntimeServing

/// What the REST and gRPC request harnesses check requests against: the same models, limit and tensor checks.
public enum RequestFixture {
    /// The most elements one input may have here: keeps every allocation small, as `--max-tensor-elements` does.
    public static let maximumElements = 4096

    /// The models the requests are planned against: one input `x` (and output `y`) of each datatype, rank 1 and rank 2
    /// with dynamic dimensions, and a batching model with a fixed dimension and two inputs.
    public static let signatures: [ModelSignature] = {
        var signatures: [ModelSignature] = []
        for datatype in DataType.allCases {
            for shape in [[-1], [-1, -1]] {
                signatures.append(
                    ModelSignature(
                        inputs: [TensorSpec(name: "x", datatype: datatype, shape: shape)],
                        outputs: [TensorSpec(name: "y", datatype: datatype, shape: shape)]))
            }
        }
        signatures.append(
            ModelSignature(
                inputs: [
                    TensorSpec(name: "a", datatype: .fp32, shape: [-1, 3]),
                    TensorSpec(name: "s", datatype: .bytes, shape: [-1]),
                ],
                outputs: [
                    TensorSpec(name: "y", datatype: .fp32, shape: [-1, 3]),
                    TensorSpec(name: "t", datatype: .bytes, shape: [-1]),
                    TensorSpec(name: "h", datatype: .bf16, shape: [-1]),
                ],
                maxBatchSize: 8))
        return signatures
    }()

    /// Plans `request` against `signature` and, if the plan passes, makes its input tensors and checks that each has
    /// the request's shape. A request the model refuses is fine; a planned input that is not made, or is made with
    /// another shape, stops the fuzzer.
    public static func planAndMake(_ request: InferenceRequest, for signature: ModelSignature) {
        guard let plan = try? InferencePlan(request: request, signature: signature, maximumElements: maximumElements)
        else { return }
        guard let values = try? plan.makeInputs() else { return }
        for planned in plan.inputs {
            guard let value = values[planned.input.name] else {
                FuzzDriver.fail("input '\(planned.input.name)' was planned but not made")
            }
            guard value.shape == planned.input.shape else {
                FuzzDriver.fail("input '\(planned.input.name)' was made with another shape than the request's")
            }
        }
    }
}
