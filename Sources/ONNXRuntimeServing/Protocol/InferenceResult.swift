#if Server
/// An inference response in transport-neutral form: each output's name, datatype, shape and elements as raw bytes.
///
/// The gRPC transport sends it as `ModelInferResponse` with `raw_output_contents`; the REST transport uses
/// ``EncodedInferenceResponse`` instead. Raw bytes are laid out as the binary tensor data extension lays them out:
/// little-endian, row-major, no padding; `BOOL` one byte per element; `BYTES` each element a 4-byte little-endian
/// length followed by its bytes.
public struct InferenceResult: Sendable, Hashable {
    /// One output tensor.
    public struct Output: Sendable, Hashable {
        /// The output name.
        public var name: String
        /// The element datatype.
        public var datatype: DataType
        /// The shape.
        public var shape: [Int]
        /// The elements, raw (see ``InferenceResult``).
        public var data: [UInt8]
        /// The output's parameters: for an output written to shared memory, `shared_memory_region`,
        /// `shared_memory_offset` and `shared_memory_byte_size` (the bytes written), and ``data`` is empty.
        package var parameters: JSONObject?

        /// Creates an output.
        public init(name: String, datatype: DataType, shape: [Int], data: [UInt8]) {
            self.name = name
            self.datatype = datatype
            self.shape = shape
            self.data = data
        }
    }

    /// The model that answered.
    public var modelName: String
    /// The version that answered.
    public var modelVersion: String
    /// The request's identifier, if it had one.
    public var id: String?
    /// The request-level parameters, echoed.
    package var parameters: JSONObject?
    /// The outputs, in the order they were requested (or the model's order when all were).
    public var outputs: [Output]

    /// Creates a result.
    package init(modelName: String, modelVersion: String, id: String?, parameters: JSONObject?, outputs: [Output]) {
        self.modelName = modelName
        self.modelVersion = modelVersion
        self.id = id
        self.parameters = parameters
        self.outputs = outputs
    }
}
#endif
