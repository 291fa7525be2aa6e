#if Server
import ONNXRuntime

/// The instances (sessions) of one model version, handed out one request at a time, round-robin, with a bounded
/// queue of requests waiting for an instance.
///
/// A request that finds every instance busy waits in FIFO order; when ``maximumQueued`` requests already wait, it
/// is turned away at once (503). Cancelling a waiting request (a timeout) removes it from the queue.
final class InstancePool: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Int, any Error>
        let resumer: WaiterResumption.Resumer?
    }

    private struct State {
        var busy: [Bool]
        var cursor = 0
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0
        /// Instances handed straight from one request to a waiting one since the queue was last empty.
        var handOffs = 0

        mutating func takeFree() -> Int? {
            let count = busy.count
            for step in 0..<count {
                let index = (cursor + step) % count
                if !busy[index] {
                    busy[index] = true
                    cursor = (index + 1) % count
                    return index
                }
            }
            return nil
        }
    }

    /// The number of instances.
    let instanceCount: Int
    /// The most requests that may wait for an instance.
    let maximumQueued: Int
    private let state: Locked<State>

    init(instances: Int, maximumQueued: Int) {
        self.instanceCount = max(1, instances)
        self.maximumQueued = max(0, maximumQueued)
        self.state = Locked(State(busy: Array(repeating: false, count: max(1, instances))))
    }

    /// How many requests are waiting for an instance.
    var queuedCount: Int { state.withLock { $0.waiters.count } }

    /// How many instances are running a request.
    var busyCount: Int { state.withLock { $0.busy.filter { $0 }.count } }

    /// Waits for a free instance and returns its index; release it with ``release(_:)``.
    /// - Parameter cancellation: The request's cancellation; when it is cancelled while waiting, the request leaves
    ///   the queue. Task cancellation does the same.
    /// - Throws: ``QueueFull`` when the queue is full, `CancellationError` when the request is cancelled.
    func acquire(cancellation: RequestCancellation = RequestCancellation()) async throws -> Int {
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        return try await cancellation.whileWaiting {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                let immediate: Result<Int, any Error>? = state.withLock { state in
                    if let index = state.takeFree() { return .success(index) }
                    // Checked under the lock, so a cancellation that finds no waiter is seen here.
                    if cancellation.isCancelled { return .failure(CancellationError()) }
                    guard state.waiters.count < maximumQueued else { return .failure(QueueFull()) }
                    // Looked up only by a request that waits (the finder's lock is never held around this one's).
                    let resumer = WaiterResumption.current()
                    state.waiters.append(Waiter(id: id, continuation: continuation, resumer: resumer))
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: { [self] in
            let waiter = state.withLock { state -> Waiter? in
                guard let position = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: position)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Returns an instance: the longest-waiting request gets it, or it becomes free.
    ///
    /// The waiter is resumed from the releasing thread, which costs no thread switch, but in a server whose event
    /// loops run its tasks that also runs it on the releasing loop, and a SwiftNIO loop runs the tasks queued to it
    /// before it reads its sockets again: as long as requests kept waiting, one loop ran them all and its own
    /// connections went unread (REST at concurrency 32: p99 100–350 ms against a p50 of 4 ms). So in an unbroken
    /// chain of hand-offs every ``handOffsPerThreadSwitch``-th waiter is sent back to its own thread
    /// (``WaiterResumption``), and the releasing loop gets back to its connections.
    func release(_ index: Int) {
        let (next, switchThread) = state.withLock { state -> (Waiter?, Bool) in
            if state.waiters.isEmpty {
                state.busy[index] = false
                state.handOffs = 0
                return (nil, false)
            }
            state.handOffs += 1
            return (state.waiters.removeFirst(), state.handOffs % Self.handOffsPerThreadSwitch == 0)
        }
        guard let next else { return }
        if switchThread, let resumer = next.resumer {
            resumer { next.continuation.resume(returning: index) }
        } else {
            next.continuation.resume(returning: index)
        }
    }

    /// How many hand-offs of an unbroken chain resume on the releasing thread for one that goes back to the waiter's
    /// own. Every hand-off sent back would cost a thread switch each (measured: gRPC at concurrency 32 lost half its
    /// throughput); one in 16 bounds a loop's time away from its sockets to 16 runs.
    static let handOffsPerThreadSwitch = 16

    /// Thrown by ``acquire()`` when the queue is full.
    struct QueueFull: Error {}
}
#endif
