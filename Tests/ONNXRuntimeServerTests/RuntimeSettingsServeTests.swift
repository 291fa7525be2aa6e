#if Server && Client
import Foundation
import HTTPTypes
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Per-model ONNX Runtime settings and execution accelerators over REST: models that set them load and answer, the
/// configuration reports them as Triton does, and a load that cannot use them fails with a 400 that names the model
/// and what is wrong.
@Suite("ONNX Runtime settings served over REST")
struct RuntimeSettingsServeTests {
    /// add_f32's case `n2` (Tests/Models/add_f32.json): C = A + B, exact in binary floating point.
    static func addRequest() -> InferenceTestRequest {
        var request = InferenceTestRequest()
        request.add("A", "FP32", [2, 3], json: .doubles([-5.875, -6.5, -6.75, 4.875, 4.5, 4.5]))
        request.add("B", "FP32", [2, 3], json: .doubles([-1.875, -4.375, -3.125, 4.625, 8.0, -0.375]))
        return request
    }
    static let addExpected: JSONValue = .doubles([-7.75, -10.875, -9.875, 9.5, 12.5, 4.125])

    /// Triton's example syntax (onnxruntime_backend README), with a GPU accelerator this server reports but does not
    /// use, and the CPU provider named as a CPU accelerator.
    static let tuned = """
        optimization { execution_accelerators {
          gpu_execution_accelerator : [ { name : "tensorrt" parameters { key: "precision_mode" value: "FP16" } } ]
          cpu_execution_accelerator : [ { name : "CPUExecutionProvider" } ]
        } }
        parameters { key: "intra_op_thread_count" value: { string_value: "1" } }
        parameters { key: "execution_mode" value: { string_value: "1" } }
        parameters { key: "inter_op_thread_count" value: { string_value: "2" } }
        parameters { key: "enable_mem_arena" value: { string_value: "1" } }
        parameters { key: "enable_mem_pattern" value: { string_value: "0" } }
        parameters { key: "memory.enable_memory_arena_shrinkage" value: { string_value: "cpu:0" } }
        parameters { key: "session.use_device_allocator_for_initializers" value: { string_value: "1" } }
        """

    @Test("a model with every Triton ORT setting answers as without, and its configuration reports them as Triton")
    func servedAndReported() async throws {
        let repository = try TemporaryRepository()
        try repository.add("tuned", file: ServerFixtures.model("add_f32"), config: Self.tuned)
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            for _ in 0..<3 {
                let response = try await client.infer("tuned", Self.addRequest())
                #expect(response.status == .ok)
                #expect(response.output("C")?["data"] == Self.addExpected)
            }
            let (status, config) = try await client.getJSON("/v2/models/tuned/config")
            #expect(status == .ok)
            // Triton 2.51 reports parameters as {"key": {"string_value": "..."}} and both accelerator lists.
            #expect(config["parameters"]?["execution_mode"] == .object(["string_value": .string("1")]))
            #expect(
                config["parameters"]?["memory.enable_memory_arena_shrinkage"]
                    == .object(["string_value": .string("cpu:0")]))
            let keys = [
                "intra_op_thread_count", "execution_mode", "inter_op_thread_count", "enable_mem_arena",
                "enable_mem_pattern", "memory.enable_memory_arena_shrinkage",
                "session.use_device_allocator_for_initializers",
            ]
            #expect(config["parameters"]?.objectValue.map { $0.map(\.key).sorted() } == keys.sorted())
            let accelerators = config["optimization"]?["execution_accelerators"]
            #expect(
                accelerators?["gpu_execution_accelerator"]
                    == .array([
                        .object([
                            "name": .string("tensorrt"), "parameters": .object(["precision_mode": .string("FP16")]),
                        ])
                    ]))
            #expect(
                accelerators?["cpu_execution_accelerator"]
                    == .array([.object(["name": .string("CPUExecutionProvider"), "parameters": .object([:])])]))
        }
    }

    @Test(
        "a load that cannot use its settings fails with 400, naming the model and the problem",
        arguments: [
            (
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"XnnpackExecutionProvider\" } ] } }",
                "unknown Execution Accelerator 'XnnpackExecutionProvider' is requested"
            ),
            (
                "optimization { execution_accelerators { cpu_execution_accelerator [ { name: \"openvino\" } ] } }",
                "execution provider 'OpenVINOExecutionProvider' is not available in this ONNX Runtime build"
            ),
            (
                "parameters { key: \"execution_mode\" value: { string_value: \"2\" } }",
                "Expected values for execution_mode are 0 or 1 but got '2'"
            ),
            (
                "parameters { key: \"enable_mem_arena\" value: { string_value: \"maybe\" } }",
                "failed to convert 'maybe' to boolean"
            ),
            (
                "parameters { key: \"intra_op_thread_count\" value: { string_value: \"-2\" } }",
                "parameter 'intra_op_thread_count' must be a whole number of threads"
            ),
            (
                "parameters { key: \"enable_memory_arena\" value: { string_value: \"1\" } }",
                "parameter 'enable_memory_arena' is not supported; the ONNX Runtime parameters are"
            ),
        ] as [(String, String)])
    func refusedLoad(_ config: String, _ expected: String) async throws {
        let repository = try TemporaryRepository()
        try repository.add("bad", file: ServerFixtures.model("add_f32"), config: config)
        let server = await ServerFixtures.server(repository, controlMode: .explicit)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, body) = try await client.postJSON("/v2/repository/models/bad/load", nil)
            #expect(status == .badRequest, "\(body)")
            let message = body["error"]?.stringValue ?? ""
            #expect(message.contains("failed to load model 'bad'"), "\(message)")
            #expect(message.contains(expected), "\(message)")
            #expect(try await client.getJSON("/v2/models/bad/ready").0 != .ok)
        }
    }

    @Test("a load request's JSON config (Triton's override) carries parameters and execution accelerators")
    func configOverride() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, controlMode: .explicit)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let json = """
                {"optimization": {"execution_accelerators": {"cpu_execution_accelerator": \
                [{"name": "CPU", "parameters": {"k": "v"}}]}}, \
                "parameters": {"execution_mode": {"string_value": "1"}}}
                """
            let load: JSONValue = .object(["parameters": .object(["config": .string(json)])])
            let (status, body) = try await client.postJSON("/v2/repository/models/add/load", load)
            #expect(status == .ok, "\(body)")
            let response = try await client.infer("add", Self.addRequest())
            #expect(response.output("C")?["data"] == Self.addExpected)
            let config = try await client.getJSON("/v2/models/add/config").1
            #expect(config["parameters"]?["execution_mode"]?["string_value"] == .string("1"))
            #expect(
                config["optimization"]?["execution_accelerators"]?["cpu_execution_accelerator"]
                    == .array([.object(["name": .string("CPU"), "parameters": .object(["k": .string("v")])])]))

            // The same override with an accelerator this ONNX Runtime lacks: refused, naming it.
            let missing = json.replacingOccurrences(of: "\"CPU\"", with: "\"XNNPACK\"")
            let (refused, error) = try await client.postJSON(
                "/v2/repository/models/add/load", .object(["parameters": .object(["config": .string(missing)])]))
            #expect(refused == .badRequest)
            #expect(
                error["error"]?.stringValue?.contains("unknown Execution Accelerator 'XNNPACK' is requested") == true,
                "\(error)")
        }
    }
}
#endif
