#if Server
import Dispatch
import ONNXRuntime

/// The deadlines of the requests in progress, with one timer for all of them: when a deadline passes, the request's
/// ``RequestCancellation`` is cancelled with ``RequestCancellation/Reason/timedOut(_:)``.
///
/// A request registers when it starts and removes itself when it ends (a dictionary insert and remove under a
/// lock). The timer sleeps until the earliest deadline in progress and is armed again only for an earlier one, so
/// under steady traffic with one timeout it wakes about once per timeout period, not once per request.
///
/// The timer is a Dispatch timer on a queue of its own, not a task: it must fire even when every thread that runs
/// tasks is busy running a model (short runs execute on the request's thread, see ``ModelInstance``).
final class RequestDeadlines: Sendable {
    /// The deadlines of the whole process.
    static let shared = RequestDeadlines()

    private struct Entry: Sendable {
        let deadline: UInt64
        let timeout: Duration
        let cancellation: RequestCancellation
    }

    // DispatchWorkItem is not marked Sendable, but `cancel()` (the only call made on it after it is queued) may be
    // made from any thread.
    private struct Armed: @unchecked Sendable {
        let deadline: UInt64
        let generation: UInt64
        let item: DispatchWorkItem
    }

    private struct State: Sendable {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var generation: UInt64 = 0
        var armed: Armed?
    }

    private let state = Locked(State())
    private let queue = DispatchQueue(label: "onnxruntime.serving.deadlines")

    init() {}

    /// The number of requests with a deadline in progress.
    var count: Int { state.withLock { $0.entries.count } }

    /// Registers a request whose time is up `timeout` from now; remove it with ``remove(_:)`` when it ends.
    /// - Returns: The registration, for ``remove(_:)``.
    func add(_ cancellation: RequestCancellation, timeout: Duration) -> UInt64 {
        let deadline = MonotonicClock.now &+ Self.nanoseconds(timeout)
        return state.withLock { state in
            state.nextID &+= 1
            let id = state.nextID
            state.entries[id] = Entry(deadline: deadline, timeout: timeout, cancellation: cancellation)
            if state.armed.map({ deadline < $0.deadline }) ?? true {
                arm(deadline, &state)
            }
            return id
        }
    }

    /// Removes a request that ended.
    func remove(_ id: UInt64) {
        state.withLock { _ = $0.entries.removeValue(forKey: id) }
    }

    /// A non-negative duration in nanoseconds, at most `UInt64.max / 2` (so a deadline never wraps around).
    private static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        let limit = UInt64.max / 2
        guard seconds >= 0 else { return 0 }
        guard UInt64(seconds) < limit / 1_000_000_000 else { return limit }
        return UInt64(seconds) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Starts a timer for `deadline`, replacing the armed one.
    private func arm(_ deadline: UInt64, _ state: inout State) {
        state.armed?.item.cancel()
        state.generation &+= 1
        let generation = state.generation
        let item = DispatchWorkItem { [self] in expire(generation) }
        queue.asyncAfter(deadline: DispatchTime(uptimeNanoseconds: deadline), execute: item)
        state.armed = Armed(deadline: deadline, generation: generation, item: item)
    }

    /// Cancels the requests whose deadline has passed and arms the timer for the earliest one left.
    private func expire(_ generation: UInt64) {
        let expired = state.withLock { state -> [Entry] in
            guard state.armed?.generation == generation else { return [] }
            state.armed = nil
            let now = MonotonicClock.now
            var expired: [Entry] = []
            var earliest: UInt64?
            for (id, entry) in state.entries {
                if entry.deadline <= now {
                    expired.append(entry)
                    state.entries[id] = nil
                } else {
                    earliest = min(earliest ?? entry.deadline, entry.deadline)
                }
            }
            if let earliest { arm(earliest, &state) }
            return expired
        }
        for entry in expired {
            entry.cancellation.cancel(.timedOut(entry.timeout))
        }
    }
}
#endif
