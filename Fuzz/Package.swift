// swift-tools-version: 6.1
// The fuzz harnesses of swift-onnxruntime: a separate package so that the library never depends on libFuzzer.
// Build and run them with `scripts/fuzz.sh` from the repository root (it passes `-sanitize=fuzzer,address`); a plain
// `swift build` here compiles them without instrumentation, which is only useful to check that they compile.
import Foundation
import PackageDescription

// A path dependency is identified by its directory name, which is whatever the checkout is called.
let libraryPackage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// One harness: an executable whose entry point hands `fuzzOne` to libFuzzer.
func harness(_ name: String, _ products: [String], _ others: [Target.Dependency] = []) -> Target {
    .executableTarget(
        name: name,
        dependencies: ["FuzzSupport"] + products.map { .product(name: $0, package: libraryPackage) } + others,
        swiftSettings: strictSwift
    )
}

let package = Package(
    name: "ONNXRuntimeFuzz",
    dependencies: [
        .package(path: "../", traits: ["Server"]),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
    ],
    targets: [
        .target(name: "CLibFuzzer"),
        // The entry point shared by the harnesses, quiet logging and the runtime's location.
        .target(
            name: "FuzzSupport",
            dependencies: [
                "CLibFuzzer",
                .product(name: "ONNXRuntime", package: libraryPackage),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // The fixed model signatures and the plan-and-make step both request harnesses check requests with.
        .target(
            name: "FuzzRequestSupport",
            dependencies: [
                "FuzzSupport",
                .product(name: "ONNXRuntimeServing", package: libraryPackage),
                .product(name: "ONNXRuntime", package: libraryPackage),
            ],
            swiftSettings: strictSwift
        ),
        // The REST request decoder and the request plan against fixed signatures (JSON and binary bodies).
        harness("FuzzInferenceRequest", ["ONNXRuntimeServing"], ["FuzzRequestSupport"]),
        // The gRPC ModelInferRequest decoder (protobuf bytes, raw and typed contents) and the same request plan.
        harness(
            "FuzzGRPCInferRequest",
            ["ONNXRuntimeServingGRPC", "KServeGRPCProtocol", "ONNXRuntimeServing"],
            ["FuzzRequestSupport", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        // The shared memory registration body and the region's range checks, over one real POSIX object.
        harness("FuzzSharedMemoryRegister", ["ONNXRuntimeServing"], ["FuzzRequestSupport"]),
        // The .npy reader `ort run` uses.
        harness("FuzzNumPy", ["ONNXFormats", "ONNXRuntime"]),
        // The ONNX .pb reader `ort run` uses (TensorProto, SequenceProto, MapProto, OptionalProto).
        harness("FuzzTensorProto", ["ONNXFormats", "ONNXRuntime"]),
        // config.pbtxt (the text format of Triton's ModelConfig).
        harness("FuzzModelConfig", ["ONNXRuntimeServing"]),
        // Sessions from arbitrary model bytes (ONNX Runtime's model loader behind our checks).
        harness("FuzzSession", ["ONNXRuntime", "ONNXFormats"]),
    ]
)
