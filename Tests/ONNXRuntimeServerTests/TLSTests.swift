#if Server && Client
import Foundation
import Logging
import ONNXRuntimeClient
import ONNXRuntimeServer
import ONNXRuntimeServing
import ServiceLifecycle
import Testing

/// TLS on both transports (`ServerTLS`, `ort serve --tls-certificate/--tls-private-key/--tls-client-ca`), with the
/// test certificates of Tests/TLS (scripts/generate-test-certificates.sh): answers are right over TLS, plaintext and
/// untrusted clients are refused while the server goes on, mutual TLS refuses clients without a certificate from the
/// client authority, and unusable files are refused at start-up.
@Suite("TLS", .serialized)
struct TLSTests {
    static func file(_ name: String) -> String {
        ClientTestServer.root.appendingPathComponent("Tests/TLS/\(name)").path
    }

    static func serverTLS(mutual: Bool) throws -> ServerTLS {
        try ServerTLS(
            certificateChainFile: file("server.pem"), privateKeyFile: file("server-key.pem"),
            clientCertificateAuthorityFile: mutual ? file("client-ca.pem") : nil)
    }

    /// Runs `body` with the REST and gRPC ports of a TLS server serving `add_f32`, stopped afterwards.
    static func withServer(
        mutual: Bool = false, _ body: @Sendable (_ httpPort: Int, _ grpcPort: Int) async throws -> Void
    ) async throws {
        let repository = try ClientTestServer.makeRepository(["add_f32"], prefix: "ort-tls-")
        defer { try? FileManager.default.removeItem(atPath: repository) }
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, grpcPort: 0, serving: ServingConfiguration(repositories: [repository]))
        configuration.tls = try serverTLS(mutual: mutual)
        let server = InferenceServer(configuration: configuration, logger: ClientTestServer.logger)
        let (ports, continuation) = AsyncStream<(String, Int)>.makeStream()
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [
                    server.makeApplication { continuation.yield(("http", $0)) },
                    server.makeGRPCService { continuation.yield(("grpc", $0)) },
                ],
                logger: ClientTestServer.logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var found: [String: Int] = [:]
            for await (name, port) in ports {
                found[name] = port
                if found.count == 2 { break }
            }
            try await ClientTestServer.waitUntilReady(server)
            do {
                try await body(found["http"]!, found["grpc"]!)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    static let failFast = Duration.seconds(2)
    static let a = InferInput(name: "A", shape: [1, 3], data: .fp32([1, 2, 3]))
    static let b = InferInput(name: "B", shape: [1, 3], data: .fp32([10, 20, 30.5]))
    static let trusted = ClientTLS(trustRootsFile: file("ca.pem"))
    static let withCertificate = ClientTLS(
        trustRootsFile: file("ca.pem"), certificateChainFile: file("client.pem"), privateKeyFile: file("client-key.pem")
    )

    /// The sum, over REST. Calls that must fail are given 2 s (``failFast``): a gRPC client keeps trying to connect
    /// until its timeout.
    static func rest(_ port: Int, scheme: String = "https", tls: ClientTLS?, timeout: Duration = .seconds(30))
        async throws
        -> [Float]?
    {
        try await InferenceClient.withClient(baseURL: "\(scheme)://127.0.0.1:\(port)", timeout: timeout, tls: tls) {
            try await $0.infer(model: "add_f32", inputs: [a, b]).outputs["C"]?.floats
        }
    }

    static func grpc(_ port: Int, tls: ClientTLS?, timeout: Duration = .seconds(30)) async throws -> [Float]? {
        try await GRPCInferenceClient.withClient(host: "127.0.0.1", port: port, timeout: timeout, tls: tls) {
            try await $0.infer(model: "add_f32", inputs: [a, b]).outputs["C"]?.floats
        }
    }

    @Test("REST and gRPC over TLS answer right; plaintext and untrusting clients fail, and serving goes on")
    func serverAuthentication() async throws {
        try await Self.withServer { (httpPort, grpcPort) async throws in
            #expect(try await Self.rest(httpPort, tls: Self.trusted) == [11, 22, 33.5])
            #expect(try await Self.grpc(grpcPort, tls: Self.trusted) == [11, 22, 33.5])
            // The name in the certificate is 127.0.0.1 and localhost, and it is checked.
            #expect(
                try await InferenceClient.withClient(baseURL: "https://localhost:\(httpPort)", tls: Self.trusted) {
                    try await $0.isServerReady()
                })

            await #expect(throws: (any Error).self) {
                try await Self.rest(httpPort, scheme: "http", tls: nil, timeout: Self.failFast)
            }
            await #expect(throws: (any Error).self) { try await Self.grpc(grpcPort, tls: nil, timeout: Self.failFast) }
            // The system's trust store does not know the test authority.
            await #expect(throws: (any Error).self) {
                try await Self.rest(httpPort, tls: ClientTLS(), timeout: Self.failFast)
            }
            await #expect(throws: (any Error).self) {
                try await Self.grpc(grpcPort, tls: ClientTLS(), timeout: Self.failFast)
            }
            // An authority that did not sign the server's certificate.
            let wrongRoots = ClientTLS(trustRootsFile: Self.file("client-ca.pem"))
            await #expect(throws: (any Error).self) {
                try await Self.rest(httpPort, tls: wrongRoots, timeout: Self.failFast)
            }

            #expect(try await Self.rest(httpPort, tls: Self.trusted) == [11, 22, 33.5])
            #expect(try await Self.grpc(grpcPort, tls: Self.trusted) == [11, 22, 33.5])
        }
    }

    @Test("mutual TLS: clients need a certificate from the client authority, on both transports")
    func mutual() async throws {
        try await Self.withServer(mutual: true) { (httpPort, grpcPort) async throws in
            #expect(try await Self.rest(httpPort, tls: Self.withCertificate) == [11, 22, 33.5])
            #expect(try await Self.grpc(grpcPort, tls: Self.withCertificate) == [11, 22, 33.5])
            await #expect(throws: (any Error).self) {
                try await Self.rest(httpPort, tls: Self.trusted, timeout: Self.failFast)
            }
            await #expect(throws: (any Error).self) {
                try await Self.grpc(grpcPort, tls: Self.trusted, timeout: Self.failFast)
            }
            // The server's own certificate is signed by another authority than the client one.
            let serverAsClient = ClientTLS(
                trustRootsFile: Self.file("ca.pem"), certificateChainFile: Self.file("server.pem"),
                privateKeyFile: Self.file("server-key.pem"))
            await #expect(throws: (any Error).self) {
                try await Self.rest(httpPort, tls: serverAsClient, timeout: Self.failFast)
            }
            #expect(try await Self.rest(httpPort, tls: Self.withCertificate) == [11, 22, 33.5])
        }
    }

    @Test(
        "unusable files are refused when the configuration is made, naming the file",
        arguments: [
            ("missing.pem", "server-key.pem", nil, "missing.pem"),
            ("server.pem", "missing-key.pem", nil, "missing-key.pem"),
            ("server.pem", "other-key.pem", nil, "does the key belong"),
            ("server-key.pem", "server-key.pem", nil, "server-key.pem"),
            ("server.pem", "server.pem", nil, "server.pem"),
            ("server.pem", "server-key.pem", "missing-ca.pem", "missing-ca.pem"),
            ("server.pem", "server-key.pem", "server-key.pem", "server-key.pem"),
        ] as [(String, String, String?, String)])
    func badFiles(certificate: String, key: String, clientCA: String?, words: String) {
        let error = #expect(throws: ServerTLS.SetupError.self) {
            try ServerTLS(
                certificateChainFile: Self.file(certificate), privateKeyFile: Self.file(key),
                clientCertificateAuthorityFile: clientCA.map(Self.file))
        }
        #expect(error?.description.contains(words) == true, "\(error?.description ?? "")")
    }

    @Test(
        "the REST client refuses unusable TLS files on its first request, naming the file",
        arguments: [
            ("missing-ca.pem", nil, nil, "cannot read the TLS trust roots file", "missing-ca.pem"),
            ("server-key.pem", nil, nil, "cannot read the TLS trust roots file", "server-key.pem"),
            ("ca.pem", "missing.pem", "client-key.pem", "cannot read the TLS certificate chain file", "missing.pem"),
            ("ca.pem", "client.pem", "client.pem", "cannot read the TLS private key file", "client.pem"),
        ] as [(String, String?, String?, String, String)])
    func clientBadFiles(roots: String, chain: String?, key: String?, words: String, file: String) async {
        let tls = ClientTLS(
            trustRootsFile: Self.file(roots), certificateChainFile: chain.map(Self.file),
            privateKeyFile: key.map(Self.file))
        // Port 1: nothing listens there, and the request must fail before connecting anyway.
        let error = await ClientChecks.clientError {
            try await InferenceClient.withClient(baseURL: "https://127.0.0.1:1", timeout: Self.failFast, tls: tls) {
                try await $0.isServerLive()
            }
        }
        #expect(error?.code == .transport)
        #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
        #expect(error?.message.contains(Self.file(file)) == true, "\(error?.message ?? "")")
    }
}
#endif
