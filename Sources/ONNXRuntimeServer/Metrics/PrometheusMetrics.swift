#if Server
import CoreMetrics
import ONNXRuntimeServing
import Prometheus

/// The server's Prometheus metrics: a registry owned by this instance (no global bootstrap, so several servers in one
/// process keep their numbers apart), the swift-metrics factory the serving core records into, and the text the
/// metrics port serves at `GET /metrics`.
///
/// ```swift
/// let text = String(decoding: server.metrics.exposition(), as: UTF8.self)
/// // # HELP nv_inference_count Number of inferences performed (does not include cached requests)
/// // # TYPE nv_inference_count counter
/// // nv_inference_count{model="mnist",version="1"} 8
/// ```
public final class PrometheusMetrics: Sendable {
    /// The registry holding every series.
    public let registry: PrometheusCollectorRegistry

    /// The latency summaries (Triton's `nv_inference_*_summary_us`), when they are on.
    let summaries: LatencySummaries?

    /// The media type of ``exposition()``: the Prometheus text format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Creates the metrics of one server.
    /// - Parameters:
    ///   - registry: The registry to record into; a new one by default.
    ///   - summaryQuantiles: The quantiles of the latency summaries that swift-metrics `Timer`s named
    ///     `*_summary_us` record into; `nil` (the default) leaves such timers to swift-prometheus (histograms).
    public init(
        registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        summaryQuantiles: [MetricsConfiguration.Quantile]? = nil
    ) {
        self.registry = registry
        self.summaries = summaryQuantiles.map { quantiles in
            LatencySummaries(targets: quantiles.map { .init(quantile: $0.quantile, error: $0.error) })
        }
    }

    /// A swift-metrics factory that records into ``registry`` and gives the serving core's metrics Triton's help
    /// texts: pass it to `ServingMetrics(factory:)`, or as `factory:` to swift-metrics' `Counter`, `Gauge` or `Timer`
    /// to add series to this server's endpoint.
    public var factory: any MetricsFactory {
        HelpTextFactory(registry: registry, helpTexts: ServingMetrics.helpTexts, summaries: summaries)
    }

    /// Every metric in the Prometheus text format: the registry's series, the latency summaries, then the process
    /// metrics.
    public func exposition() -> [UInt8] {
        var buffer = registry.emitToBuffer()
        summaries?.write(into: &buffer)
        ProcessMetrics.write(ProcessMetrics.samples(), into: &buffer)
        return buffer
    }
}

/// A swift-metrics factory over a Prometheus registry that gives each counter and meter the help text known for its
/// name (swift-prometheus' own factory registers every series without one, and a registry refuses two help texts for
/// one name), and records timers named `*_summary_us` in latency summaries when they are on. Other kinds go to
/// swift-prometheus' factory.
private struct HelpTextFactory: MetricsFactory {
    let registry: PrometheusCollectorRegistry
    let helpTexts: [String: String]
    let summaries: LatencySummaries?

    private var plain: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        guard let help = helpTexts[label] else { return plain.makeCounter(label: label, dimensions: dimensions) }
        return registry.makeCounter(
            descriptor: MetricNameDescriptor(metricName: label, unitName: "", helpText: help), labels: dimensions)
    }

    func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        guard let help = helpTexts[label] else { return plain.makeMeter(label: label, dimensions: dimensions) }
        return registry.makeGauge(
            descriptor: MetricNameDescriptor(metricName: label, unitName: "", helpText: help), labels: dimensions)
    }

    func makeFloatingPointCounter(label: String, dimensions: [(String, String)]) -> any FloatingPointCounterHandler {
        plain.makeFloatingPointCounter(label: label, dimensions: dimensions)
    }

    func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        plain.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        if let summaries, label.hasSuffix("_summary_us") {
            let summary = summaries.summary(name: label, labels: dimensions, help: helpTexts[label] ?? label)
            return LatencySummaryTimer(summary: summary)
        }
        return plain.makeTimer(label: label, dimensions: dimensions)
    }

    func destroyCounter(_ handler: any CounterHandler) { plain.destroyCounter(handler) }
    func destroyMeter(_ handler: any MeterHandler) { plain.destroyMeter(handler) }
    func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        plain.destroyFloatingPointCounter(handler)
    }
    func destroyRecorder(_ handler: any RecorderHandler) { plain.destroyRecorder(handler) }
    func destroyTimer(_ handler: any TimerHandler) {
        if handler is LatencySummaryTimer { return }  // kept, as counters are, for a reloaded version
        plain.destroyTimer(handler)
    }
}
#endif
