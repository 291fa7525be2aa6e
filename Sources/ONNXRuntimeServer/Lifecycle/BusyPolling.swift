#if Server
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Keeps an event loop's thread awake for a short while after it answers a request, watching the loop's
/// connections, so that the next request is read at once instead of after the thread has gone to sleep and been
/// woken again.
///
/// Why: on a machine where waking a sleeping thread on another core is slow (virtual machines especially), most of a
/// small model's latency at low concurrency is two wake-ups per request: the server's and the client's. Measured on
/// this project's 2-core benchmark VM with a plain C echo over loopback (`Benchmarks/server/tcp_floor.c`): 66 µs per
/// round trip when the echo thread sleeps in `read`, 21 µs when it polls. The server cannot keep the client awake, but
/// it can keep itself awake: after a response, its loop polls the connections it serves (`poll(2)`, one set per event
/// loop) for up to the budget, and goes back to SwiftNIO's wait as soon as one is readable.
///
/// When a loop polls, so that the CPU goes only where it buys latency:
/// - Only while no connection of the server, on any loop, has a request in progress (the protocol handlers say when
///   theirs start and end, with ``Activity`` events). A poll stops as soon as one does. Under load the loops have work
///   anyway, and a polling loop would take a core from the requests being handled (or from the clients on the same
///   machine).
/// - Not after every answer when the clients pause for longer than the budget (light load): a poll that runs to its
///   budget without a request arriving makes the loop skip its next 1, then 3, 7, … up to 63 chances (``Backoff``). An
///   idle server never polls, and one with a request now and then spends at most 1/64 of a budget per answer.
///
/// Other work queued to the loop from elsewhere (timers, new connections on a listener of another loop) waits at most
/// the budget. `ort serve` polls for 50 µs by default where it may use two cores or more (`--busy-poll-us`,
/// ``ServerConfiguration/defaultBusyPoll``); ``ServerConfiguration/busyPoll`` is `nil` (no polling) unless set.
final class BusyPolling: Sendable {
    /// How long a loop polls after answering, in nanoseconds.
    let budgetNanoseconds: UInt64
    private let pollers = NIOLockedValueBox<[ObjectIdentifier: Poller]>([:])
    /// Connections with a request in progress, over all loops; the loops poll only when there are none.
    let requestsInProgress = ActivityCount()
    /// Connections in the pollers' sets, over all loops; kept apart from the sets so that it can be read without
    /// waiting for a loop (which may be polling).
    private let registered = Atomic<Int>(0)

    /// - Parameter budget: How long a loop keeps polling after an answer; must be positive.
    init(budget: Duration) {
        let (seconds, attoseconds) = budget.components
        budgetNanoseconds = UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Whether a connection has requests in progress: sent towards the channel's head (an outbound user event) by
    /// the handler that knows, when that changes; ``Handler`` takes it.
    enum Activity: Sendable {
        case busy
        case idle
    }

    /// How many connections have a request in progress, shared by a server's pollers (kept apart from
    /// ``BusyPolling`` so that the pollers it holds do not hold it).
    final class ActivityCount: Sendable {
        private let count = Atomic<Int>(0)

        /// Whether no connection has a request in progress.
        var isIdle: Bool { count.load(ordering: .relaxed) == 0 }
        var value: Int { count.load(ordering: .relaxed) }

        func add(_ delta: Int) { count.add(delta, ordering: .relaxed) }
    }

    /// When a loop polls after an answer, given how its last polls ended: after a poll that saw a request arrive,
    /// always; after `n` polls in a row that ran to their budget, only on every 2^n-th chance (at most every 64th).
    struct Backoff: Equatable {
        /// Polls in a row that ran to their budget, up to ``maximumFailures``.
        var failures = 0
        /// Chances to skip before the next poll.
        var skipsLeft = 0
        static let maximumFailures = 6

        /// Whether to poll at this chance (an answer that left the server idle); counts the chance when not.
        mutating func shouldPoll() -> Bool {
            guard skipsLeft == 0 else {
                skipsLeft -= 1
                return false
            }
            return true
        }

        /// Records how a poll ended: a request arrived (or the poll gave way to a request elsewhere), or not.
        mutating func record(arrived: Bool) {
            if arrived {
                failures = 0
                skipsLeft = 0
            } else {
                failures = min(failures + 1, Self.maximumFailures)
                skipsLeft = (1 << failures) - 1
            }
        }
    }

    /// The handler to put in a connection's pipeline, between the socket and whatever sends ``Activity`` events.
    func makeHandler() -> Handler { Handler(polling: self) }

    /// The handlers for an HTTP/1 connection (after the HTTP codec): ``Handler``, and one that marks the connection
    /// busy from a request's head until its response's end.
    func makeHTTPHandlers() -> [any RemovableChannelHandler] { [Handler(polling: self), HTTPActivity()] }

    /// How many connections the event loops poll now (for tests).
    var polledConnections: Int { registered.load(ordering: .relaxed) }

    /// The poller of `eventLoop`, made on first use.
    func poller(for eventLoop: any EventLoop) -> Poller? {
        pollers.withLockedValue { pollers in
            let key = ObjectIdentifier(eventLoop)
            if let poller = pollers[key] { return poller }
            let poller = Poller(eventLoop: eventLoop, budget: budgetNanoseconds, activity: requestsInProgress)
            pollers[key] = poller
            return poller
        }
    }

    /// Adds its connection to its event loop's poller when it becomes active (and takes it out when it closes), and
    /// asks for a poll after every flush (a response going out).
    final class Handler: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = NIOAny
        typealias InboundOut = NIOAny
        typealias OutboundIn = NIOAny
        typealias OutboundOut = NIOAny

        private let polling: BusyPolling
        private var registration: (poller: Poller, descriptor: Int32)?
        private var busy = false
        /// Set once the connection has closed (or the handler is gone): activity from then on is not counted.
        private var closed = false

        init(polling: BusyPolling) { self.polling = polling }

        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { register(context) }
        }

        func handlerRemoved(context: ChannelHandlerContext) { close() }

        func channelActive(context: ChannelHandlerContext) {
            register(context)
            context.fireChannelActive()
        }

        func channelInactive(context: ChannelHandlerContext) {
            close()
            context.fireChannelInactive()
        }

        func flush(context: ChannelHandlerContext) {
            context.flush()
            registration?.poller.pollSoon()
        }

        func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
            guard let activity = event as? Activity else {
                context.triggerUserOutboundEvent(event, promise: promise)
                return
            }
            let nowBusy = activity == .busy
            if nowBusy != busy, !closed {
                busy = nowBusy
                polling.requestsInProgress.add(nowBusy ? 1 : -1)
            }
            promise?.succeed()
        }

        private func register(_ context: ChannelHandlerContext) {
            guard registration == nil, let poller = polling.poller(for: context.eventLoop),
                let descriptor = try? context.pipeline.syncOperations.withUnsafeTransportIfAvailable(
                    of: NIOBSDSocket.Handle.self, { $0 })
            else { return }
            poller.add(descriptor)
            polling.registered.add(1, ordering: .relaxed)
            registration = (poller, descriptor)
        }

        /// Takes the connection out of its poller's set, and out of the count of busy ones.
        private func close() {
            closed = true
            if busy {
                busy = false
                polling.requestsInProgress.add(-1)
            }
            guard let (poller, descriptor) = registration else { return }
            registration = nil
            poller.remove(descriptor)
            polling.registered.subtract(1, ordering: .relaxed)
        }
    }

    /// One event loop's polled connections. Used only on its loop.
    final class Poller: @unchecked Sendable {
        // @unchecked: everything but the constants is read and written on `eventLoop` only.
        let eventLoop: any EventLoop
        private let budget: UInt64
        private let activity: ActivityCount
        private var descriptors: [pollfd] = []
        private var scheduled = false
        /// When to poll, from how the last polls ended.
        private(set) var backoff = Backoff()

        /// Polling many descriptors costs more per call than it saves; a loop that busy has no need for it.
        static let maximumDescriptors = 64

        init(eventLoop: any EventLoop, budget: UInt64, activity: ActivityCount) {
            self.eventLoop = eventLoop
            self.budget = budget
            self.activity = activity
        }

        var count: Int { descriptors.count }

        func add(_ descriptor: Int32) {
            descriptors.append(pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0))
        }

        func remove(_ descriptor: Int32) {
            if let index = descriptors.firstIndex(where: { $0.fd == descriptor }) {
                descriptors.swapAt(index, descriptors.count - 1)
                descriptors.removeLast()
            }
        }

        /// Polls once the loop has run what is queued now, unless a poll is already queued.
        func pollSoon() {
            guard !scheduled, activity.isIdle, descriptors.count <= Self.maximumDescriptors else { return }
            scheduled = true
            eventLoop.execute { [self] in spin() }
        }

        private func spin() {
            scheduled = false
            guard activity.isIdle, backoff.shouldPoll() else { return }
            let end = Self.now() &+ budget
            repeat {
                let ready = descriptors.withUnsafeMutableBufferPointer {
                    poll($0.baseAddress, nfds_t($0.count), 0)
                }
                // Readable, closed or failed (back to SwiftNIO's loop, which handles it), or a request in progress
                // elsewhere (its loop needs the core more than this one).
                if ready != 0 || !activity.isIdle {
                    backoff.record(arrived: true)
                    return
                }
                sched_yield()
            } while Self.now() < end
            backoff.record(arrived: false)
        }

        private static func now() -> UInt64 { NIODeadline.now().uptimeNanoseconds }
    }

    /// Marks an HTTP/1 connection busy from a request's head until the end of its response.
    final class HTTPActivity: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias InboundOut = HTTPServerRequestPart
        typealias OutboundIn = HTTPServerResponsePart
        typealias OutboundOut = HTTPServerResponsePart

        private var inProgress = 0

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head = unwrapInboundIn(data) {
                inProgress += 1
                if inProgress == 1 { context.triggerUserOutboundEvent(Activity.busy, promise: nil) }
            }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            let ended = if case .end = unwrapOutboundIn(data) { true } else { false }
            context.write(data, promise: promise)
            if ended, inProgress > 0 {
                inProgress -= 1
                if inProgress == 0 { context.triggerUserOutboundEvent(Activity.idle, promise: nil) }
            }
        }
    }
}
#endif
