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
    static func run(_ session: Session, on queue: DispatchQueue, inputs: [String: Value], outputs: [String])
        async throws(ORTError) -> RunOutputs
    {
        let options = try RunOptions()
        if Task.isCancelled { throw ORTError(.cancelled, "the request was cancelled before the run started") }
        let feeds: [String: any ValueConvertible] = inputs
        // The outputs are created on the queue's thread and read by this task: handed over through a lock that
        // ThreadSanitizer sees (withResultHandOff), since it does not see a continuation's resume on Linux.
        let result: Result<RunOutputs, ORTError> = await withTaskCancellationHandler {
            await withResultHandOff { deliver in
                queue.async {
                    deliver(
                        Result { () throws(ORTError) in
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
