import CONNXRuntime
import Foundation
import Logging

/// How a ``Session`` is built: optimisation, threading, memory, profiling, execution providers and more.
///
/// A plain value: make one, change what you need, and pass it to a session. Nothing touches ORT until then.
///
/// ```swift
/// var options = SessionOptions(intraOpThreads: 2, optimization: .all)
/// options.freeDimensionOverrides["batch"] = 1
/// let session = try Session(path: "model.onnx", options: options)
/// ```
public struct SessionOptions: Sendable {
    /// How much ORT rewrites the graph before running it.
    public enum GraphOptimizationLevel: Int32, Sendable, Hashable, CaseIterable {
        /// No rewriting.
        case disabled = 0
        /// Semantics-preserving rewrites such as constant folding and redundant-node removal.
        case basic = 1
        /// Basic plus complex node fusions.
        case extended = 2
        /// Everything, including layout changes.
        case all = 99
    }

    /// Whether the operators of a graph run one after another or in parallel branches.
    public enum ExecutionMode: Int32, Sendable, Hashable {
        /// One operator at a time (each may use ``intraOpThreads`` threads).
        case sequential = 0
        /// Independent branches in parallel (uses ``interOpThreads`` threads).
        case parallel = 1
    }

    /// An execution provider to try before ORT's default CPU provider, with its options.
    ///
    /// Name a provider built into the runtime, or one from a plugin library registered with
    /// ``Environment/registerExecutionProviderLibrary(_:path:)`` (it then runs on all of that provider's devices);
    /// or choose devices from ``Environment/executionProviderDevices()`` with ``init(devices:options:)``.
    public struct ExecutionProvider: Sendable, Hashable {
        /// The provider's name, as listed by ``RuntimeLibrary/availableProviders`` (for example
        /// `XnnpackExecutionProvider`), its short name (`XNNPACK`), or a registered plugin provider's name
        /// (``ExecutionProviderDevice/executionProvider``).
        public var name: String
        /// Provider-specific options.
        public var options: [String: String]
        /// The devices to run on, when chosen explicitly; `nil` when the provider is named.
        public var devices: [ExecutionProviderDevice]?

        /// Describes a provider by name.
        /// - Parameters:
        ///   - name: A built-in provider's full or short name, or a registered plugin provider's name.
        ///   - options: Provider-specific options.
        public init(_ name: String, options: [String: String] = [:]) {
            self.name = name
            self.options = options
            self.devices = nil
        }

        /// Describes a provider by the devices it runs on: all must belong to the same execution provider.
        ///
        /// The corresponding C function is `SessionOptionsAppendExecutionProvider_V2`.
        /// - Parameters:
        ///   - devices: Devices from ``Environment/executionProviderDevices()``, of one execution provider.
        ///   - options: Provider-specific options; they override the devices' own
        ///     ``ExecutionProviderDevice/options``.
        public init(devices: [ExecutionProviderDevice], options: [String: String] = [:]) {
            self.name = devices.first?.executionProvider ?? ""
            self.options = options
            self.devices = devices
        }

        /// ORT's default CPU provider; always present, listed only for clarity.
        public static let cpu = ExecutionProvider("CPUExecutionProvider")
    }

    /// Graph optimisation level. Default: `.all`.
    public var optimization: GraphOptimizationLevel = .all
    /// Threads used inside one operator; 0 lets ORT choose (one per physical core).
    public var intraOpThreads: Int = 0
    /// Threads used across operators in `.parallel` mode; 0 lets ORT choose.
    public var interOpThreads: Int = 0
    /// Whether the session runs on the environment's global thread pools instead of starting pools of its own.
    /// Default: off.
    ///
    /// The environment must have been created with pools
    /// (``Environment/configure(logLevel:logID:logger:threadPools:)`` with a ``GlobalThreadPools``), and
    /// ``intraOpThreads`` and ``interOpThreads`` must stay 0: the pools' sizes are the environment's. Creating the
    /// session otherwise throws ``ORTError/Code/invalidArgument``.
    ///
    /// The corresponding C function is `DisablePerSessionThreads`.
    public var usesGlobalThreadPools: Bool = false
    /// Sequential or parallel execution. Default: `.sequential`.
    public var executionMode: ExecutionMode = .sequential
    /// Whether ORT plans memory once for repeated runs with the same shapes. Default: on.
    public var memoryPattern: Bool = true
    /// Whether the CPU provider uses a memory arena. Default: on.
    public var cpuMemoryArena: Bool = true
    /// When set, ORT records a profile; the file name starts with this prefix. See ``Session/endProfiling()``.
    public var profilingPrefix: String?
    /// When set, ORT writes the optimised model to this path while creating the session.
    public var optimizedModelPath: String?
    /// Fixed sizes for symbolic dimensions, by dimension name (such as `batch`).
    public var freeDimensionOverrides: [String: Int] = [:]
    /// Fixed sizes for symbolic dimensions, by denotation (such as `DATA_BATCH`).
    public var freeDimensionOverridesByDenotation: [String: Int] = [:]
    /// Session configuration entries (ORT's `session.*` keys).
    public var configEntries: [String: String] = [:]
    /// The lowest severity this session logs; `nil` uses the environment's.
    public var logSeverity: LogLevel?
    /// Verbosity of `.verbose` messages (only in ORT debug builds); `nil` leaves ORT's default.
    public var logVerbosity: Int?
    /// The identifier this session's log messages carry.
    public var logID: String?
    /// Where this session's ORT log messages go; `nil` uses the environment's logger.
    public var logger: Logger?
    /// Shared libraries of custom operators to register (`RegisterCustomOpsLibrary_V2`).
    public var customOperatorLibraries: [String] = []
    /// Execution providers in order of preference; the CPU provider is always the last resort.
    public var executionProviders: [ExecutionProvider] = []
    /// Lets ORT choose execution providers and devices by a policy (ORT 1.22+). Use it instead of naming
    /// ``executionProviders``, and not together with ``deviceSelector``.
    ///
    /// The corresponding C function is `SessionOptionsSetEpSelectionPolicy`.
    public var devicePolicy: DevicePolicy?
    /// Chooses execution provider devices with your own code while the session is created (ORT 1.22+). Use it
    /// instead of naming ``executionProviders``, and not together with ``devicePolicy``.
    ///
    /// The corresponding C function is `SessionOptionsSetEpSelectionPolicyDelegate`.
    public var deviceSelector: DeviceSelector?
    /// Whether the session records which execution provider each node was assigned to, for
    /// ``Session/executionProviderAssignments()`` (ORT 1.24+). Default: off.
    ///
    /// Sets the session configuration entry `session.record_ep_graph_assignment_info`.
    public var recordsExecutionProviderAssignments: Bool = false
    /// Whether to prefer deterministic kernels where a provider offers a choice.
    public var deterministicCompute: Bool = false
    /// Initializers to use instead of those stored in the model, by name.
    public var initializers: [String: Value] = [:]
    /// Contents of external-data files by the file name the model refers to, for models whose weights live in side
    /// files but are loaded from memory (``Session/init(modelData:options:prepackedWeights:)``). ORT 1.18+.
    public var externalDataFiles: [String: [UInt8]] = [:]

    /// Creates options; every argument is optional.
    /// - Parameters:
    ///   - intraOpThreads: Threads inside one operator; 0 lets ORT choose.
    ///   - interOpThreads: Threads across operators; 0 lets ORT choose.
    ///   - optimization: Graph optimisation level.
    ///   - executionMode: Sequential or parallel execution.
    public init(
        intraOpThreads: Int = 0, interOpThreads: Int = 0, optimization: GraphOptimizationLevel = .all,
        executionMode: ExecutionMode = .sequential
    ) {
        self.intraOpThreads = intraOpThreads
        self.interOpThreads = interOpThreads
        self.optimization = optimization
        self.executionMode = executionMode
    }

    /// Short names ORT's generic `SessionOptionsAppendExecutionProvider` accepts, by full provider name.
    static let providerShortNames: [String: String] = [
        "XnnpackExecutionProvider": "XNNPACK",
        "QNNExecutionProvider": "QNN",
        "SNPEExecutionProvider": "SNPE",
        "AzureExecutionProvider": "AZURE",
        "OpenVINOExecutionProvider": "OpenVINO",
        "VitisAIExecutionProvider": "VitisAI",
        "CoreMLExecutionProvider": "CoreML",
        "WebNNExecutionProvider": "WebNN",
        "WebGpuExecutionProvider": "WebGPU",
        "JsExecutionProvider": "JS",
    ]
}

/// An `OrtSessionOptions` built from ``SessionOptions``, plus what must outlive the session.
final class SessionOptionsHandle {
    let handle: OpaquePointer
    let api: API
    /// Keeps the per-session log sink alive for as long as ORT may call it.
    let logSink: LogSink?
    /// Keeps initializer values alive for as long as the session uses them.
    let initializers: [Value]
    /// Copies of in-memory external data files, alive as long as the session.
    private var externalBuffers: [UnsafeMutableRawBufferPointer] = []
    /// Keeps the plugin libraries whose devices the session may use registered as long as the session.
    var executionProviderLease: ExecutionProviderLease?
    /// Keeps a device selector alive as long as ORT may call it.
    var deviceSelectorBox: DeviceSelectorBox?
    /// Whether the session records its execution provider assignments.
    let recordsExecutionProviderAssignments: Bool
    /// The environment the options were made for.
    let environment: Environment

    init(_ options: SessionOptions, api: API, environment: Environment) throws(ORTError) {
        try Self.checkThreadPools(options, environment: environment)
        var handle: OpaquePointer?
        try api.check(api.table.pointee.CreateSessionOptions(&handle))
        self.handle = handle!
        self.api = api
        self.environment = environment
        self.recordsExecutionProviderAssignments = options.recordsExecutionProviderAssignments
        self.logSink = options.logger.map(LogSink.init)
        // ORT only accepts initializers over memory the caller owns; copy ORT-allocated tensors once.
        var initializers: [String: Value] = [:]
        for (name, value) in options.initializers {
            initializers[name] = try Self.userOwned(value, name: name)
        }
        self.initializers = Array(initializers.values)
        // From here on, deinit releases the handle if applying an option throws.
        try apply(options, initializers: initializers)
    }

    deinit {
        api.table.pointee.ReleaseSessionOptions(handle)
        for buffer in externalBuffers { buffer.deallocate() }
    }

    /// Refuses global thread pools the environment does not have, and per-session thread counts ORT would ignore.
    /// ORT itself fails late, with an internal assertion message, when the pools are missing.
    static func checkThreadPools(_ options: SessionOptions, environment: Environment) throws(ORTError) {
        guard options.intraOpThreads >= 0, options.interOpThreads >= 0 else {
            throw ORTError(.invalidArgument, "thread counts must be >= 0 (0 lets ONNX Runtime choose)")
        }
        guard options.usesGlobalThreadPools else { return }
        guard environment.threadPools != nil else {
            throw ORTError(
                .invalidArgument,
                "the session asks for global thread pools (usesGlobalThreadPools), but the ONNX Runtime environment "
                    + "has none: create it first with Environment.configure(threadPools: GlobalThreadPools(...))")
        }
        guard options.intraOpThreads == 0, options.interOpThreads == 0 else {
            throw ORTError(
                .invalidArgument,
                "a session on global thread pools cannot set its own thread counts (intra-op "
                    + "\(options.intraOpThreads), inter-op \(options.interOpThreads)): the pools' sizes are the "
                    + "environment's; leave them 0")
        }
    }

    /// The value itself if it wraps caller memory, else a copy in memory we own.
    static func userOwned(_ value: Value, name: String) throws(ORTError) -> Value {
        if value.owner != nil { return value }
        guard value.kind == .tensor, let elementType = value.elementType, elementType != .string else {
            throw ORTError(
                .invalidArgument, "initializer '\(name)' must be a numeric or bool tensor, not \(value.type.typeString)"
            )
        }
        let bytes = try value.rawBytes
        let memory = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
        memory.copyBytes(from: bytes)
        let owned = UnsafeMutableRawBufferPointer(rebasing: memory[0..<bytes.count])
        return try Value(
            bytesNoCopy: owned, elementType: elementType, shape: value.shape,
            deallocator: .custom({ $0.baseAddress?.deallocate() }))  // same base address as `memory`
    }

    private func apply(_ options: SessionOptions, initializers: [String: Value]) throws(ORTError) {
        let table = api.table.pointee
        try api.check(
            table.SetSessionGraphOptimizationLevel(
                handle, GraphOptimizationLevel(rawValue: UInt32(options.optimization.rawValue))))
        if options.usesGlobalThreadPools {
            try api.check(table.DisablePerSessionThreads(handle))
        } else {
            try api.check(table.SetIntraOpNumThreads(handle, Int32(clamping: options.intraOpThreads)))
            try api.check(table.SetInterOpNumThreads(handle, Int32(clamping: options.interOpThreads)))
        }
        try api.check(
            table.SetSessionExecutionMode(handle, ExecutionMode(rawValue: UInt32(options.executionMode.rawValue))))
        try api.check(options.memoryPattern ? table.EnableMemPattern(handle) : table.DisableMemPattern(handle))
        try api.check(options.cpuMemoryArena ? table.EnableCpuMemArena(handle) : table.DisableCpuMemArena(handle))
        if let prefix = options.profilingPrefix {
            try api.check(table.EnableProfiling(handle, prefix))
        }
        if let path = options.optimizedModelPath {
            try api.check(table.SetOptimizedModelFilePath(handle, path))
        }
        for (name, size) in options.freeDimensionOverrides.sorted(by: { $0.key < $1.key }) {
            guard size >= 0 else {
                throw ORTError(.invalidArgument, "free dimension '\(name)' override must be >= 0, got \(size)")
            }
            try api.check(table.AddFreeDimensionOverrideByName(handle, name, Int64(size)))
        }
        for (denotation, size) in options.freeDimensionOverridesByDenotation.sorted(by: { $0.key < $1.key }) {
            guard size >= 0 else {
                throw ORTError(.invalidArgument, "free dimension '\(denotation)' override must be >= 0, got \(size)")
            }
            try api.check(table.AddFreeDimensionOverride(handle, denotation, Int64(size)))
        }
        for (key, value) in options.configEntries.sorted(by: { $0.key < $1.key }) {
            try api.check(table.AddSessionConfigEntry(handle, key, value))
        }
        if options.recordsExecutionProviderAssignments {
            try api.require(24, for: "recording execution provider assignments")
            try api.check(table.AddSessionConfigEntry(handle, "session.record_ep_graph_assignment_info", "1"))
        }
        if let severity = options.logSeverity {
            try api.check(table.SetSessionLogSeverityLevel(handle, severity.rawValue))
        }
        if let verbosity = options.logVerbosity {
            try api.check(table.SetSessionLogVerbosityLevel(handle, Int32(clamping: verbosity)))
        }
        if let logID = options.logID {
            try api.check(table.SetSessionLogId(handle, logID))
        }
        if let logSink {
            try api.require(17, for: "a per-session logger")
            try api.check(table.SetUserLoggingFunction(handle, LogSink.callback, logSink.context))
        }
        if options.deterministicCompute {
            try api.require(17, for: "deterministic compute")
            try api.check(table.SetDeterministicCompute(handle, true))
        }
        for library in options.customOperatorLibraries {
            guard FileManager.default.fileExists(atPath: library) else {
                throw ORTError(.invalidArgument, "custom operator library '\(library)' does not exist")
            }
            do {
                try api.check(table.RegisterCustomOpsLibrary_V2(handle, library))
            } catch {
                throw error.context("cannot register custom operator library '\(library)'")
            }
        }
        try appendProviders(options)
        for (name, value) in initializers.sorted(by: { $0.key < $1.key }) {
            try api.check(table.AddInitializer(handle, name, value.handle))
        }
        try addExternalDataFiles(options.externalDataFiles)
    }

    private func addExternalDataFiles(_ files: [String: [UInt8]]) throws(ORTError) {
        guard !files.isEmpty else { return }
        try api.require(18, for: "external data files in memory")
        let entries = files.sorted { $0.key < $1.key }
        for (_, bytes) in entries {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(bytes.count, 1), alignment: 64)
            buffer.copyBytes(from: bytes)
            externalBuffers.append(buffer)
        }
        let names = entries.map { strdup($0.key) }
        defer { names.forEach { free($0) } }
        let namePointers = names.map { UnsafePointer($0) }
        let dataPointers: [UnsafeMutablePointer<CChar>?] = externalBuffers.map {
            $0.baseAddress!.assumingMemoryBound(to: CChar.self)
        }
        let lengths = entries.map { $0.value.count }
        try api.check(
            api.table.pointee.AddExternalInitializersFromFilesInMemory(
                handle, namePointers, dataPointers, lengths, entries.count))
    }
}
