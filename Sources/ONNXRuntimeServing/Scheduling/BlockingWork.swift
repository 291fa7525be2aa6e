import Dispatch

/// Runs blocking work (creating ONNX Runtime sessions, reading the repository) on a Dispatch thread, so the
/// cooperative thread pool that serves requests is never blocked.
enum BlockingWork {
    private static let queue = DispatchQueue(label: "onnxruntime.serving.blocking", attributes: .concurrent)

    /// Runs `work` off the cooperative pool and returns its result.
    static func run<T: Sendable, E: Error>(_ work: @escaping @Sendable () throws(E) -> T) async throws(E) -> T {
        let result: Result<T, E> = await withCheckedContinuation { continuation in
            queue.async {
                continuation.resume(returning: Result { () throws(E) -> T in try work() })
            }
        }
        return try result.get()
    }
}
