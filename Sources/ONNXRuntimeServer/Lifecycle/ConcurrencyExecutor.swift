#if Server
import NIOCore
import NIOPosix
import Synchronization
import ONNXRuntimeServing

extension InferenceServer {
    /// Makes SwiftNIO's event loop threads Swift Concurrency's global executor, for a process whose main job is to
    /// serve.
    ///
    /// Without it, every request crosses threads four times: the event loop reads it, a thread of Swift's own pool
    /// runs the handler, the model's run thread runs the model, a pool thread resumes, and the event loop writes the
    /// response. With it, the handler runs on the event loop that read the request, so a request wakes two threads
    /// (the run thread and the event loop again) instead of four, which on a small machine is most of the server's
    /// own CPU time per request (`BENCHMARKS.md`, "Server").
    ///
    /// Call it once, from the main thread, before the process starts other tasks: `ort serve` calls it first thing.
    /// Only short runs execute on an event loop, inline, where a hand-off would cost more than the run; a model whose
    /// runs take longer runs on its instance's own thread, so I/O is not held up by it (see `ModelInstance`).
    /// - Returns: Whether the event loops took over (false if another executor hook was installed first).
    @discardableResult
    public static func useEventLoopsAsGlobalExecutor() -> Bool {
        guard NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor() else {
            return false
        }
        // A task resumes on the loop that resumes it; some requests that waited for a busy model are sent back to
        // their own loop instead (`WaiterResumption`), so that no loop serves others' requests for long while its
        // own connections go unread.
        EventLoopTaskExecutorSwitch.enabled.store(true, ordering: .relaxed)
        WaiterResumption.install {
            guard let loop = MultiThreadedEventLoopGroup.currentEventLoop else { return nil }
            return { body in
                if loop.inEventLoop { body() } else { loop.execute(body) }
            }
        }
        return true
    }
}
#endif
