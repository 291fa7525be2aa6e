#if Client
/// What `GET /v2` reports about the server.
public struct ServerMetadata: Sendable, Hashable {
    /// The server's name.
    public var name: String
    /// The server's version.
    public var version: String
    /// The protocol extensions it supports, e.g. `binary_tensor_data`, `model_repository`, `statistics`.
    public var extensions: [String]

    /// Creates server metadata.
    public init(name: String, version: String, extensions: [String]) {
        self.name = name
        self.version = version
        self.extensions = extensions
    }

    init(json: JSON) throws(ClientError) {
        guard let name = json["name"]?.stringValue else { throw .decoding("server metadata has no 'name'") }
        self.name = name
        self.version = json["version"]?.stringValue ?? ""
        self.extensions = (json["extensions"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}

/// The name, type and shape of a model input or output, as model metadata reports it.
public struct TensorMetadata: Sendable, Hashable {
    /// The tensor's name.
    public var name: String
    /// The data type name as the server wrote it (`FP32`, `BYTES`, ...).
    public var datatype: String
    /// The dimensions; `-1` marks a variable-size dimension.
    public var shape: [Int]

    /// Creates tensor metadata.
    public init(name: String, datatype: String, shape: [Int]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
    }

    /// The data type as a ``DataType``, or `nil` for a name outside the protocol's list.
    public var dataType: DataType? { DataType(rawValue: datatype) }

    init(json: JSON) throws(ClientError) {
        guard let name = json["name"]?.stringValue else { throw .decoding("tensor metadata has no 'name'") }
        guard let datatype = json["datatype"]?.stringValue else {
            throw .decoding("tensor metadata '\(name)' has no 'datatype'")
        }
        guard let dims = json["shape"]?.arrayValue else { throw .decoding("tensor metadata '\(name)' has no 'shape'") }
        var shape: [Int] = []
        for dim in dims {
            guard let value = dim.intValue else { throw .decoding("tensor metadata '\(name)' has a non-integer dim") }
            shape.append(value)
        }
        self.init(name: name, datatype: datatype, shape: shape)
    }
}

/// What `GET /v2/models/{name}[/versions/{version}]` reports about a model.
public struct ModelMetadata: Sendable, Hashable {
    /// The model's name.
    public var name: String
    /// The versions that may be requested explicitly, if the server reports them.
    public var versions: [String]?
    /// The framework or backend, e.g. `onnxruntime_onnx`.
    public var platform: String
    /// The model's inputs.
    public var inputs: [TensorMetadata]
    /// The model's outputs.
    public var outputs: [TensorMetadata]

    /// Creates model metadata.
    public init(
        name: String, versions: [String]?, platform: String, inputs: [TensorMetadata], outputs: [TensorMetadata]
    ) {
        self.name = name
        self.versions = versions
        self.platform = platform
        self.inputs = inputs
        self.outputs = outputs
    }

    init(json: JSON) throws(ClientError) {
        guard let name = json["name"]?.stringValue else { throw .decoding("model metadata has no 'name'") }
        self.name = name
        self.versions = json["versions"]?.arrayValue?.compactMap(\.stringValue)
        self.platform = json["platform"]?.stringValue ?? ""
        var inputs: [TensorMetadata] = []
        for input in json["inputs"]?.arrayValue ?? [] { inputs.append(try TensorMetadata(json: input)) }
        var outputs: [TensorMetadata] = []
        for output in json["outputs"]?.arrayValue ?? [] { outputs.append(try TensorMetadata(json: output)) }
        self.inputs = inputs
        self.outputs = outputs
    }
}

/// One entry of the model repository index (`POST /v2/repository/index`).
public struct RepositoryModel: Sendable, Hashable {
    /// The model's name.
    public var name: String
    /// The version, if the entry is about one.
    public var version: String?
    /// The state, e.g. `READY`, `UNAVAILABLE`, `LOADING`; `nil` if the server gives none.
    public var state: String?
    /// Why the model is in that state, if the server says.
    public var reason: String?

    /// Creates an index entry.
    public init(name: String, version: String? = nil, state: String? = nil, reason: String? = nil) {
        self.name = name
        self.version = version
        self.state = state
        self.reason = reason
    }

    init(json: JSON) throws(ClientError) {
        guard let name = json["name"]?.stringValue else { throw .decoding("repository index entry has no 'name'") }
        self.init(
            name: name, version: json["version"]?.stringValue, state: json["state"]?.stringValue,
            reason: json["reason"]?.stringValue)
    }
}

/// A count and the total time spent, as the statistics extension reports durations.
public struct DurationStatistic: Sendable, Hashable {
    /// How many times the statistic was collected.
    public var count: UInt64
    /// The total duration in nanoseconds.
    public var nanoseconds: UInt64

    /// Creates a duration statistic.
    public init(count: UInt64 = 0, nanoseconds: UInt64 = 0) {
        self.count = count
        self.nanoseconds = nanoseconds
    }

    init(json: JSON?) {
        count = json?["count"]?.uint64Value ?? 0
        nanoseconds = json?["ns"]?.uint64Value ?? 0
    }
}

/// The aggregate inference statistics of a model version (`inference_stats`).
public struct InferenceStatistics: Sendable, Hashable {
    /// Successful requests.
    public var success: DurationStatistic
    /// Failed requests.
    public var fail: DurationStatistic
    /// Time spent waiting in queues.
    public var queue: DurationStatistic
    /// Time spent preparing inputs.
    public var computeInput: DurationStatistic
    /// Time spent running the model.
    public var computeInfer: DurationStatistic
    /// Time spent extracting outputs.
    public var computeOutput: DurationStatistic
    /// Response cache hits.
    public var cacheHit: DurationStatistic

    init(json: JSON?) {
        success = DurationStatistic(json: json?["success"])
        fail = DurationStatistic(json: json?["fail"])
        queue = DurationStatistic(json: json?["queue"])
        computeInput = DurationStatistic(json: json?["compute_input"])
        computeInfer = DurationStatistic(json: json?["compute_infer"])
        computeOutput = DurationStatistic(json: json?["compute_output"])
        cacheHit = DurationStatistic(json: json?["cache_hit"])
    }
}

/// The statistics of model executions with one batch size (`batch_stats`).
public struct BatchStatistics: Sendable, Hashable {
    /// The batch size.
    public var batchSize: UInt64
    /// Time spent preparing inputs.
    public var computeInput: DurationStatistic
    /// Time spent running the model.
    public var computeInfer: DurationStatistic
    /// Time spent extracting outputs.
    public var computeOutput: DurationStatistic

    init(json: JSON) {
        batchSize = json["batch_size"]?.uint64Value ?? 0
        computeInput = DurationStatistic(json: json["compute_input"])
        computeInfer = DurationStatistic(json: json["compute_infer"])
        computeOutput = DurationStatistic(json: json["compute_output"])
    }
}

/// The statistics of one model version since the server started (`GET /v2/models[/{name}[/versions/{v}]]/stats`).
public struct ModelStatistics: Sendable, Hashable {
    /// The model's name.
    public var name: String
    /// The version, if the server reports one.
    public var version: String?
    /// The time of the last inference, in milliseconds since the Unix epoch (0 if none yet).
    public var lastInference: UInt64
    /// Successful inferences (each batch element counts).
    public var inferenceCount: UInt64
    /// Successful model executions.
    public var executionCount: UInt64
    /// Aggregate durations.
    public var inferenceStats: InferenceStatistics
    /// Durations per batch size.
    public var batchStats: [BatchStatistics]

    init(json: JSON) throws(ClientError) {
        guard let name = json["name"]?.stringValue else { throw .decoding("model statistics have no 'name'") }
        self.name = name
        version = json["version"]?.stringValue
        lastInference = json["last_inference"]?.uint64Value ?? 0
        inferenceCount = json["inference_count"]?.uint64Value ?? 0
        executionCount = json["execution_count"]?.uint64Value ?? 0
        inferenceStats = InferenceStatistics(json: json["inference_stats"])
        batchStats = (json["batch_stats"]?.arrayValue ?? []).map(BatchStatistics.init(json:))
    }
}

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
        let json: JSON
        do {
            json = try JSON.parse(body)
        } catch {
            throw .decoding("model config is not valid JSON: \(error)")
        }
        // Some servers wrap the configuration as {"config": {...}} (the gRPC shape); accept both.
        let config = json["config"].flatMap { if case .object = $0 { $0 } else { nil } } ?? json
        guard case .object = config, let name = config["name"]?.stringValue else {
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
