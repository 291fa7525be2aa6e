#if Server
/// Estimates chosen quantiles of a stream in bounded memory, each within its own rank error: the targeted-quantiles
/// algorithm of Cormode, Korn, Muthukrishnan and Srivastava ("Effective computation of biased quantiles over data
/// streams", 2005), which Prometheus client libraries use for summaries.
///
/// It keeps a sorted list of samples, each with `width` (how many observations it stands for) and `uncertainty` (how
/// far its rank may be off). Observations are buffered and merged in sorted batches; merging then folds neighbours
/// together wherever the error allowed at their rank permits, so the list stays small where the targets are lax (the
/// median at 5%) and exact where they are strict (the 99.9th percentile at 0.01%).
///
/// For a target quantile `q` with error `e`, the value returned has a rank within `n·q ± n·e` of the `n` observations.
struct TargetedQuantiles: Sendable {
    /// One quantile to estimate, and the rank error allowed for it (both in 0...1).
    struct Target: Sendable, Hashable {
        var quantile: Double
        var error: Double
    }

    private struct Sample: Sendable {
        var value: Double
        var width: Int
        var uncertainty: Int
    }

    let targets: [Target]
    private var samples: [Sample] = []
    private var buffer: [Double] = []
    /// The observations merged into ``samples`` so far.
    private(set) var count = 0
    /// How many observations are buffered before they are merged.
    static let bufferSize = 512

    init(targets: [Target]) {
        self.targets = targets
    }

    /// The number of samples kept (after merging what is buffered), for tests of the memory bound.
    var sampleCount: Int { samples.count + buffer.count }

    /// Adds an observation.
    mutating func insert(_ value: Double) {
        buffer.append(value)
        if buffer.count >= Self.bufferSize { flush() }
    }

    /// The estimate of quantile `q` (one of the targets, or any other with a looser guarantee), or `nil` with no
    /// observations.
    mutating func query(_ q: Double) -> Double? {
        flush()
        guard !samples.isEmpty else { return nil }
        let n = Double(count)
        let wanted = q * n
        let bound = wanted + allowedError(rank: wanted, of: n) / 2
        var rank = 0
        for index in 1..<samples.count {
            rank += samples[index - 1].width
            let sample = samples[index]
            if Double(rank + sample.width + sample.uncertainty) > bound { return samples[index - 1].value }
        }
        return samples[samples.count - 1].value
    }

    /// The rank error allowed at `rank` among `n` observations: the tightest over the targets.
    private func allowedError(rank: Double, of n: Double) -> Double {
        var allowed = n + 1
        for target in targets {
            let error =
                rank >= target.quantile * n
                ? 2 * target.error * rank / target.quantile
                : 2 * target.error * (n - rank) / (1 - target.quantile)
            allowed = min(allowed, error)
        }
        return allowed
    }

    /// Merges the buffered observations into the samples, in one sorted pass, then compresses.
    private mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.sort()
        var merged: [Sample] = []
        merged.reserveCapacity(samples.count + buffer.count)
        var next = 0
        var rank = 0
        for value in buffer {
            while next < samples.count, samples[next].value <= value {
                rank += samples[next].width
                merged.append(samples[next])
                next += 1
            }
            count += 1
            // A new minimum or maximum is exact; elsewhere the sample may be as uncertain as its rank allows.
            let uncertainty =
                merged.isEmpty || next == samples.count
                ? 0 : max(0, Int(allowedError(rank: Double(rank), of: Double(count)).rounded(.down)) - 1)
            merged.append(Sample(value: value, width: 1, uncertainty: uncertainty))
            rank += 1
        }
        merged.append(contentsOf: samples[next...])
        samples = merged
        buffer.removeAll(keepingCapacity: true)
        compress()
    }

    /// Folds each sample into its right-hand neighbour where the error allowed at its rank permits. The first and
    /// last samples (the minimum and maximum) are kept.
    private mutating func compress() {
        guard samples.count > 2 else { return }
        var ranks = [Int](repeating: 0, count: samples.count)
        var total = 0
        for index in samples.indices {
            ranks[index] = total
            total += samples[index].width
        }
        let n = Double(count)
        var kept: [Sample] = [samples[samples.count - 1]]  // built from the right, reversed at the end
        kept.reserveCapacity(samples.count)
        for index in stride(from: samples.count - 2, through: 1, by: -1) {
            let sample = samples[index]
            let right = kept[kept.count - 1]
            if Double(sample.width + right.width + right.uncertainty)
                <= allowedError(rank: Double(ranks[index]), of: n)
            {
                kept[kept.count - 1].width += sample.width
            } else {
                kept.append(sample)
            }
        }
        kept.append(samples[0])
        samples = kept.reversed()
    }
}
#endif
