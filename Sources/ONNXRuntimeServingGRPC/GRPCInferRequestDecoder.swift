#if Server
import Foundation
import KServeGRPCProtocol
import ONNXRuntimeServing

/// Turns a gRPC `ModelInferRequest` into the serving core's ``InferenceRequest``.
///
/// Both ways of sending elements become the binary tensor data extension's layout, so the core checks them as it
/// checks REST requests: `raw_input_contents` are copied into one body with a byte range per input, and typed
/// `InferTensorContents` are written into it in the same layout (after their element count is checked against the
/// shape and the server's element limit, before anything is allocated). Every output is asked for as binary data:
/// the gRPC protocol returns raw contents, as Triton's gRPC endpoint does.
package enum GRPCInferRequestDecoder {
    /// Decodes a request.
    /// - Parameters:
    ///   - message: The gRPC request.
    ///   - outputNames: The model's outputs, used when the request names none.
    ///   - maximumElements: The most elements an input may have.
    /// - Throws: ``ServingError`` (400) naming what is wrong.
    package static func request(
        from message: Inference_ModelInferRequest, outputNames: [String], maximumElements: Int
    ) throws(ServingError) -> InferenceRequest {
        let raw = message.rawInputContents
        // Inputs in shared memory have no raw entry: the entries are for the others, in input order (as in Triton).
        let inSharedMemory = message.inputs.map { $0.parameters[SharedMemoryLocation.regionKey] != nil }
        let rawInputs = inSharedMemory.count(where: { !$0 })
        if !raw.isEmpty {
            guard raw.count == rawInputs else {
                let shared = message.inputs.count - rawInputs
                throw .badRequest(
                    "the request has \(message.inputs.count) input\(message.inputs.count == 1 ? "" : "s")"
                        + (shared > 0 ? " (\(shared) in shared memory)" : "") + " but \(raw.count) "
                        + "raw_input_contents entries; give one entry per input not in shared memory, in input order")
            }
            if let typed = message.inputs.first(where: \.hasContents) {
                throw .badRequest(
                    "input '\(typed.name)' has typed contents, but the request also has raw_input_contents; use one "
                        + "or the other for all inputs")
            }
        }
        var body: [UInt8] = []
        body.reserveCapacity(raw.reduce(0) { $0 + $1.count })
        var rawIndex = 0
        var inputs: [InferenceRequest.Input] = []
        inputs.reserveCapacity(message.inputs.count)
        var seen: Set<String> = []
        for tensor in message.inputs {
            let name = tensor.name
            guard seen.insert(name).inserted else { throw .badRequest("input '\(name)' is given more than once") }
            guard let datatype = DataType(rawValue: tensor.datatype) else {
                throw .badRequest(
                    "input '\(name)' has unknown datatype '\(tensor.datatype)'; known datatypes are "
                        + DataType.allCases.map(\.rawValue).joined(separator: ", "))
            }
            var shape: [Int] = []
            shape.reserveCapacity(tensor.shape.count)
            for dimension in tensor.shape {
                guard dimension >= 0, let size = Int(exactly: dimension) else {
                    throw .badRequest(
                        "input '\(name)' has shape \(tensor.shape); every dimension must be a non-negative integer")
                }
                shape.append(size)
            }
            let parameters = try parameters(tensor.parameters)
            if let location = try SharedMemoryLocation.parse(parameters, tensor: "input '\(name)'") {
                guard !tensor.hasContents else {
                    throw .badRequest(
                        "unexpected 'content' provided when using shared memory for input tensor '\(name)' for model "
                            + "'\(message.modelName)'")
                }
                _ = try InferencePlan.elementCount(shape, input: name, maximumElements: maximumElements)
                inputs.append(
                    InferenceRequest.Input(
                        name: name, datatype: datatype, shape: shape, parameters: parameters,
                        data: .sharedMemory(location)))
                continue
            }
            let start = body.count
            if raw.isEmpty {
                guard tensor.hasContents else {
                    throw .badRequest(
                        "input '\(name)' has no contents: give its elements in 'contents' or in raw_input_contents")
                }
                try appendTyped(
                    tensor.contents, name: name, datatype: datatype, shape: shape, maximumElements: maximumElements,
                    to: &body)
            } else {
                let entry = raw[rawIndex]
                rawIndex += 1
                try checkRawSize(
                    entry.count, name: name, datatype: datatype, shape: shape, maximumElements: maximumElements)
                body.append(contentsOf: entry)
            }
            inputs.append(
                InferenceRequest.Input(
                    name: name, datatype: datatype, shape: shape, parameters: parameters,
                    data: .binary(start..<body.count)))
        }

        let binary: JSONObject = ["binary_data": .bool(true)]
        var outputs: [InferenceRequest.Output] = []
        if message.outputs.isEmpty {
            outputs = outputNames.map { InferenceRequest.Output(named: $0, parameters: binary) }
        } else {
            var seenOutputs: Set<String> = []
            for output in message.outputs {
                guard seenOutputs.insert(output.name).inserted else {
                    throw .badRequest("output '\(output.name)' is requested more than once")
                }
                var parameters = try parameters(output.parameters)
                let sharedMemory = try SharedMemoryLocation.parse(parameters, tensor: "output '\(output.name)'")
                parameters["binary_data"] = .bool(true)
                outputs.append(
                    InferenceRequest.Output(named: output.name, parameters: parameters, sharedMemory: sharedMemory))
            }
        }
        let requestParameters = try parameters(message.parameters)
        try InferenceRequest.checkReservedParameters(requestParameters, grpc: true)
        return InferenceRequest(
            id: message.id.isEmpty ? nil : message.id,
            parameters: requestParameters.isEmpty ? nil : requestParameters, inputs: inputs, outputs: outputs,
            body: body)
    }

    /// Checks a raw entry against the shape: the element count against the server's limit, then, for fixed-size
    /// datatypes, the byte count, with a message that names the field. (BYTES entries are checked element by
    /// element by the core.)
    private static func checkRawSize(
        _ size: Int, name: String, datatype: DataType, shape: [Int], maximumElements: Int
    ) throws(ServingError) {
        let count = try InferencePlan.elementCount(shape, input: name, maximumElements: maximumElements)
        guard let elementSize = datatype.elementSize else { return }
        let (expected, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow, expected == size else {
            throw .badRequest(
                "input '\(name)' has shape \(shape) of \(datatype), which takes \(expected) bytes, but its "
                    + "raw_input_contents entry has \(size)")
        }
    }

    /// Converts a protobuf parameter map, sorted by key so that the order is stable.
    static func parameters(_ map: [String: Inference_InferParameter]) throws(ServingError) -> JSONObject {
        var members: [(key: String, value: JSONValue)] = []
        members.reserveCapacity(map.count)
        for key in map.keys.sorted() {
            guard let value = map[key] else { continue }
            switch value.parameterChoice {
            case .boolParam(let flag)?: members.append((key, .bool(flag)))
            case .int64Param(let number)?: members.append((key, .number(.int(number))))
            case .uint64Param(let number)?: members.append((key, .number(.uint(number))))
            case .doubleParam(let number)?: members.append((key, .number(.double(number))))
            case .stringParam(let text)?: members.append((key, .string(text)))
            case nil: throw .badRequest("parameter '\(key)' has no value")
            }
        }
        return JSONObject(members)
    }

    /// Appends typed contents to `body` in the binary layout.
    /// - Throws: ``ServingError`` (400) when the field does not fit the datatype, another field is also set, the
    ///   element count differs from the shape's, passes `maximumElements`, or a value is out of range.
    static func appendTyped(
        _ contents: Inference_InferTensorContents, name: String, datatype: DataType, shape: [Int],
        maximumElements: Int, to body: inout [UInt8]
    ) throws(ServingError) {
        do {
            let (field, given) = try TypedTensorContents.elementCount(contents, datatype: datatype)
            let expected = try InferencePlan.elementCount(shape, input: name, maximumElements: maximumElements)
            guard given == expected else {
                throw ServingError.badRequest(
                    "input '\(name)' has shape \(shape), which holds \(expected) element\(expected == 1 ? "" : "s"), "
                        + "but '\(field)' has \(given)")
            }
            if datatype == .bytes {
                // Straight from each element's Data: tensorData would copy every element into an array first.
                try BinaryTensorLayout.appendBytesElements(contents.bytesContents, to: &body)
            } else {
                try BinaryTensorLayout.append(
                    try TypedTensorContents.tensorData(contents, datatype: datatype), to: &body)
            }
        } catch let problem as TypedTensorContents.Problem {
            switch problem {
            case .noField:
                throw .badRequest(
                    "input '\(name)' is \(datatype), which has no typed contents field; send it in raw_input_contents")
            case .otherField(let field, let other):
                throw .badRequest(
                    "input '\(name)' is \(datatype), whose elements go in '\(field)', but '\(other)' is set")
            case .outOfRange(let index, let value, let range):
                throw .badRequest(
                    "input '\(name)': element \(index) is \(value), outside the range of \(datatype) (\(range))")
            }
        } catch is BinaryTensorLayout.Problem {
            throw .badRequest("input '\(name)': a BYTES element is larger than 4 GiB")
        } catch let error as ServingError {
            throw error
        } catch {
            throw .internal("input '\(name)': \(error)")
        }
    }
}
#endif
