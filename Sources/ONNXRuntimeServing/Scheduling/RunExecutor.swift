import Dispatch
import ONNXRuntime

/// Runs models on threads of the server's own, never on the caller's thread: a synchronous ONNX Runtime `Run` on the
/// instance's serial Dispatch queue, awaited without blocking. Cancelling the awaiting task terminates the run
/// (through the run's own `RunOptions`), and the call throws ``ORTError/Code/cancelled``.
///
/// Each model instance has its own serial queue. Serial queues run on libdispatch's overcommitting thread pool, so a
/// long run never takes one of the few threads that Swift concurrency (and with it the request handling and the
/// timeouts) runs on; a concurrent queue or `DispatchQueue.global()` would.
///
/// Why not `Session.run` async (`RunAsync`): terminating a `RunAsync` run on a session with an intra-op thread pool
/// corrupted the heap in testing (a crash at process exit, about one run in two), while terminating a synchronous
/// `Run` did not. Timeouts terminate runs, so the server uses the synchronous path.
enum RunExecutor {
    /// A serial queue for one model instance.
    static func makeQueue(label: String) -> DispatchQueue {
        DispatchQueue(label: label)
    }

    /// Runs `session` with `inputs` on `queue`, computing `outputs`.
    /// - Parameter cancellation: The request's cancellation; when it is cancelled (its deadline, or the awaiting
    ///   task), the run is terminated. One of its own is used when `nil`, so task cancellation still terminates.
    static func run(
        _ session: Session, on queue: DispatchQueue, inputs: [String: Value], outputs: [String],
        cancellation: RequestCancellation? = nil
    ) async throws(ORTError) -> RunOutputs {
        let options = try RunOptions()
        let cancellation = cancellation ?? RequestCancellation()
        let feeds: [String: any ValueConvertible] = inputs
        let result: Result<RunOutputs, ORTError> = await cancellation.whileWaiting {
            // Checked after the terminate handler is in place: a cancellation from here on terminates the run (ONNX
            // Runtime checks the flag before it starts), and one before it is seen here.
            if cancellation.isCancelled {
                return .failure(ORTError(.cancelled, "the request was cancelled before the run started"))
            }
            return await withCheckedContinuation { continuation in
                queue.async {
                    continuation.resume(
                        returning: Result { () throws(ORTError) in
                            try session.run(feeds, outputs: outputs, options: options)
                        })
                }
            }
        } onCancel: {
            options.terminate()
        }
        return try result.get()
    }
}
