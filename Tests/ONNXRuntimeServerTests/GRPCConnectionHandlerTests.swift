#if Server && Client
import ContentCoding
import GRPCCore
import Logging
import NIOCore
import NIOEmbedded
import NIOHPACK
import NIOHTTP2
import Testing

@testable import ONNXRuntimeServer

/// Drives ``GRPCConnectionHandler`` with HTTP/2 frames on a test channel: the paths real clients never take (a
/// stream that ends inside a message, two messages on a unary call, GET, wrong content type, a deadline that expires
/// while the handler runs, new streams while draining, flow-control credit).
@Suite("gRPC connection handler, frame by frame")
struct GRPCConnectionHandlerTests {
    static let echo = "/test.Service/Echo"
    static let slow = "/test.Service/Slow"
    static let stream = "/test.Service/Stream"
    static let guarded = "/test.Service/Guarded"

    /// Methods that answer a message with the same bytes, after a long sleep, per message of a stream, or behind the
    /// repository token.
    static func routes() -> GRPCRoutes {
        let echo: GRPCRoutes.Handler = { bytes throws(RPCError) in
            GRPCMessageBytes(Array(bytes.readableBytesView))
        }
        let slow: GRPCRoutes.Handler = { bytes throws(RPCError) in
            try? await Task.sleep(for: .seconds(30))
            return GRPCMessageBytes(Array(bytes.readableBytesView))
        }
        return GRPCRoutes(
            routes: [
                Self.echo: .init(streaming: false, guarded: false, handler: echo),
                Self.slow: .init(streaming: false, guarded: false, handler: slow),
                Self.stream: .init(streaming: true, guarded: false, handler: echo),
                Self.guarded: .init(streaming: false, guarded: true, handler: echo),
            ],
            access: GRPCRepositoryAccess(access: .token("s3cret")))
    }

    /// A connected test channel with the handler, its first frame (the connection window update) already read.
    struct Connection {
        let channel: NIOAsyncTestingChannel
        let loop: NIOAsyncTestingEventLoop

        init(limits: GRPCConnectionHandler.Limits = .init(maxMessageBytes: 1_000)) async throws {
            loop = NIOAsyncTestingEventLoop()
            channel = NIOAsyncTestingChannel(loop: loop)
            let routes = GRPCConnectionHandlerTests.routes()
            let channel = channel
            try await loop.submit {
                try channel.pipeline.syncOperations.addHandler(
                    GRPCConnectionHandler(routes: routes, limits: limits, logger: Logger(label: "test")))
            }.get()
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).get()
            let first = try await next()
            #expect(first.streamID == .rootStream)
            guard case .windowUpdate(let increment) = first.payload else {
                Issue.record("expected the connection window update, got \(first.payload)")
                return
            }
            #expect(increment == limits.connectionWindow - 65_535)
        }

        func send(_ payload: HTTP2Frame.FramePayload, on stream: Int) async throws {
            try await channel.writeInbound(HTTP2Frame(streamID: HTTP2StreamID(stream), payload: payload))
        }

        func request(
            _ path: String, on stream: Int, extra: [(String, String)] = [], method: String = "POST",
            contentType: String = "application/grpc", endStream: Bool = false
        ) async throws {
            var headers: HPACKHeaders = [
                ":method": method, ":scheme": "http", ":path": path, ":authority": "test", "content-type": contentType,
            ]
            for (name, value) in extra { headers.add(name: name, value: value) }
            try await send(.headers(.init(headers: headers, endStream: endStream)), on: stream)
        }

        func data(_ bytes: [UInt8], on stream: Int, endStream: Bool = true) async throws {
            try await send(.data(.init(data: .byteBuffer(ByteBuffer(bytes: bytes)), endStream: endStream)), on: stream)
        }

        /// The next frame the handler writes (handler tasks complete on other threads, so this waits for it).
        func next() async throws -> HTTP2Frame {
            for _ in 0..<5_000 {
                if let frame = try await channel.readOutbound(as: HTTP2Frame.self) { return frame }
                await loop.run()
                try await Task.sleep(for: .milliseconds(1))
            }
            throw RPCError(code: .deadlineExceeded, message: "no frame written within 5 s")
        }

        /// The next frame, which must be HEADERS; its fields and END_STREAM flag.
        func headers() async throws -> (HPACKHeaders, Bool) {
            let frame = try await next()
            guard case .headers(let headers) = frame.payload else {
                Issue.record("expected HEADERS, got \(frame.payload)")
                return ([:], false)
            }
            return (headers.headers, headers.endStream)
        }

        /// A trailers-only answer: its grpc-status and grpc-message.
        func status() async throws -> (Int?, String?) {
            let (headers, end) = try await headers()
            #expect(end)
            #expect(headers.first(name: ":status") == "200")
            return (headers.first(name: "grpc-status").flatMap { Int($0) }, headers.first(name: "grpc-message"))
        }

        func nothingMore() async throws {
            await loop.run()
            #expect(try await channel.readOutbound(as: HTTP2Frame.self) == nil)
        }
    }

    static func frame(_ bytes: [UInt8]) -> [UInt8] { GRPCWireTests.frame(bytes) }

    @Test("a unary call: response headers, the message, trailers with status 0")
    func unary() async throws {
        let connection = try await Connection()
        try await connection.request(Self.echo, on: 1)
        // The message arrives in two DATA frames.
        let message = Self.frame([1, 2, 3, 4, 5])
        try await connection.data(Array(message[..<3]), on: 1, endStream: false)
        try await connection.data(Array(message[3...]), on: 1)
        let (headers, end) = try await connection.headers()
        #expect(headers.first(name: ":status") == "200" && headers.first(name: "content-type") == "application/grpc")
        #expect(!end)
        let data = try await connection.next()
        guard case .data(let payload) = data.payload, case .byteBuffer(let bytes) = payload.data else {
            Issue.record("expected DATA, got \(data.payload)")
            return
        }
        #expect(Array(bytes.readableBytesView) == message)
        let (trailers, last) = try await connection.headers()
        #expect(trailers.first(name: "grpc-status") == "0" && last)
        try await connection.nothingMore()
    }

    /// The DATA frame that follows response headers, as bytes.
    static func message(_ connection: Connection) async throws -> [UInt8] {
        let data = try await connection.next()
        guard case .data(let payload) = data.payload, case .byteBuffer(let bytes) = payload.data else {
            Issue.record("expected DATA, got \(data.payload)")
            return []
        }
        return Array(bytes.readableBytesView)
    }

    @Test(
        "a compressed call: its messages decompressed, its answers compressed the same way when the client accepts it",
        arguments: ContentCoding.allCases)
    func compressed(coding: ContentCoding) async throws {
        let connection = try await Connection(limits: .init(maxMessageBytes: 10_000))
        let text = Array(String(repeating: "KServe V2 ", count: 300).utf8)
        let compressed = Array(coding.compressed(text).readableBytesView)
        // Accepted: answers of ContentCoding.minimumCompressedSize (1 KiB) or more are compressed with the request's
        // coding, smaller ones go with the compressed flag clear; the response headers name the coding.
        try await connection.request(
            Self.stream, on: 1,
            extra: [("grpc-encoding", coding.rawValue), ("grpc-accept-encoding", "identity,deflate,gzip")])
        try await connection.data(GRPCWireTests.frame(compressed, flag: 1), on: 1, endStream: false)
        try await connection.data(GRPCWireTests.frame([4, 5, 6]), on: 1)
        var (headers, _) = try await connection.headers()
        #expect(headers.first(name: "grpc-encoding") == coding.rawValue)
        var answer = try await Self.message(connection)
        #expect(answer.first == 1)
        let decoded = try coding.decompressed(ByteBuffer(bytes: answer.dropFirst(5)), limit: 10_000)
        #expect(Array(decoded.readableBytesView) == text)
        answer = try await Self.message(connection)
        #expect(answer == GRPCWireTests.frame([4, 5, 6]))
        #expect(try await connection.headers().0.first(name: "grpc-status") == "0")

        // Not accepted by the client (no grpc-accept-encoding, or one without the coding): an uncompressed answer,
        // and an uncompressed message on a compressed call is fine too.
        for (stream, accept) in [(3, nil), (5, "identity")] as [(Int, String?)] {
            var extra = [("grpc-encoding", coding.rawValue)]
            if let accept { extra.append(("grpc-accept-encoding", accept)) }
            try await connection.request(Self.stream, on: stream, extra: extra)
            try await connection.data(GRPCWireTests.frame(compressed, flag: 1), on: stream, endStream: false)
            try await connection.data(GRPCWireTests.frame([4, 5, 6]), on: stream)
            (headers, _) = try await connection.headers()
            #expect(headers.first(name: "grpc-encoding") == nil)
            answer = try await Self.message(connection)
            #expect(answer == GRPCWireTests.frame(text))
            answer = try await Self.message(connection)
            #expect(answer == GRPCWireTests.frame([4, 5, 6]))
            #expect(try await connection.headers().0.first(name: "grpc-status") == "0")
        }

        // Damaged data: INTERNAL; more than the limit (10,000 bytes) once decompressed: RESOURCE_EXHAUSTED.
        try await connection.request(Self.echo, on: 7, extra: [("grpc-encoding", coding.rawValue)])
        try await connection.data(GRPCWireTests.frame(Array(compressed.dropLast(4)), flag: 1), on: 7)
        var (code, message) = try await connection.status()
        #expect(code == 13 && message?.contains(coding.rawValue) == true, "\(message ?? "")")
        try await connection.request(Self.echo, on: 9, extra: [("grpc-encoding", coding.rawValue)])
        let bomb = Array(coding.compressed([UInt8](repeating: 7, count: 100_000)).readableBytesView)
        #expect(bomb.count < 1_000)
        try await connection.data(GRPCWireTests.frame(bomb, flag: 1), on: 9)
        (code, message) = try await connection.status()
        #expect(code == 8 && message?.contains("decompresses to more than") == true, "\(message ?? "")")
        try await connection.nothingMore()
    }

    @Test("calls that are not gRPC, or that the server cannot take, are refused before any handler runs")
    func refusals() async throws {
        let connection = try await Connection()
        try await connection.request(Self.echo, on: 1, method: "GET", endStream: true)
        var (headers, end) = try await connection.headers()
        #expect(headers.first(name: ":status") == "405" && end)

        try await connection.request(Self.echo, on: 3, contentType: "application/json", endStream: true)
        (headers, end) = try await connection.headers()
        #expect(headers.first(name: ":status") == "415" && end)

        try await connection.request("/test.Service/Nope", on: 5, endStream: true)
        var (code, message) = try await connection.status()
        #expect(code == 12 && message?.contains("/test.Service/Nope") == true)

        try await connection.request(Self.echo, on: 7, extra: [("grpc-encoding", "snappy")], endStream: true)
        let (compressed, _) = try await connection.headers()
        #expect(compressed.first(name: "grpc-status") == "12")
        #expect(compressed.first(name: "grpc-message")?.contains("snappy") == true)
        #expect(compressed.first(name: "grpc-accept-encoding") == "gzip, deflate, identity")

        try await connection.request(Self.echo, on: 9, extra: [("grpc-timeout", "soon")], endStream: true)
        (code, message) = try await connection.status()
        #expect(code == 3 && message?.contains("soon") == true)

        // No token for a guarded method: UNAUTHENTICATED; the client had not finished, so RST_STREAM(NO_ERROR).
        try await connection.request(Self.guarded, on: 11)
        (code, _) = try await connection.status()
        #expect(code == 16)
        let reset = try await connection.next()
        #expect(reset.streamID == 11)
        if case .rstStream(let error) = reset.payload { #expect(error == .noError) } else { Issue.record("\(reset)") }
        try await connection.nothingMore()
    }

    @Test("malformed message streams: none, two on a unary call, one cut short, one over the limit")
    func malformedMessages() async throws {
        let connection = try await Connection(limits: .init(maxMessageBytes: 8))
        try await connection.request(Self.echo, on: 1, endStream: true)
        var (code, message) = try await connection.status()
        #expect(code == 12 && message?.contains("no request message") == true)

        try await connection.request(Self.echo, on: 3)
        try await connection.data(Self.frame([1]) + Self.frame([2]), on: 3)
        (code, message) = try await connection.status()
        #expect(code == 12 && message?.contains("more than one") == true)

        try await connection.request(Self.echo, on: 5)
        try await connection.data(Array(Self.frame([1, 2, 3])[..<6]), on: 5)
        (code, message) = try await connection.status()
        #expect(code == 13 && message?.contains("inside a message") == true)

        // Over the 8-byte limit: refused on the prefix, while the client is still sending.
        try await connection.request(Self.echo, on: 7)
        try await connection.data([0, 0, 0, 0, 9], on: 7, endStream: false)
        (code, message) = try await connection.status()
        #expect(code == 8 && message?.contains("limit of 8 bytes") == true)
        let reset = try await connection.next()
        if case .rstStream(let error) = reset.payload { #expect(error == .noError) } else { Issue.record("\(reset)") }
        try await connection.nothingMore()
    }

    @Test("a call whose grpc-timeout passes while its handler runs gets DEADLINE_EXCEEDED")
    func deadline() async throws {
        let connection = try await Connection()
        try await connection.request(Self.slow, on: 1, extra: [("grpc-timeout", "100m")])
        try await connection.data(Self.frame([1]), on: 1)
        await connection.loop.advanceTime(by: .milliseconds(99))
        try await connection.nothingMore()
        await connection.loop.advanceTime(by: .milliseconds(1))
        let (code, message) = try await connection.status()
        #expect(code == 4 && message?.contains("grpc-timeout") == true)
        try await connection.nothingMore()
    }

    @Test("a streaming call answers each message in order, then status 0 when the client ends")
    func streaming() async throws {
        let connection = try await Connection()
        try await connection.request(Self.stream, on: 1)
        try await connection.data(Self.frame([1]) + Self.frame([2, 2]), on: 1, endStream: false)
        try await connection.data(Self.frame([3, 3, 3]), on: 1)
        let (headers, end) = try await connection.headers()
        #expect(headers.first(name: ":status") == "200" && !end)
        for expected in [[1], [2, 2], [3, 3, 3]] as [[UInt8]] {
            let frame = try await connection.next()
            guard case .data(let payload) = frame.payload, case .byteBuffer(let bytes) = payload.data else {
                Issue.record("expected DATA, got \(frame.payload)")
                return
            }
            #expect(Array(bytes.readableBytesView) == Self.frame(expected))
        }
        let (trailers, last) = try await connection.headers()
        #expect(trailers.first(name: "grpc-status") == "0" && last)
    }

    @Test("receive credit: a stream's window reopens as its bytes arrive")
    func streamCredit() async throws {
        let limits = GRPCConnectionHandler.Limits(maxMessageBytes: 1 << 20, streamWindow: 128 << 10)
        let connection = try await Connection(limits: limits)
        try await connection.request(Self.echo, on: 1)
        // 20 KiB, not a quarter of the 128 KiB window yet: no credit. 20 more: 40 KiB credited at once.
        let prefix: [UInt8] = [0, 0, 0x01, 0, 0]  // a 64 KiB message
        try await connection.data(prefix + [UInt8](repeating: 7, count: 20_475), on: 1, endStream: false)
        try await connection.nothingMore()
        try await connection.data([UInt8](repeating: 7, count: 20_480), on: 1, endStream: false)
        let update = try await connection.next()
        #expect(update.streamID == 1)
        if case .windowUpdate(let increment) = update.payload {
            #expect(increment == 40_960)
        } else {
            Issue.record("expected WINDOW_UPDATE, got \(update.payload)")
        }
    }

    @Test("graceful shutdown: GOAWAY, new streams refused, the call in progress finishes, then the connection closes")
    func quiescing() async throws {
        let connection = try await Connection()
        try await connection.request(Self.echo, on: 1)
        connection.channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        let goAway = try await connection.next()
        guard case .goAway(let last, let error, _) = goAway.payload else {
            Issue.record("expected GOAWAY, got \(goAway.payload)")
            return
        }
        #expect(last == 1 && error == .noError)
        try await connection.request(Self.echo, on: 3, endStream: true)
        let refused = try await connection.next()
        #expect(refused.streamID == 3)
        if case .rstStream(let code) = refused.payload {
            #expect(code == .refusedStream)
        } else {
            Issue.record("\(refused)")
        }
        // Stream 1 still completes.
        try await connection.data(Self.frame([9]), on: 1)
        _ = try await connection.headers()
        _ = try await connection.next()
        let (trailers, _) = try await connection.headers()
        #expect(trailers.first(name: "grpc-status") == "0")
        #expect(connection.channel.isActive)
        // NIOHTTP2Handler reports the closed stream; with no calls left the connection closes.
        connection.channel.pipeline.fireUserInboundEventTriggered(StreamClosedEvent(streamID: 1, reason: nil))
        await connection.loop.run()
        try await connection.channel.closeFuture.get()
    }

    static let timed = GRPCConnectionHandler.Limits(maxMessageBytes: 1_000, readTimeout: .seconds(1))

    @Test("read timeout: an idle connection is closed")
    func idleConnection() async throws {
        let connection = try await Connection(limits: Self.timed)
        await connection.loop.advanceTime(by: .milliseconds(999))
        #expect(connection.channel.isActive)
        await connection.loop.advanceTime(by: .milliseconds(1))
        try await connection.channel.closeFuture.get()
    }

    @Test("read timeout: trickled bytes and new streams do not restart the clock")
    func slowLoris() async throws {
        let connection = try await Connection(limits: Self.timed)
        try await connection.request(Self.echo, on: 1)
        let message = Self.frame([1, 2, 3, 4, 5, 6])
        for (index, byte) in message.dropLast().enumerated() {
            await connection.loop.advanceTime(by: .milliseconds(80))
            try await connection.data([byte], on: 1, endStream: false)
            try await connection.request(Self.echo, on: 3 + 2 * index)
        }
        #expect(connection.channel.isActive)  // 10 bytes, 800 ms
        await connection.loop.advanceTime(by: .milliseconds(199))
        #expect(connection.channel.isActive)
        await connection.loop.advanceTime(by: .milliseconds(1))
        try await connection.channel.closeFuture.get()
    }

    @Test("read timeout: whole messages keep a stream alive, and a busy server does not count")
    func progressAndBusyServer() async throws {
        let connection = try await Connection(limits: Self.timed)
        try await connection.request(Self.stream, on: 1)
        for value in 0..<5 {
            await connection.loop.advanceTime(by: .milliseconds(800))
            try await connection.data(Self.frame([UInt8(value)]), on: 1, endStream: false)
            _ = try await connection.next()  // the response headers, then each message
            if value == 0 { _ = try await connection.next() }
        }
        #expect(connection.channel.isActive)  // 4 s
        try await connection.data([], on: 1, endStream: true)
        _ = try await connection.headers()
        connection.channel.pipeline.fireUserInboundEventTriggered(StreamClosedEvent(streamID: 1, reason: nil))
        // A slow call whose request has arrived: the server is working, the clock stands still.
        try await connection.request(Self.slow, on: 3)
        try await connection.data(Self.frame([1]), on: 3)
        await connection.loop.advanceTime(by: .seconds(5))
        #expect(connection.channel.isActive)
        try await connection.channel.close()
    }
}
#endif
