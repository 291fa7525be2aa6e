#if Server && Client
import Foundation
import HTTPTypes
import HummingbirdTesting
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// What a hostile `.onnx` file in the repository can and cannot do (the models are made by
/// `scripts/generate-security-models.py`; SECURITY.md explains each case). A model that fails to load is
/// UNAVAILABLE with its reason and never takes the server down; the others keep serving.
@Suite("Security: hostile model files")
struct HostileModelTests {
    static func securityModel(_ name: String) -> String {
        ServerFixtures.root.appendingPathComponent("Tests/Models/Security/\(name).onnx").path
    }

    /// The three weights of the external-data models, float32 little-endian: [1, 2, 3].
    static let weights: [UInt8] = [1.0, 2.0, 3.0].flatMap { (value: Float) in
        withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }
    /// A file outside every model directory that a hostile model tries to read: [100, 200, 300].
    static let secret: [UInt8] = [100.0, 200.0, 300.0].flatMap { (value: Float) in
        withUnsafeBytes(of: value.bitPattern.littleEndian, Array.init)
    }

    static func reason(_ client: any TestClientProtocol, _ name: String) async throws -> String {
        let (_, body) = try await client.postJSON("/v2/repository/index", nil)
        let entry = body.arrayValue?.first { $0["name"]?.stringValue == name && $0["version"]?.stringValue == "1" }
        #expect(entry?["state"] == .string("UNAVAILABLE"), "\(name): \(String(describing: entry))")
        return entry?["reason"]?.stringValue ?? ""
    }

    @Test("external data: inside the model's folder loads; escaping paths, absolute paths and symlinks out do not")
    func externalData() async throws {
        let repository = try TemporaryRepository()
        for name in ["external_inside", "external_escape", "external_absolute", "external_link", "external_oversize"] {
            try repository.add(name, file: Self.securityModel(name))
            try Data(Self.weights).write(to: URL(fileURLWithPath: "\(repository.path)/\(name)/1/weights.bin"))
        }
        // external_escape points at ../../secret.bin from <repo>/<model>/1/: the repository folder itself.
        try Data(Self.secret).write(to: URL(fileURLWithPath: "\(repository.path)/secret.bin"))
        try FileManager.default.createSymbolicLink(
            atPath: "\(repository.path)/external_link/1/link.bin", withDestinationPath: "\(repository.path)/secret.bin")
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("x", "FP32", [3], json: .doubles([0.5, 0.5, 0.5]))
            let inside = try await client.infer("external_inside", request)
            #expect(inside.output("y")?["data"] == .doubles([1.5, 2.5, 3.5]))

            #expect(try await Self.reason(client, "external_escape").contains("escapes model directory"))
            #expect(try await Self.reason(client, "external_absolute").contains("Absolute path not allowed"))
            #expect(try await Self.reason(client, "external_link").contains("escapes model directory"))
            #expect(try await Self.reason(client, "external_oversize").contains("size mismatch"))
            for name in ["external_escape", "external_absolute", "external_link", "external_oversize"] {
                #expect(try await client.infer(name, request).status == .serviceUnavailable, "\(name)")
            }
        }
    }

    @Test("a custom operator is not loaded: the server registers no custom-op library")
    func customOperator() async throws {
        let repository = try TemporaryRepository()
        try repository.add("evil", file: Self.securityModel("custom_op"))
        try repository.add("ok", file: ServerFixtures.model("identity_int32"))
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(try await Self.reason(client, "evil").contains("com.example.evil:Evil"))
            #expect(try await client.getJSON("/v2/models/ok/ready").0 == .ok)
        }
    }

    @Test("a graph that asks for 128 TiB at run time fails that request only; the server carries on")
    func allocationBomb() async throws {
        let repository = try TemporaryRepository()
        try repository.add("bomb", file: Self.securityModel("allocation_bomb"))
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            var small = InferenceTestRequest()
            small.add("shape", "INT64", [1], json: .ints([4]))
            #expect(try await client.infer("bomb", small).output("y")?["data"] == .doubles([1, 1, 1, 1]))

            var huge = InferenceTestRequest()
            huge.add("shape", "INT64", [1], json: .ints([1 << 45]))
            let response = try await client.infer("bomb", huge)
            #expect(response.status.code >= 400, "\(response.status)")
            #expect(!response.errorMessage.isEmpty)
            #expect(try await client.infer("bomb", small).output("y")?["data"] == .doubles([1, 1, 1, 1]))
        }
    }
}
#endif
