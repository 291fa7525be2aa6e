#if Client
/// An output the request asks for, and whether it should come back as binary data.
public struct RequestedOutput: Sendable, Hashable {
    /// The output's name, as the model declares it.
    public var name: String
    /// `true` asks for the output as binary tensor data (`"binary_data": true`), `false` as JSON, `nil` follows the
    /// request's `binary` setting.
    public var binary: Bool?
    /// Extra per-output parameters (for example Triton's `classification`).
    public var parameters: [String: InferParameter]

    /// Names an output to return.
    /// - Parameters:
    ///   - name: The output name.
    ///   - binary: Binary (`true`) or JSON (`false`) data for this output; `nil` follows the request.
    ///   - parameters: Extra parameters sent with this output.
    public init(_ name: String, binary: Bool? = nil, parameters: [String: InferParameter] = [:]) {
        self.name = name
        self.binary = binary
        self.parameters = parameters
    }

    /// Asks for an output as its `count` highest-valued classes (Triton's classification extension): the answer is
    /// a BYTES tensor of `"<value>:<index>[:<label>]"` strings, highest first, `count` per batch row.
    ///
    /// ```swift
    /// let top = try await client.infer(
    ///     model: "mnist", inputs: [digit], outputs: [.classification("probabilities", count: 3)])
    /// top.outputs["probabilities"]?.strings  // ["0.9993:7:seven", "0.0004:3:three", "0.0001:2:two"]
    /// ```
    public static func classification(_ name: String, count: Int, binary: Bool? = nil) -> RequestedOutput {
        RequestedOutput(name, binary: binary, parameters: ["classification": .int(Int64(count))])
    }
}

/// The body of one inference request, independent of any transport: build it, then ``encode()`` it.
///
/// ``InferenceClient/infer(model:version:inputs:outputs:id:parameters:binary:)`` does this for you; the type is public
/// so the exact bytes can be inspected, tested, or sent by other means.
///
/// With `binary` set, every input travels as binary tensor data after the JSON header (Triton's binary tensor data
/// extension: `"binary_data_size"` per input, the JSON length in the `Inference-Header-Content-Length` header) and
/// outputs are requested as binary data (`"binary_data": true` per named output, or `"binary_data_output": true` for
/// all outputs). Otherwise the request is plain JSON with the elements in each input's `"data"`.
public struct InferRequest: Sendable, Hashable {
    /// The input tensors, in the order they are written.
    public var inputs: [InferInput]
    /// The outputs to return; `nil` returns every output of the model.
    public var outputs: [RequestedOutput]?
    /// An identifier the server echoes in its response.
    public var id: String?
    /// Request-level parameters. `binary_data_output` is managed from ``binary`` when ``outputs`` is `nil`.
    public var parameters: [String: InferParameter]
    /// Binary tensor data (`true`) or JSON (`false`) for the inputs and, by default, for the outputs.
    public var binary: Bool

    /// Creates a request.
    /// - Parameters:
    ///   - inputs: The input tensors.
    ///   - outputs: The outputs to return; `nil` for all.
    ///   - id: An identifier for the server to echo.
    ///   - parameters: Request-level parameters.
    ///   - binary: Binary tensor data (default) or JSON.
    public init(
        inputs: [InferInput],
        outputs: [RequestedOutput]? = nil,
        id: String? = nil,
        parameters: [String: InferParameter] = [:],
        binary: Bool = true
    ) {
        self.inputs = inputs
        self.outputs = outputs
        self.id = id
        self.parameters = parameters
        self.binary = binary
    }

    /// The encoded request: the HTTP body and the header values it needs.
    public struct Encoded: Sendable, Hashable {
        /// The full HTTP body: the JSON object, then (in binary form) the inputs' bytes in input order.
        public var body: [UInt8]
        /// The length of the JSON object at the start of ``body``, sent as `Inference-Header-Content-Length`;
        /// `nil` for a plain JSON body.
        public var jsonLength: Int?
        /// The `Content-Type` to send: `application/octet-stream` with binary data, else `application/json`.
        public var contentType: String {
            jsonLength == nil ? "application/json" : "application/octet-stream"
        }
    }

    /// Encodes the request.
    ///
    /// The JSON is compact and its members are written in a fixed order: `id`, `parameters`, `inputs`, `outputs`;
    /// per input `name`, `shape`, `datatype`, `parameters`, `data`; parameter names sorted.
    /// - Throws: ``ClientError/invalidRequest(_:)`` when an input's element count differs from its shape's, a
    ///   dimension is negative, or (JSON form only) a float is not finite or a `BYTES` element is not UTF-8.
    public func encode() throws(ClientError) -> Encoded {
        var binaryData: [UInt8] = []
        var inputsJSON = JSONWriter()
        inputsJSON.writeRaw(byte: UInt8(ascii: "["))
        for (index, input) in inputs.enumerated() {
            guard input.shape.allSatisfy({ $0 >= 0 }) else {
                throw .invalidRequest("input '\(input.name)' has a negative dimension in shape \(input.shape)")
            }
            let (count, overflow) = input.shape.reduce((1, false)) { partial, dimension in
                let product = partial.0.multipliedReportingOverflow(by: dimension)
                return (product.partialValue, partial.1 || product.overflow)
            }
            guard !overflow, count == input.data.count else {
                throw .invalidRequest(
                    "input '\(input.name)' has \(input.data.count) elements but shape \(input.shape) needs "
                        + (overflow ? "more than Int.max" : "\(count)"))
            }
            if index > 0 { inputsJSON.writeRaw(byte: UInt8(ascii: ",")) }
            inputsJSON.writeRaw(byte: UInt8(ascii: "{"))
            inputsJSON.write(key: "name")
            inputsJSON.write(string: input.name)
            inputsJSON.writeRaw(",\"shape\":[")
            for (position, dimension) in input.shape.enumerated() {
                if position > 0 { inputsJSON.writeRaw(byte: UInt8(ascii: ",")) }
                inputsJSON.write(int: Int64(dimension))
            }
            inputsJSON.writeRaw("],\"datatype\":")
            inputsJSON.write(string: input.datatype.rawValue)
            var parameters = input.parameters
            if binary {
                let start = binaryData.count
                try BinaryTensorCoding.append(input.data, to: &binaryData, name: input.name)
                parameters["binary_data_size"] = .int(Int64(binaryData.count - start))
            } else {
                parameters["binary_data_size"] = nil
            }
            if !parameters.isEmpty {
                inputsJSON.writeRaw(",\"parameters\":")
                try JSONTensorCoding.write(parameters, to: &inputsJSON)
            }
            if !binary {
                inputsJSON.writeRaw(",\"data\":")
                try JSONTensorCoding.write(input.data, name: input.name, to: &inputsJSON)
            }
            inputsJSON.writeRaw(byte: UInt8(ascii: "}"))
        }
        inputsJSON.writeRaw(byte: UInt8(ascii: "]"))

        var requestParameters = parameters
        if binary, outputs == nil {
            requestParameters["binary_data_output"] = true
        }
        var json = JSONWriter(capacity: inputsJSON.bytes.count + 256)
        json.writeRaw(byte: UInt8(ascii: "{"))
        if let id {
            json.write(key: "id")
            json.write(string: id)
            json.writeRaw(byte: UInt8(ascii: ","))
        }
        if !requestParameters.isEmpty {
            json.write(key: "parameters")
            try JSONTensorCoding.write(requestParameters, to: &json)
            json.writeRaw(byte: UInt8(ascii: ","))
        }
        json.write(key: "inputs")
        var body = json.bytes + inputsJSON.bytes
        if let outputs {
            var outputsJSON = JSONWriter()
            outputsJSON.writeRaw(",\"outputs\":[")
            for (index, output) in outputs.enumerated() {
                var parameters = output.parameters
                parameters["binary_data"] = .bool(output.binary ?? binary)
                if index > 0 { outputsJSON.writeRaw(byte: UInt8(ascii: ",")) }
                outputsJSON.writeRaw("{\"name\":")
                outputsJSON.write(string: output.name)
                outputsJSON.writeRaw(",\"parameters\":")
                try JSONTensorCoding.write(parameters, to: &outputsJSON)
                outputsJSON.writeRaw(byte: UInt8(ascii: "}"))
            }
            outputsJSON.writeRaw(byte: UInt8(ascii: "]"))
            body += outputsJSON.bytes
        }
        body.append(UInt8(ascii: "}"))
        guard binary else { return Encoded(body: body, jsonLength: nil) }
        let jsonLength = body.count
        body.append(contentsOf: binaryData)
        return Encoded(body: body, jsonLength: jsonLength)
    }
}
#endif
