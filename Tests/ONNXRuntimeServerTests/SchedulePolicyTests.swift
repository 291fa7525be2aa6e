#if Server && Client
import Foundation
import ONNXRuntime
@testable import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Triton's schedule_policy extension: the `priority` request parameter over `priority_levels`, each level's queue
/// policy (`priority_queue_policy`, else `default_queue_policy`), and the `timeout` parameter. Triton 2.51 was run with
/// the same configurations (python-backend models) to settle the behaviour: level 1 runs first, a priority of 0 or
/// above the levels takes the default level, and a level's `max_queue_size` turns away only that level's requests.
@Suite("Schedule policy", .serialized)
struct SchedulePolicyTests {
    typealias Queue = DynamicBatchingQueueTests

    static func request(
        iterations: Int64, value: Float, priority: JSONValue? = nil, timeoutMicroseconds: Int64? = nil
    ) -> InferenceTestRequest {
        var parameters: JSONObject = [:]
        if let priority { parameters["priority"] = priority }
        if let timeoutMicroseconds { parameters["timeout"] = .number(.int(timeoutMicroseconds)) }
        var request = InferenceTestRequest(parameters: parameters.isEmpty ? nil : parameters)
        request.add("x", "FP32", [1, 4], json: .doubles([Double(value), 1, 2, 3]))
        request.add("iterations", "INT64", [1, 1], json: .ints([iterations]))
        return request
    }

    /// A server with `slow` (batch_slow, one instance, one row a batch, `batching` as its dynamic_batching) and
    /// `probe` (the same model, for timing iterations without touching `slow`'s statistics).
    static func server(batching: String) async throws -> (InferenceServer, TemporaryRepository) {
        let repository = try TemporaryRepository()
        try repository.add(
            "slow", file: ServerFixtures.model("batch_slow"),
            config: "max_batch_size: 1\ndynamic_batching { \(batching) }")
        try repository.add("probe", file: ServerFixtures.model("batch_slow"), config: "max_batch_size: 1")
        return (await ServerFixtures.server(repository), repository)
    }

    /// Starts a request on `slow` that would run for minutes, and waits until it runs and nothing else waits.
    /// Cancelling the returned task ends it (its run is terminated) when the test is ready, so a loaded machine cannot
    /// end it early.
    static func block(_ server: InferenceServer) async throws -> Task<CoreInference.Reply, Never> {
        let engine = server.engine
        let blocker = Task {
            await CoreInference.infer(engine, "slow", request(iterations: 10_000_000, value: -1))
        }
        #expect(
            try await Queue.waitUntil {
                try CoreInference.statistics(engine, "slow").lastInference > 0
                    && Queue.pending(server.metrics, "slow") == 0
            })
        return blocker
    }

    /// Ends the blocker and checks that it was cut short.
    static func unblock(_ blocker: Task<CoreInference.Reply, Never>) async {
        blocker.cancel()
        let reply = await blocker.value
        #expect(reply.status == 503, "the blocker should end by cancellation: \(reply.error)")
    }

    @Test(
        "requests run by level (1 first), in arrival order within a level; 0 and too-high priorities take the default")
    func levelsOrderTheQueue() async throws {
        let (server, _) = try await Self.server(batching: "priority_levels: 3 default_priority_level: 2")
        let engine = server.engine
        // Each queued request runs for about 300 ms, so the order they finish in is the order they ran in.
        let iterations = try await Queue.iterations(lasting: .milliseconds(300), engine: engine, model: "probe")
        let blocker = try await Self.block(server)
        // value: priority (nil = none). Expected run order: 5 (level 1), then 1, 4, 6, 7 (level 2, arrival), then 3.
        let queued: [(Float, JSONValue?)] = [
            (1, nil), (3, .number(.uint(3))), (4, .number(.uint(0))), (5, .number(.uint(1))),
            (6, .number(.uint(99))), (7, .number(.uint(2))),
        ]
        let finished = Locked<[(Float, ContinuousClock.Instant)]>([])
        var tasks: [Task<CoreInference.Reply, Never>] = []
        for (index, (value, priority)) in queued.enumerated() {
            tasks.append(
                Task {
                    let response = await CoreInference.infer(
                        engine, "slow", Self.request(iterations: iterations, value: value, priority: priority))
                    finished.withLock { $0.append((value, ContinuousClock.now)) }
                    return response
                })
            #expect(try await Queue.waitUntil { Queue.pending(server.metrics, "slow") == Double(index + 1) })
        }
        await Self.unblock(blocker)
        for (task, (value, _)) in zip(tasks, queued) {
            let response = await task.value
            #expect(response.status == 200, "\(response.error)")
            #expect(response.output("y")?["data"]?.doubles == [Double(value), 1, 2, 3])
        }
        let order = finished.withLock { $0.sorted { $0.1 < $1.1 }.map { $0.0 } }
        #expect(order == [5, 1, 4, 6, 7, 3])
    }

    @Test("a level's max_queue_size turns away that level's requests only (Triton: 'Exceeds maximum queue size')")
    func levelQueueSize() async throws {
        let (server, _) = try await Self.server(
            batching: """
                priority_levels: 2 default_priority_level: 2
                priority_queue_policy { key: 1 value: { max_queue_size: 1 } }
                default_queue_policy { max_queue_size: 2 }
                """)
        let engine = server.engine
        let blocker = try await Self.block(server)
        let high = Task {
            await CoreInference.infer(
                engine, "slow", Self.request(iterations: 1, value: 1, priority: .number(.uint(1))))
        }
        #expect(try await Queue.waitUntil { Queue.pending(server.metrics, "slow") == 1 })
        let refused = await CoreInference.infer(
            engine, "slow", Self.request(iterations: 1, value: 2, priority: .number(.uint(1))))
        #expect(refused.status == 503)
        #expect(refused.error.contains("priority level 1"), "\(refused.error)")
        // Level 2 has default_queue_policy's bound of its own: two wait, the third is turned away.
        let low = [3, 4].map { value in
            Task { await CoreInference.infer(engine, "slow", Self.request(iterations: 1, value: Float(value))) }
        }
        #expect(try await Queue.waitUntil { Queue.pending(server.metrics, "slow") == 3 })
        let full = await CoreInference.infer(
            engine, "slow", Self.request(iterations: 1, value: 5, priority: .number(.uint(2))))
        #expect(full.status == 503)
        #expect(full.error.contains("priority level 2"), "\(full.error)")
        await Self.unblock(blocker)
        #expect(await high.value.output("y")?["data"]?.doubles == [1, 1, 2, 3])
        for (task, value) in zip(low, [3.0, 4.0]) {
            #expect(await task.value.output("y")?["data"]?.doubles == [value, 1, 2, 3])
        }
        let statistics = try CoreInference.statistics(engine, "slow")
        #expect(statistics.success.count == 3)
        #expect(statistics.fail.count == 3)  // the blocker and the two turned away
    }

    @Test("a level's default timeout applies to its requests; the timeout parameter shortens it, never lengthens it")
    func levelTimeouts() async throws {
        let (server, _) = try await Self.server(
            batching: """
                priority_levels: 2 default_priority_level: 1
                priority_queue_policy {
                  key: 2 value: { default_timeout_microseconds: 300000 allow_timeout_override: true }
                }
                """)
        let engine = server.engine
        let blocker = try await Self.block(server)
        let clock = ContinuousClock()
        let start = clock.now
        // Level 2's 300 ms end it while the blocker runs; a timeout of 60 s does not lengthen that.
        let low = await CoreInference.infer(
            engine, "slow",
            Self.request(iterations: 1, value: 1, priority: .number(.uint(2)), timeoutMicroseconds: 60_000_000))
        #expect(low.status == 503)
        #expect(low.error.contains("timed out after 300 ms"), "\(low.error)")
        #expect(clock.now - start < .seconds(30))
        // Level 1 has no timeout: it waits for the blocker and is served once the blocker ends.
        let high = Task { await CoreInference.infer(engine, "slow", Self.request(iterations: 1, value: 2)) }
        #expect(try await Queue.waitUntil { Queue.pending(server.metrics, "slow") == 1 })
        await Self.unblock(blocker)
        let served = await high.value
        #expect(served.status == 200, "\(served.error)")
        #expect(served.output("y")?["data"]?.doubles == [2, 1, 2, 3])
    }

    @Test(
        "a priority that is not a non-negative integer is refused (400); any integer is accepted without levels",
        arguments: [
            JSONValue.number(.int(-1)), .number(.double(1.5)), .string("1"), .bool(true), .null,
            .array([.number(.uint(1))]),
        ])
    func badPriorities(priority: JSONValue) async throws {
        let (server, _) = try await Self.server(batching: "priority_levels: 2 default_priority_level: 1")
        let engine = server.engine
        let refused = await CoreInference.infer(
            engine, "slow", Self.request(iterations: 1, value: 1, priority: priority))
        #expect(refused.status == 400)
        // null and arrays are refused by the check every parameter gets, the rest by the priority's own.
        #expect(refused.error.contains("parameter 'priority'"), "\(refused.error)")
        // The same check on a model without levels (Triton parses it there too); valid values are accepted.
        let plain = await CoreInference.infer(
            engine, "probe", Self.request(iterations: 1, value: 1, priority: priority))
        #expect(plain.status == 400)
        for valid in [JSONValue.number(.uint(0)), .number(.uint(7)), .number(.uint(UInt64.max))] {
            let accepted = await CoreInference.infer(
                engine, "probe", Self.request(iterations: 1, value: 1, priority: valid))
            #expect(accepted.status == 200, "\(accepted.error)")
        }
    }
}
#endif
