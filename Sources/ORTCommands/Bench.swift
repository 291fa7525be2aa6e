#if Server
import ArgumentParser
import Foundation
import ONNXRuntime

#if canImport(Glibc)
import Glibc
#endif

/// `ort bench MODEL`: latency percentiles and throughput of a model, with generated or given inputs.
public struct Bench: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Measure a model's latency (mean, p50, p90, p99, max) and throughput.",
        discussion: """
            Inputs are random unless given with --input. Symbolic dimensions must be fixed with --dim NAME=VALUE \
            (unfixed ones default to 1).
            """)

    @Argument(help: "The .onnx model file.")
    public var model: String

    @Option(help: "Timed runs (in total, across all concurrent tasks).")
    public var iterations: Int = 100

    @Option(help: "Untimed runs first.")
    public var warmup: Int = 10

    @Option(help: "Concurrent tasks running the same session.")
    public var concurrency: Int = 1

    @Option(name: .customLong("input"), help: "Use this input instead of random data: NAME=FILE (repeatable).")
    public var inputs: [String] = []

    @Option(help: "Seed for the random inputs.")
    public var seed: UInt64 = 42

    @Flag(help: "Print the results as JSON (no progress bar).")
    public var json = false

    @OptionGroup public var options: ModelOptions

    public init() {}

    public func validate() throws {
        guard iterations > 0 else { throw ValidationError("--iterations must be at least 1") }
        guard warmup >= 0 else { throw ValidationError("--warmup must be 0 or more") }
        guard concurrency > 0 else { throw ValidationError("--concurrency must be at least 1") }
    }

    public func run() async throws {
        let session = try Session(path: model, options: options.sessionOptions())
        var feeds = try RandomInputs.make(for: session, dimensions: options.dimensionOverrides(), seed: seed)
        for (name, value) in try InputFiles.load(inputs, for: session) { feeds[name] = value }
        let showProgress = !json && isatty(STDOUT_FILENO) == 1
        let progress = showProgress ? ProgressBar(total: iterations) : nil
        var report: (@Sendable (Int) -> Void)?
        if let progress { report = { done in progress.update(done) } }
        let result = try await Benchmark.run(
            session: session, feeds: feeds, iterations: iterations, warmup: warmup, concurrency: concurrency,
            progress: report)
        progress?.finish()
        print(json ? result.json : result.text)
    }
}

/// Runs a session repeatedly and measures it.
public enum Benchmark {
    /// The measured latencies and throughput.
    public struct Result: Sendable, Encodable {
        public var iterations: Int
        public var concurrency: Int
        /// Latency statistics in milliseconds.
        public var latency: LatencyStats
        /// Wall-clock time of the timed runs, in seconds.
        public var wallSeconds: Double
        /// Completed runs per second.
        public var throughput: Double

        /// The text report.
        public var text: String {
            let l = latency
            return """
                \(iterations) runs, concurrency \(concurrency), \(String(format: "%.3f", wallSeconds)) s
                latency ms: mean \(f(l.mean))  p50 \(f(l.p50))  p90 \(f(l.p90))  p99 \(f(l.p99))  max \(f(l.max))
                throughput: \(String(format: "%.1f", throughput)) runs/s
                """
        }

        /// The JSON report.
        public var json: String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            return String(decoding: (try? encoder.encode(self)) ?? Data(), as: UTF8.self)
        }

        private func f(_ value: Double) -> String { String(format: "%.4f", value) }
    }

    /// Runs `warmup` untimed runs, then `iterations` timed runs split over `concurrency` tasks.
    public static func run(
        session: Session, feeds: [String: Value], iterations: Int, warmup: Int, concurrency: Int,
        progress: (@Sendable (Int) -> Void)? = nil
    ) async throws -> Result {
        for _ in 0..<warmup { try runOnce(session, feeds) }
        let counter = ProgressCounter()
        let clock = ContinuousClock()
        let start = clock.now
        let samples = try await withThrowingTaskGroup(of: [Double].self) { group in
            for task in 0..<concurrency {
                let share = iterations / concurrency + (task < iterations % concurrency ? 1 : 0)
                group.addTask {
                    var latencies: [Double] = []
                    latencies.reserveCapacity(share)
                    for _ in 0..<share {
                        let begin = clock.now
                        try runOnce(session, feeds)
                        latencies.append((clock.now - begin).milliseconds)
                        progress?(counter.increment())
                    }
                    return latencies
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all
        }
        let wall = (clock.now - start).milliseconds / 1000
        return Result(
            iterations: iterations, concurrency: concurrency, latency: LatencyStats(samples), wallSeconds: wall,
            throughput: Double(iterations) / max(wall, 1e-9))
    }
}

/// One synchronous run: each task measures ORT's Run on its own thread, not the async path.
private func runOnce(_ session: Session, _ feeds: [String: Value]) throws {
    _ = try session.run(feeds)
}

/// Summary statistics of latency samples.
public struct LatencyStats: Sendable, Encodable, Equatable {
    public var mean: Double
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var min: Double
    public var max: Double

    /// Computes the statistics; percentiles use the nearest-rank method on the sorted samples.
    public init(_ samples: [Double]) {
        let sorted = samples.sorted()
        func rank(_ percent: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = Int((percent / 100 * Double(sorted.count)).rounded(.up)) - 1
            return sorted[Swift.max(0, Swift.min(sorted.count - 1, index))]
        }
        mean = sorted.isEmpty ? 0 : sorted.reduce(0, +) / Double(sorted.count)
        p50 = rank(50)
        p90 = rank(90)
        p99 = rank(99)
        min = sorted.first ?? 0
        max = sorted.last ?? 0
    }
}

/// Counts completed runs across tasks.
final class ProgressCounter: @unchecked Sendable {
    // @unchecked: the count is only touched under the lock.
    private let lock = NSLock()
    private var count = 0

    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        count += 1
        return count
    }
}

/// A one-line progress bar on the terminal.
final class ProgressBar: @unchecked Sendable {
    // @unchecked: drawing is serialised by the lock.
    private let total: Int
    private let lock = NSLock()
    private var lastDrawn = -1

    init(total: Int) { self.total = total }

    func update(_ done: Int) {
        let width = 40
        let filled = total == 0 ? width : done * width / total
        lock.lock()
        defer { lock.unlock() }
        guard filled != lastDrawn || done == total else { return }
        lastDrawn = filled
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardOutput.write(Data("\r[\(bar)] \(done)/\(total)".utf8))
    }

    func finish() {
        FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
    }
}

extension Duration {
    var milliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
#endif
