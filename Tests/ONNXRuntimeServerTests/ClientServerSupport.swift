#if Server && Client
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ONNXRuntimeServer
import ONNXRuntimeServing

// This file starts real servers for the client's end-to-end tests. It deliberately does not import
// ONNXRuntimeClient (both modules have a `DataType`, a `ModelConfig`, ...): the tests only get a base URL.

/// Live `InferenceServer`s on 127.0.0.1 for `InferenceClient`'s end-to-end tests.
enum ClientTestServer {
    /// The package root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The source file of a repository model: `Tests/Models/NAME.onnx`, or the MNIST example for `mnist`.
    static func modelFile(_ name: String) -> String {
        if name == "mnist" { return root.appendingPathComponent("Examples/MNIST/mnist-mlp.onnx").path }
        return root.appendingPathComponent("Tests/Models/\(name).onnx").path
    }

    /// The identity models of every KServe datatype.
    static let identityModels = [
        "identity_bool", "identity_uint8", "identity_uint16", "identity_uint32", "identity_uint64", "identity_int8",
        "identity_int16", "identity_int32", "identity_int64", "identity_float16", "identity_float32",
        "identity_float64", "identity_string", "identity_bfloat16",
    ]

    /// The models of the shared server.
    static let sharedModels = identityModels + ["add_f32", "string_ops", "multi_out", "scalar_mul", "mnist"]

    /// How a test server is set up.
    struct Options: Sendable {
        /// Models copied into the repository as `<name>/1/model.onnx`.
        var models: [String]
        /// `nil` loads every model (control mode `none`); otherwise explicit mode, loading these at start.
        var startupModels: [String]? = nil
        /// A repository token (`nil`: open repository API).
        var token: String? = nil
        /// The request body limit.
        var maxRequestBytes: Int = ServingLimits().maxRequestBytes
    }

    static let logger: Logger = {
        var logger = Logger(label: "client-e2e")
        logger.logLevel = .critical
        return logger
    }()

    /// Makes a temporary repository holding `models`.
    static func makeRepository(_ models: [String], prefix: String = "ort-client-") throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)\(UUID().uuidString)").path
        for name in models {
            let directory = "\(path)/\(name)/1"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: modelFile(name), toPath: "\(directory)/model.onnx")
        }
        return path
    }

    static func makeServer(_ options: Options, repository: String) -> InferenceServer {
        let serving = ServingConfiguration(
            repositories: [repository], controlMode: options.startupModels == nil ? .none : .explicit,
            startupModels: options.startupModels ?? [],
            limits: ServingLimits(maxRequestBytes: options.maxRequestBytes))
        let access: RepositoryAccess = options.token.map { .token($0) } ?? .open
        return InferenceServer(
            configuration: ServerConfiguration(host: "127.0.0.1", port: 0, serving: serving, repositoryAccess: access),
            logger: logger)
    }

    /// Waits (up to 60 s) until the engine has loaded its startup models.
    static func waitUntilReady(_ server: InferenceServer) async throws {
        for _ in 0..<1200 {
            if await server.engine.isReady { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClientTestServerError(message: "the test server was not ready within 60 s")
    }

    /// Runs `body` with the base URL (`http://127.0.0.1:<port>`) of a server of its own, stopped afterwards.
    static func withServer<T: Sendable>(
        _ options: Options, _ body: @Sendable (_ baseURL: String) async throws -> T
    ) async throws -> T {
        let repository = try makeRepository(options.models)
        defer { try? FileManager.default.removeItem(atPath: repository) }
        let server = makeServer(options, repository: repository)
        return try await server.makeApplication().test(.live) { client in
            guard let port = client.port else {
                throw ClientTestServerError(message: "the live test server has no port")
            }
            try await waitUntilReady(server)
            return try await body("http://127.0.0.1:\(port)")
        }
    }

    /// The base URL of a server with ``sharedModels``, started once for the whole test run and never stopped (for
    /// tests that only infer and read). Its repository folder outlives the process; folders of earlier runs that
    /// are more than an hour old are removed when the next one starts.
    static func shared() async throws -> String {
        try await SharedClientTestServer.instance.baseURL()
    }

    static let sharedPrefix = "ort-client-shared-"

    static func removeStaleSharedRepositories() {
        let temporary = FileManager.default.temporaryDirectory
        let names = (try? FileManager.default.contentsOfDirectory(atPath: temporary.path)) ?? []
        for name in names where name.hasPrefix(sharedPrefix) {
            let path = temporary.appendingPathComponent(name).path
            let modified = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
            if let modified, modified.timeIntervalSinceNow < -3600 {
                try? FileManager.default.removeItem(atPath: path)
            }
        }
    }
}

/// Why a test server could not be started.
struct ClientTestServerError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Starts the shared server on first use.
actor SharedClientTestServer {
    static let instance = SharedClientTestServer()
    private var start: Task<String, any Error>?

    func baseURL() async throws -> String {
        if let start { return try await start.value }
        let start = Task<String, any Error> {
            ClientTestServer.removeStaleSharedRepositories()
            let repository = try ClientTestServer.makeRepository(
                ClientTestServer.sharedModels, prefix: ClientTestServer.sharedPrefix)
            let server = ClientTestServer.makeServer(ClientTestServer.Options(models: []), repository: repository)
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            let application = server.makeApplication { port in continuation.yield(port) }
            // Runs until the test process exits.
            Task { try await application.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ClientTestServerError(message: "no port") }
            try await ClientTestServer.waitUntilReady(server)
            return "http://127.0.0.1:\(port)"
        }
        self.start = start
        return try await start.value
    }
}
#endif
