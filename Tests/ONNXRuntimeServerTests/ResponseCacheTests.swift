#if Server && Client
import Foundation
import KServeGRPCProtocol
@testable import ONNXRuntimeServer
@testable import ONNXRuntimeServing
import ONNXRuntimeServing
import Testing

/// The response cache (`--cache-config local,size=BYTES` and `response_cache { enable: true }`): exact hit and miss
/// counts, what the key holds, LRU eviction by bytes, reloads, bypasses, metrics and bad settings. Expected outputs
/// come from Tests/Models/*.json (NumPy) or are worked by hand; entry sizes are counted by hand from the key layout
/// documented on `ResponseCacheKey`.
@Suite("Response cache")
struct ResponseCacheTests {
    /// A server over `repository` with a response cache of `size` bytes (none when `nil`).
    static func server(
        _ repository: TemporaryRepository, size: Int?, controlMode: ModelControlMode = .none
    ) async -> InferenceServer {
        var serving = ServingConfiguration(repositories: [repository.path], controlMode: controlMode)
        serving.responseCache = size.map { ResponseCacheConfiguration(size: $0) }
        let server = InferenceServer(
            configuration: ServerConfiguration(port: 0, serving: serving, metricsPort: 0),
            logger: ServerFixtures.logger)
        await server.engine.start()
        return server
    }

    static let enabled = "response_cache { enable: true }"

    /// multi_out's case: x [2, 3] -> plus1, times2 [2, 3], total [], argmax [2] (Tests/Models/multi_out.json).
    static let x: [Double] = [-1.5, 2.125, -3.375, -3.375, -2.5, 3.125]
    static let times2: [Float] = [-3.0, 4.25, -6.75, -6.75, -5.0, 6.25]
    static let plus1: [Double] = [-0.5, 3.125, -2.375, -2.375, -1.5, 4.125]

    static func counts(_ engine: InferenceEngine, _ model: String) throws -> (hit: UInt64, miss: UInt64) {
        let statistics = try CoreInference.statistics(engine, model)
        return (statistics.cacheHit.count, statistics.cacheMiss.count)
    }

    @Test("hits and misses counted exactly; JSON and binary forms of one tensor share an entry; outputs are in the key")
    func hitsAndMisses() async throws {
        let repository = try TemporaryRepository()
        try repository.add("multi", file: ServerFixtures.model("multi_out"), config: Self.enabled)
        let server = await Self.server(repository, size: 1 << 20)
        let engine = server.engine

        var json = InferenceTestRequest()
        json.add("x", "FP32", [2, 3], json: .doubles(Self.x))
        var reply = await CoreInference.infer(engine, "multi", json)
        #expect(reply.status == 200, "\(reply.error)")
        #expect(reply.output("plus1")?["data"]?.doubles == Self.plus1)
        #expect(reply.output("total")?["data"]?.doubles == [-5.5])
        #expect(try Self.counts(engine, "multi") == (0, 1))

        // The same tensor as binary data: a hit, the same values.
        var binary = InferenceTestRequest()
        binary.add("x", "FP32", [2, 3], binary: LittleEndian.floats(Self.x.map(Float.init)))
        reply = await CoreInference.infer(engine, "multi", binary)
        #expect(reply.status == 200, "\(reply.error)")
        #expect(reply.output("plus1")?["data"]?.doubles == Self.plus1)
        #expect(reply.output("argmax")?["data"] == .ints([1, 2]))
        #expect(try Self.counts(engine, "multi") == (1, 1))

        // Only times2: another key (Triton 2.51 would answer with every output of the first request).
        var one = InferenceTestRequest()
        one.add("x", "FP32", [2, 3], json: .doubles(Self.x))
        one.output("times2", binary: false)
        reply = await CoreInference.infer(engine, "multi", one)
        #expect(reply.json["outputs"]?.arrayValue?.count == 1)
        #expect(try Self.counts(engine, "multi") == (1, 2))
        // The same, asked as binary data: a hit, encoded for this request.
        var oneBinary = InferenceTestRequest()
        oneBinary.add("x", "FP32", [2, 3], json: .doubles(Self.x))
        oneBinary.output("times2", binary: true)
        reply = await CoreInference.infer(engine, "multi", oneBinary)
        #expect(reply.binary["times2"] == LittleEndian.floats(Self.times2))
        #expect(try Self.counts(engine, "multi") == (2, 2))

        // Classification is applied to the cached values when the response is encoded: plus1 top 1 of the whole
        // tensor is 4.125 at index 5 (by hand), then plus1 plain is a hit with the raw values.
        var classify = InferenceTestRequest()
        classify.add("x", "FP32", [2, 3], json: .doubles(Self.x))
        classify.outputs = [("plus1", ["classification": .number(.int(1))])]
        reply = await CoreInference.infer(engine, "multi", classify)
        #expect(reply.output("plus1")?["data"] == .strings(["4.125:5"]))
        #expect(try Self.counts(engine, "multi") == (2, 3))
        var plain = InferenceTestRequest()
        plain.add("x", "FP32", [2, 3], json: .doubles(Self.x))
        plain.output("plus1")
        reply = await CoreInference.infer(engine, "multi", plain)
        #expect(reply.output("plus1")?["data"]?.doubles == Self.plus1)
        #expect(try Self.counts(engine, "multi") == (3, 3))

        // A different element: a miss.
        var other = InferenceTestRequest()
        other.add("x", "FP32", [2, 3], json: .doubles([0, 0, 0, 0, 0, 1]))
        reply = await CoreInference.infer(engine, "multi", other)
        #expect(reply.output("plus1")?["data"]?.doubles == [1, 1, 1, 1, 1, 2])
        #expect(try Self.counts(engine, "multi") == (3, 4))

        // Hits never ran the model: 4 executions for 7 successes; the queue counts every success, as Triton's.
        let statistics = try CoreInference.statistics(engine, "multi")
        #expect(statistics.success.count == 7)
        #expect(statistics.inferenceCount == 4)
        #expect(statistics.executionCount == 4)
        #expect(statistics.computeInfer.count == 4)
        #expect(statistics.queue.count == 7)
        #expect(engine.responseCache?.totals.entries == 4)

        // The same counts in the statistics JSON and in Prometheus, with Triton's names and help texts.
        let entry = statistics.json["inference_stats"]
        #expect(entry?["cache_hit"]?["count"] == .number(.int(3)))
        #expect(entry?["cache_miss"]?["count"] == .number(.int(4)))
        let metrics = PrometheusText(String(decoding: server.metrics.exposition(), as: UTF8.self))
        #expect(metrics.model("nv_cache_num_hits_per_model", "multi") == 3)
        #expect(metrics.model("nv_cache_num_misses_per_model", "multi") == 4)
        #expect(metrics.model("nv_inference_request_success", "multi") == 7)
        #expect(metrics.model("nv_inference_count", "multi") == 4)
        #expect(metrics.value("nv_cache_num_entries") == 4)
        #expect(metrics.value("nv_cache_num_hits") == 3)
        #expect(metrics.value("nv_cache_num_misses") == 4)
        #expect(metrics.value("nv_cache_num_lookups") == 7)
        #expect(metrics.value("nv_cache_num_evictions") == 0)
        #expect(metrics.help["nv_cache_num_hits_per_model"] == "Number of cache hits per model")
        #expect(
            metrics.help["nv_cache_hit_duration_per_model"] == "Total cache hit duration per model, in microseconds")
        #expect(metrics.help["nv_cache_num_misses_per_model"] == "Number of cache misses per model")
        #expect(
            metrics.help["nv_cache_miss_duration_per_model"]
                == "Total cache miss (insert+lookup) duration per model, in microseconds")
        #expect(metrics.help["nv_cache_util"] == "Cache utilization [0.0 - 1.0]")
        #expect(metrics.help["nv_cache_num_entries"] == "Number of responses stored in response cache")
        #expect(metrics.types["nv_cache_num_entries"] == "gauge")
    }

    /// identity_float32 ("m", x [2, 3] -> y): the key is 8+1 (name) + 8 (version) + 8 (input count) + 8+1 ("x") +
    /// 8+4 ("FP32") + 8 (rank) + 16 (dims) + 8+24 (elements) + 8 (output count) + 8+1 ("y") = 119 bytes, and the
    /// entry adds 1 ("y") + 24 (its elements): 144 bytes.
    static let entrySize = 144

    static func identityRequest(_ first: Double) -> InferenceTestRequest {
        var request = InferenceTestRequest()
        request.add("x", "FP32", [2, 3], json: .doubles([first, 1, 2, 3, 4, 5]))
        return request
    }

    @Test("bounded by bytes: the least recently used entry is evicted first, and a hit makes an entry recent")
    func leastRecentlyUsed() async throws {
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("identity_float32"), config: Self.enabled)
        let server = await Self.server(repository, size: 3 * Self.entrySize)
        let engine = server.engine
        let cache = try #require(engine.responseCache)
        func send(_ first: Double) async -> CoreInference.Reply {
            let reply = await CoreInference.infer(engine, "m", Self.identityRequest(first))
            #expect(reply.output("y")?["data"]?.doubles == [first, 1, 2, 3, 4, 5])
            return reply
        }
        _ = await send(10)  // a
        _ = await send(20)  // b
        _ = await send(30)  // c: full, 432 bytes
        #expect(cache.totals.usedBytes == 3 * Self.entrySize)
        #expect(cache.recency.map(\.size) == [Self.entrySize, Self.entrySize, Self.entrySize])
        _ = await send(10)  // hit a: recency a, c, b
        _ = await send(40)  // d evicts b: d, a, c
        #expect(cache.totals.evictions == 1)
        _ = await send(20)  // b misses and evicts c: b, d, a
        _ = await send(10)  // hit a
        _ = await send(30)  // c misses and evicts d
        _ = await send(20)  // hit b
        #expect(try Self.counts(engine, "m") == (3, 6))
        #expect(cache.totals.evictions == 3)
        #expect(cache.totals.entries == 3)
        #expect(cache.totals.usedBytes == 3 * Self.entrySize)
    }

    @Test("an entry larger than the whole cache is not stored: every request misses and is answered")
    func entryLargerThanCache() async throws {
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("identity_float32"), config: Self.enabled)
        let server = await Self.server(repository, size: Self.entrySize - 1)
        for _ in 0..<3 {
            let reply = await CoreInference.infer(server.engine, "m", Self.identityRequest(7))
            #expect(reply.output("y")?["data"]?.doubles == [7, 1, 2, 3, 4, 5])
        }
        #expect(try Self.counts(server.engine, "m") == (0, 3))
        #expect(server.engine.responseCache?.totals.entries == 0)
        #expect(server.engine.responseCache?.totals.usedBytes == 0)
    }

    @Test("a reload with a new model file never answers from the old file's entries")
    func reloadIsNeverStale() async throws {
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("identity_float32"), config: Self.enabled)
        let server = await Self.server(repository, size: 1 << 20, controlMode: .explicit)
        let engine = server.engine
        try await engine.loadModel("m")
        let x: [Double] = [-1.125, 0.125, -2.125, 1.625, -1.375, -2.75]
        var request = InferenceTestRequest()
        request.add("x", "FP32", [2, 3], json: .doubles(x))
        for _ in 0..<2 {
            let reply = await CoreInference.infer(engine, "m", request)
            #expect(reply.output("y")?["data"]?.doubles == x)
        }
        #expect(try Self.counts(engine, "m") == (1, 1))

        // Same name, same version, another file: y = 3x (Tests/Models/bad_shape.json).
        try repository.add("m", file: ServerFixtures.model("bad_shape"), config: Self.enabled)
        try await engine.loadModel("m")
        let reply = await CoreInference.infer(engine, "m", request)
        #expect(reply.output("y")?["data"]?.doubles == [-3.375, 0.375, -6.375, 4.875, -4.125, -8.25])
        #expect(try Self.counts(engine, "m") == (0, 1))  // the new load's statistics

        // Unloading drops the model's entries once its last request is done.
        try await engine.unloadModel("m")
        #expect(engine.responseCache?.totals.entries == 0)
    }

    @Test("shared memory outputs and models without response_cache bypass the cache; no cache means no caching")
    func bypasses() async throws {
        let repository = try TemporaryRepository()
        try repository.add("cached", file: ServerFixtures.model("identity_float32"), config: Self.enabled)
        try repository.add("plain", file: ServerFixtures.model("identity_float32"))
        let server = await Self.server(repository, size: 1 << 20)
        let engine = server.engine

        for _ in 0..<2 {
            let reply = await CoreInference.infer(engine, "plain", Self.identityRequest(1))
            #expect(reply.status == 200)
        }
        #expect(try Self.counts(engine, "plain") == (0, 0))
        let plainMetrics = PrometheusText(String(decoding: server.metrics.exposition(), as: UTF8.self))
        #expect(plainMetrics.model("nv_cache_num_hits_per_model", "plain") == nil)

        // Output to shared memory: never looked up nor stored.
        let object = try SharedMemoryObject(size: 64)
        let region = "cache-\(UInt32.random(in: 0..<UInt32.max))"
        try engine.registerSystemSharedMemory(name: region, key: object.key, offset: 0, byteSize: 64)
        defer { try? engine.unregisterSystemSharedMemory(region: region) }
        for _ in 0..<2 {
            var request = Self.identityRequest(9)
            request.outputs = [
                ("y", ["shared_memory_region": .string(region), "shared_memory_byte_size": .number(.int(24))])
            ]
            let reply = await CoreInference.infer(engine, "cached", request)
            #expect(reply.status == 200, "\(reply.error)")
            #expect(object.read(24) == LittleEndian.floats([9, 1, 2, 3, 4, 5]))
            object.write(Array(repeating: 0, count: 24))
        }
        #expect(try Self.counts(engine, "cached") == (0, 0))

        // response_cache without a server cache: the model loads and nothing is cached.
        let uncached = await Self.server(repository, size: nil)
        for _ in 0..<2 {
            let reply = await CoreInference.infer(uncached.engine, "cached", Self.identityRequest(1))
            #expect(reply.output("y")?["data"]?.doubles == [1, 1, 2, 3, 4, 5])
        }
        #expect(try Self.counts(uncached.engine, "cached") == (0, 0))
        #expect(uncached.engine.responseCache == nil)
    }

    @Test("dynamic batching: a repeated request is a hit; the transport-neutral (gRPC) path shares the entries")
    func batchingAndResults() async throws {
        let repository = try TemporaryRepository()
        try repository.add(
            "rows", file: ServerFixtures.model("batch_identity_float32"),
            config: "max_batch_size: 4\ndynamic_batching { max_queue_delay_microseconds: 1000 }\n\(Self.enabled)")
        let server = await Self.server(repository, size: 1 << 20)
        let engine = server.engine
        var request = InferenceTestRequest()
        request.add("x", "FP32", [2, 3], json: .doubles([1, 2, 3, 4, 5, 6]))
        for _ in 0..<2 {
            let reply = await CoreInference.infer(engine, "rows", request)
            #expect(reply.output("y")?["data"]?.doubles == [1, 2, 3, 4, 5, 6])
        }
        // One row with the same first elements is another key (its shape differs).
        var one = InferenceTestRequest()
        one.add("x", "FP32", [1, 3], json: .doubles([1, 2, 3]))
        #expect(await CoreInference.infer(engine, "rows", one).output("y")?["data"]?.doubles == [1, 2, 3])
        #expect(try Self.counts(engine, "rows") == (1, 2))

        // The gRPC transport's path: the same request as raw bytes, a hit.
        let (body, headerLength) = request.encoded()
        let result = try await engine.inferResult(model: "rows", version: nil) { _ throws(ServingError) in
            try InferenceRequest(body: body, headerLength: headerLength)
        }
        #expect(result.outputs.first?.data == LittleEndian.floats([1, 2, 3, 4, 5, 6]))
        #expect(result.outputs.first?.shape == [2, 3])
        #expect(try Self.counts(engine, "rows") == (2, 2))
        let statistics = try CoreInference.statistics(engine, "rows")
        #expect(statistics.inferenceCount == 3)  // 2 + 1 rows run; hits run nothing

        // The configuration says so, in JSON and in the gRPC message (ModelConfig field 24, as Triton's).
        let config = try engine.config(model: "rows", version: nil)
        #expect(config.json["response_cache"] == .object(["enable": .bool(true)]))
        #expect(GRPCModelConfig.message(config).responseCache.enable)
        #expect(!GRPCModelConfig.message(ModelConfig(name: "plain")).hasResponseCache)
        #expect(ModelConfig(name: "plain").json["response_cache"] == nil)
    }

    @Test("a sequence model with response_cache is refused at load with Triton's message")
    func sequenceModelsRefused() throws {
        let text = """
            max_batch_size: 1
            sequence_batching { }
            response_cache { enable: true }
            """
        #expect {
            try ModelConfig.parse(text, file: "config.pbtxt", defaultName: "seq")
        } throws: { error in
            "\(error)".contains(
                "Response Cache does not currently support model seq with sequence batching scheduler. Please "
                    + "disable the response cache.")
        }
        #expect(try ModelConfig.parse("response_cache { enable: true }", defaultName: "m").responseCache)
        #expect(try !ModelConfig.parse("response_cache { enable: false }", defaultName: "m").responseCache)
        #expect(throws: ModelConfigError.self) {
            try ModelConfig.parse("response_cache { size: 1 }", defaultName: "m")
        }
    }

    @Test(
        "--cache-config settings: Triton's syntax, and a clear error for each bad value",
        arguments: [
            ("local,size=0", "must be a whole number of bytes above 0, got '0'"),
            ("local,size=abc", "must be a whole number of bytes above 0, got 'abc'"),
            ("local,size=-5", "must be a whole number of bytes above 0, got '-5'"),
            ("local,size=+5", "must be a whole number of bytes above 0, got '+5'"),
            ("local,size=99999999999999999999999", "above 0, got '99999999999999999999999'"),
            ("local,size=1048576,size=2", "got '1048576,size=2'"),
            ("local,foo=1", "unknown setting 'foo' of the local cache"),
            ("redis,size=100", "cache 'redis' is not available"),
            ("local", "names no cache"),
            ("size=100", "names no cache"),
            (",size=100", "names no cache"),
            ("local,size=", "is not <cache>,<setting>=<value>"),
            ("local,=5", "is not <cache>,<setting>=<value>"),
        ])
    func badSettings(setting: String, message: String) {
        #expect {
            try ResponseCacheConfiguration(settings: [setting])
        } throws: { error in
            (error as? ResponseCacheConfigurationError)?.message.contains(message) == true
        }
    }

    @Test("--cache-config: the size, once")
    func goodSettings() throws {
        #expect(try ResponseCacheConfiguration(settings: ["local,size=1048576"]).size == 1_048_576)
        #expect(throws: ResponseCacheConfigurationError("the local cache's size is given more than once")) {
            try ResponseCacheConfiguration(settings: ["local,size=1", "local,size=2"])
        }
        #expect(throws: ResponseCacheConfigurationError.self) { try ResponseCacheConfiguration(settings: []) }
    }
}
#endif
