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

/// `ServerConfiguration.busyPoll` (`ort serve --busy-poll-us`): answers stay right, and a loop that polls after an
/// answer goes back to work as soon as the next request arrives. The budget here is 400 ms, so a loop that polled
/// to the end of its budget instead would hold each of the 20 sequential calls for that long (8 s in all).
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
            return true
        }
        #expect(polling)
        try await clientGroup.shutdownGracefully()
    }

    @Test("REST: right answers on one keep-alive connection, each request read at once")
    func rest() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add_f32", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository, busyPoll: Self.budget)
        let polling = try #require(server.busyPolling)
        try await ServerFixtures.withLiveServer(server) { port in
            // One session, so one connection carries every request (URLSession's threads are not SwiftNIO's).
            let session = URLSession(configuration: .ephemeral)
            defer { session.finishTasksAndInvalidate() }
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v2/models/add_f32/infer")!)
            request.httpMethod = "POST"
            request.httpBody = Data(
                (#"{"inputs":[{"name":"A","shape":[1,3],"datatype":"FP32","data":[1,2,3]},"#
                    + #"{"name":"B","shape":[1,3],"datatype":"FP32","data":[10,20,30.5]}]}"#).utf8)
            let start = ContinuousClock.now
            for _ in 0..<20 {
                let (data, response) = try await session.data(for: request)
                #expect((response as? HTTPURLResponse)?.statusCode == 200)
                let output = try JSONParser.parse(Array(data))["outputs"]?.arrayValue?.first
                #expect(output?["data"]?.arrayValue?.compactMap(\.doubleValue) == [11, 22, 33.5])
            }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed < .seconds(4), "20 requests took \(elapsed), as if every poll ran to its budget")
            #expect(try await polling.polledConnections() >= 1)
        }
        // The server is stopped: its connections are closed and out of the poll set.
        #expect(try await polling.polledConnections() == 0)
    }
}
