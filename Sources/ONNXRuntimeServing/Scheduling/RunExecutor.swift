import Dispatch
import ONNXRuntime

/// Runs models on a thread pool of the server's own, never on the caller's thread: a synchronous ONNX Runtime `Run`
/// on a Dispatch thread, awaited without blocking. Cancelling the awaiting task terminates the run (through the
/// run's own `RunOptions`), and the call throws ``ORTError/Code/cancelled``.
///
/// Why not `Session.run` async (`RunAsync`): terminating a `RunAsync` run on a session with an intra-op thread pool
/// corrupted the heap in testing (a crash at process exit, about one run in two), while terminating a synchronous
/// `Run` did not. Timeouts terminate runs, so the server uses the synchronous path.
enum RunExecutor {
    private static let queue = DispatchQueue(label: "onnxruntime.serving.run", attributes: .concurrent)

    /// Runs `session` with `inputs`, computing `outputs`.
    static func run(_ session: Session, inputs: [String: Value], outputs: [String]) async throws(ORTError)
        -> RunOutputs
    {
        let options = try RunOptions()
        if Task.isCancelled { throw ORTError(.cancelled, "the request was cancelled before the run started") }
        let feeds: [String: any ValueConvertible] = inputs
        let result: Result<RunOutputs, ORTError> = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
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
