#if Client
/// A model's configuration (`GET /v2/models/{name}[/versions/{v}]/config`): the commonly used fields of Triton's
/// `ModelConfig`, plus the whole JSON text for everything else.
public struct ModelConfig: Sendable, Hashable {
    /// One input or output of the configuration.
    public struct Tensor: Sendable, Hashable {
        /// The tensor's name.
        public var name: String
        /// Triton's data type name, e.g. `TYPE_FP32` (note: not the protocol's `FP32`).
        public var dataType: String
        /// The dimensions, without the batch dimension when `max_batch_size` > 0; `-1` is variable.
        public var dims: [Int]
    }

    /// The model's name.
    public var name: String
    /// The platform, e.g. `onnxruntime_onnx`.
    public var platform: String?
    /// The backend, e.g. `onnxruntime`.
    public var backend: String?
    /// The largest batch the model accepts; 0 when the model does not batch.
    public var maxBatchSize: Int
    /// The configured inputs.
    public var inputs: [Tensor]
    /// The configured outputs.
    public var outputs: [Tensor]
    /// The response body as the server sent it (a JSON object), for fields not modelled here.
    public var json: String

    init(body: [UInt8]) throws(ClientError) {
        let json: JSONValue
        do {
            json = try JSONParser.parse(body, maximumDepth: JSONTensorCoding.maximumDepth)
        } catch {
            throw .decoding("model config is not valid JSON: \(error)")
        }
        // Some servers wrap the configuration as {"config": {...}} (the gRPC shape); accept both.
        let config = json["config"].flatMap { $0.objectValue == nil ? nil : $0 } ?? json
        guard config.objectValue != nil, let name = config["name"]?.stringValue else {
            throw .decoding("model config has no 'name'")
        }
        func tensors(_ key: String) -> [Tensor] {
            (config[key]?.arrayValue ?? []).compactMap { tensor in
                guard let name = tensor["name"]?.stringValue else { return nil }
                // Protobuf's JSON mapping may write int64 dims as strings; accept both.
                let dims = (tensor["dims"]?.arrayValue ?? []).compactMap {
                    $0.intValue ?? $0.stringValue.flatMap { Int($0) }
                }
                return Tensor(name: name, dataType: tensor["data_type"]?.stringValue ?? "", dims: dims)
            }
        }
        self.name = name
        platform = config["platform"]?.stringValue
        backend = config["backend"]?.stringValue
        maxBatchSize = config["max_batch_size"]?.intValue ?? 0
        inputs = tensors("input")
        outputs = tensors("output")
        self.json = String(decoding: body, as: UTF8.self)
    }
}
#endif
