#if Server
import CoreMetrics

/// The series of one model version, with Triton's metric names and `model` and `version` labels, so dashboards made
/// for Triton work unchanged. Fed by ``StatisticsRecorder`` at the points where it records the
/// statistics extension's numbers; durations are counted in whole microseconds per request, as Triton does.
final class ModelMetrics: Sendable {
    /// `nv_inference_request_success`: successful requests (a request counts 1 whatever its batch size).
    let success: Counter
    /// `nv_inference_request_failure`: failed requests.
    let failure: Counter
    /// `nv_inference_count`: inferences, a request of n rows counting n.
    let inferenceCount: Counter
    /// `nv_inference_exec_count`: model executions (one per batch).
    let executionCount: Counter
    /// `nv_inference_request_duration_us`: end-to-end time of successful requests.
    let requestDuration: Counter
    /// `nv_inference_queue_duration_us`: time successful requests waited for an instance or a batch.
    let queueDuration: Counter
    /// `nv_inference_compute_input_duration_us`: time making (and batching) input tensors.
    let computeInputDuration: Counter
    /// `nv_inference_compute_infer_duration_us`: time running the model.
    let computeInferDuration: Counter
    /// `nv_inference_compute_output_duration_us`: time splitting and encoding outputs.
    let computeOutputDuration: Counter
    /// `nv_inference_pending_request_count`: requests that arrived and whose execution has not started.
    let pendingRequests: Meter
    /// The latency summaries' timers (request, queue, compute input, infer, output), when they are on.
    let summaries: [Timer]?
    /// The response cache series (`nv_cache_num_hits_per_model`, `nv_cache_hit_duration_per_model`,
    /// `nv_cache_num_misses_per_model`, `nv_cache_miss_duration_per_model`), when the model's configuration enables
    /// the cache (as Triton, whether or not the server has one).
    let cache: (hits: Counter, hitDuration: Counter, misses: Counter, missDuration: Counter)?

    /// The metric names, types and help texts, as Triton exposes them.
    enum Name {
        static let success = (
            "nv_inference_request_success", "Number of successful inference requests, all batch sizes"
        )
        static let failure = ("nv_inference_request_failure", "Number of failed inference requests, all batch sizes")
        static let inferenceCount = (
            "nv_inference_count", "Number of inferences performed (does not include cached requests)"
        )
        static let executionCount = (
            "nv_inference_exec_count", "Number of model executions performed (does not include cached requests)"
        )
        static let requestDuration = (
            "nv_inference_request_duration_us",
            "Cumulative inference request duration in microseconds (includes cached requests)"
        )
        static let queueDuration = (
            "nv_inference_queue_duration_us",
            "Cumulative inference queuing duration in microseconds (includes cached requests)"
        )
        static let computeInputDuration = (
            "nv_inference_compute_input_duration_us",
            "Cumulative compute input duration in microseconds (does not include cached requests)"
        )
        static let computeInferDuration = (
            "nv_inference_compute_infer_duration_us",
            "Cumulative compute inference duration in microseconds (does not include cached requests)"
        )
        static let computeOutputDuration = (
            "nv_inference_compute_output_duration_us",
            "Cumulative inference compute output duration in microseconds (does not include cached requests)"
        )
        static let pendingRequests = (
            "nv_inference_pending_request_count",
            "Instantaneous number of pending requests awaiting execution per-model."
        )
        /// The latency summaries (`--metrics-config summary_latencies=true`), with Triton 2.51's help texts.
        static let summaries = [
            (
                "nv_inference_request_summary_us",
                "Summary of inference request duration in microseconds (includes cached requests)"
            ),
            (
                "nv_inference_queue_summary_us",
                "Summary of inference queuing duration in microseconds (includes cached requests)"
            ),
            (
                "nv_inference_compute_input_summary_us",
                "Cumulative compute input duration in microseconds (does not include cached requests)"
            ),
            (
                "nv_inference_compute_infer_summary_us",
                "Cumulative compute inference duration in microseconds (does not include cached requests)"
            ),
            (
                "nv_inference_compute_output_summary_us",
                "Cumulative inference compute output duration in microseconds (does not include cached requests)"
            ),
        ]
        /// The response cache series, with Triton 2.51's help texts.
        static let cacheHits = ("nv_cache_num_hits_per_model", "Number of cache hits per model")
        static let cacheHitDuration = (
            "nv_cache_hit_duration_per_model", "Total cache hit duration per model, in microseconds"
        )
        static let cacheMisses = ("nv_cache_num_misses_per_model", "Number of cache misses per model")
        static let cacheMissDuration = (
            "nv_cache_miss_duration_per_model", "Total cache miss (insert+lookup) duration per model, in microseconds"
        )
        /// Every metric, with its help text.
        static let all = [
            success, failure, inferenceCount, executionCount, requestDuration, queueDuration, computeInputDuration,
            computeInferDuration, computeOutputDuration, pendingRequests, cacheHits, cacheHitDuration, cacheMisses,
            cacheMissDuration,
        ]
    }

    /// Makes (or finds, after a reload, where the factory keeps series) the series of one model version.
    /// The factory and labels, for series made later (a sequence model's).
    private let factory: any MetricsFactory
    private let model: String
    private let version: String

    init(
        factory: any MetricsFactory, model: String, version: String, latencySummaries: Bool = false,
        responseCache: Bool = false
    ) {
        self.factory = factory
        self.model = model
        self.version = version
        let labels = [("model", model), ("version", version)]
        func counter(_ name: (String, String)) -> Counter {
            Counter(label: name.0, dimensions: labels, factory: factory)
        }
        success = counter(Name.success)
        failure = counter(Name.failure)
        inferenceCount = counter(Name.inferenceCount)
        executionCount = counter(Name.executionCount)
        requestDuration = counter(Name.requestDuration)
        queueDuration = counter(Name.queueDuration)
        computeInputDuration = counter(Name.computeInputDuration)
        computeInferDuration = counter(Name.computeInferDuration)
        computeOutputDuration = counter(Name.computeOutputDuration)
        pendingRequests = Meter(label: Name.pendingRequests.0, dimensions: labels, factory: factory)
        summaries =
            latencySummaries
            ? Name.summaries.map { Timer(label: $0.0, dimensions: labels, factory: factory) } : nil
        cache =
            responseCache
            ? (
                counter(Name.cacheHits), counter(Name.cacheHitDuration), counter(Name.cacheMisses),
                counter(Name.cacheMissDuration)
            ) : nil
    }

    /// Records a successful request of `rows` rows that took `total` nanoseconds in the server.
    func requestSucceeded(total: UInt64, rows: UInt64, timings: StatisticsRecorder.Timings) {
        success.increment()
        inferenceCount.increment(by: Int64(clamping: rows))
        Self.addMicroseconds(requestDuration, total)
        Self.addMicroseconds(queueDuration, timings.queue)
        Self.addMicroseconds(computeInputDuration, timings.computeInput)
        Self.addMicroseconds(computeInferDuration, timings.computeInfer)
        Self.addMicroseconds(computeOutputDuration, timings.computeOutput)
        if let summaries {
            let durations = [total, timings.queue, timings.computeInput, timings.computeInfer, timings.computeOutput]
            for (timer, nanoseconds) in zip(summaries, durations) {
                timer.recordNanoseconds(Int64(clamping: nanoseconds))
            }
        }
    }

    /// The sequence batcher's series of this model version.
    func sequences() -> SequenceMetrics {
        SequenceMetrics(factory: factory, model: model, version: version)
    }

    /// Records a request answered from the response cache: a success with its total time, no queue time, and a
    /// cache hit with the lookup's time.
    func cacheHit(total: UInt64, lookup: UInt64) {
        success.increment()
        Self.addMicroseconds(requestDuration, total)
        // The queue summary sees the hit's zero wait, as Triton's does (its request summary leaves hits out).
        if let summaries { summaries[1].recordNanoseconds(0) }
        if let cache {
            cache.hits.increment()
            Self.addMicroseconds(cache.hitDuration, lookup)
        }
    }

    /// Records a cache miss, with the time of its lookup and insertion.
    func cacheMissed(_ nanoseconds: UInt64) {
        if let cache {
            cache.misses.increment()
            Self.addMicroseconds(cache.missDuration, nanoseconds)
        }
    }

    /// Records one model execution.
    func executed() {
        executionCount.increment()
    }

    /// Records a failed request.
    func requestFailed() {
        failure.increment()
    }

    /// Counts a request that arrived and waits for its execution.
    func pendingAdded() {
        pendingRequests.increment(by: 1)
    }

    /// Uncounts a pending request.
    func pendingRemoved() {
        pendingRequests.decrement(by: 1)
    }

    /// Adds a duration in nanoseconds to a microsecond counter.
    private static func addMicroseconds(_ counter: Counter, _ nanoseconds: UInt64) {
        counter.increment(by: Int64(clamping: nanoseconds / 1000))
    }
}
#endif
