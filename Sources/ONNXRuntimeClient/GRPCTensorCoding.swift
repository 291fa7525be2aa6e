#if Client
import Foundation
import KServeGRPCProtocol
import SwiftProtobuf

/// Tensors and parameters between the client's types and the gRPC messages (raw contents both ways).
enum GRPCTensorCoding {
    /// A `ModelInferRequest` with every input as raw contents.
    static func request(
        model: String, version: String?, inputs: [InferInput], outputs: [RequestedOutput]?, id: String?,
        parameters: [String: InferParameter]
    ) throws(ClientError) -> Inference_ModelInferRequest {
        var request = Inference_ModelInferRequest()
        request.modelName = model
        request.modelVersion = version ?? ""
        request.id = id ?? ""
        request.parameters = parameters.mapValues(message)
        for input in inputs {
            guard input.shape.allSatisfy({ $0 >= 0 }) else {
                throw .invalidRequest("input '\(input.name)' has shape \(input.shape); dimensions must be non-negative")
            }
            var count = 1
            for dimension in input.shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw .invalidRequest("input '\(input.name)' has too many elements") }
                count = product
            }
            guard count == input.data.count else {
                throw .invalidRequest(
                    "input '\(input.name)' has shape \(input.shape) (\(count) elements) but \(input.data.count) "
                        + "elements")
            }
            request.inputs.append(
                .with {
                    $0.name = input.name
                    $0.datatype = input.datatype.rawValue
                    $0.shape = input.shape.map(Int64.init)
                    $0.parameters = input.parameters.mapValues(message)
                })
            var raw: [UInt8] = []
            try BinaryTensorCoding.append(input.data, to: &raw, name: input.name)
            request.rawInputContents.append(Data(raw))
        }
        request.outputs = (outputs ?? []).map { output in
            .with {
                $0.name = output.name
                $0.parameters = output.parameters.mapValues(message)
            }
        }
        return request
    }

    /// The typed outputs of a `ModelInferResponse`, from raw contents (or typed contents, from servers that send
    /// them).
    static func response(_ message: Inference_ModelInferResponse) throws(ClientError) -> InferResponse {
        let raw = message.rawOutputContents
        guard raw.isEmpty || raw.count == message.outputs.count else {
            throw .decoding(
                "the response has \(message.outputs.count) outputs but \(raw.count) raw_output_contents entries")
        }
        var outputs: [InferTensor] = []
        for (index, output) in message.outputs.enumerated() {
            guard let type = DataType(rawValue: output.datatype) else {
                throw .decoding("output '\(output.name)' has unknown datatype '\(output.datatype)'")
            }
            guard output.shape.allSatisfy({ $0 >= 0 && $0 <= Int64(Int.max) }) else {
                throw .decoding("output '\(output.name)' has shape \(output.shape)")
            }
            let shape = output.shape.map { Int($0) }
            var count = 1
            for dimension in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
                guard !overflow else { throw .decoding("output '\(output.name)' has shape \(shape)") }
                count = product
            }
            let data: TensorData
            if raw.isEmpty {
                data = try typed(output.contents, type: type, count: count, name: output.name)
            } else {
                data = try BinaryTensorCoding.decode(
                    Array(raw[index])[...], type: type, count: count, name: output.name)
            }
            outputs.append(
                InferTensor(
                    name: output.name, shape: shape, data: data, parameters: output.parameters.compactMapValues(value)))
        }
        return InferResponse(
            modelName: message.modelName, modelVersion: message.modelVersion.isEmpty ? nil : message.modelVersion,
            id: message.id.isEmpty ? nil : message.id, parameters: message.parameters.compactMapValues(value),
            outputs: outputs)
    }

    private static func typed(_ contents: Inference_InferTensorContents, type: DataType, count: Int, name: String)
        throws(ClientError) -> TensorData
    {
        let data: TensorData
        do {
            _ = try TypedTensorContents.elementCount(contents, datatype: type)
            data = try TypedTensorContents.tensorData(contents, datatype: type)
        } catch {
            switch error {
            case .noField: throw .decoding("output '\(name)' is \(type) but has no raw contents")
            case .otherField(let field, let other):
                throw .decoding("output '\(name)' is \(type), whose elements go in '\(field)', but '\(other)' is set")
            case .outOfRange(let index, let value, let range):
                throw .decoding(
                    "output '\(name)': element \(index) is \(value), outside the range of \(type) (\(range))")
            }
        }
        guard data.count == count else {
            throw .decoding("output '\(name)' has \(data.count) elements, but its shape holds \(count)")
        }
        return data
    }

    static func message(_ parameter: InferParameter) -> Inference_InferParameter {
        .with {
            switch parameter {
            case .bool(let flag): $0.boolParam = flag
            case .int(let number): $0.int64Param = number
            case .double(let number): $0.doubleParam = number
            case .string(let text): $0.stringParam = text
            }
        }
    }

    static func value(_ message: Inference_InferParameter) -> InferParameter? {
        switch message.parameterChoice {
        case .boolParam(let flag)?: .bool(flag)
        case .int64Param(let number)?: .int(number)
        case .uint64Param(let number)?: Int64(exactly: number).map(InferParameter.int) ?? .double(Double(number))
        case .doubleParam(let number)?: .double(number)
        case .stringParam(let text)?: .string(text)
        case nil: nil
        }
    }
}
#endif
