#if Server
import Foundation
import GRPCCore
import HTTPTypes
import HummingbirdTesting
import KServeGRPCProtocol
import ONNXRuntimeServer
import ONNXRuntimeServing
import SwiftProtobuf
import Testing

/// Triton's model files on load (`file:<path>` parameters with a `config`), over REST and gRPC. Serialized: each test
/// checks that no upload directory is left in the temporary directory, and these are the only tests that make them.
@Suite("Model files sent with a load request", .serialized)
struct ModelUploadTests {
    static let addModel = try! Data(contentsOf: URL(fileURLWithPath: ServerFixtures.model("add_f32")))

    /// The upload directories in the temporary directory made since `start` (older ones, left by a process that was
    /// killed while loading, are not this test's).
    static func leftovers(since start: Date) throws -> [String] {
        let parent = FileManager.default.temporaryDirectory.path
        return try FileManager.default.contentsOfDirectory(atPath: parent).filter { name in
            guard name.hasPrefix("ort-upload-") else { return false }
            let attributes = try? FileManager.default.attributesOfItem(atPath: "\(parent)/\(name)")
            let modified = attributes?[.modificationDate] as? Date ?? .distantFuture
            return modified >= start.addingTimeInterval(-1)
        }
    }

    /// add_f32's request, and its answer by hand: [1, 2, 3] + [0.5, 0.25, -4].
    static var addRequest: InferenceTestRequest {
        var request = InferenceTestRequest()
        request.add("A", "FP32", [1, 3], json: .doubles([1, 2, 3]))
        request.add("B", "FP32", [1, 3], json: .doubles([0.5, 0.25, -4]))
        return request
    }
    static let addAnswer = JSONValue.doubles([1.5, 2.25, -1])

    @Test("REST: files and a config load in place of the repository's model, or as a new one; unload forgets it")
    func restUpload() async throws {
        let start = Date()
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("identity_int32"))
        let server = await ServerFixtures.server(repository, controlMode: .explicit, startupModels: ["m"])
        try await ServerFixtures.withClient(server) { (client) async throws in
            var identity = InferenceTestRequest()
            identity.add("x", "INT32", [2, 3], json: .ints([7, -9, 0, 1, 2, 3]))
            let first = try await client.infer("m", identity)
            #expect(first.output("y")?["data"] == .ints([7, -9, 0, 1, 2, 3]), "\(first)")

            // The repository's "m" is replaced by add_f32, sent as version 2 with a configuration.
            let upload: JSONValue = .object([
                "parameters": .object([
                    "config": .string(#"{"max_batch_size": 4}"#),
                    "file:2/model.onnx": .string(Self.addModel.base64EncodedString()),
                ])
            ])
            let (status, body) = try await client.postJSON("/v2/repository/models/m/load", upload)
            #expect(status == .ok, "\(body)")
            #expect(try await client.infer("m", Self.addRequest).output("C")?["data"] == Self.addAnswer)
            #expect(try await client.getJSON("/v2/models/m/versions/2/ready").0 == .ok)
            #expect(try await client.getJSON("/v2/models/m/versions/1/ready").0 != .ok)
            #expect(try await client.getJSON("/v2/models/m/config").1["max_batch_size"]?.int64Value == 4)
            #expect(try Self.leftovers(since: start).isEmpty)

            // A load without files reads the repository again.
            #expect(try await client.postJSON("/v2/repository/models/m/load", nil).0 == .ok)
            #expect(try await client.infer("m", identity).output("y")?["data"] == .ints([7, -9, 0, 1, 2, 3]))

            // A model the repository does not have: listed while loaded, forgotten once unloaded.
            let fresh: JSONValue = .object([
                "parameters": .object([
                    "config": .string("{}"), "file:3/model.onnx": .string(Self.addModel.base64EncodedString()),
                ])
            ])
            #expect(try await client.postJSON("/v2/repository/models/fresh/load", fresh).0 == .ok)
            #expect(try await client.infer("fresh", Self.addRequest).output("C")?["data"] == Self.addAnswer)
            let index = try await client.postJSON("/v2/repository/index", nil).1
            #expect(
                index.arrayValue?.contains(
                    .object([
                        "name": .string("fresh"), "version": .string("3"), "state": .string("READY"),
                        "reason": .string(""),
                    ])) == true,
                "\(index)")
            #expect(try await client.postJSON("/v2/repository/models/fresh/unload", nil).0 == .ok)
            let after = try await client.postJSON("/v2/repository/index", nil).1
            #expect(Set(after.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []) == ["m"], "\(after)")
            // Nothing was written into the repository.
            #expect(try FileManager.default.contentsOfDirectory(atPath: repository.path) == ["m"])
            #expect(try Self.leftovers(since: start).isEmpty)
        }
    }

    @Test("REST: bad files are refused with a clear reason; a model that was serving keeps serving")
    func restRefusals() async throws {
        let start = Date()
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, controlMode: .explicit, startupModels: ["m"])
        let model = JSONValue.string(Self.addModel.base64EncodedString())
        let config = JSONValue.string("{}")
        try await ServerFixtures.withClient(server) { (client) async throws in
            let poll = "failed to load 'm', failed to poll from model repository: "
            let cases: [([String: JSONValue], HTTPResponse.Status, String)] = [
                // Triton's status and text, then the reason.
                (
                    ["file:1/model.onnx": model], .internalServerError,
                    poll + "model files need the load parameter 'config'"
                ),
                (
                    ["config": config, "file:../x": model], .internalServerError,
                    poll + "the file path '../x' has a '..' part"
                ),
                (["config": config, "file:1/../../x": model], .internalServerError, "has a '..' part"),
                (["config": config, "file:./1/model.onnx": model], .internalServerError, "has a '.' part"),
                (["config": config, "file:/tmp/x": model], .internalServerError, "is absolute"),
                (["config": config, "file:": model], .internalServerError, "names no file"),
                (["config": config, "file:1//model.onnx": model], .internalServerError, "has an empty part"),
                (["config": config, "file:1/a\u{0}b": model], .internalServerError, "contains a NUL byte"),
                (
                    ["config": config, "file:" + String(repeating: "A", count: 256): model], .internalServerError,
                    "is longer than 255 bytes"
                ),
                (
                    ["config": config, "file:" + Array(repeating: "d", count: 2000).joined(separator: "/"): model],
                    .internalServerError, "is longer than 3072 bytes"
                ),
                // One path is a file and a directory.
                (
                    ["config": config, "file:1": model, "file:1/model.onnx": model], .internalServerError,
                    "cannot write"
                ),
                (["config": config, "file:1/model.onnx": .number(.int(5))], .badRequest, "base64, got an integer"),
                (["config": config, "file:1/model.onnx": .string("!!not base64")], .badRequest, "is not base64"),
                // Files that are no model, and a configuration that names native code.
                (["config": config, "file:1/model.onnx": .string("AAAA")], .badRequest, "failed to load model 'm'"),
                (
                    [
                        "config": .string(#"{"model_operations": {"op_library_filename": ["libx.so"]}}"#),
                        "file:1/model.onnx": model, "file:1/libx.so": .string("AAAA"),
                    ], .badRequest, "'model_operations' cannot be given in a load request"
                ),
            ]
            for (parameters, status, expected) in cases {
                let (got, body) = try await client.postJSON(
                    "/v2/repository/models/m/load",
                    .object([
                        "parameters": .object(
                            JSONObject(parameters.sorted { $0.key < $1.key }.map { (key: $0.key, value: $0.value) }))
                    ]))
                let error = body["error"]?.stringValue ?? ""
                #expect(got == status, "\(parameters.keys.sorted()): \(error)")
                #expect(error.hasPrefix("failed to load"), "\(error)")
                #expect(error.contains(expected), "\(parameters.keys.sorted()): \(error)")
                #expect(try await client.infer("m", Self.addRequest).output("C")?["data"] == Self.addAnswer)
            }
            // A new model whose files do not load is not listed.
            let bad: JSONValue = .object([
                "parameters": .object(["config": config, "file:1/model.onnx": .string("AAAA")])
            ])
            #expect(try await client.postJSON("/v2/repository/models/other/load", bad).0 == .badRequest)
            let index = try await client.postJSON("/v2/repository/index", nil).1
            #expect(Set(index.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []) == ["m"], "\(index)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: repository.path) == ["m"])
            #expect(try Self.leftovers(since: start).isEmpty)
        }
    }

    @Test("REST: external data stays inside the sent directory; ONNX Runtime refuses a path that leaves it")
    func restExternalData() async throws {
        let start = Date()
        let repository = try TemporaryRepository()
        let server = await ServerFixtures.server(repository, controlMode: .explicit)
        @Sendable func file(_ name: String) throws -> JSONValue {
            .string(
                try Data(contentsOf: URL(fileURLWithPath: HostileModelTests.securityModel(name))).base64EncodedString())
        }
        let weights = JSONValue.string(Data(HostileModelTests.weights).base64EncodedString())
        try await ServerFixtures.withClient(server) { (client) async throws in
            func load(_ model: String) async throws -> (HTTPResponse.Status, String) {
                let body: JSONValue = .object([
                    "parameters": .object([
                        "config": .string("{}"), "file:1/model.onnx": try file(model), "file:1/weights.bin": weights,
                    ])
                ])
                let (status, reply) = try await client.postJSON("/v2/repository/models/\(model)/load", body)
                return (status, reply["error"]?.stringValue ?? "")
            }
            #expect(try await load("external_inside").0 == .ok)
            var request = InferenceTestRequest()
            request.add("x", "FP32", [3], json: .doubles([0.5, 0.5, 0.5]))
            #expect(
                try await client.infer("external_inside", request).output("y")?["data"] == .doubles([1.5, 2.5, 3.5]))
            let escape = try await load("external_escape")
            #expect(escape.0 == .badRequest && escape.1.contains("escapes model directory"), "\(escape)")
            let absolute = try await load("external_absolute")
            #expect(absolute.0 == .badRequest && absolute.1.contains("Absolute path not allowed"), "\(absolute)")
            #expect(try Self.leftovers(since: start).isEmpty)
        }
    }

    @Test("with model upload turned off, files are refused with 400 and nothing is written")
    func uploadDisabled() async throws {
        let start = Date()
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("add_f32"))
        var serving = ServingConfiguration(
            repositories: [repository.path], controlMode: .explicit, startupModels: ["m"])
        serving.modelUploadEnabled = false
        let server = InferenceServer(
            configuration: ServerConfiguration(port: 0, serving: serving), logger: ServerFixtures.logger)
        await server.engine.start()
        try await ServerFixtures.withClient(server) { (client) async throws in
            for name in ["m", "new"] {
                let upload: JSONValue = .object([
                    "parameters": .object([
                        "config": .string("{}"), "file:1/model.onnx": .string(Self.addModel.base64EncodedString()),
                    ])
                ])
                let (status, body) = try await client.postJSON("/v2/repository/models/\(name)/load", upload)
                #expect(status == .badRequest)
                #expect(body["error"]?.stringValue?.contains("--disable-model-upload") == true, "\(body)")
            }
            #expect(try await client.infer("m", Self.addRequest).output("C")?["data"] == Self.addAnswer)
            #expect(try FileManager.default.contentsOfDirectory(atPath: repository.path) == ["m"])
            #expect(try Self.leftovers(since: start).isEmpty)
        }
    }

    @Test(
        "gRPC: files as bytes_param load a model; a name past 255 bytes is INTERNAL as in Triton; other kinds refused")
    func grpcUpload() async throws {
        let start = Date()
        try await GRPCTestServer.withClient(models: ["add_f32"], startupModels: []) { client, _ in
            _ = try await client.repositoryModelLoad(
                .with {
                    $0.modelName = "sent"
                    $0.parameters = [
                        "config": .with { $0.stringParam = "{}" },
                        "file:1/model.onnx": .with { $0.bytesParam = Self.addModel },
                    ]
                })
            #expect(try await client.modelReady(.with { $0.name = "sent" }).ready)
            let metadata = try await client.modelMetadata(.with { $0.name = "sent" })
            #expect(metadata.inputs.map(\.name) == ["A", "B"] && metadata.outputs.map(\.name) == ["C"])
            var request = Inference_ModelInferRequest()
            request.modelName = "sent"
            for (name, values) in [("A", [Float(1), 2, 3]), ("B", [0.5, 0.25, -4])] {
                request.inputs.append(
                    .with {
                        $0.name = name
                        $0.datatype = "FP32"
                        $0.shape = [1, 3]
                        $0.contents.fp32Contents = values
                    })
            }
            let reply = try await client.modelInfer(request)
            let sums = reply.rawOutputContents.first.map { data in
                data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
            }
            #expect(sums == [1.5, 2.25, -1])

            await GRPCServerTests.expectError(.internalError, containing: "failed to poll from model repository") {
                _ = try await client.repositoryModelLoad(
                    .with {
                        $0.modelName = "sent"
                        $0.parameters = [
                            "config": .with { $0.stringParam = "{}" },
                            "file:" + String(repeating: "A", count: 256): .with { $0.bytesParam = Data([1]) },
                        ]
                    })
            }
            await GRPCServerTests.expectError(.invalidArgument, containing: "must hold the file's bytes (bytes_param)")
            {
                _ = try await client.repositoryModelLoad(
                    .with {
                        $0.modelName = "sent"
                        $0.parameters = [
                            "config": .with { $0.stringParam = "{}" },
                            "file:1/model.onnx": .with { $0.stringParam = "AAAA" },
                        ]
                    })
            }
            // The failed loads left the model serving.
            #expect(try await client.modelReady(.with { $0.name = "sent" }).ready)
            #expect(try Self.leftovers(since: start).isEmpty)
        }
    }
}
#endif
