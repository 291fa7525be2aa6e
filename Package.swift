// swift-tools-version: 6.1
import PackageDescription

let strictSwift: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// Package traits (SE-0450) keep each face adoptable on its own. With the default traits (none), a package that depends
// on this one resolves swift-log and nothing else: the library (`ONNXRuntime`, `ONNXFormats`) and the examples need
// nothing more. `Client` adds the Swift client and its networking packages; `Server` adds the serving core, the
// servers and the `ort` command line. Every reference to a networking package below is trait-guarded, so SwiftPM
// does not even resolve those packages unless a trait asks for them; the guarded modules' sources are wrapped in
// `#if Client` / `#if Server` and compile to nothing without their trait. `OpenTelemetry` (which enables `Server`)
// adds the trace extension's OTLP export through swift-otel. This repository's own scripts build with
// `--enable-all-traits`, except the ThreadSanitizer build (scripts/sanitizers.sh says why).
let clientTrait: TargetDependencyCondition? = .when(traits: ["Client"])
let serverTrait: TargetDependencyCondition? = .when(traits: ["Server"])
let networkTraits: TargetDependencyCondition? = .when(traits: ["Client", "Server"])
let openTelemetryTrait: TargetDependencyCondition? = .when(traits: ["OpenTelemetry"])

/// A package product that only the given traits need.
func guarded(_ name: String, _ package: String, _ condition: TargetDependencyCondition?) -> Target.Dependency {
    .product(name: name, package: package, condition: condition)
}

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
        // `swift package install-onnxruntime`: the pinned runtime into .ort/lib/ of the package it runs in.
        .plugin(name: "install-onnxruntime", targets: ["InstallRuntime"]),
    ],
    traits: [
        .trait(
            name: "Client", description: "The ONNXRuntimeClient library: REST and gRPC clients for KServe V2 servers."),
        .trait(
            name: "Server",
            description:
                "The KServe V2 / Triton server (ONNXRuntimeServing, ONNXRuntimeServer) and the ort command line."
        ),
        .trait(
            name: "OpenTelemetry",
            description:
                "The server with OpenTelemetry export of its traces (OTLP/HTTP through swift-otel); enables Server.",
            enabledTraits: ["Server"]
        ),
        .default(enabledTraits: []),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-nio-http2", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        // OpenTelemetry export of request traces (`--trace-config mode=opentelemetry`), over OTLP/HTTP only: the
        // OTLP/gRPC trait would pull in a second gRPC transport for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-w3c-trace-context", from: "1.0.0"),
    ],
    targets: [
        // Our own declarations of the ONNX Runtime C ABI. Nothing is linked: the runtime is dlopen()ed at first use.
        .target(name: "CONNXRuntime"),
        // The system zlib (linked; its header comes with zlib1g-dev, which the Swift toolchain needs as well): the
        // MNIST example reads gzip with it, and ContentCoding builds HTTP's and gRPC's content codings over it.
        .target(name: "CZlib", linkerSettings: [.linkedLibrary("z")]),
        // The gzip and deflate content codings of HTTP and gRPC, for the server and the client.
        .target(
            name: "ContentCoding",
            dependencies: ["CZlib", guarded("NIOCore", "swift-nio", networkTraits)],
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
        // and writer, metadata, statistics, the binary tensor data layout and the typed gRPC contents. No runtime, no
        // networking; its gRPC conversions compile only with the Client or Server trait (KServeGRPCProtocol), the rest
        // always (the runtime's tests read their case files with its JSON reader).
        .target(
            name: "KServeProtocol",
            dependencies: ["KServeGRPCProtocol"],
            swiftSettings: strictSwift
        ),
        // Serving core, transport-independent: requests over the KServe V2 protocol model, Triton-style model
        // repository and config, request validation, scheduling, limits and statistics. It records metrics through
        // swift-metrics; the server picks Prometheus.
        .target(
            name: "ONNXRuntimeServing",
            dependencies: [
                "ONNXRuntime",
                "KServeProtocol",
                .product(name: "Logging", package: "swift-log"),
                guarded("CoreMetrics", "swift-metrics", serverTrait),
            ],
            swiftSettings: strictSwift
        ),
        // The KServe V2 / Triton gRPC protocol: Swift code generated from Protos/ by scripts/generate-grpc.sh and
        // committed (CI does not run the generator). Shared by the server and the client.
        .target(
            name: "KServeGRPCProtocol",
            dependencies: [
                guarded("SwiftProtobuf", "swift-protobuf", networkTraits),
                guarded("GRPCCore", "grpc-swift-2", networkTraits),
                guarded("GRPCProtobuf", "grpc-swift-protobuf", networkTraits),
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
                guarded("SwiftProtobuf", "swift-protobuf", serverTrait),
            ],
            swiftSettings: strictSwift
        ),
        // The KServe V2 servers over the serving core: REST (Hummingbird) and gRPC (our own, on SwiftNIO HTTP/2),
        // and the Prometheus endpoint.
        .target(
            name: "ONNXRuntimeServer",
            dependencies: [
                "ONNXRuntimeServing",
                "ONNXRuntimeServingGRPC",
                "ONNXRuntime",
                "KServeGRPCProtocol",
                "ContentCoding",
                .product(name: "Logging", package: "swift-log"),
                guarded("GRPCCore", "grpc-swift-2", serverTrait),
                guarded("NIOHTTP2", "swift-nio-http2", serverTrait),
                guarded("NIOHPACK", "swift-nio-http2", serverTrait),
                guarded("NIOExtras", "swift-nio-extras", serverTrait),
                guarded("NIOHTTPTypes", "swift-nio-extras", serverTrait),
                guarded("NIOHTTPTypesHTTP1", "swift-nio-extras", serverTrait),
                guarded("SwiftProtobuf", "swift-protobuf", serverTrait),
                guarded("Hummingbird", "hummingbird", serverTrait),
                guarded("HummingbirdCore", "hummingbird", serverTrait),
                guarded("HummingbirdTLS", "hummingbird", serverTrait),
                guarded("HTTPTypes", "swift-http-types", serverTrait),
                guarded("NIOSSL", "swift-nio-ssl", serverTrait),
                guarded("NIOCore", "swift-nio", serverTrait),
                guarded("NIOHTTP1", "swift-nio", serverTrait),
                guarded("NIOPosix", "swift-nio", serverTrait),
                guarded("NIOConcurrencyHelpers", "swift-nio", serverTrait),
                guarded("ServiceLifecycle", "swift-service-lifecycle", serverTrait),
                guarded("UnixSignals", "swift-service-lifecycle", serverTrait),
                guarded("CoreMetrics", "swift-metrics", serverTrait),
                guarded("Prometheus", "swift-prometheus", serverTrait),
                guarded("OTel", "swift-otel", openTelemetryTrait),
                guarded("Tracing", "swift-distributed-tracing", openTelemetryTrait),
                guarded("W3CTraceContext", "swift-w3c-trace-context", serverTrait),
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
                .product(name: "Logging", package: "swift-log"),
                guarded("GRPCCore", "grpc-swift-2", clientTrait),
                guarded("GRPCNIOTransportHTTP2", "grpc-swift-nio-transport", clientTrait),
                guarded("SwiftProtobuf", "swift-protobuf", clientTrait),
                guarded("AsyncHTTPClient", "async-http-client", clientTrait),
                guarded("NIOSSL", "swift-nio-ssl", clientTrait),
                guarded("NIOCore", "swift-nio", clientTrait),
                guarded("NIOHTTP1", "swift-nio", clientTrait),
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
                .product(name: "Logging", package: "swift-log"),
                guarded("ServiceLifecycle", "swift-service-lifecycle", serverTrait),
                guarded("ArgumentParser", "swift-argument-parser", serverTrait),
            ],
            swiftSettings: strictSwift
        ),
        .executableTarget(
            name: "ort",
            dependencies: ["ORTCommands"],
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
            dependencies: ["ONNXRuntime", "CZlib"],
            path: "Examples/MNIST",
            exclude: ["train.py", "README.md", "mnist-mlp.onnx", "sample"],
            swiftSettings: strictSwift
        ),
        // Runs scripts/install-runtime.sh with the consuming package's .ort/ as the destination, so that a
        // package depending on this one installs the runtime with one command.
        .plugin(
            name: "InstallRuntime",
            capability: .command(
                intent: .custom(
                    verb: "install-onnxruntime",
                    description: "Install the ONNX Runtime library swift-onnxruntime pins into .ort/lib/"),
                permissions: [
                    .allowNetworkConnections(
                        scope: .all(), reason: "Downloads the onnxruntime wheel from PyPI with pip"),
                    .writeToPackageDirectory(reason: "Puts the ONNX Runtime library into .ort/lib/ of this package"),
                ]),
            path: "Plugins/InstallRuntime"
        ),
        // ORT creates its environment once per process: ThreadPoolTests run the checks that need an environment with
        // global thread pools in this helper, a process of their own.
        .executableTarget(
            name: "ThreadPoolProbe",
            dependencies: ["ONNXRuntime"],
            path: "Tests/ThreadPoolProbe",
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ONNXRuntimeTests",
            dependencies: [
                "ONNXRuntime",
                "CONNXRuntime",
                "KServeProtocol",
                "ONNXFormats",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ONNXFormatsTests",
            dependencies: ["ONNXFormats", "ONNXRuntime"],
            exclude: ["Fixtures"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ContentCodingTests",
            dependencies: ["ContentCoding", guarded("NIOCore", "swift-nio", networkTraits)],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ONNXRuntimeServingTests",
            dependencies: ["ONNXRuntimeServing", "ONNXRuntime"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ONNXRuntimeServingGRPCTests",
            dependencies: [
                "ONNXRuntimeServingGRPC", "ONNXRuntimeServing", "KServeGRPCProtocol",
                guarded("SwiftProtobuf", "swift-protobuf", serverTrait),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ONNXRuntimeClientTests",
            dependencies: ["ONNXRuntimeClient"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ORTCommandsTests",
            dependencies: [
                "ORTCommands", "ONNXRuntime", "ONNXFormats", "ONNXRuntimeServer", "ONNXRuntimeServing",
                .product(name: "Logging", package: "swift-log"),
                guarded("ArgumentParser", "swift-argument-parser", serverTrait),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "ONNXRuntimeServerTests",
            dependencies: [
                "ONNXRuntimeServer",
                "ORTCommands",
                "ONNXRuntimeServing",
                "ONNXRuntimeServingGRPC",
                "ONNXRuntimeClient",
                "ONNXRuntime",
                "KServeGRPCProtocol",
                "ContentCoding",
                .product(name: "Logging", package: "swift-log"),
                guarded("GRPCCore", "grpc-swift-2", serverTrait),
                guarded("GRPCNIOTransportHTTP2", "grpc-swift-nio-transport", serverTrait),
                guarded("SwiftProtobuf", "swift-protobuf", serverTrait),
                guarded("NIOCore", "swift-nio", serverTrait),
                guarded("NIOPosix", "swift-nio", serverTrait),
                guarded("NIOEmbedded", "swift-nio", serverTrait),
                guarded("NIOConcurrencyHelpers", "swift-nio", serverTrait),
                guarded("NIOHTTP2", "swift-nio-http2", serverTrait),
                guarded("NIOHPACK", "swift-nio-http2", serverTrait),
                guarded("HTTPTypes", "swift-http-types", serverTrait),
                guarded("Hummingbird", "hummingbird", serverTrait),
                guarded("HummingbirdTesting", "hummingbird", serverTrait),
                guarded("ServiceLifecycle", "swift-service-lifecycle", serverTrait),
            ],
            swiftSettings: strictSwift
        ),
        .testTarget(
            name: "KServeProtocolTests",
            dependencies: [
                "KServeProtocol", "KServeGRPCProtocol",
                guarded("SwiftProtobuf", "swift-protobuf", networkTraits),
            ],
            swiftSettings: strictSwift
        ),
    ]
)
