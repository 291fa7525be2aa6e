#if Server
import ContentCoding
import GRPCCore
import Logging
import NIOCore
import NIOHPACK
import NIOHTTP2

/// Serves gRPC on one HTTP/2 connection, behind `NIOHTTP2Handler` and without a stream multiplexer: it sees every
/// stream's frames on the connection's event loop, keeps a small state per call, and starts one task per unary call
/// (one per stream for ModelStreamInfer) only for the handler itself.
///
/// Why not grpc-swift's server: it gives every stream a child channel, an async channel and several tasks, and its
/// generic layers cost more than the inference of a small model (see BENCHMARKS.md). This handler does the same
/// protocol work (framing, limits, deadlines, statuses, flow control, graceful shutdown) in a few synchronous steps.
///
/// Flow control: without a multiplexer, the connection's and the streams' receive windows are this handler's to
/// open. Stream credit is returned as bytes arrive (a message is limited by ``Limits/maxMessageBytes`` instead),
/// except on a streaming call with many messages not yet answered, whose credit waits until they are.
final class GRPCConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    /// The sizes the handler works with.
    struct Limits: Sendable {
        /// The largest request message, in bytes; larger ones are answered `RESOURCE_EXHAUSTED`.
        var maxMessageBytes: Int
        /// The receive window of a stream (also advertised as SETTINGS_INITIAL_WINDOW_SIZE).
        var streamWindow: Int = 1 << 20
        /// The receive window of the connection.
        var connectionWindow: Int = 16 << 20
        /// Messages of one streaming call received and not yet answered before its credit is held back.
        var pendingStreamMessages: Int = 16
        /// How long the client may take to deliver its next whole message, or end its request, while the server
        /// waits for one (including a connection with no calls); `nil` for no limit. See ``ServerConfiguration/readTimeout``.
        var readTimeout: TimeAmount? = nil
    }

    /// One call (one HTTP/2 stream).
    private struct Call {
        let route: GRPCRoutes.Route
        var reader: GRPCMessageReader
        /// The coding of the responses: the request's `grpc-encoding`, when the client also accepts it.
        var responseCoding: ContentCoding?
        /// The unary call's message, once whole.
        var message: ByteBuffer?
        /// The client has ended its side of the stream.
        var requestEnded = false
        /// Response headers are out (a streaming call's first message went).
        var headersSent = false
        /// Trailers are out: nothing more is written on the stream.
        var finished = false
        var task: Task<Void, Never>?
        var messages: AsyncStream<ByteBuffer>.Continuation?
        /// Streaming messages received and not yet answered.
        var pending = 0
        /// Stream bytes received and not yet credited back.
        var uncredited = 0
        var deadline: Scheduled<Void>?
        /// The call's W3C trace context headers, if it sent any (Triton's trace extension continues them).
        var traceHeaders: GRPCTraceHeaders?
    }

    private let routes: GRPCRoutes
    private let limits: Limits
    private let logger: Logger
    private var calls: [HTTP2StreamID: Call] = [:]
    private var connectionUncredited = 0
    private var lastStreamID: HTTP2StreamID = .rootStream
    private var quiescing = false
    private var openedConnectionWindow = false
    private var readTimer: Scheduled<Void>?
    /// When the client must next make progress, while the server waits for it (see ``updateReadClock``).
    private var readDeadline: NIODeadline?

    /// Whether to tell ``BusyPolling`` when the connection has calls running (``BusyPolling/Activity``).
    private let reportsActivity: Bool
    /// Calls (or streams) whose handler task has not finished.
    private var running = 0
    /// Starts the calls' tasks on this connection's loop (``ConnectionTaskStarter``).
    private var tasks = ConnectionTaskStarter()

    init(routes: GRPCRoutes, limits: Limits, logger: Logger, reportsActivity: Bool = false) {
        self.routes = routes
        self.limits = limits
        self.logger = logger
        self.reportsActivity = reportsActivity
    }

    /// The settings the server advertises.
    static func settings(_ limits: Limits) -> HTTP2Settings {
        [
            HTTP2Setting(parameter: .maxConcurrentStreams, value: 100),
            HTTP2Setting(parameter: .initialWindowSize, value: limits.streamWindow),
            HTTP2Setting(parameter: .maxFrameSize, value: 1 << 20),
            HTTP2Setting(parameter: .maxHeaderListSize, value: 16 << 10),
        ]
    }

    // MARK: - Connection

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            openConnectionWindow(context: context)
            updateReadClock(context: context)
        }
    }

    func channelActive(context: ChannelHandlerContext) {
        openConnectionWindow(context: context)
        updateReadClock(context: context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        readTimer?.cancel()
        readTimer = nil
        readDeadline = nil
    }

    // MARK: - Read timeout

    /// Whether the server is waiting for the client: no calls at all, or a call whose request is still arriving.
    private var waitingForClient: Bool {
        calls.isEmpty || calls.values.contains { !$0.requestEnded && !$0.finished }
    }

    /// Keeps the read clock in step with the calls: it runs while the server waits for the client and stops when it
    /// does not; `progressed` (a whole message, or the end of a request) starts it again. Otherwise a running clock is
    /// left alone, so new streams, resets and partial messages do not restart it. Only the deadline moves here; the
    /// one timer catches up with it when it fires, so calls add no timer work of their own.
    private func updateReadClock(progressed: Bool = false, context: ChannelHandlerContext) {
        guard let timeout = limits.readTimeout else { return }
        guard waitingForClient else {
            readDeadline = nil
            return
        }
        if progressed || readDeadline == nil { readDeadline = context.eventLoop.now + timeout }
        if readTimer == nil, let deadline = readDeadline { scheduleReadTimer(at: deadline, context: context) }
    }

    private func scheduleReadTimer(at deadline: NIODeadline, context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        readTimer = context.eventLoop.scheduleTask(deadline: deadline) {
            let (handler, context) = bound.value
            handler.readTimer = nil
            guard handler.waitingForClient, let due = handler.readDeadline else {
                handler.readDeadline = nil
                return
            }
            if due > context.eventLoop.now {
                handler.scheduleReadTimer(at: due, context: context)
            } else {
                handler.logger.debug("gRPC connection closed: the client sent nothing whole within the read timeout")
                context.close(promise: nil)
            }
        }
    }

    /// The connection window starts at 65,535 bytes whatever the settings say; one update raises it.
    private func openConnectionWindow(context: ChannelHandlerContext) {
        guard !openedConnectionWindow else { return }
        openedConnectionWindow = true
        let increment = limits.connectionWindow - 65_535
        if increment > 0 {
            context.writeAndFlush(
                wrapOutboundOut(
                    HTTP2Frame(streamID: .rootStream, payload: .windowUpdate(windowSizeIncrement: increment))),
                promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        readTimer?.cancel()
        readTimer = nil
        readDeadline = nil
        for (_, call) in calls { Self.abandon(call) }
        calls.removeAll()
        context.fireChannelInactive()
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A stream error has been answered with RST_STREAM by NIOHTTP2Handler; the stream's closed event follows.
        if error is NIOHTTP2Errors.StreamError { return }
        logger.debug("gRPC connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let closed as StreamClosedEvent:
            if let call = calls.removeValue(forKey: closed.streamID), !call.finished { Self.abandon(call) }
            updateReadClock(context: context)
            closeIfDrained(context: context)
        case is ChannelShouldQuiesceEvent:
            // Graceful shutdown: no new calls (GOAWAY names the last stream seen), the calls in progress finish,
            // then the connection closes.
            quiescing = true
            context.writeAndFlush(
                wrapOutboundOut(
                    HTTP2Frame(
                        streamID: .rootStream,
                        payload: .goAway(lastStreamID: lastStreamID, errorCode: .noError, opaqueData: nil))),
                promise: nil)
            closeIfDrained(context: context)
        default:
            context.fireUserInboundEventTriggered(event)
        }
    }

    private func closeIfDrained(context: ChannelHandlerContext) {
        if quiescing, calls.isEmpty { context.close(promise: nil) }
    }

    private static func abandon(_ call: Call) {
        call.task?.cancel()
        call.messages?.finish()
        call.deadline?.cancel()
    }

    // MARK: - Inbound frames

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.payload {
        case .headers(let headers):
            receivedHeaders(headers, on: frame.streamID, context: context)
        case .data(let data):
            receivedData(data, on: frame.streamID, context: context)
        default:
            // SETTINGS, PING, WINDOW_UPDATE, GOAWAY and RST_STREAM are NIOHTTP2Handler's; a reset stream's closed
            // event ends its call.
            break
        }
    }

    private func receivedHeaders(
        _ payload: HTTP2Frame.FramePayload.Headers, on streamID: HTTP2StreamID, context: ChannelHandlerContext
    ) {
        if calls[streamID] != nil {
            // Trailers from the client: only their END_STREAM matters.
            if payload.endStream { requestEnded(streamID, context: context) }
            return
        }
        if streamID > lastStreamID { lastStreamID = streamID }
        guard !quiescing else {
            context.write(
                wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: .rstStream(.refusedStream))), promise: nil)
            return
        }
        let headers = payload.headers
        guard headers.first(name: ":method") == "POST" else {
            return respondHTTP("405", on: streamID, requestEnded: payload.endStream, context: context)
        }
        guard let contentType = headers.first(name: "content-type"), contentType.hasPrefix("application/grpc") else {
            return respondHTTP("415", on: streamID, requestEnded: payload.endStream, context: context)
        }
        let path = headers.first(name: ":path") ?? ""
        guard let route = routes.route(path) else {
            return reject(
                RPCError(code: .unimplemented, message: "the server has no method '\(path)'"), on: streamID,
                requestEnded: payload.endStream, context: context)
        }
        var coding: ContentCoding?
        if let encoding = headers.first(name: "grpc-encoding"), encoding != "identity" {
            guard let known = ContentCoding(name: encoding) else {
                return reject(
                    RPCError(
                        code: .unimplemented,
                        message: "message compression '\(encoding)' is not supported; use gzip, deflate or identity"),
                    on: streamID, requestEnded: payload.endStream, context: context,
                    extraHeaders: ["grpc-accept-encoding": ContentCoding.advertised])
            }
            coding = known
        }
        if route.guarded {
            do {
                try routes.access.check(authorization: headers.first(name: "authorization"))
            } catch {
                return reject(error, on: streamID, requestEnded: payload.endStream, context: context)
            }
        }
        var call = Call(route: route, reader: GRPCMessageReader(maximumLength: limits.maxMessageBytes, coding: coding))
        call.traceHeaders = GRPCTraceHeaders(headers)
        if let coding, headers[canonicalForm: "grpc-accept-encoding"].contains(where: { coding.isListed(in: $0) }) {
            call.responseCoding = coding
        }
        if let value = headers.first(name: "grpc-timeout") {
            guard let timeout = GRPCWire.timeout(value[...]) else {
                return reject(
                    RPCError(code: .invalidArgument, message: "the grpc-timeout '\(value)' is malformed"),
                    on: streamID, requestEnded: payload.endStream, context: context)
            }
            let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
            call.deadline = context.eventLoop.scheduleTask(in: timeout) {
                bound.value.0.deadlineExceeded(streamID, context: bound.value.1)
            }
        }
        if route.streaming {
            let (messages, continuation) = AsyncStream.makeStream(of: ByteBuffer.self)
            call.messages = continuation
            call.task = startStreaming(
                route.handler, messages: messages, coding: call.responseCoding, traceHeaders: call.traceHeaders,
                on: streamID, context: context)
            taskStarted(context)
        }
        calls[streamID] = call
        if payload.endStream {
            requestEnded(streamID, context: context)
        } else {
            updateReadClock(context: context)
        }
    }

    private func receivedData(
        _ payload: HTTP2Frame.FramePayload.Data, on streamID: HTTP2StreamID, context: ChannelHandlerContext
    ) {
        let length = payload.data.readableBytes + (payload.paddingBytes ?? 0)
        connectionUncredited += length
        if connectionUncredited >= limits.connectionWindow / 2 {
            writeWindowUpdate(connectionUncredited, on: .rootStream, context: context)
            connectionUncredited = 0
        }
        guard var call = calls[streamID], !call.finished, case .byteBuffer(let bytes) = payload.data else { return }
        call.reader.append(bytes)
        var progressed = false
        do {
            while let message = try call.reader.next() {
                progressed = true
                if call.route.streaming {
                    call.pending += 1
                    call.messages?.yield(message)
                } else if call.message == nil {
                    call.message = message
                } else {
                    calls[streamID] = call
                    return reject(
                        RPCError(code: .unimplemented, message: "a unary method got more than one request message"),
                        on: streamID, requestEnded: payload.endStream, context: context)
                }
            }
        } catch {
            calls[streamID] = call
            return reject(error, on: streamID, requestEnded: payload.endStream, context: context)
        }
        if !payload.endStream {
            call.uncredited += length
            let holdBack = call.route.streaming && call.pending >= limits.pendingStreamMessages
            if !holdBack, call.uncredited >= limits.streamWindow / 4 {
                writeWindowUpdate(call.uncredited, on: streamID, context: context)
                call.uncredited = 0
            }
        }
        calls[streamID] = call
        if payload.endStream {
            requestEnded(streamID, context: context)
        } else if progressed {
            updateReadClock(progressed: true, context: context)
        }
    }

    /// The client has sent all it will: a unary call runs; a streaming call's message stream ends.
    private func requestEnded(_ streamID: HTTP2StreamID, context: ChannelHandlerContext) {
        guard var call = calls[streamID], !call.finished else { return }
        call.requestEnded = true
        calls[streamID] = call
        defer { updateReadClock(progressed: true, context: context) }
        if call.reader.bufferedBytes > 0 {
            return reject(
                RPCError(code: .internalError, message: "the request ended inside a message"), on: streamID,
                requestEnded: true, context: context)
        }
        if call.route.streaming {
            call.messages?.finish()
            return
        }
        guard let message = call.message else {
            return reject(
                RPCError(code: .unimplemented, message: "a unary method got no request message"), on: streamID,
                requestEnded: true, context: context)
        }
        call.message = nil
        call.task = startUnary(
            call.route.handler, message: message, coding: call.responseCoding, traceHeaders: call.traceHeaders,
            on: streamID, context: context)
        taskStarted(context)
        calls[streamID] = call
    }

    // MARK: - Calls

    private func startUnary(
        _ handler: @escaping GRPCRoutes.Handler, message: ByteBuffer, coding: ContentCoding?,
        traceHeaders: GRPCTraceHeaders?, on streamID: HTTP2StreamID, context: ChannelHandlerContext
    ) -> Task<Void, Never> {
        let completion = completion(context)
        return tasks.start(on: context.eventLoop) {
            let result: Result<GRPCMessageBytes, RPCError>
            do throws(RPCError) {
                let response = try await GRPCTraceHeaders.run(traceHeaders) { () async throws(RPCError) in
                    try await handler(message)
                }
                result = .success(response.compressed(with: coding))
            } catch {
                result = .failure(error)
            }
            completion { handler, context in handler.finishUnary(streamID, result, context: context) }
        }
    }

    private func startStreaming(
        _ handler: @escaping GRPCRoutes.Handler, messages: AsyncStream<ByteBuffer>, coding: ContentCoding?,
        traceHeaders: GRPCTraceHeaders?, on streamID: HTTP2StreamID, context: ChannelHandlerContext
    ) -> Task<Void, Never> {
        let completion = completion(context)
        return tasks.start(on: context.eventLoop) {
            for await message in messages {
                do throws(RPCError) {
                    // Every message of the stream carries the call's trace context.
                    let response = try await GRPCTraceHeaders.run(traceHeaders) { () async throws(RPCError) in
                        try await handler(message)
                    }.compressed(with: coding)
                    completion { handler, context in handler.sendMessage(response, on: streamID, context: context) }
                } catch {
                    completion { handler, context in handler.finishStream(streamID, error, context: context) }
                    return
                }
            }
            completion { handler, context in handler.finishStream(streamID, nil, context: context) }
        }
    }

    /// The headers that open a response: with `grpc-encoding` when its messages are compressed.
    private static func responseHeaders(_ coding: ContentCoding?) -> HPACKHeaders {
        guard let coding else { return GRPCWire.responseHeaders }
        var headers = GRPCWire.responseHeaders
        headers.add(name: "grpc-encoding", value: coding.rawValue)
        return headers
    }

    private func taskStarted(_ context: ChannelHandlerContext) {
        running += 1
        if running == 1, reportsActivity { context.triggerUserOutboundEvent(BusyPolling.Activity.busy, promise: nil) }
    }

    private func taskEnded(_ context: ChannelHandlerContext) {
        running -= 1
        if running == 0, reportsActivity { context.triggerUserOutboundEvent(BusyPolling.Activity.idle, promise: nil) }
    }

    /// Runs `body` with the handler and its context on the connection's event loop: at once when the task is on it
    /// (the usual case when SwiftNIO is the global executor), otherwise as the loop's next job. Jobs run in the
    /// order they were submitted, so a stream's messages and trailers keep their order.
    private func completion(
        _ context: ChannelHandlerContext
    ) -> @Sendable (@escaping @Sendable (GRPCConnectionHandler, ChannelHandlerContext) -> Void) -> Void {
        let eventLoop = context.eventLoop
        let bound = NIOLoopBound((self, context), eventLoop: eventLoop)
        return { body in
            if eventLoop.inEventLoop {
                body(bound.value.0, bound.value.1)
            } else {
                eventLoop.execute { body(bound.value.0, bound.value.1) }
            }
        }
    }

    /// The end of a unary call's task (only its task calls this).
    private func finishUnary(
        _ streamID: HTTP2StreamID, _ result: Result<GRPCMessageBytes, RPCError>, context: ChannelHandlerContext
    ) {
        taskEnded(context)
        guard let call = calls[streamID], !call.finished else { return }
        switch result {
        case .success(let response):
            write(.headers(.init(headers: Self.responseHeaders(call.responseCoding))), on: streamID, context: context)
            write(.data(.init(data: .byteBuffer(response.buffer))), on: streamID, context: context)
            end(streamID, nil, headersSent: true, context: context)
        case .failure(let error):
            end(streamID, error, context: context)
        }
        context.flush()
    }

    private func sendMessage(_ response: GRPCMessageBytes, on streamID: HTTP2StreamID, context: ChannelHandlerContext) {
        guard var call = calls[streamID], !call.finished else { return }
        let openHeaders = !call.headersSent
        call.headersSent = true
        call.pending -= 1
        var credit = 0
        // Credit held back while too many messages waited (it is only held at a quarter window or more).
        if call.pending < limits.pendingStreamMessages, call.uncredited >= limits.streamWindow / 4, !call.requestEnded {
            credit = call.uncredited
            call.uncredited = 0
        }
        calls[streamID] = call
        if openHeaders {
            write(.headers(.init(headers: Self.responseHeaders(call.responseCoding))), on: streamID, context: context)
        }
        write(.data(.init(data: .byteBuffer(response.buffer))), on: streamID, context: context)
        if credit > 0 { writeWindowUpdate(credit, on: streamID, context: context) }
        context.flush()
    }

    /// The end of a streaming call's task (only its task calls this).
    private func finishStream(_ streamID: HTTP2StreamID, _ error: RPCError?, context: ChannelHandlerContext) {
        taskEnded(context)
        end(streamID, error, context: context)
        context.flush()
    }

    private func deadlineExceeded(_ streamID: HTTP2StreamID, context: ChannelHandlerContext) {
        end(
            streamID, RPCError(code: .deadlineExceeded, message: "the call's deadline (grpc-timeout) passed"),
            context: context)
        context.flush()
    }

    // MARK: - Writing

    /// Refuses a call: its error status, as trailers only or after the messages already sent.
    private func reject(
        _ error: RPCError, on streamID: HTTP2StreamID, requestEnded: Bool, context: ChannelHandlerContext,
        extraHeaders: HPACKHeaders = [:]
    ) {
        end(streamID, error, requestEnded: requestEnded, extraHeaders: extraHeaders, context: context)
    }

    /// Ends a call with its trailers: status 0 or `error`, after the response headers (sent, or sent with them when
    /// nothing was). A call still running stops: its task is cancelled, its message stream and deadline end. When
    /// the client is still sending, RST_STREAM(NO_ERROR) asks it to stop, as HTTP/2 allows after a complete response.
    /// Every way a call ends comes here, once: a call that has ended is left alone.
    private func end(
        _ streamID: HTTP2StreamID, _ error: RPCError?, headersSent: Bool = false, requestEnded: Bool = false,
        extraHeaders: HPACKHeaders = [:], context: ChannelHandlerContext
    ) {
        var headersSent = headersSent
        var requestEnded = requestEnded
        if var call = calls[streamID] {
            guard !call.finished else { return }
            call.finished = true
            calls[streamID] = call
            headersSent = headersSent || call.headersSent
            requestEnded = requestEnded || call.requestEnded
            Self.abandon(call)
        }
        var trailers: HPACKHeaders = headersSent ? [:] : GRPCWire.responseHeaders
        trailers.add(contentsOf: GRPCWire.trailers(error?.code, message: error?.message ?? ""))
        trailers.add(contentsOf: extraHeaders)
        write(.headers(.init(headers: trailers, endStream: true)), on: streamID, context: context)
        if !requestEnded { write(.rstStream(.noError), on: streamID, context: context) }
    }

    /// A plain HTTP error for a request that is not gRPC (wrong method or content type), as gRPC servers answer.
    private func respondHTTP(
        _ status: String, on streamID: HTTP2StreamID, requestEnded: Bool, context: ChannelHandlerContext
    ) {
        write(.headers(.init(headers: [":status": status], endStream: true)), on: streamID, context: context)
        if !requestEnded { write(.rstStream(.noError), on: streamID, context: context) }
    }

    private func writeWindowUpdate(_ increment: Int, on streamID: HTTP2StreamID, context: ChannelHandlerContext) {
        write(.windowUpdate(windowSizeIncrement: increment), on: streamID, context: context)
    }

    private func write(_ payload: HTTP2Frame.FramePayload, on streamID: HTTP2StreamID, context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(HTTP2Frame(streamID: streamID, payload: payload)), promise: nil)
    }
}
#endif
