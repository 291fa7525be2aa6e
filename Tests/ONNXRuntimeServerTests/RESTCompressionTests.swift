#if Server && Client
import ContentCoding
import HTTPTypes
import HummingbirdTesting
import NIOCore
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// `Content-Encoding` on inference requests and `Accept-Encoding` for their answers (what tritonclient's
/// `request_compression_algorithm` and `response_compression_algorithm` send). The values are worked out by hand:
/// identity models return their input, `add_f32` adds A and B.
@Suite("REST compression")
struct RESTCompressionTests {
    /// 100 rows of A + B: answers of 1.2 KiB (binary) and more (JSON), over ContentCoding.minimumCompressedSize.
    static let rows = 100
    static let a = (0..<(rows * 3)).map { Float($0) * 0.5 }
    static let b = (0..<(rows * 3)).map { Float($0 % 7) }
    static let sum = zip(a, b).map { $0 + $1 }

    static func addRequest(binary: Bool, rows: Int = rows) -> InferenceTestRequest {
        var request = InferenceTestRequest()
        let (a, b) = (Array(Self.a.prefix(rows * 3)), Array(Self.b.prefix(rows * 3)))
        if binary {
            request.add("A", "FP32", [rows, 3], binary: LittleEndian.floats(a))
            request.add("B", "FP32", [rows, 3], binary: LittleEndian.floats(b))
        } else {
            request.add("A", "FP32", [rows, 3], json: .doubles(a.map(Double.init)))
            request.add("B", "FP32", [rows, 3], json: .doubles(b.map(Double.init)))
        }
        request.output("C", binary: binary)
        return request
    }

    @Test(
        "gzip and deflate bodies, JSON and binary, answered uncompressed or in the coding asked for",
        arguments: [ContentCoding.gzip, .deflate], [nil, "gzip", "deflate", "br, deflate;q=0.5", "gzip;q=0"])
    func inference(coding: ContentCoding, accept: String?) async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            for binary in [false, true] {
                let response = try await client.infer(
                    "add_f32", Self.addRequest(binary: binary), coding: coding, acceptEncoding: accept)
                #expect(response.status == .ok)
                let expected: String? =
                    switch accept {
                    case "gzip": "gzip"
                    case "deflate", "br, deflate;q=0.5": "deflate"
                    default: nil
                    }
                #expect(response.contentEncoding == expected)
                if binary {
                    #expect(response.headerLength != nil)
                    #expect(response.binary["C"] == LittleEndian.floats(Self.sum))
                } else {
                    #expect(response.output("C")?["data"] == .doubles(Self.sum.map(Double.init)))
                }
            }
        }
    }

    @Test("a tiny answer goes uncompressed whatever the client accepts")
    func tiny() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let response = try await client.infer(
                "add_f32", Self.addRequest(binary: true, rows: 1), coding: .gzip, acceptEncoding: "gzip")
            #expect(response.status == .ok)
            #expect(response.contentEncoding == nil)
            #expect(response.binary["C"] == LittleEndian.floats(Array(Self.sum.prefix(3))))
        }
    }

    @Test("1.5 MiB of tensors compressed in both directions come back right")
    func large() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            let rows = 1 << 16
            let a = (0..<(rows * 3)).map { Float($0 % 1000) * 0.25 }
            var request = InferenceTestRequest()
            request.add("A", "FP32", [rows, 3], binary: LittleEndian.floats(a))
            request.add("B", "FP32", [rows, 3], binary: LittleEndian.floats(Array(repeating: 1, count: rows * 3)))
            request.output("C", binary: true)
            let response = try await client.infer("add_f32", request, coding: .gzip, acceptEncoding: "gzip")
            #expect(response.status == .ok, "\(response.json["error"] ?? .null)")
            #expect(response.contentEncoding == "gzip")
            let same = response.binary["C"] == LittleEndian.floats(a.map { $0 + 1 })
            #expect(same)
        }
    }

    @Test("unknown codings are 415, damaged bodies 400, bodies that decompress past the limit 413")
    func refused() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add_f32", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, limits: ServingLimits(maxRequestBytes: 64 << 10))
        try await ServerFixtures.withClient(server) { (client) async throws in
            let (json, _) = Self.addRequest(binary: false).encoded()
            let gzip = Array(ContentCoding.gzip.compressed(json).readableBytesView)
            func send(_ body: [UInt8], _ encoding: String) async throws -> TestResponse {
                var headers = HTTPFields()
                headers[.contentEncoding] = encoding
                return try await client.post("/v2/models/add_f32/infer", bytes: body, headers: headers)
            }

            let brotli = try await send(json, "br")
            #expect(brotli.status == .unsupportedMediaType)
            #expect(brotli.errorMessage.contains("'br'"))
            let truncated = try await send(Array(gzip.dropLast(10)), "gzip")
            #expect(truncated.status == .badRequest)
            #expect(truncated.errorMessage.contains("not valid gzip"), "\(truncated.errorMessage)")
            #expect(truncated.errorMessage.contains("truncated"), "\(truncated.errorMessage)")
            let plain = try await send(json, "gzip")
            #expect(plain.status == .badRequest)
            #expect(plain.errorMessage.contains("not valid gzip"))
            let wrongCoding = try await send(gzip, "deflate")
            #expect(wrongCoding.status == .badRequest)
            #expect(wrongCoding.errorMessage.contains("not valid deflate"))

            // 32 MiB of spaces after the JSON: about 32 KiB compressed, 512 times the server's limit decompressed.
            let bomb = ContentCoding.gzip.compressed(json + [UInt8](repeating: 0x20, count: 32 << 20))
            #expect(bomb.readableBytes < 64 << 10)
            let tooLarge = try await send(Array(bomb.readableBytesView), "gzip")
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.errorMessage.contains("decompresses to more than the 65536 bytes"))

            // The same request, uncompressed or as identity, is served.
            for encoding in ["identity", "gzip"] {
                let body = encoding == "gzip" ? gzip : json
                let served = try await send(body, encoding)
                #expect(served.status == .ok)
                #expect(
                    try served.json()["outputs"]?.arrayValue?.first?["data"] == .doubles(Self.sum.map(Double.init)))
            }
        }
    }
}
#endif
