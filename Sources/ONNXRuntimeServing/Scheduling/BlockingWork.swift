#if Server
import Dispatch

/// Runs blocking work (creating ONNX Runtime sessions, reading the repository) on a Dispatch thread, so the
/// cooperative thread pool that serves requests is never blocked.
///
/// Each call gets a serial queue of its own: serial queues use libdispatch's overcommitting threads, not the few
/// threads Swift concurrency runs on (which a concurrent queue or `DispatchQueue.global()` would take).
enum BlockingWork {
    /// Runs `work` off the cooperative pool and returns its result.
    static func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            DispatchQueue(label: "onnxruntime.serving.blocking").async {
                continuation.resume(returning: Result { () throws(E) -> T in try work() })
            }
        }
        return try result.get()
    }
}
#endif
