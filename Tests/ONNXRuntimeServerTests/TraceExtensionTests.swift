#if Server && Client
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import HTTPTypes
import HummingbirdTesting
import KServeGRPCProtocol
import Logging
import ONNXRuntime
@testable import ONNXRuntimeServer
import ONNXRuntimeServing
import ServiceLifecycle
import SwiftProtobuf
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Triton's trace extension and the OpenTelemetry export: spans arrive at a loopback OTLP/HTTP receiver and are
/// decoded field by field. The settings' JSON, their defaults and Triton's error texts were read off Triton 2.51
/// (`--trace-config mode=opentelemetry`); the trace and span IDs below are made up by hand.
@Suite("Trace extension")
struct TraceExtensionTests {
    static let traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
    static let parentID = "00f067aa0ba902b7"
    static let traceparent = "00-\(traceID)-\(parentID)-01"

    /// Triton's timestamps, in the order a REST request passes them.
    static let restEvents = [
        "HTTP_RECV_START", "HTTP_RECV_END", "REQUEST_START", "QUEUE_START", "COMPUTE_START", "COMPUTE_INPUT_END",
        "COMPUTE_OUTPUT_START", "COMPUTE_END", "REQUEST_END", "HTTP_SEND_START",
    ]

    /// The add_f32 case n1 (NumPy: [7.875, 6.25, 0.375] + [7.25, 4.75, 1.75]).
    static func addRequest(id: String? = nil) -> InferenceTestRequest {
        var request = InferenceTestRequest()
        request.id = id
        request.add("A", "FP32", [1, 3], json: JSONValue.doubles([7.875, 6.25, 0.375]))
        request.add("B", "FP32", [1, 3], json: JSONValue.doubles([7.25, 4.75, 1.75]))
        return request
    }

    /// A started server with `add_f32` and `scalar_mul`, tracing to `url` (the receiver's unless given) with the
    /// given `--trace-config` settings and a 20 ms export delay; the receiver, the server's application (with the
    /// exporter) and, with `grpc`, its gRPC service run for the duration of `body`.
    static func withTracing(
        _ settings: [String], url: String? = nil, receiver: OTLPReceiver = OTLPReceiver(), grpc: Bool = false,
        exportTimeout: Duration = .seconds(30),
        _ body:
            @Sendable (_ server: InferenceServer, _ http: Int, _ grpc: Int, _ receiver: OTLPReceiver) async throws
            -> Void
    ) async throws {
        let repository = try TemporaryRepository()
        try repository.add("add_f32", file: ServerFixtures.model("add_f32"))
        try repository.add("scalar_mul", file: ServerFixtures.model("scalar_mul"))
        let (receiverPorts, receiverPort) = AsyncStream<Int>.makeStream()
        let receiverGroup = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [receiver.application { receiverPort.yield($0) }], logger: ServerFixtures.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await receiverGroup.run() }
            var iterator = receiverPorts.makeAsyncIterator()
            let port = try #require(await iterator.next())
            var configuration = ServerConfiguration(
                host: "127.0.0.1", port: 0, grpcPort: grpc ? 0 : nil,
                serving: ServingConfiguration(repositories: [repository.path]))
            configuration.trace = try TraceConfiguration(
                settings: [
                    "mode=opentelemetry", "opentelemetry,url=\(url ?? "127.0.0.1:\(port)/v1/traces")",
                    "opentelemetry,bsp_schedule_delay=20",
                ] + settings)
            // One export may take this long, retries included, before its spans are given up; shutdown waits as long
            // for the last one (only when it is stuck: a healthy export ends in milliseconds). In the whole suite's
            // busy first minute on a slow machine, half a second lost spans, and so did 5 s once, so the tests that
            // wait for spans allow 30 s (a collector that is down passes its own).
            configuration.trace?.exportTimeout = exportTimeout
            let server = InferenceServer(configuration: configuration, logger: ServerFixtures.logger)
            let (httpPorts, httpPort) = AsyncStream<Int>.makeStream()
            let (grpcPorts, grpcPort) = AsyncStream<Int>.makeStream()
            var services: [any Service] = [server.makeApplication { httpPort.yield($0) }]
            if grpc { services.append(server.makeGRPCService { grpcPort.yield($0) }) }
            let serverGroup = ServiceGroup(
                configuration: ServiceGroupConfiguration(services: services, logger: ServerFixtures.logger))
            tasks.addTask { try await serverGroup.run() }
            var http = httpPorts.makeAsyncIterator()
            let httpPortNumber = try #require(await http.next())
            var grpcPortNumber = 0
            if grpc {
                var iterator = grpcPorts.makeAsyncIterator()
                grpcPortNumber = try #require(await iterator.next())
            }
            try await ClientTestServer.waitUntilReady(server)
            do {
                try await body(server, httpPortNumber, grpcPortNumber, receiver)
            } catch {
                await serverGroup.triggerGracefulShutdown()
                await receiverGroup.triggerGracefulShutdown()
                throw error
            }
            await serverGroup.triggerGracefulShutdown()
            await receiverGroup.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    /// Posts add_f32's request with `headers`; expects the NumPy sum.
    static func infer(
        _ port: Int, model: String = "add_f32", id: String? = nil, headers: [(String, String)] = []
    ) async throws -> Int {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v2/models/\(model)/infer")!)
        request.httpMethod = "POST"
        var body = addRequest(id: id)
        if model == "scalar_mul" {
            body = InferenceTestRequest()
            body.add("x", "FP32", [], json: JSONValue.doubles([1.5]))
        }
        request.httpBody = Data(body.encoded().body)
        for (name, value) in headers { request.addValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        if model == "add_f32", status == 200 {
            let json = try JSONParser.parse(Array(data))
            let output = json["outputs"]?.arrayValue?.first
            #expect(output?["data"] == JSONValue.doubles([15.125, 11.0, 2.125]))
        }
        return status
    }

    static func request(_ port: Int, _ method: String, _ path: String, _ body: String? = nil) async throws -> (
        Int, JSONValue
    ) {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, try JSONParser.parse(Array(data)))
    }

    /// Waits briefly so that a span that should not come has had time to arrive (the export delay is 20 ms).
    static func settle() async throws { try await Task.sleep(for: .milliseconds(300)) }

    // MARK: - Spans

    @Test("A REST request with a traceparent continues the caller's trace, with Triton's events and attributes")
    func continuesTraceparent() async throws {
        try await Self.withTracing(["level=TIMESTAMPS", "rate=1000"]) { _, port, _, receiver in
            let before = UInt64(Date().timeIntervalSince1970 * 1e9)
            #expect(
                try await Self.infer(
                    port, id: "req-7",
                    headers: [("traceparent", Self.traceparent), ("tracestate", "vendor=value,other=1")]) == 200)
            let after = UInt64(Date().timeIntervalSince1970 * 1e9)
            let spans = try await receiver.waitForSpans(1)
            try #require(spans.count == 1)
            let span = spans[0]
            #expect(span.traceID == Self.traceID)
            #expect(span.parentSpanID == Self.parentID)
            #expect(span.spanID.count == 16 && span.spanID != Self.parentID)
            // swift-w3c-trace-context writes the list members back with ", " (the W3C allows spaces after commas).
            #expect(span.traceState == "vendor=value, other=1")
            #expect(span.name == "InferRequest")
            #expect(span.kind == 2)  // SPAN_KIND_SERVER
            #expect(span.eventNames == Self.restEvents)
            let times = span.events.map(\.time)
            #expect(times == times.sorted())
            #expect(span.start == times.first && span.end == times.last)
            #expect(span.start >= before - 5_000_000 && span.end <= after + 5_000_000)
            #expect(span.attributes["triton.model_name"] == .string("add_f32"))
            #expect(span.attributes["triton.model_version"] == .int(1))
            #expect(span.attributes["triton.request_id"] == .string("req-7"))
            #expect(span.resource["service.name"] == .string("ort-serve"))
        }
    }

    @Test("rate=2 traces every second request; count=3 traces three, then reads trace_count 0")
    func rateAndCount() async throws {
        try await Self.withTracing(["level=TIMESTAMPS", "rate=2"]) { _, port, _, receiver in
            for _ in 0..<6 { #expect(try await Self.infer(port) == 200) }
            _ = try await receiver.waitForSpans(3)
            try await Self.settle()
            #expect(receiver.spans.count == 3)
            // A new trace ID for each, none with a parent.
            #expect(Set(receiver.spans.map(\.traceID)).count == 3)
            #expect(receiver.spans.allSatisfy { $0.parentSpanID.isEmpty })
        }
        try await Self.withTracing(["level=TIMESTAMPS", "rate=1", "count=3"]) { _, port, _, receiver in
            for _ in 0..<5 { #expect(try await Self.infer(port) == 200) }
            _ = try await receiver.waitForSpans(3)
            try await Self.settle()
            #expect(receiver.spans.count == 3)
            let (_, settings) = try await Self.request(port, "GET", "/v2/trace/setting")
            #expect(settings["trace_count"] == .string("0"))
        }
    }

    @Test("A model's own settings override the global ones; null falls back to the global value")
    func perModelSettings() async throws {
        try await Self.withTracing(["rate=1"]) { _, port, _, receiver in
            let (status, model) = try await Self.request(
                port, "POST", "/v2/models/add_f32/trace/setting", #"{"trace_level": ["TIMESTAMPS"]}"#)
            #expect(status == 200)
            #expect(model["trace_level"] == .array([.string("TIMESTAMPS")]))
            #expect(
                try await Self.request(port, "GET", "/v2/trace/setting").1["trace_level"] == .array([.string("OFF")]))
            #expect(try await Self.infer(port, model: "scalar_mul") == 200)
            #expect(try await Self.infer(port) == 200)
            let spans = try await receiver.waitForSpans(1)
            try await Self.settle()
            #expect(receiver.spans.count == 1)
            #expect(spans.first?.attributes["triton.model_name"] == .string("add_f32"))

            let (_, cleared) = try await Self.request(
                port, "POST", "/v2/models/add_f32/trace/setting", #"{"trace_level": null}"#)
            #expect(cleared["trace_level"] == .array([.string("OFF")]))
            #expect(try await Self.infer(port) == 200)
            try await Self.settle()
            #expect(receiver.spans.count == 1)
        }
    }

    @Test(
        "A malformed or too long traceparent is ignored: the request succeeds and its trace starts anew",
        arguments: [
            ["garbage"],
            ["00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01"],  // uppercase
            ["00-00000000000000000000000000000000-00f067aa0ba902b7-01"],  // zero trace ID
            ["00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"],  // zero parent ID
            ["ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],  // version ff
            ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra"],  // 00 with more
            ["00-4bf92f3577b34da6a3ce929d0e0e473-600f067aa0ba902b7-01"],  // misplaced dashes
            ["01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01" + String(repeating: "x", count: 600)],
            [String(repeating: "a", count: 4000)],
            [
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            ],
        ])
    func malformedTraceparent(_ values: [String]) async throws {
        try await Self.withTracing(["level=TIMESTAMPS", "rate=1"]) { _, port, _, receiver in
            #expect(try await Self.infer(port, headers: values.map { ("traceparent", $0) }) == 200)
            let spans = try await receiver.waitForSpans(1)
            try #require(spans.count == 1)
            #expect(spans[0].traceID != Self.traceID && spans[0].traceID.count == 32)
            #expect(spans[0].parentSpanID.isEmpty)
        }
    }

    @Test("rate=0 traces only requests with a traceparent; a later version's traceparent and a bad tracestate")
    func propagatedOnly() async throws {
        try await Self.withTracing(["level=TIMESTAMPS", "rate=0"]) { _, port, _, receiver in
            #expect(try await Self.infer(port) == 200)
            #expect(try await Self.infer(port, headers: [("traceparent", "garbage")]) == 200)
            // Version 01 may carry more fields; the tracestate is refused (not key=value) and left out.
            #expect(
                try await Self.infer(
                    port,
                    headers: [
                        ("traceparent", "01-\(Self.traceID)-\(Self.parentID)-00-more"),
                        ("tracestate", "no equals sign"),
                    ]) == 200)
            let spans = try await receiver.waitForSpans(1)
            try await Self.settle()
            #expect(receiver.spans.count == 1)
            #expect(spans.first?.traceID == Self.traceID)
            #expect(spans.first?.parentSpanID == Self.parentID)
            #expect(spans.first?.traceState == "")
        }
    }

    @Test("An OTLP endpoint that is down changes nothing for requests")
    func endpointDown() async throws {
        // Port 1 on loopback: nothing listens, every export is refused. Shutdown gives up on what is left after half a
        // second.
        try await Self.withTracing(
            ["level=TIMESTAMPS", "rate=1"], url: "127.0.0.1:1/v1/traces", exportTimeout: .milliseconds(500)
        ) {
            server, port, _, _ throws in
            for _ in 0..<10 { #expect(try await Self.infer(port) == 200) }
            let exporter = try #require(server.traceExporter)
            let deadline = ContinuousClock.now + .seconds(5)
            while exporter.spanCount < 10, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(exporter.spanCount == 10)
        }
    }

    @Test("A collector that does not answer never holds requests up; spans past the queue are dropped and counted")
    func endpointSlow() async throws {
        // The receiver holds every export until the test opens it: requests that waited for export could not finish.
        let receiver = OTLPReceiver(closed: true)
        try await Self.withTracing(
            [
                "level=TIMESTAMPS", "rate=1", "opentelemetry,bsp_max_queue_size=2",
                "opentelemetry,bsp_max_export_batch_size=1",
            ],
            receiver: receiver, exportTimeout: .seconds(30)
        ) { server, port, _, receiver in
            #expect(try await Self.infer(port) == 200)
            try await receiver.waitForRequests(1)
            #expect(receiver.requestCount == 1)
            // One export is held; all of these are answered while it is.
            for _ in 0..<12 { #expect(try await Self.infer(port) == 200) }
            #expect(receiver.requestCount == 1 && receiver.spans.isEmpty)
            receiver.open()
            // Two spans fit in the queue behind the held one; swift-otel reports the rest once the export returns.
            let exporter = try #require(server.traceExporter)
            let deadline = ContinuousClock.now + .seconds(10)
            while exporter.droppedCount < 10, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            #expect(exporter.droppedCount == 10)
            _ = try await receiver.waitForSpans(3)
            #expect(receiver.spans.count == 3)
        }
    }

    // MARK: - Settings

    static let defaults: JSONValue = .object([
        "trace_level": .array([.string("OFF")]), "trace_rate": .string("1000"), "trace_count": .string("-1"),
        "trace_mode": .string("opentelemetry"), "url": .string("http://127.0.0.1:9/v1/traces"),
        "bsp_max_export_batch_size": .string("512"), "bsp_schedule_delay": .string("5000"),
        "bsp_max_queue_size": .string("2048"),
    ])

    /// A router-level client of a server whose exporter points nowhere (nothing is traced in these tests).
    static func withSettingsClient(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let repository = try TemporaryRepository()
        try repository.add("add_f32", file: ServerFixtures.model("add_f32"))
        var configuration = ServerConfiguration(port: 0, serving: ServingConfiguration(repositories: [repository.path]))
        configuration.trace = try TraceConfiguration(settings: ["opentelemetry,url=127.0.0.1:9/v1/traces"])
        let server = InferenceServer(configuration: configuration, logger: ServerFixtures.logger)
        await server.engine.start()
        try await ServerFixtures.withClient(server, body)
    }

    @Test("GET reports Triton's settings; POST changes what it names, per model too, and null clears")
    func settingsRoundTrip() async throws {
        try await Self.withSettingsClient { client in
            #expect(try await client.getJSON("/v2/trace/setting") == (.ok, Self.defaults))
            let (status, updated) = try await client.postJSON(
                "/v2/trace/setting",
                .object([
                    "trace_level": .array([.string("TIMESTAMPS")]), "trace_rate": .string("7"),
                    "trace_count": .string("5"), "log_frequency": .string("3"), "trace_mode": .string("opentelemetry"),
                ]))
            #expect(status == .ok)
            guard case .object(var expected) = Self.defaults else { return }
            expected["trace_level"] = .array([.string("TIMESTAMPS")])
            expected["trace_rate"] = .string("7")
            expected["trace_count"] = .string("5")
            #expect(updated == .object(expected))
            // A model without settings of its own reads the global ones; its own override them.
            #expect(try await client.getJSON("/v2/models/add_f32/trace/setting").1 == .object(expected))
            let (_, model) = try await client.postJSON(
                "/v2/models/add_f32/trace/setting", .object(["trace_rate": .string("2")]))
            var modelExpected = expected
            modelExpected["trace_rate"] = .string("2")
            #expect(model == .object(modelExpected))
            // The global ones changed later still show through where the model has none of its own.
            _ = try await client.postJSON("/v2/trace/setting", .object(["trace_count": .string("9")]))
            modelExpected["trace_count"] = .string("9")
            #expect(try await client.getJSON("/v2/models/add_f32/trace/setting").1 == .object(modelExpected))
            // null clears: the model falls back, the global settings go back to the start-up ones.
            _ = try await client.postJSON("/v2/models/add_f32/trace/setting", .object(["trace_rate": .null]))
            expected["trace_count"] = .string("9")
            #expect(try await client.getJSON("/v2/models/add_f32/trace/setting").1 == .object(expected))
            let (_, reset) = try await client.postJSON(
                "/v2/trace/setting",
                .object(["trace_level": .null, "trace_rate": .null, "trace_count": .null]))
            #expect(reset == Self.defaults)
            // An empty body changes nothing.
            #expect(try await client.postJSON("/v2/trace/setting", nil).1 == Self.defaults)
            let (_, metadata) = try await client.getJSON("/v2")
            #expect(metadata["extensions"]?.arrayValue?.contains(.string("trace")) == true)
        }
    }

    @Test(
        "Bad settings are refused by name with 400 and change nothing",
        arguments: [
            ("/v2/trace/setting", #"{"trace_rate": "abc"}"#, "Unable to parse 'trace_rate'"),
            ("/v2/trace/setting", #"{"trace_rate": "3x"}"#, "got: 3x"),
            ("/v2/trace/setting", #"{"trace_rate": "4294967296"}"#, "from 0 to 4294967295"),
            ("/v2/trace/setting", #"{"trace_rate": 2}"#, "'trace_rate' must be a string"),
            (
                "/v2/trace/setting", #"{"trace_count": "-2"}"#,
                "Unable to parse 'trace_count'. Expecting value >= -1, got:-2"
            ),
            ("/v2/trace/setting", #"{"trace_level": ["TENSORS"]}"#, "TENSORS is not supported in opentelemetry mode"),
            ("/v2/trace/setting", #"{"trace_level": ["BOGUS"]}"#, "invalid value for trace level option: BOGUS"),
            (
                "/v2/trace/setting", #"{"trace_level": ["OFF", "TIMESTAMPS"]}"#,
                "Expect only one trace level 'OFF' is specified"
            ),
            ("/v2/trace/setting", #"{"trace_level": [1]}"#, "a list holding something other than strings"),
            (
                "/v2/trace/setting", #"{"trace_file": "/tmp/x.json"}"#,
                "trace file location can not be updated through network protocol"
            ),
            ("/v2/trace/setting", #"{"trace_mode": "triton"}"#, "trace mode can not be updated"),
            ("/v2/trace/setting", #"{"url": "localhost:1"}"#, "'url' can not be updated"),
            ("/v2/trace/setting", #"{"log_frequency": "-1"}"#, "Unable to parse 'log_frequency'"),
            ("/v2/trace/setting", #"{"bogus": "1"}"#, "unknown trace setting 'bogus'"),
            ("/v2/trace/setting", #"{"trace_rate": "5", "trace_count": "-7"}"#, "'trace_count'"),
            ("/v2/trace/setting", "[]", "must be a JSON object"),
            ("/v2/trace/setting", "notjson", "not valid JSON"),
            ("/v2/models/nosuch/trace/setting", #"{"trace_rate": "7"}"#, "Request for unknown model : nosuch"),
        ])
    func badSettings(_ path: String, _ body: String, _ message: String) async throws {
        try await Self.withSettingsClient { client in
            let response = try await client.post(path, bytes: Array(body.utf8))
            #expect(response.status == .badRequest)
            let error = try response.json()["error"]?.stringValue ?? ""
            #expect(error.contains(message), "\(error)")
            #expect(try await client.getJSON("/v2/trace/setting").1 == Self.defaults)
        }
    }

    // MARK: - gRPC

    @Test("gRPC: TraceSetting reads and changes the settings, and metadata's traceparent is continued")
    func grpc() async throws {
        try await Self.withTracing(["rate=1000"], grpc: true) { _, _, grpcPort, receiver in
            try await withGRPCClient(
                transport: try .http2NIOPosix(
                    target: .ipv4(address: "127.0.0.1", port: grpcPort), transportSecurity: .plaintext)
            ) { client in
                let service = Inference_GRPCInferenceService.Client(wrapping: client)
                let initial = try await service.traceSetting(.with { _ in })
                #expect(initial.settings["trace_level"]?.value == ["OFF"])
                #expect(initial.settings["trace_rate"]?.value == ["1000"])
                #expect(initial.settings["trace_mode"]?.value == ["opentelemetry"])
                let updated = try await service.traceSetting(
                    .with { $0.settings["trace_level"] = .with { $0.value = ["TIMESTAMPS"] } })
                #expect(updated.settings["trace_level"]?.value == ["TIMESTAMPS"])
                do {
                    _ = try await service.traceSetting(
                        .with { $0.settings["trace_count"] = .with { $0.value = ["-2"] } })
                    Issue.record("a count of -2 was accepted")
                } catch let error as RPCError {
                    #expect(error.code == .invalidArgument)
                    #expect(error.message.contains("Expecting value >= -1"))
                }
                do {
                    _ = try await service.traceSetting(.with { $0.modelName = "nosuch" })
                    Issue.record("an unknown model was accepted")
                } catch let error as RPCError {
                    #expect(error.message == "Request for unknown model : nosuch")
                }

                let request = Inference_ModelInferRequest.with {
                    $0.modelName = "add_f32"
                    $0.id = "grpc-1"
                    $0.inputs = ["A", "B"].map { name in
                        .with {
                            $0.name = name
                            $0.datatype = "FP32"
                            $0.shape = [1, 3]
                        }
                    }
                    $0.rawInputContents = [
                        Data(LittleEndian.floats([7.875, 6.25, 0.375])), Data(LittleEndian.floats([7.25, 4.75, 1.75])),
                    ]
                }
                var metadata = Metadata()
                metadata.addString(Self.traceparent, forKey: "traceparent")
                let response = try await service.modelInfer(request, metadata: metadata)
                #expect(
                    LittleEndian.values(Array(response.rawOutputContents[0]), as: UInt32.self).map(
                        Float.init(bitPattern:)) == [15.125, 11.0, 2.125])
                let spans = try await receiver.waitForSpans(1)
                try #require(spans.count == 1)
                #expect(spans[0].traceID == Self.traceID)
                #expect(spans[0].parentSpanID == Self.parentID)
                #expect(spans[0].attributes["triton.request_id"] == .string("grpc-1"))
                #expect(
                    spans[0].eventNames == [
                        "GRPC_WAITREAD_END", "REQUEST_START", "QUEUE_START", "COMPUTE_START", "COMPUTE_INPUT_END",
                        "COMPUTE_OUTPUT_START", "COMPUTE_END", "REQUEST_END", "GRPC_SEND_START",
                    ])
            }
        }
    }
}
#endif
