#if Server
import ONNXRuntime

/// Server-wide ONNX Runtime settings, as Triton's `--backend-config onnxruntime,<setting>=<value>` gives them.
///
/// `enable-global-threadpool=1` runs every model's sessions on one pair of global thread pools, made with the
/// process's ONNX Runtime environment, instead of pools per session: a server with many models then has a few
/// threads instead of several per model instance. `intra_op_thread_count` and `inter_op_thread_count` size those
/// pools; without global pools they are the thread counts of the models that do not set their own.
///
/// ```swift
/// var serving = ServingConfiguration(repositories: ["/models"])
/// serving.backend = try BackendConfiguration(settings: ["onnxruntime,enable-global-threadpool=1"])
/// ```
///
/// As in Triton's ONNX Runtime backend, a model's own `intra_op_thread_count` and `inter_op_thread_count`
/// parameters are ignored (with a warning) while global pools are on: the pools are the server's.
///
/// The other keys of a model configuration's `parameters` that set up ONNX Runtime (`execution_mode`,
/// `enable_mem_arena`, `enable_mem_pattern`, `memory.enable_memory_arena_shrinkage`, the session config entries)
/// are taken here too, as every model's defaults: a model's own value wins.
///
/// ```swift
/// let backend = try BackendConfiguration(settings: ["onnxruntime,execution_mode=1", "onnxruntime,enable_mem_arena=0"])
/// // backend.modelDefaults == ["execution_mode": "1", "enable_mem_arena": "0"]
/// ```
public struct BackendConfiguration: Sendable, Hashable {
    /// Whether every model's sessions share the environment's global thread pools (`enable-global-threadpool`).
    public var globalThreadPool: Bool
    /// Threads of the global intra-op pool, or, without global pools, the default of every model's sessions
    /// (`intra_op_thread_count`); `nil` or 0 lets ONNX Runtime choose.
    public var intraOpThreadCount: Int?
    /// Threads of the global inter-op pool, or, without global pools, the default of every model's sessions
    /// (`inter_op_thread_count`); `nil` or 0 lets ONNX Runtime choose.
    public var interOpThreadCount: Int?
    /// Every model's defaults for the ONNX Runtime `parameters` other than the thread counts, by key, as written
    /// (see the serving configuration article); a model's own `parameters` entry wins.
    public var modelDefaults: [String: String] = [:]
    /// Execution providers every model's sessions try before the CPU, in order of preference, unless the model
    /// names its own (`ort serve --ep`). Plugin providers must be registered with the environment first.
    public var executionProviders: [SessionOptions.ExecutionProvider] = []

    /// The one backend this server has (Triton's `onnxruntime`).
    public static let backendName = "onnxruntime"
    /// The settings of the `onnxruntime` backend itself (Triton's); the model `parameters` keys are taken as well,
    /// as defaults for every model.
    public static let settingNames = ["enable-global-threadpool", "intra_op_thread_count", "inter_op_thread_count"]

    /// Creates a configuration; by default, pools per session and ONNX Runtime's thread counts.
    /// - Parameters:
    ///   - globalThreadPool: Whether every model runs on the global thread pools.
    ///   - intraOpThreadCount: The intra-op thread count (0 or more), or `nil`.
    ///   - interOpThreadCount: The inter-op thread count (0 or more), or `nil`.
    public init(globalThreadPool: Bool = false, intraOpThreadCount: Int? = nil, interOpThreadCount: Int? = nil) {
        self.globalThreadPool = globalThreadPool
        self.intraOpThreadCount = intraOpThreadCount
        self.interOpThreadCount = interOpThreadCount
    }

    /// Reads Triton's `--backend-config` settings, each `<backend>,<setting>=<value>`: only the `onnxruntime`
    /// backend, with `enable-global-threadpool` (`1`/`0`, `true`/`false`, `on`/`off`), `intra_op_thread_count` and
    /// `inter_op_thread_count` (whole numbers, 0 or more), and the other ONNX Runtime keys a model's `parameters`
    /// take, as every model's defaults (``modelDefaults``), each at most once.
    /// - Parameter settings: The values of the repeated `--backend-config` option.
    /// - Throws: ``BackendConfigurationError`` naming what is wrong: no backend name, no `=`, another backend, an
    ///   unknown setting, a value of the wrong kind, or a setting given twice.
    public init(settings: [String]) throws(BackendConfigurationError) {
        self.init()
        var seen: Set<String> = []
        for setting in settings {
            guard let comma = setting.firstIndex(of: ","), comma != setting.startIndex else {
                throw BackendConfigurationError(
                    "'\(setting)' names no backend: the format is <backend>,<setting>=<value>, for example "
                        + "onnxruntime,enable-global-threadpool=1")
            }
            let backend = String(setting[..<comma])
            let rest = setting[setting.index(after: comma)...]
            guard let equals = rest.firstIndex(of: "="), equals != rest.startIndex,
                rest.index(after: equals) != rest.endIndex
            else {
                throw BackendConfigurationError(
                    "'\(setting)' is not <backend>,<setting>=<value> (for example "
                        + "onnxruntime,enable-global-threadpool=1)")
            }
            guard backend == Self.backendName else {
                throw BackendConfigurationError(
                    "backend '\(backend)' is not available: this server has only the '\(Self.backendName)' backend")
            }
            let key = String(rest[..<equals])
            let value = String(rest[rest.index(after: equals)...])
            let modelKey = RuntimeParameters.keys[key] != nil && !Self.settingNames.contains(key)
            guard Self.settingNames.contains(key) || modelKey else {
                throw BackendConfigurationError(
                    "unknown setting '\(key)' of the onnxruntime backend; its settings are "
                        + (Self.settingNames + RuntimeParameters.knownKeys.filter { !Self.settingNames.contains($0) })
                        .joined(separator: ", "))
            }
            guard seen.insert(key).inserted else {
                throw BackendConfigurationError("the onnxruntime backend's \(key) is given more than once")
            }
            if modelKey {
                if let problem = RuntimeParameters.problem(key: key, value: value) {
                    throw BackendConfigurationError("onnxruntime,\(key): \(problem)")
                }
                modelDefaults[key] = value
                continue
            }
            switch key {
            case "enable-global-threadpool":
                switch value.lowercased() {
                case "1", "true", "on", "yes": globalThreadPool = true
                case "0", "false", "off", "no": globalThreadPool = false
                default:
                    throw BackendConfigurationError(
                        "enable-global-threadpool must be 1 or 0 (true or false), got '\(value)'")
                }
            default:
                guard value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                    let count = Int(value), count <= Int(Int32.max)
                else {
                    throw BackendConfigurationError(
                        "\(key) must be a whole number of threads, 0 (ONNX Runtime chooses) or more, got '\(value)'")
                }
                if key == "intra_op_thread_count" { intraOpThreadCount = count } else { interOpThreadCount = count }
            }
        }
        if let conflict = RuntimeParameters.conflict(modelDefaults) {
            throw BackendConfigurationError("onnxruntime: \(conflict)")
        }
    }

    /// The pools the environment is created with, or `nil` without `enable-global-threadpool`.
    public var globalThreadPools: GlobalThreadPools? {
        guard globalThreadPool else { return nil }
        return GlobalThreadPools(intraOpThreads: intraOpThreadCount ?? 0, interOpThreads: interOpThreadCount ?? 0)
    }
}

/// A `--backend-config` setting that cannot be used.
public typealias BackendConfigurationError = SettingError
#endif
