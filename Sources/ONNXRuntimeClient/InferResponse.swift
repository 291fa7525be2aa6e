#if Client
/// The result of an inference: which model answered, and the output tensors.
///
/// ```swift
/// let response = try await client.infer(model: "identity_float32", inputs: [x])
/// response.outputs["y"]?.floats     // typed elements
/// response.outputs["y"]?.shape      // [2, 3]
/// for output in response.outputs { print(output.name, output.datatype) }
/// ```
public struct InferResponse: Sendable, Hashable {
    /// The `model_name` the server reported.
    public var modelName: String
    /// The `model_version` the server reported, if any.
    public var modelVersion: String?
    /// The request `id` echoed by the server, if any.
    public var id: String?
    /// Response-level parameters.
    public var parameters: [String: InferParameter]
    /// The output tensors, in the server's order.
    public var outputs: InferOutputs

    /// Creates a response from its parts.
    public init(
        modelName: String,
        modelVersion: String? = nil,
        id: String? = nil,
        parameters: [String: InferParameter] = [:],
        outputs: [InferTensor]
    ) {
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.id = id
        self.parameters = parameters
        self.outputs = InferOutputs(outputs)
    }

    /// Decodes a response body in either form.
    ///
    /// With `jsonLength` (the `Inference-Header-Content-Length` header) the body is the JSON object followed by the
    /// outputs that carry a `binary_data_size` parameter, in output order; without it the body is JSON only. Outputs
    /// without `binary_data_size` take their elements from `data` (flat or nested row-major arrays).
    /// - Throws: ``ClientError/decoding(_:)`` for malformed JSON, missing members, an unknown data type, element
    ///   counts that do not match the shape, or binary data that is short, long, or malformed.
    public init(decoding body: [UInt8], jsonLength: Int? = nil) throws(ClientError) {
        let headerLength = jsonLength ?? body.count
        guard headerLength >= 0, headerLength <= body.count else {
            throw .decoding("Inference-Header-Content-Length \(headerLength) exceeds the body's \(body.count) bytes")
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(body[0..<headerLength], maximumDepth: JSONTensorCoding.maximumDepth)
        } catch {
            throw .decoding("response is not valid JSON: \(error)")
        }
        guard case .object = json else { throw .decoding("response is not a JSON object") }
        guard let modelName = json["model_name"]?.stringValue else {
            throw .decoding("response has no 'model_name' string")
        }
        self.modelName = modelName
        self.modelVersion = json["model_version"]?.stringValue
        self.id = json["id"]?.stringValue
        self.parameters = JSONTensorCoding.decodeParameters(json["parameters"])

        guard let outputObjects = json["outputs"]?.arrayValue else {
            throw .decoding("response has no 'outputs' array")
        }
        var offset = headerLength
        var outputs: [InferTensor] = []
        for (index, object) in outputObjects.enumerated() {
            guard let name = object["name"]?.stringValue else { throw .decoding("output \(index) has no 'name'") }
            guard let typeName = object["datatype"]?.stringValue else {
                throw .decoding("output '\(name)' has no 'datatype'")
            }
            guard let type = DataType(rawValue: typeName) else {
                throw .decoding("output '\(name)' has unknown datatype '\(typeName)'")
            }
            guard let dims = object["shape"]?.arrayValue else { throw .decoding("output '\(name)' has no 'shape'") }
            var shape: [Int] = []
            for dim in dims {
                guard let value = dim.intValue, value >= 0 else {
                    throw .decoding("output '\(name)' has an invalid dimension in its shape")
                }
                shape.append(value)
            }
            let (count, overflow) = shape.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            guard !overflow else { throw .decoding("output '\(name)' has a shape too large to hold: \(shape)") }
            let parameters = JSONTensorCoding.decodeParameters(object["parameters"])
            let data: TensorData
            if let size = parameters["binary_data_size"] {
                guard jsonLength != nil else {
                    throw .decoding(
                        "output '\(name)' has binary_data_size but the response has no Inference-Header-Content-Length")
                }
                guard let byteCount = size.intValue, byteCount >= 0 else {
                    throw .decoding("output '\(name)': binary_data_size is not a non-negative integer")
                }
                guard byteCount <= body.count - offset else {
                    throw .decoding(
                        "output '\(name)': binary_data_size \(byteCount) exceeds the \(body.count - offset) bytes left")
                }
                data = try BinaryTensorCoding.decode(
                    body[offset..<offset + Int(byteCount)], type: type, count: count, name: name)
                offset += Int(byteCount)
            } else if let elements = object["data"] {
                data = try JSONTensorCoding.decode(elements, type: type, count: count, name: name)
            } else {
                throw .decoding("output '\(name)' has neither 'data' nor a binary_data_size parameter")
            }
            outputs.append(InferTensor(name: name, shape: shape, data: data, parameters: parameters))
        }
        guard offset == body.count else {
            throw .decoding("\(body.count - offset) bytes after the JSON header belong to no output")
        }
        self.outputs = InferOutputs(outputs)
    }
}

/// The output tensors of a response: a collection in the server's order, also addressable by name.
public struct InferOutputs: RandomAccessCollection, Sendable, Hashable {
    /// The tensors in the server's order.
    public var tensors: [InferTensor]

    /// Wraps tensors.
    public init(_ tensors: [InferTensor]) {
        self.tensors = tensors
    }

    /// The first tensor named `name`, or `nil`.
    public subscript(name: String) -> InferTensor? {
        tensors.first { $0.name == name }
    }

    /// The tensor at a position.
    public subscript(position: Int) -> InferTensor { tensors[position] }
    /// The position of the first tensor.
    public var startIndex: Int { tensors.startIndex }
    /// The position after the last tensor.
    public var endIndex: Int { tensors.endIndex }
    /// The names of the tensors, in order.
    public var names: [String] { tensors.map(\.name) }
}
#endif
