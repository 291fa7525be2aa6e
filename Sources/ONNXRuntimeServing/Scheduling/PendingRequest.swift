#if Server
import Synchronization

/// One request counted in a model's pending-request gauge (`nv_inference_pending_request_count`): counted when it
/// arrives, uncounted exactly once, when its execution starts or it ends without one.
final class PendingRequest: Sendable {
    private let metrics: ModelMetrics?
    private let done = Atomic(false)

    /// Counts a request that just arrived.
    init(_ metrics: ModelMetrics?) {
        self.metrics = metrics
        metrics?.pendingAdded()
    }

    /// Uncounts the request; later calls do nothing.
    func finish() {
        guard !done.exchange(true, ordering: .relaxed) else { return }
        metrics?.pendingRemoved()
    }

    deinit {
        finish()
    }
}
#endif
