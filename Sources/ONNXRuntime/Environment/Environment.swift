import CONNXRuntime
import Logging

/// The process-wide ONNX Runtime environment: logging and the shared state every session uses.
///
/// ORT keeps one environment per process. It is created on first use with default settings (warnings and above,
/// forwarded to a swift-log `Logger` labelled `onnxruntime`). To choose other settings, call
/// ``configure(logLevel:logID:logger:threadPools:)`` before creating the first session. That is also where
/// global thread pools, shared by sessions, are set up (see ``GlobalThreadPools``).
///
/// ```swift
/// try Environment.configure(logLevel: .info, logger: Logger(label: "my-app.onnxruntime"))
/// ```
public final class Environment: Sendable {
    // OrtEnv is internally synchronised by ORT; the handle itself never changes.
    nonisolated(unsafe) let handle: OpaquePointer
    let api: API
    /// The log level the environment was created with.
    public let initialLogLevel: LogLevel
    /// The log identifier the environment was created with.
    public let logID: String
    /// The global thread pools the environment was created with, or `nil` if it has none (every session then has
    /// pools of its own). Sessions share them when ``SessionOptions/usesGlobalThreadPools`` is set.
    public let threadPools: GlobalThreadPools?
    private let sink: LogSink
    /// Registered plugin execution provider libraries and their users.
    let executionProviderRegistry = Locked(ExecutionProviderRegistry())

    private static let current = Locked<Environment?>(nil)

    private init(
        api: API, logLevel: LogLevel, logID: String, logger: Logger, threadPools: GlobalThreadPools? = nil
    ) throws(ORTError) {
        let sink = LogSink(logger)
        var handle: OpaquePointer?
        if let threadPools {
            try threadPools.validate()
            let table = api.table.pointee
            var options: OpaquePointer?
            try api.check(table.CreateThreadingOptions(&options))
            defer { table.ReleaseThreadingOptions(options) }
            try threadPools.apply(to: options!, api: api)
            do {
                try api.check(
                    table.CreateEnvWithCustomLoggerAndGlobalThreadPools(
                        LogSink.callback, sink.context, logLevel.raw, logID, options, &handle))
            } catch {
                throw error.context("cannot create the environment with global thread pools (\(threadPools))")
            }
        } else {
            try api.check(
                api.table.pointee.CreateEnvWithCustomLogger(
                    LogSink.callback, sink.context, logLevel.raw, logID, &handle))
        }
        self.handle = handle!
        self.api = api
        self.initialLogLevel = logLevel
        self.logID = logID
        self.threadPools = threadPools
        self.sink = sink
    }

    // The environment lives for the rest of the process once created (sessions and ORT's own threads refer to it),
    // so it is intentionally never released.

    /// The environment, created with default settings if ``configure(logLevel:logID:logger:threadPools:)`` was not called.
    /// - Throws: ``ORTError/Code/runtimeNotFound`` if the runtime cannot be loaded.
    public static var shared: Environment {
        get throws(ORTError) {
            try current.withLock { (environment: inout Environment?) throws(ORTError) -> Environment in
                if let environment { return environment }
                let created = try Environment(
                    api: API.get(), logLevel: .warning, logID: "swift-onnxruntime",
                    logger: Logger(label: "onnxruntime"))
                environment = created
                return created
            }
        }
    }

    /// Creates the process-wide environment with the given settings.
    ///
    /// Call it once, before the first session. Calling it again with the same settings returns the existing
    /// environment; with different settings it throws, because ORT cannot change them afterwards (use
    /// ``setLogLevel(_:)`` to change the level).
    ///
    /// With `threadPools`, the environment owns one intra-op and one inter-op thread pool that every session created
    /// with ``SessionOptions/usesGlobalThreadPools`` shares, instead of each session starting threads of its own:
    ///
    /// ```swift
    /// try Environment.configure(threadPools: GlobalThreadPools(intraOpThreads: 4))
    /// var options = SessionOptions()
    /// options.usesGlobalThreadPools = true
    /// let session = try Session(path: "model.onnx", options: options)
    /// ```
    /// - Parameters:
    ///   - logLevel: The lowest severity ORT reports.
    ///   - logID: The identifier ORT puts in its log messages.
    ///   - logger: Where ORT's messages go.
    ///   - threadPools: Global thread pools for the sessions that opt in, or `nil` for none (the default).
    /// - Returns: The environment.
    /// - Throws: ``ORTError/Code/invalidArgument`` if an environment with other settings (other thread pools
    ///   included) already exists, or if `threadPools` has a negative thread count; an ``ORTError`` from ORT if it
    ///   refuses the pools (such as a malformed ``GlobalThreadPools/intraOpThreadAffinity``).
    ///
    /// The corresponding C functions are `CreateEnvWithCustomLogger` and, with thread pools,
    /// `CreateEnvWithCustomLoggerAndGlobalThreadPools`.
    @discardableResult
    public static func configure(
        logLevel: LogLevel = .warning, logID: String = "swift-onnxruntime",
        logger: Logger = Logger(label: "onnxruntime"), threadPools: GlobalThreadPools? = nil
    ) throws(ORTError) -> Environment {
        try threadPools?.validate()
        return try current.withLock { (environment: inout Environment?) throws(ORTError) -> Environment in
            if let existing = environment {
                guard existing.initialLogLevel == logLevel, existing.logID == logID else {
                    throw ORTError(
                        .invalidArgument,
                        "the ONNX Runtime environment already exists (log level \(existing.initialLogLevel), id "
                            + "'\(existing.logID)'); configure it before the first session, or use setLogLevel(_:)")
                }
                guard existing.threadPools == threadPools else {
                    throw ORTError(
                        .invalidArgument,
                        "the ONNX Runtime environment already exists with "
                            + (existing.threadPools.map { "global thread pools (\($0))" } ?? "no global thread pools")
                            + ", not " + (threadPools.map { "global thread pools (\($0))" } ?? "none")
                            + "; ORT cannot change them: configure the environment once, before the first session")
                }
                return existing
            }
            let created = try Environment(
                api: API.get(), logLevel: logLevel, logID: logID, logger: logger, threadPools: threadPools)
            environment = created
            return created
        }
    }

    /// Changes the lowest severity ORT reports from now on.
    ///
    /// The corresponding C function is `UpdateEnvWithCustomLogLevel`.
    public func setLogLevel(_ level: LogLevel) throws(ORTError) {
        try api.check(api.table.pointee.UpdateEnvWithCustomLogLevel(handle, level.raw))
    }
}
