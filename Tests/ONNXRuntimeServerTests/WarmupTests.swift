#if Server && Client
import Foundation
import HTTPTypes
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// `model_warmup`: samples run on every instance at load time, before the model is ready; a failing sample fails the
/// load and names itself. Warmup runs do not count in the statistics.
@Suite("model_warmup")
struct WarmupTests {
    /// batch_affine (x [N, 3] -> y [N, 2], s [N]) with a batch and dims as Triton's configurations give them.
    static let batchAffine = """
        max_batch_size: 4
        instance_group [ { count: 2 } ]
        input [ { name: "x" data_type: TYPE_FP32 dims: [ 3 ] } ]

        """

    /// Writes `<model>/warmup/<file>`.
    private func writeWarmupFile(_ repository: TemporaryRepository, _ model: String, _ file: String, _ bytes: [UInt8])
        throws
    {
        let folder = "\(repository.path)/\(model)/warmup"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: "\(folder)/\(file)"))
    }

    @Test("zero, random and file samples run at load; the model is then ready and its statistics are untouched")
    func samplesRun() async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "warm", file: ServerFixtures.model("batch_affine"),
            config: Self.batchAffine + """
                model_warmup [
                  { name: "zeros" batch_size: 4 count: 3
                    inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } },
                  { name: "random" batch_size: 1
                    inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 3 ] random_data: true } } },
                  { name: "from_file" batch_size: 2
                    inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 3 ] input_data_file: "x.raw" } } },
                  { name: "skipped" batch_size: 0
                    inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 3 ] input_data_file: "absent" } } }
                ]
                """)
        try writeWarmupFile(repository, "warm", "x.raw", LittleEndian.floats([1, 2, 3]))
        // A string model with a BYTES sample from a file (4-byte lengths, as Triton reads them).
        try repository.add(
            "strings", file: ServerFixtures.model("identity_string"),
            config: """
                model_warmup { name: "words" batch_size: 1
                  inputs { key: "x" value { data_type: TYPE_STRING dims: [ 2, 3 ] input_data_file: "words" } } }
                """)
        try writeWarmupFile(repository, "strings", "words", LittleEndian.strings(["a", "", "bc", "déf", "g", "h"]))
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            #expect(try await client.getJSON("/v2/models/warm/ready").0 == .ok)
            #expect(try await client.getJSON("/v2/models/strings/ready").0 == .ok)
            // Triton counts its warmup runs in the statistics; this server does not (they are not inferences).
            let (_, stats) = try await client.getJSON("/v2/models/warm/stats")
            let model = stats["model_stats"]?.arrayValue?.first
            #expect(model?["inference_count"] == .number(.int(0)))
            #expect(model?["execution_count"] == .number(.int(0)))
            #expect(model?["last_inference"] == .number(.int(0)))
            let (_, config) = try await client.getJSON("/v2/models/warm/config")
            #expect(
                config["model_warmup"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
                    == ["zeros", "random", "from_file", "skipped"])

            var request = InferenceTestRequest()
            request.add("x", "FP32", [1, 3], json: .doubles([1, 2, 3]))
            let response = try await client.infer("warm", request)
            // By hand: [1, 2, 3] @ [[1, -2], [3, 0], [-1, 4]] + [0.5, -0.25] = [4.5, 9.75]; the sum is 6.
            #expect(response.output("y")?["data"]?.doubles == [4.5, 9.75])
            #expect(response.output("s")?["data"]?.doubles == [6])
            let (_, after) = try await client.getJSON("/v2/models/warm/stats")
            #expect(after["model_stats"]?.arrayValue?.first?["inference_count"] == .number(.int(1)))
        }
    }

    @Test(
        "a failing sample fails the load, and the reason names the sample",
        arguments: [
            (
                "missing", "input_data_file: \"nope.raw\"", nil,
                "model_warmup sample 'sample' failed: input 'x' (TYPE_FP32 [3]): cannot read input_data_file '"
            ),
            (
                "short", "input_data_file: \"x.raw\"", [UInt8](repeating: 0, count: 10),
                "model_warmup sample 'sample' failed: input 'x' (TYPE_FP32 [3]) takes 12 bytes, but input_data_file '"
            ),
            (
                "long", "input_data_file: \"x.raw\"", [UInt8](repeating: 0, count: 16),
                "takes 12 bytes, but input_data_file '"
            ),
        ] as [(String, String, [UInt8]?, String)])
    func failingFile(_ name: String, _ data: String, _ file: [UInt8]?, _ expected: String) async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            name, file: ServerFixtures.model("batch_affine"),
            config: Self.batchAffine + """
                model_warmup { name: "sample" batch_size: 1
                  inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 3 ] \(data) } } }
                """)
        if let file { try writeWarmupFile(repository, name, "x.raw", file) }
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, body) = try await client.getJSON("/v2/models/\(name)/ready")
            #expect(status == .serviceUnavailable)
            let reason = body["error"]?.stringValue ?? ""
            #expect(reason.contains(expected), "\(reason)")
            if name == "missing" { #expect(reason.contains("/\(name)/warmup/nope.raw"), "\(reason)") }
            // The load failed, so the model never became ready.
            #expect(try await client.infer(name, InferenceTestRequest()).status == .serviceUnavailable)
        }
    }

    @Test(
        "samples that do not fit the model fail the load with the sample's name",
        arguments: [
            (
                "batch_affine", "max_batch_size: 4",
                "batch_size: 1 inputs { key: \"x\" value { data_type: TYPE_INT32 dims: [ 3 ] zero_data: true } }",
                "model_warmup sample 'sample' failed: input 'x' is given as TYPE_INT32, but the model's is TYPE_FP32"
            ),
            (
                "batch_affine", "max_batch_size: 4",
                "batch_size: 1 inputs { key: \"q\" value { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } }",
                "model_warmup sample 'sample' failed: the model has no input named 'q'; its inputs are 'x'"
            ),
            (
                "batch_affine", "max_batch_size: 4",
                "batch_size: 1 inputs { key: \"x\" value { data_type: TYPE_FP32 dims: [ 4 ] zero_data: true } }",
                "model_warmup sample 'sample' failed: input 'x' has shape [1, 4], but the model expects [-1, 3]"
            ),
            (
                "batch_affine", "max_batch_size: 4",
                "batch_size: 5 inputs { key: \"x\" value { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } }",
                "model_warmup sample 'sample' failed: batch_size 5 is more than the model's max_batch_size 4"
            ),
            (
                "add_f32", "max_batch_size: 0",
                "batch_size: 1 inputs { key: \"A\" value { data_type: TYPE_FP32 dims: [ 2, 3 ] zero_data: true } }",
                "model_warmup sample 'sample' failed: missing input 'B'"
            ),
            // Refused before anything is allocated, as a request would be.
            (
                "batch_affine", "max_batch_size: 4",
                "batch_size: 4 inputs { key: \"x\" value { data_type: TYPE_FP32 dims: [ 1000000000 ] zero_data: true } }",
                "model_warmup sample 'sample' failed: input 'x' has shape [4, 1000000000], more than the 134217728 "
                    + "elements this server accepts in one tensor"
            ),
            // Shapes each input accepts, but which do not broadcast: ONNX Runtime's own failure.
            (
                "add_f32", "max_batch_size: 0",
                "batch_size: 1 inputs { key: \"A\" value { data_type: TYPE_FP32 dims: [ 2, 3 ] zero_data: true } } "
                    + "inputs { key: \"B\" value { data_type: TYPE_FP32 dims: [ 3, 3 ] random_data: true } }",
                "model_warmup sample 'sample' failed: ONNX Runtime failed: "
            ),
            (
                "identity_string", "max_batch_size: 0",
                "batch_size: 1 inputs { key: \"x\" value { data_type: TYPE_STRING dims: [ 2, 3 ] "
                    + "input_data_file: \"x.raw\" } }",
                "model_warmup sample 'sample' failed: input 'x': BYTES element 1 says it has 9 bytes, but only 2 remain"
            ),
        ] as [(String, String, String, String)])
    func misfit(_ model: String, _ batching: String, _ sample: String, _ expected: String) async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "m", file: ServerFixtures.model(model),
            config: "\(batching)\nmodel_warmup { name: \"sample\" \(sample) }")
        // For the BYTES case: one complete element, then a length of 9 with 2 bytes after it.
        try writeWarmupFile(
            repository, "m", "x.raw", LittleEndian.strings(["ok"]) + LittleEndian.bytes([UInt32(9)]) + [1, 2])
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, body) = try await client.getJSON("/v2/models/m/ready")
            #expect(status == .serviceUnavailable)
            let reason = body["error"]?.stringValue ?? ""
            #expect(reason.contains(expected), "\(reason)")
        }
    }

    @Test("a sample larger than a request may be fails the load before its file is read")
    func requestSizeLimit() async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "m", file: ServerFixtures.model("identity_string"),
            config: """
                model_warmup { name: "big" batch_size: 1
                  inputs { key: "x" value { data_type: TYPE_STRING dims: [ 2, 3 ] input_data_file: "big" } } }
                """)
        try writeWarmupFile(repository, "m", "big", LittleEndian.strings(Array(repeating: "0123456789", count: 6)))
        let server = await ServerFixtures.server(repository, limits: ServingLimits(maxRequestBytes: 64))
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (status, body) = try await client.getJSON("/v2/models/m/ready")
            #expect(status == .serviceUnavailable)
            let reason = body["error"]?.stringValue ?? ""
            // 6 elements of 4 + 10 bytes: 84.
            #expect(
                reason.contains("model_warmup sample 'big' failed: input 'x' (TYPE_STRING [2, 3]): input_data_file '"))
            #expect(reason.contains("is larger than the 64 bytes a request may have"), "\(reason)")
        }
    }

    @Test("a model loaded through the repository API answers the load only after its warmup, then is ready")
    func explicitLoad() async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "warm", file: ServerFixtures.model("batch_affine"),
            config: Self.batchAffine + """
                model_warmup { name: "zeros" batch_size: 2 count: 2
                  inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 3 ] zero_data: true } } }
                """)
        try repository.add(
            "cold", file: ServerFixtures.model("batch_affine"),
            config: Self.batchAffine + """
                model_warmup { name: "absent_file" batch_size: 1
                  inputs { key: "x" value { data_type: TYPE_FP32 dims: [ 3 ] input_data_file: "gone" } } }
                """)
        let server = await ServerFixtures.server(repository, controlMode: .explicit)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (loaded, loadedBody) = try await client.postJSON("/v2/repository/models/warm/load", nil)
            #expect(loaded == .ok, "\(loadedBody)")
            #expect(try await client.getJSON("/v2/models/warm/ready").0 == .ok)
            let (failed, failedBody) = try await client.postJSON("/v2/repository/models/cold/load", nil)
            #expect(failed == .badRequest)
            #expect(
                failedBody["error"]?.stringValue?.contains("model_warmup sample 'absent_file' failed") == true,
                "\(failedBody)")
            #expect(try await client.getJSON("/v2/models/cold/ready").0 == .serviceUnavailable)
        }
    }
}
#endif
