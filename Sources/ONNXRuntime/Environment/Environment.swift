import CONNXRuntime
import Logging

/// The process-wide ONNX Runtime environment: logging and the shared state every session uses.
///
/// ORT keeps one environment per process. It is created on first use with default settings (warnings and above,
/// forwarded to a swift-log `Logger` labelled `onnxruntime`). To choose other settings, call
/// ``configure(logLevel:logID:logger:)`` before creating the first session.
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
    private let sink: LogSink

    private static let current = Locked<Environment?>(nil)

    private init(api: API, logLevel: LogLevel, logID: String, logger: Logger) throws(ORTError) {
        let sink = LogSink(logger)
        var handle: OpaquePointer?
        try api.check(
            api.table.pointee.CreateEnvWithCustomLogger(LogSink.callback, sink.context, logLevel.raw, logID, &handle))
        self.handle = handle!
        self.api = api
        self.initialLogLevel = logLevel
        self.logID = logID
        self.sink = sink
    }

    // The environment lives for the rest of the process once created (sessions and ORT's own threads refer to it),
    // so it is intentionally never released.

    /// The environment, created with default settings if ``configure(logLevel:logID:logger:)`` was not called.
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
    /// - Parameters:
    ///   - logLevel: The lowest severity ORT reports.
    ///   - logID: The identifier ORT puts in its log messages.
    ///   - logger: Where ORT's messages go.
    /// - Returns: The environment.
    /// - Throws: ``ORTError/Code/invalidArgument`` if an environment with other settings already exists.
    ///
    /// The corresponding C function is `CreateEnvWithCustomLogger`.
    @discardableResult
    public static func configure(
        logLevel: LogLevel = .warning, logID: String = "swift-onnxruntime",
        logger: Logger = Logger(label: "onnxruntime")
    ) throws(ORTError) -> Environment {
        try current.withLock { (environment: inout Environment?) throws(ORTError) -> Environment in
            if let existing = environment {
                guard existing.initialLogLevel == logLevel, existing.logID == logID else {
                    throw ORTError(
                        .invalidArgument,
                        "the ONNX Runtime environment already exists (log level \(existing.initialLogLevel), id "
                            + "'\(existing.logID)'); configure it before the first session, or use setLogLevel(_:)")
                }
                return existing
            }
            let created = try Environment(api: API.get(), logLevel: logLevel, logID: logID, logger: logger)
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
