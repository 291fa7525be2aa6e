#if Server && Client
import Dispatch
import NIOCore
import NIOPosix
import Synchronization
import Testing

@testable import ONNXRuntimeServer

/// `EventLoopTaskExecutor`: a task that prefers it runs on its loop, through calls to nonisolated async functions and
/// through suspensions resumed on threads that are not event loops; one resumed by another loop goes on there. Only a
/// suspension costs a job.
@Suite("Event loop task executor")
struct EventLoopTaskExecutorTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
    }

    @inline(never)
    static func nonisolatedStep(_ value: Int) async -> Int {
        value + 1
    }

    @Test("runs on its loop (or the loop that resumed it), and calls into nonisolated async functions cost no job")
    func staysOnTheLoop() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)
        defer { group.shutdownGracefully { _ in } }
        let loop = group.next()
        let other = group.next()
        try #require(loop !== other)
        let jobs = Counter()
        let executor = EventLoopTaskExecutor(loop) { jobs.value.add(1, ordering: .relaxed) }
        let observed = try await Task(executorPreference: executor) { () async throws -> [Bool] in
            var onLoop = [loop.inEventLoop]
            var total = 0
            for step in 0..<20 {
                total = await Self.nonisolatedStep(total)
                if step % 5 == 0 { onLoop.append(loop.inEventLoop) }
            }
            #expect(total == 20)
            // A real suspension, resumed on a Dispatch thread: the task comes back to its loop. (Each resumption comes
            // 50 ms later, so the task has surely suspended: one resumed before would go on without a job.)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { continuation.resume() }
            }
            onLoop.append(loop.inEventLoop)
            try await Task.sleep(for: .milliseconds(5))
            onLoop.append(loop.inEventLoop)
            // Resumed by another loop (as a loop that releases a model instance resumes its waiter): the task goes on
            // there, and back to its own loop when a Dispatch thread resumes it next.
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                other.scheduleTask(in: .milliseconds(50)) { continuation.resume() }
            }
            onLoop.append(!loop.inEventLoop && other.inEventLoop)
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(50)) { continuation.resume() }
            }
            onLoop.append(loop.inEventLoop)
            return onLoop
        }.value
        #expect(observed == Array(repeating: true, count: observed.count))
        #expect(observed.count == 9)
        // The start and the four resumptions; the 20 calls took none.
        let count = jobs.value.load(ordering: .relaxed)
        #expect(count == 5, "jobs: \(count)")
    }

    @Test("a connection's starter starts plain tasks when the loops are not the global executor")
    func starterWhenSwitchedOff() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { group.shutdownGracefully { _ in } }
        let loop = group.next()
        // No test process makes the loops the global executor, so the switch is off: a plain task, not on the loop.
        try #require(!EventLoopTaskExecutor.isEnabled)
        do {
            var starter = ConnectionTaskStarter()
            let ran = Atomic<Bool>(false)
            let onLoop = Atomic<Bool>(true)
            await starter.start(on: loop) {
                ran.store(true, ordering: .relaxed)
                onLoop.store(loop.inEventLoop, ordering: .relaxed)
            }.value
            let (didRun, ranOnLoop) = (ran.load(ordering: .relaxed), onLoop.load(ordering: .relaxed))
            #expect(didRun)
            #expect(!ranOnLoop)
        }
    }
}
#endif
