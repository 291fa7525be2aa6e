#if Server && Client
import HTTPTypes
import HummingbirdTesting
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@Suite("Health and metadata endpoints")
struct HealthAndMetadataTests {
    @Test("live and ready answer 200 once models are loaded")
    func health() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (liveStatus, live) = try await client.getJSON("/v2/health/live")
            #expect(liveStatus == .ok)
            #expect(live["live"] == .bool(true))
            let (readyStatus, ready) = try await client.getJSON("/v2/health/ready")
            #expect(readyStatus == .ok)
            #expect(ready["ready"] == .bool(true))
        }
    }

    @Test("ready is 503 before loading and while shutting down")
    func readinessStates() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, start: false)
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(try await client.getJSON("/v2/health/ready").0 == .serviceUnavailable)
            #expect(try await client.getJSON("/v2/health/live").0 == .ok)
            await server.engine.start()
            #expect(try await client.getJSON("/v2/health/ready").0 == .ok)
            server.engine.beginShutdown()
            let (status, body) = try await client.getJSON("/v2/health/ready")
            #expect(status == .serviceUnavailable)
            #expect(body["ready"] == .bool(false))
        }
    }

    @Test("strict readiness: a model that fails to load keeps the server not ready; non-strict does not")
    func strictReadiness() async throws {
        let repository = try TemporaryRepository()
        try repository.add("good", file: ServerFixtures.model("add_f32"))
        try repository.add("broken", bytes: Array("not a model".utf8))
        let strict = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(strict) { (client) async throws in
            #expect(try await client.getJSON("/v2/health/ready").0 == .serviceUnavailable)
            #expect(try await client.getJSON("/v2/models/good/ready").0 == .ok)
        }
        var configuration = ServingConfiguration(repositories: [repository.path], strictReadiness: false)
        configuration.limits = ServingLimits()
        let lenient = InferenceServer(
            configuration: ServerConfiguration(serving: configuration), logger: ServerFixtures.logger)
        await lenient.engine.start()
        try await ServerFixtures.withClient(lenient) { (client) async throws in
            #expect(try await client.getJSON("/v2/health/ready").0 == .ok)
        }
    }

    @Test("server metadata lists the extensions actually supported")
    func serverMetadata() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, body) = try await client.getJSON("/v2")
            #expect(status == .ok)
            #expect(body["name"] == .string("swift-onnxruntime"))
            #expect(body["version"]?.stringValue?.isEmpty == false)
            #expect(
                body["extensions"]
                    == .strings([
                        "classification", "sequence", "binary_tensor_data", "model_repository",
                        "model_repository(unload_dependents)", "schedule_policy", "statistics",
                        "model_configuration", "system_shared_memory", "parameters",
                    ]))
        }
        let repository = try TemporaryRepository()
        let disabled = await ServerFixtures.server(repository, access: .disabled)
        try await ServerFixtures.withClient(disabled) { (client) async throws in
            let (_, body) = try await client.getJSON("/v2")
            #expect(
                body["extensions"]
                    == .strings([
                        "classification", "sequence", "binary_tensor_data", "schedule_policy", "statistics",
                        "model_configuration", "system_shared_memory", "parameters",
                    ]))
        }
    }

    @Test("MNIST metadata: platform, versions, shapes with -1 for the batch")
    func mnistMetadata() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, body) = try await client.getJSON("/v2/models/mnist")
            #expect(status == .ok)
            #expect(body["name"] == .string("mnist"))
            #expect(body["versions"] == .strings(["1"]))
            #expect(body["platform"] == .string("onnxruntime_onnx"))
            #expect(
                body["inputs"]
                    == .array([
                        .object([
                            "name": .string("input"), "datatype": .string("FP32"), "shape": .ints([-1, 1, 28, 28]),
                        ])
                    ]))
            #expect(
                body["outputs"]
                    == .array([
                        .object(["name": .string("logits"), "datatype": .string("FP32"), "shape": .ints([-1, 10])]),
                        .object([
                            "name": .string("probabilities"), "datatype": .string("FP32"), "shape": .ints([-1, 10]),
                        ]),
                    ]))
            let (versioned, versionedBody) = try await client.getJSON("/v2/models/mnist/versions/1")
            #expect(versioned == .ok)
            #expect(versionedBody["inputs"] == body["inputs"])
        }
    }

    @Test("metadata of every datatype's identity model names the KServe datatype")
    func datatypeMetadata() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            for (datatype, model) in ServerFixtures.identityModels {
                let (status, body) = try await client.getJSON("/v2/models/\(model)")
                #expect(status == .ok)
                #expect(body["inputs"]?.arrayValue?.first?["datatype"] == .string(datatype.rawValue), "\(model)")
                #expect(body["inputs"]?.arrayValue?.first?["shape"] == .ints([2, 3]))
            }
            let (_, scalar) = try await client.getJSON("/v2/models/scalar_mul")
            #expect(scalar["inputs"]?.arrayValue?.first?["shape"] == .ints([]))
        }
    }

    @Test("model ready: 200 for a loaded model, 404 for an unknown model or version")
    func modelReady() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, body) = try await client.getJSON("/v2/models/mnist/ready")
            #expect(status == .ok)
            #expect(body == .object(["name": .string("mnist"), "ready": .bool(true)]))
            #expect(try await client.getJSON("/v2/models/mnist/versions/1/ready").0 == .ok)
            let (unknown, error) = try await client.getJSON("/v2/models/nope/ready")
            #expect(unknown == .notFound)
            #expect(error["error"]?.stringValue?.contains("nope") == true)
            #expect(try await client.getJSON("/v2/models/mnist/versions/7/ready").0 == .notFound)
            #expect(try await client.getJSON("/v2/models/mnist/versions/7").0 == .notFound)
        }
    }

    @Test("unknown model and unknown endpoint give 404 with an error body")
    func notFound() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, body) = try await client.getJSON("/v2/models/nope")
            #expect(status == .notFound)
            // Triton's text first (its clients match "Request for unknown model"), then ours.
            #expect(
                body["error"]?.stringValue == "Request for unknown model: 'nope' is not found in the model repository")
            let (endpoint, endpointBody) = try await client.getJSON("/v2/nothing/here")
            #expect(endpoint == .notFound)
            #expect(endpointBody["error"]?.stringValue?.contains("no endpoint") == true)
        }
    }

    @Test("invalid version strings are 400")
    func invalidVersion() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            for version in ["abc", "01", "0", "-1", "1.0"] {
                let (status, body) = try await client.getJSON("/v2/models/mnist/versions/\(version)")
                #expect(status == .badRequest, "\(version)")
                #expect(body["error"]?.stringValue?.contains("invalid model version") == true)
            }
        }
    }

    @Test("model configuration: Triton's JSON form, completed from the model")
    func modelConfiguration() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, config) = try await client.getJSON("/v2/models/add_f32/config")
            #expect(status == .ok)
            #expect(config["name"] == .string("add_f32"))
            #expect(config["platform"] == .string("onnxruntime_onnx"))
            #expect(config["backend"] == .string("onnxruntime"))
            #expect(config["max_batch_size"] == .number(.int(0)))
            #expect(config["version_policy"] == .object(["latest": .object(["num_versions": .number(.int(1))])]))
            let inputs = config["input"]?.arrayValue ?? []
            #expect(inputs.map { $0["name"] } == [.string("A"), .string("B")])
            #expect(inputs.first?["data_type"] == .string("TYPE_FP32"))
            #expect(inputs.first?["dims"] == .ints([-1, 3]))
            #expect(config["output"]?.arrayValue?.first?["name"] == .string("C"))
            #expect(config["instance_group"]?.arrayValue?.first?["count"] == .number(.int(1)))
            #expect(config["instance_group"]?.arrayValue?.first?["kind"] == .string("KIND_CPU"))
            #expect(config["default_model_filename"] == .string("model.onnx"))
            #expect(try await client.getJSON("/v2/models/add_f32/versions/1/config").0 == .ok)
            #expect(try await client.getJSON("/v2/models/nope/config").0 == .notFound)
            let (_, strings) = try await client.getJSON("/v2/models/identity_string/config")
            #expect(strings["input"]?.arrayValue?.first?["data_type"] == .string("TYPE_STRING"))
        }
    }
}
#endif
