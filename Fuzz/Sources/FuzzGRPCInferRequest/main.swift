import Foundation
import FuzzSupport
import KServeGRPCProtocol
import ONNXRuntime
import SwiftProtobuf

@testable import ONNXRuntimeServing
@testable import ONNXRuntimeServingGRPC

/// The fixed models and limits the requests are checked against: the same as the REST harness's.
private enum Fixture {
    /// The most elements one input may have here: keeps every allocation small, as `--max-tensor-elements` does.
    static let maximumElements = 4096

    /// One input `x` (and output `y`) of each datatype, rank 1 and rank 2 with dynamic dimensions, and a batching
    /// model with a fixed dimension and two inputs.
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

    /// The distinct output-name lists of the signatures: the decoder depends on the model only through them.
    static let outputNameLists: [[String]] = {
        var lists: [[String]] = []
        for names in signatures.map({ $0.outputs.map(\.name) }) where !lists.contains(names) { lists.append(names) }
        return lists
    }()
}

/// Checks what the decoder promises about a request it accepted: every input's elements are a byte range inside the
/// body, and fixed-size datatypes have exactly the bytes their shape needs, within the element limit.
private func checkDecoded(_ request: InferenceRequest, _ message: Inference_ModelInferRequest) {
    guard request.inputs.count == message.inputs.count else {
        FuzzDriver.fail("\(message.inputs.count) inputs were sent but \(request.inputs.count) decoded")
    }
    for input in request.inputs {
        guard case .binary(let range) = input.data else {
            FuzzDriver.fail("input '\(input.name)' was not decoded as binary data")
        }
        guard range.lowerBound >= 0, range.upperBound <= request.body.count else {
            FuzzDriver.fail("input '\(input.name)' has range \(range) outside a body of \(request.body.count) bytes")
        }
        let count = input.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        guard count <= Fixture.maximumElements else {
            FuzzDriver.fail("input '\(input.name)' with shape \(input.shape) passed the element limit")
        }
        if let size = input.datatype.byteSize, range.count != count * size {
            FuzzDriver.fail("input '\(input.name)' has \(range.count) bytes for \(count) \(input.datatype) elements")
        }
    }
}

/// Decodes the input as a serialized `ModelInferRequest`, turns it into the serving core's request with the gRPC
/// decoder, plans it against every signature, and makes the input tensors of each plan that passes. Any bytes must
/// give a request or an error (a protobuf decoding error or a `ServingError`), never a crash or an allocation past
/// the element limit.
private func testOne(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let message = try? Inference_ModelInferRequest(serializedBytes: FuzzDriver.array(bytes, count)) else {
        return 0
    }
    for outputNames in Fixture.outputNameLists {
        guard
            let request = try? GRPCInferRequestDecoder.request(
                from: message, outputNames: outputNames, maximumElements: Fixture.maximumElements)
        else { continue }
        checkDecoded(request, message)
        for signature in Fixture.signatures where signature.outputs.map(\.name) == outputNames {
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
    }
    return 0
}

// The entry point: libFuzzer runs `testOne` with this process's arguments.
exit(FuzzDriver.run(CommandLine.argc, CommandLine.unsafeArgv, testOne))
