#if Server && Client
import Foundation
import KServeGRPCProtocol
import NIOCore
import NIOEmbedded
import NIOPosix
import ONNXRuntimeServing
import Testing

@testable import ONNXRuntimeServer

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
#if canImport(Glibc)
import Glibc
#endif

/// `ServerConfiguration.busyPoll` (`ort serve --busy-poll-us`): answers stay right, a loop that polls after an
/// answer goes back to work as soon as the next request arrives, and it does not poll while requests are in
/// progress. The servers here poll for up to 1 s, so a loop that polled to the end of its budget would add 1 s to each
/// of 10 sequential calls; each test compares with the same calls to a server that does not poll, made just before,
/// so that a loaded machine (the whole suite runs in parallel) slows both alike.
@Suite("Busy polling", .serialized)
struct BusyPollingTests {
    static let budget = Duration.seconds(1)
    /// What polling may add to 10 calls: half of what polls running to their budget would.
    static let allowance = Duration.seconds(5)

    /// 10 sequential calls, then 3 rounds of 8 concurrent ones on the same connection, answers checked; returns how
    /// long the sequential calls took.
    static func grpcCalls(busyPoll: Duration?) async throws -> Duration {
        // The client's own event loop: on the server's loops it would wait out the polls it is meant to end.
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let modelCase = try ModelCase.load("add_f32")
        let elapsed = try await GRPCTestServer.withClient(
            models: ["add_f32"], busyPoll: busyPoll, clientEventLoopGroup: clientGroup
        ) { client, _ in
            let start = ContinuousClock.now
            for _ in 0..<10 {
                let response = try await client.modelInfer(GRPCServerTests.request(modelCase, typed: false))
                #expect(Array(response.rawOutputContents[0]) == Array(modelCase.outputs[0].raw))
            }
            let elapsed = ContinuousClock.now - start
            for _ in 0..<3 {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for _ in 0..<8 {
                        group.addTask {
                            let response = try await client.modelInfer(GRPCServerTests.request(modelCase, typed: false))
                            #expect(Array(response.rawOutputContents[0]) == Array(modelCase.outputs[0].raw))
                        }
                    }
                    try await group.waitForAll()
                }
            }
            return elapsed
        }
        try await clientGroup.shutdownGracefully()
        return elapsed
    }

    @Test("gRPC: right answers, each call read at once")
    func grpc() async throws {
        let baseline = try await Self.grpcCalls(busyPoll: nil)
        let polled = try await Self.grpcCalls(busyPoll: Self.budget)
        #expect(polled < baseline + Self.allowance, "10 calls: \(polled) polling, \(baseline) without")
    }

    /// 2 clients at once, each sending 10 requests on its own keep-alive connection, answers checked; returns how
    /// long they took and the server's polling.
    static func restCalls(busyPoll: Duration?) async throws -> (Duration, BusyPolling?) {
        let repository = try TemporaryRepository()
        try repository.add("add_f32", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, busyPoll: busyPoll)
        let elapsed = try await ServerFixtures.withLiveServer(server) { port in
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v2/models/add_f32/infer")!)
            request.httpMethod = "POST"
            request.httpBody = Data(
                (#"{"inputs":[{"name":"A","shape":[1,3],"datatype":"FP32","data":[1,2,3]},"#
                    + #"{"name":"B","shape":[1,3],"datatype":"FP32","data":[10,20,30.5]}]}"#).utf8)
            let start = ContinuousClock.now
            // One session per client (URLSession's threads are not SwiftNIO's): an answer goes out on one
            // connection while the other's request runs.
            // The most connections the loops polled, counted after each answer while the client's connection is
            // still open (once a session is invalidated its connection may close and leave the set at any time).
            let mostPolled = try await withThrowingTaskGroup(of: Int.self) { [request] group in
                for _ in 0..<2 {
                    group.addTask {
                        let session = URLSession(configuration: .ephemeral)
                        defer { session.finishTasksAndInvalidate() }
                        var mostPolled = 0
                        for _ in 0..<10 {
                            let (data, response) = try await session.data(for: request)
                            #expect((response as? HTTPURLResponse)?.statusCode == 200)
                            let output = try JSONParser.parse(Array(data))["outputs"]?.arrayValue?.first
                            #expect(output?["data"]?.arrayValue?.compactMap(\.doubleValue) == [11, 22, 33.5])
                            if let polling = server.busyPolling {
                                mostPolled = max(mostPolled, polling.polledConnections)
                            }
                        }
                        return mostPolled
                    }
                }
                return try await group.reduce(0, max)
            }
            let elapsed = ContinuousClock.now - start
            if server.busyPolling != nil { #expect(mostPolled >= 1) }
            return elapsed
        }
        return (elapsed, server.busyPolling)
    }

    @Test("REST: right answers on two keep-alive connections at once, each request read at once")
    func rest() async throws {
        let (baseline, _) = try await Self.restCalls(busyPoll: nil)
        let (polled, polling) = try await Self.restCalls(busyPoll: Self.budget)
        #expect(polled < baseline + Self.allowance, "2 × 10 requests: \(polled) polling, \(baseline) without")
        // The server is stopped: its connections are closed, out of the poll set and not busy.
        #expect(try #require(polling).polledConnections == 0)
        #expect(try #require(polling).requestsInProgress.value == 0)
    }

    /// How long a task queued to `loop` right after `pollSoon()` waits to run: the length of the poll, if there is one.
    /// `during` runs on a thread of its own, started just before, so that it does not wait for a thread of Swift's
    /// pool (other suites' tests may hold them all).
    static func delayAfterPollSoon(
        _ poller: BusyPolling.Poller, on loop: any EventLoop, during: (@Sendable () -> Void)? = nil
    ) async throws -> Duration {
        let start = ContinuousClock.now
        if let during { Thread.detachNewThread(during) }
        try await loop.submit { poller.pollSoon() }.get()
        try await loop.submit {}.get()
        return ContinuousClock.now - start
    }

    @Test("a poll ends when a socket is readable or a request starts anywhere, and backs off after using its budget")
    func pollerRules() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let polling = BusyPolling(budget: .milliseconds(1200))
        let poller = try #require(polling.poller(for: loop))
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        let (polled, peer) = (pair[0], pair[1])
        defer { close(polled); close(peer) }
        try await loop.submit { poller.add(polled) }.get()
        let byteIn100ms: @Sendable () -> Void = {
            Thread.sleep(forTimeInterval: 0.1)
            _ = write(peer, "x", 1)
        }
        var byte: UInt8 = 0

        // A byte arrives 100 ms in: the poll ends then.
        #expect(try await Self.delayAfterPollSoon(poller, on: loop, during: byteIn100ms) < .milliseconds(700))
        #expect(read(polled, &byte, 1) == 1)
        // Nothing arrives: the loop is held for the whole budget, and skips its next chance.
        #expect(try await Self.delayAfterPollSoon(poller, on: loop) >= .milliseconds(1100))
        #expect(try await loop.submit { poller.backoff }.get() == BusyPolling.Backoff(failures: 1, skipsLeft: 1))
        #expect(try await Self.delayAfterPollSoon(poller, on: loop) < .milliseconds(700))
        // The chance after that polls again, and a request arriving resets the backoff.
        #expect(try await Self.delayAfterPollSoon(poller, on: loop, during: byteIn100ms) < .milliseconds(700))
        #expect(read(polled, &byte, 1) == 1)
        #expect(try await loop.submit { poller.backoff }.get() == BusyPolling.Backoff())

        // A request in progress on any connection of the server: no poll at all.
        polling.requestsInProgress.add(1)
        #expect(try await Self.delayAfterPollSoon(poller, on: loop) < .milliseconds(700))
        polling.requestsInProgress.add(-1)
        // One that starts while the loop polls (on another loop) ends the poll, without a backoff.
        #expect(
            try await Self.delayAfterPollSoon(poller, on: loop) {
                Thread.sleep(forTimeInterval: 0.1)
                polling.requestsInProgress.add(1)
            } < .milliseconds(700))
        polling.requestsInProgress.add(-1)
        #expect(try await loop.submit { poller.backoff }.get() == BusyPolling.Backoff())
        try await loop.submit {
            poller.remove(polled)
            #expect(poller.count == 0)
        }.get()
        try await group.shutdownGracefully()
    }

    @Test("the backoff: every chance after a poll that saw a request, every 2^n-th after n that did not, at most 64th")
    func backoff() {
        var backoff = BusyPolling.Backoff()
        /// Which of the next `count` chances poll.
        func chances(_ count: Int) -> [Bool] { (0..<count).map { _ in backoff.shouldPoll() } }
        #expect(chances(3) == [true, true, true])
        for failures in 1...8 {
            backoff.record(arrived: false)
            let skipped = (1 << min(failures, 6)) - 1
            #expect(chances(skipped + 1) == Array(repeating: false, count: skipped) + [true], "\(failures)")
        }
        #expect(backoff == BusyPolling.Backoff(failures: 6, skipsLeft: 0))
        backoff.record(arrived: true)
        #expect(chances(3) == [true, true, true])
        // A request arriving in the middle of a backoff (a poll is not made then, so only a later poll's outcome
        // counts): the skips left stay until then.
        backoff.record(arrived: false)
        backoff.record(arrived: false)
        #expect(chances(2) == [false, false])
        backoff.record(arrived: true)
        #expect(chances(2) == [true, true])
    }

    @Test("connections count as busy from a request's start to its end, and not once closed")
    func activityCounting() throws {
        let polling = BusyPolling(budget: .microseconds(50))
        let channels = [EmbeddedChannel(), EmbeddedChannel()]
        let handlers = [polling.makeHandler(), polling.makeHandler()]
        for (channel, handler) in zip(channels, handlers) {
            try channel.pipeline.syncOperations.addHandler(handler)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }
        func send(_ activity: BusyPolling.Activity, on channel: EmbeddedChannel) {
            channel.pipeline.triggerUserOutboundEvent(activity, promise: nil)
        }
        send(.busy, on: channels[0])
        send(.busy, on: channels[0])  // still one connection
        send(.busy, on: channels[1])
        #expect(polling.requestsInProgress.value == 2)
        send(.idle, on: channels[1])
        send(.idle, on: channels[1])
        #expect(polling.requestsInProgress.value == 1)
        // Closed while busy: no longer counted, and what its handlers send after that is ignored.
        _ = try channels[0].finish()
        #expect(polling.requestsInProgress.value == 0)
        send(.busy, on: channels[0])
        #expect(polling.requestsInProgress.value == 0)
        // A handler taken out of the pipeline while busy.
        send(.busy, on: channels[1])
        #expect(polling.requestsInProgress.value == 1)
        try channels[1].pipeline.syncOperations.removeHandler(handlers[1]).wait()
        #expect(polling.requestsInProgress.value == 0)
        _ = try channels[1].finish()
    }

    @Test("ort serve's default polling: 50 µs on two cores or more, none on one")
    func defaultBudget() {
        #expect(ServerConfiguration.defaultBusyPoll(cores: 1) == nil)
        #expect(ServerConfiguration.defaultBusyPoll(cores: 2) == .microseconds(50))
        #expect(ServerConfiguration.defaultBusyPoll(cores: 64) == .microseconds(50))
        #expect(ServerConfiguration.defaultBusyPoll == (System.coreCount >= 2 ? .microseconds(50) : nil))
    }
}
#endif
