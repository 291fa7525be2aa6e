#if Server && Client
import Foundation
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Sequence batching in the serving core: control inputs, implicit state, both strategies, the backlog, idle release
/// and every refusal. Expected values are worked out by hand here: the models echo the control inputs
/// (`sequence_controls`) or sum their inputs into the state (`sequence_accumulate`, see
/// scripts/generate-test-models.py).
@Suite("Sequence batching")
struct SequenceBatchingTests {
    static let controls = """
        max_batch_size: 4
        sequence_batching {
          max_sequence_idle_microseconds: 60000000
          direct { }
          control_input [
            { name: "START" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 10, 11 ] } ] },
            { name: "END" control [ { kind: CONTROL_SEQUENCE_END fp32_false_true: [ -0.5, 0.5 ] } ] },
            { name: "READY" control [ { kind: CONTROL_SEQUENCE_READY bool_false_true: [ false, true ] } ] },
            { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_UINT64 } ] }
          ]
        }
        """

    static func accumulate(strategy: String, batch: Int = 2, idle: Int = 60_000_000, initial: String? = nil)
        -> String
    {
        """
        max_batch_size: \(batch)
        sequence_batching {
          max_sequence_idle_microseconds: \(idle)
          \(strategy)
          control_input [ { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_STRING } ] } ]
          state [ {
            input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [ 1 ]
            \(initial ?? "initial_state { data_type: TYPE_INT32 dims: [ 1 ] zero_data: true name: \"zero\" }")
          } ]
        }
        """
    }

    static func server(
        _ name: String, file: String, config: String,
        prepare: (TemporaryRepository) throws -> Void = {
            _ in
        }
    ) async throws -> (InferenceServer, TemporaryRepository) {
        let repository = try TemporaryRepository()
        try repository.add(name, file: ServerFixtures.model(file), config: config)
        try prepare(repository)
        let server = await ServerFixtures.server(repository)
        _ = try server.engine.model(name, version: nil)
        return (server, repository)
    }

    static func request(
        _ value: Int32, id: JSONValue?, start: Bool = false, end: Bool = false, rows: Int = 1
    ) -> InferenceTestRequest {
        var parameters = JSONObject()
        if let id { parameters["sequence_id"] = id }
        if start { parameters["sequence_start"] = .bool(true) }
        if end { parameters["sequence_end"] = .bool(true) }
        var message = InferenceTestRequest(parameters: parameters)
        message.add("INPUT", "INT32", [rows, 1], json: .ints([Int64](repeating: Int64(value), count: rows)))
        return message
    }

    static func int(_ reply: CoreInference.Reply, _ name: String) -> Int64? {
        reply.output(name)?["data"]?.arrayValue?.first?.int64Value
    }

    static func number(_ reply: CoreInference.Reply, _ name: String) -> Double? {
        reply.output(name)?["data"]?.arrayValue?.first?.doubleValue
    }

    @Test("each control kind gets its configured false/true values: int32 START, fp32 END, bool READY, uint64 CORRID")
    func controlValues() async throws {
        let (server, repository) = try await Self.server("m", file: "sequence_controls", config: Self.controls)
        _ = repository
        let id: UInt64 = .max
        let first = await CoreInference.infer(server.engine, "m", Self.request(5, id: .number(.uint(id)), start: true))
        #expect(first.status == 200, "\(first.error)")
        #expect(Self.int(first, "OUTPUT") == 5)
        #expect(Self.int(first, "OUT_START") == 11)
        #expect(Self.number(first, "OUT_END") == -0.5)
        #expect(first.output("OUT_READY")?["data"] == .array([.bool(true)]))
        #expect(first.output("OUT_CORRID")?["data"] == .array([.number(.uint(id))]))
        #expect(Self.int(first, "BATCH_ROWS") == 1)
        let middle = await CoreInference.infer(server.engine, "m", Self.request(6, id: .number(.uint(id))))
        #expect(Self.int(middle, "OUT_START") == 10)
        #expect(Self.number(middle, "OUT_END") == -0.5)
        let last = await CoreInference.infer(server.engine, "m", Self.request(7, id: .number(.uint(id)), end: true))
        #expect(Self.int(last, "OUTPUT") == 7)
        #expect(Self.int(last, "OUT_START") == 10)
        #expect(Self.number(last, "OUT_END") == 0.5)
        let both = await CoreInference.infer(
            server.engine, "m", Self.request(8, id: .number(.int(3)), start: true, end: true))
        #expect(Self.int(both, "OUT_START") == 11)
        #expect(Self.number(both, "OUT_END") == 0.5)
        #expect(both.output("OUT_CORRID")?["data"] == .array([.number(.int(3))]))
    }

    @Test("direct: a sequence keeps its slot, and an instance's batch has READY false in the empty slots before it")
    func directEmptySlots() async throws {
        let (server, repository) = try await Self.server("m", file: "sequence_controls", config: Self.controls)
        _ = repository
        // Sequence 1 takes slot 0, sequence 2 slot 1.
        for id in [1, 2] as [Int64] {
            let reply = await CoreInference.infer(
                server.engine, "m", Self.request(1, id: .number(.int(id)), start: true))
            #expect(reply.status == 200, "\(reply.error)")
        }
        // Only sequence 2 sends: the batch holds slots 0 and 1, slot 0 empty.
        let reply = await CoreInference.infer(server.engine, "m", Self.request(9, id: .number(.int(2))))
        #expect(Self.int(reply, "OUTPUT") == 9)
        #expect(Self.int(reply, "BATCH_ROWS") == 2)
        #expect(Self.int(reply, "READY_ROWS") == 1)
        // Sequence 1 ends; its slot is free, so a new sequence takes slot 0 and runs in a batch of one row.
        _ = await CoreInference.infer(server.engine, "m", Self.request(0, id: .number(.int(1)), end: true))
        let fresh = await CoreInference.infer(server.engine, "m", Self.request(4, id: .number(.int(7)), start: true))
        #expect(Self.int(fresh, "BATCH_ROWS") == 1)
        #expect(Self.int(fresh, "READY_ROWS") == 1)
    }

    /// Runs `sequences` interleaved (each sequence in order, all at once) and checks every output is the running sum.
    static func interleaved(_ engine: InferenceEngine, sequences: Int, steps: Int, initial: Int64 = 0) async {
        await withTaskGroup(of: Void.self) { group in
            for sequence in 0..<sequences {
                group.addTask {
                    let id = "seq-\(sequence)"
                    var sum = initial
                    for step in 0..<steps {
                        let value = Int32(sequence * 100 + step * 3 - 7)
                        sum += Int64(value)
                        let reply = await CoreInference.infer(
                            engine, "m",
                            Self.request(value, id: .string(id), start: step == 0, end: step == steps - 1))
                        #expect(reply.status == 200, "\(id) step \(step): \(reply.error)")
                        #expect(Self.int(reply, "OUTPUT") == sum, "\(id) step \(step)")
                        #expect(reply.output("OUT_CORRID")?["data"] == .array([.string(id)]))
                        #expect(reply.output("STATE_OUT") == nil)
                    }
                }
            }
        }
    }

    @Test(
        "implicit state: interleaved sequences each get the running sum of their own inputs, with a backlog",
        arguments: [
            "direct { }", "direct { max_queue_delay_microseconds: 2000 minimum_slot_utilization: 1.0 }",
            "oldest { max_candidate_sequences: 2 }",
            "oldest { max_candidate_sequences: 3 preferred_batch_size: [ 2 ] max_queue_delay_microseconds: 2000 }",
        ])
    func interleavedState(_ strategy: String) async throws {
        let (server, repository) = try await Self.server(
            "m", file: "sequence_accumulate", config: Self.accumulate(strategy: strategy))
        _ = repository
        await Self.interleaved(server.engine, sequences: 5, steps: 6)
        let statistics = try CoreInference.statistics(server.engine, "m")
        #expect(statistics.success.count == 30)
        #expect(statistics.inferenceCount == 30)
    }

    @Test("implicit state starts from an initial_state data_file (little-endian int32 100)")
    func initialStateFile() async throws {
        let initial = """
            initial_state { data_type: TYPE_INT32 dims: [ 1 ] data_file: "hundred" name: "h" }
            """
        let (server, repository) = try await Self.server(
            "m", file: "sequence_accumulate", config: Self.accumulate(strategy: "direct { }", initial: initial)
        ) { repository in
            let folder = URL(fileURLWithPath: repository.path).appendingPathComponent("m/initial_state")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data([100, 0, 0, 0]).write(to: folder.appendingPathComponent("hundred"))
        }
        _ = repository
        await Self.interleaved(server.engine, sequences: 3, steps: 3, initial: 100)
    }

    @Test("the control and state inputs and the state output are hidden from the metadata")
    func metadataHidesControls() async throws {
        let (server, repository) = try await Self.server(
            "m", file: "sequence_accumulate", config: Self.accumulate(strategy: "direct { }"))
        _ = repository
        let model = try server.engine.model("m", version: nil)
        #expect(model.signature.inputs.map(\.name) == ["INPUT"])
        #expect(model.signature.outputs.map(\.name) == ["OUTPUT", "OUT_CORRID"])
        #expect(model.config.inputs.map(\.name) == ["INPUT"])
        // The configuration JSON (GET .../config) carries the settings in Triton's field names.
        let json = model.config.json["sequence_batching"]
        #expect(json?["direct"]?["max_queue_delay_microseconds"] == .number(.int(0)))
        #expect(
            json?["control_input"]?.arrayValue?.first?["control"]?.arrayValue?.first?["data_type"]
                == .string("TYPE_STRING"))
        #expect(json?["state"]?.arrayValue?.first?["initial_state"]?.arrayValue?.first?["zero_data"] == .bool(true))
    }

    @Test(
        "a request without a correlation ID is refused with Triton's text",
        arguments: [nil, JSONValue.number(.int(0)), .string("")] as [JSONValue?])
    func missingID(_ id: JSONValue?) async throws {
        let (server, repository) = try await Self.server("m", file: "sequence_controls", config: Self.controls)
        _ = repository
        let reply = await CoreInference.infer(server.engine, "m", Self.request(1, id: id, start: true))
        #expect(reply.status == 400)
        #expect(reply.error == "inference request to model 'm' must specify a non-zero or non-empty correlation ID")
    }

    @Test("a request for an unknown sequence without START is refused, END alone too")
    func unknownSequence() async throws {
        let (server, repository) = try await Self.server("m", file: "sequence_controls", config: Self.controls)
        _ = repository
        for end in [false, true] {
            let reply = await CoreInference.infer(server.engine, "m", Self.request(1, id: .number(.int(42)), end: end))
            #expect(reply.status == 400)
            #expect(
                reply.error
                    == "inference request for sequence 42 to model 'm' must specify the START flag on the first "
                    + "request of the sequence")
        }
    }

    @Test("a reused ID must START again after its END; the new sequence starts from the initial state")
    func reusedID() async throws {
        let (server, repository) = try await Self.server(
            "m", file: "sequence_accumulate", config: Self.accumulate(strategy: "direct { }"))
        _ = repository
        let id = JSONValue.string("again")
        #expect(
            Self.int(await CoreInference.infer(server.engine, "m", Self.request(5, id: id, start: true)), "OUTPUT") == 5
        )
        #expect(
            Self.int(await CoreInference.infer(server.engine, "m", Self.request(2, id: id, end: true)), "OUTPUT") == 7)
        let after = await CoreInference.infer(server.engine, "m", Self.request(1, id: id))
        #expect(after.status == 400)
        #expect(after.error.contains("must specify the START flag"), "\(after.error)")
        #expect(
            Self.int(await CoreInference.infer(server.engine, "m", Self.request(3, id: id, start: true)), "OUTPUT") == 3
        )
    }

    @Test("a START for a sequence in flight begins it anew (Triton's behaviour): the state starts again")
    func startInFlight() async throws {
        let (server, repository) = try await Self.server(
            "m", file: "sequence_accumulate", config: Self.accumulate(strategy: "oldest { max_candidate_sequences: 4 }")
        )
        _ = repository
        let id = JSONValue.number(.int(9))
        _ = await CoreInference.infer(server.engine, "m", Self.request(5, id: id, start: true))
        #expect(Self.int(await CoreInference.infer(server.engine, "m", Self.request(1, id: id)), "OUTPUT") == 6)
        #expect(
            Self.int(await CoreInference.infer(server.engine, "m", Self.request(4, id: id, start: true)), "OUTPUT") == 4
        )
        #expect(Self.int(await CoreInference.infer(server.engine, "m", Self.request(1, id: id)), "OUTPUT") == 5)
    }

    @Test("an abandoned sequence is released after max_sequence_idle_microseconds, freeing its slot")
    func idleRelease() async throws {
        let (server, repository) = try await Self.server(
            "m", file: "sequence_accumulate", config: Self.accumulate(strategy: "direct { }", batch: 1, idle: 100_000))
        _ = repository
        let abandoned = JSONValue.string("abandoned")
        // The idle time counts from the first sequence's last activity, which is after this instant (however long
        // its request takes on a busy machine), so the second sequence cannot start less than 100 ms after it.
        let started = ContinuousClock.now
        let first = await CoreInference.infer(server.engine, "m", Self.request(5, id: abandoned, start: true))
        #expect(first.status == 200, "\(first.error)")
        // The only slot is taken: a new sequence waits in the backlog until the first one is released for idleness.
        let next = await CoreInference.infer(server.engine, "m", Self.request(2, id: .string("next"), start: true))
        #expect(next.status == 200, "\(next.error)")
        #expect(Self.int(next, "OUTPUT") == 2)
        #expect(ContinuousClock.now - started >= .milliseconds(90))
        let late = await CoreInference.infer(server.engine, "m", Self.request(1, id: abandoned))
        #expect(late.status == 400)
        #expect(late.error.contains("sequence abandoned"), "\(late.error)")
    }

    @Test("metrics count sequences: open, backlog, started, ended, released for idleness")
    func sequenceMetrics() async throws {
        // No step depends on how fast the machine is: waits poll for the state they need, and the idle time of the
        // first model (60 s) is never reached.
        func sample(_ server: InferenceServer, _ name: String) -> Double? {
            PrometheusText(String(decoding: server.metrics.exposition(), as: UTF8.self)).model(name, "m")
        }
        func waitFor(_ server: InferenceServer, _ name: String, _ value: Double) async throws {
            let deadline = ContinuousClock.now + .seconds(20)
            while sample(server, name) != value, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        let (server, repository) = try await Self.server(
            "m", file: "sequence_accumulate", config: Self.accumulate(strategy: "direct { }", batch: 1))
        _ = repository
        let engine = server.engine
        // "a" takes the only slot; "b" (one START+END request) waits in the backlog until "a" ends.
        #expect(await CoreInference.infer(engine, "m", Self.request(1, id: .string("a"), start: true)).status == 200)
        #expect(sample(server, "ort_sequence_open") == 1)
        let waiting = Task {
            await CoreInference.infer(engine, "m", Self.request(2, id: .string("b"), start: true, end: true))
        }
        try await waitFor(server, "ort_sequence_backlog", 1)
        #expect(sample(server, "ort_sequence_backlog") == 1)
        #expect(sample(server, "ort_sequence_open") == 2)
        #expect(sample(server, "ort_sequence_started") == 2)
        #expect(await CoreInference.infer(engine, "m", Self.request(3, id: .string("a"), end: true)).status == 200)
        let reply = await waiting.value
        #expect(reply.status == 200, "\(reply.error)")
        #expect(Self.int(reply, "OUTPUT") == 2)
        #expect(sample(server, "ort_sequence_ended") == 2)
        #expect(sample(server, "ort_sequence_open") == 0)
        #expect(sample(server, "ort_sequence_backlog") == 0)
        #expect(sample(server, "ort_sequence_idle_released") == 0)
        let text = PrometheusText(String(decoding: server.metrics.exposition(), as: UTF8.self))
        #expect(text.help["ort_sequence_open"] == ServingMetrics.helpTexts["ort_sequence_open"])
        #expect(text.types["ort_sequence_started"] == "counter")

        // An abandoned sequence is released after 100 ms of idleness and counted so.
        let (idleServer, idleRepository) = try await Self.server(
            "m", file: "sequence_accumulate", config: Self.accumulate(strategy: "direct { }", batch: 1, idle: 100_000))
        _ = idleRepository
        #expect(
            await CoreInference.infer(idleServer.engine, "m", Self.request(1, id: .string("c"), start: true)).status
                == 200)
        try await waitFor(idleServer, "ort_sequence_idle_released", 1)
        #expect(sample(idleServer, "ort_sequence_idle_released") == 1)
        #expect(sample(idleServer, "ort_sequence_open") == 0)
        #expect(sample(idleServer, "ort_sequence_ended") == 0)
    }

    @Test("a full direct pool makes a new sequence wait in the backlog until a slot frees (as Triton)")
    func backlogWaits() async throws {
        let (server, repository) = try await Self.server(
            "m", file: "sequence_accumulate", config: Self.accumulate(strategy: "direct { }", batch: 1))
        _ = repository
        let engine = server.engine
        _ = await CoreInference.infer(engine, "m", Self.request(1, id: .string("a"), start: true))
        let waiting = Task { await CoreInference.infer(engine, "m", Self.request(10, id: .string("b"), start: true)) }
        let model = try engine.model("m", version: nil)
        let deadline = ContinuousClock.now + .seconds(20)
        while model.sequenceCounts?.backlog != 1, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(model.sequenceCounts?.open == 2)
        #expect(model.sequenceCounts?.backlog == 1)
        #expect(
            Self.int(await CoreInference.infer(engine, "m", Self.request(2, id: .string("a"), end: true)), "OUTPUT")
                == 3)
        let reply = await waiting.value
        #expect(Self.int(reply, "OUTPUT") == 10)
    }

    @Test("refusals: batch size 2, a string ID for a UINT64 CORRID, flags of the wrong type")
    func refusals() async throws {
        let (server, repository) = try await Self.server("m", file: "sequence_controls", config: Self.controls)
        _ = repository
        let batch = await CoreInference.infer(
            server.engine, "m", Self.request(1, id: .number(.int(5)), start: true, rows: 2))
        #expect(batch.status == 400)
        #expect(
            batch.error
                == "inference request to model 'm' must specify batch-size 1 due to requirements of sequence batcher")
        let string = await CoreInference.infer(server.engine, "m", Self.request(1, id: .string("x"), start: true))
        #expect(string.status == 400)
        #expect(string.error.contains("CONTROL_SEQUENCE_CORRID input 'CORRID' is TYPE_UINT64"), "\(string.error)")
        var flag = Self.request(1, id: .number(.int(5)))
        flag.parameters?["sequence_start"] = .string("yes")
        let bad = await CoreInference.infer(server.engine, "m", flag)
        #expect(bad.status == 400)
        #expect(bad.error == "parameter 'sequence_start' must be a boolean, got a string", "\(bad.error)")
        var negative = Self.request(1, id: .number(.int(-3)), start: true)
        negative.parameters?["sequence_id"] = .number(.int(-3))
        let refused = await CoreInference.infer(server.engine, "m", negative)
        #expect(refused.status == 400)
        #expect(refused.error.contains("'sequence_id' must be a non-negative integer or a string"))
    }

    @Test(
        "a configuration that does not fit the model fails its load, naming the input",
        arguments: [
            (
                "control_input [ { name: \"GO\" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [0, 1] } ] } ]",
                "control input 'GO' (CONTROL_SEQUENCE_START) is not an input of the model"
            ),
            (
                "control_input [ { name: \"CORRID\" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_UINT64 } ] } ]",
                "gives UINT64 values, but the model's input is BYTES"
            ),
            (
                "state [ { input_name: \"STATE_IN\" output_name: \"NOPE\" data_type: TYPE_INT32 dims: [1] } ]",
                "state output 'NOPE' is not an output of the model"
            ),
            (
                "state [ { input_name: \"STATE_IN\" output_name: \"STATE_OUT\" data_type: TYPE_FP32 dims: [1] } ]",
                "state 'STATE_IN' is TYPE_FP32, but the model's input 'STATE_IN' is TYPE_INT32"
            ),
            (
                "state [ { input_name: \"STATE_IN\" output_name: \"STATE_OUT\" data_type: TYPE_INT32 dims: [1] "
                    + "initial_state { data_type: TYPE_INT32 dims: [1] data_file: \"missing\" } } ]",
                "cannot read the initial_state data_file"
            ),
        ])
    func loadFailures(_ body: String, _ expected: String) async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "m", file: ServerFixtures.model("sequence_accumulate"),
            config: "max_batch_size: 2\nsequence_batching { \(body) }")
        let server = await ServerFixtures.server(repository)
        do {
            _ = try server.engine.model("m", version: nil)
            Issue.record("the model loaded")
        } catch {
            #expect("\(error)".contains(expected), "\(error)")
        }
    }
}
#endif
