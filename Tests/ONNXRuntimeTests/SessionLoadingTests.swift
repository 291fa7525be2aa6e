import Dispatch
import Foundation
import Synchronization
import Testing

@testable import ONNXRuntime

/// `try await Session.load(...)`: loading off the caller's thread, and cancelling a load through ORT's load
/// cancellation flag. The slow model is Tests/Models/Slow/slow_to_load.onnx (scripts/generate-slow-models.py): ORT
/// folds 160 products of 1024 x 1024 matrices while it loads it.
@Suite struct SessionLoadingTests {
    static let slowModel = Fixtures.root.appendingPathComponent("Tests/Models/Slow/slow_to_load.onnx").path

    /// The case file beside the slow model: y for x, computed with NumPy by the generator.
    static func slowCase() throws -> (x: [Float], y: [Float]) {
        let url = Fixtures.root.appendingPathComponent("Tests/Models/Slow/slow_to_load.json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let inputs = try #require(object["inputs"] as? [String: [Double]])
        let outputs = try #require(object["outputs"] as? [String: [Double]])
        return (try #require(inputs["x"]).map(Float.init), try #require(outputs["y"]).map(Float.init))
    }

    /// One intra-op thread: the constant folding then takes seconds, and the test shares the machine fairly.
    static let options = SessionOptions(intraOpThreads: 1)

    /// Resumes the waiting test when the loading thread reaches ORT (fired at most once per test).
    final class Signal: Sendable {
        private enum State {
            case idle
            case waiting(CheckedContinuation<Void, Never>)
            case fired
        }
        private let state = Mutex(State.idle)
        let count = Atomic<Int>(0)

        func wait() async {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { state in
                    if case .fired = state { return true }
                    state = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }

        func fire() {
            count.add(1, ordering: .relaxed)
            let waiting = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state = .fired }
                if case .waiting(let continuation) = state { return continuation }
                return nil
            }
            waiting?.resume()
        }
    }

    @Test func loadsAndRunsLikeTheSynchronousInitialiser() async throws {
        let (x, y) = try Self.slowCase()
        let session = try await Session.load(path: Self.slowModel, options: Self.options)
        #expect(session.inputs.map(\.name) == ["x"])
        let outputs = try await session.run(["x": try Tensor<Float>(x)])
        #expect(try outputs.tensor("y", of: Float.self).scalars == y)  // 0.5 + 2^-10, from NumPy
    }

    @Test func loadsFromBytes() async throws {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.model("add_f32"))))
        let session = try await Session.load(modelData: bytes)
        let a = try Tensor<Float>([-5.875, -6.5, -6.75, 4.875, 4.5, 4.5], shape: [2, 3])
        let b = try Tensor<Float>([-1.875, -4.375, -3.125, 4.625, 8.0, -0.375], shape: [2, 3])
        let c = try await session.run(["A": a, "B": b]).tensor("C", of: Float.self)
        #expect(c.scalars == [-7.75, -10.875, -9.875, 9.5, 12.5, 4.125])  // add_f32.json (NumPy)
    }

    @Test(.timeLimit(.minutes(2)))
    func cancellingTheTaskDuringTheLoadEndsItWithCancelled() async throws {
        // On a machine busy with the rest of the suite, this task may get its turn only after the seconds of
        // constant folding are over, and then the load has rightly finished: up to three tries, so that a load
        // that ignores its cancellation still fails the test.
        var outcome: Result<Session, any Error>?
        for _ in 0..<3 {
            let started = Signal()
            let loading = Task { () async throws(ORTError) -> Session in
                try await Session.load(.file(Self.slowModel), options: Self.options, prepackedWeights: nil) {
                    started.fire()
                }
            }
            // The loading thread has entered ORT (or is about to); cancel now, while ORT folds constants for seconds.
            await started.wait()
            loading.cancel()
            outcome = await loading.result.mapError { $0 }
            if case .failure = outcome { break }
        }
        guard case .failure(let error as ORTError) = outcome else {
            Issue.record("the load finished although its task was cancelled while it ran (three tries)")
            return
        }
        #expect(error.code == .cancelled)
        #expect(error.runtimeCode == .modelLoadCancelled)
        #expect(error.message.contains("slow_to_load.onnx"))

        // Nothing of the cancelled load remains: the same model loads again (each load has options of its own).
        // Without optimisation, so without the seconds of constant folding (loadsAndRunsLikeTheSynchronousInitialiser
        // loads it in full and checks its output).
        var quick = Self.options
        quick.optimization = .disabled
        let session = try await Session.load(path: Self.slowModel, options: quick)
        #expect(session.inputs.map(\.name) == ["x"])
        #expect(session.outputs.map(\.name) == ["y"])
    }

    @Test func cancellingJustBeforeOrtStartsEndsTheLoadAtOnce() async throws {
        // The loading thread waits until the task is cancelled, so ORT starts with the flag already set: the order
        // of events is fixed, whatever the machine's load.
        let started = Signal()
        let proceed = DispatchSemaphore(value: 0)
        let loading = Task { () async throws(ORTError) -> Session in
            try await Session.load(.file(Self.slowModel), options: Self.options, prepackedWeights: nil) {
                started.fire()
                proceed.wait()
            }
        }
        await started.wait()
        loading.cancel()  // runs the cancellation handler (sets ORT's flag) before returning
        proceed.signal()
        let result = await loading.result
        guard case .failure(let error as ORTError) = result else {
            Issue.record("the load finished although its task was cancelled first")
            return
        }
        #expect(error.code == .cancelled)
        #expect(error.runtimeCode == .modelLoadCancelled)
    }

    @Test func aTaskCancelledBeforeTheCallThrowsWithoutLoading() async throws {
        let started = Signal()
        let gate = Signal()
        let loading = Task { () async throws(ORTError) -> Session in
            await gate.wait()  // resumed only after the task is cancelled
            return try await Session.load(.file(Self.slowModel), options: Self.options, prepackedWeights: nil) {
                started.fire()
            }
        }
        loading.cancel()
        gate.fire()
        let result = await loading.result
        guard case .failure(let error as ORTError) = result else {
            Issue.record("a cancelled task loaded the model")
            return
        }
        #expect(error.code == .cancelled)
        #expect(error.runtimeCode == nil)  // refused by us, ORT never saw it
        #expect(started.count.load(ordering: .relaxed) == 0, "the loading thread was started")
    }

    @Test func badInputsAreRefusedBeforeLoading() async throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("missing.onnx").path
        await #expect { _ = try await Session.load(path: missing) } throws: {
            ($0 as? ORTError)?.code == .modelNotFound
        }
        let garbage = directory.appendingPathComponent("garbage.onnx")
        try Data("this is not a protobuf".utf8).write(to: garbage)
        await #expect { _ = try await Session.load(path: garbage.path) } throws: {
            ($0 as? ORTError)?.code == .invalidModel
        }
        await #expect { _ = try await Session.load(modelData: []) } throws: {
            ($0 as? ORTError)?.code == .invalidModel
        }
        await #expect { _ = try await Session.load(modelData: Array("junk".utf8)) } throws: {
            ($0 as? ORTError)?.code == .invalidModel
        }
        await #expect { _ = try await Session.load(path: directory.path) } throws: {
            ($0 as? ORTError)?.code == .modelNotFound
        }
    }
}
