#if Server && Client
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import KServeGRPCProtocol
import ONNXRuntimeServer
import ONNXRuntimeServing
import SwiftProtobuf
import Testing

/// The gRPC `ModelConfig` answer carries what REST's `GET .../config` body carries: every field of the REST JSON is
/// read as Triton's `inference.ModelConfig` (swift-protobuf's JSON decoder, which refuses a field the message does not
/// declare) and must equal the gRPC message field by field; the new fields (sequence batching, reshape, warmup) are
/// also checked against the configuration text by hand.
@Suite("gRPC model configuration", .serialized)
struct GRPCModelConfigTests {
    typealias Client = Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>

    /// The configurations (model name, test model, config.pbtxt): every field the server reports, set to a value
    /// other than its default somewhere.
    static let models: [(name: String, file: String, config: String)] = [
        (
            "seq_controls", "sequence_controls",
            """
            max_batch_size: 4
            sequence_batching {
              max_sequence_idle_microseconds: 60000000
              direct { max_queue_delay_microseconds: 5000 minimum_slot_utilization: 0.5 }
              control_input [
                { name: "START" control [ { kind: CONTROL_SEQUENCE_START int32_false_true: [ 10, 11 ] } ] },
                { name: "END" control [ { kind: CONTROL_SEQUENCE_END fp32_false_true: [ -0.5, 0.5 ] } ] },
                { name: "READY" control [ { kind: CONTROL_SEQUENCE_READY bool_false_true: [ false, true ] } ] },
                { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_UINT64 } ] }
              ]
            }
            """
        ),
        (
            "seq_oldest", "sequence_accumulate",
            """
            max_batch_size: 2
            sequence_batching {
              max_sequence_idle_microseconds: 7000000
              oldest { max_candidate_sequences: 3 preferred_batch_size: [ 2 ] max_queue_delay_microseconds: 2000 }
              control_input [ { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_STRING } ] } ]
              state [ {
                input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [ 1 ]
                initial_state { data_type: TYPE_INT32 dims: [ 1 ] data_file: "hundred" name: "h" }
              } ]
            }
            """
        ),
        (
            "seq_zero", "sequence_accumulate",
            """
            max_batch_size: 2
            sequence_batching {
              direct { }
              control_input [ { name: "CORRID" control [ { kind: CONTROL_SEQUENCE_CORRID data_type: TYPE_STRING } ] } ]
              state [ {
                input_name: "STATE_IN" output_name: "STATE_OUT" data_type: TYPE_INT32 dims: [ 1 ]
                initial_state { data_type: TYPE_INT32 dims: [ 1 ] zero_data: true name: "zero" }
              } ]
            }
            """
        ),
        (
            "rb", "reshape_batch",
            """
            max_batch_size: 4
            input [ { name: "x" data_type: TYPE_FP32 dims: [ 6 ] reshape { shape: [ 2, 3 ] } },
                    { name: "scale" data_type: TYPE_FP32 dims: [ 1 ] reshape: { shape: [ ] } } ]
            output [ { name: "y" data_type: TYPE_FP32 dims: [ 3, 1 ] reshape { shape: [ 3 ] } } ]
            dynamic_batching {
              preferred_batch_size: [ 2, 4 ] max_queue_delay_microseconds: 200000 preserve_ordering: true
              default_queue_policy {
                timeout_action: REJECT default_timeout_microseconds: 3000000 allow_timeout_override: true
                max_queue_size: 8
              }
            }
            version_policy { specific { versions: [ 1 ] } }
            optimization { graph { level: 1 } }
            parameters { key: "intra_op_thread_count" value { string_value: "1" } }
            """
        ),
        (
            "densenet_onnx", "reshape_pool",
            """
            name: "densenet_onnx"
            platform: "onnxruntime_onnx"
            max_batch_size : 0
            input [ { name: "data_0" data_type: TYPE_FP32 format: FORMAT_NCHW dims: [ 3, 4, 4 ]
                      reshape { shape: [ 1, 3, 4, 4 ] } } ]
            output [ { name: "fc6_1" data_type: TYPE_FP32 dims: [ 3 ] reshape { shape: [ 1, 3, 1, 1 ] }
                       label_filename: "labels.txt" } ]
            """
        ),
        (
            "prio", "batch_slow",
            """
            max_batch_size: 2
            dynamic_batching {
              priority_levels: 3 default_priority_level: 2
              priority_queue_policy { key: 1 value: { max_queue_size: 4 default_timeout_microseconds: 500 } }
              priority_queue_policy { key: 3 value: { allow_timeout_override: true } }
            }
            """
        ),
        (
            "ens", "",
            """
            platform: "ensemble"
            max_batch_size: 4
            input [ { name: "IN" data_type: TYPE_FP32 dims: [ 3 ] } ]
            output [ { name: "OUT" data_type: TYPE_FP32 dims: [ 2 ] } ]
            ensemble_scheduling { step [ {
              model_name: "warm" model_version: -1 input_map { key: "x" value: "IN" } output_map { key: "y" value: "OUT" }
            } ] }
            """
        ),
        (
            "accel", "add_f32",
            """
            optimization { graph { level: 2 } execution_accelerators {
              cpu_execution_accelerator [ { name: "CPU" parameters { key: "a" value: "1" } parameters { key: "b" value: "" } } ]
              gpu_execution_accelerator [ { name: "cuda" }, { name: "tensorrt" parameters { key: "precision_mode" value: "FP16" } } ]
            } }
            parameters { key: "execution_mode" value { string_value: "1" } }
            parameters { key: "enable_mem_pattern" value { string_value: "off" } }
            """
        ),
        (
            "warm", "batch_affine",
            """
            max_batch_size: 4
            instance_group [ { name: "pair" count: 2 kind: KIND_CPU } ]
            input [ { name: "x" data_type: TYPE_FP32 dims: [ 3 ] } ]
            model_warmup [
              { name: "zeros" batch_size: 4 count: 3
                inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } },
              { name: "random" batch_size: 1
                inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 3 ] random_data: true } } },
              { name: "from_file" batch_size: 2
                inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 3 ] input_data_file: "x.raw" } } }
            ]
            """
        ),
    ]

    /// Runs `body` with a server of ``models`` (and the files they need) and a gRPC client.
    static func withServer(_ body: @Sendable (InferenceServer, Client) async throws -> Void) async throws {
        let repository = try TemporaryRepository()
        for model in models {
            if model.file.isEmpty {
                try repository.addEnsemble(model.name, config: model.config)
            } else {
                try repository.add(model.name, file: ServerFixtures.model(model.file), config: model.config)
            }
        }
        let root = URL(fileURLWithPath: repository.path)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("seq_oldest/initial_state"), withIntermediateDirectories: true)
        try Data([100, 0, 0, 0]).write(to: root.appendingPathComponent("seq_oldest/initial_state/hundred"))
        try "red\ngreen\nblue\n".write(
            to: root.appendingPathComponent("densenet_onnx/labels.txt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(
            at: root.appendingPathComponent("warm/warmup"), withIntermediateDirectories: true)
        try Data(LittleEndian.floats([1, 2, 3])).write(to: root.appendingPathComponent("warm/warmup/x.raw"))
        try await GRPCTestServer.withServer(repository: repository.path) { (server, client, _) async throws in
            try await body(server, client)
        }
    }

    /// The model's gRPC configuration, after checking that it equals the REST body field by field.
    static func config(
        _ name: String, _ server: InferenceServer, _ client: Client, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> Inference_ModelConfig {
        let grpc = try await client.modelConfig(.with { $0.name = name }).config
        // The REST body, as `GET /v2/models/<name>/config` sends it.
        guard case .object(var rest) = try server.engine.config(model: name, version: nil).json else {
            Issue.record("the REST configuration is not a JSON object", sourceLocation: sourceLocation)
            return grpc
        }
        // `secondary_devices` is the one REST field not declared in our proto: always empty (CPU instances only).
        if case .array(let groups) = rest["instance_group"] {
            rest["instance_group"] = .array(
                groups.map { group in
                    guard case .object(var fields) = group else { return group }
                    #expect(fields["secondary_devices"] == .array([]), sourceLocation: sourceLocation)
                    fields["secondary_devices"] = nil
                    return .object(fields)
                })
        }
        var options = JSONDecodingOptions()
        options.ignoreUnknownFields = false
        let decoded = try Inference_ModelConfig(jsonString: JSONValue.object(rest).jsonText, options: options)
        #expect(
            grpc == decoded, "gRPC:\n\(grpc.textFormatString())\nREST:\n\(decoded.textFormatString())",
            sourceLocation: sourceLocation)
        return grpc
    }

    @Test("sequence batching: strategies, every control kind and value kind, states with both initial values")
    func sequenceBatching() async throws {
        try await Self.withServer { (server, client) async throws in
            let controls = try await Self.config("seq_controls", server, client)
            #expect(controls.sequenceBatching.maxSequenceIdleMicroseconds == 60_000_000)
            #expect(controls.sequenceBatching.direct.maxQueueDelayMicroseconds == 5000)
            #expect(controls.sequenceBatching.direct.minimumSlotUtilization == 0.5)
            let inputs = controls.sequenceBatching.controlInput
            #expect(inputs.map(\.name) == ["START", "END", "READY", "CORRID"])
            #expect(inputs.map { $0.control.count } == [1, 1, 1, 1])
            #expect(
                inputs.compactMap(\.control.first?.kind)
                    == [.controlSequenceStart, .controlSequenceEnd, .controlSequenceReady, .controlSequenceCorrid])
            #expect(inputs[0].control.first?.int32FalseTrue == [10, 11])
            #expect(inputs[1].control.first?.fp32FalseTrue == [-0.5, 0.5])
            #expect(inputs[2].control.first?.boolFalseTrue == [false, true])
            #expect(inputs[3].control.first?.dataType == .typeUint64)
            #expect(controls.sequenceBatching.state.isEmpty)

            let oldest = try await Self.config("seq_oldest", server, client)
            #expect(oldest.sequenceBatching.maxSequenceIdleMicroseconds == 7_000_000)
            guard case .oldest(let strategy) = oldest.sequenceBatching.strategyChoice else {
                Issue.record("no oldest strategy: \(oldest.sequenceBatching)")
                return
            }
            #expect(strategy.maxCandidateSequences == 3)
            #expect(strategy.preferredBatchSize == [2])
            #expect(strategy.maxQueueDelayMicroseconds == 2000)
            let state = try #require(oldest.sequenceBatching.state.first)
            #expect(state.inputName == "STATE_IN")
            #expect(state.outputName == "STATE_OUT")
            #expect(state.dataType == .typeInt32)
            #expect(state.dims == [1])
            #expect(state.initialState.count == 1)
            #expect(state.initialState.first?.name == "h")
            #expect(state.initialState.first?.stateData == .dataFile("hundred"))
            #expect(state.initialState.first?.dims == [1])

            let zero = try await Self.config("seq_zero", server, client)
            guard case .direct(let direct) = zero.sequenceBatching.strategyChoice else {
                Issue.record("no direct strategy: \(zero.sequenceBatching)")
                return
            }
            #expect(direct.maxQueueDelayMicroseconds == 0)
            // Triton's default idle time (1 s) when the configuration gives none.
            #expect(zero.sequenceBatching.maxSequenceIdleMicroseconds == 1_000_000)
            #expect(zero.sequenceBatching.state.first?.initialState.first?.stateData == .zeroData(true))
            #expect(zero.sequenceBatching.controlInput.first?.control.first?.dataType == .typeString)
        }
    }

    @Test("reshape on inputs and outputs (an empty shape included), format, labels, dynamic batching and the rest")
    func reshape() async throws {
        try await Self.withServer { (server, client) async throws in
            let batch = try await Self.config("rb", server, client)
            #expect(batch.input.map(\.dims) == [[6], [1]])
            #expect(batch.input.map(\.hasReshape) == [true, true])
            #expect(batch.input.map(\.reshape.shape) == [[2, 3], []])
            #expect(batch.output.first?.dims == [3, 1])
            #expect(batch.output.first?.reshape.shape == [3])
            #expect(batch.dynamicBatching.preferredBatchSize == [2, 4])
            #expect(batch.dynamicBatching.preserveOrdering)
            #expect(batch.dynamicBatching.defaultQueuePolicy.defaultTimeoutMicroseconds == 3_000_000)
            #expect(batch.dynamicBatching.defaultQueuePolicy.maxQueueSize == 8)
            #expect(batch.versionPolicy.specific.versions == [1])
            #expect(batch.optimization.graph.level == 1)
            #expect(batch.parameters["intra_op_thread_count"]?.stringValue == "1")
            #expect(batch.modelWarmup.isEmpty)

            let densenet = try await Self.config("densenet_onnx", server, client)
            #expect(densenet.input.first?.format == .nchw)
            #expect(densenet.input.first?.reshape.shape == [1, 3, 4, 4])
            #expect(densenet.output.first?.reshape.shape == [1, 3, 1, 1])
            #expect(densenet.output.first?.labelFilename == "labels.txt")

            // Without reshape, no reshape field (as Triton: `reshape` is absent, not empty).
            let warm = try await Self.config("warm", server, client)
            #expect(warm.input.map(\.hasReshape) == [false])
            #expect(warm.output.map(\.hasReshape).allSatisfy { !$0 })
        }
    }

    @Test("execution accelerators and ONNX Runtime parameters, as written in config.pbtxt")
    func accelerators() async throws {
        try await Self.withServer { (server, client) async throws in
            let accel = try await Self.config("accel", server, client)
            #expect(accel.optimization.graph.level == 2)
            let cpu = accel.optimization.executionAccelerators.cpuExecutionAccelerator
            #expect(cpu.map(\.name) == ["CPU"])
            #expect(cpu.first?.parameters == ["a": "1", "b": ""])
            let gpu = accel.optimization.executionAccelerators.gpuExecutionAccelerator
            #expect(gpu.map(\.name) == ["cuda", "tensorrt"])
            #expect(gpu.map(\.parameters) == [[:], ["precision_mode": "FP16"]])
            #expect(accel.parameters.mapValues(\.stringValue) == ["execution_mode": "1", "enable_mem_pattern": "off"])

            // Without accelerators, none are reported.
            let batch = try await Self.config("rb", server, client)
            #expect(!batch.optimization.hasExecutionAccelerators)
        }
    }

    @Test("priority levels with each level's queue policy; an ensemble's steps")
    func prioritiesAndEnsembles() async throws {
        try await Self.withServer { (server, client) async throws in
            let prio = try await Self.config("prio", server, client)
            #expect(prio.dynamicBatching.priorityLevels == 3)
            #expect(prio.dynamicBatching.defaultPriorityLevel == 2)
            #expect(prio.dynamicBatching.priorityQueuePolicy.keys.sorted() == [1, 3])
            #expect(prio.dynamicBatching.priorityQueuePolicy[1]?.maxQueueSize == 4)
            #expect(prio.dynamicBatching.priorityQueuePolicy[1]?.defaultTimeoutMicroseconds == 500)
            #expect(prio.dynamicBatching.priorityQueuePolicy[3]?.allowTimeoutOverride == true)

            let ensemble = try await Self.config("ens", server, client)
            #expect(ensemble.platform == "ensemble")
            #expect(ensemble.backend.isEmpty)
            #expect(ensemble.ensembleScheduling.step.count == 1)
            let step = try #require(ensemble.ensembleScheduling.step.first)
            #expect(step.modelName == "warm")
            #expect(step.modelVersion == -1)
            #expect(step.inputMap == ["x": "IN"])
            #expect(step.outputMap == ["y": "OUT"])
            #expect(!ensemble.hasModelOperations)
        }
    }

    @Test("model_warmup: zero, random and file samples, batch sizes and counts; instance groups")
    func warmup() async throws {
        try await Self.withServer { (server, client) async throws in
            let config = try await Self.config("warm", server, client)
            #expect(config.modelWarmup.map(\.name) == ["zeros", "random", "from_file"])
            #expect(config.modelWarmup.map(\.batchSize) == [4, 1, 2])
            #expect(config.modelWarmup.map(\.count) == [3, 0, 0])
            #expect(
                config.modelWarmup.map { $0.inputs["x"]?.inputDataType }
                    == [.zeroData(true), .randomData(true), .inputDataFile("x.raw")])
            #expect(
                config.modelWarmup.allSatisfy { $0.inputs["x"]?.dims == [3] && $0.inputs["x"]?.dataType == .typeFp32 })
            #expect(config.instanceGroup.map(\.name) == ["pair"])
            #expect(config.instanceGroup.map(\.count) == [2])
            #expect(config.instanceGroup.map(\.kind) == [.cpu])
            #expect(config.schedulingChoice == nil)
        }
    }
}
#endif
