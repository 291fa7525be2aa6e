#if Server && Client
import Foundation
import HTTPTypes
import HummingbirdTesting
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@Suite("Model repository: index, load, unload, control modes, version policies")
struct RepositoryTests {
    private func index(_ client: any TestClientProtocol, ready: Bool? = nil) async throws -> [JSONValue] {
        let (status, body) = try await client.postJSON(
            "/v2/repository/index", ready.map { .object(["ready": .bool($0)]) })
        #expect(status == .ok)
        return body.arrayValue ?? []
    }

    private func entry(_ entries: [JSONValue], _ name: String, version: String? = nil) -> JSONValue? {
        entries.first { $0["name"]?.stringValue == name && $0["version"]?.stringValue == version }
    }

    @Test("explicit mode: index, load, infer, unload, reload; states and reasons in the index")
    func explicitLifecycle() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        try repository.add("ident", file: ServerFixtures.model("identity_int32"))
        try repository.add("broken", bytes: Array("this is not an onnx model".utf8))
        let server = await ServerFixtures.server(repository, controlMode: .explicit, startupModels: ["ident"])
        try await ServerFixtures.withClient(server) { (client) async throws in
            var entries = try await index(client)
            #expect(entry(entries, "add") == .object(["name": .string("add")]))
            #expect(entry(entries, "ident", version: "1")?["state"] == .string("READY"))
            #expect(entry(entries, "broken") == .object(["name": .string("broken")]))
            #expect(try await index(client, ready: true).compactMap { $0["name"]?.stringValue } == ["ident"])

            // Not loaded yet: 503 (known but not ready).
            let (notReady, notReadyBody) = try await client.getJSON("/v2/models/add/ready")
            #expect(notReady == .serviceUnavailable)
            #expect(notReadyBody["ready"] == .bool(false))
            let (notLoaded, notLoadedBody) = try await client.getJSON("/v2/models/add")
            #expect(notLoaded == .serviceUnavailable)
            // Triton's text first ("Request for unknown model: 'add' has no available versions"), then why.
            #expect(
                notLoadedBody["error"]?.stringValue
                    == "Request for unknown model: 'add' has no available versions: it is not loaded")

            let (loaded, loadedBody) = try await client.postJSON("/v2/repository/models/add/load", nil)
            #expect(loaded == .ok, "\(loadedBody)")
            #expect(try await client.getJSON("/v2/models/add/ready").0 == .ok)
            var request = InferenceTestRequest()
            request.add("A", "FP32", [1, 3], json: .doubles([1, 2, 3]))
            request.add("B", "FP32", [1, 3], json: .doubles([1, 1, 1]))
            #expect(try await client.infer("add", request).output("C")?["data"] == .doubles([2, 3, 4]))

            // The broken model: 400 with the reason, UNAVAILABLE in the index with the same reason.
            let (brokenStatus, brokenBody) = try await client.postJSON(
                "/v2/repository/models/broken/load", .object([:]))
            #expect(brokenStatus == .badRequest)
            #expect(brokenBody["error"]?.stringValue?.contains("not a valid ONNX model") == true)
            entries = try await index(client)
            let broken = try #require(entry(entries, "broken", version: "1"))
            #expect(broken["state"] == .string("UNAVAILABLE"))
            #expect(broken["reason"]?.stringValue?.contains("not a valid ONNX model") == true)
            #expect(try await client.getJSON("/v2/models/broken/ready").0 == .serviceUnavailable)
            let (brokenInfer, _) = try await client.postJSON("/v2/models/broken/infer", .object(["inputs": .array([])]))
            #expect(brokenInfer == .serviceUnavailable)
            let (brokenVersion, brokenVersionBody) = try await client.getJSON("/v2/models/broken/versions/1")
            #expect(brokenVersion == .serviceUnavailable)
            let brokenText = brokenVersionBody["error"]?.stringValue ?? ""
            #expect(brokenText.hasPrefix("Request for unknown model: 'broken' version 1 is not at ready state: "))
            #expect(brokenText.contains("not a valid ONNX model"))

            // Unload: UNAVAILABLE "unloaded"; requests get 503.
            let (unloaded, _) = try await client.postJSON("/v2/repository/models/add/unload", nil)
            #expect(unloaded == .ok)
            entries = try await index(client)
            #expect(entry(entries, "add", version: "1")?["state"] == .string("UNAVAILABLE"))
            #expect(entry(entries, "add", version: "1")?["reason"] == .string("unloaded"))
            #expect(try await client.infer("add", request).status == .serviceUnavailable)
            #expect(try await client.postJSON("/v2/repository/models/add/unload", nil).0 == .ok)  // idempotent

            // Load again.
            #expect(try await client.postJSON("/v2/repository/models/add/load", nil).0 == .ok)
            #expect(try await client.infer("add", request).status == .ok)

            // Unknown models.
            #expect(try await client.postJSON("/v2/repository/models/nope/load", nil).0 == .notFound)
            #expect(try await client.postJSON("/v2/repository/models/nope/unload", nil).0 == .notFound)

            // Malformed bodies.
            #expect(
                try await client.postJSON("/v2/repository/index", .object(["ready": .number(.int(1))])).0 == .badRequest
            )
            let garbage = try await client.post("/v2/repository/index", bytes: Array("{".utf8))
            #expect(garbage.status == .badRequest)
        }
    }

    @Test("a load request's config (JSON) replaces config.pbtxt for that load, with the same checks; bad ones are 400")
    func configOverride() async throws {
        let repository = try TemporaryRepository()
        try repository.add("affine", file: ServerFixtures.model("batch_affine"), config: "max_batch_size: 8")
        let server = await ServerFixtures.server(repository, controlMode: .explicit)
        try await ServerFixtures.withClient(server) { (client) async throws in
            func load(_ config: JSONValue?) async throws -> (HTTPResponse.Status, String) {
                let body: JSONValue? = config.map { .object(["parameters": .object(["config": $0])]) }
                let (status, reply) = try await client.postJSON("/v2/repository/models/affine/load", body)
                return (status, reply["error"]?.stringValue ?? "")
            }
            func maxBatchSize() async throws -> Int64? {
                try await client.getJSON("/v2/models/affine/config").1["max_batch_size"]?.int64Value
            }
            #expect(try await load(nil).0 == .ok)
            #expect(try await maxBatchSize() == 8)
            // Triton's model control example: 64-bit integers may come as strings.
            #expect(try await load(.string(#"{"max_batch_size":"16"}"#)).0 == .ok)
            #expect(try await maxBatchSize() == 16)
            var request = InferenceTestRequest()
            request.add("x", "FP32", [1, 3], json: .doubles([1, 2, 3]))
            #expect(try await client.infer("affine", request).status == .ok)

            let refused: [(JSONValue, String)] = [
                // The wrong format from Triton's example (it expects "failed to load").
                (.string(#""parameters": {"config": {{"max_batch_size": "16"}}}"#), "is not a model configuration"),
                (.string("{"), "is not a model configuration"),
                (.string(#"{"bogus_field": 1}"#), "is not a model configuration"),
                (.string(#"{"max_batch_size": "sixteen"}"#), "is not a model configuration"),
                (.number(.int(16)), "must be a string holding the configuration as JSON, got an integer"),
                (.string(#"{"name": "other"}"#), "names the model 'other', but the request loads 'affine'"),
                (
                    .string(#"{"model_operations": {"op_library_filename": ["/tmp/libevil.so"]}}"#),
                    "'model_operations' cannot be given in a load request"
                ),
                (.string(#"{"max_batch_size": -1}"#), "'max_batch_size' must be at least 0"),
                (
                    .string(
                        #"{"max_batch_size": 4, "input": [{"name": "x", "data_type": "TYPE_INT32", "dims": ["3"]}]}"#),
                    "TYPE_INT32"
                ),
            ]
            for (config, expected) in refused {
                let (status, error) = try await load(config)
                #expect(status == .badRequest, "\(config)")
                #expect(error.hasPrefix("failed to load"), "\(error)")
                #expect(error.contains(expected), "\(config): \(error)")
            }
            // A failed load leaves the model as it was: still serving, still with the override that loaded.
            #expect(try await client.infer("affine", request).status == .ok)
            // Loading again without a config reads config.pbtxt.
            #expect(try await load(nil).0 == .ok)
            #expect(try await maxBatchSize() == 8)
        }
    }

    @Test("a model added to the repository after start can be loaded; a removed one leaves the index")
    func newModelsAppear() async throws {
        let repository = try TemporaryRepository()
        let server = await ServerFixtures.server(repository, controlMode: .explicit)
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(try await index(client).isEmpty)
            try repository.add("late", file: ServerFixtures.model("identity_int32"))
            #expect(entry(try await index(client), "late") != nil)
            #expect(try await client.postJSON("/v2/repository/models/late/load", nil).0 == .ok)
            #expect(try await client.getJSON("/v2/models/late/ready").0 == .ok)
            try repository.add("gone", file: ServerFixtures.model("identity_int32"))
            #expect(entry(try await index(client), "gone") != nil)
            try repository.remove("gone")
            #expect(entry(try await index(client), "gone") == nil)
            #expect(try await client.getJSON("/v2/models/gone").0 == .notFound)
        }
    }

    @Test("none and poll modes refuse load and unload through the API")
    func controlModeNone() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(entry(try await index(client), "add", version: "1")?["state"] == .string("READY"))
            let (status, body) = try await client.postJSON("/v2/repository/models/add/unload", nil)
            #expect(status == .badRequest)
            #expect(body["error"]?.stringValue?.contains("--model-control-mode explicit") == true)
            #expect(try await client.postJSON("/v2/repository/models/add/load", nil).0 == .badRequest)
        }
    }

    @Test("poll mode loads new models, reloads changed versions and unloads removed ones")
    func pollMode() async throws {
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("identity_int32"))
        let server = await ServerFixtures.server(repository, controlMode: .poll)
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(try await client.getJSON("/v2/models/m").1["versions"] == .strings(["1"]))
            // A new version: the default policy serves only the latest.
            try repository.add("m", version: 2, file: ServerFixtures.model("identity_int32"))
            try repository.add("n", file: ServerFixtures.model("add_f32"))
            await server.engine.pollRepository()
            #expect(try await client.getJSON("/v2/models/m").1["versions"] == .strings(["2"]))
            #expect(try await client.getJSON("/v2/models/m/versions/1/ready").0 == .serviceUnavailable)
            #expect(try await client.getJSON("/v2/models/n/ready").0 == .ok)
            // A changed model file is reloaded: int32 identity becomes float32 identity.
            try repository.add("m", version: 2, file: ServerFixtures.model("identity_float32"))
            await server.engine.pollRepository()
            let (_, metadata) = try await client.getJSON("/v2/models/m")
            #expect(metadata["inputs"]?.arrayValue?.first?["datatype"] == .string("FP32"))
            // Removed models are unloaded.
            try repository.remove("n")
            await server.engine.pollRepository()
            #expect(try await client.getJSON("/v2/models/n").0 == .notFound)
            #expect(entry(try await index(client), "n", version: "1") == nil)
        }
    }

    @Test("the poll service rescans on its own")
    func pollService() async throws {
        let repository = try TemporaryRepository()
        let server = await ServerFixtures.server(repository, controlMode: .poll, start: false)
        try await server.makeApplication().test(.live) { client in
            try repository.add("later", file: ServerFixtures.model("identity_int32"))
            var ready = false
            for _ in 0..<100 where !ready {
                try await Task.sleep(for: .milliseconds(100))
                ready = try await client.execute(uri: "/v2/models/later/ready", method: .get).status == .ok
            }
            #expect(ready)
        }
    }

    @Test("version policies: latest N, all, specific; missing versions are reported")
    func versionPolicies() async throws {
        let repository = try TemporaryRepository()
        for version in [1, 2, 3] {
            try repository.add("latest2", version: version, file: ServerFixtures.model("identity_int32"))
            try repository.add("all", version: version, file: ServerFixtures.model("identity_int32"))
            try repository.add("specific", version: version, file: ServerFixtures.model("identity_int32"))
            try repository.add("default", version: version, file: ServerFixtures.model("identity_int32"))
        }
        try repository.writeConfig("latest2", "version_policy: { latest: { num_versions: 2 } }")
        try repository.writeConfig("all", "version_policy { all {} }")
        try repository.writeConfig("specific", "version_policy { specific { versions: [1, 3, 7] } }")
        // Non-numeric, zero and zero-padded directories are not versions.
        for ignored in ["0", "01", "abc"] {
            try FileManager.default.createDirectory(
                atPath: "\(repository.path)/default/\(ignored)", withIntermediateDirectories: true)
        }
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(try await client.getJSON("/v2/models/latest2").1["versions"] == .strings(["2", "3"]))
            #expect(try await client.getJSON("/v2/models/all").1["versions"] == .strings(["1", "2", "3"]))
            #expect(try await client.getJSON("/v2/models/specific").1["versions"] == .strings(["1", "3"]))
            #expect(try await client.getJSON("/v2/models/default").1["versions"] == .strings(["3"]))
            let entries = try await index(client)
            #expect(entry(entries, "specific", version: "7")?["state"] == .string("UNAVAILABLE"))
            #expect(entry(entries, "specific", version: "7")?["reason"]?.stringValue?.contains("not found") == true)
            #expect(entry(entries, "specific", version: "2") == nil)
            // Requests without a version go to the highest loaded one.
            var request = InferenceTestRequest()
            request.add("x", "INT32", [2, 3], json: .ints([1, 2, 3, 4, 5, 6]))
            #expect(try await client.infer("all", request).json["model_version"] == .string("3"))
            #expect(try await client.infer("all", request, version: 1).json["model_version"] == .string("1"))
            #expect(try await client.infer("latest2", request, version: 1).status == .notFound)
            let (_, config) = try await client.getJSON("/v2/models/specific/config")
            #expect(config["version_policy"] == .object(["specific": .object(["versions": .ints([1, 3, 7])])]))
        }
    }

    @Test("configuration problems make the model UNAVAILABLE with file, line and reason")
    func configProblemsAtLoad() async throws {
        let repository = try TemporaryRepository()
        let cases: [(String, String, String)] = [
            ("syntax", "max_batch_size: 0\ninput [ { name: \"x\" ", "config.pbtxt:2"),
            ("platform", "platform: \"tensorflow_graphdef\"", "platform 'tensorflow_graphdef' is not supported"),
            ("wrongname", "name: \"other\"", "names the model 'other'"),
            ("dtype", "input [ { name: \"x\", data_type: TYPE_FP32, dims: [2, 3] } ]", "declared TYPE_FP32"),
            ("dims", "input [ { name: \"x\", data_type: TYPE_INT32, dims: [3, 2] } ]", "dimension 0 differs"),
            ("noinput", "input [ { name: \"q\", data_type: TYPE_INT32, dims: [2, 3] } ]", "'q' is not an input"),
            ("batch", "max_batch_size: 4", "first dimension is not dynamic"),
            (
                "reshape", "input [ { name: \"x\", data_type: TYPE_INT32, dims: [6], reshape: { shape: [3, 2] } } ]",
                "input 'x' is declared with reshape [3, 2], but the model's shape is [2, 3] (dimension 0 differs)"
            ),
            ("gpu", "instance_group [ { kind: KIND_GPU } ]", "KIND_GPU"),
        ]
        for (name, config, _) in cases {
            try repository.add(name, file: ServerFixtures.model("identity_int32"), config: config)
        }
        try repository.add("novers", file: ServerFixtures.model("identity_int32"))
        try repository.remove("novers", version: 1)
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let entries = try await index(client)
            for (name, _, expected) in cases {
                let found = entries.first { $0["name"]?.stringValue == name && $0["state"] == .string("UNAVAILABLE") }
                #expect(found != nil, "\(name)")
                let reason = found?["reason"]?.stringValue ?? ""
                #expect(reason.contains(expected), "\(name): \(reason)")
                let (status, body) = try await client.getJSON("/v2/models/\(name)/ready")
                #expect(status == .serviceUnavailable, "\(name)")
                #expect(body["error"]?.stringValue?.contains(expected) == true, "\(name)")
            }
            let noVersions = entries.first { $0["name"]?.stringValue == "novers" }
            #expect(noVersions?["reason"]?.stringValue?.contains("no version directories") == true)
        }
    }

    @Test("instance_group count N creates N sessions; default_model_filename is honoured")
    func instancesAndFilename() async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "multi", file: ServerFixtures.model("identity_int32"),
            config: """
                instance_group [ { count: 2, kind: KIND_CPU }, { count: 1 } ]
                default_model_filename: "net.onnx"
                parameters { key: "intra_op_thread_count" value: { string_value: "1" } }
                """, fileName: "net.onnx")
        let server = await ServerFixtures.server(repository)
        let model = try server.engine.model("multi", version: nil)
        #expect(model.instanceCount == 3)
        #expect(model.path.hasSuffix("/multi/1/net.onnx"))
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("x", "INT32", [2, 3], json: .ints([1, 2, 3, 4, 5, 6]))
            let shared = request
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        let response = try await client.infer("multi", shared)
                        #expect(response.status == .ok)
                    }
                }
                try await group.waitForAll()
            }
            let (_, config) = try await client.getJSON("/v2/models/multi/config")
            #expect(config["instance_group"]?.arrayValue?.count == 2)
            #expect(config["default_model_filename"] == .string("net.onnx"))
            #expect(
                config["parameters"]
                    == .object(["intra_op_thread_count": .object(["string_value": .string("1")])]))
        }
    }

    @Test("a single-file model (--model NAME=PATH) is served as version 1")
    func singleFileModel() async throws {
        let repository = try TemporaryRepository()
        let server = await ServerFixtures.server(repository, models: ["solo": ServerFixtures.model("add_f32")])
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, metadata) = try await client.getJSON("/v2/models/solo")
            #expect(status == .ok)
            #expect(metadata["versions"] == .strings(["1"]))
            #expect(entry(try await index(client), "solo", version: "1")?["state"] == .string("READY"))
        }
    }
}
#endif
