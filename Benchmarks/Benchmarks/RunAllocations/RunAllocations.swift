// Allocations per run of the Swift API, counted by package-benchmark's malloc interposer (`mallocCountTotal`).
//
// One benchmark per model case in Benchmarks/.models/cases.json (written by Benchmarks/python/driver.py). Each
// iteration is one call exactly as the Swift latency peer makes it (`Runner.call()`: `session.run` + reading the
// first element of every output), so its malloc count is "allocations per run": ORT's own plus the wrapper's.
//
//   cd Benchmarks && swift package --allow-writing-to-package-directory benchmark --target RunAllocations
import BenchSupport
import Benchmark
import ONNXRuntime

let benchmarks: @Sendable () -> Void = {
    let cases: [ModelCase]
    do {
        cases = try ModelCase.load()
    } catch {
        print("RunAllocations: no model cases (\(error)); run scripts/benchmark.sh first")
        return
    }
    for modelCase in cases {
        let runner: Runner
        do {
            runner = try Runner(modelCase)
        } catch {
            print("RunAllocations: cannot load \(modelCase.name): \(error)")
            continue
        }
        Benchmark(
            "run \(modelCase.name)",
            configuration: .init(
                metrics: [.mallocCountTotal, .wallClock],
                timeUnits: .microseconds,
                warmupIterations: 20,
                maxDuration: .seconds(1),
                maxIterations: 1000
            )
        ) { benchmark in
            for _ in benchmark.scaledIterations {
                blackHole(try runner.call())
            }
        }
    }
}
