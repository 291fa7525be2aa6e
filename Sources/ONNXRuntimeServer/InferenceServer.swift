#if Server
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import ONNXRuntimeServing
import ServiceLifecycle
import UnixSignals

/// A KServe V2 / Triton-compatible inference server for ONNX models: REST on Hummingbird, and gRPC
/// (`inference.GRPCInferenceService` and `grpc.health.v1.Health`) on SwiftNIO's HTTP/2.
///
/// ```swift
/// let server = InferenceServer(
///     configuration: ServerConfiguration(serving: ServingConfiguration(repositories: ["/models"])),
///     logger: Logger(label: "ort.serve"))
/// try await server.run()  // until SIGTERM or SIGINT; then drains requests in progress and returns
/// ```
///
/// Endpoints: `GET /v2/health/live`, `/v2/health/ready`, `/v2`, `/v2/models/{m}[/versions/{v}]` (metadata),
/// `.../ready`, `.../config`, `.../stats`, `/v2/models/stats`; `POST .../infer`, `/v2/repository/index`,
/// `/v2/repository/models/{m}/load` and `/unload`. Errors are `{"error": "..."}` with 400, 401, 403, 404, 413, 500
/// or 503. gRPC errors carry the status Triton sends for the same failure. Prometheus metrics (Triton's names) are
/// served at `GET /metrics` on ``ServerConfiguration/metricsPort``.
public struct InferenceServer: Sendable {
    /// How the server listens and what it serves.
    public let configuration: ServerConfiguration
    /// The serving core the endpoints call.
    public let engine: InferenceEngine
    /// The Prometheus metrics the engine records into, served on the metrics port.
    public let metrics: PrometheusMetrics
    /// The server's logger.
    public let logger: Logger
    /// The log settings the logging extension reads and changes, if the logger follows them (its handler is a
    /// ``LiveLogHandler`` over them); without them the server has no logging extension.
    public let logSettings: LogSettings?
    /// The event loops' polling after answers (``ServerConfiguration/busyPoll``), shared by REST and gRPC.
    let busyPolling: BusyPolling?
    /// The trace extension's settings and exporter, with ``ServerConfiguration/trace``.
    let tracing: RequestTracing?

    /// Where the traces of sampled requests go, with ``ServerConfiguration/trace``; it runs among the services of
    /// ``makeApplication(onServerRunning:onMetricsServerRunning:)``.
    public var traceExporter: TraceExporter? { tracing?.exporter }

    /// Creates a server; nothing is loaded or bound until it runs.
    /// - Parameters:
    ///   - configuration: How the server listens and what it serves.
    ///   - logger: The server's logger.
    ///   - logSettings: The settings `logger`'s ``LiveLogHandler`` follows, for Triton's logging extension
    ///     (`/v2/logging`); `nil` leaves the extension out.
    public init(configuration: ServerConfiguration, logger: Logger, logSettings: LogSettings? = nil) {
        self.configuration = configuration
        self.logger = logger
        self.logSettings = logSettings
        let summaries = configuration.metrics.summaryLatencies
        let metrics = PrometheusMetrics(summaryQuantiles: summaries ? configuration.metrics.summaryQuantiles : nil)
        self.metrics = metrics
        self.engine = InferenceEngine(
            configuration: configuration.serving, logger: logger,
            metrics: ServingMetrics(factory: metrics.factory, latencySummaries: summaries))
        self.busyPolling = configuration.busyPoll.flatMap { $0 > .zero ? BusyPolling(budget: $0) : nil }
        self.tracing = configuration.trace.map { trace in
            let exporter: TraceExporter?
            do {
                exporter = try TraceExporter(configuration: trace, logger: logger)
            } catch {
                logger.error("traces will not be exported", metadata: ["error": "\(error)"])
                exporter = nil
            }
            return RequestTracing(settings: TraceSettings(trace), exporter: exporter)
        }
    }

    /// The router with every endpoint, for embedding in another Hummingbird application or for tests.
    ///
    /// The router alone does not load models: call `start()` on ``engine`` first, or run the
    /// application from ``makeApplication(onServerRunning:onMetricsServerRunning:)``, whose services do.
    public func makeRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        router.add(middleware: ErrorMiddleware())
        KServeRoutes(
            engine: engine, access: configuration.repositoryAccess, logSettings: logSettings, tracing: tracing
        ).register(on: router)
        SharedMemoryRoutes(engine: engine).register(on: router)
        return router
    }

    /// The router of the metrics port: `GET /metrics` with ``metrics``.
    public func makeMetricsRouter() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        MetricsRoutes(metrics: metrics).register(on: router)
        return router
    }

    /// The application: the HTTP server plus a service that loads the models (and polls the repositories in poll
    /// mode), and the metrics server on its own port unless ``ServerConfiguration/metricsPort`` is `nil`. Run it in
    /// a `ServiceGroup`; graceful shutdown stops accepting connections, lets requests in progress finish, then
    /// returns.
    /// - Parameters:
    ///   - onServerRunning: Called with the bound port once the server listens (useful with port 0).
    ///   - onMetricsServerRunning: Called with the metrics server's bound port once it listens.
    public func makeApplication(
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in },
        onMetricsServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> Application<RouterResponder<BasicRequestContext>> {
        let logger = self.logger
        let readTimeout = configuration.readTimeout.map { TimeAmount($0) }
        let busyPolling = self.busyPolling
        // Inference requests are answered in the pipeline (RESTInferenceHandler), everything else by the router.
        let engine = self.engine
        let tracing = self.tracing
        let serverName = configuration.serving.serverName
        let http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [
                HTTP1PipelineFront(
                    (busyPolling.map { $0.makeHTTPHandlers() } ?? [])
                        + (readTimeout.map { [ReadTimeoutHandler(timeout: $0)] } ?? [])
                        + [
                            RESTInferenceHandler(
                                engine: engine, tracing: tracing, serverName: serverName, logger: logger)
                        ])
            ])
        var services: [any Service] = [EngineService(engine: engine, logger: logger)]
        if let exporter = tracing?.exporter { services.append(exporter) }
        if let metricsPort = configuration.metricsPort {
            // Hummingbird logs "Server started and listening on HOST:PORT" for each server; only the inference
            // server's line is kept at info level, so that tools reading the log find the inference port.
            var metricsLogger = logger
            metricsLogger.logLevel = max(logger.logLevel, .notice)
            let host = configuration.host
            services.append(
                Application(
                    router: makeMetricsRouter(),
                    configuration: ApplicationConfiguration(
                        address: .hostname(configuration.host, port: metricsPort),
                        serverName: configuration.serving.serverName),
                    onServerRunning: { channel in
                        let port = channel.localAddress?.port ?? 0
                        logger.info("serving metrics at http://\(host):\(port)/metrics")
                        await onMetricsServerRunning(port)
                    },
                    logger: metricsLogger))
        }
        let server: HTTPServerBuilder
        if let tls = configuration.tls?.configuration(alpn: ["http/1.1"]) {
            // The files were checked when the ServerTLS was made; should BoringSSL refuse them anyway, the server
            // fails to start (never serves plaintext instead).
            server = HTTPServerBuilder { responder in
                try TLSChannel(HTTP1Channel(responder: responder, configuration: http1), tlsConfiguration: tls)
            }
        } else {
            server = .http1(configuration: http1)
        }
        return Application(
            router: makeRouter(),
            server: server,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port),
                serverName: configuration.serving.serverName),
            services: services,
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? 0
                logger.info("listening", metadata: ["address": "\(channel.localAddress.map { "\($0)" } ?? "?")"])
                await onServerRunning(port)
            },
            logger: logger)
    }

    /// The gRPC server on ``ServerConfiguration/grpcPort`` (0 picks a free one), as a service to run beside
    /// ``makeApplication(onServerRunning:onMetricsServerRunning:)`` in one `ServiceGroup`. It serves the engine the
    /// application loads; it does not load models itself. A message larger than the server's `maxRequestBytes` is
    /// answered `RESOURCE_EXHAUSTED` as soon as its length prefix arrives, before its bytes are buffered.
    /// - Parameter onListening: Called with the bound port once the server listens.
    public func makeGRPCService(onListening: @escaping @Sendable (Int) async -> Void = { _ in }) -> GRPCServerService {
        let access = GRPCRepositoryAccess(access: configuration.repositoryAccess)
        let routes = GRPCRoutes(
            service: KServeGRPCService(
                engine: engine, access: configuration.repositoryAccess, logger: logger, logSettings: logSettings,
                tracing: tracing),
            health: GRPCHealthService(engine: engine), access: access)
        return GRPCServerService(
            host: configuration.host, port: configuration.grpcPort ?? 0, routes: routes,
            limits: GRPCConnectionHandler.Limits(
                maxMessageBytes: configuration.serving.limits.maxRequestBytes,
                readTimeout: configuration.readTimeout.map { TimeAmount($0) }),
            tls: configuration.tls, busyPolling: busyPolling, logger: logger, onListening: onListening)
    }

    /// Runs the server (REST, and gRPC unless ``ServerConfiguration/grpcPort`` is `nil`) until SIGTERM or SIGINT,
    /// then shuts down gracefully: no new connections, requests in progress finish, and the call returns.
    public func run() async throws {
        var services: [any Service] = [makeApplication()]
        if configuration.grpcPort != nil { services.append(makeGRPCService()) }
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
#endif
