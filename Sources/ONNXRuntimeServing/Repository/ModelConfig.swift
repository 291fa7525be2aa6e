#if Server
/// A model's configuration: the subset of Triton's `ModelConfig` (`model_config.proto`) this server understands.
///
/// It is read from `<model>/config.pbtxt` (see ``parse(_:file:defaultName:)``) or, without that file, derived from the model
/// itself. Fields the server does not support are rejected with a message saying so, never silently ignored.
public struct ModelConfig: Sendable, Hashable {
    /// An `input` or `output` entry.
    public struct TensorConfig: Sendable, Hashable {
        /// An input's data layout (`format`), as Triton's image clients read it from the configuration to lay out
        /// pixels. The server passes tensors through unchanged whatever the format says.
        public enum Format: String, Sendable, Hashable, CaseIterable {
            /// `FORMAT_NONE`: no particular layout.
            case none = "FORMAT_NONE"
            /// `FORMAT_NHWC`: height, width, channels (three dims besides the batch dimension).
            case nhwc = "FORMAT_NHWC"
            /// `FORMAT_NCHW`: channels, height, width (three dims besides the batch dimension).
            case nchw = "FORMAT_NCHW"
        }

        /// The tensor name.
        public var name: String
        /// The datatype (`data_type`).
        public var datatype: DataType
        /// The dimensions (`dims`); with `max_batch_size > 0` they exclude the batch dimension. `-1` is any size.
        public var dims: [Int]
        /// The line where the entry starts in `config.pbtxt` (0 if not from a file).
        public var line: Int
        /// An output's class labels file (`label_filename`), relative to the model's folder: one label per line, for
        /// the classification extension.
        public var labelFilename: String?
        /// An input's data layout (`format`); ``Format/none`` for outputs.
        public var format: Format
        /// The shape the model takes or produces (`reshape { shape }`), without the batch dimension, when it differs
        /// from the ``dims`` clients see; `nil` without `reshape`. An empty array is a tensor that is only its batch
        /// dimension. The two hold the same elements: requests and responses keep their bytes, only the shape
        /// changes between client and model.
        public var reshape: [Int]?

        /// Creates an entry.
        public init(
            name: String, datatype: DataType, dims: [Int], line: Int = 0, labelFilename: String? = nil,
            format: Format = .none, reshape: [Int]? = nil
        ) {
            self.name = name
            self.datatype = datatype
            self.dims = dims
            self.line = line
            self.labelFilename = labelFilename
            self.format = format
            self.reshape = reshape
        }
    }

    /// Which versions of the model to serve (`version_policy`).
    public enum VersionPolicy: Sendable, Hashable {
        /// The `numVersions` highest-numbered versions (`latest { num_versions: N }`); the default, with 1.
        case latest(numVersions: Int)
        /// Every version (`all {}`).
        case all
        /// Exactly these versions (`specific { versions: [...] }`).
        case specific(versions: [Int])

        /// The versions to serve, chosen from those present.
        public func select(from available: [Int]) -> [Int] {
            let sorted = available.sorted()
            switch self {
            case .latest(let count): return Array(sorted.suffix(max(count, 0)))
            case .all: return sorted
            case .specific(let versions): return sorted.filter(versions.contains)
            }
        }
    }

    /// An `instance_group` entry. Only CPU instances are supported.
    public struct InstanceGroup: Sendable, Hashable {
        /// The group name, if given.
        public var name: String?
        /// `KIND_CPU` or `KIND_AUTO` (both mean CPU here).
        public var kind: String
        /// How many instances (sessions) to create; default 1.
        public var count: Int

        /// Creates a group.
        public init(name: String? = nil, kind: String = "KIND_CPU", count: Int = 1) {
            self.name = name
            self.kind = kind
            self.count = count
        }
    }

    /// A queue policy (`default_queue_policy` of `dynamic_batching`).
    public struct QueuePolicy: Sendable, Hashable {
        /// `REJECT` or `DELAY`.
        public var timeoutAction: String = "REJECT"
        /// The default request timeout in microseconds; 0 means none.
        public var defaultTimeoutMicroseconds: UInt64 = 0
        /// Whether a request may ask for a shorter timeout.
        public var allowTimeoutOverride: Bool = false
        /// The most requests waiting for this model; 0 means the server's default.
        public var maxQueueSize: Int = 0

        /// A policy with default values.
        public init() {}
    }

    /// The `dynamic_batching` settings. With `max_batch_size > 0`, requests are joined into batches along the first
    /// dimension (see the Dynamic batching article); the queue policy's size and timeout apply in any case.
    public struct DynamicBatching: Sendable, Hashable {
        /// `preferred_batch_size`.
        public var preferredBatchSizes: [Int] = []
        /// `max_queue_delay_microseconds`.
        public var maxQueueDelayMicroseconds: UInt64 = 0
        /// `preserve_ordering`.
        public var preserveOrdering: Bool = false
        /// `default_queue_policy`, if given.
        public var defaultQueuePolicy: QueuePolicy?
        /// `priority_levels`: how many priority levels requests may ask for, 1 the highest; 0 means one queue in
        /// arrival order.
        public var priorityLevels: UInt64 = 0
        /// `default_priority_level`: the level of a request that gives no priority (or 0, or one above
        /// ``priorityLevels``), in `1...priorityLevels`; 0 when there are no levels.
        public var defaultPriorityLevel: UInt64 = 0
        /// `priority_queue_policy`: the queue policy of a level, where it differs from ``defaultQueuePolicy``.
        public var priorityQueuePolicy: [UInt64: QueuePolicy] = [:]

        /// Settings with default values.
        public init() {}

        /// The level a request asking for `priority` (the request parameter, 0 if it gives none) waits at: itself
        /// when it is a level, the default level otherwise, as Triton does. Always 1 without levels.
        public func level(forPriority priority: UInt64) -> UInt64 {
            guard priorityLevels > 0 else { return 1 }
            return priority >= 1 && priority <= priorityLevels ? priority : defaultPriorityLevel
        }

        /// The queue policy of a level: its own `priority_queue_policy` entry, or `default_queue_policy`.
        public func queuePolicy(level: UInt64) -> QueuePolicy? {
            priorityQueuePolicy[level] ?? defaultQueuePolicy
        }
    }

    /// The platform name this server reports for ONNX models: `onnxruntime_onnx`.
    public static let platformName = "onnxruntime_onnx"
    /// The platform of an ensemble: `ensemble` (see ``EnsembleScheduling``).
    public static let ensemblePlatformName = "ensemble"
    /// The backend name this server reports: `onnxruntime`.
    public static let backendName = "onnxruntime"
    /// The model file looked for in each version directory unless `default_model_filename` says otherwise.
    public static let defaultModelFilename = "model.onnx"

    /// The model name; must match the model's directory name.
    public var name: String
    /// The version policy; default `latest { num_versions: 1 }`.
    public var versionPolicy: VersionPolicy = .latest(numVersions: 1)
    /// The largest batch the model accepts; 0 means the model does not batch and `dims` are full shapes.
    public var maxBatchSize: Int = 0
    /// Declared inputs; empty means all are taken from the model.
    public var inputs: [TensorConfig] = []
    /// Declared outputs; empty means all are taken from the model.
    public var outputs: [TensorConfig] = []
    /// Instance groups; empty means one instance.
    public var instanceGroups: [InstanceGroup] = []
    /// The model file name in each version directory.
    public var defaultModelFilename: String = ModelConfig.defaultModelFilename
    /// Dynamic batching settings, if the configuration has `dynamic_batching`.
    public var dynamicBatching: DynamicBatching?
    /// Sequence batching settings, if the configuration has `sequence_batching`.
    public var sequenceBatching: SequenceBatching?
    /// `optimization { graph { level } }`, as Triton's ONNX Runtime backend reads it: -1 is ONNX Runtime's basic
    /// optimisations, 1 basic and extended, 2 none; other values (and no setting) use all optimisations.
    public var graphOptimizationLevel: Int?
    /// `optimization { execution_accelerators { ... } }`: the providers to try before ONNX Runtime's CPU provider.
    public var executionAccelerators = ExecutionAccelerators()
    /// The `parameters` entries, as written: the ONNX Runtime settings Triton's backend reads (thread counts,
    /// `execution_mode`, `enable_mem_arena`, `enable_mem_pattern`, `memory.enable_memory_arena_shrinkage`) and
    /// session config entries (`session.*`, `optimization.*`); see the serving configuration article for each key.
    public var parameters: [String: String] = [:]
    /// The `model_warmup` samples, run on every instance at load time before the model is ready.
    public var warmup: [Warmup] = []
    /// `response_cache { enable: true }`: the model's responses are cached when the server has a response cache
    /// (``ServingConfiguration/responseCache``); without one the setting has no effect, as in Triton.
    public var responseCache: Bool = false
    /// The ensemble's steps (`ensemble_scheduling`), when the model is an ensemble (`platform: "ensemble"`).
    public var ensembleScheduling: EnsembleScheduling?
    /// The custom operator libraries the model needs (`model_operations { op_library_filename }`), as written in the
    /// configuration; relative paths are relative to the model's folder. The server registers them only when it was
    /// started with `--allow-custom-op-libraries` and they lie in an allowed directory.
    public var opLibraryFilenames: [String] = []
    /// The line of each top-level field in `config.pbtxt`, by field name (for error messages).
    public var fieldLines: [String: Int] = [:]

    /// A configuration with defaults for everything but the name.
    public init(name: String) {
        self.name = name
    }

    /// Whether the model is an ensemble of other models rather than an ONNX model.
    public var isEnsemble: Bool { ensembleScheduling != nil }

    /// The platform reported in metadata and configuration: `ensemble` or `onnxruntime_onnx`.
    public var platform: String { isEnsemble ? Self.ensemblePlatformName : Self.platformName }

    /// The number of model instances (sessions): the sum of the instance groups' counts, at least 1.
    public var instanceCount: Int {
        max(1, instanceGroups.reduce(0) { $0 + $1.count })
    }

    /// The most requests that may wait for this model, if the configuration sets one.
    public var maxQueueSize: Int? {
        guard let size = dynamicBatching?.defaultQueuePolicy?.maxQueueSize, size > 0 else { return nil }
        return size
    }
}
#endif
