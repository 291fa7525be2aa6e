import Foundation
import Synchronization
import Testing

@testable import ONNXRuntime

/// `try await session.run(...)`: ORT's RunAsync, a caller that is never blocked, and cancellation.
@Suite struct AsyncRunTests {
    let x = try! Tensor<Float>([Float](repeating: 0.01, count: 64))

    @Test(arguments: [1, 2])
    func asyncRunGivesTheSameResults(intraOpThreads: Int) async throws {
        // With one intra-op thread ORT has no pool for RunAsync; the run then happens on a thread of ours.
        let session = try Session(
            path: Fixtures.model("multi_out"), options: SessionOptions(intraOpThreads: intraOpThreads))
        let x = try Tensor<Float>([1, 5, 3, 6, 2, 4], shape: [2, 3])
        let outputs = try await session.run(["x": x], outputs: ["argmax", "times2"])
        #expect(outputs.names == ["argmax", "times2"])
        #expect(try outputs.tensor("argmax", of: Int64.self).scalars == [1, 0])
        #expect(try outputs.tensor("times2", of: Float.self).scalars == [2, 10, 6, 12, 4, 8])
    }

    @Test func asyncRunReportsBadRequestsBeforeRunning() async throws {
        let session = try Session(path: Fixtures.model("bad_shape"))
        await #expect(throws: ORTError.self) {
            _ = try await session.run(["x": try Tensor<Int32>([1, 2, 3, 4, 5, 6], shape: [2, 3])])
        }
    }

    @Test func slowRunsDoNotBlockTheCallersThreads() async throws {
        let session = try Session(path: Fixtures.model("slow_loop"), options: SessionOptions(intraOpThreads: 2))
        let iterations = try Tensor<Int64>(scalar: 40_000)
        final class Ticker: Sendable {
            let ticks = Atomic<Int>(0)
            let done = Atomic<Bool>(false)
        }
        let state = Ticker()
        try await withThrowingTaskGroup(of: Void.self) { group in
            // More concurrent runs than the cooperative pool has threads (one per core here).
            for _ in 0..<4 {
                group.addTask { [x] in
                    let y = try await session.run(["iterations": iterations, "x": x])
                    #expect(try y.tensor("y", of: Float.self).shape == [64, 64])
                }
            }
            let ticker = Task {
                while !state.done.load(ordering: .relaxed) {
                    state.ticks.add(1, ordering: .relaxed)
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
            try await group.waitForAll()
            state.done.store(true, ordering: .relaxed)
            await ticker.value
        }
        // Four runs of tens of thousands of iterations take well over 50 ms; the ticker kept ticking meanwhile. Were the
        // runs holding the cooperative threads (two here), the ticker would get a thread only between runs: two or
        // three ticks. Other suites running in parallel also take those threads for a while (7 ticks in 8 s were seen
        // with 600 tests at once), so the bound is 5, still above what blocked threads allow.
        #expect(state.ticks.load(ordering: .relaxed) >= 5)
    }

    @Test(arguments: [1, 2])
    func cancellingTheTaskTerminatesTheRun(intraOpThreads: Int) async throws {
        let session = try Session(
            path: Fixtures.model("slow_loop"), options: SessionOptions(intraOpThreads: intraOpThreads))
        let iterations = try Tensor<Int64>(scalar: 5_000_000)  // minutes if left alone
        let start = ContinuousClock.now
        let task = Task { [x] in
            try await session.run(["iterations": iterations, "x": x], options: RunOptions(tag: "cancel-me"))
        }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let result = await task.result
        let elapsed = ContinuousClock.now - start
        guard case .failure(let error as ORTError) = result else {
            Issue.record("expected an ORTError, got \(result)")
            return
        }
        #expect(error.code == .cancelled)
        // Left alone the run takes many minutes; ended by cancellation it takes well under a second on a quiet
        // machine. The bound is loose because CI may run this under AddressSanitizer on a loaded machine (20 s was
        // seen there once).
        #expect(elapsed < .seconds(90))
    }

    /// A cancelled run whose session is dropped meanwhile: the last reference then goes away with ORT's callback,
    /// which must not release the session on ORT's own worker thread (that corrupted the heap before).
    @Test func cancelledRunsReleaseTheirSessionSafely() async throws {
        for _ in 0..<4 {
            let task = Task { [x] in
                let session = try Session(path: Fixtures.model("slow_loop"), options: SessionOptions(intraOpThreads: 2))
                return try await session.run(["iterations": try Tensor<Int64>(scalar: 1_000_000_000), "x": x])
            }
            try await Task.sleep(for: .milliseconds(150))
            task.cancel()
            guard case .failure(let error as ORTError) = await task.result else {
                Issue.record("expected the run to be cancelled")
                return
            }
            #expect(error.code == .cancelled)
        }
    }

    /// Many async runs whose session, inputs and options exist only inside the awaiting task, most of them cancelled
    /// mid-run: whoever drops the last reference to a session, it must not be ORT's callback thread (one of the
    /// session's own intra-op threads, whose pool ReleaseSession would destroy from inside). Before the fix this crashed
    /// the test process (SIGFPE, SIGABRT, heap corruption) in most runs of this test.
    @Test func asyncRunsWhoseSessionIsDroppedMeanwhileEndSafely() async throws {
        final class Sessions: Sendable {
            // Weak references, to wait until every session has been released (and ORT is done with it).
            let weak = Locked<[WeakSession]>([])
            struct WeakSession: @unchecked Sendable { weak var session: Session? }
            var alive: Int { weak.withLock { $0.filter { $0.session != nil }.count } }
        }
        let sessions = Sessions()
        for round in 0..<10 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<12 {
                    // Every third run finishes on its own; the others are cancelled while ORT runs them.
                    let iterations: Int64 = index.isMultiple(of: 3) ? 10 : 1_000_000_000
                    group.addTask { [x] in
                        let task = Task {
                            let session = try Session(
                                path: Fixtures.model("slow_loop"), options: SessionOptions(intraOpThreads: 2))
                            sessions.weak.withLock { $0.append(Sessions.WeakSession(session: session)) }
                            return try await session.run(
                                ["iterations": try Tensor<Int64>(scalar: iterations), "x": x],
                                options: RunOptions(tag: "dropped-\(round)-\(index)"))
                        }
                        try await Task.sleep(for: .milliseconds(10 + 5 * index))
                        task.cancel()
                        switch await task.result {
                        case .success(let outputs): #expect(outputs["y"] != nil)
                        case .failure(let error as ORTError): #expect(error.code == .cancelled)
                        case .failure(let error): Issue.record("unexpected error \(error)")
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        // The runs have returned; wait until every session is released too, so a crash shows up in this test.
        let deadline = ContinuousClock.now + .seconds(30)
        while sessions.alive > 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(sessions.alive == 0)
        #expect(sessions.weak.withLock { $0.count } == 120)
    }

    @Test func cancellingAlreadyCancelledTaskThrowsAtOnce() async throws {
        let session = try Session(path: Fixtures.model("bad_shape"))
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await session.run(["x": try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])])
        }
        let result = await task.result
        guard case .failure(let error as ORTError) = result else {
            Issue.record("expected cancellation, got \(result)")
            return
        }
        #expect(error.code == .cancelled)
    }
}
