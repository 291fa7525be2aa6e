import CoreMetrics
import Prometheus

/// The Prometheus metrics of one server: Triton's per-model inference metrics (`nv_inference_*`, labelled `model`
/// and `version`) and the standard process metrics, in a registry owned by this instance (no global bootstrap, so
/// several servers in one process keep their numbers apart).
///
/// The serving core records into it wherever it records the statistics extension's numbers, so every transport
/// counts. A transport serves ``exposition()`` at `GET /metrics`:
///
/// ```swift
/// let text = String(decoding: engine.metrics.exposition(), as: UTF8.self)
/// // # HELP nv_inference_count Number of inferences performed (does not include cached requests)
/// // # TYPE nv_inference_count counter
/// // nv_inference_count{model="mnist",version="1"} 8
/// ```
public final class ServingMetrics: Sendable {
    /// The registry holding every series.
    public let registry: PrometheusCollectorRegistry

    /// The media type of ``exposition()``: the Prometheus text format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// Creates the metrics of one server.
    /// - Parameter registry: The registry to record into; a new one by default.
    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// A swift-metrics factory that records into ``registry``: pass it as `factory:` to swift-metrics' `Counter`,
    /// `Gauge` or `Timer` to add series to this server's endpoint without bootstrapping the global `MetricsSystem`.
    public var factory: any MetricsFactory {
        PrometheusMetricsFactory(registry: registry)
    }

    /// The series of one model version (created on first use, shared after a reload).
    func model(name: String, version: String) -> ModelMetrics {
        ModelMetrics(registry: registry, model: name, version: version)
    }

    /// Every metric in the Prometheus text format: the registry's series, then the process metrics.
    public func exposition() -> [UInt8] {
        var buffer = registry.emitToBuffer()
        ProcessMetrics.write(ProcessMetrics.samples(), into: &buffer)
        return buffer
    }
}
