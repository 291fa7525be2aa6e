import Foundation
import Testing

@testable import ONNXRuntime

/// Run options (tag, log level, config entries, termination) and one session shared by concurrent runs.
@Suite struct RunOptionsTests {
    let x = try! Tensor<Float>([Float](repeating: 0.01, count: 64))

    @Test func settingsAreApplied() throws {
        let options = try RunOptions(
            tag: "request-42", logSeverity: .error, logVerbosity: 0,
            configEntries: ["memory.enable_memory_arena_shrinkage": "cpu:0"])
        #expect(options.tag == "request-42")
        #expect(options.logSeverity == .error)
        #expect(try options.configEntry("memory.enable_memory_arena_shrinkage") == "cpu:0")
        #expect(try options.configEntry("not.set") == nil)
        let session = try Session(path: Fixtures.model("bad_shape"))
        let y = try session.run(["x": try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])], options: options)
        #expect(try y.tensor("y", of: Float.self).scalars == [3, 6, 9, 12, 15, 18])
    }

    @Test func terminatedOptionsRefuseToRunUntilReset() throws {
        let session = try Session(path: Fixtures.model("slow_loop"))
        let options = try RunOptions()
        options.terminate()
        #expect {
            _ = try session.run(["iterations": try Tensor<Int64>(scalar: 3), "x": x], options: options)
        } throws: { error in
            (error as! ORTError).code == .cancelled
        }
        options.unsetTerminate()
        let y = try session.run(["iterations": try Tensor<Int64>(scalar: 3), "x": x], options: options)
        #expect(try y.tensor("y", of: Float.self).shape == [64, 64])
    }

    @Test func terminateStopsARunMidway() throws {
        let session = try Session(path: Fixtures.model("slow_loop"), options: SessionOptions(intraOpThreads: 1))
        let options = try RunOptions(tag: "long")
        // Several million iterations would take minutes; termination must end the run long before.
        let iterations = try Tensor<Int64>(scalar: 5_000_000)
        let outcome = Locked<Result<RunOutputs, ORTError>?>(nil)
        let finished = DispatchSemaphore(value: 0)
        let start = Date()
        let thread = Thread { [x] in
            let result = Result { () throws(ORTError) in
                try session.run(["iterations": iterations, "x": x], options: options)
            }
            outcome.withLock { $0 = result }
            finished.signal()
        }
        thread.start()
        Thread.sleep(forTimeInterval: 0.3)
        options.terminate()
        #expect(finished.wait(timeout: .now() + 30) == .success)
        let elapsed = Date().timeIntervalSince(start)
        let result = try #require(outcome.withLock { $0 })
        guard case .failure(let error) = result else {
            Issue.record("the run finished instead of being terminated")
            return
        }
        #expect(error.code == .cancelled)
        #expect(error.message.contains("terminated"))
        #expect(elapsed < 20)
    }

    @Test func oneSessionServesManyConcurrentRuns() async throws {
        let session = try Session(path: Fixtures.model("add_f32"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for task in 0..<16 {
                group.addTask {
                    for iteration in 0..<50 {
                        let base = Float(task * 1000 + iteration)
                        let a = try Tensor<Float>([base, base + 1, base + 2], shape: [1, 3])
                        let b = try Tensor<Float>([1, 10, 100], shape: [1, 3])
                        let c = try session.run(["A": a, "B": b]).tensor("C", of: Float.self).scalars
                        #expect(c == [base + 1, base + 11, base + 102])
                    }
                }
            }
            try await group.waitForAll()
        }
    }
}
