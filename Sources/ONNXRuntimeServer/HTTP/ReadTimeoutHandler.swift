#if Server
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client takes longer than the read timeout to send a whole request.
///
/// The clock starts when the connection opens and again whenever every request received so far has been answered;
/// it stops when a request has been received in full (head, body and end), so the time the server spends answering
/// never counts. A client that trickles its headers or its body a byte at a time (slow-loris), stalls halfway, or
/// keeps an idle connection open is therefore disconnected after the timeout, while the server goes on serving
/// everyone else. Hummingbird's own idle timeout is not enough on its own: it is reset by every body chunk.
final class ReadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private var requestsReceived = 0
    private var responsesSent = 0
    private var timer: Scheduled<Void>?

    /// Creates a handler with the time a client has to send one request.
    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        disarm()
    }

    func channelInactive(context: ChannelHandlerContext) {
        disarm()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            requestsReceived += 1
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            responsesSent += 1
            // Nothing left to answer: the client's turn again (or it still owes the rest of an early-answered
            // request, such as a body refused with 413).
            if responsesSent >= requestsReceived { arm(context) }
        }
        context.write(data, promise: promise)
    }

    private func arm(_ context: ChannelHandlerContext) {
        disarm()
        timer = context.eventLoop.assumeIsolated().scheduleTask(in: timeout) { [weak self] in
            guard let self, self.timer != nil else { return }
            self.timer = nil
            context.close(promise: nil)
        }
    }

    private func disarm() {
        timer?.cancel()
        timer = nil
    }
}
#endif
