#if Server
import ArgumentParser
import Foundation
import Logging
import ONNXRuntime
import ONNXRuntimeServer
import ONNXRuntimeServing

/// `ort serve`: a KServe V2 / Triton-compatible inference server for ONNX models, over REST and gRPC.
public struct Serve: AsyncParsableCommand {
    /// The command's name, abstract and discussion.
    public static let configuration = CommandConfiguration(
        abstract: "Serve ONNX models over the KServe V2 (Triton-compatible) REST and gRPC protocols.",
        discussion: """
            Models come from Triton-style repositories (<repository>/<model>/<version>/model.onnx with an optional \
            <repository>/<model>/config.pbtxt) and from single files (--model NAME=PATH, served as version 1).

            --model-dir DIR takes a location laid out in any of the ways KServe's storage initializer leaves \
            /mnt/models: a .onnx file, a directory holding model.onnx or a single .onnx file, a Triton model \
            directory (version folders such as 1/model.onnx and an optional config.pbtxt), all served as \
            --model-name NAME; or a Triton model repository (one folder per model), served under the folders' names.

            The server listens on 127.0.0.1 by default, so only this machine can reach it: inference has no \
            authentication, and the repository API can load and unload models. In a container (KServe, \
            Kubernetes) pass --host 0.0.0.0, and protect the repository API with --repository-token or \
            --disable-repository-api.

            Clients on this machine can pass tensors through POSIX shared memory (Triton's system shared memory \
            extension): the server then reads and writes any shared memory object its user may open. \
            --disable-shared-memory turns that off.

            Prometheus metrics with Triton's names (nv_inference_request_success, nv_inference_count, ...) are \
            served at GET /metrics on --metrics-port (8002); --allow-metrics false turns them off.

            SIGTERM or SIGINT stops accepting connections, lets requests in progress finish, and exits with 0.
            """)

    /// `--ep NAME[:key=value,...]` (every model's execution providers) and `--ep-library NAME=PATH`.
    @OptionGroup public var executionProviders: ExecutionProviderOptions

    /// Model repository directories (`--model-repository`, repeatable).
    @Option(name: .customLong("model-repository"), help: "A model repository directory (repeatable).")
    public var repositories: [String] = []

    /// Single-file models, `NAME=PATH` (`--model`, repeatable).
    @Option(name: .customLong("model"), help: "Serve one .onnx file as NAME, version 1: NAME=PATH (repeatable).")
    public var models: [String] = []

    /// A model location in any of KServe's layouts (`--model-dir`): a single model or a model repository.
    @Option(
        name: .customLong("model-dir"),
        help: ArgumentHelp(
            "A model location as KServe leaves /mnt/models: a .onnx file, a directory with one model (model.onnx, "
                + "a single .onnx, or version folders), or a model repository.",
            valueName: "path"))
    public var modelDirectory: String?

    /// The name a single model found by `--model-dir` is served under (`--model-name`).
    @Option(
        name: .customLong("model-name"),
        help: "The name the --model-dir model is served under (KServe: {{.Name}}); ignored for a repository.")
    public var modelName: String?

    /// The address to listen on (`--host`); loopback by default.
    @Option(help: "The address to listen on; 0.0.0.0 for every interface (containers, KServe).")
    public var host: String = ServerConfiguration.defaultHost

    /// The HTTP port (`--http-port`).
    @Option(name: .customLong("http-port"), help: "The HTTP port (0 picks a free one).")
    public var httpPort: Int = ServerConfiguration.defaultPort

    /// The Prometheus metrics port (`--metrics-port`).
    @Option(
        name: .customLong("metrics-port"),
        help: "The port of the Prometheus metrics endpoint, GET /metrics (0 picks a free one).")
    public var metricsPort: Int = ServerConfiguration.defaultMetricsPort

    /// Whether the metrics endpoint is served (`--allow-metrics`, as Triton's option).
    @Option(
        name: .customLong("allow-metrics"), help: "Serve Prometheus metrics on --metrics-port (true) or not (false).")
    public var allowMetrics: Bool = true

    /// The gRPC port (`--grpc-port`).
    @Option(name: .customLong("grpc-port"), help: "The gRPC port (0 picks a free one).")
    public var grpcPort: Int = ServerConfiguration.defaultGRPCPort

    /// Whether the gRPC server is off (`--no-grpc`).
    @Flag(name: .customLong("no-grpc"), help: "Serve REST only, without the gRPC server.")
    public var noGRPC = false

    /// Whether the gRPC server is served (`--allow-grpc`, as Triton's option; `false` is the same as `--no-grpc`).
    @Option(name: .customLong("allow-grpc"), help: "Serve gRPC on --grpc-port (true) or not (false).")
    public var allowGRPC: Bool = true

    /// Whether the gRPC server runs.
    var servesGRPC: Bool { !noGRPC && allowGRPC }

    /// The model control mode (`--model-control-mode`).
    @Option(name: .customLong("model-control-mode"), help: "none (load all), poll (load all, rescan) or explicit.")
    public var controlMode: ControlMode = .none

    /// Models to load at start in explicit mode (`--load-model`, repeatable; `*` for all).
    @Option(name: .customLong("load-model"), help: "In explicit mode, a model to load at start ('*' for all).")
    public var loadModels: [String] = []

    /// Seconds between repository scans in poll mode (`--repository-poll-secs`).
    @Option(name: .customLong("repository-poll-secs"), help: "In poll mode, seconds between repository scans.")
    public var pollSeconds: Int = 15

    /// The largest request body, in bytes (`--max-request-size`).
    @Option(name: .customLong("max-request-size"), help: "The largest request body accepted, in bytes (413 past it).")
    public var maxRequestSize: Int = ServingLimits().maxRequestBytes

    /// The most elements in one input tensor (`--max-tensor-elements`).
    @Option(name: .customLong("max-tensor-elements"), help: "The most elements in one input tensor (400 past it).")
    public var maxTensorElements: Int = ServingLimits().maxTensorElements

    /// Requests that may wait for a busy model (`--max-queue-size`).
    @Option(
        name: .customLong("max-queue-size"),
        help: "Requests that may wait for a busy model (503 past it), unless its config.pbtxt sets max_queue_size.")
    public var maxQueueSize: Int = ServingLimits().maxQueueSize

    /// Seconds a request may take, queueing included; 0 for none (`--request-timeout`).
    @Option(name: .customLong("request-timeout"), help: "Seconds a request may take, queueing included; 0 for none.")
    public var requestTimeout: Double = 60

    /// Seconds a client may take to send one request; 0 for none (`--read-timeout`).
    @Option(
        name: .customLong("read-timeout"),
        help: "Seconds a client may take to send a whole request (or leave its connection idle); 0 for none.")
    public var readTimeout: Double = 60

    /// Microseconds an event loop keeps polling its connections after an answer; 0 for none (`--busy-poll-us`).
    /// `nil`: ``ServerConfiguration/defaultBusyPoll``, 50 where the process may use two cores or more (at
    /// concurrency 1 on the benchmark VM that lowers the p50 by a sixth to a quarter; polls back off when clients
    /// pause for longer), none on one core.
    @Option(
        name: .customLong("busy-poll-us"),
        help: ArgumentHelp(
            "Microseconds an event loop keeps polling its connections after answering, instead of sleeping; 0 for none.",
            discussion: """
                Lowers latency at low concurrency (no thread wake-up per request) for some CPU. Loops poll only while \
                no request is in progress, and poll less often after polls in which no request arrived. Default: 50 \
                where the server may use two cores or more, 0 where it may use only one (CPU quota or cpuset).
                """))
    public var busyPollMicroseconds: Int?

    /// The server's TLS certificate chain, PEM (`--tls-certificate`).
    @Option(
        name: .customLong("tls-certificate"),
        help: ArgumentHelp(
            "Serve REST and gRPC over TLS with this PEM certificate chain (needs --tls-private-key).",
            discussion: "The metrics endpoint stays plain HTTP.", valueName: "file"))
    public var tlsCertificate: String?

    /// The private key of the TLS certificate, PEM (`--tls-private-key`).
    @Option(
        name: .customLong("tls-private-key"),
        help: ArgumentHelp("The PEM private key of --tls-certificate.", valueName: "file"))
    public var tlsPrivateKey: String?

    /// Authorities whose client certificates are accepted, PEM (`--tls-client-ca`): mutual TLS.
    @Option(
        name: .customLong("tls-client-ca"),
        help: ArgumentHelp(
            "Require client certificates signed by these PEM authorities (mutual TLS).", valueName: "file"))
    public var tlsClientCA: String?

    /// Whether readiness waits for every model meant to be loaded (`--strict-readiness`).
    @Option(
        name: .customLong("strict-readiness"),
        help: "Report ready only when every model meant to be loaded is (true), or once loading is done (false).")
    public var strictReadiness: Bool = true

    /// The server name the server metadata reports (`--server-name`).
    @Option(
        name: .customLong("server-name"),
        help: ArgumentHelp(
            "The name the server metadata reports (GET /v2, ServerMetadata). Triton's example clients "
                + "(simple_*_health_metadata.py) expect 'triton'.", valueName: "name"))
    public var serverName: String = "swift-onnxruntime"

    /// The lowest level logged (`--log-level`).
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    public var logLevel: LogLevel = .info

    /// Triton's `--metrics-config` settings (`summary_latencies=true`, `summary_quantiles=0.5:0.05,...`).
    @Option(
        name: .customLong("metrics-config"),
        help: ArgumentHelp(
            "A metrics setting, as Triton's: summary_latencies=true, summary_quantiles=q:e,... (repeatable).",
            valueName: "key=value"))
    public var metricsConfig: [String] = []

    /// Triton's `--trace-config` settings (`mode=opentelemetry`, `opentelemetry,url=...`, `level=TIMESTAMPS`,
    /// `rate=N`, `count=N`).
    @Option(
        name: .customLong("trace-config"),
        help: ArgumentHelp(
            "A trace setting, as Triton's: level=TIMESTAMPS, rate=N, count=N, mode=opentelemetry, "
                + "opentelemetry,url=HOST:PORT/PATH, opentelemetry,resource=KEY=VALUE (repeatable).",
            valueName: "[mode,]key=value"))
    public var traceConfig: [String] = []

    /// Triton's `--cache-config` settings (`local,size=BYTES`): the response cache, used by the models whose
    /// configuration says `response_cache { enable: true }`.
    @Option(
        name: .customLong("cache-config"),
        help: ArgumentHelp(
            "The response cache, as Triton's flag: local,size=BYTES. Models opt in with response_cache { enable: "
                + "true } in config.pbtxt. Off by default.", valueName: "cache,key=value"))
    public var cacheConfig: [String] = []

    /// Triton's `--backend-config` settings (`onnxruntime,enable-global-threadpool=1`,
    /// `onnxruntime,intra_op_thread_count=N`, `onnxruntime,inter_op_thread_count=N`), and every model's defaults for
    /// the other ONNX Runtime `parameters` keys (`onnxruntime,execution_mode=1`, ...).
    @Option(
        name: .customLong("backend-config"),
        help: ArgumentHelp(
            "An ONNX Runtime setting, as Triton's flag: onnxruntime,enable-global-threadpool=1 runs every model on "
                + "one pair of shared thread pools; onnxruntime,intra_op_thread_count=N and "
                + "onnxruntime,inter_op_thread_count=N size them (or, without global pools, are the models' "
                + "default thread counts). The model parameters keys (onnxruntime,execution_mode=1, "
                + "onnxruntime,enable_mem_arena=0, ...) set every model's defaults. Repeatable.",
            valueName: "backend,key=value"))
    public var backendConfig: [String] = []

    /// Triton's verbose level (`--log-verbose`): 1 adds debug messages, 2 or more trace messages too.
    @Option(
        name: .customLong("log-verbose"),
        help: ArgumentHelp("Verbose logging, as Triton's flag: 1 for debug, 2 for trace too.", valueName: "level"))
    public var logVerbose: Int?

    /// Whether INFO messages are logged (`--log-info`, as Triton's flag).
    @Option(name: .customLong("log-info"), help: "Log INFO messages (true or false).")
    public var logInfo: Bool?

    /// Whether WARNING messages are logged (`--log-warning`, as Triton's flag).
    @Option(name: .customLong("log-warning"), help: "Log WARNING messages (true or false).")
    public var logWarning: Bool?

    /// Whether ERROR messages are logged (`--log-error`, as Triton's flag).
    @Option(name: .customLong("log-error"), help: "Log ERROR messages (true or false).")
    public var logError: Bool?

    /// The time stamp format (`--log-format`, as Triton's flag).
    @Option(name: .customLong("log-format"), help: "default or ISO8601.")
    public var logFormat: LogFormat = .default

    /// The bearer token the repository endpoints require (`--repository-token`).
    @Option(
        name: .customLong("repository-token"),
        help: "Require 'Authorization: Bearer TOKEN' on the repository endpoints (or set ORT_SERVE_REPOSITORY_TOKEN).")
    public var repositoryToken: String?

    /// Whether the repository endpoints are turned off (`--disable-repository-api`).
    @Flag(name: .customLong("disable-repository-api"), help: "Turn off the repository endpoints (index, load, unload).")
    public var disableRepositoryAPI = false

    /// Whether Triton's system shared memory extension is turned off (`--disable-shared-memory`).
    @Flag(
        name: .customLong("disable-shared-memory"),
        help: ArgumentHelp(
            "Turn off system shared memory (/v2/systemsharedmemory): clients on this machine can then no longer "
                + "make the server read and write POSIX shared memory objects."))
    public var disableSharedMemory = false

    /// Whether load requests may not send model files (`--disable-model-upload`).
    @Flag(
        name: .customLong("disable-model-upload"),
        help: ArgumentHelp(
            "Refuse model files sent with a load request (Triton's 'file:' load parameters, explicit mode): load "
                + "then serves only what is in the repository."))
    public var disableModelUpload = false

    /// Directories whose custom operator libraries models may load (`--allow-custom-op-libraries DIR`, repeatable).
    @Option(
        name: .customLong("allow-custom-op-libraries"),
        help: ArgumentHelp(
            "Let models load the custom operator libraries (model_operations { op_library_filename }) that lie in "
                + "DIR (repeatable). Off by default: a library is native code run inside the server (see "
                + "SECURITY.md).",
            valueName: "DIR"))
    public var allowCustomOpLibraries: [String] = []

    /// Creates the command with default options (ArgumentParser fills them in).
    public init() {}

    /// The model control modes, as command-line words.
    public enum ControlMode: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// Load every model at start.
        case none
        /// Load every model at start and rescan the repositories.
        case poll
        /// Load only the models asked for.
        case explicit
    }

    /// The log time stamp formats, as command-line words (Triton's).
    public enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// `2026-12-06T21:37:34+0000`.
        case `default`
        /// `2026-12-06T21:37:34.020Z`.
        case iso8601 = "ISO8601"
    }

    /// The log levels, as command-line words.
    public enum LogLevel: String, ExpressibleByArgument, CaseIterable, Sendable {
        /// Everything.
        case trace
        /// Debugging detail, such as every request.
        case debug
        /// Model loads, unloads and the server's life (the default).
        case info
        /// Notable events.
        case notice
        /// Problems the server recovered from.
        case warning
        /// Failed requests and models that failed to load.
        case error
        /// Only what stops the server.
        case critical
    }

    /// Checks the options before anything starts.
    public func validate() throws {
        _ = try executionProviders.libraries.parsedLibraries()
        _ = try executionProviders.parsedProviders()
        guard !repositories.isEmpty || !models.isEmpty || modelDirectory != nil else {
            throw ValidationError("give at least one --model-repository DIR, --model NAME=PATH or --model-dir PATH")
        }
        guard (0...65535).contains(httpPort) else { throw ValidationError("--http-port must be 0...65535") }
        guard (0...65535).contains(metricsPort) else { throw ValidationError("--metrics-port must be 0...65535") }
        if allowMetrics && metricsPort != 0 && metricsPort == httpPort {
            throw ValidationError(
                "--metrics-port and --http-port are both \(httpPort); give the metrics endpoint a port of its own "
                    + "or turn it off with --allow-metrics false")
        }
        guard (0...65535).contains(grpcPort) else { throw ValidationError("--grpc-port must be 0...65535") }
        if servesGRPC && grpcPort != 0 && grpcPort == httpPort {
            throw ValidationError("--grpc-port and --http-port must differ")
        }
        if servesGRPC && allowMetrics && grpcPort != 0 && grpcPort == metricsPort {
            throw ValidationError("--grpc-port and --metrics-port must differ")
        }
        guard pollSeconds > 0 else { throw ValidationError("--repository-poll-secs must be at least 1") }
        guard maxRequestSize > 0 else { throw ValidationError("--max-request-size must be positive") }
        guard maxTensorElements > 0 else { throw ValidationError("--max-tensor-elements must be positive") }
        guard maxQueueSize >= 0 else { throw ValidationError("--max-queue-size must be 0 or more") }
        guard requestTimeout >= 0, requestTimeout.isFinite else {
            throw ValidationError("--request-timeout must be 0 (none) or a positive number of seconds")
        }
        guard readTimeout >= 0, readTimeout.isFinite else {
            throw ValidationError("--read-timeout must be 0 (none) or a positive number of seconds")
        }
        guard (0...1_000_000).contains(busyPollMicroseconds ?? 0) else {
            throw ValidationError("--busy-poll-us must be between 0 (none) and 1000000 microseconds")
        }
        if !loadModels.isEmpty && controlMode != .explicit {
            throw ValidationError("--load-model needs --model-control-mode explicit")
        }
        if (tlsCertificate == nil) != (tlsPrivateKey == nil) {
            throw ValidationError("--tls-certificate and --tls-private-key go together")
        }
        if tlsClientCA != nil && tlsCertificate == nil {
            throw ValidationError("--tls-client-ca needs --tls-certificate and --tls-private-key")
        }
        do {
            _ = try MetricsConfiguration(settings: metricsConfig)
        } catch {
            throw ValidationError("--metrics-config: \(error.message)")
        }
        do {
            _ = try TraceConfiguration(settings: traceConfig)
        } catch {
            throw ValidationError("--trace-config: \(error.message)")
        }
        #if !OpenTelemetry
        if !traceConfig.isEmpty {
            throw ValidationError(
                "--trace-config: this ort was built without OpenTelemetry export; build it with "
                    + "--traits OpenTelemetry (or --enable-all-traits)")
        }
        #endif
        _ = try responseCacheConfiguration()
        _ = try backendConfiguration()
        if let logVerbose, logVerbose < 0 {
            throw ValidationError("--log-verbose must be 0 or more, got \(logVerbose)")
        }
        if disableRepositoryAPI && repositoryToken != nil {
            throw ValidationError("--repository-token and --disable-repository-api exclude each other")
        }
        _ = try singleModels()
        _ = try modelDirectoryLayout()
    }

    /// Runs the server until SIGTERM or SIGINT, then drains requests in progress and returns (exit status 0).
    public func run() async throws {
        let logSettings = self.logSettings()
        let logger = Logger(label: "ort.serve") { LiveLogHandler(label: $0, settings: logSettings) }
        let configuration = try serverConfiguration()
        // Without a usable runtime no model can load: say so once and stop, instead of serving nothing.
        let runtime: RuntimeLibrary.Info
        do {
            runtime = try RuntimeLibrary.load()
        } catch {
            throw CommandError(
                "cannot start the server: "
                    + error.message.split(whereSeparator: \.isNewline).joined(separator: " "))
        }
        logger.info("runtime loaded", metadata: ["runtime": "\(runtime)"])
        // Global thread pools belong to the environment, which exists once per process: made here, before any
        // model loads, so that a refusal stops the server instead of failing every model.
        do {
            try InferenceEngine.prepareEnvironment(for: configuration.serving.backend)
        } catch {
            throw CommandError("cannot start the server: --backend-config: \(error.message)")
        }
        // Plugin libraries after the environment exists with its pools: registering would otherwise create it.
        do {
            try executionProviders.libraries.registerLibraries()
        } catch {
            throw CommandError("cannot start the server: \(error)")
        }
        for (name, path) in try executionProviders.libraries.parsedLibraries() {
            logger.info("execution provider library registered", metadata: ["name": "\(name)", "path": "\(path)"])
        }
        for directory in repositories where !FileManager.default.fileExists(atPath: directory) {
            logger.warning("model repository does not exist (yet)", metadata: ["path": "\(directory)"])
        }
        if case .repository(let path)? = try modelDirectoryLayout() {
            logger.info("--model-dir holds a model repository", metadata: ["path": "\(path)"])
            if let modelName,
                !FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent(modelName))
            {
                logger.warning(
                    "--model-dir is a model repository with no folder named after --model-name",
                    metadata: ["path": "\(path)", "model-name": "\(modelName)"])
            }
        }
        try await InferenceServer(configuration: configuration, logger: logger, logSettings: logSettings).run()
        logger.info("stopped")
    }

    /// The server configuration these options describe.
    public func serverConfiguration(environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> ServerConfiguration
    {
        let limits = ServingLimits(
            maxRequestBytes: maxRequestSize, maxTensorElements: maxTensorElements, maxQueueSize: maxQueueSize,
            requestTimeout: requestTimeout > 0 ? .milliseconds(Int64((requestTimeout * 1000).rounded())) : nil)
        var roots = repositories
        var files = try singleModels()
        var directories: [String: String] = [:]
        switch try modelDirectoryLayout() {
        case .file(let path)?: files[modelName ?? ""] = path
        case .modelDirectory(let path)?: directories[modelName ?? ""] = path
        case .repository(let path)?: roots.append(path)
        case nil: break
        }
        var serving = ServingConfiguration(
            repositories: roots, models: files,
            controlMode: ModelControlMode(rawValue: controlMode.rawValue) ?? .none, startupModels: loadModels,
            pollInterval: .seconds(pollSeconds), limits: limits, strictReadiness: strictReadiness,
            serverName: serverName, modelDirectories: directories)
        serving.sharedMemoryEnabled = !disableSharedMemory
        serving.modelUploadEnabled = !disableModelUpload
        serving.responseCache = try responseCacheConfiguration()
        serving.backend = try backendConfiguration()
        serving.backend.executionProviders = try executionProviders.parsedProviders()
        for directory in allowCustomOpLibraries {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw ValidationError("--allow-custom-op-libraries '\(directory)' is not a directory")
            }
        }
        serving.customOpLibraryDirectories = allowCustomOpLibraries
        let access: RepositoryAccess
        if disableRepositoryAPI {
            access = .disabled
        } else if let token = repositoryToken ?? environment["ORT_SERVE_REPOSITORY_TOKEN"], !token.isEmpty {
            access = .token(token)
        } else {
            access = .open
        }
        var configuration = ServerConfiguration(
            host: host, port: httpPort, grpcPort: servesGRPC ? grpcPort : nil, serving: serving,
            repositoryAccess: access, metricsPort: allowMetrics ? metricsPort : nil,
            readTimeout: readTimeout > 0 ? .milliseconds(Int64((readTimeout * 1000).rounded())) : nil)
        configuration.busyPoll =
            if let busyPollMicroseconds { busyPollMicroseconds > 0 ? .microseconds(busyPollMicroseconds) : nil } else {
                ServerConfiguration.defaultBusyPoll
            }
        do {
            configuration.metrics = try MetricsConfiguration(settings: metricsConfig)
        } catch {
            throw ValidationError("--metrics-config: \(error.message)")
        }
        do {
            configuration.trace = try TraceConfiguration(settings: traceConfig)
        } catch {
            throw ValidationError("--trace-config: \(error.message)")
        }
        if let tlsCertificate, let tlsPrivateKey {
            do {
                configuration.tls = try ServerTLS(
                    certificateChainFile: tlsCertificate, privateKeyFile: tlsPrivateKey,
                    clientCertificateAuthorityFile: tlsClientCA)
            } catch {
                throw CommandError("cannot start the server: \(error)")
            }
        }
        return configuration
    }

    /// The response cache `--cache-config` describes, or `nil` without the option.
    func responseCacheConfiguration() throws -> ResponseCacheConfiguration? {
        guard !cacheConfig.isEmpty else { return nil }
        do {
            return try ResponseCacheConfiguration(settings: cacheConfig)
        } catch {
            throw ValidationError("--cache-config: \(error.message)")
        }
    }

    /// The server-wide ONNX Runtime settings `--backend-config` describes (the defaults without the option).
    func backendConfiguration() throws -> BackendConfiguration {
        do {
            return try BackendConfiguration(settings: backendConfig)
        } catch {
            throw ValidationError("--backend-config: \(error.message)")
        }
    }

    /// The `--model NAME=PATH` entries by name.
    func singleModels() throws -> [String: String] {
        var result: [String: String] = [:]
        for entry in models {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw ValidationError("--model expects NAME=PATH, got '\(entry)'")
            }
            guard ModelName.isValid(parts[0]) else {
                throw ValidationError(
                    "--model: '\(parts[0])' is not a valid model name (1-255 characters from A-Z a-z 0-9 _ - ., "
                        + "not starting with '.')")
            }
            guard result[parts[0]] == nil else { throw ValidationError("--model: '\(parts[0])' is given twice") }
            result[parts[0]] = parts[1]
        }
        return result
    }

    /// How `--model-dir` is laid out, checked against `--model-name`; `nil` without `--model-dir`.
    func modelDirectoryLayout() throws -> ModelDirectoryLayout? {
        guard let modelDirectory else {
            if modelName != nil { throw ValidationError("--model-name needs --model-dir PATH") }
            return nil
        }
        if let modelName, !ModelName.isValid(modelName) {
            throw ValidationError(
                "--model-name: '\(modelName)' is not a valid model name (1-255 characters from A-Z a-z 0-9 _ - ., "
                    + "not starting with '.')")
        }
        let layout: ModelDirectoryLayout
        do {
            layout = try ModelDirectoryLayout.detect(at: modelDirectory)
        } catch {
            throw ValidationError("--model-dir: \(error)")
        }
        switch layout {
        case .file, .modelDirectory:
            guard let modelName else {
                throw ValidationError(
                    "--model-dir \(modelDirectory) holds a single model: give the name to serve it under with "
                        + "--model-name NAME")
            }
            if models.contains(where: { $0.hasPrefix(modelName + "=") }) {
                throw ValidationError("--model-name '\(modelName)' is also given with --model; use another name")
            }
        case .repository:
            break
        }
        return layout
    }

    /// The log settings these options describe: `--log-level`, then Triton's `--log-*` flags over it. The server
    /// changes them while it runs through the logging extension.
    public func logSettings() -> LogSettings {
        var values = LogSettings.Values(minimumLevel: Logger.Level(rawValue: logLevel.rawValue) ?? .info)
        if let logVerbose { values.verboseLevel = max(0, logVerbose) }
        if let logInfo { values.info = logInfo }
        if let logWarning { values.warning = logWarning }
        if let logError { values.error = logError }
        values.format = logFormat == .iso8601 ? .iso8601 : .default
        return LogSettings(values)
    }
}
#endif
