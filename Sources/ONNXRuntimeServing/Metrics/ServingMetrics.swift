#if Server
import CoreMetrics

/// Where the serving core records Triton's per-model inference metrics (`nv_inference_*`, labelled `model` and
/// `version`): a swift-metrics factory of the embedding application's choice, so the core knows no metrics back-end.
///
/// The serving core records wherever it records the statistics extension's numbers, so every transport counts. The
/// server (`ONNXRuntimeServer`) records into a Prometheus registry of its own and serves it at `GET /metrics`; an
/// application embedding the engine passes any other factory, or none (the default records nothing).
///
/// ```swift
/// let metrics = ServingMetrics(factory: myFactory)
/// let engine = InferenceEngine(configuration: configuration, logger: logger, metrics: metrics)
/// ```
public final class ServingMetrics: Sendable {
    /// The factory every series is made with.
    public let factory: any MetricsFactory
    /// Whether each request's latencies are also recorded as swift-metrics `Timer`s named as Triton's summaries
    /// (`nv_inference_request_summary_us`, `..._queue_...`, `..._compute_input_...`, `..._compute_infer_...`,
    /// `..._compute_output_...`), in microseconds.
    public let latencySummaries: Bool

    /// Creates the metrics of one engine.
    /// - Parameters:
    ///   - factory: The swift-metrics factory to record into; one that records nothing by default (the global
    ///     `MetricsSystem` is never bootstrapped by the serving core, so several engines keep their numbers apart).
    ///   - latencySummaries: Whether to record the latency timers too (off by default, as Triton's
    ///     `summary_latencies`).
    public init(factory: any MetricsFactory = NOOPMetricsHandler.instance, latencySummaries: Bool = false) {
        self.factory = factory
        self.latencySummaries = latencySummaries
    }

    /// The series of one model version (created on first use; a factory that keeps series by name and labels, as
    /// Prometheus' does, hands the same ones back after a reload).
    func model(name: String, version: String, responseCache: Bool = false) -> ModelMetrics {
        ModelMetrics(
            factory: factory, model: name, version: version, latencySummaries: latencySummaries,
            responseCache: responseCache)
    }

    /// The help text of each metric the serving core records, by name, as Triton's `/metrics` shows them: a back-end
    /// that prints help texts (Prometheus' `# HELP`) looks them up here.
    public static let helpTexts: [String: String] = Dictionary(
        uniqueKeysWithValues: (ModelMetrics.Name.all + ModelMetrics.Name.summaries + SequenceMetrics.Name.all
            + ResponseCache.Gauges.Name.all).map { ($0.0, $0.1) })
}
#endif
