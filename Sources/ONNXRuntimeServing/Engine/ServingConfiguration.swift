#if Server
import ONNXRuntime

/// What an ``InferenceEngine`` serves and how.
public struct ServingConfiguration: Sendable {
    /// Model repository directories (Triton layout: `<repository>/<model>/<version>/model.onnx`).
    public var repositories: [String]
    /// Single `.onnx` files served by name, as version 1.
    public var models: [String: String]
    /// Triton model directories (`<directory>/<version>/model.onnx`, optional `config.pbtxt`) served by name, the
    /// name given here rather than taken from the directory.
    public var modelDirectories: [String: String]
    /// How the set of loaded models is decided.
    public var controlMode: ModelControlMode
    /// In explicit mode, the models to load at start (`*` for all).
    public var startupModels: [String]
    /// In poll mode, how often to rescan the repositories.
    public var pollInterval: Duration
    /// Request limits.
    public var limits: ServingLimits
    /// Whether the server reports ready only when every model it tried to load is ready (Triton's strict
    /// readiness). When `false`, it is ready once the initial loading is done, whatever its outcome.
    public var strictReadiness: Bool
    /// The server name in the server metadata.
    public var serverName: String
    /// The server version in the server metadata.
    public var serverVersion: String
    /// Whether clients may register system shared memory regions and have inputs read from and outputs written to
    /// them (Triton's `system_shared_memory` extension). A local client can then make the server read and write any
    /// POSIX shared memory object the server's user may open (see SECURITY.md). Default `true`, as Triton 2.x;
    /// `ort serve --disable-shared-memory` turns it off.
    public var sharedMemoryEnabled: Bool = true
    /// Whether a load request may send the model's files (Triton's `file:<version>/<name>` load parameters, with a
    /// `config`; explicit control mode only). Whoever may call load can then run a model of their own on the server,
    /// within its limits; it cannot bring native code (see SECURITY.md). Default `true`, as in Triton;
    /// `ort serve --disable-model-upload` turns it off.
    public var modelUploadEnabled: Bool = true
    /// The response cache (Triton's `--cache-config local,size=BYTES`), shared by the models whose configuration
    /// says `response_cache { enable: true }`; `nil` (the default) for none.
    public var responseCache: ResponseCacheConfiguration?
    /// The directories whose custom operator libraries models may load (`model_operations { op_library_filename }`;
    /// `ort serve --allow-custom-op-libraries DIR`). Empty, the default, allows none: a library is native code that
    /// runs inside the server process with all its rights (see SECURITY.md). A library must lie inside one of these
    /// directories once symbolic links are resolved.
    public var customOpLibraryDirectories: [String] = []
    /// Server-wide ONNX Runtime settings (Triton's `--backend-config onnxruntime,...`), such as global thread pools
    /// shared by every model. With ``BackendConfiguration/globalThreadPool``, ``InferenceEngine/start()`` creates the
    /// process's ONNX Runtime environment with the pools, unless it exists already with the same pools.
    public var backend = BackendConfiguration()

    /// The version reported in the server metadata by default.
    public static let defaultServerVersion = PackageVersion.string

    /// Creates a configuration; only the models to serve are required.
    public init(
        repositories: [String] = [], models: [String: String] = [:], controlMode: ModelControlMode = .none,
        startupModels: [String] = [], pollInterval: Duration = .seconds(15), limits: ServingLimits = ServingLimits(),
        strictReadiness: Bool = true, serverName: String = "swift-onnxruntime",
        serverVersion: String = ServingConfiguration.defaultServerVersion, modelDirectories: [String: String] = [:]
    ) {
        self.repositories = repositories
        self.models = models
        self.modelDirectories = modelDirectories
        self.controlMode = controlMode
        self.startupModels = startupModels
        self.pollInterval = pollInterval
        self.limits = limits
        self.strictReadiness = strictReadiness
        self.serverName = serverName
        self.serverVersion = serverVersion
    }
}
#endif
