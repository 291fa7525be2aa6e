#if Server
import ONNXRuntime

/// How a request that waited for a busy model instance gets back to its own thread, when the server says how.
///
/// A server that runs Swift tasks on its SwiftNIO event loops (`InferenceServer.useEventLoopsAsGlobalExecutor()`
/// in ONNXRuntimeServer) installs a finder that returns, on an event loop, a function that runs a closure on that loop.
/// A request that has to wait for an instance takes its loop's resumer with it, and the instance pool sends some
/// hand-offs back through it (see `InstancePool.release`), so that no loop runs other connections' requests for
/// long while its own sockets go unread. Without a finder (the default), waiters resume wherever the instance was
/// released.
package enum WaiterResumption {
    /// Runs a closure on one particular thread (an event loop), soon.
    package typealias Resumer = @Sendable (@escaping @Sendable () -> Void) -> Void

    /// Holds the finder in a class: a closure kept directly in a generic container gains a reabstraction thunk each
    /// time it is stored back through the container's `inout` access, and calling it grew slower with every request
    /// (seen here: throughput fell to a few hundred requests a second within seconds).
    private final class Finder: Sendable {
        let current: @Sendable () -> Resumer?
        init(_ current: @escaping @Sendable () -> Resumer?) { self.current = current }
    }

    private static let finder = Locked<Finder?>(nil)

    /// Sets how to reach the calling thread: `current` returns, on a thread the server runs tasks on, a function
    /// that runs a closure on that thread, and `nil` elsewhere. Set it before serving; a later call replaces it.
    package static func install(_ current: @escaping @Sendable () -> Resumer?) {
        let finder = Finder(current)
        Self.finder.withLock { $0 = finder }
    }

    /// The calling thread's resumer, if a finder was installed and finds one.
    static func current() -> Resumer? {
        finder.withLock { $0 }?.current()
    }
}
#endif
