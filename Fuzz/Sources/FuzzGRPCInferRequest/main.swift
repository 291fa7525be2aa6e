import Foundation
import FuzzRequestSupport
import FuzzSupport
import KServeGRPCProtocol
import SwiftProtobuf

@testable import ONNXRuntimeServing
@testable import ONNXRuntimeServingGRPC

/// The distinct output-name lists of the signatures: the decoder depends on the model only through them.
private let outputNameLists: [[String]] = {
    var lists: [[String]] = []
    for names in RequestFixture.signatures.map({ $0.outputs.map(\.name) }) where !lists.contains(names) {
        lists.append(names)
    }
    return lists
}()

/// Checks what the decoder promises about a request it accepted: every input's elements are a byte range inside the
/// body (or a shared memory location), and fixed-size datatypes have exactly the bytes their shape needs, within the element limit.
private func checkDecoded(_ request: InferenceRequest, _ message: Inference_ModelInferRequest) {
    guard request.inputs.count == message.inputs.count else {
        FuzzDriver.fail("\(message.inputs.count) inputs were sent but \(request.inputs.count) decoded")
    }
    for input in request.inputs {
        // An input in shared memory is range-checked against its region when the request is planned.
        if case .sharedMemory = input.data { continue }
        guard case .binary(let range) = input.data else {
            FuzzDriver.fail("input '\(input.name)' was not decoded as binary data or a shared memory location")
        }
        guard range.lowerBound >= 0, range.upperBound <= request.body.count else {
            FuzzDriver.fail("input '\(input.name)' has range \(range) outside a body of \(request.body.count) bytes")
        }
        let count = input.shape.reduce(1) { $0.multipliedReportingOverflow(by: $1).partialValue }
        guard count <= RequestFixture.maximumElements else {
            FuzzDriver.fail("input '\(input.name)' with shape \(input.shape) passed the element limit")
        }
        if let size = input.datatype.elementSize, range.count != count * size {
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
    for outputNames in outputNameLists {
        guard
            let request = try? GRPCInferRequestDecoder.request(
                from: message, outputNames: outputNames, maximumElements: RequestFixture.maximumElements)
        else { continue }
        checkDecoded(request, message)
        RequestFixture.exercise(
            request, signatures: RequestFixture.signatures.filter { $0.outputs.map(\.name) == outputNames })
    }
    return 0
}

// The entry point: libFuzzer runs `testOne` with this process's arguments.
exit(FuzzDriver.run(CommandLine.argc, CommandLine.unsafeArgv, testOne))
