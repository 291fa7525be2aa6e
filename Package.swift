// swift-tools-version: 6.1
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "swift-onnxruntime",
    products: [
        .library(name: "ONNXRuntime", targets: ["ONNXRuntime"]),
        .library(name: "ONNXFormats", targets: ["ONNXFormats"]),
        .executable(name: "ort", targets: ["ort"]),
        .executable(name: "Basic", targets: ["Basic"]),
        .executable(name: "MNIST", targets: ["MNIST"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        // Our own declarations of the ONNX Runtime C ABI. Nothing is linked: the runtime is dlopen()ed at first use.
        .target(name: "CONNXRuntime"),
        .target(
            name: "ONNXRuntime",
            dependencies: [
                "CONNXRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // File formats around the runtime: ONNX TensorProto/SequenceProto/OptionalProto (.pb), NumPy .npy, and the
        // parts of ModelProto that tools report. Pure Swift, no generated protobuf code.
        .target(
            name: "ONNXFormats",
            dependencies: ["ONNXRuntime"],
            swiftSettings: strictSwift
        ),
        // The `ort` command line: every subcommand's logic lives here so it can be tested; the executable is thin.
        .target(
            name: "ORTCommands",
            dependencies: [
                "ONNXRuntime",
                "ONNXFormats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "ort",
            dependencies: [
                "ORTCommands",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "Basic",
            dependencies: ["ONNXRuntime"],
            path: "Examples/Basic",
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "MNIST",
            dependencies: ["ONNXRuntime"],
            path: "Examples/MNIST",
            exclude: ["train.py", "README.md", "mnist-mlp.onnx", "sample"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ONNXRuntimeTests",
            dependencies: [
                "ONNXRuntime",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ORTCommandsTests",
            dependencies: ["ORTCommands", "ONNXRuntime", "ONNXFormats"],
            exclude: ["Fixtures"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ONNXFormatsTests",
            dependencies: ["ONNXFormats", "ONNXRuntime"],
            exclude: ["Fixtures"],
            swiftSettings: strictSwift
        ),
    ]
)
