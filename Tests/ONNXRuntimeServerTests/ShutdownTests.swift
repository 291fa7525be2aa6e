#if Server && Client
import Foundation
import Logging
import ONNXRuntimeServer
import ONNXRuntimeServing
import ServiceLifecycle
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Graceful shutdown: in process through a `ServiceGroup`, and the real `ort serve` executable with SIGTERM.
@Suite("Graceful shutdown and the ort serve command")
struct ShutdownTests {
    /// A slow_loop request that takes about a second or two.
    static let slowBody: [UInt8] = {
        var request = InferenceTestRequest()
        request.add("iterations", "INT64", [], json: .ints([150_000]))
        request.add("x", "FP32", [64], json: .doubles(Array(repeating: 0.01, count: 64)))
        request.output("y", binary: false)
        return request.encoded().body
    }()

    /// The `ort` executable built beside the test bundle, if there is one.
    static let ortExecutable: String? = {
        let bundle = Bundle.main.bundleURL
        let directory = bundle.pathExtension == "xctest" ? bundle.deletingLastPathComponent() : bundle
        let path = directory.appendingPathComponent("ort").path
        return FileManager.default.isExecutableFile(atPath: path) ? path : nil
    }()

    @Test("in process: graceful shutdown stops accepting, drains the in-flight request, then returns")
    func drainInProcess() async throws {
        let repository = try TemporaryRepository()
        try repository.add("slow", file: ServerFixtures.model("slow_loop"))
        let server = await ServerFixtures.server(repository, start: false)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = server.makeApplication { port in continuation.yield(port) }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [application], logger: ServerFixtures.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            let base = "http://127.0.0.1:\(port)"
            #expect(try await LiveHTTP.waitFor200("\(base)/v2/health/ready"))
            let inFlight = Task { try await LiveHTTP.send("POST", "\(base)/v2/models/slow/infer", body: Self.slowBody) }
            #expect(try await LiveHTTP.waitForRequestInFlight(base, model: "slow"))
            await group.triggerGracefulShutdown()
            let response = try await inFlight.value
            #expect(response.status == 200)
            #expect(response.json["model_name"] == .string("slow"))
            try await tasks.next()  // the group has finished
            #expect(server.engine.configuration.controlMode == .none)
            #expect(await server.engine.isReady == false)
            await #expect(throws: (any Error).self) {
                _ = try await LiveHTTP.send("GET", "\(base)/v2/health/live", timeout: 5)
            }
        }
    }

    @Test(
        "ort serve: SIGTERM drains the in-flight request and exits with 0",
        .enabled(if: ShutdownTests.ortExecutable != nil, "the ort executable is not built"),
        .timeLimit(.minutes(5)))
    func serveSIGTERM() async throws {
        let repository = try TemporaryRepository()
        try repository.add("slow", file: ServerFixtures.model("slow_loop"))
        let server = try await ServeProcess.start([
            "--model-repository", repository.path, "--http-port", "0", "--grpc-port", "0", "--metrics-port",
            "0", "--log-level", "info",
        ])
        defer { server.stop() }
        let (process, collector, port, base) = (server.process, server.output, server.port, server.base)
        #expect(try await LiveHTTP.waitFor200("\(base)/v2/health/ready"), "\(collector.value)")
        let metadata = try await LiveHTTP.send("GET", "\(base)/v2/models/slow")
        #expect(metadata.json["platform"] == .string("onnxruntime_onnx"))

        // The metrics port: one quick request is counted.
        var quick = InferenceTestRequest()
        quick.add("iterations", "INT64", [], json: .ints([1]))
        quick.add("x", "FP32", [64], json: .doubles(Array(repeating: 0.5, count: 64)))
        #expect(
            try await LiveHTTP.send("POST", "\(base)/v2/models/slow/infer", body: quick.encoded().body).status == 200)
        let metricsPort = try #require(
            await collector.waitForMatch(#"serving metrics at http://127\.0\.0\.1:(\d+)/metrics"#),
            "no metrics port in: \(collector.value)")
        #expect(metricsPort != port)
        let scrape = try await LiveHTTP.send("GET", "http://127.0.0.1:\(metricsPort)/metrics")
        let metrics = PrometheusText(String(decoding: scrape.body, as: UTF8.self))
        #expect(metrics.model("nv_inference_request_success", "slow") == 1)
        #expect(metrics.model("nv_inference_exec_count", "slow") == 1)
        #expect(metrics.value("process_cpu_seconds_total") != nil)
        let quickArrival = try await LiveHTTP.lastInference(base, model: "slow")
        try await Task.sleep(for: .milliseconds(5))  // last_inference has millisecond resolution

        let inFlight = Task { try await LiveHTTP.send("POST", "\(base)/v2/models/slow/infer", body: Self.slowBody) }
        #expect(try await LiveHTTP.waitForRequestInFlight(base, model: "slow", after: quickArrival))
        kill(process.processIdentifier, SIGTERM)
        let response = try await inFlight.value
        #expect(response.status == 200, "\(collector.value)")
        #expect(response.json["outputs"]?.arrayValue?.first?["shape"] == .ints([64, 64]))

        let deadline = ContinuousClock.now + .seconds(60)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0, "\(collector.value)")
        #expect(collector.value.contains("shutting down"))
    }

    @Test(
        "ort serve: options are checked before anything starts",
        .enabled(if: ShutdownTests.ortExecutable != nil, "the ort executable is not built"),
        arguments: [
            ([], "give at least one --model-repository"),
            (["--model", "x"], "NAME=PATH"),
            (["--model", "../x=/tmp/a.onnx"], "not a valid model name"),
            (["--model-repository", "/tmp", "--load-model", "a"], "--load-model needs --model-control-mode explicit"),
            (
                ["--model-repository", "/tmp", "--repository-token", "t", "--disable-repository-api"],
                "exclude each other"
            ),
            (["--model-repository", "/tmp", "--model-control-mode", "sometimes"], "sometimes"),
            (["--model-repository", "/tmp", "--http-port", "70000"], "--http-port"),
            (["--model-repository", "/tmp", "--metrics-port", "65536"], "--metrics-port must be"),
            (["--model-repository", "/tmp", "--http-port", "9000", "--metrics-port", "9000"], "a port of its own"),
            (["--model-repository", "/tmp", "--allow-metrics", "maybe"], "maybe"),
        ] as [([String], String)])
    func serveValidation(_ arguments: [String], _ expected: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ShutdownTests.ortExecutable!)
        process.arguments = ["serve"] + arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = errors
        try process.run()
        let output = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus != 0)
        #expect(output.contains(expected), "\(output)")
    }

    @Test(
        "ort serve --help documents the options",
        .enabled(if: ShutdownTests.ortExecutable != nil, "the ort executable is not built"))
    func serveHelp() async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ShutdownTests.ortExecutable!)
        process.arguments = ["serve", "--help"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        for option in [
            "--model-repository", "--model", "--http-port", "--host", "--model-control-mode", "--load-model",
            "--repository-poll-secs", "--max-request-size", "--max-tensor-elements", "--max-queue-size",
            "--request-timeout", "--log-level", "--repository-token", "--disable-repository-api", "127.0.0.1",
            "--metrics-port", "--allow-metrics",
        ] {
            #expect(text.contains(option), "\(option)")
        }
    }
}
#endif
