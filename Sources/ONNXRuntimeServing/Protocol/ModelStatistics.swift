#if Server
/// The statistics of one model version (`$model_stat` of Triton's statistics extension).
public struct ModelStatistics: Sendable, Hashable {
    /// A count and a cumulative duration (`$duration_stat`).
    public struct Duration: Sendable, Hashable {
        /// How many times the statistic was collected.
        public var count: UInt64 = 0
        /// The total duration in nanoseconds.
        public var ns: UInt64 = 0

        /// A zero statistic.
        public init() {}

        /// Adds one occurrence.
        public mutating func add(_ nanoseconds: UInt64) {
            count += 1
            ns &+= nanoseconds
        }

        var json: JSONValue {
            .object(["count": ModelStatistics.number(count), "ns": ModelStatistics.number(ns)])
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
        public init(batchSize: Int) { self.batchSize = batchSize }
    }

    /// The model name.
    public var name: String
    /// The version.
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
    /// Per batch size, sorted by batch size.
    public var batches: [Batch] = []

    /// Empty statistics for a model version.
    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }

    /// The `$model_stat` JSON object.
    public var json: JSONValue {
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
                "cache_hit": Duration().json,
                "cache_miss": Duration().json,
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

    /// The `$stats_model_response` JSON object for a list of model statistics.
    public static func responseJSON(_ statistics: [ModelStatistics]) -> JSONValue {
        .object(["model_stats": .array(statistics.map(\.json))])
    }

    static func number(_ value: UInt64) -> JSONValue {
        .number(Int64(exactly: value).map(JSONNumber.int) ?? .uint(value))
    }
}
#endif
