#if Server && Client
import Foundation
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Clients that misbehave on the wire, against a live server on a free port: half a body and gone, headers or a
/// body trickled a byte at a time (slow-loris), idle connections, and `Content-Length` values that lie. The server
/// must keep serving everyone else, close the slow ones after the read timeout, and refuse huge bodies at once.
@Suite("Faults: clients that disconnect, trickle or lie about their size", .serialized)
struct ConnectionFaultTests {
    /// A small valid request for `identity_int32` (x: int32 [2, 3]), as raw HTTP/1.1.
    static func validRequest(close: Bool = true) -> String {
        let body = #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"INT32","data":[7,-8,9,0,1,-2]}]}"#
        return "POST /v2/models/m/infer HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            + "Content-Length: \(body.utf8.count)\r\n\(close ? "Connection: close\r\n" : "")\r\n\(body)"
    }

    static func server(readTimeout: Duration? = .seconds(1), maxRequestBytes: Int = 1 << 20) async throws
        -> (InferenceServer, TemporaryRepository)
    {
        let repository = try TemporaryRepository()
        try repository.add("m", file: ServerFixtures.model("identity_int32"))
        let server = await ServerFixtures.server(
            repository, limits: ServingLimits(maxRequestBytes: maxRequestBytes), start: false,
            readTimeout: readTimeout)
        return (server, repository)
    }

    /// Sends one valid request on a fresh connection and checks the answer; returns how long it took.
    static func checkServing(_ port: Int) async throws -> Duration {
        let start = ContinuousClock.now
        let connection = try RawSocket(port: port)
        #expect(await connection.send(validRequest()))
        let (bytes, _) = await connection.receive(timeout: .seconds(30))
        #expect(RawSocket.status(bytes) == 200, "\(String(decoding: bytes, as: UTF8.self))")
        #expect(String(decoding: bytes, as: UTF8.self).contains(#""data":[7,-8,9,0,1,-2]"#))
        return ContinuousClock.now - start
    }

    @Test("clients that send half a body and disconnect do not disturb the server", .timeLimit(.minutes(2)))
    func halfBodyThenGone() async throws {
        let (server, repository) = try await Self.server()
        try await ServerFixtures.withLiveServer(server) { port in
            #expect(try await LiveHTTP.waitFor200("http://127.0.0.1:\(port)/v2/health/ready"))
            for round in 0..<20 {
                let connection = try RawSocket(port: port)
                let half = round % 2 == 0 ? 500 : 1  // half a body, or just the first byte of it
                await connection.send(
                    "POST /v2/models/m/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"
                        + String(repeating: "{", count: half))
                // The connection is closed here (deinit) with the request unfinished.
            }
            // Headers cut off in the middle, then gone.
            for _ in 0..<10 {
                let connection = try RawSocket(port: port)
                await connection.send("POST /v2/models/m/infer HTTP/1.1\r\nHost: x\r\nContent-Le")
            }
            for _ in 0..<3 { _ = try await Self.checkServing(port) }
        }
        _ = repository
    }

    @Test(
        "slow-loris: headers sent a byte at a time are cut off after the read timeout; others are served meanwhile",
        .timeLimit(.minutes(2)))
    func slowHeaders() async throws {
        let (server, repository) = try await Self.server(readTimeout: .seconds(1))
        try await ServerFixtures.withLiveServer(server) { port in
            #expect(try await LiveHTTP.waitFor200("http://127.0.0.1:\(port)/v2/health/ready"))
            let slow = try RawSocket(port: port)
            let trickle = Task {
                let start = ContinuousClock.now
                for byte in Array(Self.validRequest().utf8) {
                    guard await slow.send([byte]) else { return ContinuousClock.now - start }
                    try await Task.sleep(for: .milliseconds(100))
                }
                return ContinuousClock.now - start
            }
            // Others are served quickly while the slow client trickles.
            for _ in 0..<5 {
                let took = try await Self.checkServing(port)
                #expect(took < .seconds(5), "a normal request took \(took) next to a slow client")
            }
            let (bytes, closed) = await slow.receive(timeout: .seconds(10), untilResponse: false)
            #expect(closed, "the slow connection is still open")
            #expect(bytes.isEmpty, "the slow client got an answer: \(String(decoding: bytes, as: UTF8.self))")
            let sending = try await trickle.value
            // The request is ~190 bytes: at 10 bytes a second it would take 19 s; the server cut it after ~1 s.
            #expect(sending < .seconds(8), "the slow client kept sending for \(sending)")
            _ = try await Self.checkServing(port)
        }
        _ = repository
    }

    @Test("a body sent a byte at a time is cut off after the read timeout", .timeLimit(.minutes(2)))
    func slowBody() async throws {
        let (server, repository) = try await Self.server(readTimeout: .seconds(1))
        try await ServerFixtures.withLiveServer(server) { port in
            #expect(try await LiveHTTP.waitFor200("http://127.0.0.1:\(port)/v2/health/ready"))
            let slow = try RawSocket(port: port)
            await slow.send("POST /v2/models/m/infer HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n")
            let start = ContinuousClock.now
            var stillOpen = true
            while stillOpen && ContinuousClock.now - start < .seconds(15) {
                stillOpen = await slow.send("[")
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(!stillOpen, "the server kept a trickling body open for 15 s")
            #expect(ContinuousClock.now - start < .seconds(8))
            _ = try await Self.checkServing(port)
        }
        _ = repository
    }

    @Test("an idle connection is closed after the read timeout; a kept-alive one serves requests until then")
    func idleConnection() async throws {
        let (server, repository) = try await Self.server(readTimeout: .seconds(1))
        try await ServerFixtures.withLiveServer(server) { port in
            #expect(try await LiveHTTP.waitFor200("http://127.0.0.1:\(port)/v2/health/ready"))
            let idle = try RawSocket(port: port)
            let (nothing, closed) = await idle.receive(timeout: .seconds(10), untilResponse: false)
            #expect(closed && nothing.isEmpty)

            // Keep-alive: two requests on one connection, each answered; then idle, then closed.
            let kept = try RawSocket(port: port)
            for _ in 0..<2 {
                #expect(await kept.send(Self.validRequest(close: false)))
                let (bytes, closedEarly) = await kept.receive(timeout: .seconds(30))
                #expect(RawSocket.status(bytes) == 200)
                #expect(!closedEarly)
            }
            let start = ContinuousClock.now
            let (_, closedLater) = await kept.receive(timeout: .seconds(10), untilResponse: false)
            #expect(closedLater)
            #expect(ContinuousClock.now - start < .seconds(5))
        }
        _ = repository
    }

    @Test(
        "the read timeout restarts with every answer: requests 0.5 s apart on both HTTP paths keep a connection open for 3 s; then it closes",
        .timeLimit(.minutes(2)))
    func readTimeoutRestartsPerRequest() async throws {
        let (server, repository) = try await Self.server(readTimeout: .seconds(1))
        try await ServerFixtures.withLiveServer(server) { port in
            #expect(try await LiveHTTP.waitFor200("http://127.0.0.1:\(port)/v2/health/ready"))
            let kept = try RawSocket(port: port)
            let start = ContinuousClock.now
            var answered = 0
            // Inference requests (answered in the pipeline) and health requests (the router) take turns; six
            // rounds outlast the 1 s timeout three times over, so the connection's one timer fires while the
            // clock is running again and must wait for the new deadline instead of closing.
            for round in 0..<6 {
                let request =
                    round % 2 == 0
                    ? Self.validRequest(close: false) : "GET /v2/health/live HTTP/1.1\r\nHost: x\r\n\r\n"
                guard await kept.send(request) else { break }
                let (bytes, closed) = await kept.receive(timeout: .seconds(30))
                guard RawSocket.status(bytes) == 200, !closed else { break }
                answered += 1
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(answered == 6, "the connection closed after \(answered) answers, \(ContinuousClock.now - start)")
            let idle = ContinuousClock.now
            let (_, closed) = await kept.receive(timeout: .seconds(10), untilResponse: false)
            #expect(closed)
            let waited = ContinuousClock.now - idle
            // 1 s after the last answer, less the 0.5 s already slept.
            #expect(waited < .seconds(3), "closed \(waited) after the last pause")
        }
        _ = repository
    }

    @Test("a slow inference is not cut off by the read timeout: only the client's sending is timed")
    func slowInferenceIsNotARead() async throws {
        let repository = try TemporaryRepository()
        try repository.add("slow", file: ServerFixtures.model("slow_loop"))
        let server = await ServerFixtures.server(repository, start: false, readTimeout: .milliseconds(300))
        try await ServerFixtures.withLiveServer(server) { port in
            #expect(try await LiveHTTP.waitFor200("http://127.0.0.1:\(port)/v2/health/ready"))
            let body = ShutdownTests.slowBody
            let connection = try RawSocket(port: port)
            await connection.send(
                "POST /v2/models/slow/infer HTTP/1.1\r\nHost: x\r\nContent-Length: \(body.count)\r\n\r\n")
            await connection.send(body)
            let (bytes, _) = await connection.receive(timeout: .seconds(120))
            #expect(RawSocket.status(bytes) == 200, "\(String(decoding: bytes.prefix(300), as: UTF8.self))")
        }
    }

    @Test(
        "a huge Content-Length is refused with 413 at once, before any body is sent",
        arguments: ["1099511627776", "9223372036854775807", "1048577"])
    func hugeContentLength(_ length: String) async throws {
        let (server, repository) = try await Self.server(maxRequestBytes: 1 << 20)
        try await ServerFixtures.withLiveServer(server) { port in
            #expect(try await LiveHTTP.waitFor200("http://127.0.0.1:\(port)/v2/health/ready"))
            let connection = try RawSocket(port: port)
            let start = ContinuousClock.now
            await connection.send("POST /v2/models/m/infer HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n\r\n")
            let (bytes, _) = await connection.receive(timeout: .seconds(10))
            #expect(RawSocket.status(bytes) == 413, "\(String(decoding: bytes, as: UTF8.self))")
            #expect(String(decoding: bytes, as: UTF8.self).contains("larger than the 1048576 bytes"))
            #expect(ContinuousClock.now - start < .seconds(5))
            _ = try await Self.checkServing(port)
        }
        _ = repository
    }

    @Test(
        "a Content-Length that is not a number, or past 64 bits, is a 400 or a closed connection, never a crash",
        arguments: ["99999999999999999999999", "-5", "12abc", "1, 2"])
    func invalidContentLength(_ length: String) async throws {
        let (server, repository) = try await Self.server()
        try await ServerFixtures.withLiveServer(server) { port in
            #expect(try await LiveHTTP.waitFor200("http://127.0.0.1:\(port)/v2/health/ready"))
            let connection = try RawSocket(port: port)
            await connection.send("POST /v2/models/m/infer HTTP/1.1\r\nHost: x\r\nContent-Length: \(length)\r\n\r\n{}")
            let (bytes, closed) = await connection.receive(timeout: .seconds(10))
            let status = RawSocket.status(bytes)
            #expect(status == 400 || (bytes.isEmpty && closed), "\(String(decoding: bytes, as: UTF8.self))")
            _ = try await Self.checkServing(port)
        }
        _ = repository
    }
}
#endif
