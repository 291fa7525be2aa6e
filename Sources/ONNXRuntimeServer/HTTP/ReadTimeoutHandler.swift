#if Server
import NIOCore
import NIOHTTP1

/// Closes a connection whose client takes longer than the read timeout to send a whole request.
///
/// The clock starts when the connection opens and again whenever every request received so far has been answered;
/// it stops when a request has been received in full (head, body and end), so the time the server spends answering
/// never counts. A client that trickles its headers or its body a byte at a time (slow-loris), stalls halfway, or
/// keeps an idle connection open is therefore disconnected after the timeout, while the server goes on serving
/// everyone else. Hummingbird's own idle timeout is not enough on its own: it is reset by every body chunk.
///
/// A connection has at most one timer. Starting and stopping the clock only sets and clears a deadline; when the
/// timer fires it closes the connection if the deadline has passed, and otherwise waits again for what is left (or
/// stops, when the clock is stopped). Scheduling and cancelling a timer for every request cost allocations and two
/// heap operations on the event loop's timer queue each.
final class ReadTimeoutHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private let timeout: TimeAmount
    private var requestsReceived = 0
    private var responsesSent = 0
    /// When the client's time runs out; `nil` while the clock is stopped.
    private var deadline: NIODeadline?
    /// The connection's one timer, if it is scheduled.
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
        cancelTimer()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
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

    /// Starts the clock.
    private func arm(_ context: ChannelHandlerContext) {
        let deadline = NIODeadline.now() + timeout
        self.deadline = deadline
        if timer == nil { schedule(at: deadline, context) }
    }

    /// Stops the clock (the timer, if scheduled, finds no deadline when it fires).
    private func disarm() {
        deadline = nil
    }

    private func schedule(at deadline: NIODeadline, _ context: ChannelHandlerContext) {
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [weak self] in
            guard let self, self.timer != nil else { return }
            self.timer = nil
            guard let deadline = self.deadline else { return }
            if deadline <= .now() {
                self.deadline = nil
                context.close(promise: nil)
            } else {
                self.schedule(at: deadline, context)
            }
        }
    }

    private func cancelTimer() {
        deadline = nil
        timer?.cancel()
        timer = nil
    }
}
#endif
