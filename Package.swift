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
        .executable(name: "Basic", targets: ["Basic"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2")
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
        .executableTarget(
            name: "Basic",
            dependencies: ["ONNXRuntime"],
            path: "Examples/Basic",
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
    ]
)
