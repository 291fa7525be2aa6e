#if Server
import CoreMetrics
import Dispatch
import ONNXRuntime

/// A Prometheus summary of latencies in microseconds: a cumulative count and sum, and quantiles over a sliding time
/// window, as Triton's `nv_inference_*_summary_us` series (`--metrics-config summary_latencies=true`).
///
/// The window is ``maxAge`` long, in ``ageBuckets`` steps, as in Prometheus' client libraries: every observation goes
/// into each of the buckets' estimators, the oldest bucket answers queries, and every `maxAge / ageBuckets` the oldest
/// is emptied and becomes the newest. So the quantiles cover between `maxAge - maxAge / ageBuckets` and `maxAge` of
/// the most recent observations.
final class LatencySummary: Sendable {
    /// The window length (Triton's and Prometheus' default: 60 s).
    static let maxAge: UInt64 = 60_000_000_000
    /// The number of steps the window moves in.
    static let ageBuckets = 5

    private struct State {
        var buckets: [TargetedQuantiles]
        var oldest = 0
        var nextRotation: UInt64
        var count: UInt64 = 0
        var sum: Double = 0
    }

    let targets: [TargetedQuantiles.Target]
    private let state: Locked<State>

    /// Creates an empty summary whose window starts at `now` (nanoseconds on the monotonic clock).
    init(targets: [TargetedQuantiles.Target], now: UInt64 = LatencySummary.now()) {
        self.targets = targets
        state = Locked(
            State(
                buckets: Array(repeating: TargetedQuantiles(targets: targets), count: Self.ageBuckets),
                nextRotation: now + Self.maxAge / UInt64(Self.ageBuckets)))
    }

    /// Records one latency in microseconds at `now`.
    func observe(_ microseconds: Double, now: UInt64 = LatencySummary.now()) {
        state.withLock { state in
            rotate(&state, now: now)
            for index in state.buckets.indices { state.buckets[index].insert(microseconds) }
            state.count += 1
            state.sum += microseconds
        }
    }

    /// The count and sum since the start, and each target's quantile over the window at `now` (`nil` when the window
    /// holds no observation).
    func snapshot(now: UInt64 = LatencySummary.now()) -> (count: UInt64, sum: Double, quantiles: [(Double, Double?)]) {
        state.withLock { state in
            rotate(&state, now: now)
            let oldest = state.oldest
            let quantiles = targets.map { target in (target.quantile, state.buckets[oldest].query(target.quantile)) }
            return (state.count, state.sum, quantiles)
        }
    }

    private func rotate(_ state: inout State, now: UInt64) {
        let step = Self.maxAge / UInt64(Self.ageBuckets)
        var turns = 0
        while now >= state.nextRotation {
            if turns < Self.ageBuckets {
                state.buckets[state.oldest] = TargetedQuantiles(targets: targets)
                state.oldest = (state.oldest + 1) % Self.ageBuckets
                turns += 1
            }
            state.nextRotation += step
            // After a long idle time every bucket is empty: skip ahead instead of stepping through each interval.
            if turns == Self.ageBuckets, now >= state.nextRotation {
                state.nextRotation = now + step - (now - state.nextRotation) % step
            }
        }
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
}

/// The server's latency summaries by name and labels, made through swift-metrics' `Timer` and written after the
/// registry's series.
final class LatencySummaries: Sendable {
    private struct Key: Hashable {
        var name: String
        var labels: [String]
    }

    private struct Entry {
        var help: String
        var labels: [(String, String)]
        var summary: LatencySummary
    }

    let targets: [TargetedQuantiles.Target]
    private let entries = Locked<(order: [Key], byKey: [Key: Entry])>(([], [:]))

    init(targets: [TargetedQuantiles.Target]) {
        self.targets = targets
    }

    /// The summary of `name` with `labels`, made on first use (a reloaded model's version gets its old series back,
    /// as Prometheus counters do).
    func summary(name: String, labels: [(String, String)], help: String) -> LatencySummary {
        let key = Key(name: name, labels: labels.flatMap { [$0.0, $0.1] })
        return entries.withLock { entries in
            if let entry = entries.byKey[key] { return entry.summary }
            let summary = LatencySummary(targets: targets)
            entries.order.append(key)
            entries.byKey[key] = Entry(help: help, labels: labels, summary: summary)
            return summary
        }
    }

    /// Every summary in the Prometheus text format, grouped by name in the order they were made: `# HELP`, `# TYPE
    /// summary`, then for each series `_count`, `_sum` and one line per quantile (`NaN` with no observation in the
    /// window), as Triton writes them.
    func write(into buffer: inout [UInt8]) {
        let all = entries.withLock { entries in entries.order.map { ($0.name, entries.byKey[$0]!) } }
        var names: [String] = []
        for (name, _) in all where !names.contains(name) { names.append(name) }
        var text = ""
        for name in names {
            let series = all.filter { $0.0 == name }.map(\.1)
            text += "# HELP \(name) \(series[0].help)\n# TYPE \(name) summary\n"
            for entry in series {
                let labels = entry.labels.map { "\($0.0)=\"\(Self.escaped($0.1))\"" }.joined(separator: ",")
                let snapshot = entry.summary.snapshot()
                text += "\(name)_count{\(labels)} \(snapshot.count)\n"
                text += "\(name)_sum{\(labels)} \(Self.number(snapshot.sum))\n"
                for (quantile, value) in snapshot.quantiles {
                    let separator = labels.isEmpty ? "" : ","
                    text += "\(name){\(labels)\(separator)quantile=\"\(Self.number(quantile))\"} "
                    text += (value.map(Self.number) ?? "NaN") + "\n"
                }
            }
        }
        buffer.append(contentsOf: text.utf8)
    }

    /// Integers without a fraction (as Triton prints microseconds), other values as Swift prints them.
    static func number(_ value: Double) -> String {
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return "\(value)"
    }

    private static func escaped(_ value: String) -> String {
        var text = ""
        for character in value {
            switch character {
            case "\\": text += "\\\\"
            case "\"": text += "\\\""
            case "\n": text += "\\n"
            default: text.append(character)
            }
        }
        return text
    }
}

/// swift-metrics' `Timer` over a latency summary: nanoseconds in, microseconds recorded.
final class LatencySummaryTimer: TimerHandler, Sendable {
    let summary: LatencySummary

    init(summary: LatencySummary) {
        self.summary = summary
    }

    func recordNanoseconds(_ duration: Int64) {
        summary.observe(Double(duration / 1000))
    }
}
#endif
