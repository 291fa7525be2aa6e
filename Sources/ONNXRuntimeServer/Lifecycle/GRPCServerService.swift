#if Server
import Logging
import NIOCore
import NIOExtras
import NIOHTTP2
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// Runs the gRPC server (HTTP/2 with prior knowledge, plaintext or TLS with ALPN `h2`) as a swift-service-lifecycle
/// service: on graceful shutdown it stops accepting connections, sends GOAWAY on each, lets the calls in progress
/// finish, and returns.
///
/// Make one with ``InferenceServer/makeGRPCService(onListening:)``.
public struct GRPCServerService: Service, CustomStringConvertible {
    let host: String
    let port: Int
    let routes: GRPCRoutes
    let limits: GRPCConnectionHandler.Limits
    let tls: ServerTLS?
    let busyPolling: BusyPolling?
    let logger: Logger
    let onListening: @Sendable (Int) async -> Void

    /// The service's name in logs.
    public var description: String { "GRPCServerService" }

    /// Serves until graceful shutdown (or cancellation), then drains the calls in progress.
    /// - Throws: When the port cannot be bound, or TLS cannot be set up.
    public func run() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let tlsContext = try tls.map { try NIOSSLContext(configuration: $0.configuration(alpn: ["h2"])) }
        let quiesce = ServerQuiescingHelper(group: group)
        let (routes, limits, logger, busyPolling) = (routes, limits, logger, busyPolling)
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(quiesce.makeServerChannelHandler(channel: channel))
                    // A new connection ends its loop's poll too.
                    if let busyPolling { try sync.addHandler(busyPolling.makeHandler()) }
                }
            }
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    if let busyPolling { try sync.addHandler(busyPolling.makeHandler()) }
                    if let tlsContext { try sync.addHandler(NIOSSLServerHandler(context: tlsContext)) }
                    try sync.addHandler(
                        NIOHTTP2Handler(mode: .server, initialSettings: GRPCConnectionHandler.settings(limits)))
                    try sync.addHandler(
                        GRPCConnectionHandler(
                            routes: routes, limits: limits, logger: logger, reportsActivity: busyPolling != nil))
                }
            }
            .bind(host: host, port: port).get()
        let address = channel.localAddress
        logger.info("gRPC listening", metadata: ["address": "\(address.map { "\($0)" } ?? "?")"])
        await onListening(address?.port ?? 0)

        let drained = channel.eventLoop.makePromise(of: Void.self)
        let started = Atomic(false)
        let shutDown: @Sendable () -> Void = {
            if !started.exchange(true, ordering: .relaxed) { quiesce.initiateShutdown(promise: drained) }
        }
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await drained.futureResult.get()
            } onCancel: {
                shutDown()
            }
        } onGracefulShutdown: {
            shutDown()
        }
    }
}
#endif
