// The Swift peer of the benchmark, and the concurrent-throughput measurement.
//
//   ORTBench peer --model PATH [--warmup K] [--read none] --input SPEC [--input SPEC ...]
//       Loads the model, warms up, prints `READY {...}`, then answers the line protocol of
//       Benchmarks/python/driver.py on stdin/stdout ("time N", "alloc N", "quit"), exactly like c/bench.c.
//       `--read none` skips reading the outputs (a diagnostic: the cost of `session.run` alone).
//       `--api prepared` calls through a `PreparedRun` (names resolved once, outputs read in place) instead of
//       `session.run` with a dictionary.
//
//   ORTBench concurrency --model PATH --input SPEC ... [--tasks 1,2,4] [--runs N] [--rounds R]
//       One session, run from T tasks at once (each task its own loop over N/T runs), once without a lock and
//       once with every run behind one Mutex, and a control (the same tasks spinning on plain arithmetic for about
//       as long as a run, no ORT) that shows how many cores the machine really gave; one JSON line per measurement.
import BenchSupport
import Foundation
import ONNXRuntime
import Synchronization

@inline(__always)
func nowNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}

struct Arguments {
    var command = ""
    var model = ""
    var inputs: [String] = []
    var warmup = 50
    var tasks = [1, 2, 4]
    var runs = 2000
    var rounds = 3
    var readsOutputs = true
    var prepared = false

    init(_ arguments: [String]) throws {
        var iterator = arguments.dropFirst().makeIterator()
        guard let command = iterator.next() else { throw BenchError("usage: ORTBench peer|concurrency ...") }
        self.command = command
        while let flag = iterator.next() {
            guard let value = iterator.next() else { throw BenchError("\(flag) needs a value") }
            switch flag {
            case "--model": model = value
            case "--input": inputs.append(value)
            case "--warmup": warmup = Int(value) ?? warmup
            case "--tasks": tasks = value.split(separator: ",").compactMap { Int($0) }
            case "--runs": runs = Int(value) ?? runs
            case "--rounds": rounds = Int(value) ?? rounds
            case "--read": readsOutputs = value != "none"
            case "--api": prepared = value == "prepared"
            default: throw BenchError("unknown argument \(flag)")
            }
        }
        guard !model.isEmpty, !inputs.isEmpty else { throw BenchError("--model and --input are required") }
    }
}

/// Writes one line to stdout, unbuffered (the driver waits for it).
func emit(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

// MARK: - Latency peer

func servePeer(_ arguments: Arguments) throws {
    let runner = try Runner(
        model: arguments.model, inputs: arguments.inputs, readsOutputs: arguments.readsOutputs,
        prepared: arguments.prepared)
    let checksum = try runner.checksum()
    var sink: UInt8 = 0
    for _ in 0..<arguments.warmup { sink ^= try runner.call() }

    typealias Counter = @convention(c) () -> UInt64
    let counter = dlsym(nil, "benchcount_mallocs").map { unsafeBitCast($0, to: Counter.self) }
    let info = try RuntimeLibrary.info
    emit(
        "READY {\"peer\":\"swift\",\"runtime\":\"\(info.version)\",\"library\":\"\(info.path)\","
            + "\"checksum\":\(checksum),\"counter\":\(counter != nil)}")

    var samples = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: 1)
    defer { samples.deallocate() }
    while let line = readLine() {
        let words = line.split(separator: " ")
        let n = words.count == 2 ? Int(words[1]) ?? 0 : 0
        switch (words.first, n > 0) {
        case ("time", true):
            if samples.count < n {
                samples.deallocate()
                samples = .allocate(capacity: n)
            }
            let start = nowNanoseconds()
            for index in 0..<n {
                let t0 = nowNanoseconds()
                sink ^= try runner.call()
                samples[index] = nowNanoseconds() &- t0
            }
            let total = nowNanoseconds() &- start
            let sorted = samples[0..<n].sorted()
            emit(
                "{\"n\":\(n),\"total_ns\":\(total),\"p10\":\(sorted[Int(Double(n) * 0.10)]),"
                    + "\"p50\":\(sorted[Int(Double(n) * 0.50)]),\"p90\":\(sorted[Int(Double(n) * 0.90)]),"
                    + "\"min\":\(sorted[0])}")
        case ("alloc", true):
            // Without the counter the calls still run (callgrind counts their instructions).
            let before = counter?() ?? 0
            for _ in 0..<n { sink ^= try runner.call() }
            let after = counter?() ?? 0
            emit("{\"n\":\(n),\"mallocs\":\(counter == nil ? "null" : String(after &- before))}")
        case ("quit", _):
            withExtendedLifetime(sink) {}
            return
        default:
            emit("{\"error\":\"unknown command\"}")
        }
    }
}

// MARK: - Concurrent throughput

/// The lock of the serialised variant: what an application would add if `Session` were not safe to share.
final class SessionLock: Sendable {
    let mutex = Mutex(())
}

/// CPU time (user + system) of the whole process so far, in seconds.
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// CPU-bound work with no ONNX Runtime in it: the control that shows how many cores the machine gives us right now.
@inline(never)
func spin(_ seed: UInt64, steps: Int) -> UInt64 {
    var x = seed
    for _ in 0..<steps { x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407 }
    return x
}

/// Runs `runs` units of `work` split over `tasks` child tasks; returns units per second and the cores kept busy on
/// average (process CPU time / wall time: below the task count when other processes take the CPU).
func throughput(tasks: Int, runs: Int, work: @escaping @Sendable () throws -> UInt8) async throws -> (
    rate: Double, cores: Double
) {
    let perTask = max(runs / tasks, 1)
    let cpuStart = processCPUSeconds()
    let start = nowNanoseconds()
    let sink = try await withThrowingTaskGroup(of: UInt8.self) { group in
        for _ in 0..<tasks {
            group.addTask {
                var sink: UInt8 = 0
                for _ in 0..<perTask { sink ^= try work() }
                return sink
            }
        }
        return try await group.reduce(0, ^)
    }
    let elapsed = Double(nowNanoseconds() &- start) / 1e9
    let cpu = processCPUSeconds() - cpuStart
    withExtendedLifetime(sink) {}
    return (Double(perTask * tasks) / elapsed, cpu / elapsed)
}

func measureConcurrency(_ arguments: Arguments) async throws {
    let runner = try Runner(model: arguments.model, inputs: arguments.inputs)
    for _ in 0..<arguments.warmup { _ = try runner.call() }
    // The control unit is sized to take about as long as one run, so its measurements last as long as the runs'.
    // Each is the fastest of several tries, so a moment of preemption on a busy machine does not skew it.
    var runNanoseconds = Double.infinity
    var stepNanoseconds = Double.infinity
    var spinSink: UInt64 = 0
    for attempt in 0..<7 {
        let runStart = nowNanoseconds()
        for _ in 0..<10 { _ = try runner.call() }
        runNanoseconds = min(runNanoseconds, Double(nowNanoseconds() &- runStart) / 10)
        let spinStart = nowNanoseconds()
        spinSink ^= spin(UInt64(attempt), steps: 200_000)
        stepNanoseconds = min(stepNanoseconds, Double(nowNanoseconds() &- spinStart) / 200_000)
    }
    withExtendedLifetime(spinSink) {}
    let steps = max(Int(runNanoseconds / max(stepNanoseconds, 0.01)), 100)

    let lock = SessionLock()
    let modes: [(String, @Sendable () throws -> UInt8)] = [
        ("shared", { try runner.call() }),
        ("mutex", { try lock.mutex.withLock { _ in try runner.call() } }),
        ("control", { UInt8(truncatingIfNeeded: spin(UInt64(steps), steps: steps)) }),
    ]
    // Interleaved: every round measures every (tasks, mode) pair once, so machine load affects all alike.
    for round in 0..<arguments.rounds {
        for tasks in arguments.tasks {
            for (mode, work) in modes {
                let result = try await throughput(tasks: tasks, runs: arguments.runs, work: work)
                emit(
                    "{\"round\":\(round),\"tasks\":\(tasks),\"mode\":\"\(mode)\","
                        + "\"runs_per_s\":\(result.rate),\"cores\":\(result.cores)}")
            }
        }
    }
}

do {
    let arguments = try Arguments(CommandLine.arguments)
    switch arguments.command {
    case "peer": try servePeer(arguments)
    case "concurrency": try await measureConcurrency(arguments)
    default: throw BenchError("unknown command \(arguments.command)")
    }
} catch {
    FileHandle.standardError.write(Data("ORTBench: \(error)\n".utf8))
    exit(1)
}
