import GRPCCore
import GRPCNIOTransportHTTP2
import Logging
import ServiceLifecycle

/// Runs the gRPC server (HTTP/2, plaintext) as a swift-service-lifecycle service: on graceful shutdown it stops
/// accepting RPCs, lets those in progress finish, and returns.
///
/// Make one with ``InferenceServer/makeGRPCService(onListening:)``.
public struct GRPCServerService: Service, CustomStringConvertible {
    let server: GRPCServer<HTTP2ServerTransport.Posix>
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    /// The service's name in logs.
    public var description: String { "GRPCServerService" }

    /// Serves until graceful shutdown (or cancellation), then drains RPCs in progress.
    /// - Throws: When the port cannot be bound.
    public func run() async throws {
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                group.addTask { try await server.serve() }
                if let address = try await server.listeningAddress {
                    logger.info("gRPC listening", metadata: ["address": "\(address)"])
                    await onListening(address.ipv4?.port ?? address.ipv6?.port ?? 0)
                }
            }
        } onGracefulShutdown: {
            server.beginGracefulShutdown()
        }
    }
}
