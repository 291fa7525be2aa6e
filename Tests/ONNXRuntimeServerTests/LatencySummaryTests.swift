#if Server && Client
import Foundation
import HTTPTypes
import HummingbirdTesting
import ONNXRuntimeServing
import Testing

@testable import ONNXRuntimeServer

/// Triton's latency summaries (`--metrics-config summary_latencies=true`): the quantile estimator's error bounds, the
/// sliding window, the text a scrape gets, and the settings.
@Suite("Latency summaries")
struct LatencySummaryTests {
    static let defaults = MetricsConfiguration.defaultQuantiles.map {
        TargetedQuantiles.Target(quantile: $0.quantile, error: $0.error)
    }

    /// 1...n in a fixed shuffled order (a linear congruential generator), so the value of rank r is r.
    static func shuffled(_ n: Int) -> [Double] {
        var values = (1...n).map(Double.init)
        var state: UInt64 = 0x2545_F491_4F6C_DD1D
        for index in stride(from: n - 1, to: 0, by: -1) {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            values.swapAt(index, Int(state >> 33) % (index + 1))
        }
        return values
    }

    @Test("Each quantile of 1...n lies within its rank error: n·q ± n·e", arguments: [10, 1000, 100_000])
    func errorBounds(n: Int) throws {
        var estimator = TargetedQuantiles(targets: Self.defaults)
        for value in Self.shuffled(n) { estimator.insert(value) }
        for target in Self.defaults {
            let query = estimator.query(target.quantile)
            let estimate = try #require(query)
            let wanted = target.quantile * Double(n)
            let slack = max(1, target.error * Double(n))
            #expect(abs(estimate - wanted) <= slack, "q \(target.quantile): \(estimate) for \(wanted)")
        }
        #expect(estimator.count == n)
        if n == 100_000 {
            // Bounded memory: a small fraction of the observations is kept.
            #expect(estimator.sampleCount < 10_000, "\(estimator.sampleCount) samples for \(n) observations")
        }
    }

    @Test("An empty estimator has no quantile; one observation is every quantile")
    func smallStreams() {
        var estimator = TargetedQuantiles(targets: Self.defaults)
        let none = estimator.query(0.5)
        #expect(none == nil)
        estimator.insert(42)
        let median = estimator.query(0.5)
        let top = estimator.query(0.999)
        #expect(median == 42)
        #expect(top == 42)
    }

    @Test("The window forgets what is older than 60 s; count and sum never do")
    func slidingWindow() {
        let start: UInt64 = 1_000_000_000
        let summary = LatencySummary(targets: Self.defaults, now: start)
        for _ in 0..<1000 { summary.observe(100, now: start + 1_000_000_000) }
        var snapshot = summary.snapshot(now: start + 2_000_000_000)
        #expect(snapshot.count == 1000)
        #expect(snapshot.sum == 100_000)
        #expect(snapshot.quantiles.map(\.1) == [100, 100, 100, 100, 100])

        // 61 s later the first observations have left the window.
        for _ in 0..<10 { summary.observe(5, now: start + 62_000_000_000) }
        snapshot = summary.snapshot(now: start + 62_000_000_000)
        #expect(snapshot.count == 1010)
        #expect(snapshot.sum == 100_050)
        #expect(snapshot.quantiles.map(\.1) == [5, 5, 5, 5, 5])

        // Ten idle minutes later the window is empty.
        snapshot = summary.snapshot(now: start + 662_000_000_000)
        #expect(snapshot.count == 1010)
        #expect(snapshot.quantiles.allSatisfy { $0.1 == nil })
    }

    @Test("A scrape shows Triton's five summaries per model: count and sum equal to the duration counters")
    func scrape() async throws {
        let repository = try TemporaryRepository()
        try repository.add("add", file: ServerFixtures.model("add_f32"))
        var configuration = ServerConfiguration(
            port: 0, serving: ServingConfiguration(repositories: [repository.path]))
        configuration.metrics = try MetricsConfiguration(settings: ["summary_latencies=true"])
        let server = InferenceServer(configuration: configuration, logger: ServerFixtures.logger)
        await server.engine.start()
        try await ServerFixtures.withClient(server) { (client) async throws in
            for _ in 0..<20 {
                let response = try await client.post("/v2/models/add/infer", bytes: MetricsTests.addRequest())
                #expect(response.status == .ok)
            }
        }
        let text = String(decoding: server.metrics.exposition(), as: UTF8.self)
        let metrics = PrometheusText(text)
        #expect(metrics.malformed.isEmpty, "\(metrics.malformed)")
        let pairs = [
            ("nv_inference_request_summary_us", "nv_inference_request_duration_us"),
            ("nv_inference_queue_summary_us", "nv_inference_queue_duration_us"),
            ("nv_inference_compute_input_summary_us", "nv_inference_compute_input_duration_us"),
            ("nv_inference_compute_infer_summary_us", "nv_inference_compute_infer_duration_us"),
            ("nv_inference_compute_output_summary_us", "nv_inference_compute_output_duration_us"),
        ]
        let labels = ["model": "add", "version": "1"]
        for (summary, counter) in pairs {
            #expect(metrics.types[summary] == "summary")
            #expect(metrics.help[summary] == ServingMetrics.helpTexts[summary])
            #expect(metrics.value(summary + "_count", labels) == 20)
            #expect(metrics.value(summary + "_sum", labels) == metrics.value(counter, labels))
            let quantiles = ["0.5", "0.9", "0.95", "0.99", "0.999"].map { quantile in
                metrics.value(summary, labels.merging(["quantile": quantile]) { $1 }) ?? -1
            }
            #expect(quantiles.allSatisfy { $0 >= 0 }, "\(summary): \(quantiles)")
            #expect(quantiles == quantiles.sorted(), "\(summary): \(quantiles)")
        }
        #expect(
            metrics.help["nv_inference_queue_summary_us"]
                == "Summary of inference queuing duration in microseconds (includes cached requests)")

        // Off by default: no summary series at all.
        let plain = await ServerFixtures.server(repository)
        #expect(!String(decoding: plain.metrics.exposition(), as: UTF8.self).contains("_summary_us"))
    }

    @Test("--metrics-config settings: Triton's syntax, and each bad one refused by name")
    func settings() throws {
        #expect(try MetricsConfiguration(settings: []) == MetricsConfiguration())
        let custom = try MetricsConfiguration(settings: [
            "summary_latencies=true", "summary_quantiles=0.5:0.05,0.99:0.001", "counter_latencies=true",
        ])
        #expect(custom.summaryLatencies)
        #expect(custom.summaryQuantiles == [.init(0.5, error: 0.05), .init(0.99, error: 0.001)])
        let bad: [(String, String)] = [
            ("summary_latencies", "is not key=value"),
            ("summary_latencies=yes", "summary_latencies must be true or false, got 'yes'"),
            ("summary_quantiles=0.5", "'0.5' is not quantile:error"),
            ("summary_quantiles=1.5:0.1", "'1.5:0.1'"),
            ("summary_quantiles=0.5:0", "'0.5:0'"),
            ("summary_quantiles=0.5:0.1,", "'' is not quantile:error"),
            ("summary_quantiles=0.5:0.1,0.5:0.01", "the quantile 0.5 is given twice"),
            ("counter_latencies=false", "counter_latencies=false is not supported"),
            ("histogram_latencies=true", "unknown setting 'histogram_latencies'"),
        ]
        for (setting, message) in bad {
            #expect {
                try MetricsConfiguration(settings: [setting])
            } throws: { error in
                (error as? MetricsConfigurationError)?.message.contains(message) == true
            }
        }
    }
}
#endif
