#if Server
extension InferenceRequest {
    /// Creates a request from parts a transport has already decoded (the gRPC transport does this).
    ///
    /// Nothing is checked here beyond what the types say; ``InferenceEngine/inferResult(model:version:logger:request:)``
    /// checks the request against the model before any tensor is made, as it does for REST requests.
    /// - Parameters:
    ///   - id: The request identifier, returned in the response.
    ///   - parameters: The request-level parameters, if any.
    ///   - inputs: The inputs; `.binary` data refers to ranges of `body`.
    ///   - outputs: The requested outputs; `nil` for all of them.
    ///   - body: The bytes binary inputs refer to.
    package init(id: String?, parameters: JSONObject?, inputs: [Input], outputs: [Output]?, body: [UInt8]) {
        self.id = id
        self.parameters = parameters
        self.inputs = inputs
        self.outputs = outputs
        self.body = body
    }
}

extension InferenceRequest.Input {
    /// Creates an input.
    /// - Parameters:
    ///   - name: The input name.
    ///   - datatype: The element datatype.
    ///   - shape: The shape the client gives.
    ///   - parameters: The input's parameters.
    ///   - data: Where the elements are.
    package init(
        name: String, datatype: DataType, shape: [Int], parameters: JSONObject = JSONObject(),
        data: InferenceRequest.TensorData
    ) {
        self.name = name
        self.shape = shape
        self.datatype = datatype
        self.parameters = parameters
        self.data = data
    }
}

extension InferenceRequest.Output {
    /// Creates a requested output.
    /// - Parameters:
    ///   - name: The output name.
    ///   - parameters: The output's parameters.
    ///   - sharedMemory: Where to write the output, if in shared memory.
    package init(
        named name: String, parameters: JSONObject = JSONObject(), sharedMemory: SharedMemoryLocation? = nil
    ) {
        self.name = name
        self.parameters = parameters
        self.sharedMemory = sharedMemory
    }
}
#endif
