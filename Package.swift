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
        .library(name: "ONNXRuntimeServing", targets: ["ONNXRuntimeServing"]),
        .library(name: "ONNXRuntimeServer", targets: ["ONNXRuntimeServer"]),
        // The gRPC messages and their conversion to the serving core's requests, without any networking: what the
        // fuzz harness for gRPC requests (Fuzz/) builds against.
        .library(name: "KServeGRPCProtocol", targets: ["KServeGRPCProtocol"]),
        .library(name: "ONNXRuntimeServingGRPC", targets: ["ONNXRuntimeServingGRPC"]),
        .library(name: "ONNXRuntimeClient", targets: ["ONNXRuntimeClient"]),
        .executable(name: "ort", targets: ["ort"]),
        .executable(name: "Basic", targets: ["Basic"]),
        .executable(name: "MNIST", targets: ["MNIST"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
    ],
    targets: [
        // Our own declarations of the ONNX Runtime C ABI. Nothing is linked: the runtime is dlopen()ed at first use.
        .target(name: "CONNXRuntime"),
        // The system zlib (linked; its header comes with zlib1g-dev, which the Swift toolchain needs as well), and
        // the gzip and deflate content codings of HTTP and gRPC over it, for the server and the client.
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        .target(
            name: "ContentCoding",
            dependencies: ["CZlib", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSwift
        ),
        // ThreadSanitizer's happens-before annotations, for the hand-offs inside ONNX Runtime (no-ops without TSan).
        .target(name: "CThreadSanitizer"),
        .target(
            name: "ONNXRuntime",
            dependencies: [
                "CONNXRuntime",
                "CThreadSanitizer",
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
        // The KServe V2 protocol model, written once for the serving core and the client: datatypes, the JSON reader
        // and writer, metadata, statistics, the binary tensor data layout and the typed gRPC contents. No runtime,
        // no networking.
        .target(
            name: "KServeProtocol",
            dependencies: ["KServeGRPCProtocol"],
            swiftSettings: strictSwift
        ),
        // Serving core, transport-independent: requests over the KServe V2 protocol model, Triton-style model
        // repository and config, request validation, scheduling, limits and statistics.
        .target(
            name: "ONNXRuntimeServing",
            dependencies: [
                "ONNXRuntime",
                "KServeProtocol",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSwift
        ),
        // The KServe V2 / Triton gRPC protocol: Swift code generated from Protos/ by scripts/generate-grpc.sh and
        // committed (CI does not run the generator). Shared by the server and the client.
        .target(
            name: "KServeGRPCProtocol",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // A gRPC ModelInferRequest turned into the serving core's InferenceRequest (raw and typed contents, checked
        // against the element limit before anything is allocated). Pure conversion, no transport, so that the fuzz
        // harness can reach it without building SwiftNIO, HTTP/2 and TLS.
        .target(
            name: "ONNXRuntimeServingGRPC",
            dependencies: [
                "ONNXRuntimeServing",
                "KServeGRPCProtocol",
            ],
            swiftSettings: strictSwift
        ),
        // The KServe V2 servers over the serving core: REST (Hummingbird) and gRPC (our own, on SwiftNIO HTTP/2).
        .target(
            name: "ONNXRuntimeServer",
            dependencies: [
                "ONNXRuntimeServing",
                "ONNXRuntimeServingGRPC",
                "ONNXRuntime",
                "KServeGRPCProtocol",
                "ContentCoding",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "NIOExtras", package: "swift-nio-extras"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // An async Swift client for KServe V2 servers: REST (AsyncHTTPClient) and gRPC (grpc-swift-2).
        .target(
            name: "ONNXRuntimeClient",
            dependencies: [
                "KServeProtocol",
                "KServeGRPCProtocol",
                "ContentCoding",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        // The `ort` command line: every subcommand's logic lives here so it can be tested; the executable is thin.
        .target(
            name: "ORTCommands",
            dependencies: [
                "ONNXRuntime",
                "ONNXFormats",
                "ONNXRuntimeServer",
                "ONNXRuntimeServing",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
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
                "KServeProtocol",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ORTCommandsTests",
            dependencies: [
                "ORTCommands", "ONNXRuntime", "ONNXFormats", "ONNXRuntimeServer", "ONNXRuntimeServing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ONNXRuntimeServerTests",
            dependencies: [
                "ONNXRuntimeServer",
                "ONNXRuntimeServing",
                "ONNXRuntimeServingGRPC",
                "ONNXRuntimeClient",
                "ONNXRuntime",
                "KServeGRPCProtocol",
                "ContentCoding",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "KServeProtocolTests",
            dependencies: ["KServeProtocol"],
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

// `ORT_CORE_ONLY=1` narrows the package to the library, its file formats and their examples and tests, without the
// server, the client, the command line and their network dependencies (the protocol model stays: the runtime's tests
// read their case files with its JSON reader; it needs SwiftProtobuf and GRPCCore, but no SwiftNIO). scripts/leak-check.sh uses it so that the
// AddressSanitizer build does not have to compile SwiftNIO, Hummingbird and BoringSSL a second time.
if Context.environment["ORT_CORE_ONLY"] == "1" {
    let core: Set<String> = [
        "CONNXRuntime", "CThreadSanitizer", "ONNXRuntime", "ONNXFormats", "Basic", "MNIST", "ONNXRuntimeTests",
        "ONNXFormatsTests", "KServeProtocol", "KServeGRPCProtocol",
    ]
    package.targets.removeAll { !core.contains($0.name) }
    package.products.removeAll { !["ONNXRuntime", "ONNXFormats", "Basic", "MNIST"].contains($0.name) }
    package.dependencies.removeAll { dependency in
        if case .sourceControl(_, let location, _) = dependency.kind {
            return !["/swift-log", "/swift-protobuf", "/grpc-swift-2", "/grpc-swift-protobuf"].contains {
                location.hasSuffix($0)
            }
        }
        return false
    }
}
