#if Server && Client
import HTTPTypes
import HummingbirdTesting
import ONNXRuntime
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@Suite("MNIST and statistics")
struct MNISTAndStatisticsTests {
    /// Two 28x28 images: a vertical bar and a deterministic pseudo-random pattern.
    static let images: [Float] = {
        var pixels = [Float](repeating: 0, count: 2 * 28 * 28)
        for row in 4..<24 {
            for column in 13..<16 { pixels[row * 28 + column] = 1 }
        }
        var state: UInt32 = 12345
        for index in 784..<1568 {
            state = state &* 1_664_525 &+ 1_013_904_223
            pixels[index] = Float(state >> 8) / Float(1 << 24)
        }
        return pixels
    }()

    @Test("MNIST through the server equals a direct Session run, in JSON and binary")
    func mnistMatchesSession() async throws {
        let session = try Session(path: ServerFixtures.mnist)
        let direct = try await session.run(["input": try Tensor<Float>(Self.images, shape: [2, 1, 28, 28])])
        let logits = try direct.tensor("logits", of: Float.self).scalars
        let probabilities = try direct.tensor("probabilities", of: Float.self).scalars

        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var binary = InferenceTestRequest()
            binary.add("input", "FP32", [2, 1, 28, 28], binary: LittleEndian.bytes(Self.images.map(\.bitPattern)))
            binary.output("logits", binary: true)
            binary.output("probabilities", binary: true)
            let response = try await client.infer("mnist", binary)
            #expect(response.status == .ok, "\(response.errorMessage)")
            #expect(response.output("logits")?["shape"] == .ints([2, 10]))
            let served = LittleEndian.values(response.binary["logits"] ?? [], as: UInt32.self)
            #expect(served == logits.map(\.bitPattern))
            let servedProbabilities = LittleEndian.values(response.binary["probabilities"] ?? [], as: UInt32.self)
            #expect(servedProbabilities == probabilities.map(\.bitPattern))

            var json = InferenceTestRequest()
            json.add("input", "FP32", [2, 1, 28, 28], json: .doubles(Self.images.map(Double.init)))
            let jsonResponse = try await client.infer("mnist", json)
            #expect(jsonResponse.status == .ok, "\(jsonResponse.errorMessage)")
            let jsonLogits = jsonResponse.output("logits")?["data"]?.doubles.map { Float($0) } ?? []
            #expect(jsonLogits.map(\.bitPattern) == logits.map(\.bitPattern))
        }
    }

    @Test("statistics count successes, failures, executions and batch sizes")
    func statistics() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        try repository.add("mnist", file: ServerFixtures.mnist, config: "max_batch_size: 8")
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (emptyStatus, empty) = try await client.getJSON("/v2/models/add/stats")
            #expect(emptyStatus == .ok)
            let initial = empty["model_stats"]?.arrayValue?.first
            #expect(initial?["name"] == .string("add"))
            #expect(initial?["version"] == .string("1"))
            #expect(initial?["inference_count"] == .number(.int(0)))
            #expect(initial?["last_inference"] == .number(.int(0)))

            var good = InferenceTestRequest()
            good.add("A", "FP32", [1, 3], json: .doubles([1, 2, 3]))
            good.add("B", "FP32", [1, 3], json: .doubles([1, 2, 3]))
            for _ in 0..<3 { #expect(try await client.infer("add", good).status == .ok) }
            var bad = InferenceTestRequest()
            bad.add("A", "FP32", [1, 3], json: .doubles([1, 2, 3]))
            #expect(try await client.infer("add", bad).status == .badRequest)

            let (_, body) = try await client.getJSON("/v2/models/add/versions/1/stats")
            let stats = try #require(body["model_stats"]?.arrayValue?.first)
            #expect(stats["inference_count"] == .number(.int(3)))
            #expect(stats["execution_count"] == .number(.int(3)))
            #expect((stats["last_inference"]?.int64Value ?? 0) > 1_600_000_000_000)
            let inference = try #require(stats["inference_stats"])
            for key in ["success", "queue", "compute_input", "compute_infer", "compute_output"] {
                #expect(inference[key]?["count"] == .number(.int(3)), "\(key)")
            }
            #expect((inference["success"]?["ns"]?.int64Value ?? 0) > 0)
            #expect(inference["fail"]?["count"] == .number(.int(1)))
            #expect(inference["cache_hit"]?["count"] == .number(.int(0)))
            let batches = stats["batch_stats"]?.arrayValue ?? []
            #expect(batches.count == 1)
            #expect(batches.first?["batch_size"] == .number(.int(1)))
            #expect(batches.first?["compute_infer"]?["count"] == .number(.int(3)))

            // A batching model counts every element of the batch.
            var batch = InferenceTestRequest()
            batch.add("input", "FP32", [2, 1, 28, 28], binary: LittleEndian.bytes(Self.images.map(\.bitPattern)))
            #expect(try await client.infer("mnist", batch).status == .ok)
            let (_, mnist) = try await client.getJSON("/v2/models/mnist/stats")
            let mnistStats = mnist["model_stats"]?.arrayValue?.first
            #expect(mnistStats?["inference_count"] == .number(.int(2)))
            #expect(mnistStats?["execution_count"] == .number(.int(1)))
            #expect(mnistStats?["batch_stats"]?.arrayValue?.first?["batch_size"] == .number(.int(2)))

            let (allStatus, all) = try await client.getJSON("/v2/models/stats")
            #expect(allStatus == .ok)
            #expect(all["model_stats"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["add", "mnist"])
            #expect(try await client.getJSON("/v2/models/nope/stats").0 == .notFound)
            #expect(try await client.getJSON("/v2/models/add/versions/2/stats").0 == .notFound)
        }
    }

    @Test("max_batch_size: metadata shows -1 for the batch, and a larger batch is 400")
    func maxBatchSize() async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "mnist", file: ServerFixtures.mnist,
            config: """
                name: "mnist"
                max_batch_size: 1
                input [ { name: "input", data_type: TYPE_FP32, dims: [ 1, 28, 28 ] } ]
                """)
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (_, metadata) = try await client.getJSON("/v2/models/mnist")
            #expect(metadata["inputs"]?.arrayValue?.first?["shape"] == .ints([-1, 1, 28, 28]))
            let (_, config) = try await client.getJSON("/v2/models/mnist/config")
            #expect(config["max_batch_size"] == .number(.int(1)))
            #expect(config["input"]?.arrayValue?.first?["dims"] == .ints([1, 28, 28]))
            #expect(config["output"]?.arrayValue?.first?["dims"] == .ints([10]))
            var request = InferenceTestRequest()
            request.add("input", "FP32", [2, 1, 28, 28], binary: LittleEndian.bytes(Self.images.map(\.bitPattern)))
            let response = try await client.infer("mnist", request)
            #expect(response.status == .badRequest)
            #expect(response.errorMessage.contains("max_batch_size 1"), "\(response.errorMessage)")
        }
    }
}
#endif
