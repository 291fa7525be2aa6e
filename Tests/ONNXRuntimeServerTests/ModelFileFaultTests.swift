#if Server && Client
import Foundation
import HTTPTypes
import HummingbirdTesting
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Faults in the model repository while the server runs: a model file deleted, corrupted or replaced under a loaded
/// model. Whatever happens on disk, the version already loaded keeps answering correctly; a reload that fails says
/// why and leaves that version serving (Triton's documented behaviour: "if the reload fails for any reason the
/// already loaded model will be unchanged and will remain loaded").
@Suite("Faults: model files deleted, corrupted or replaced while serving")
struct ModelFileFaultTests {
    /// `add_f32`: C = A + B on float32 [N, 3]. Expected values by hand.
    static func addRequest() -> InferenceTestRequest {
        var request = InferenceTestRequest()
        request.add("A", "FP32", [2, 3], json: .doubles([1, 2, 3, 4, 5, 6]))
        request.add("B", "FP32", [2, 3], json: .doubles([0.5, 0.25, -1, 10, 20, 30]))
        return request
    }
    static let addExpected: JSONValue = .doubles([1.5, 2.25, 2, 14, 25, 36])

    /// The index entry of `name` version 1.
    static func versionState(_ client: any TestClientProtocol, _ name: String) async throws -> JSONValue? {
        let (status, body) = try await client.postJSON("/v2/repository/index", nil)
        #expect(status == .ok)
        return body.arrayValue?.first {
            $0["name"]?.stringValue == name && $0["version"]?.stringValue == "1"
        }
    }

    enum Fault: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case deleted, corrupted, truncated, emptied, versionDirectoryDeleted
        var testDescription: String { rawValue }

        func apply(to repository: TemporaryRepository, model name: String) throws {
            let file = "\(repository.path)/\(name)/1/model.onnx"
            switch self {
            case .deleted:
                try FileManager.default.removeItem(atPath: file)
            case .corrupted:
                // Same size, every byte flipped: no longer a protobuf ORT accepts.
                let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                try Data(bytes.map { ~$0 }).write(to: URL(fileURLWithPath: file))
            case .truncated:
                let bytes = try Data(contentsOf: URL(fileURLWithPath: file))
                try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: file))
            case .emptied:
                try Data().write(to: URL(fileURLWithPath: file))
            case .versionDirectoryDeleted:
                try repository.remove(name, version: 1)
            }
        }
    }

    @Test(
        "explicit mode: the loaded version keeps serving; the reload reports the error and changes nothing",
        arguments: Fault.allCases)
    func explicitReload(_ fault: Fault) async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, controlMode: .explicit, startupModels: ["add"])
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(try await client.infer("add", Self.addRequest()).output("C")?["data"] == Self.addExpected)
            try fault.apply(to: repository, model: "add")

            // Nothing reads the file again: the session in memory answers as before.
            let before = try await client.infer("add", Self.addRequest())
            #expect(before.status == .ok)
            #expect(before.output("C")?["data"] == Self.addExpected)

            let (status, body) = try await client.postJSON("/v2/repository/models/add/load", nil)
            #expect(status == .badRequest, "\(body)")
            let message = body["error"]?.stringValue ?? ""
            #expect(message.contains("failed to load model 'add'"), "\(message)")
            #expect(message.contains("the versions loaded before stay in service"), "\(message)")

            let after = try await client.infer("add", Self.addRequest())
            #expect(after.status == .ok)
            #expect(after.output("C")?["data"] == Self.addExpected)
            #expect(try await client.getJSON("/v2/models/add/ready").0 == .ok)
            #expect(try await Self.versionState(client, "add")?["state"] == .string("READY"))
        }
    }

    @Test("explicit mode: a model replaced by another valid one is served unchanged until the reload, then the new one")
    func explicitReplace() async throws {
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, controlMode: .explicit, startupModels: ["m"])
        try await ServerFixtures.withClient(server) { (client) async throws in
            try repository.add("m", file: ServerFixtures.model("identity_int32"))
            #expect(try await client.infer("m", Self.addRequest()).output("C")?["data"] == Self.addExpected)

            let (status, body) = try await client.postJSON("/v2/repository/models/m/load", nil)
            #expect(status == .ok, "\(body)")
            var identity = InferenceTestRequest()
            identity.add("x", "INT32", [2, 3], json: .ints([1, -2, 3, -4, 5, -6]))
            #expect(try await client.infer("m", identity).output("y")?["data"] == .ints([1, -2, 3, -4, 5, -6]))
            // The old signature is gone with the old session.
            #expect(try await client.infer("m", Self.addRequest()).status == .badRequest)
        }
    }

    @Test(
        "poll mode: a corrupted file is reported in the log and the old version keeps serving; a fixed file reloads",
        arguments: [Fault.corrupted, .truncated, .emptied, .deleted])
    func pollReload(_ fault: Fault) async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, controlMode: .poll)
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(try await client.infer("add", Self.addRequest()).output("C")?["data"] == Self.addExpected)
            try fault.apply(to: repository, model: "add")
            await server.engine.pollRepository()
            let served = try await client.infer("add", Self.addRequest())
            #expect(served.status == .ok)
            #expect(served.output("C")?["data"] == Self.addExpected)
            #expect(try await Self.versionState(client, "add")?["state"] == .string("READY"))

            // Put a different valid model in place: the next poll loads it.
            try repository.add("add", file: ServerFixtures.model("identity_int32"))
            await server.engine.pollRepository()
            var identity = InferenceTestRequest()
            identity.add("x", "INT32", [2, 3], json: .ints([7, 8, -9, 0, 1, 2]))
            #expect(try await client.infer("add", identity).output("y")?["data"] == .ints([7, 8, -9, 0, 1, 2]))
        }
    }

    @Test("a request in flight while its model is unloaded and the file deleted completes with the right answer")
    func unloadDuringRequest() async throws {
        let repository = try TemporaryRepository()
        try repository.add("slow", file: ServerFixtures.model("slow_loop"))
        let server = await ServerFixtures.server(repository, controlMode: .explicit, startupModels: ["slow"])
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("iterations", "INT64", [], json: .ints([100_000]))
            request.add("x", "FP32", [64], json: .doubles(Array(repeating: 0, count: 64)))
            request.output("y", binary: false)
            let inFlight = Task { try await client.infer("slow", request) }
            // Wait until the request runs (the statistics record its arrival).
            for _ in 0..<500 {
                let stats = try await client.getJSON("/v2/models/slow/stats").1
                if (stats["model_stats"]?.arrayValue?.first?["last_inference"]?.int64Value ?? 0) > 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            try repository.remove("slow")
            let (status, _) = try await client.postJSON("/v2/repository/models/slow/unload", nil)
            #expect(status == .ok)
            let response = try await inFlight.value
            #expect(response.status == .ok, "\(response.errorMessage)")
            // x = 0 stays 0 through every step: 64 x 64 zeros.
            #expect(response.output("y")?["data"] == .doubles(Array(repeating: 0, count: 64 * 64)))
            #expect(try await client.getJSON("/v2/models/slow/ready").0 != .ok)
        }
    }
}
#endif
