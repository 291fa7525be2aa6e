import CONNXRuntime
import Dispatch

extension Session {
    /// Loads a model from a file without blocking the calling task's thread; cancelling the task cancels the load.
    ///
    /// ONNX Runtime loads the model on a thread of its own here, so a large model (or one that takes long to
    /// optimise) does not hold one of Swift concurrency's threads. Cancelling the calling task sets ORT's load
    /// cancellation flag: ORT stops at its next check (between graph transformations, for example) and the call
    /// throws ``ORTError/Code/cancelled``. A task already cancelled when the call starts throws at once, without
    /// loading anything. If the load finishes before ORT sees the flag, the session is returned.
    ///
    /// ```swift
    /// let loading = Task { try await Session.load(path: "large.onnx") }
    /// loading.cancel()  // ends the load early with ORTError.Code.cancelled
    /// ```
    /// - Parameters:
    ///   - path: The `.onnx` file. External data files are looked up beside it.
    ///   - options: How to build the session.
    ///   - prepackedWeights: A container shared with other sessions of the same model.
    /// - Returns: The loaded session.
    /// - Throws: ``ORTError/Code/cancelled`` if the task was cancelled before or during the load; the errors of
    ///   ``init(path:options:prepackedWeights:)`` otherwise; ``ORTError/Code/unsupported`` before ONNX Runtime 1.22.
    ///
    /// The corresponding C functions are `CreateSession` and `SessionOptionsSetLoadCancellationFlag`.
    public static func load(
        path: String, options: SessionOptions = SessionOptions(), prepackedWeights: PrepackedWeights? = nil
    ) async throws(ORTError) -> Session {
        try await load(.file(path), options: options, prepackedWeights: prepackedWeights, willLoad: nil)
    }

    /// Loads a model from its serialized bytes without blocking the calling task's thread; cancelling the task
    /// cancels the load.
    ///
    /// Behaves as ``load(path:options:prepackedWeights:)``.
    /// - Parameters:
    ///   - modelData: The contents of an `.onnx` file.
    ///   - options: How to build the session.
    ///   - prepackedWeights: A container shared with other sessions of the same model.
    /// - Returns: The loaded session.
    /// - Throws: ``ORTError/Code/cancelled`` if the task was cancelled before or during the load; the errors of
    ///   ``init(modelData:options:prepackedWeights:)`` otherwise; ``ORTError/Code/unsupported`` before ONNX Runtime
    ///   1.22.
    ///
    /// The corresponding C functions are `CreateSessionFromArray` and `SessionOptionsSetLoadCancellationFlag`.
    public static func load(
        modelData: [UInt8], options: SessionOptions = SessionOptions(), prepackedWeights: PrepackedWeights? = nil
    ) async throws(ORTError) -> Session {
        try await load(.bytes(modelData), options: options, prepackedWeights: prepackedWeights, willLoad: nil)
    }

    /// What an asynchronous load reads.
    enum LoadSource: Sendable {
        case file(String)
        case bytes([UInt8])

        var description: String {
            switch self {
            case .file(let path): "model file '\(path)'"
            case .bytes: "model data"
            }
        }
    }

    /// The asynchronous load; `willLoad` (for tests) is called on the loading thread just before ORT starts.
    static func load(
        _ source: LoadSource, options: SessionOptions, prepackedWeights: PrepackedWeights?,
        willLoad: (@Sendable () -> Void)?
    ) async throws(ORTError) -> Session {
        if Task.isCancelled {
            throw ORTError(.cancelled, "the task was cancelled before loading \(source.description) started")
        }
        switch source {
        case .file(let path): try checkModelFile(path)
        case .bytes(let bytes):
            guard !bytes.isEmpty else { throw ORTError(.invalidModel, "model data is empty (0 bytes)") }
        }
        let environment = try Environment.shared
        try environment.api.require(22, for: "cancellable loading")
        let load = try PendingLoad(
            source: source, options: options, environment: environment, prepackedWeights: prepackedWeights)
        let result: Result<Session, ORTError> = await withTaskCancellationHandler {
            await withResultHandOff { deliver in
                DispatchQueue.global().async {
                    willLoad?()
                    deliver(Result { () throws(ORTError) in try load.run() })
                }
            }
        } onCancel: {
            load.cancel()
        }
        return try result.get()
    }
}

/// One asynchronous load: the session options it loads with (whose cancellation flag the task's cancellation
/// handler sets) and what the load reads.
final class PendingLoad: @unchecked Sendable {
    // @unchecked: every property is immutable. The options handle is used by two threads at once only through
    // `SessionOptionsSetLoadCancellationFlag`, which ORT provides to be called while another thread loads with the
    // same options (the flag is atomic); `run` is called once, on the loading thread.
    let source: Session.LoadSource
    let optionsHandle: SessionOptionsHandle
    let environment: Environment
    let prepackedWeights: PrepackedWeights?

    init(
        source: Session.LoadSource, options: SessionOptions, environment: Environment,
        prepackedWeights: PrepackedWeights?
    ) throws(ORTError) {
        self.source = source
        self.optionsHandle = try SessionOptionsHandle(options, api: environment.api, environment: environment)
        self.environment = environment
        self.prepackedWeights = prepackedWeights
    }

    /// Asks ORT to stop loading at its next check.
    func cancel() {
        let api = environment.api
        if let status = api.table.pointee.SessionOptionsSetLoadCancellationFlag(optionsHandle.handle, true) {
            api.table.pointee.ReleaseStatus(status)  // only fails for a null handle; nothing to report
        }
    }

    /// Loads the model, blocking the calling thread.
    func run() throws(ORTError) -> Session {
        let api = environment.api
        let table = api.table.pointee
        var handle: OpaquePointer?
        let status: OpaquePointer?
        switch source {
        case .file(let path):
            if let prepackedWeights {
                status = table.CreateSessionWithPrepackedWeightsContainer(
                    environment.handle, path, optionsHandle.handle, prepackedWeights.handle, &handle)
            } else {
                status = table.CreateSession(environment.handle, path, optionsHandle.handle, &handle)
            }
        case .bytes(let bytes):
            status = bytes.withUnsafeBytes { raw in
                if let prepackedWeights {
                    return table.CreateSessionFromArrayWithPrepackedWeightsContainer(
                        environment.handle, raw.baseAddress, raw.count, optionsHandle.handle, prepackedWeights.handle,
                        &handle)
                }
                return table.CreateSessionFromArray(
                    environment.handle, raw.baseAddress, raw.count, optionsHandle.handle, &handle)
            }
        }
        do {
            try api.check(status)
        } catch {
            throw Session.loadError(error, source: source.description)
        }
        return try Session(
            adopting: handle!, api: api, environment: environment, optionsHandle: optionsHandle,
            prepackedWeights: prepackedWeights)
    }
}
