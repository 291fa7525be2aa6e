#if Server && Client
import Foundation
import Hummingbird
import HummingbirdTesting
import ONNXRuntimeServer
import ONNXRuntimeServing
import ServiceLifecycle
import Testing

/// The Prometheus endpoint: Triton's metric names, labels, HELP and TYPE lines, exact counts for known traffic, and
/// the process metrics.
@Suite("Prometheus metrics")
struct MetricsTests {
    static let help: [String: String] = [
        "nv_inference_request_success": "Number of successful inference requests, all batch sizes",
        "nv_inference_request_failure": "Number of failed inference requests, all batch sizes",
        "nv_inference_count": "Number of inferences performed (does not include cached requests)",
        "nv_inference_exec_count": "Number of model executions performed (does not include cached requests)",
        "nv_inference_request_duration_us":
            "Cumulative inference request duration in microseconds (includes cached requests)",
        "nv_inference_queue_duration_us":
            "Cumulative inference queuing duration in microseconds (includes cached requests)",
        "nv_inference_compute_input_duration_us":
            "Cumulative compute input duration in microseconds (does not include cached requests)",
        "nv_inference_compute_infer_duration_us":
            "Cumulative compute inference duration in microseconds (does not include cached requests)",
        "nv_inference_compute_output_duration_us":
            "Cumulative inference compute output duration in microseconds (does not include cached requests)",
        "nv_inference_pending_request_count": "Instantaneous number of pending requests awaiting execution per-model.",
    ]

    static func addRequest(_ values: [Double] = [1, 2, 3, 4, 5, 6], shape: [Int] = [2, 3], name: String = "A")
        -> [UInt8]
    {
        var request = InferenceTestRequest()
        request.add(name, "FP32", shape, json: .doubles(values))
        request.add("B", "FP32", shape, json: .doubles(values))
        return request.encoded().body
    }

    @Test("known traffic over HTTP gives exact counts on the metrics port")
    func countsKnownTraffic() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        try repository.add(
            "affine", file: ServerFixtures.model("batch_affine"),
            config:
                "max_batch_size: 8\ndynamic_batching { preferred_batch_size: [4] max_queue_delay_microseconds: 20000000 }"
        )
        let server = await ServerFixtures.server(repository, metricsPort: 0, start: false)
        let (ports, continuation) = AsyncStream<(String, Int)>.makeStream()
        let application = server.makeApplication(
            onServerRunning: { continuation.yield(("http", $0)) },
            onMetricsServerRunning: { continuation.yield(("metrics", $0)) })
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: [application], logger: ServerFixtures.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var found: [String: Int] = [:]
            for await (kind, port) in ports {
                found[kind] = port
                if found.count == 2 { break }
            }
            let base = "http://127.0.0.1:\(try #require(found["http"]))"
            let metricsURL = "http://127.0.0.1:\(try #require(found["metrics"]))/metrics"
            #expect(found["http"] != found["metrics"])
            #expect(try await LiveHTTP.waitFor200("\(base)/v2/health/ready"))

            // 3 successes and 3 failures of different kinds on "add" (no batching).
            for index in 0..<3 {
                let response = try await LiveHTTP.send(
                    "POST", "\(base)/v2/models/add/infer", body: Self.addRequest([1, 2, 3, 4, 5, Double(index)]))
                #expect(response.status == 200)
            }
            let failures: [[UInt8]] = [
                Self.addRequest(name: "nope"),  // unknown input
                Array("{not json".utf8),  // malformed body
                Self.addRequest(Array(repeating: 1, count: 8), shape: [2, 4]),  // wrong shape
            ]
            for body in failures {
                let response = try await LiveHTTP.send("POST", "\(base)/v2/models/add/infer", body: body)
                #expect(response.status == 400)
            }
            #expect(
                try await LiveHTTP.send("POST", "\(base)/v2/models/missing/infer", body: Self.addRequest()).status
                    == 404)
            // 4 one-row requests to "affine" run as one batch of 4.
            try await withThrowingTaskGroup(of: Int.self) { requests in
                for index in 0..<4 {
                    requests.addTask {
                        var request = InferenceTestRequest()
                        request.add("x", "FP32", [1, 3], json: .doubles([1, 2, Double(index)]))
                        return try await LiveHTTP.send(
                            "POST", "\(base)/v2/models/affine/infer", body: request.encoded().body
                        ).status
                    }
                }
                for try await status in requests { #expect(status == 200) }
            }

            let scrape = try await LiveHTTP.send("GET", metricsURL)
            #expect(scrape.status == 200)
            let metrics = PrometheusText(String(decoding: scrape.body, as: UTF8.self))
            #expect(metrics.malformed.isEmpty, "\(metrics.malformed)")
            #expect(metrics.model("nv_inference_request_success", "add") == 3)
            #expect(metrics.model("nv_inference_request_failure", "add") == 3)
            #expect(metrics.model("nv_inference_count", "add") == 3)
            #expect(metrics.model("nv_inference_exec_count", "add") == 3)
            #expect(metrics.model("nv_inference_request_success", "affine") == 4)
            #expect(metrics.model("nv_inference_request_failure", "affine") == 0)
            #expect(metrics.model("nv_inference_count", "affine") == 4)
            #expect(metrics.model("nv_inference_exec_count", "affine") == 1)
            #expect(metrics.model("nv_inference_pending_request_count", "add") == 0)
            #expect(metrics.model("nv_inference_pending_request_count", "affine") == 0)
            #expect((metrics.model("nv_inference_request_duration_us", "add") ?? 0) > 0)
            #expect((metrics.model("nv_inference_request_duration_us", "affine") ?? 0) > 0)
            #expect((metrics.model("nv_inference_queue_duration_us", "affine") ?? 0) > 0)
            #expect((metrics.model("nv_inference_compute_infer_duration_us", "affine") ?? 0) > 0)
            for (name, help) in Self.help {
                #expect(metrics.help[name] == help, "\(name)")
                #expect(metrics.types[name] == (name == "nv_inference_pending_request_count" ? "gauge" : "counter"))
                #expect(metrics.model(name, "add") != nil, "\(name) has no series for add")
            }
            // The request duration covers the phases.
            let phases = ["queue", "compute_input", "compute_infer", "compute_output"].compactMap {
                metrics.model("nv_inference_\($0)_duration_us", "affine")
            }
            #expect(phases.reduce(0, +) <= (metrics.model("nv_inference_request_duration_us", "affine") ?? 0) + 4)
            // The same numbers as the statistics extension.
            let statistics = try server.engine.statistics(model: "affine", version: 1)[0]
            #expect(Double(statistics.executionCount) == metrics.model("nv_inference_exec_count", "affine"))
            #expect(Double(statistics.inferenceCount) == metrics.model("nv_inference_count", "affine"))

            try Self.expectProcessMetrics(metrics)
            await group.triggerGracefulShutdown()
            try await tasks.next()
        }
    }

    static func expectProcessMetrics(_ metrics: PrometheusText) throws {
        let cpu = try #require(metrics.value("process_cpu_seconds_total"))
        #expect(cpu > 0 && cpu < 1_000_000)
        #expect(metrics.types["process_cpu_seconds_total"] == "counter")
        let resident = try #require(metrics.value("process_resident_memory_bytes"))
        #expect(resident > 4_000_000 && resident < 64_000_000_000, "\(resident)")
        let virtual = try #require(metrics.value("process_virtual_memory_bytes"))
        #expect(virtual >= resident)
        let fds = try #require(metrics.value("process_open_fds"))
        #expect(fds >= 3 && fds <= (metrics.value("process_max_fds") ?? 0))
        let started = try #require(metrics.value("process_start_time_seconds"))
        let now = Date().timeIntervalSince1970
        #expect(started <= now + 1 && started > now - 7 * 86400, "\(started) vs \(now)")
        for name in ["process_resident_memory_bytes", "process_open_fds", "process_max_fds"] {
            #expect(metrics.types[name] == "gauge")
            #expect(metrics.help[name]?.isEmpty == false)
        }
    }

    @Test("each server has its own registry: two servers in one process count apart")
    func registryPerServer() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        let first = await ServerFixtures.server(repository)
        let second = await ServerFixtures.server(repository)
        for _ in 0..<2 {
            _ = try await first.engine.infer(model: "add", version: nil, body: Self.addRequest(), headerLength: nil)
        }
        _ = try await second.engine.infer(model: "add", version: nil, body: Self.addRequest(), headerLength: nil)
        let a = PrometheusText(String(decoding: first.metrics.exposition(), as: UTF8.self))
        let b = PrometheusText(String(decoding: second.metrics.exposition(), as: UTF8.self))
        #expect(a.model("nv_inference_request_success", "add") == 2)
        #expect(b.model("nv_inference_request_success", "add") == 1)
    }

    @Test("the metrics router answers GET /metrics in the Prometheus text format")
    func metricsRouter() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        let server = await ServerFixtures.server(repository)
        let application = Application(router: server.makeMetricsRouter(), logger: ServerFixtures.logger)
        try await application.test(.router) { client in
            let response = try await client.execute(uri: "/metrics", method: .get)
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
            let metrics = PrometheusText(String(decoding: response.bytes, as: UTF8.self))
            #expect(metrics.model("nv_inference_request_success", "add") == 0)
            #expect(try await client.execute(uri: "/v2/health/live", method: .get).status == .notFound)
        }
    }
}
#endif
