#if Server
import ContentCoding
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import ONNXRuntimeServing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Answers REST inference requests (`POST /v2/models/{m}[/versions/{v}]/infer`) in the connection's pipeline,
/// and passes every other request on to the router.
///
/// Why: the router's path gives each request an async request and response body, a request context, a middleware
/// chain and several task hops through the async channel, which on a small model cost more than the inference
/// (BENCHMARKS.md, "Server"). Here a request's parts are gathered on the event loop into one buffer and one task runs
/// the inference, as ``GRPCConnectionHandler`` does for gRPC; the answer is the router's answer, byte for byte
/// (``HTTPMessages/inferenceParts(_:coding:)``, ``HTTPMessages/errorParts(_:)``, the same checks in the same order,
/// the same `Date` and `Server` headers and the same log line).
///
/// It sits in front of the codec that turns SwiftNIO's HTTP/1 parts into swift-http-types ones
/// (``HTTP1PipelineFront`` puts it there), so an inference request's head is read as the HTTP/1 decoder made it: its
/// path is not parsed as a URL and its headers are not copied.
///
/// HTTP/1.1 answers in order: while one of this handler's requests is being answered, later requests wait (and the
/// connection is not read further once one is waiting), and an inference request that arrives behind requests the router has not answered yet
/// waits for their answers. Requests with `Expect` go to the router. A sampled request is traced as the router's
/// route traces it (Triton's trace extension). Graceful shutdown waits for the request in progress, then closes.
final class RESTInferenceHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    /// One inference request of this handler's (always a POST).
    private struct Exchange {
        /// The request target (path and query), for the log line.
        let target: String
        let start: ContinuousClock.Instant
        var model = ""
        var version: Int?
        var headerLength: Int?
        var requestCoding: ContentCoding?
        var responseCoding: ContentCoding?
        var body: ByteBuffer?
        /// The client asked to close the connection after the answer (`Connection: close`).
        var closes = false
        /// The request's trace and the caller's trace context, when the trace settings sample it.
        var trace: (RequestTrace, TraceParent?)?
    }

    private enum Inbound {
        case part(HTTPServerRequestPart)
        case error(any Error)
        case event(Any)
    }

    private enum State {
        /// No request of this handler's.
        case idle
        /// An inference request's body is arriving.
        case receiving(Exchange)
        /// The request was answered early (an error known before its end); the rest of its body is dropped.
        case discarding
        /// The request is whole and its inference runs; everything after it waits.
        case running(Task<Void, Never>)
    }

    private let engine: InferenceEngine
    private let tracing: RequestTracing?
    private let serverName: String?
    private let logger: Logger
    private var state = State.idle
    /// Requests passed to the router whose answer has not been written yet.
    private var routed = 0
    /// The request being received belongs to the router (its body and end go there too).
    private var routingBody = false
    /// What arrived while it may not be handled yet, in order: request parts, the HTTP decoder's errors (which the
    /// router answers, after the answers before them) and events such as the client's end of input (on which the
    /// router closes its side, which must wait for the answers before it).
    private var held = CircularBuffer<Inbound>()
    /// A read was asked for while parts were held.
    private var readHeld = false
    /// Graceful shutdown began while a request of this handler's was in progress.
    private var quiescing = false
    /// Parts were passed on since the last read-complete event (the router's async channel delivers what it got
    /// on that event, so parts passed on outside a read need one of their own).
    private var passedOn = false
    private var date = HTTPDate()
    private var tasks = ConnectionTaskStarter()

    /// - Parameters:
    ///   - engine: The engine that runs the inference.
    ///   - tracing: The trace extension's settings and exporter, if the server has them.
    ///   - serverName: The `Server` header's value, as the router's application sends it.
    ///   - logger: The logger for the request lines and the inference.
    init(engine: InferenceEngine, tracing: RequestTracing?, serverName: String?, logger: Logger) {
        self.engine = engine
        self.tracing = tracing
        self.serverName = serverName
        self.logger = logger
    }

    // MARK: - Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let part = unwrapInboundIn(data)
        if held.isEmpty, handle(part, context: context) { return }
        held.append(.part(part))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if held.isEmpty, handle(.error(error), context: context) { return }
        held.append(.error(error))
    }

    /// Passes an error or an event on to the router once the requests before it are answered. An error or the end
    /// of input in the middle of a request of this handler's ends that request unanswered (the router answers an
    /// error and closes the connection; after the end of input, no whole request can come).
    private func handle(_ item: Inbound, context: ChannelHandlerContext) -> Bool {
        if case .part(let part) = item { return handle(part, context: context) }
        let endsRequest =
            switch item {
            case .error: true
            case .event(let event): (event as? ChannelEvent) == .inputClosed
            case .part: false
            }
        switch state {
        case .running:
            return false
        case .receiving, .discarding:
            if endsRequest { state = .idle }
        case .idle:
            break
        }
        switch item {
        case .error(let error): context.fireErrorCaught(error)
        case .event(let event): context.fireUserInboundEventTriggered(event)
        case .part: break
        }
        return true
    }

    /// Handles one part, or returns false if it must wait (it and every later part are then held).
    private func handle(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) -> Bool {
        switch state {
        case .running:
            return false
        case .discarding:
            if case .end = part { state = .idle }
            return true
        case .receiving(var exchange):
            switch part {
            case .head:
                // The HTTP decoder never starts a request before the last one ended; were it to, the unfinished
                // request is dropped.
                state = .idle
                return handle(part, context: context)
            case .body(let bytes):
                state = .discarding  // while `exchange` is changed in place, without a second reference
                let limit = engine.configuration.limits.maxRequestBytes
                if (exchange.body?.readableBytes ?? 0) + bytes.readableBytes > limit {
                    answer(exchange, .failure(HTTPMessages.tooLarge(nil, limit)), context: context)
                    return true
                }
                if exchange.body == nil {
                    exchange.body = bytes
                } else {
                    exchange.body!.writeImmutableBuffer(bytes)
                }
                state = .receiving(exchange)
            case .end:
                exchange.trace?.0.record(.httpReceiveEnd)
                state = .running(start(exchange, context: context))
            }
            return true
        case .idle:
            switch part {
            case .head(let head):
                guard let route = Self.route(head) else {
                    routed += 1
                    routingBody = true
                    passOn(part, context: context)
                    return true
                }
                if routed > 0 { return false }
                begin(head, route, context: context)
            case .body, .end:
                // The router's request's (the router refuses parts without a head, should the decoder send any).
                if case .end = part { routingBody = false }
                passOn(part, context: context)
            }
            return true
        }
    }

    private func passOn(_ part: HTTPServerRequestPart, context: ChannelHandlerContext) {
        passedOn = true
        context.fireChannelRead(wrapInboundOut(part))
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        passedOn = false
        context.fireChannelReadComplete()
    }

    /// Handles held parts, in order, as far as they can be.
    private func release(context: ChannelHandlerContext) {
        // Each item leaves the queue before it is handled: handling it can close the connection (an early answer
        // to a request with `Connection: close` whose write completes at once), and `channelInactive` then empties
        // the queue under this loop. An item that must wait goes back to the front; nothing else happened then.
        while let item = held.popFirst() {
            guard handle(item, context: context) else {
                held.prepend(item)
                break
            }
        }
        if passedOn {
            passedOn = false
            context.fireChannelReadComplete()
        }
        guard held.isEmpty, readHeld else { return }
        readHeld = false
        context.read()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is ChannelShouldQuiesceEvent else {
            if held.isEmpty, handle(.event(event), context: context) { return }
            held.append(.event(event))
            return
        }
        switch state {
        case .idle, .discarding:
            // Nothing of this handler's is in progress: the router closes the connection once it has answered what
            // it has (held requests are dropped).
            context.fireUserInboundEventTriggered(event)
        case .receiving, .running:
            quiescing = true
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if case .running(let task) = state { task.cancel() }
        held.removeAll()
        context.fireChannelInactive()
    }

    // MARK: - Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let ended = if case .end = unwrapOutboundIn(data) { true } else { false }
        context.write(data, promise: promise)
        if ended, routed > 0 {
            routed -= 1
            if routed == 0, !held.isEmpty { release(context: context) }
        }
    }

    func read(context: ChannelHandlerContext) {
        // Reading stops only once something is held: stopping whenever an inference runs would make the event
        // loop drop and re-add the socket's read interest (two `epoll_ctl` calls) on every request.
        if held.isEmpty { context.read() } else { readHeld = true }
    }

    // MARK: - Requests

    /// The model and version segments of an inference path, or `nil` for any other request (which the router
    /// answers).
    ///
    /// `/v2/models/{m}/infer` or `/v2/models/{m}/versions/{v}/infer` in origin form, then an optional query. Read
    /// byte by byte in place: comparing `String`s goes by `Character`, which cost more than the rest of the request
    /// head's handling. A path with a byte outside ASCII goes to the router, where such a byte may join a `/` into
    /// one `Character`; the absolute form does too.
    private static func route(_ head: HTTPRequestHead) -> (model: Substring, version: Substring?)? {
        guard head.method == .POST, !head.headers.contains(name: "expect") else { return nil }
        let uri = head.uri
        let utf8 = uri.utf8
        var end = utf8.startIndex
        while end < utf8.endIndex, utf8[end] != UInt8(ascii: "?") {
            guard utf8[end] < 0x80 else { return nil }
            utf8.formIndex(after: &end)
        }
        let prefix = "/v2/models/".utf8
        let suffix = "/infer".utf8
        guard utf8.distance(from: utf8.startIndex, to: end) > prefix.count + suffix.count else { return nil }
        let restStart = utf8.index(utf8.startIndex, offsetBy: prefix.count)
        let restEnd = utf8.index(end, offsetBy: -suffix.count)
        guard utf8[..<restStart].elementsEqual(prefix), utf8[restEnd..<end].elementsEqual(suffix) else { return nil }
        let rest = utf8[restStart..<restEnd]
        guard let slash = rest.firstIndex(of: UInt8(ascii: "/")) else { return (uri[restStart..<restEnd], nil) }
        let versions = "versions/".utf8
        let tail = rest[utf8.index(after: slash)...]
        guard slash > restStart, tail.count > versions.count, tail.starts(with: versions) else { return nil }
        let versionStart = utf8.index(tail.startIndex, offsetBy: versions.count)
        guard !tail[versionStart...].contains(UInt8(ascii: "/")) else { return nil }
        return (uri[restStart..<slash], uri[versionStart..<restEnd])
    }

    /// The path of a request target, without its query.
    private static func path(of target: String) -> Substring {
        target[..<(target.utf8.firstIndex(of: UInt8(ascii: "?")) ?? target.endIndex)]
    }

    /// Starts one of this handler's requests: the checks the router's route makes before it reads the body, in the
    /// same order; a failure is answered at once and the body dropped.
    private func begin(
        _ head: HTTPRequestHead, _ route: (model: Substring, version: Substring?), context: ChannelHandlerContext
    ) {
        let received = RequestTrace.now
        var exchange = Exchange(target: head.uri, start: .now)
        let headers = head.headers
        exchange.closes = headers["connection"].contains { line in
            line.split(separator: ",").contains { $0.lowercased().filter { $0 != " " && $0 != "\t" } == "close" }
        }
        do throws(ServingError) {
            exchange.model = try HTTPMessages.modelName(raw: String(route.model))
            exchange.version = try HTTPMessages.version(raw: route.version.map(String.init))
            _ = try engine.model(exchange.model, version: exchange.version)
            exchange.headerLength = try HTTPMessages.headerLength(
                text: headers.combined("inference-header-content-length"))
            exchange.requestCoding = try HTTPMessages.requestCoding(
                contentEncoding: headers.combined("content-encoding"),
                contentLength: headers.combined("content-length"),
                limit: engine.configuration.limits.maxRequestBytes)
        } catch {
            state = .discarding
            answer(exchange, .failure(error), context: context)
            return
        }
        exchange.responseCoding = HTTPMessages.responseCoding(acceptEncoding: headers.combined("accept-encoding"))
        if let tracing {
            exchange.trace = tracing.begin(
                model: exchange.model, traceparent: headers["traceparent"], tracestate: headers["tracestate"])
            exchange.trace?.0.record(.httpReceiveStart, at: received)
        }
        state = .receiving(exchange)
    }

    /// Runs the inference of a whole request in a task, and answers on the connection's event loop.
    private func start(_ exchange: Exchange, context: ChannelHandlerContext) -> Task<Void, Never> {
        let engine = self.engine
        let tracing = self.tracing
        let logger = self.logger
        let trace = exchange.trace
        let body = exchange.body ?? ByteBuffer()
        let (model, version, headerLength, coding) =
            (exchange.model, exchange.version, exchange.headerLength, exchange.requestCoding)
        let loop = context.eventLoop
        let bound = NIOLoopBound((self, context, exchange), eventLoop: loop)
        let operation: @Sendable () async -> Void = {
            @Sendable func infer() async -> Result<EncodedInferenceResponse, ServingError> {
                do throws(ServingError) {
                    let bytes = try HTTPMessages.decoded(
                        body, coding: coding, limit: engine.configuration.limits.maxRequestBytes)
                    return .success(
                        try await engine.infer(
                            model: model, version: version, body: bytes, headerLength: headerLength, logger: logger))
                } catch {
                    return .failure(error)
                }
            }
            let outcome: Result<EncodedInferenceResponse, ServingError>
            if let (trace, parent) = trace {
                outcome = await RequestTrace.$current.withValue(trace) { await infer() }
                trace.record(.httpSendStart)
                tracing?.end(trace, parent: parent)
            } else {
                outcome = await infer()
            }
            let finish: @Sendable () -> Void = {
                let (handler, context, exchange) = bound.value
                handler.answer(exchange, outcome, context: context)
                handler.state = .idle
                handler.release(context: context)
            }
            if loop.inEventLoop { finish() } else { loop.execute(finish) }
        }
        return tasks.start(on: loop, operation)
    }

    /// Writes the answer to one of this handler's requests, and logs it as the router's error middleware does.
    private func answer(
        _ exchange: Exchange, _ outcome: Result<EncodedInferenceResponse, ServingError>,
        context: ChannelHandlerContext
    ) {
        let (status, fields, body): (HTTPResponse.Status, HTTPFields, ByteBuffer)
        var message: String?
        switch outcome {
        case .success(let encoded):
            status = .ok
            (fields, body) = HTTPMessages.inferenceParts(encoded, coding: exchange.responseCoding)
        case .failure(let error):
            (status, fields, body) = HTTPMessages.errorParts(error)
            message = error.message
        }
        // The head the codec behind this handler makes of the router's answers (the same names, values and reason
        // phrase), written without building a swift-http-types response first.
        var headers = HTTPHeaders()
        headers.reserveCapacity(fields.count + 4)
        for field in fields { headers.add(name: field.name.rawName, value: field.value) }
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        headers.add(name: "Date", value: date.now())
        if let serverName { headers.add(name: "Server", value: serverName) }
        let closes = exchange.closes || quiescing
        if closes { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(
            version: .http1_1,
            status: HTTPResponseStatus(statusCode: status.code, reasonPhrase: status.reasonPhrase), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        if closes {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
        RequestLog.record(
            logger, method: .post, path: Self.path(of: exchange.target), status: status,
            since: exchange.start, error: message)
    }
}

extension HTTPHeaders {
    /// The values of the fields named `name` (lowercase), joined with ", " as swift-http-types joins them; `nil` when
    /// there is none. (The router reads its headers through swift-http-types.)
    func combined(_ name: String) -> String? {
        var result: String?
        for (field, value) in self where field.utf8.count == name.utf8.count {
            guard field.utf8.elementsEqual(name.utf8, by: { $0 | 0x20 == $1 }) else { continue }
            result = result.map { $0 + ", " + value } ?? value
        }
        return result
    }
}

/// The `Date` header's value (RFC 9110's IMF-fixdate), formatted once a second.
struct HTTPDate {
    private var second: time_t = -1
    private var text = ""

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Now, as `Sun, 06 Nov 1994 08:49:37 GMT`.
    mutating func now() -> String {
        var clock = time(nil)
        if clock == second { return text }
        var parts = tm()
        guard gmtime_r(&clock, &parts) != nil else { return text }
        second = clock
        text = Self.format(parts)
        return text
    }

    /// The date of broken-down UTC time `parts`.
    static func format(_ parts: tm) -> String {
        func twoDigits(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let day = days[Int(parts.tm_wday) % 7]
        let month = months[Int(parts.tm_mon) % 12]
        return "\(day), \(twoDigits(parts.tm_mday)) \(month) \(1900 + Int(parts.tm_year)) "
            + "\(twoDigits(parts.tm_hour)):\(twoDigits(parts.tm_min)):\(twoDigits(parts.tm_sec)) GMT"
    }
}
#endif
