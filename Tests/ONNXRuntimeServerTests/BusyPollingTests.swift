#if Server && Client
import Foundation
import KServeGRPCProtocol
import NIOCore
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
        // The server is stopped: its connections are closed and out of the poll set.
        #expect(try #require(polling).polledConnections == 0)
    }

    /// How long a task queued to `loop` right after `pollSoon()` waits to run: the length of the poll, if there is one.
    static func delayAfterPollSoon(_ poller: BusyPolling.Poller, on loop: any EventLoop, during: (() -> Void)? = nil)
        async throws -> Duration
    {
        let start = ContinuousClock.now
        try await loop.submit { poller.pollSoon() }.get()
        during?()
        try await loop.submit {}.get()
        return ContinuousClock.now - start
    }

    @Test("the poll runs to its budget when nothing arrives, ends when a polled socket is readable, not while busy")
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

        // Nothing arrives: the loop is held for the whole budget.
        #expect(try await Self.delayAfterPollSoon(poller, on: loop) >= .milliseconds(1100))
        // A byte arrives 100 ms in: the poll ends then.
        let early = try await Self.delayAfterPollSoon(poller, on: loop) {
            Thread.sleep(forTimeInterval: 0.1)
            _ = write(peer, "x", 1)
        }
        #expect(early < .milliseconds(700), "\(early)")
        var byte: UInt8 = 0
        _ = read(polled, &byte, 1)
        // A connection with a request in progress: no poll at all.
        try await loop.submit { poller.busyConnections = 1 }.get()
        #expect(try await Self.delayAfterPollSoon(poller, on: loop) < .milliseconds(700))
        // Out of the set: polling nothing readable runs to the budget again once idle.
        try await loop.submit {
            poller.busyConnections = 0
            poller.remove(polled)
            #expect(poller.count == 0)
        }.get()
        try await group.shutdownGracefully()
    }
}
#endif
