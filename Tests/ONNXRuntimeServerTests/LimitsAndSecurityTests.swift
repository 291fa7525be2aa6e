#if Server && Client
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@Suite("Limits and safety", .serialized)  // the slow-model tests must not overlap
struct LimitsAndSecurityTests {
    /// A slow_loop request: `iterations` steps of a 64x64 MatMul (about 100,000 per second).
    static func slowRequest(iterations: Int64, timeoutMicroseconds: Int64? = nil) -> InferenceTestRequest {
        var request = InferenceTestRequest(
            parameters: timeoutMicroseconds.map { ["timeout": .number(.int($0))] })
        request.add("iterations", "INT64", [], json: .ints([iterations]))
        request.add("x", "FP32", [64], json: .doubles(Array(repeating: 0.01, count: 64)))
        request.output("y", binary: true)
        return request
    }

    @Test("a body over the limit is 413, from Content-Length or while reading")
    func requestTooLarge() async throws {
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("identity_int32"))
        let server = await ServerFixtures.server(repository, limits: ServingLimits(maxRequestBytes: 1000))
        let body = Array(repeating: UInt8(ascii: " "), count: 5000)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let response = try await client.post("/v2/models/m/infer", bytes: body)
            #expect(response.status == .contentTooLarge)
            #expect(response.errorMessage.contains("larger than the 1000 bytes"))
            var headers = HTTPFields()
            headers[.contentLength] = "5000"
            let declared = try await client.post("/v2/models/m/infer", bytes: body, headers: headers)
            #expect(declared.status == .contentTooLarge)
            #expect(declared.errorMessage.contains("(5000 bytes)"))
            // A small request still works.
            var request = InferenceTestRequest()
            request.add("x", "INT32", [2, 3], json: .ints([1, 2, 3, 4, 5, 6]))
            #expect(try await client.infer("m", request).status == .ok)
        }
        // Over a real socket as well.
        try await server.makeApplication().test(.live) { client in
            let response = try await client.execute(
                uri: "/v2/models/m/infer", method: .post, body: ByteBuffer(bytes: body))
            #expect(response.status == .contentTooLarge)
        }
    }

    @Test(
        "absurd shapes are 400 before anything is allocated",
        arguments: [
            ("dyn", "FP32", [1_000_000_000_000, 3]),
            ("dyn", "FP32", [Int(Int64.max), 3]),
            ("vec", "FP16", [200_000_000]),
        ] as [(String, String, [Int])])
    func absurdShapes(_ model: String, _ datatype: String, _ shape: [Int]) async throws {
        let repository = try TemporaryRepository()
        try repository.add("dyn", file: ServerFixtures.model("empty"))  // x: float32 [N, 3]
        try repository.add("vec", file: ServerFixtures.model("cast_to_float_float16"))  // x: float16 [N]
        let server = await ServerFixtures.server(repository, limits: ServingLimits(maxTensorElements: 100_000_000))
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("x", datatype, shape, json: .array([]))
            let response = try await client.infer(model, request)
            #expect(response.status == .badRequest)
            #expect(response.errorMessage.contains("more than the 100000000 elements"), "\(response.errorMessage)")
        }
    }

    @Test("an element count past the limit is 400; dimensions that are not integers are 400")
    func elementLimit() async throws {
        let repository = try TemporaryRepository()
        try repository.add("dyn", file: ServerFixtures.model("empty"))
        let server = await ServerFixtures.server(repository, limits: ServingLimits(maxTensorElements: 30))
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("x", "FP32", [11, 3], binary: Array(repeating: 0, count: 132))
            let response = try await client.infer("dyn", request)
            #expect(response.status == .badRequest)
            #expect(response.errorMessage.contains("more than the 30 elements"), "\(response.errorMessage)")
            let huge = Array(#"{"inputs":[{"name":"x","shape":[1e30,3],"datatype":"FP32","data":[]}]}"#.utf8)
            let hugeResponse = try await client.post("/v2/models/dyn/infer", bytes: huge)
            #expect(hugeResponse.status == .badRequest)
            #expect(hugeResponse.errorMessage.contains("non-negative integer"))
        }
    }

    @Test("deeply nested JSON is refused, not a stack overflow")
    func deepNesting() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let body = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
            let response = try await client.post("/v2/models/identity_int32/infer", bytes: Array(body.utf8))
            #expect(response.status == .badRequest)
            #expect(response.errorMessage.contains("nesting deeper than"))
        }
    }

    @Test("a full queue is 503 at once; the model serves again afterwards")
    func queueFull() async throws {
        let repository = try TemporaryRepository()
        try repository.add("slow", file: ServerFixtures.model("slow_loop"))
        let server = await ServerFixtures.server(
            repository, limits: ServingLimits(maxQueueSize: 0, requestTimeout: nil))
        try await ServerFixtures.withClient(server) { (client) async throws in
            // Runs until its own 15 s timeout terminates it: long enough to be running while the suite competes for CPU.
            let blocker = Task {
                try await client.infer(
                    "slow", Self.slowRequest(iterations: 1_000_000_000, timeoutMicroseconds: 15_000_000))
            }
            // The blocker must be the model's first run. Short runs before it (a loaded machine can delay its request
            // past several of the probes below) would let the instance run inline (ModelInstance.runsInline), and
            // its 15 s run would then hold an event loop that other suites' servers share.
            #expect(
                try await DynamicBatchingQueueTests.waitUntil {
                    try CoreInference.statistics(server.engine, "slow").lastInference > 0
                })
            var rejected: InferenceTestResponse?
            for _ in 0..<280 where rejected == nil {
                try await Task.sleep(for: .milliseconds(50))
                let response = try await client.infer("slow", Self.slowRequest(iterations: 1))
                if response.status == .serviceUnavailable { rejected = response }
            }
            let full = try #require(rejected)
            #expect(full.errorMessage.contains("queue is full"), "\(full.errorMessage)")
            let blocked = try await blocker.value
            #expect(blocked.status == .serviceUnavailable)
            #expect(blocked.errorMessage.contains("timed out"), "\(blocked.errorMessage)")
            let after = try await client.infer("slow", Self.slowRequest(iterations: 10))
            #expect(after.status == .ok, "\(after.errorMessage)")
            #expect(after.output("y")?["shape"] == .ints([64, 64]))
        }
    }

    @Test("requests wait in the queue up to the limit, then run in order")
    func queueWaits() async throws {
        let repository = try TemporaryRepository()
        try repository.add("slow", file: ServerFixtures.model("slow_loop"))
        let server = await ServerFixtures.server(repository, limits: ServingLimits(maxQueueSize: 4))
        try await ServerFixtures.withClient(server) { (client) async throws in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<5 {
                    group.addTask { try await client.infer("slow", Self.slowRequest(iterations: 2_000)).status }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses == Array(repeating: .ok, count: 5))
        }
    }

    @Test("a request past the timeout is 503 and its run is terminated, freeing the model")
    func timeout() async throws {
        let repository = try TemporaryRepository()
        try repository.add("slow", file: ServerFixtures.model("slow_loop"))
        let server = await ServerFixtures.server(repository, limits: ServingLimits(requestTimeout: .milliseconds(300)))
        try await ServerFixtures.withClient(server) { (client) async throws in
            let start = ContinuousClock.now
            let response = try await client.infer("slow", Self.slowRequest(iterations: 1_000_000_000))
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorMessage.contains("timed out after 300 ms"), "\(response.errorMessage)")
            #expect(ContinuousClock.now - start < .seconds(30))
            let quick = try await client.infer("slow", Self.slowRequest(iterations: 10))
            #expect(quick.status == .ok, "\(quick.errorMessage)")
            let (_, stats) = try await client.getJSON("/v2/models/slow/stats")
            let inference = stats["model_stats"]?.arrayValue?.first?["inference_stats"]
            #expect(inference?["fail"]?["count"] == .number(.int(1)))
            #expect(inference?["success"]?["count"] == .number(.int(1)))
            // The request's own 'timeout' parameter must be a non-negative integer.
            var bad = Self.slowRequest(iterations: 1)
            bad.parameters = ["timeout": .string("soon")]
            #expect(try await client.infer("slow", bad).status == .badRequest)
        }
    }

    @Test(
        "model names and versions never escape the repository",
        arguments: [
            "/v2/models/..%2F..%2Fetc%2Fpasswd", "/v2/models/%2e%2e/ready", "/v2/models/../ready",
            "/v2/models/%2Fetc%2Fpasswd/config", "/v2/models/a%00b", "/v2/models/.hidden", "/v2/models/%252e%252e",
            "/v2/models/x%2F..%2F..%2Fy/versions/1", "/v2/models/mnist/versions/..%2F1", "/v2/models/a%20b/stats",
            "/v2/models/%zz",
        ])
    func traversal(_ uri: String) async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let response = try await client.execute(uri: uri, method: .get)
            #expect(response.status == .badRequest || response.status == .notFound, "\(uri): \(response.status)")
            #expect(
                response.errorMessage.contains("invalid model") || response.errorMessage.contains("percent")
                    || response.errorMessage.contains("no endpoint"), "\(uri): \(response.errorMessage)")
        }
    }

    @Test("traversal in load and unload is refused before touching the disk")
    func traversalInRepositoryAPI() async throws {
        let repository = try TemporaryRepository()
        let outside = try TemporaryRepository()
        try outside.add("secret", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, controlMode: .explicit)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let name = "..%2F" + (outside.path as NSString).lastPathComponent + "%2Fsecret"
            for action in ["load", "unload"] {
                let (status, body) = try await client.postJSON("/v2/repository/models/\(name)/\(action)", nil)
                #expect(status == .badRequest, "\(action)")
                #expect(body["error"]?.stringValue?.contains("invalid model name") == true)
            }
            #expect(try await client.getJSON("/v2/models/secret").0 == .notFound)
        }
    }

    @Test("repository entries that are not valid model names are skipped")
    func invalidDirectoryNames() async throws {
        let repository = try TemporaryRepository()
        try repository.add("ok", file: ServerFixtures.model("identity_int32"))
        try repository.add("has space", file: ServerFixtures.model("identity_int32"))
        try repository.add(".hidden", file: ServerFixtures.model("identity_int32"))
        let server = await ServerFixtures.server(repository)
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (_, index) = try await client.postJSON("/v2/repository/index", nil)
            #expect(index.arrayValue?.compactMap { $0["name"]?.stringValue } == ["ok"])
        }
    }

    @Test("repository token: 401 without credentials, 403 with wrong ones, 200 with the token")
    func repositoryToken() async throws {
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("identity_int32"))
        let server = await ServerFixtures.server(repository, controlMode: .explicit, access: .token("s3cret"))
        try await ServerFixtures.withClient(server) { (client) async throws in
            let missing = try await client.execute(uri: "/v2/repository/index", method: .post)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == "Bearer")
            #expect(missing.errorMessage.contains("Authorization: Bearer"))
            for (value, status) in [
                ("Bearer wrong", HTTPResponse.Status.forbidden), ("Bearer s3cre", .forbidden),
                ("Bearer s3cret2", .forbidden),
                ("Basic czNjcmV0", .unauthorized), ("Bearer s3cret", .ok), ("bearer   s3cret", .ok),
            ] {
                var headers = HTTPFields()
                headers[.authorization] = value
                #expect(
                    try await client.postJSON("/v2/repository/index", nil, headers: headers).0 == status, "\(value)")
            }
            var good = HTTPFields()
            good[.authorization] = "Bearer s3cret"
            #expect(try await client.postJSON("/v2/repository/models/m/load", nil).0 == .unauthorized)
            #expect(try await client.postJSON("/v2/repository/models/m/load", nil, headers: good).0 == .ok)
            #expect(try await client.postJSON("/v2/repository/models/m/unload", nil, headers: good).0 == .ok)
            // Other endpoints need no token.
            #expect(try await client.getJSON("/v2/health/live").0 == .ok)
            #expect(try await client.getJSON("/v2/models/m").0 == .serviceUnavailable)
        }
    }

    @Test("a disabled repository API answers 403")
    func repositoryDisabled() async throws {
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("identity_int32"))
        let server = await ServerFixtures.server(repository, controlMode: .explicit, access: .disabled)
        try await ServerFixtures.withClient(server) { (client) async throws in
            for uri in ["/v2/repository/index", "/v2/repository/models/m/load", "/v2/repository/models/m/unload"] {
                let (status, body) = try await client.postJSON(uri, nil)
                #expect(status == .forbidden, "\(uri)")
                #expect(body["error"]?.stringValue?.contains("disabled") == true)
            }
        }
    }
}
#endif
