#if Server && Client
import Foundation
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Dynamic batching under load: the bounded queue, timeouts while queued, and terminated batches. The model is
/// `batch_slow`, whose run takes as long as the largest `iterations` in the batch asks.
@Suite("Dynamic batching queue", .serialized)
struct DynamicBatchingQueueTests {
    static func request(iterations: Int64, value: Float, timeoutMicroseconds: Int64? = nil) -> InferenceTestRequest {
        var request = InferenceTestRequest(
            parameters: timeoutMicroseconds.map { ["timeout": .number(.int($0))] })
        request.add("x", "FP32", [1, 4], json: .doubles([Double(value), 1, 2, 3]))
        request.add("iterations", "INT64", [1, 1], json: .ints([iterations]))
        return request
    }

    /// The number of `batch_slow` iterations that run for about `duration` on this machine, timed on `model`.
    /// A first run (which pays for the session's warm-up) is not timed; the count is never below 150,000, which lasts
    /// long enough on the slowest machines seen.
    static func iterations(lasting duration: Duration, engine: InferenceEngine, model: String) async throws -> Int64 {
        let warmUp = await CoreInference.infer(engine, model, request(iterations: 1, value: 0))
        try #require(warmUp.status == 200, "\(warmUp.error)")
        let probe: Int64 = 20_000
        let clock = ContinuousClock()
        // The fastest of three probes: a probe slowed by a busy moment makes the runs sized from it too short, and
        // callers need their runs to last at least `duration`.
        var perIteration = Duration.seconds(1)
        for _ in 0..<3 {
            let start = clock.now
            let response = await CoreInference.infer(engine, model, request(iterations: probe, value: 0))
            try #require(response.status == 200, "\(response.error)")
            perIteration = min(perIteration, (clock.now - start) / Double(probe))
        }
        return max(150_000, Int64(duration / max(perIteration, .nanoseconds(100))))
    }

    static func pending(_ metrics: PrometheusMetrics, _ model: String) -> Double? {
        PrometheusText(String(decoding: metrics.exposition(), as: UTF8.self))
            .model("nv_inference_pending_request_count", model)
    }

    /// Waits until `condition` holds, up to 60 s.
    static func waitUntil(_ condition: () throws -> Bool) async throws -> Bool {
        for _ in 0..<3000 {
            if try condition() { return true }
            try await Task.sleep(for: .milliseconds(20))
        }
        return false
    }

    @Test("a full queue answers 503, a request that times out while queued leaves the queue, the rest are served")
    func queueFullAndTimeout() async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "slow", file: ServerFixtures.model("batch_slow"),
            config: """
                max_batch_size: 4
                dynamic_batching { max_queue_delay_microseconds: 0 default_queue_policy { max_queue_size: 1 } }
                """)
        let server = await ServerFixtures.server(repository)
        let engine = server.engine
        let metrics = server.metrics
        // A runs until it is cancelled (ten billion iterations would take hours), so B times out and C is turned away
        // while A runs however busy the machine is. A run sized to last 10 s from a timed probe ended within B's
        // 2 s twice in CI, once the suite's busy start had passed.
        let running = Task {
            await CoreInference.infer(engine, "slow", Self.request(iterations: 10_000_000_000, value: 7))
        }
        #expect(
            try await Self.waitUntil {
                try CoreInference.statistics(engine, "slow").lastInference > 0 && Self.pending(metrics, "slow") == 0
            })
        // B waits behind A and times out; while it waits, the queue is full and C is turned away. B's 2 s leave room
        // for a loaded machine between B entering the queue and C arriving (once, with every suite running at once,
        // 700 ms were not enough: B had left and C was queued).
        let clock = ContinuousClock()
        let queuedStart = clock.now
        let queued = Task {
            await CoreInference.infer(
                engine, "slow", Self.request(iterations: 1, value: 8, timeoutMicroseconds: 2_000_000))
        }
        #expect(try await Self.waitUntil { Self.pending(metrics, "slow") == 1 })
        let refused = await CoreInference.infer(engine, "slow", Self.request(iterations: 1, value: 9))
        #expect(refused.status == 503)
        #expect(refused.error.contains("queue is full"), "\(refused.error)")
        let timedOut = await queued.value
        #expect(timedOut.status == 503)
        #expect(timedOut.error.contains("timed out"), "\(timedOut.error)")
        #expect(clock.now - queuedStart < .seconds(30))
        #expect(Self.pending(metrics, "slow") == 0)
        // The queue has room again: D waits behind A, and is served once A is cancelled (its run terminated).
        let later = Task { await CoreInference.infer(engine, "slow", Self.request(iterations: 1, value: 10)) }
        #expect(try await Self.waitUntil { Self.pending(metrics, "slow") == 1 })
        running.cancel()
        let first = await running.value
        #expect(first.status == 503, "A should end by its cancellation: \(first.error)")
        let served = await later.value
        #expect(served.status == 200, "\(served.error)")
        #expect(served.output("y")?["data"]?.doubles == [10, 1, 2, 3])

        // D succeeded; A (cancelled), B (timed out) and C (turned away) failed. A's terminated run is not an
        // execution, as in abandonedBatchIsTerminated.
        let statistics = try CoreInference.statistics(engine, "slow")
        #expect(statistics.success.count == 1)
        #expect(statistics.fail.count == 3)
        #expect(statistics.executionCount == 1)
        #expect(CoreInference.batchCounts(statistics) == [1: 1])
        #expect(Self.pending(metrics, "slow") == 0)
    }

    @Test("a batch whose every request timed out is terminated, and the instance serves the next batch")
    func abandonedBatchIsTerminated() async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "slow", file: ServerFixtures.model("batch_slow"),
            config: "max_batch_size: 4\ndynamic_batching { max_queue_delay_microseconds: 0 }")
        let server = await ServerFixtures.server(repository)
        let engine = server.engine
        let clock = ContinuousClock()
        let start = clock.now
        // 10 million iterations would take many minutes; the 300 ms timeout ends the request and terminates its run.
        let abandoned = await CoreInference.infer(
            engine, "slow", Self.request(iterations: 10_000_000, value: 1, timeoutMicroseconds: 300_000))
        #expect(abandoned.status == 503)
        #expect(abandoned.error.contains("timed out"), "\(abandoned.error)")
        let next = await CoreInference.infer(engine, "slow", Self.request(iterations: 1, value: 2))
        #expect(next.status == 200, "\(next.error)")
        #expect(clock.now - start < .seconds(60), "the abandoned run was not terminated")
        let statistics = try CoreInference.statistics(engine, "slow")
        #expect(statistics.executionCount == 1)
        #expect(statistics.fail.count == 1)
    }
}
#endif
