#if Server
import ONNXRuntime
import Testing

@testable import ONNXRuntimeServing

/// The ONNX Runtime `parameters` of config.pbtxt and `optimization { execution_accelerators }`, Triton's ORT backend
/// syntax: what is read, what is refused, and the session options they give. Expected values come from Triton's
/// onnxruntime_backend (src/onnxruntime.cc) read by hand, and from ONNX Runtime 1.32's Python API for run entries.
@Suite("ONNX Runtime parameters and execution accelerators")
struct RuntimeParametersTests {
    private func parse(_ text: String) throws(ModelConfigError) -> ModelConfig {
        try ModelConfig.parse(text, file: "m/config.pbtxt", defaultName: "m")
    }

    private func parameter(_ key: String, _ value: String) -> String {
        "parameters { key: \"\(key)\" value: { string_value: \"\(value)\" } }"
    }

    /// A value every key takes, and the options it gives.
    static let accepted: [(key: String, value: String)] = [
        ("intra_op_thread_count", "3"), ("inter_op_thread_count", "2"), ("execution_mode", "1"),
        ("enable_mem_arena", "0"), ("enable_mem_pattern", "off"), ("memory.enable_memory_arena_shrinkage", ""),
        ("session.use_device_allocator_for_initializers", "1"), ("session.disable_prepacking", "1"),
        ("session.set_denormal_as_zero", "0"), ("session.disable_quant_qdq", "1"),
        ("session.disable_double_qdq_remover", "0"), ("session.enable_quant_qdq_cleanup", "1"),
        ("session.disable_aot_function_inlining", "1"), ("session.inter_op.allow_spinning", "0"),
        ("session.intra_op.allow_spinning", "0"), ("session.force_spinning_stop", "1"),
        ("session.x64quantprecision", "0"), ("session.strict_shape_type_inference", "1"),
        ("session.allow_released_opsets_only", "1"), ("session.disable_cpu_ep_fallback", "0"),
        ("session.dynamic_block_base", "4"), ("session.graph_optimizations_loop_level", "2"),
        ("session.intra_op_thread_affinities", "1;2"), ("optimization.enable_gelu_approximation", "1"),
        ("optimization.enable_cast_chain_elimination", "0"),
        ("optimization.disable_specified_optimizers", "ConstantFolding,GeluFusion"),
    ]

    @Test("every key is read and kept as written")
    func everyKey() throws {
        #expect(Set(Self.accepted.map(\.key)) == Set(RuntimeParameters.knownKeys))
        for (key, value) in Self.accepted {
            let config = try parse(parameter(key, value))
            #expect(config.parameters == [key: value])
        }
        let all = try parse(Self.accepted.map { parameter($0.key, $0.value) }.joined(separator: "\n"))
        #expect(all.parameters.count == Self.accepted.count)
    }

    @Test(
        "bad values are refused by key, with the line",
        arguments: [
            ("execution_mode", "2", "Expected values for execution_mode are 0 or 1 but got '2'"),
            ("execution_mode", "-1", "execution_mode are 0 or 1"),
            ("execution_mode", "parallel", "execution_mode are 0 or 1"),
            ("execution_mode", " 1", "execution_mode are 0 or 1"),
            ("enable_mem_arena", "maybe", "parameter 'enable_mem_arena': failed to convert 'maybe' to boolean"),
            ("enable_mem_pattern", "", "parameter 'enable_mem_pattern': failed to convert '' to boolean"),
            ("enable_mem_pattern", "2", "failed to convert '2' to boolean"),
            ("intra_op_thread_count", "-1", "parameter 'intra_op_thread_count' must be a whole number of threads"),
            ("inter_op_thread_count", "two", "parameter 'inter_op_thread_count' must be a whole number of threads"),
            ("intra_op_thread_count", "99999999999", "must be a whole number of threads"),
            ("intra_op_thread_count", "+3", "must be a whole number of threads"),
            ("intra_op_thread_count", "", "must be a whole number of threads"),
            ("memory.enable_memory_arena_shrinkage", "gpu:0", "must be \"cpu:0\""),
            ("memory.enable_memory_arena_shrinkage", "cpu:1", "must be \"cpu:0\""),
            ("memory.enable_memory_arena_shrinkage", "CPU:0", "must be \"cpu:0\""),
            ("memory.enable_memory_arena_shrinkage", "cpu:0;gpu:0", "must be \"cpu:0\""),
            ("session.use_device_allocator_for_initializers", "true", "must be \"0\" or \"1\""),
            ("session.disable_prepacking", "yes", "must be \"0\" or \"1\""),
            ("session.dynamic_block_base", "-4", "must be a whole number in 0...2147483647"),
            ("session.graph_optimizations_loop_level", "3", "must be a whole number in 0...2, got '3'"),
            ("optimization.disable_specified_optimizers", String(repeating: "x", count: 1025), "longer than 1024"),
            ("session.use_env_allocators", "1", "parameter 'session.use_env_allocators' is not supported"),
            ("session.optimized_model_filepath", "/tmp/x", "is not supported; the ONNX Runtime parameters are"),
            ("cudnn_conv_algo_search", "0", "parameter 'cudnn_conv_algo_search' is not supported"),
            ("Execution_Mode", "1", "parameter 'Execution_Mode' is not supported"),
        ] as [(String, String, String)])
    func badValue(_ key: String, _ value: String, _ expected: String) {
        do {
            _ = try parse("name: \"m\"\n" + parameter(key, value))
            Issue.record("\(key)=\(value) was accepted")
        } catch {
            #expect(error.message.contains(expected), "\(error)")
            #expect(error.line == 2, "\(error)")
            #expect(error.description.hasPrefix("m/config.pbtxt:2:"), "\(error)")
        }
    }

    @Test(
        "malformed parameters entries and conflicting ones are refused",
        arguments: [
            ("parameters { key: \"execution_mode\" }", "parameter 'execution_mode' has no value"),
            ("parameters { value: { string_value: \"1\" } }", "has no 'key'"),
            ("parameters { key: \"execution_mode\" value: { int_value: 1 } }", "unknown field 'int_value'"),
            (
                "parameters { key: \"execution_mode\" value: { string_value: \"1\" string_value: \"0\" } }",
                "'string_value' is given more than once"
            ),
            (
                "parameters { key: \"execution_mode\" value: { string_value: \"1\" } }\n"
                    + "parameters { key: \"execution_mode\" value: { string_value: \"0\" } }",
                "parameter 'execution_mode' is given more than once"
            ),
            (
                "parameters { key: \"enable_mem_arena\" value: { string_value: \"false\" } }\n"
                    + "parameters { key: \"memory.enable_memory_arena_shrinkage\" value: { string_value: \"cpu:0\" } }",
                "'enable_mem_arena' turns the arena off"
            ),
        ] as [(String, String)])
    func malformed(_ text: String, _ expected: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted:\n\(text)")
        } catch {
            #expect(error.message.contains(expected), "\(error)")
        }
    }

    @Test("the options Triton's backend sets: each key to its session option, config entry or run entry")
    func sessionOptions() throws {
        let config = try parse(
            """
            optimization { graph { level: -1 } }
            \(parameter("intra_op_thread_count", "3"))
            \(parameter("inter_op_thread_count", "2"))
            \(parameter("execution_mode", "1"))
            \(parameter("enable_mem_arena", "TRUE"))
            \(parameter("enable_mem_pattern", "Off"))
            \(parameter("memory.enable_memory_arena_shrinkage", "cpu:0"))
            \(parameter("session.use_device_allocator_for_initializers", "1"))
            \(parameter("optimization.disable_specified_optimizers", "ConstantFolding"))
            \(parameter("execute_delay_ms", "3"))
            """)
        var options = SessionOptions()
        let run = try ModelLoader.sessionOptions(config, backend: BackendConfiguration(), into: &options)
        #expect(options.intraOpThreads == 3)
        #expect(options.interOpThreads == 2)
        #expect(options.executionMode == .parallel)
        #expect(options.cpuMemoryArena == true)
        #expect(options.memoryPattern == false)
        #expect(options.optimization == .basic)
        #expect(!options.usesGlobalThreadPools)
        #expect(
            options.configEntries == [
                "session.use_device_allocator_for_initializers": "1",
                "optimization.disable_specified_optimizers": "ConstantFolding",
            ])
        #expect(options.executionProviders.isEmpty)
        #expect(run == ["memory.enable_memory_arena_shrinkage": "cpu:0"])

        // Without parameters: ONNX Runtime's defaults, as Triton leaves them.
        var defaults = SessionOptions()
        #expect(try ModelLoader.sessionOptions(parse(""), backend: BackendConfiguration(), into: &defaults).isEmpty)
        #expect(defaults.intraOpThreads == 0 && defaults.interOpThreads == 0)
        #expect(defaults.executionMode == .sequential && defaults.cpuMemoryArena && defaults.memoryPattern)
        #expect(defaults.optimization == .all && defaults.configEntries.isEmpty)
    }

    @Test(
        "graph levels as Triton's ORT backend reads them: -1 basic, 1 extended, 2 disabled, the rest all",
        arguments: [
            ("", SessionOptions.GraphOptimizationLevel.all), ("optimization { graph { level: -1 } }", .basic),
            ("optimization { graph { level: 0 } }", .all), ("optimization { graph { level: 1 } }", .extended),
            ("optimization { graph { level: 2 } }", .disabled), ("optimization { graph { level: 3 } }", .all),
            ("optimization { graph { level: -2 } }", .all),
        ] as [(String, SessionOptions.GraphOptimizationLevel)])
    func graphLevel(_ text: String, _ expected: SessionOptions.GraphOptimizationLevel) throws {
        var options = SessionOptions()
        _ = try ModelLoader.sessionOptions(parse(text), backend: BackendConfiguration(), into: &options)
        #expect(options.optimization == expected)
    }

    @Test("--backend-config gives every model's defaults; a model's own value wins")
    func backendDefaults() throws {
        let backend = try BackendConfiguration(settings: [
            "onnxruntime,execution_mode=1", "onnxruntime,enable_mem_pattern=0", "onnxruntime,intra_op_thread_count=4",
            "onnxruntime,session.intra_op.allow_spinning=0", "onnxruntime,memory.enable_memory_arena_shrinkage=cpu:0",
        ])
        #expect(
            backend.modelDefaults == [
                "execution_mode": "1", "enable_mem_pattern": "0", "session.intra_op.allow_spinning": "0",
                "memory.enable_memory_arena_shrinkage": "cpu:0",
            ])
        #expect(backend.intraOpThreadCount == 4)
        let config = try parse(
            parameter("enable_mem_pattern", "1") + "\n" + parameter("intra_op_thread_count", "2") + "\n"
                + parameter("session.intra_op.allow_spinning", "1"))
        var options = SessionOptions()
        let run = try ModelLoader.sessionOptions(config, backend: backend, into: &options)
        #expect(options.executionMode == .parallel)  // the server's
        #expect(options.memoryPattern)  // the model's
        #expect(options.intraOpThreads == 2)  // the model's
        #expect(options.configEntries == ["session.intra_op.allow_spinning": "1"])  // the model's
        #expect(run == ["memory.enable_memory_arena_shrinkage": "cpu:0"])  // the server's

        // The server shrinks the arena, the model turns it off: the load fails, saying why.
        var other = SessionOptions()
        let arenaOff = try parse(parameter("enable_mem_arena", "0"))
        let conflict = #expect(throws: ModelLoader.LoadFailure.self) {
            try ModelLoader.sessionOptions(arenaOff, backend: backend, into: &other)
        }
        #expect(
            conflict?.reason.contains("'enable_mem_arena' turns the arena off") == true,
            "\(String(describing: conflict))")

        // Global pools: the thread counts are the pools', the other settings still apply.
        var pooled = try BackendConfiguration(settings: [
            "onnxruntime,enable-global-threadpool=1", "onnxruntime,execution_mode=1",
        ])
        pooled.intraOpThreadCount = 2
        var options2 = SessionOptions()
        _ = try ModelLoader.sessionOptions(
            parse(parameter("intra_op_thread_count", "3")), backend: pooled, into: &options2)
        #expect(options2.usesGlobalThreadPools)
        #expect(options2.intraOpThreads == 0 && options2.interOpThreads == 0)
        #expect(options2.executionMode == .parallel)
    }

    @Test(
        "bad --backend-config model defaults are refused by name",
        arguments: [
            ("onnxruntime,execution_mode=2", "onnxruntime,execution_mode: Invalid configuration value provided"),
            ("onnxruntime,enable_mem_arena=maybe", "failed to convert 'maybe' to boolean"),
            ("onnxruntime,session.bogus=1", "unknown setting 'session.bogus' of the onnxruntime backend"),
            ("onnxruntime,memory.enable_memory_arena_shrinkage=gpu:0", "must be \"cpu:0\""),
        ] as [(String, String)])
    func badBackendDefaults(_ setting: String, _ expected: String) {
        let error = #expect(throws: BackendConfigurationError.self) {
            try BackendConfiguration(settings: [setting])
        }
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
    }

    @Test("--backend-config refuses shrinking an arena it turns off")
    func backendConflict() {
        let error = #expect(throws: BackendConfigurationError.self) {
            try BackendConfiguration(settings: [
                "onnxruntime,enable_mem_arena=off", "onnxruntime,memory.enable_memory_arena_shrinkage=cpu:0",
            ])
        }
        #expect(error?.message.contains("'enable_mem_arena' turns the arena off") == true)
    }

    @Test("execution accelerators: Triton's syntax, in order, with parameters, as execution providers")
    func accelerators() throws {
        let config = try parse(
            """
            optimization { execution_accelerators {
              cpu_execution_accelerator : [ {
                name : "openvino"
                parameters { key: "device_type" value: "CPU" }
                parameters { key: "num_of_threads" value: "2" }
              }, { name: "XNNPACK" } ]
              cpu_execution_accelerator { name: "MyPluginEP" parameters { key: "k" value: "" } }
              gpu_execution_accelerator : [ { name : "tensorrt"
                parameters { key: "precision_mode" value: "FP16" } } ]
            } graph { level: 1 } }
            """)
        #expect(config.graphOptimizationLevel == 1)
        #expect(
            config.executionAccelerators.cpu == [
                .init(name: "openvino", parameters: ["device_type": "CPU", "num_of_threads": "2"]),
                .init(name: "XNNPACK"), .init(name: "MyPluginEP", parameters: ["k": ""]),
            ])
        #expect(config.executionAccelerators.gpu == [.init(name: "tensorrt", parameters: ["precision_mode": "FP16"])])
        var options = SessionOptions()
        _ = try ModelLoader.sessionOptions(config, backend: BackendConfiguration(), into: &options)
        #expect(
            options.executionProviders == [
                .init("OpenVINOExecutionProvider", options: ["device_type": "CPU", "num_of_threads": "2"]),
                .init("XNNPACK"), .init("MyPluginEP", options: ["k": ""]),
            ])

        // Reported as Triton reports them (checked against Triton 2.51's GET .../config).
        let json = config.json["optimization"]
        #expect(
            json
                == .object([
                    "graph": .object(["level": .number(.int(1))]),
                    "execution_accelerators": .object([
                        "gpu_execution_accelerator": .array([
                            .object([
                                "name": .string("tensorrt"),
                                "parameters": .object(["precision_mode": .string("FP16")]),
                            ])
                        ]),
                        "cpu_execution_accelerator": .array([
                            .object([
                                "name": .string("openvino"),
                                "parameters": .object([
                                    "device_type": .string("CPU"), "num_of_threads": .string("2"),
                                ]),
                            ]),
                            .object(["name": .string("XNNPACK"), "parameters": .object([:])]),
                            .object(["name": .string("MyPluginEP"), "parameters": .object(["k": .string("")])]),
                        ]),
                    ]),
                ]))
        #expect(try parse("").json["optimization"] == nil)
    }

    @Test(
        "malformed execution accelerators are refused by name",
        arguments: [
            ("optimization { execution_accelerators { cpu_execution_accelerator [ { } ] } }", "has no 'name'"),
            (
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"\" } ] } }",
                "has no 'name'"
            ),
            (
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"a\" name: \"b\" } ] } }",
                "'name' is given more than once"
            ),
            (
                "optimization { execution_accelerators { npu_execution_accelerator [ { name: \"a\" } ] } }",
                "unknown field 'npu_execution_accelerator' in optimization.execution_accelerators"
            ),
            (
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"a\" device: 1 } ] } }",
                "unknown field 'device' in cpu_execution_accelerator"
            ),
            (
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"a\" "
                    + "parameters { key: \"k\" } } ] } }",
                "cpu_execution_accelerator parameter 'k' has no 'value'"
            ),
            (
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"a\" "
                    + "parameters { value: \"v\" } } ] } }",
                "a cpu_execution_accelerator 'parameters' entry has no 'key'"
            ),
            (
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"a\" "
                    + "parameters { key: \"k\" value: \"1\" } parameters { key: \"k\" value: \"2\" } } ] } }",
                "cpu_execution_accelerator parameter 'k' is given more than once"
            ),
            (
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"a\" "
                    + "parameters { key: \"k\" value: 1 } } ] } }",
                "'value' must be a quoted string"
            ),
            (
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"openvino\" }, "
                    + "{ name: \"OpenVINOExecutionProvider\" } ] } }",
                "cpu_execution_accelerator 'OpenVINOExecutionProvider' is given more than once"
            ),
            ("optimization { execution_accelerators: 1 }", "must be a message"),
            ("optimization { priority: PRIORITY_MAX }", "optimization 'priority' is not supported"),
            ("optimization { graph { level: 1 } graph { level: 2 } }", "'graph' is given more than once"),
        ] as [(String, String)])
    func malformedAccelerators(_ text: String, _ expected: String) {
        do {
            _ = try parse(text)
            Issue.record("accepted:\n\(text)")
        } catch {
            #expect(error.message.contains(expected), "\(error)")
            #expect(error.line == 1, "\(error)")
        }
    }

    /// add_f32's case `n2` (Tests/Models/add_f32.json): C = A + B.
    static func addInputs() throws -> [String: Value] {
        [
            "A": try Tensor<Float>([-5.875, -6.5, -6.75, 4.875, 4.5, 4.5], shape: [2, 3]).value,
            "B": try Tensor<Float>([-1.875, -4.375, -3.125, 4.625, 8.0, -0.375], shape: [2, 3]).value,
        ]
    }
    static let addExpected: [Float] = [-7.75, -10.875, -9.875, 9.5, 12.5, 4.125]

    @Test("memory.enable_memory_arena_shrinkage reaches every run: ONNX Runtime refuses it without an arena")
    func runEntriesReachTheRun() async throws {
        let entries = ["memory.enable_memory_arena_shrinkage": "cpu:0"]
        let withArena = ModelInstance(
            session: try Session(path: TestFiles.model("add_f32")), label: "arena", runConfigEntries: entries)
        let outputs = try await RunExecutor.run(withArena, inputs: Self.addInputs(), outputs: ["C"])
        #expect(try outputs.tensor("C", of: Float.self).scalars == Self.addExpected)

        // The same entry on a session without an arena: ONNX Runtime 1.32 (Python) says "Did not find an arena
        // based allocator registered for device-id combination in the memory arena shrink list: cpu:0".
        var options = SessionOptions()
        options.cpuMemoryArena = false
        let withoutArena = ModelInstance(
            session: try Session(path: TestFiles.model("add_f32"), options: options), label: "no-arena",
            runConfigEntries: entries)
        let inputs = try Self.addInputs()
        let error = await #expect(throws: ORTError.self) {
            try await RunExecutor.run(withoutArena, inputs: inputs, outputs: ["C"])
        }
        #expect(
            error?.message.contains("Did not find an arena based allocator") == true, "\(String(describing: error))")
        let plain = ModelInstance(
            session: try Session(path: TestFiles.model("add_f32"), options: options), label: "plain")
        let plainOutputs = try await RunExecutor.run(plain, inputs: Self.addInputs(), outputs: ["C"])
        #expect(try plainOutputs.tensor("C", of: Float.self).scalars == Self.addExpected)
    }

    @Test(
        "a model loads and answers the same with each setting",
        arguments: [
            "execution_mode: 1", "enable_mem_arena: 0", "enable_mem_pattern: 0", "memory.enable_memory_arena_shrinkage",
            "session config entries", "graph level 2", "CPU accelerator", "Azure accelerator",
        ])
    func loadsAndAnswers(_ setting: String) async throws {
        let text =
            switch setting {
            case "execution_mode: 1": parameter("execution_mode", "1") + parameter("inter_op_thread_count", "2")
            case "enable_mem_arena: 0": parameter("enable_mem_arena", "0")
            case "enable_mem_pattern: 0": parameter("enable_mem_pattern", "false")
            case "memory.enable_memory_arena_shrinkage": parameter("memory.enable_memory_arena_shrinkage", "cpu:0")
            case "session config entries":
                parameter("session.use_device_allocator_for_initializers", "1")
                    + parameter("session.disable_prepacking", "1")
                    + parameter("optimization.disable_specified_optimizers", "ConstantFolding")
            case "graph level 2": "optimization { graph { level: 2 } }"
            // The one provider besides the CPU's in the PyPI wheel: appended for real, the CPU provider runs the nodes.
            case "Azure accelerator":
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"AzureExecutionProvider\" } ] } }"
            default: "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"CPU\" } ] } }"
            }
        let config = try parse(text)
        let model = try ModelLoader.load(
            name: "m", version: 1, path: TestFiles.model("add_f32"), config: config, configFile: nil,
            limits: ServingLimits())
        let outputs = try await RunExecutor.run(model.instances[0], inputs: Self.addInputs(), outputs: ["C"])
        #expect(try outputs.tensor("C", of: Float.self).scalars == Self.addExpected)
    }

    @Test("an accelerator this ONNX Runtime does not have fails the load, in Triton's words, naming it")
    func missingAccelerator() throws {
        for name in ["XnnpackExecutionProvider", "openvino", "NoSuchEP"] {
            let config = try parse(
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"\(name)\" } ] } }")
            let error = #expect(throws: ModelLoader.LoadFailure.self) {
                try ModelLoader.load(
                    name: "m", version: 1, path: TestFiles.model("add_f32"), config: config, configFile: nil,
                    limits: ServingLimits())
            }
            let reason = error?.reason ?? ""
            #expect(
                reason.contains("unknown Execution Accelerator '\(name)' is requested (cpu_execution_accelerator)"),
                "\(reason)")
            #expect(reason.contains("is not available in this ONNX Runtime build"), "\(reason)")
        }
    }
}
#endif
