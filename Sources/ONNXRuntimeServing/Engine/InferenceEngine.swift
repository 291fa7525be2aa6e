#if Server
import Foundation
import Logging
import ONNXRuntime

/// The serving core: model repository, model control, inference, statistics and configuration, independent of the
/// transport. The REST server (`ONNXRuntimeServer`) maps each KServe V2 endpoint to one method here.
///
/// ```swift
/// let engine = InferenceEngine(
///     configuration: ServingConfiguration(repositories: ["/models"]), logger: Logger(label: "serving"))
/// await engine.start()  // loads the models the control mode says to load
/// let response = try await engine.infer(model: "mnist", version: nil, body: body, headerLength: nil)
/// ```
public final class InferenceEngine: Sendable {
    /// What is served and how.
    public let configuration: ServingConfiguration
    /// Where this engine records its models' metrics (Triton's `nv_inference_*` series).
    public let metrics: ServingMetrics
    /// The registered system shared memory regions, or `nil` when shared memory is turned off.
    package let sharedMemory: SharedMemoryRegistry?
    /// The response cache, when ``ServingConfiguration/responseCache`` sets one up.
    let responseCache: ResponseCache?
    private let logger: Logger
    private let table = ModelTable()
    private let manager: ModelManager
    private let phase = Locked(Phase.starting)
    private let startCalled = Locked(false)

    private enum Phase {
        case starting, running, draining
    }

    /// Creates an engine; nothing is loaded until ``start()``.
    /// - Parameters:
    ///   - configuration: What to serve and how.
    ///   - logger: The engine's logger.
    ///   - metrics: Where to record the models' metrics; nowhere by default (the server passes its Prometheus
    ///     registry's factory).
    public init(configuration: ServingConfiguration, logger: Logger, metrics: ServingMetrics = ServingMetrics()) {
        self.configuration = configuration
        self.logger = logger
        self.metrics = metrics
        self.sharedMemory = configuration.sharedMemoryEnabled ? SharedMemoryRegistry() : nil
        let responseCache = configuration.responseCache.map { ResponseCache(capacity: $0.size, metrics: metrics) }
        self.responseCache = responseCache
        self.manager = ModelManager(
            repository: ModelRepository(
                roots: configuration.repositories, files: configuration.models,
                directories: configuration.modelDirectories),
            table: table, limits: configuration.limits, metrics: metrics, responseCache: responseCache,
            customOpLibraryDirectories: configuration.customOpLibraryDirectories, backend: configuration.backend,
            logger: logger)
    }

    /// Creates the process's ONNX Runtime environment with the global thread pools the backend configuration asks
    /// for. An environment that exists already with the same pools (the application made it) is used as it is.
    /// - Throws: `ORTError` if the environment exists without these pools, or ORT refuses them.
    public static func prepareEnvironment(for backend: BackendConfiguration) throws(ORTError) {
        guard let pools = backend.globalThreadPools else { return }
        do {
            try Environment.configure(threadPools: pools)
        } catch {
            guard let existing = try? Environment.shared, existing.threadPools == pools else { throw error }
        }
    }

    // MARK: - Lifecycle

    /// Scans the repositories and loads the models the control mode says to load: all of them in `none` and
    /// `poll` mode, the ``ServingConfiguration/startupModels`` in `explicit` mode. A model that fails to load is
    /// reported in the index with its reason; it does not stop the others. Only the first call loads anything.
    public func start() async {
        let first = startCalled.withLock { called in
            defer { called = true }
            return !called
        }
        guard first else { return }  // loading happens once; later calls (a second service, a test) do nothing
        if let pools = configuration.backend.globalThreadPools {
            do {
                try Self.prepareEnvironment(for: configuration.backend)
                logger.info("models run on global thread pools", metadata: ["pools": "\(pools)"])
            } catch {
                // The models then fail to load, each saying that the environment has no global pools.
                logger.error(
                    "cannot create the ONNX Runtime environment with global thread pools",
                    metadata: ["reason": "\(error.message)"])
            }
        }
        let names = await manager.rescan()
        let toLoad: [String]
        switch configuration.controlMode {
        case .none, .poll:
            toLoad = names
        case .explicit:
            toLoad =
                configuration.startupModels.contains("*")
                ? names : configuration.startupModels
        }
        logger.info(
            "loading models",
            metadata: [
                "mode": "\(configuration.controlMode.rawValue)", "models": "\(toLoad.joined(separator: ", "))",
            ])
        for name in toLoad {
            do {
                // An ensemble earlier in the list may have loaded this model already.
                try await manager.loadIfNeeded(name)
            } catch {
                logger.debug("model not loaded", metadata: ["model": "\(name)", "error": "\(error.message)"])
            }
        }
        phase.withLock { if $0 == .starting { $0 = .running } }
        logger.info("ready", metadata: ["loaded": "\(table.allLoaded().count) model versions"])
    }

    /// Rescans the repositories once (what poll mode does every ``ServingConfiguration/pollInterval``).
    public func pollRepository() async {
        await manager.poll()
    }

    /// Marks the server as shutting down: readiness turns false; requests in progress continue.
    public func beginShutdown() {
        phase.withLock { $0 = .draining }
    }

    // MARK: - Health and metadata

    /// Whether the server is live (it always is while it can answer).
    public var isLive: Bool { true }

    /// Whether the server is ready: the initial loading is done, it is not shutting down, and (with strict
    /// readiness) every model it tried to load has a version serving.
    public var isReady: Bool {
        get async {
            guard phase.withLock({ $0 }) == .running else { return false }
            guard configuration.strictReadiness else { return true }
            return await manager.allWantedReady
        }
    }

    /// The model version that serves a request.
    /// - Parameters:
    ///   - name: The model name (already checked with ``ModelName/validate(_:)``).
    ///   - version: The version from the path, if any; without one the highest loaded version serves.
    /// - Throws: 404 for an unknown model or version, 503 for one that is not ready.
    public func model(_ name: String, version: Int?) throws(ServingError) -> LoadedModel {
        try table.resolve(name, version: version)
    }

    /// The model metadata (`$metadata_model_response`).
    /// - Throws: as ``model(_:version:)``.
    package func metadata(model name: String, version: Int?) throws(ServingError) -> JSONValue {
        let model = try table.resolve(name, version: version)
        let versions = version.map { [$0] } ?? (table.loadedVersions(name) ?? []).map(\.version)
        return ModelMetadata(
            name: name, versions: versions.map { String($0) }, platform: model.config.platform,
            inputs: model.signature.inputs.map(\.metadata), outputs: model.signature.outputs.map(\.metadata)
        ).json
    }

    // MARK: - Inference

    /// Runs an inference request.
    /// - Parameters:
    ///   - name: The model name.
    ///   - version: The version from the path, if any.
    ///   - body: The request body.
    ///   - headerLength: The `Inference-Header-Content-Length` header, when the body has binary data.
    ///   - logger: The request's logger (with its request id).
    /// - Throws: ``ServingError`` with the status to send.
    public func infer(model name: String, version: Int?, body: [UInt8], headerLength: Int?, logger: Logger? = nil)
        async throws(ServingError) -> EncodedInferenceResponse
    {
        let (model, request, log) = try resolve(model: name, version: version, logger: logger) {
            (_) throws(ServingError) in try InferenceRequest(body: body, headerLength: headerLength)
        }
        return try await model.infer(request, logger: log)
    }

    /// Runs an inference request that another transport decoded (gRPC), and returns the outputs as raw bytes.
    /// - Parameters:
    ///   - name: The model name.
    ///   - version: The version asked for, if any.
    ///   - logger: The request's logger.
    ///   - makeRequest: Builds the request for the resolved model; a failure counts as a failed inference in the
    ///     model's statistics, as a malformed REST body does.
    /// - Throws: ``ServingError`` with the status to send.
    public func inferResult(
        model name: String, version: Int?, logger: Logger? = nil,
        request makeRequest: (LoadedModel) throws(ServingError) -> InferenceRequest
    ) async throws(ServingError) -> InferenceResult {
        let (model, request, log) = try resolve(model: name, version: version, logger: logger, request: makeRequest)
        return try await model.inferResult(request, logger: log)
    }

    /// Resolves the model, builds the request for it (a failure counts as a failed inference in the model's
    /// statistics), and makes the request's logger, for every transport.
    private func resolve(
        model name: String, version: Int?, logger: Logger?,
        request makeRequest: (LoadedModel) throws(ServingError) -> InferenceRequest
    ) throws(ServingError) -> (LoadedModel, InferenceRequest, Logger) {
        let model = try table.resolve(name, version: version)
        var request: InferenceRequest
        do {
            request = try makeRequest(model)
            try request.attachSharedMemory(from: sharedMemory)
        } catch {
            model.statistics.recordFailure(total: 0)
            throw error
        }
        var log = logger ?? self.logger
        // A request logs at debug level only; with a stream handler, each metadata key costs a reformatting of the
        // logger's metadata, so it is added only when it can be printed.
        if log.logLevel <= .debug {
            log[metadataKey: "model"] = "\(name)"
            log[metadataKey: "version"] = "\(model.version)"
            if let id = request.id { log[metadataKey: "inference_id"] = "\(id)" }
        }
        return (model, request, log)
    }

    /// The loaded versions of a model, lowest first (empty if none is loaded).
    public func loadedVersions(of name: String) -> [Int] {
        (table.loadedVersions(name) ?? []).map(\.version)
    }

    // MARK: - Model repository extension

    /// The repository index, optionally only ready models.
    public func repositoryIndex(readyOnly: Bool) async -> [RepositoryIndexEntry] {
        if configuration.controlMode == .explicit {
            await manager.rescan()
        }
        return await manager.index(readyOnly: readyOnly)
    }

    /// Loads or reloads a model (explicit mode only).
    /// - Parameters:
    ///   - name: The model name (already validated).
    ///   - parameters: The request's other `parameters` (the transport took out `config` and the `file:` ones).
    ///   - configOverride: The request's `config` in text format, if it gave one: it replaces `config.pbtxt` for this
    ///     load, as Triton's override does (`model_operations` refused, see
    ///     ``ModelRepository/describe(_:configOverride:)``).
    ///   - upload: The request's model files (Triton's `file:<path>` parameters), if it sent any: they make the model
    ///     directory this load serves, instead of the repository's, with `configOverride` as its configuration.
    /// - Throws: 400 when not in explicit mode, for unsupported parameters, for files when
    ///   ``ServingConfiguration/modelUploadEnabled`` is off, or when the model fails to load (the index keeps the
    ///   reason); 404 when the repository has no such model and no files were sent; 500, with
    ///   Triton's "failed to poll from model repository", when the files come without a `config`, a file path is
    ///   refused (absolute, `..`, a name longer than 255 bytes) or a file cannot be written.
    package func loadModel(
        _ name: String, parameters: JSONObject? = nil, configOverride: String? = nil, upload: ModelUpload? = nil
    ) async throws(ServingError) {
        try checkExplicit("load")
        for key in parameters?.keys.sorted() ?? [] where key == "config" || key.hasPrefix(ModelUpload.parameterPrefix) {
            // "failed to load" first, as Triton's load errors begin (its model control examples match it).
            let reason =
                key == "config"
                ? "the load parameter 'config' must be a string holding the configuration as JSON"
                : "the load parameter '\(key)' must hold the file's bytes (base64 in REST, bytes_param in gRPC)"
            throw .badRequest("failed to load '\(name)': \(reason)")
        }
        guard let upload, !upload.files.isEmpty else {
            try await manager.load(name, configOverride: configOverride)
            return
        }
        guard configuration.modelUploadEnabled else {
            throw .badRequest(
                "failed to load '\(name)': this server does not take model files in a load request "
                    + "(--disable-model-upload); load serves what is in the model repository")
        }
        // Triton answers every problem with the files this way (INTERNAL); the reason after the colon is ours.
        let failed = "failed to load '\(name)', failed to poll from model repository"
        guard configOverride != nil else {
            throw .internal(
                "\(failed): model files need the load parameter 'config' as well, the configuration of the model they "
                    + "make")
        }
        let parent = FileManager.default.temporaryDirectory.path
        let directory: String
        do {
            directory = try await BlockingWork.run { () throws(ModelUploadError) in try upload.write(under: parent) }
        } catch {
            throw .internal("\(failed): \(error.description)")
        }
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await manager.load(name, configOverride: configOverride, directory: directory)
    }

    /// Unloads a model (explicit mode only).
    /// - Parameters:
    ///   - name: The model name (already validated).
    ///   - unloadDependents: Whether to unload, too, the composing models of an ensemble that were loaded only for
    ///     ensembles and that no other loaded ensemble uses (Triton's `unload_dependents`).
    /// - Throws: 400 when not in explicit mode, 404 for an unknown model.
    public func unloadModel(_ name: String, unloadDependents: Bool = false) async throws(ServingError) {
        try checkExplicit("unload")
        try await manager.unload(name, dependents: unloadDependents)
    }

    /// Unloads a model (explicit mode only), with the unload request's parameters.
    /// - Parameters:
    ///   - name: The model name (already validated).
    ///   - parameters: The request's `parameters`: `unload_dependents` (a Boolean) also unloads the composing models
    ///     of an ensemble that were loaded only for ensembles and that no other loaded ensemble uses, as Triton does.
    /// - Throws: 400 when not in explicit mode or for a malformed `unload_dependents`, 404 for an unknown model.
    package func unloadModel(_ name: String, parameters: JSONObject?) async throws(ServingError) {
        try checkExplicit("unload")
        var dependents = false
        switch parameters?["unload_dependents"] {
        case nil: break
        case .bool(let flag)?: dependents = flag
        case let other?:
            throw .badRequest(
                "failed to unload '\(name)': the parameter 'unload_dependents' must be a boolean, got "
                    + other.kindDescription)
        }
        try await manager.unload(name, dependents: dependents)
    }

    private func checkExplicit(_ action: String) throws(ServingError) {
        guard configuration.controlMode == .explicit else {
            throw .badRequest(
                "cannot \(action) models: the model control mode is '\(configuration.controlMode.rawValue)'; start "
                    + "the server with --model-control-mode explicit to load and unload models through the API")
        }
    }

    // MARK: - Statistics and configuration extensions

    /// Statistics of every loaded version, of one model's loaded versions, or of one version.
    /// - Throws: 404 for an unknown model or version, 503 for a model with nothing loaded (when named).
    public func statistics(model name: String?, version: Int?) throws(ServingError) -> [ModelStatistics] {
        guard let name else { return table.allLoaded().map(\.currentStatistics) }
        if let version {
            return [try table.resolve(name, version: version).currentStatistics]
        }
        _ = try table.resolve(name, version: nil)
        return (table.loadedVersions(name) ?? []).map(\.currentStatistics)
    }

    /// The model configuration, completed with the model's inputs and outputs.
    /// - Throws: as ``model(_:version:)``.
    public func config(model name: String, version: Int?) throws(ServingError) -> ModelConfig {
        try table.resolve(name, version: version).config
    }
}
#endif
