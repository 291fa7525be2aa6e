#if Server && Client
import Foundation
import HTTPTypes
import HummingbirdTesting
import ONNXRuntime
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Triton's classification extension (`"parameters": {"classification": N}` on a requested output): hand-worked
/// cases on the identity and add models, and MNIST against the top classes of a direct `Session` run sorted here.
@Suite("Classification extension")
struct ClassificationTests {
    /// A server with a batching identity model (`max_batch_size: 8`), the non-batching `add_f32`, the string identity
    /// model and MNIST (batching).
    static func withServer(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "rows", file: ServerFixtures.model("batch_identity_float32"), config: "max_batch_size: 8")
        try repository.add("add_f32", file: ServerFixtures.model("add_f32"))
        try repository.add("identity_string", file: ServerFixtures.model("identity_string"))
        try repository.add("mnist", file: ServerFixtures.mnist, config: "max_batch_size: 8")
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server, body)
    }

    static func classify(_ output: String, _ count: JSONValue, binary: Bool = false) -> JSONObject {
        var parameters: JSONObject = ["classification": count]
        if binary { parameters["binary_data"] = .bool(true) }
        return parameters
    }

    @Test("per row for a batching model, over the whole tensor otherwise; ties by index; N past the row keeps all")
    func handWorked() async throws {
        try await Self.withServer { client in
            var rows = InferenceTestRequest()
            rows.add("x", "FP32", [2, 3], json: .doubles([1, 3, 2, 9, 9, -1]))
            rows.outputs = [("y", Self.classify("y", .number(.int(2))))]
            var response = try await client.infer("rows", rows)
            #expect(response.status == .ok, "\(response.json["error"] ?? .null)")
            #expect(response.output("y")?["datatype"] == .string("BYTES"))
            #expect(response.output("y")?["shape"] == .ints([2, 2]))
            #expect(response.output("y")?["data"] == .strings(["3.0:1", "2.0:2", "9.0:0", "9.0:1"]))

            // Not batching: [[1, 5, 10], [4, 0, 2]] + 0.5 as one tensor; 9 classes asked, 6 exist.
            var add = InferenceTestRequest()
            add.add("A", "FP32", [2, 3], json: .doubles([1, 5, 10, 4, 0, 2]))
            add.add("B", "FP32", [2, 3], json: .doubles([0.5, 0.5, 0.5, 0.5, 0.5, 0.5]))
            add.outputs = [("C", Self.classify("C", .number(.int(9)), binary: true))]
            response = try await client.infer("add_f32", add)
            #expect(response.status == .ok, "\(response.json["error"] ?? .null)")
            #expect(response.output("C")?["shape"] == .ints([6]))
            #expect(
                LittleEndian.decodeStrings(response.binary["C"] ?? [])
                    == ["10.5:2", "5.5:1", "4.5:3", "2.5:5", "1.5:0", "0.5:4"])
        }
    }

    /// The top `count` classes of `MNISTAndStatisticsTests.images` from a direct `Session` run, ranked here: highest
    /// first, ties by index, with `labels` for the indices they cover.
    static func directRanking(count: Int, labels: [String] = []) async throws -> [String] {
        let session = try Session(path: ServerFixtures.mnist)
        let images = MNISTAndStatisticsTests.images
        let direct = try await session.run(["input": try Tensor<Float>(images, shape: [2, 1, 28, 28])])
        let probabilities = try direct.tensor("probabilities", of: Float.self).scalars
        return (0..<2).flatMap { row -> [String] in
            let scores = Array(probabilities[(row * 10)..<(row * 10 + 10)])
            return scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
                .prefix(count).map { $0 < labels.count ? "\(scores[$0]):\($0):\(labels[$0])" : "\(scores[$0]):\($0)" }
        }
    }

    @Test("MNIST: the top 3 of each image are those of a direct run, highest first")
    func mnist() async throws {
        let images = MNISTAndStatisticsTests.images
        let expected = try await Self.directRanking(count: 3)
        try await Self.withServer { client in
            var request = InferenceTestRequest()
            request.add("input", "FP32", [2, 1, 28, 28], binary: LittleEndian.floats(images))
            request.outputs = [
                ("probabilities", Self.classify("probabilities", .number(.int(3)))), ("logits", nil),
            ]
            let response = try await client.infer("mnist", request)
            #expect(response.status == .ok, "\(response.json["error"] ?? .null)")
            #expect(response.output("probabilities")?["shape"] == .ints([2, 3]))
            #expect(response.output("probabilities")?["data"] == .strings(expected))
            // The other output is unchanged.
            #expect(response.output("logits")?["datatype"] == .string("FP32"))
        }
    }

    @Test(
        "a count that is not a positive integer, or a BYTES output, is a 400",
        arguments: [
            ("rows", JSONValue.number(.int(0)), "positive integer"), ("rows", .number(.int(-2)), "positive integer"),
            ("rows", .number(.double(2.5)), "positive integer"), ("rows", .string("two"), "positive integer"),
            ("rows", .bool(true), "positive integer"), ("identity_string", .number(.int(1)), "BYTES"),
        ])
    func refused(model: String, count: JSONValue, words: String) async throws {
        try await Self.withServer { client in
            var request = InferenceTestRequest()
            if model == "rows" {
                request.add("x", "FP32", [1, 3], json: .doubles([1, 2, 3]))
            } else {
                request.add("x", "BYTES", [2, 3], json: .strings(["a", "b", "c", "d", "e", "f"]))
            }
            request.outputs = [("y", Self.classify("y", count))]
            let response = try await client.infer(model, request)
            #expect(response.status == .badRequest)
            let message = response.json["error"]?.stringValue ?? ""
            #expect(message.contains(words), "\(message)")
        }
    }

    @Test("labels from label_filename: value:index:label, past the file's last line value:index; served in the config")
    func labels() async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "mnist", file: ServerFixtures.mnist,
            config: """
                max_batch_size: 8
                output [ { name: "probabilities" data_type: TYPE_FP32 dims: [10] label_filename: "digits.txt" } ]
                """)
        // Labels for 0 to 7 only, with Windows line ends: 8 and 9 have none.
        let names = ["zero", "one", "two", "three", "four", "five", "six", "seven"]
        try (names.joined(separator: "\r\n") + "\r\n").write(
            toFile: "\(repository.path)/mnist/digits.txt", atomically: true, encoding: .utf8)
        let server = await ServerFixtures.server(repository)

        let images = MNISTAndStatisticsTests.images
        let expected = try await Self.directRanking(count: 10, labels: names)
        try await ServerFixtures.withClient(server) { client in
            var request = InferenceTestRequest()
            request.add("input", "FP32", [2, 1, 28, 28], binary: LittleEndian.floats(images))
            request.outputs = [("probabilities", Self.classify("probabilities", .number(.int(10))))]
            let response = try await client.infer("mnist", request)
            #expect(response.status == .ok, "\(response.json["error"] ?? .null)")
            #expect(response.output("probabilities")?["data"] == .strings(expected))
            let (_, config) = try await client.getJSON("/v2/models/mnist/config")
            let output = config["output"]?.arrayValue?.first { $0["name"] == .string("probabilities") }
            #expect(output?["label_filename"] == .string("digits.txt"))
        }
    }

    @Test("a missing labels file fails the model's load, saying which file")
    func missingLabels() async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "mnist", file: ServerFixtures.mnist,
            config: """
                output [ { name: "probabilities" data_type: TYPE_FP32 dims: [-1, 10] label_filename: "gone.txt" } ]
                """)
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { client in
            let (status, body) = try await client.getJSON("/v2/models/mnist/ready")
            #expect(status == .serviceUnavailable)
            #expect(body["error"]?.stringValue?.contains("gone.txt") == true, "\(body)")
        }
    }
}
#endif
