#if Server && Client
import Foundation
import ONNXRuntime
import ONNXRuntimeServing
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM while `ort serve` (the real executable) is busy: requests already accepted complete with correct results,
/// requests that come after are refused cleanly (connection refused or 503, never a broken answer), and the process
/// exits with 0.
@Suite("Faults: SIGTERM under load")
struct ShutdownUnderLoadTests {
    /// What happened to one request sent during the shutdown.
    enum Outcome: Sendable, Equatable {
        case answered(Int)
        case refused
    }

    @Test(
        "in-flight requests complete, later ones are refused, exit code 0",
        .enabled(if: ShutdownTests.ortExecutable != nil, "the ort executable is not built"),
        .timeLimit(.minutes(5)))
    func sigtermUnderLoad() async throws {
        let repository = try TemporaryRepository()
        try repository.add("slow", file: ServerFixtures.model("slow_loop"))
        try repository.add("m", file: ServerFixtures.model("identity_int32"))
        let server = try await ServeProcess.start([
            "--model-repository", repository.path, "--http-port", "0", "--grpc-port", "0", "--metrics-port",
            "0",
            "--log-level", "info",
        ])
        defer { server.stop() }
        let (process, collector, base) = (server.process, server.output, server.base)
        #expect(try await LiveHTTP.waitFor200("\(base)/v2/health/ready"), "\(collector.value)")

        // Three slow requests: one runs, two wait in the model's queue. All three are in flight at SIGTERM.
        let slow = (0..<3).map { _ in
            Task { try await LiveHTTP.send("POST", "\(base)/v2/models/slow/infer", body: ShutdownTests.slowBody) }
        }
        #expect(try await LiveHTTP.waitForRequestInFlight(base, model: "slow"))
        try await Task.sleep(for: .milliseconds(200))  // the other two reach the queue

        // A stream of small requests on fresh connections before, during and after the signal.
        let fastBody = Array(#"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[3,4,5,6,7,8]}]}"#.utf8)
        let outcomes = Locked<[Outcome]>([])
        // Stopped by a flag, not by cancelling the task: cancelling a task inside `URLSession.data(for:)` while the
        // request completes can deadlock Foundation on Linux (the task's status lock against the session's queue;
        // seen under ThreadSanitizer's timing).
        let stop = Atomic<Bool>(false)
        let stream = Task {
            while !stop.load(ordering: .relaxed) {
                let outcome: Outcome
                do {
                    let response = try await LiveHTTP.send(
                        "POST", "\(base)/v2/models/m/infer", body: fastBody, timeout: 10)
                    if response.status == 200 {
                        #expect(response.json["outputs"]?.arrayValue?.first?["data"] == .ints([3, 4, 5, 6, 7, 8]))
                    }
                    outcome = .answered(response.status)
                } catch {
                    outcome = .refused
                }
                outcomes.withLock { $0.append(outcome) }
                try? await Task.sleep(for: .milliseconds(20))
            }
        }
        // Signal once a small request has been served (not after a fixed time: on a loaded machine 300 ms passed
        // once without any answer).
        let served = ContinuousClock.now + .seconds(60)
        while !outcomes.withLock({ $0.contains(.answered(200)) }) && ContinuousClock.now < served {
            try await Task.sleep(for: .milliseconds(20))
        }
        kill(process.processIdentifier, SIGTERM)

        for request in slow {
            let response = try await request.value
            #expect(response.status == 200, "\(collector.value)")
            #expect(response.json["outputs"]?.arrayValue?.first?["shape"] == .ints([64, 64]))
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        try await Task.sleep(for: .milliseconds(300))  // a few more attempts against the closed port
        stop.store(true, ordering: .relaxed)
        _ = await stream.value

        #expect(!process.isRunning)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "\(collector.value)")
        let seen = outcomes.withLock { $0 }
        #expect(seen.contains(.answered(200)), "no request was served before the signal: \(seen)")
        #expect(seen.last == .refused, "requests after the exit must be refused: \(seen.suffix(5))")
        for outcome in seen {
            #expect(outcome == .answered(200) || outcome == .answered(503) || outcome == .refused, "\(outcome)")
        }
        // Once refused, never served again.
        if let firstRefusal = seen.firstIndex(of: .refused) {
            #expect(!seen[firstRefusal...].contains(.answered(200)), "\(seen)")
        }
    }
}
#endif
