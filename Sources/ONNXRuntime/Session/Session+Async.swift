import CONNXRuntime
import CThreadSanitizer
import Dispatch

extension Session {
    /// Runs the model without blocking the calling thread.
    ///
    /// The run happens on one of ORT's intra-op threads (`RunAsync`); when the session has no intra-op thread pool
    /// (`intraOpThreads == 1`), it runs on a separate thread instead. Cancelling the calling task terminates the run
    /// through its run options, and the call throws ``ORTError/Code/cancelled``.
    /// - Parameters:
    ///   - inputs: Values by input name.
    ///   - outputNames: The outputs to compute, in order; `nil` computes all.
    ///   - options: Run options; their settings are copied so that cancelling this call terminates only this run.
    /// - Returns: The requested outputs.
    /// - Throws: The same errors as the synchronous ``run(_:outputs:options:)``.
    ///
    /// The corresponding C function is `RunAsync`.
    public func run(
        _ inputs: [String: any ValueConvertible], outputs outputNames: [String]? = nil, options: RunOptions? = nil
    ) async throws(ORTError) -> RunOutputs {
        let plan = try prepare(inputs, outputNames)
        let runOptions: RunOptions
        if let options { runOptions = try options.copy() } else { runOptions = try RunOptions() }
        if Task.isCancelled { throw ORTError(.cancelled, "the task was cancelled before the run started") }
        let pending = PendingRun(session: self, plan: plan, options: runOptions)
        let result: Result<RunOutputs, ORTError> = await withTaskCancellationHandler {
            await withResultHandOff { deliver in pending.start(deliver) }
        } onCancel: {
            runOptions.terminate()
        }
        return try result.get()
    }
}

/// One asynchronous run: owns the output array ORT fills and keeps inputs, names and options alive until ORT calls
/// back. It is retained (as the callback context) from `start` until the callback.
final class PendingRun: @unchecked Sendable {
    // @unchecked: `outputs` is written by ORT on its thread before the callback and read only in the callback; all
    // other properties are immutable, and set before `start` hands the run to ORT. ORT's queueing orders `start`
    // before the callback; ThreadSanitizer cannot see that (ORT is not instrumented), so the hand-off is annotated
    // for it (CThreadSanitizer, no-ops in normal builds).
    typealias Deliver = @Sendable (Result<RunOutputs, ORTError>) -> Void

    let session: Session
    let plan: Session.RunPlan
    let options: RunOptions
    let outputs: UnsafeMutablePointer<OpaquePointer?>
    private let delivery = Locked<Deliver?>(nil)

    init(session: Session, plan: Session.RunPlan, options: RunOptions) {
        self.session = session
        self.plan = plan
        self.options = options
        let count = max(plan.selection.positions.count, 1)
        outputs = .allocate(capacity: count)
        outputs.initialize(repeating: nil, count: count)
    }

    deinit {
        outputs.deallocate()
    }

    func start(_ deliver: @escaping Deliver) {
        delivery.withLock { $0 = deliver }
        let api = session.api
        let context = Unmanaged.passRetained(self).toOpaque()
        CThreadSanitizer_release(context)
        let status = plan.values.withUnsafeBufferPointer { values in
            plan.namePointers.withUnsafeBufferPointer { names in
                plan.selection.namePointers.withUnsafeBufferPointer { outputNames in
                    api.table.pointee.RunAsync(
                        session.handle, options.handle, names.baseAddress, values.baseAddress.map { UnsafePointer($0) },
                        values.count, outputNames.baseAddress, outputNames.count, outputs, PendingRun.callback, context)
                }
            }
        }
        guard let status else { return }  // ORT calls back later
        Unmanaged<PendingRun>.fromOpaque(context).release()
        let error = api.consume(status)
        if error.message.contains("intra op thread pool") {
            // No intra-op pool to run on: run synchronously on a thread of our own, so the caller still isn't blocked.
            DispatchQueue.global().async { [self] in
                let result = Result { () throws(ORTError) in
                    try session.run(plan, options: options)
                }
                finish(result)
            }
        } else {
            finish(.failure(error.context("run failed")))
        }
    }

    /// Takes the delivery, once: later calls get `nil`.
    func takeDelivery() -> Deliver? {
        delivery.withLock { value in
            defer { value = nil }
            return value
        }
    }

    func finish(_ result: Result<RunOutputs, ORTError>) {
        takeDelivery()?(result)
    }

    /// Where the callback drops its reference: never on ORT's own worker thread. If that reference were the last one
    /// to the session, ReleaseSession would tear down the intra-op pool from inside one of its own threads.
    static let releaseQueue = DispatchQueue(label: "swift-onnxruntime.async-run-release")

    static let callback: OrtRunAsyncCallback = { context, outputs, count, status in
        guard let context else { return }
        CThreadSanitizer_acquire(context)  // pairs with the release in `start`
        let run = Unmanaged<PendingRun>.fromOpaque(context).takeRetainedValue()
        let deliver = run.takeDelivery()
        let session = run.session
        if let status {
            // On failure ORT may still have filled some outputs; release them.
            for index in 0..<count { if let value = outputs?[index] { session.api.table.pointee.ReleaseValue(value) } }
            deliver?(.failure(session.runError(status)))
        } else {
            deliver?(
                .success(session.wrapOutputs(UnsafeBufferPointer(start: outputs, count: count), run.plan.selection)))
        }
        releaseQueue.async { withExtendedLifetime(run) {} }
    }
}
