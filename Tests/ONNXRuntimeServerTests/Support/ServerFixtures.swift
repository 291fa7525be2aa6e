#if Server && Client
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ONNXRuntimeServer
import ONNXRuntimeServing
import ServiceLifecycle
import Testing

/// Paths, temporary repositories and servers shared by the server tests.
enum ServerFixtures {
    /// The package root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Models/NAME.onnx`.
    static func model(_ name: String) -> String {
        root.appendingPathComponent("Tests/Models/\(name).onnx").path
    }

    /// The MNIST example model.
    static let mnist = root.appendingPathComponent("Examples/MNIST/mnist-mlp.onnx").path

    /// A logger that prints warnings and worse (set `SERVER_TEST_LOG=debug` to see more).
    static let logger: Logger = {
        let level =
            ProcessInfo.processInfo.environment["SERVER_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        var logger = Logger(label: "server-tests") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        return logger
    }()

    /// The identity models, one per datatype, by datatype.
    static let identityModels: [DataType: String] = [
        .bool: "identity_bool", .uint8: "identity_uint8", .uint16: "identity_uint16", .uint32: "identity_uint32",
        .uint64: "identity_uint64", .int8: "identity_int8", .int16: "identity_int16", .int32: "identity_int32",
        .int64: "identity_int64", .fp16: "identity_float16", .fp32: "identity_float32", .fp64: "identity_float64",
        .bytes: "identity_string", .bf16: "identity_bfloat16",
    ]

    /// A server over a temporary repository, started (models loaded), with its repository directory.
    static func server(
        _ repository: TemporaryRepository, controlMode: ModelControlMode = .none, startupModels: [String] = [],
        limits: ServingLimits = ServingLimits(), access: RepositoryAccess = .open, models: [String: String] = [:],
        metricsPort: Int? = nil, start: Bool = true, readTimeout: Duration? = ServerConfiguration.defaultReadTimeout,
        busyPoll: Duration? = nil
    ) async -> InferenceServer {
        let serving = ServingConfiguration(
            repositories: [repository.path], models: models, controlMode: controlMode, startupModels: startupModels,
            pollInterval: .milliseconds(200), limits: limits)
        var configuration = ServerConfiguration(
            port: 0, serving: serving, repositoryAccess: access, metricsPort: metricsPort, readTimeout: readTimeout)
        configuration.busyPoll = busyPoll
        let server = InferenceServer(configuration: configuration, logger: logger)
        if start { await server.engine.start() }
        return server
    }

    /// Runs `body` with a router-level test client for `server`.
    static func withClient<T: Sendable>(
        _ server: InferenceServer, _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let app = Application(router: server.makeRouter(), logger: logger)
        return try await app.test(.router, body)
    }

    /// Runs `server`'s application on a free port for the duration of `body`, then shuts it down gracefully.
    static func withLiveServer<T: Sendable>(
        _ server: InferenceServer, _ body: @Sendable (_ port: Int) async throws -> T
    ) async throws -> T {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let application = server.makeApplication { port in continuation.yield(port) }
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [application], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            do {
                let result = try await body(port)
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
                return result
            } catch {
                await group.triggerGracefulShutdown()
                try? await tasks.waitForAll()
                throw error
            }
        }
    }

    /// The shared server with every identity model, MNIST, and a few others, loaded once for all tests that only
    /// read.
    static func shared() async throws -> InferenceServer {
        try await SharedServer.instance.server()
    }
}

/// Loads the shared server once.
actor SharedServer {
    static let instance = SharedServer()
    private var task: Task<InferenceServer, any Error>?
    /// Kept so the repository directory outlives the server.
    private var repository: TemporaryRepository?

    func server() async throws -> InferenceServer {
        if let task { return try await task.value }
        let repository = try TemporaryRepository()
        self.repository = repository
        let task = Task {
            for name in ServerFixtures.identityModels.values.sorted() {
                try repository.add(name, file: ServerFixtures.model(name))
            }
            for name in ["add_f32", "multi_out", "string_ops", "scalar_mul", "bad_shape", "empty"] {
                try repository.add(name, file: ServerFixtures.model(name))
            }
            try repository.add("mnist", file: ServerFixtures.mnist)
            return await ServerFixtures.server(repository)
        }
        self.task = task
        return try await task.value
    }
}
#endif
