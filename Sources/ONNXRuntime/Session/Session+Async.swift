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
/// back. It is retained (as the callback context) from `start` until the run is completed on a Dispatch thread.
///
/// ORT calls back on one of the session's own intra-op threads, so nothing Swift owns may be released there: if that
/// release were the last reference to the session, `ReleaseSession` would destroy the thread pool from inside one of
/// its own threads: a thread cannot join itself, so the pool is freed while that thread still runs in it (SIGFPE in
/// ORT's scheduler, failed assertions, heap corruption). The callback therefore only forwards ORT's plain pointers to a Dispatch thread,
/// which takes the reference, delivers the result and drops it.
final class PendingRun: @unchecked Sendable {
    // @unchecked: `outputs` is written by ORT on its thread before the callback and read only when the run is
    // completed; all other properties are immutable, and set before `start` hands the run to ORT. ORT's queueing orders
    // `start` before the callback, and the callback before the completion; ThreadSanitizer cannot see the first (ORT
    // is not instrumented), so that hand-off is annotated for it (CThreadSanitizer, no-ops in normal builds).
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

    /// What ORT's callback passes on: plain pointers, no Swift references.
    struct Completion: @unchecked Sendable {
        // @unchecked: raw pointers handed from ORT's thread to the completing thread, each used by one thread at a time.
        let context: UnsafeMutableRawPointer
        let outputs: UnsafeMutablePointer<OpaquePointer?>?
        let count: Int
        let status: OpaquePointer?
    }

    /// Called by ORT on one of the session's intra-op threads when the run has finished. It must not touch, retain or
    /// release any Swift object (see the type's documentation): it only queues the completion.
    static let callback: OrtRunAsyncCallback = { context, outputs, count, status in
        guard let context else { return }
        CThreadSanitizer_acquire(context)  // pairs with the release in `start`
        let completion = Completion(context: context, outputs: outputs, count: count, status: status)
        CThreadSanitizer_release(context)  // pairs with the acquire in `complete`
        DispatchQueue.global().async { PendingRun.complete(completion) }
    }

    /// Completes a run off ORT's threads: takes the reference `start` gave ORT, delivers the result, and drops the
    /// reference here, where releasing the session (if this was the last reference) is safe.
    static func complete(_ completion: Completion) {
        CThreadSanitizer_acquire(completion.context)
        let run = Unmanaged<PendingRun>.fromOpaque(completion.context).takeRetainedValue()
        let deliver = run.takeDelivery()
        let session = run.session
        if let status = completion.status {
            // On failure ORT may still have filled some outputs; release them.
            for index in 0..<completion.count {
                if let value = completion.outputs?[index] { session.api.table.pointee.ReleaseValue(value) }
            }
            deliver?(.failure(session.runError(status)))
        } else {
            deliver?(
                .success(
                    session.wrapOutputs(
                        UnsafeBufferPointer(start: completion.outputs, count: completion.count), run.plan.selection)))
        }
    }
}
