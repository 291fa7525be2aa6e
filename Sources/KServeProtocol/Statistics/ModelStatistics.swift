/// The statistics of one model version (`$model_stat` of Triton's statistics extension): what the server keeps, and
/// what a client reads back.
public struct ModelStatistics: Sendable, Hashable {
    /// A count and a cumulative duration (`$duration_stat`).
    public struct Duration: Sendable, Hashable {
        /// How many times the statistic was collected.
        public var count: UInt64
        /// The total duration in nanoseconds.
        public var ns: UInt64

        /// A statistic with a count and a total duration.
        /// - Parameters:
        ///   - count: How many times it was collected.
        ///   - ns: The total duration in nanoseconds.
        public init(count: UInt64 = 0, ns: UInt64 = 0) {
            self.count = count
            self.ns = ns
        }

        /// Adds one occurrence.
        /// - Parameter nanoseconds: Its duration.
        public mutating func add(_ nanoseconds: UInt64) {
            count += 1
            ns &+= nanoseconds
        }

        /// The JSON object `{"count", "ns"}`.
        package var json: JSONValue {
            .object(["count": ModelStatistics.number(count), "ns": ModelStatistics.number(ns)])
        }

        /// A statistic from its JSON object; missing members are 0.
        package init(json: JSONValue?) {
            self.init(count: json?["count"]?.uint64Value ?? 0, ns: json?["ns"]?.uint64Value ?? 0)
        }
    }

    /// The statistics of one batch size (`$batch_stat`).
    public struct Batch: Sendable, Hashable {
        /// The batch size.
        public var batchSize: Int
        /// Preparing input tensors.
        public var computeInput = Duration()
        /// Running the model.
        public var computeInfer = Duration()
        /// Reading output tensors.
        public var computeOutput = Duration()

        /// An empty record for a batch size.
        /// - Parameter batchSize: The batch size.
        public init(batchSize: Int) { self.batchSize = batchSize }
    }

    /// The model name.
    public var name: String
    /// The version (empty when a server reports none).
    public var version: String
    /// When the last inference request was received, in milliseconds since the epoch (0 if never).
    public var lastInference: UInt64 = 0
    /// Successful inferences, counting each batch element (a request of n rows counts n).
    public var inferenceCount: UInt64 = 0
    /// Successful model executions: one per run, so with dynamic batching one per batch, however many requests it
    /// served.
    public var executionCount: UInt64 = 0
    /// Successful requests, with their total time in the server.
    public var success = Duration()
    /// Failed requests, with their time in the server.
    public var fail = Duration()
    /// Time spent waiting for a model instance.
    public var queue = Duration()
    /// Time spent making input tensors.
    public var computeInput = Duration()
    /// Time spent running the model.
    public var computeInfer = Duration()
    /// Time spent encoding outputs.
    public var computeOutput = Duration()
    /// Requests answered from the response cache, with the time of their lookups.
    public var cacheHit = Duration()
    /// Successful requests that the response cache did not answer, with the time of their lookups and of storing
    /// their responses.
    public var cacheMiss = Duration()
    /// Per batch size, sorted by batch size.
    public var batches: [Batch] = []

    /// Empty statistics for a model version.
    /// - Parameters:
    ///   - name: The model name.
    ///   - version: The version.
    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// The `$model_stat` JSON object.
    package var json: JSONValue {
        .object([
            "name": .string(name),
            "version": .string(version),
            "last_inference": Self.number(lastInference),
            "inference_count": Self.number(inferenceCount),
            "execution_count": Self.number(executionCount),
            "inference_stats": .object([
                "success": success.json,
                "fail": fail.json,
                "queue": queue.json,
                "compute_input": computeInput.json,
                "compute_infer": computeInfer.json,
                "compute_output": computeOutput.json,
                "cache_hit": cacheHit.json,
                "cache_miss": cacheMiss.json,
            ]),
            "batch_stats": .array(
                batches.map { batch in
                    .object([
                        "batch_size": Self.number(UInt64(batch.batchSize)),
                        "compute_input": batch.computeInput.json,
                        "compute_infer": batch.computeInfer.json,
                        "compute_output": batch.computeOutput.json,
                    ])
                }),
        ])
    }

    /// Statistics from a `$model_stat` JSON object; every member but `name` may be missing (0, or empty).
    /// - Parameter json: One element of `model_stats`.
    /// - Throws: ``JSONDecodingError`` when `name` is missing.
    package init(json: JSONValue) throws(JSONDecodingError) {
        guard let name = json["name"]?.stringValue else { throw JSONDecodingError("model statistics have no 'name'") }
        self.init(name: name, version: json["version"]?.stringValue ?? "")
        lastInference = json["last_inference"]?.uint64Value ?? 0
        inferenceCount = json["inference_count"]?.uint64Value ?? 0
        executionCount = json["execution_count"]?.uint64Value ?? 0
        let inference = json["inference_stats"]
        success = Duration(json: inference?["success"])
        fail = Duration(json: inference?["fail"])
        queue = Duration(json: inference?["queue"])
        computeInput = Duration(json: inference?["compute_input"])
        computeInfer = Duration(json: inference?["compute_infer"])
        computeOutput = Duration(json: inference?["compute_output"])
        cacheHit = Duration(json: inference?["cache_hit"])
        cacheMiss = Duration(json: inference?["cache_miss"])
        batches = (json["batch_stats"]?.arrayValue ?? []).map { batch in
            var record = Batch(batchSize: batch["batch_size"]?.intValue ?? 0)
            record.computeInput = Duration(json: batch["compute_input"])
            record.computeInfer = Duration(json: batch["compute_infer"])
            record.computeOutput = Duration(json: batch["compute_output"])
            return record
        }
    }

    /// The `$stats_model_response` JSON object for a list of model statistics.
    /// - Parameter statistics: One entry per model version.
    package static func responseJSON(_ statistics: [ModelStatistics]) -> JSONValue {
        .object(["model_stats": .array(statistics.map(\.json))])
    }

    /// The statistics in a `$stats_model_response` JSON object.
    /// - Parameter json: The response body.
    /// - Throws: ``JSONDecodingError`` when `model_stats` is missing or an entry has no name.
    package static func decodeResponse(_ json: JSONValue) throws(JSONDecodingError) -> [ModelStatistics] {
        guard let entries = json["model_stats"]?.arrayValue else {
            throw JSONDecodingError("statistics response has no 'model_stats' array")
        }
        var statistics: [ModelStatistics] = []
        for entry in entries { statistics.append(try ModelStatistics(json: entry)) }
        return statistics
    }

    static func number(_ value: UInt64) -> JSONValue {
        .number(Int64(exactly: value).map(JSONNumber.int) ?? .uint(value))
    }
}
