import Foundation
import FuzzSupport
import ONNXRuntime

@testable import ONNXRuntimeServing

/// The fixed models and limits the requests are checked against.
private enum Fixture {
    /// The most elements one input may have here: keeps every allocation small, as `--max-tensor-elements` does.
    static let maximumElements = 4096

    /// The models the requests are planned against: one input `x` (and output `y`) of each datatype, rank 1 and rank 2
    /// with dynamic dimensions, and a batching model with a fixed dimension and two inputs.
    static let signatures: [ModelSignature] = {
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
}

/// Decodes the input as a REST inference request body, plans it against every signature, and makes the input
/// tensors of each plan that passes. Any bytes must give a request or a `ServingError`, never a crash or an
/// allocation past the element limit.
///
/// Input layout: a body that starts with `{` is a JSON-only request (no `Inference-Header-Content-Length`); otherwise
/// the first 4 bytes are that header's value (little-endian) and the rest is the body (JSON, then binary tensor
/// data).
private func testOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    let input = FuzzDriver.array(bytes, count)
    let body: [UInt8]
    let headerLength: Int?
    if input.count < 4 || input.first == UInt8(ascii: "{") {
        body = input
        headerLength = nil
    } else {
        headerLength = Int(input[0]) | Int(input[1]) << 8 | Int(input[2]) << 16 | Int(input[3]) << 24
        body = Array(input[4...])
    }
    guard let request = try? InferenceRequest(body: body, headerLength: headerLength) else { return 0 }
    for signature in Fixture.signatures {
        guard
            let plan = try? InferencePlan(
                request: request, signature: signature, maximumElements: Fixture.maximumElements)
        else { continue }
        guard let values = try? plan.makeInputs() else { continue }
        for planned in plan.inputs {
            guard let value = values[planned.input.name] else {
                FuzzDriver.fail("input '\(planned.input.name)' was planned but not made")
            }
            guard value.shape == planned.input.shape else {
                FuzzDriver.fail("input '\(planned.input.name)' was made with another shape than the request's")
            }
        }
    }
    return 0
}

// The entry point: libFuzzer runs `testOne` with this process's arguments.
exit(FuzzDriver.run(CommandLine.argc, CommandLine.unsafeArgv, testOne))
