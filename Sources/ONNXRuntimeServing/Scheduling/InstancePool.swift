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
    }

    private struct State {
        var busy: [Bool]
        var cursor = 0
        var waiters: [Waiter] = []
        var nextID: UInt64 = 0

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
                    state.waiters.append(Waiter(id: id, continuation: continuation))
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
    func release(_ index: Int) {
        let next = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                state.busy[index] = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.continuation.resume(returning: index)
    }

    /// Thrown by ``acquire()`` when the queue is full.
    struct QueueFull: Error {}
}
