#if Server && Client
import HTTPTypes
import HummingbirdTesting
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Request bodies built to hurt: nesting a million levels deep in every mix of arrays and objects, and BYTES length
/// prefixes that point past the end of the body. Each must be a 400 with a reason, never a crash or a stack
/// overflow, and the server must answer the next request normally.
@Suite("Faults: hostile request bodies")
struct HostileRequestTests {
    /// `depth` levels of `open`, then the matching closers (or none).
    static func nested(_ open: String, _ close: String, depth: Int, closed: Bool = true) -> [UInt8] {
        Array((String(repeating: open, count: depth) + (closed ? String(repeating: close, count: depth) : "")).utf8)
    }

    static let shapes: [(String, String, String)] = [
        ("arrays", "[", "]"),
        ("objects", #"{"a":"#, "}"),
        ("arrays in objects", #"{"a":["#, "]}"),
        ("objects in arrays", #"[{"a":"#, "}]"),
    ]

    @Test("the JSON parser refuses 10^5 and 10^6 levels of every mix, closed or not", arguments: [100_000, 1_000_000])
    func parserDepth(_ depth: Int) {
        for (name, open, close) in Self.shapes {
            for closed in [true, false] {
                let text = Self.nested(open, close, depth: depth, closed: closed)
                #expect(throws: JSONParser.Error.self, "\(name), closed: \(closed)") {
                    try JSONParser.parse(text)
                }
            }
        }
    }

    @Test(
        "deep nesting as the whole body or inside 'data' is a 400 and the server carries on",
        arguments: [100_000, 1_000_000])
    func inferDepth(_ depth: Int) async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            for (name, open, close) in Self.shapes {
                let whole = Self.nested(open, close, depth: depth)
                let inData =
                    Array(#"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":"#.utf8) + whole
                    + Array("}]}".utf8)
                for body in [whole, inData] {
                    let response = try await client.post("/v2/models/identity_int32/infer", bytes: body)
                    #expect(response.status == .badRequest, "\(name)")
                    #expect(response.errorMessage.contains("nesting deeper than"), "\(name): \(response.errorMessage)")
                }
            }
            // The repository endpoints parse JSON bodies too.
            let index = try await client.post("/v2/repository/index", bytes: Self.nested("[", "]", depth: depth))
            // 10^6 levels are more than the 1 MiB these small bodies may have: 413 before parsing.
            #expect(index.status == .badRequest || index.status == .contentTooLarge)
            var request = InferenceTestRequest()
            request.add("x", "INT32", [2, 3], json: .ints([5, 6, 7, 8, 9, 10]))
            #expect(
                try await client.infer("identity_int32", request).output("y")?["data"] == .ints([5, 6, 7, 8, 9, 10]))
        }
    }

    @Test(
        "a BYTES length prefix that runs past the body is a 400, whatever its size",
        arguments: [
            // (elements before the bad one, the bad prefix, bytes after it)
            (0, UInt32.max, 3), (0, UInt32(Int32.max), 0), (1, 0x8000_0000, 10), (2, 5, 4), (0, 1, 0),
        ] as [(Int, UInt32, Int)])
    func bytesOverrun(_ before: Int, _ prefix: UInt32, _ after: Int) async throws {
        let server = try await ServerFixtures.shared()
        let good = LittleEndian.strings(Array(repeating: "ok", count: before))
        let payload =
            good + [UInt8(prefix & 0xFF), UInt8(prefix >> 8 & 0xFF), UInt8(prefix >> 16 & 0xFF), UInt8(prefix >> 24)]
            + Array(repeating: UInt8(ascii: "z"), count: after)
        let header =
            #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"BYTES","parameters":{"binary_data_size":\#(payload.count)}}]}"#
        try await ServerFixtures.withClient(server) { (client) async throws in
            var headers = HTTPFields()
            headers[HTTPField.Name("Inference-Header-Content-Length")!] = String(header.utf8.count)
            let response = try await client.post(
                "/v2/models/identity_string/infer", bytes: Array(header.utf8) + payload, headers: headers)
            #expect(response.status == .badRequest)
            #expect(response.errorMessage.contains("says it has \(prefix) bytes"), "\(response.errorMessage)")
        }
    }

    @Test("a BYTES element whose 4-byte length prefix is itself cut short is a 400", arguments: [1, 2, 3])
    func bytesPrefixCut(_ prefixBytes: Int) async throws {
        let server = try await ServerFixtures.shared()
        let payload = LittleEndian.strings(["a"]) + Array(repeating: UInt8(0), count: prefixBytes)
        let header =
            #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"BYTES","parameters":{"binary_data_size":\#(payload.count)}}]}"#
        try await ServerFixtures.withClient(server) { (client) async throws in
            var headers = HTTPFields()
            headers[HTTPField.Name("Inference-Header-Content-Length")!] = String(header.utf8.count)
            let response = try await client.post(
                "/v2/models/identity_string/infer", bytes: Array(header.utf8) + payload, headers: headers)
            #expect(response.status == .badRequest)
            #expect(!response.errorMessage.isEmpty)
        }
    }
}
#endif
