#if Server && Client
import ContentCoding
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import ONNXRuntimeServer
import ONNXRuntimeServing
import ORTCommands
import Testing

/// The pipeline's inference path (`RESTInferenceHandler`) against the router's: every answer the same, byte for
/// byte, and HTTP/1.1's order kept when both paths serve one connection.
@Suite("REST inference in the pipeline")
struct RESTInferenceHandlerTests {
    /// One request, sent to the router (Hummingbird's test client, which never reaches the pipeline) and over a
    /// socket to the live server (whose inference requests the pipeline answers).
    struct Case: Sendable, CustomStringConvertible {
        var description: String
        var path: String
        var headers: [(String, String)] = []
        var body: [UInt8]
    }

    static let limit = 4096
    static let int32Body = Array(
        #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[7,-8,9,0,1,-2]}]}"#.utf8)
    /// Six 300-character strings: an answer over ContentCoding.minimumCompressedSize, so it is compressed.
    static let stringsBody = Array(
        (#"{"inputs":[{"name":"x","shape":[2,3],"datatype":"BYTES","data":["#
            + (0..<6).map { "\"" + String(repeating: Character(UnicodeScalar(UInt8(97 + $0))), count: 300) + "\"" }
            .joined(separator: ",") + "]}]}").utf8)
    /// The INT32 request with its tensor as binary data after the JSON (Triton's binary extension).
    static let binaryRequest: (header: Int, body: [UInt8]) = {
        let json = Array(
            #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","parameters":{"binary_data_size":24}}]}"#.utf8)
        var body = json
        for value: Int32 in [1, 2, 3, -4, -5, 2_147_483_647] {
            withUnsafeBytes(of: value.littleEndian) { body += $0 }
        }
        return (json.count, body)
    }()

    static let cases: [Case] = [
        Case(description: "JSON", path: "/v2/models/m/infer", body: int32Body),
        Case(description: "a version", path: "/v2/models/m/versions/1/infer", body: int32Body),
        Case(description: "a query string", path: "/v2/models/m/infer?x=1", body: int32Body),
        Case(description: "a percent-encoded name", path: "/v2/models/%6D/infer", body: int32Body),
        Case(
            description: "binary outputs asked for", path: "/v2/models/m/infer",
            body: Array(
                #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[7,-8,9,0,1,-2]}],"#.utf8)
                + Array(#""parameters":{"binary_data_output":true}}"#.utf8)),
        Case(
            description: "binary inputs", path: "/v2/models/m/infer",
            headers: [("Inference-Header-Content-Length", "\(binaryRequest.header)")], body: binaryRequest.body),
        Case(
            description: "a gzip body", path: "/v2/models/m/infer", headers: [("Content-Encoding", "gzip")],
            body: Array(ContentCoding.gzip.compressed(int32Body).readableBytesView)),
        Case(
            description: "a compressed answer", path: "/v2/models/s/infer", headers: [("Accept-Encoding", "gzip")],
            body: stringsBody),
        Case(
            description: "an answer too small to compress", path: "/v2/models/m/infer",
            headers: [("Accept-Encoding", "deflate")], body: int32Body),
        Case(description: "an unknown model", path: "/v2/models/nope/infer", body: int32Body),
        Case(description: "an unknown version", path: "/v2/models/m/versions/7/infer", body: int32Body),
        Case(description: "a version that is not a number", path: "/v2/models/m/versions/x/infer", body: int32Body),
        Case(description: "bad percent-encoding", path: "/v2/models/%zz/infer", body: int32Body),
        Case(description: "a name with a dot-dot", path: "/v2/models/%2E%2E/infer", body: int32Body),
        Case(description: "malformed JSON", path: "/v2/models/m/infer", body: Array(#"{"inputs":["#.utf8)),
        Case(description: "an empty body", path: "/v2/models/m/infer", body: []),
        Case(description: "a missing input", path: "/v2/models/m/infer", body: Array(#"{"inputs":[]}"#.utf8)),
        Case(
            description: "a header length that is not a number", path: "/v2/models/m/infer",
            headers: [("Inference-Header-Content-Length", "abc")], body: int32Body),
        Case(
            description: "a negative header length", path: "/v2/models/m/infer",
            headers: [("Inference-Header-Content-Length", "-1")], body: int32Body),
        Case(
            description: "a header length past the body", path: "/v2/models/m/infer",
            headers: [("Inference-Header-Content-Length", "100000")], body: int32Body),
        Case(
            description: "an unknown Content-Encoding", path: "/v2/models/m/infer",
            headers: [("Content-Encoding", "br")], body: int32Body),
        Case(
            description: "a body that is not gzip", path: "/v2/models/m/infer",
            headers: [("Content-Encoding", "gzip")], body: int32Body),
        Case(
            description: "a gzip bomb", path: "/v2/models/m/infer", headers: [("Content-Encoding", "gzip")],
            body: Array(ContentCoding.gzip.compressed([UInt8](repeating: 0x20, count: 100_000)).readableBytesView)),
        Case(
            description: "a body over the limit", path: "/v2/models/m/infer",
            body: [UInt8](repeating: 0x20, count: limit + 1)),
        Case(description: "a trailing slash (the router's)", path: "/v2/models/m/infer/", body: int32Body),
        Case(description: "another endpoint (the router's)", path: "/v2/models/m/infer/x", body: int32Body),
        Case(description: "a segment too many (the router's)", path: "/v2/models/m/x/infer", body: int32Body),
        Case(description: "an empty version (the router's)", path: "/v2/models/m/versions//infer", body: int32Body),
        Case(description: "no model (the router's)", path: "/v2/models/infer", body: int32Body),
    ]

    static func server() async throws -> (InferenceServer, TemporaryRepository) {
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("identity_int32"))
        try repository.add("s", file: ServerFixtures.model("identity_string"))
        let server = await ServerFixtures.server(repository, limits: ServingLimits(maxRequestBytes: limit))
        return (server, repository)
    }

    /// A response as it came over the wire.
    struct WireResponse: Sendable {
        var status: Int
        var headers: [(name: String, value: String)]
        var body: [UInt8]

        func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }
    }

    /// The responses in `bytes`, in order (each with a `Content-Length`).
    static func responses(_ bytes: [UInt8]) throws -> [WireResponse] {
        var responses: [WireResponse] = []
        var rest = bytes[...]
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        while !rest.isEmpty {
            let end = try #require(
                rest.indices.first { rest[$0...].starts(with: separator) }, "no end of headers in \(rest.count) bytes")
            let lines = String(decoding: rest[..<end], as: UTF8.self).components(separatedBy: "\r\n")
            let status = try #require(Int(lines[0].split(separator: " ")[1]))
            let headers = lines.dropFirst().map { line in
                let colon = line.firstIndex(of: ":")!
                return (
                    String(line[..<colon]),
                    String(line[line.index(after: colon)...]).trimmingCharacters(in: .whitespaces)
                )
            }
            let response = WireResponse(status: status, headers: headers, body: [])
            let length = try #require(Int(response.header("Content-Length") ?? ""), "no Content-Length")
            let bodyStart = end + separator.count
            try #require(rest.endIndex - bodyStart >= length, "a body cut short")
            responses.append(
                WireResponse(status: status, headers: headers, body: Array(rest[bodyStart..<(bodyStart + length)])))
            rest = rest[(bodyStart + length)...]
        }
        return responses
    }

    /// Reads until `count` whole responses came (or the server closed the connection, or 30 s passed).
    static func receive(_ connection: RawSocket, count: Int) async throws -> (responses: [WireResponse], closed: Bool) {
        var bytes: [UInt8] = []
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let chunk = await connection.receive(timeout: .milliseconds(100), untilResponse: false)
            bytes += chunk.bytes
            if chunk.closed { return (try responses(bytes), true) }
            if let parsed = try? responses(bytes), parsed.count >= count { return (parsed, false) }
        }
        return (try responses(bytes), false)
    }

    /// The request's bytes on the wire.
    static func wire(_ item: Case, close: Bool = false) -> [UInt8] {
        var head = "POST \(item.path) HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        for (name, value) in item.headers { head += "\(name): \(value)\r\n" }
        head += "Content-Length: \(item.body.count)\r\n"
        if close { head += "Connection: close\r\n" }
        return Array((head + "\r\n").utf8) + item.body
    }

    @Test("every inference answer is the router's, byte for byte", arguments: cases)
    func sameAsRouter(_ item: Case) async throws {
        let (server, repository) = try await Self.server()
        defer { withExtendedLifetime(repository) {} }
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in item.headers { fields[HTTPField.Name(name)!] = value }
        let headers = fields
        let expected = try await ServerFixtures.withClient(server) { client in
            try await client.execute(
                uri: item.path, method: .post, headers: headers, body: ByteBuffer(bytes: item.body))
        }
        let received = try await ServerFixtures.withLiveServer(server) { port in
            let connection = try RawSocket(port: port)
            await connection.send(Self.wire(item, close: true))
            return await connection.receive(timeout: .seconds(30), untilResponse: false).bytes
        }
        let responses = try Self.responses(received)
        try #require(responses.count == 1)
        let response = responses[0]
        #expect(response.status == Int(expected.status.code))
        #expect(response.body == Array(expected.body.readableBytesView))
        for name in ["Content-Type", "Content-Encoding", "Inference-Header-Content-Length", "WWW-Authenticate"] {
            #expect(response.header(name) == expected.headers[HTTPField.Name(name)!], "\(name)")
        }
        // The router alone (the test client's application) has no server name; the live server's is the default.
        #expect(response.header("Server") == "swift-onnxruntime")
        #expect(response.header("Date")?.hasSuffix(" GMT") == true)
        // Checked by hand: what each kind of case must answer.
        switch item.description {
        case "JSON", "a version", "a query string", "a percent-encoded name", "binary inputs", "a gzip body",
            "an answer too small to compress":
            #expect(response.status == 200)
            let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
            let outputs = json?["outputs"] as? [[String: Any]]
            let data = outputs?.first?["data"] as? [Int]
            let sent = item.description == "binary inputs" ? [1, 2, 3, -4, -5, 2_147_483_647] : [7, -8, 9, 0, 1, -2]
            #expect(data == sent)
        case "a compressed answer":
            #expect(response.status == 200)
            #expect(response.header("Content-Encoding") == "gzip")
            let plain = try ContentCoding.gzip.decompressed(ByteBuffer(bytes: response.body), limit: 1 << 20)
            #expect(String(buffer: plain).contains(String(repeating: "f", count: 300)))
        case "binary outputs asked for":
            #expect(response.status == 200)
            #expect(
                response.header("Inference-Header-Content-Length").flatMap { Int($0) }.map { $0 + 24 }
                    == response.body.count)
        case "an unknown model", "an unknown version", "another endpoint (the router's)":
            #expect(response.status == 404)
        case "an unknown Content-Encoding":
            #expect(response.status == 415)
        case "a gzip bomb", "a body over the limit":
            #expect(response.status == 413)
        case "a trailing slash (the router's)", "a segment too many (the router's)", "an empty version (the router's)",
            "no model (the router's)":
            #expect(response.status == Int(expected.status.code))
        default:
            #expect(response.status == 400)
        }
    }

    @Test("a body without Content-Length over the limit is refused with 413, and the connection serves on")
    func chunkedOverLimit() async throws {
        let (server, repository) = try await Self.server()
        defer { withExtendedLifetime(repository) {} }
        try await ServerFixtures.withLiveServer(server) { port in
            let connection = try RawSocket(port: port)
            let chunk = [UInt8](repeating: 0x20, count: 3000)
            var bytes = Array(
                "POST /v2/models/m/infer HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
            for _ in 0..<2 { bytes += Array("bb8\r\n".utf8) + chunk + Array("\r\n".utf8) }
            bytes += Array("0\r\n\r\n".utf8)
            bytes += Self.wire(Case(description: "", path: "/v2/models/m/infer", body: Self.int32Body))
            await connection.send(bytes)
            let (responses, _) = try await Self.receive(connection, count: 2)
            #expect(responses.map(\.status) == [413, 200])
            #expect(
                String(decoding: responses.first?.body ?? [], as: UTF8.self)
                    == #"{"error":"the request body is larger than the 4096 bytes this server accepts (--max-request-size)"}"#
            )
        }
    }

    @Test("pipelined requests are answered in order, whichever path answers each")
    func pipelined() async throws {
        let (server, repository) = try await Self.server()
        defer { withExtendedLifetime(repository) {} }
        try await ServerFixtures.withLiveServer(server) { port in
            let connection = try RawSocket(port: port)
            let infer = Self.wire(Case(description: "", path: "/v2/models/m/infer", body: Self.int32Body))
            let bad = Self.wire(Case(description: "", path: "/v2/models/nope/infer", body: Self.int32Body))
            let ready = Array("GET /v2/models/m/ready HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
            let metadata = Array("GET /v2/models/s HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
            // One write: the server reads them together.
            await connection.send(ready + infer + metadata + bad + infer + ready + infer)
            let (responses, closed) = try await Self.receive(connection, count: 7)
            #expect(responses.map(\.status) == [200, 200, 200, 404, 200, 200, 200])
            let bodies = responses.map { String(decoding: $0.body, as: UTF8.self) }
            #expect(bodies.count == 7)
            guard bodies.count == 7 else { return }
            #expect(bodies[0] == #"{"name":"m","ready":true}"#)
            #expect(bodies[2].contains(#""name":"s""#))
            for index in [1, 4, 6] { #expect(bodies[index].contains(#""data":[7,-8,9,0,1,-2]"#)) }
            #expect(bodies[5] == #"{"name":"m","ready":true}"#)
            #expect(closed == false)
        }
    }

    @Test(
        "random pipelined streams, cut at random points, mixing both paths and early answers: one answer per request, in order",
        arguments: [1, 2, 3, 4] as [UInt64])
    func randomStreams(_ seed: UInt64) async throws {
        let (server, repository) = try await Self.server()
        defer { withExtendedLifetime(repository) {} }
        // Seeded, so that a failing stream can be sent again.
        var random = SplitMix64(seed: seed)
        // Each request with the answer it must get: the status, and a piece of the body worked out by hand.
        var stream: [UInt8] = []
        var expected: [(status: Int, body: String)] = []
        let count = 30
        for index in 0..<count {
            // The last request asks to close; it is one answered in full (an early answer that closes while its
            // body is still being sent may reset the connection before the answer is read, as for any server).
            let close = index == count - 1
            let kind = close ? 0 : Int.random(in: 0..<7, using: &random)
            switch kind {
            case 0, 1:
                // The identity model echoes its input.
                let values = (0..<6).map { _ in Int32.random(in: -1000...1000, using: &random) }
                let data = values.map(String.init).joined(separator: ",")
                let body = Array(#"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[\#(data)]}]}"#.utf8)
                let path = Bool.random(using: &random) ? "/v2/models/m/infer" : "/v2/models/m/versions/1/infer"
                stream += Self.wire(Case(description: "", path: path, body: body), close: close)
                expected.append((200, #""data":[\#(data)]"#))
            case 2:
                stream += Self.wire(
                    Case(description: "", path: "/v2/models/nope/infer", body: Self.int32Body), close: close)
                expected.append((404, "nope"))
            case 3:
                stream += Self.wire(
                    Case(description: "", path: "/v2/models/m/infer", body: Array(#"{"inputs":["#.utf8)), close: close)
                expected.append((400, "not valid JSON"))
            case 4:
                // Over the 4,096-byte limit: answered from its head, then its body is read and dropped.
                let body = [UInt8](
                    repeating: UInt8(ascii: " "), count: Self.limit + 1 + Int.random(in: 0..<3000, using: &random))
                stream += Self.wire(Case(description: "", path: "/v2/models/m/infer", body: body), close: close)
                expected.append((413, "larger than the 4096 bytes"))
            case 5:
                stream += Array(
                    "GET /v2/models/m/ready HTTP/1.1\r\nHost: localhost\r\n\(close ? "Connection: close\r\n" : "")\r\n"
                        .utf8)
                expected.append((200, #"{"name":"m","ready":true}"#))
            default:
                stream += Array(
                    "GET /v2/models/s HTTP/1.1\r\nHost: localhost\r\n\(close ? "Connection: close\r\n" : "")\r\n".utf8)
                expected.append((200, #""name":"s""#))
            }
        }
        let chunks: [[UInt8]] = {
            var chunks: [[UInt8]] = []
            var start = 0
            while start < stream.count {
                let end = min(stream.count, start + Int.random(in: 1...1500, using: &random))
                chunks.append(Array(stream[start..<end]))
                start = end
            }
            return chunks
        }()
        let pauses = chunks.map { _ in Int.random(in: 0..<8, using: &random) == 0 }
        let answers = expected
        try await ServerFixtures.withLiveServer(server) { port in
            let connection = try RawSocket(port: port)
            for (chunk, pause) in zip(chunks, pauses) {
                #expect(await connection.send(chunk))
                if pause { try await Task.sleep(for: .milliseconds(2)) }
            }
            let (responses, closedWithAnswers) = try await Self.receive(connection, count: count)
            // The close can come just after the last answer.
            var closed = closedWithAnswers
            if !closed { closed = await connection.receive(timeout: .seconds(30), untilResponse: false).closed }
            #expect(responses.count == count, "seed \(seed)")
            for (index, (response, want)) in zip(responses, answers).enumerated() {
                let body = String(decoding: response.body, as: UTF8.self)
                #expect(response.status == want.status, "seed \(seed), request \(index): \(body)")
                #expect(body.contains(want.body), "seed \(seed), request \(index): \(body)")
            }
            #expect(responses.last?.header("Connection") == "close")
            #expect(closed, "the last request asked to close")
        }
    }

    @Test("Connection: close on an inference request closes the connection after its answer")
    func connectionClose() async throws {
        let (server, repository) = try await Self.server()
        defer { withExtendedLifetime(repository) {} }
        try await ServerFixtures.withLiveServer(server) { port in
            let connection = try RawSocket(port: port)
            let request = Case(description: "", path: "/v2/models/m/infer", body: Self.int32Body)
            await connection.send(Self.wire(request, close: true) + Self.wire(request))
            let received = await connection.receive(timeout: .seconds(30), untilResponse: false)
            let responses = try Self.responses(received.bytes)
            #expect(responses.map(\.status) == [200])
            #expect(responses.first?.header("Connection") == "close")
            #expect(received.closed)
        }
    }

    @Test(
        "a waiting request answered at once with Connection: close (404) closes the connection when it is released")
    func heldEarlyAnswerCloses() async throws {
        // The unknown model's request waits behind the router's; when the router has answered, its 404 is written
        // and the connection closed while the waiting requests are being handled (the server once crashed here).
        let (server, repository) = try await Self.server()
        defer { withExtendedLifetime(repository) {} }
        try await ServerFixtures.withLiveServer(server) { port in
            let connection = try RawSocket(port: port)
            let ready = Array("GET /v2/models/m/ready HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
            let unknown = Self.wire(
                Case(description: "", path: "/v2/models/nope/infer", body: Self.int32Body), close: true)
            let infer = Self.wire(Case(description: "", path: "/v2/models/m/infer", body: Self.int32Body))
            // Nothing after the request that closes: unread bytes would make the close a reset.
            await connection.send(ready + unknown)
            let (responses, closedWithAnswers) = try await Self.receive(connection, count: 2)
            var closed = closedWithAnswers
            if !closed { closed = await connection.receive(timeout: .seconds(30), untilResponse: false).closed }
            #expect(responses.map(\.status) == [200, 404])
            #expect(responses.last?.header("Connection") == "close")
            #expect(closed)
            // The server still serves.
            let again = try RawSocket(port: port)
            await again.send(infer)
            let (answers, _) = try await Self.receive(again, count: 1)
            #expect(answers.map(\.status) == [200])
        }
    }

    @Test("a client that ends its sending after two requests still gets both answers")
    func halfClosed() async throws {
        let (server, repository) = try await Self.server()
        defer { withExtendedLifetime(repository) {} }
        try await ServerFixtures.withLiveServer(server) { port in
            let connection = try RawSocket(port: port)
            let request = Case(description: "", path: "/v2/models/m/infer", body: Self.int32Body)
            let ready = Array("GET /v2/models/m/ready HTTP/1.1\r\nHost: localhost\r\n\r\n".utf8)
            await connection.send(Self.wire(request) + ready + Self.wire(request))
            connection.finishSending()
            let (responses, _) = try await Self.receive(connection, count: 3)
            #expect(responses.map(\.status) == [200, 200, 200])
            #expect(
                responses.last.map { String(decoding: $0.body, as: UTF8.self) }?.contains("[7,-8,9,0,1,-2]") == true)
        }
    }
}
#endif
