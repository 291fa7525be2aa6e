#if Server
import Dispatch
import ONNXRuntime

/// Runs models on threads of the server's own: a synchronous ONNX Runtime `Run` on the instance's serial Dispatch
/// queue, awaited without blocking, or, for an instance whose runs are short, on the request's own thread (see
/// ``ModelInstance``). Cancelling the request terminates the run (through the run's own `RunOptions`), and the call
/// throws ``ORTError/Code/cancelled``.
///
/// Each model instance has its own serial queue. Serial queues run on libdispatch's overcommitting thread pool, so a
/// long run never takes one of the few threads that Swift concurrency (and with it the request handling and the
/// timeouts) runs on; a concurrent queue or `DispatchQueue.global()` would.
///
/// Why not `Session.run` async (`RunAsync`): terminating a `RunAsync` run on a session with an intra-op thread pool
/// corrupted the heap in testing (a crash at process exit, about one run in two), while terminating a synchronous
/// `Run` did not. Timeouts terminate runs, so the server uses the synchronous path.
enum RunExecutor {
    /// Runs `instance` with `inputs`, computing `outputs`: on the instance's serial queue, or on the caller's thread
    /// when its runs are short (``ModelInstance/runsInline``).
    /// - Parameter cancellation: The request's cancellation; when it is cancelled (its deadline, or the awaiting
    ///   task), the run is terminated. One of its own is used when `nil`, so task cancellation still terminates.
    static func run(
        _ instance: ModelInstance, inputs: [String: Value], outputs: [String],
        cancellation: RequestCancellation? = nil
    ) async throws(ORTError) -> RunOutputs {
        let options = try RunOptions(configEntries: instance.runConfigEntries)
        let cancellation = cancellation ?? RequestCancellation()
        let feeds: [String: any ValueConvertible] = inputs
        let inline = instance.runsInline && ModelInstance.beginInlineRun()
        defer { if inline { ModelInstance.endInlineRun() } }
        let result: Result<RunOutputs, ORTError> = await cancellation.whileWaiting {
            // Checked after the terminate handler is in place: a cancellation from here on terminates the run (ONNX
            // Runtime checks the flag before it starts), and one before it is seen here.
            if cancellation.isCancelled {
                return .failure(ORTError(.cancelled, "the request was cancelled before the run started"))
            }
            if inline { return timedRun(instance, feeds, outputs, options) }
            // The outputs are created on the queue's thread and read by this task: handed over through a lock that
            // ThreadSanitizer sees (withResultHandOff), since it does not see a continuation's resume on Linux.
            return await withResultHandOff { deliver in
                instance.queue.async {
                    deliver(timedRun(instance, feeds, outputs, options))
                }
            }
        } onCancel: {
            options.terminate()
        }
        return try result.get()
    }

    private static func timedRun(
        _ instance: ModelInstance, _ feeds: [String: any ValueConvertible], _ outputs: [String], _ options: RunOptions
    ) -> Result<RunOutputs, ORTError> {
        let start = MonotonicClock.now
        let result = Result { () throws(ORTError) in
            try instance.session.run(feeds, outputs: outputs, options: options)
        }
        instance.record(runNanoseconds: MonotonicClock.since(start))
        return result
    }
}
#endif
