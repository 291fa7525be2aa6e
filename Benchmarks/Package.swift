// swift-tools-version: 6.1
// The benchmark suite of swift-onnxruntime: a separate package so that the library itself never depends on the
// benchmark tooling. Run everything with `scripts/benchmark.sh [--quick]` from the repository root.
import Foundation
import PackageDescription

// A path dependency is identified by its directory name, which is whatever the checkout is called; work it out
// instead of hard-coding it, so the package resolves in any clone.
let libraryPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

let package = Package(
    name: "ONNXRuntimeBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../"),
        // MallocInterposer gives `mallocCountTotal`; naming the trait explicitly leaves out the runtime
        // interposer, which is not needed here.
        .package(url: "https://github.com/ordo-one/benchmark", exact: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        // Input specs, model cases and the run loop shared by the executables below.
        .target(
            name: "BenchSupport",
            dependencies: [.product(name: "ONNXRuntime", package: libraryPackage)]
        ),
        // The Swift peer of the latency comparison (driven over stdin/stdout by Benchmarks/python/driver.py) and
        // the concurrent-throughput measurement.
        .executableTarget(
            name: "ORTBench",
            dependencies: ["BenchSupport", .product(name: "ONNXRuntime", package: libraryPackage)]
        ),
        // Allocations per run of the Swift API, counted by package-benchmark's malloc interposer.
        .executableTarget(
            name: "RunAllocations",
            dependencies: [
                "BenchSupport",
                .product(name: "ONNXRuntime", package: libraryPackage),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/RunAllocations",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ]
)
