#if Server
import ONNXRuntime

/// The cancellation of one request, by its deadline (``RequestDeadlines``) or by its caller (task cancellation),
/// delivered to whatever the request is waiting on at that moment: its place in an instance queue, its batch, or an
/// ONNX Runtime run.
///
/// Why not a task group with a sleeping child per request: that costs two child tasks and a timer per request, each
/// waking another thread, which was a large part of the server's own CPU time per request. Here a request waits in
/// its own task, and one timer for the whole process ends the requests whose time is up.
final class RequestCancellation: Sendable {
    /// Why a request was cancelled.
    enum Reason: Sendable, Equatable {
        /// Its deadline passed; the timeout it had.
        case timedOut(Duration)
        /// Its task was cancelled (the client went away, the server is stopping a batch).
        case cancelled
    }

    private struct State: Sendable {
        var reason: Reason?
        var handler: (@Sendable () -> Void)?
    }

    private let state = Locked(State())

    init() {}

    /// Why the request was cancelled, or `nil` while it is not.
    var reason: Reason? { state.withLock { $0.reason } }

    /// Whether the request was cancelled.
    var isCancelled: Bool { reason != nil }

    /// Cancels the request (the first reason wins) and calls the handler of the wait in progress, if any.
    func cancel(_ reason: Reason) {
        let handler = state.withLock { state -> (@Sendable () -> Void)? in
            guard state.reason == nil else { return nil }
            state.reason = reason
            defer { state.handler = nil }
            return state.handler
        }
        handler?()
    }

    /// Runs `operation`, a wait that `onCancel` can end early; `onCancel` is called at most once, if the request is
    /// cancelled (or its task is) while `operation` runs, or at once if it already was.
    ///
    /// `operation` must check ``isCancelled`` under the same lock that `onCancel` takes before it starts to wait, so a
    /// cancellation that arrives just before the wait begins is not missed.
    func whileWaiting<T>(
        _ operation: () async throws -> T, onCancel: @escaping @Sendable () -> Void
    ) async rethrows -> T {
        let cancelledAlready = state.withLock { state -> Bool in
            guard state.reason == nil else { return true }
            state.handler = onCancel
            return false
        }
        if cancelledAlready { onCancel() }
        defer { state.withLock { $0.handler = nil } }
        return try await withTaskCancellationHandler(operation: operation) { self.cancel(.cancelled) }
    }
}
#endif
