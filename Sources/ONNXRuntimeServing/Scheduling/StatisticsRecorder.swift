#if Server
import Foundation
import ONNXRuntime

/// Collects the statistics of one model version; safe to update from concurrent requests.
final class StatisticsRecorder: Sendable {
    /// The phases of one successful request, in nanoseconds.
    struct Timings: Sendable {
        var queue: UInt64 = 0
        var computeInput: UInt64 = 0
        var computeInfer: UInt64 = 0
        var computeOutput: UInt64 = 0
    }

    private let statistics: Locked<ModelStatistics>
    /// The Prometheus series fed from the same points, if the server keeps metrics.
    let metrics: ModelMetrics?

    init(name: String, version: String, metrics: ServingMetrics? = nil, responseCache: Bool = false) {
        statistics = Locked(ModelStatistics(name: name, version: version))
        self.metrics = metrics?.model(name: name, version: version, responseCache: responseCache)
    }

    /// Notes that a request arrived (for `last_inference`).
    func received() {
        let now = UInt64(max(0, Date().timeIntervalSince1970 * 1000))
        statistics.withLock { $0.lastInference = now }
    }

    /// Records a successful request of `batchSize` rows (Triton's `inference_count` counts rows); its execution is
    /// recorded separately with ``recordExecution(batchSize:timings:)``, once per batch.
    func recordSuccess(total: UInt64, batchSize: Int, timings: Timings) {
        let rows = UInt64(max(batchSize, 0))
        statistics.withLock { stats in
            stats.success.add(total)
            stats.queue.add(timings.queue)
            stats.computeInput.add(timings.computeInput)
            stats.computeInfer.add(timings.computeInfer)
            stats.computeOutput.add(timings.computeOutput)
            stats.inferenceCount += rows
        }
        metrics?.requestSucceeded(total: total, rows: rows, timings: timings)
    }

    /// Records one successful model execution of `batchSize` rows: `execution_count` and the batch size's
    /// `batch_stats` entry.
    func recordExecution(batchSize: Int, timings: Timings) {
        statistics.withLock { stats in
            stats.executionCount += 1
            let index: Int
            if let existing = stats.batches.firstIndex(where: { $0.batchSize == batchSize }) {
                index = existing
            } else {
                stats.batches.append(ModelStatistics.Batch(batchSize: batchSize))
                stats.batches.sort { $0.batchSize < $1.batchSize }
                index = stats.batches.firstIndex { $0.batchSize == batchSize }!
            }
            stats.batches[index].computeInput.add(timings.computeInput)
            stats.batches[index].computeInfer.add(timings.computeInfer)
            stats.batches[index].computeOutput.add(timings.computeOutput)
        }
        metrics?.executed()
    }

    /// Records a request answered from the response cache, as Triton does: a success with its total time and no
    /// queue time (it never waited for an instance), and a `cache_hit` with the lookup's time; no inference,
    /// execution or compute time.
    func recordCacheHit(total: UInt64, lookup: UInt64) {
        statistics.withLock { stats in
            stats.success.add(total)
            stats.queue.add(0)
            stats.cacheHit.add(lookup)
        }
        metrics?.cacheHit(total: total, lookup: lookup)
    }

    /// Records a successful request that missed the response cache: a `cache_miss` with the time of its lookup and
    /// of storing its response (the request itself is recorded by ``recordSuccess(total:batchSize:timings:)``).
    func recordCacheMiss(_ nanoseconds: UInt64) {
        statistics.withLock { $0.cacheMiss.add(nanoseconds) }
        metrics?.cacheMissed(nanoseconds)
    }

    /// Records a failed request.
    func recordFailure(total: UInt64) {
        statistics.withLock { $0.fail.add(total) }
        metrics?.requestFailed()
    }

    /// A copy of the statistics.
    var snapshot: ModelStatistics {
        statistics.withLock { $0 }
    }
}
#endif
