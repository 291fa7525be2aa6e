#if Server
import Dispatch
import Foundation
import ONNXRuntime
import Synchronization

/// One instance of a model version: its session, the serial queue its runs execute on, and how long its runs take.
///
/// A run handed to the queue costs two thread wake-ups (the queue's thread, then the request's thread again), which
/// on a small machine takes longer than a small model's whole run. So once an instance has measured its runs and
/// they average at most ``inlineRunLimit``, it runs them on the request's own thread instead. A model whose runs
/// grow past the limit goes back to its queue on the next run, and an instance whose runs are often longer than
/// ``slowRunLimit`` (a model whose run time depends on its inputs) never runs inline again, so slow models hold up the
/// threads that serve other requests only a few times. "Often" is at least two such runs and more than 1% of the
/// runs after the first ``runsBeforeInline``: the first runs are slow anyway (ONNX Runtime sets up its memory), and on
/// a busy machine a short run now and then waits for a core past the limit without the model being slow. Timeouts still terminate such a run: their timer does not
/// run on those threads (``RequestDeadlines``). And only ``inlineRunSlots`` runs may execute inline at once in the
/// whole process (one on a two-core machine), so even that one surprise never occupies every thread that serves
/// requests.
final class ModelInstance: Sendable {
    /// Runs shorter than this on average (in nanoseconds) execute on the request's thread: 200 µs.
    static let inlineRunLimit: UInt64 = 200_000
    /// Runs measured before an instance may run inline.
    static let runsBeforeInline = 8
    /// Runs longer than this (in nanoseconds), when they are frequent, keep the instance on its queue for good: 2 ms.
    static let slowRunLimit: UInt64 = 2_000_000

    /// How many runs may execute on request threads at the same time, process-wide: all cores but one, at least one.
    static let inlineRunSlots = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
    private static let inlineRunsInProgress = Atomic<Int>(0)

    /// Takes one of the ``inlineRunSlots`` for a run on the caller's thread, if one is free; give it back with
    /// ``endInlineRun()``.
    static func beginInlineRun() -> Bool {
        var current = inlineRunsInProgress.load(ordering: .relaxed)
        while current < inlineRunSlots {
            let (exchanged, original) = inlineRunsInProgress.compareExchange(
                expected: current, desired: current + 1, ordering: .acquiringAndReleasing)
            if exchanged { return true }
            current = original
        }
        return false
    }

    /// Gives back a slot taken with ``beginInlineRun()``.
    static func endInlineRun() {
        inlineRunsInProgress.subtract(1, ordering: .acquiringAndReleasing)
    }

    /// The session (one request at a time uses it; ``InstancePool`` sees to that).
    let session: Session
    /// The serial queue its runs execute on when they are not run inline.
    let queue: DispatchQueue
    /// The run config entries of every run (the model's `memory.enable_memory_arena_shrinkage`).
    let runConfigEntries: [String: String]
    private let averageRun = Atomic<UInt64>(0)
    private let runsMeasured = Atomic<Int>(0)
    private let runsCounted = Atomic<Int>(0)
    private let slowRuns = Atomic<Int>(0)
    private let hadSlowRuns = Atomic<Bool>(false)

    init(session: Session, label: String, runConfigEntries: [String: String] = [:]) {
        self.session = session
        self.queue = DispatchQueue(label: label)
        self.runConfigEntries = runConfigEntries
    }

    /// Whether the next run should execute on the caller's thread.
    var runsInline: Bool {
        runsMeasured.load(ordering: .relaxed) >= Self.runsBeforeInline
            && averageRun.load(ordering: .relaxed) <= Self.inlineRunLimit && !hadSlowRuns.load(ordering: .relaxed)
    }

    /// The average run time so far, in nanoseconds (an exponential moving average; 0 before the first run).
    var averageRunNanoseconds: UInt64 { averageRun.load(ordering: .relaxed) }

    /// Records how long a run took. Only one request runs an instance at a time, so plain loads and stores suffice.
    func record(runNanoseconds: UInt64) {
        let measured = runsMeasured.load(ordering: .relaxed)
        let average = averageRun.load(ordering: .relaxed)
        let next = measured == 0 ? runNanoseconds : average - average / 8 + runNanoseconds / 8
        averageRun.store(next, ordering: .relaxed)
        if measured < Self.runsBeforeInline { runsMeasured.store(measured + 1, ordering: .relaxed) }
        guard measured >= Self.runsBeforeInline else { return }
        let counted = runsCounted.load(ordering: .relaxed) + 1
        runsCounted.store(counted, ordering: .relaxed)
        var slow = slowRuns.load(ordering: .relaxed)
        if runNanoseconds > Self.slowRunLimit {
            slow += 1
            slowRuns.store(slow, ordering: .relaxed)
        }
        if slow >= 2, slow * 100 > counted { hadSlowRuns.store(true, ordering: .relaxed) }
    }
}
#endif
