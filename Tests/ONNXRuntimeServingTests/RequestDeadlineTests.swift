#if Server
import ONNXRuntime
import Testing

@testable import ONNXRuntimeServing

/// The per-request cancellation that replaced a task group per request: deadlines from one timer, waits in the
/// instance queue ended by a deadline or by task cancellation, and where an instance runs its models.
@Suite("Request deadlines, cancellation and run placement")
struct RequestDeadlineTests {
    /// Polls `condition` every 5 ms for up to `limit`.
    private func eventually(within limit: Duration = .seconds(30), _ condition: () -> Bool) async throws {
        let start = ContinuousClock.now
        while !condition(), ContinuousClock.now - start < limit {
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test("a deadline that passes cancels its request with its timeout; later and removed ones do not fire")
    func deadlines() async throws {
        let deadlines = RequestDeadlines()
        let late = RequestCancellation()
        let removed = RequestCancellation()
        let early = RequestCancellation()
        let lateID = deadlines.add(late, timeout: .seconds(600))  // arms the timer for 10 minutes
        let removedID = deadlines.add(removed, timeout: .milliseconds(30))
        deadlines.remove(removedID)
        let start = ContinuousClock.now
        _ = deadlines.add(early, timeout: .milliseconds(80))  // earlier than the armed one: the timer is re-armed
        try await eventually { early.isCancelled }
        let elapsed = ContinuousClock.now - start
        #expect(early.reason == .timedOut(.milliseconds(80)))
        #expect(elapsed >= .milliseconds(80))
        #expect(elapsed < .seconds(30))
        try await Task.sleep(for: .milliseconds(100))
        #expect(removed.reason == nil)
        #expect(late.reason == nil)
        #expect(deadlines.count == 1)  // the expired entry is gone, the late one stays
        deadlines.remove(lateID)
        #expect(deadlines.count == 0)
    }

    @Test("the first reason wins and later cancellations change nothing")
    func firstReasonWins() {
        let cancellation = RequestCancellation()
        #expect(!cancellation.isCancelled)
        cancellation.cancel(.timedOut(.seconds(3)))
        cancellation.cancel(.cancelled)
        #expect(cancellation.reason == .timedOut(.seconds(3)))
    }

    @Test("a request waiting for a busy instance leaves the queue when its deadline passes")
    func queuedRequestTimesOut() async throws {
        let pool = InstancePool(instances: 1, maximumQueued: 4)
        let held = try await pool.acquire()
        let deadlines = RequestDeadlines()
        let cancellation = RequestCancellation()
        let id = deadlines.add(cancellation, timeout: .milliseconds(50))
        await #expect(throws: CancellationError.self) { _ = try await pool.acquire(cancellation: cancellation) }
        deadlines.remove(id)
        #expect(cancellation.reason == .timedOut(.milliseconds(50)))
        #expect(pool.queuedCount == 0)
        pool.release(held)
        #expect(try await pool.acquire() == held)  // the instance is free again, nobody holds a stale place
    }

    @Test("a request cancelled before it starts to wait is refused at once, not queued")
    func cancelledBeforeWaiting() async throws {
        let pool = InstancePool(instances: 1, maximumQueued: 4)
        let held = try await pool.acquire()
        let cancellation = RequestCancellation()
        cancellation.cancel(.timedOut(.milliseconds(1)))
        await #expect(throws: CancellationError.self) { _ = try await pool.acquire(cancellation: cancellation) }
        #expect(pool.queuedCount == 0)
        pool.release(held)
    }

    @Test("cancelling the waiting task ends the wait too")
    func taskCancellation() async throws {
        let pool = InstancePool(instances: 1, maximumQueued: 4)
        let held = try await pool.acquire()
        let cancellation = RequestCancellation()
        let waiter = Task { try await pool.acquire(cancellation: cancellation) }
        try await eventually { pool.queuedCount == 1 }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { _ = try await waiter.value }
        #expect(cancellation.reason == .cancelled)
        #expect(pool.queuedCount == 0)
        pool.release(held)
    }

    @Test("an instance runs on its queue until 8 runs average at most 200 µs, and goes back when runs slow down")
    func runPlacement() throws {
        let session = try Session(path: TestFiles.model("add_f32"))
        let instance = ModelInstance(session: session, label: "test")
        #expect(!instance.runsInline)
        for _ in 0..<7 { instance.record(runNanoseconds: 20_000) }
        #expect(!instance.runsInline)  // 7 runs measured: not yet
        instance.record(runNanoseconds: 20_000)
        #expect(instance.runsInline)
        #expect(instance.averageRunNanoseconds == 20_000)
        // One 1.5 ms run moves the average by an eighth of the difference: 20 µs + (1500 - 20) / 8 µs = 205 µs.
        instance.record(runNanoseconds: 1_500_000)
        #expect(instance.averageRunNanoseconds == 20_000 - 2_500 + 187_500)
        #expect(!instance.runsInline)
        // Fast runs bring it back below 200 µs: 205 - 205/8 + 20/8 = 181.875 µs.
        instance.record(runNanoseconds: 20_000)
        #expect(instance.averageRunNanoseconds == 205_000 - 25_625 + 2_500)
        #expect(instance.runsInline)
    }

    @Test("runs longer than 2 ms, two and over 1% of the runs, keep an instance on its queue for good")
    func slowRunsAreSticky() throws {
        let session = try Session(path: TestFiles.model("add_f32"))
        let instance = ModelInstance(session: session, label: "test")
        for _ in 0..<8 { instance.record(runNanoseconds: 10_000) }
        #expect(instance.runsInline)
        // One slow run: back on the queue while the average is over 200 µs, then inline again.
        instance.record(runNanoseconds: 2_000_001)
        #expect(!instance.runsInline)
        for _ in 0..<30 { instance.record(runNanoseconds: 10_000) }
        #expect(instance.runsInline)
        // A second one within the first 100 counted runs (2 of 32 > 1%): on the queue for good.
        instance.record(runNanoseconds: 2_000_001)
        for _ in 0..<100 { instance.record(runNanoseconds: 10_000) }
        #expect(instance.averageRunNanoseconds < 200_000)
        #expect(!instance.runsInline)
    }

    @Test("a long first run, or a rare run that waited for a core, does not keep an instance on its queue")
    func rareSlowRunsAreNotSticky() throws {
        let session = try Session(path: TestFiles.model("add_f32"))
        let instance = ModelInstance(session: session, label: "test")
        // ONNX Runtime's first run sets up memory: 5 ms, then 7 runs of 10 µs; these 8 are not counted.
        instance.record(runNanoseconds: 5_000_000)
        for _ in 0..<7 { instance.record(runNanoseconds: 10_000) }
        // The average still carries the first run: 5000 µs, then 7 times x - x/8 + 10/8 µs.
        var average: UInt64 = 5_000_000
        for _ in 0..<7 { average = average - average / 8 + 1_250 }
        #expect(instance.averageRunNanoseconds == average)
        for _ in 0..<200 { instance.record(runNanoseconds: 10_000) }
        #expect(instance.runsInline)
        // 3 ms once after 200 counted runs and once after 400: 2 of 401, under 1%.
        instance.record(runNanoseconds: 3_000_000)
        for _ in 0..<199 { instance.record(runNanoseconds: 10_000) }
        instance.record(runNanoseconds: 3_000_000)
        for _ in 0..<40 { instance.record(runNanoseconds: 10_000) }
        #expect(instance.runsInline)
    }
}
#endif
