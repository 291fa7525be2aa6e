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
/// progress (here they run on Swift's threads, not the loop's). The budget is 400 ms, so a loop that polled to the
/// end of its budget, or polled with a request in progress, would hold calls for that long (8 s for 20 calls).
@Suite("Busy polling", .serialized)
struct BusyPollingTests {
    static let budget = Duration.milliseconds(400)

    @Test("gRPC: right answers, each call read at once")
    func grpc() async throws {
        // The client's own event loop: on the server's loops it would wait out the polls it is meant to end.
        let clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let modelCase = try ModelCase.load("add_f32")
        let polling = try await GRPCTestServer.withClient(
            models: ["add_f32"], busyPoll: Self.budget, clientEventLoopGroup: clientGroup
        ) { client, _ in
            let start = ContinuousClock.now
            for _ in 0..<20 {
                let response = try await client.modelInfer(GRPCServerTests.request(modelCase, typed: false))
                #expect(Array(response.rawOutputContents[0]) == Array(modelCase.outputs[0].raw))
            }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .seconds(4), "20 calls took \(elapsed), as if every poll ran to its budget")
            // Eight calls at a time on the one connection: answers go out while others are still running.
            let concurrentStart = ContinuousClock.now
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
            let concurrent = ContinuousClock.now - concurrentStart
            #expect(concurrent < .seconds(4), "3 × 8 concurrent calls took \(concurrent): polls held calls in progress")
            return true
        }
        #expect(polling)
        try await clientGroup.shutdownGracefully()
    }

    @Test("REST: right answers on two keep-alive connections at once, each request read at once")
    func rest() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add_f32", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, busyPoll: Self.budget)
        let polling = try #require(server.busyPolling)
        try await ServerFixtures.withLiveServer(server) { port in
            // One session per client, so one connection carries each client's requests (URLSession's threads are not
            // SwiftNIO's); two clients at once, so an answer goes out while the other connection's request runs.
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v2/models/add_f32/infer")!)
            request.httpMethod = "POST"
            request.httpBody = Data(
                (#"{"inputs":[{"name":"A","shape":[1,3],"datatype":"FP32","data":[1,2,3]},"#
                    + #"{"name":"B","shape":[1,3],"datatype":"FP32","data":[10,20,30.5]}]}"#).utf8)
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { [request] group in
                for _ in 0..<2 {
                    group.addTask {
                        let session = URLSession(configuration: .ephemeral)
                        defer { session.finishTasksAndInvalidate() }
                        for _ in 0..<20 {
                            let (data, response) = try await session.data(for: request)
                            #expect((response as? HTTPURLResponse)?.statusCode == 200)
                            let output = try JSONParser.parse(Array(data))["outputs"]?.arrayValue?.first
                            #expect(output?["data"]?.arrayValue?.compactMap(\.doubleValue) == [11, 22, 33.5])
                        }
                    }
                }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .seconds(4), "2 × 20 requests took \(elapsed), as if polls ran to their budget")
            #expect(try await polling.polledConnections() >= 1)
        }
        // The server is stopped: its connections are closed and out of the poll set.
        #expect(try await polling.polledConnections() == 0)
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
        let polling = BusyPolling(budget: .milliseconds(600))
        let poller = try #require(polling.poller(for: loop))
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        defer { close(pair[0]); close(pair[1]) }
        try await loop.submit { poller.add(pair[0]) }.get()

        // Nothing arrives: the loop is held for the whole budget.
        #expect(try await Self.delayAfterPollSoon(poller, on: loop) >= .milliseconds(550))
        // A byte arrives 100 ms in: the poll ends then.
        let early = try await Self.delayAfterPollSoon(poller, on: loop) {
            Thread.sleep(forTimeInterval: 0.1)
            _ = write(pair[1], "x", 1)
        }
        #expect(early < .milliseconds(450), "\(early)")
        var byte: UInt8 = 0
        _ = read(pair[0], &byte, 1)
        // A connection with a request in progress: no poll at all.
        try await loop.submit { poller.busyConnections = 1 }.get()
        #expect(try await Self.delayAfterPollSoon(poller, on: loop) < .milliseconds(300))
        // Out of the set: polling nothing readable runs to the budget again once idle.
        try await loop.submit {
            poller.busyConnections = 0
            poller.remove(pair[0])
            #expect(poller.count == 0)
        }.get()
        try await group.shutdownGracefully()
    }
}
