#if Server
import NIOCore
import ONNXRuntimeServing

/// How an ``InferenceServer`` listens and what it serves.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`: only this machine can connect until you choose otherwise,
    /// because the server has no authentication for inference and a model repository API that can load models.
    /// In a container (KServe, Kubernetes) pass `0.0.0.0`.
    public var host: String
    /// The TCP port; 0 picks a free one (see
    /// ``InferenceServer/makeApplication(onServerRunning:onMetricsServerRunning:)``). Default 8000.
    public var port: Int
    /// The gRPC port, or `nil` for no gRPC server; 0 picks a free one (see
    /// ``InferenceServer/makeGRPCService(onListening:)``). The gRPC server listens on ``host`` too. Default `nil`, so
    /// an embedding application (or a test starting many servers) binds no port it did not ask for; `ort serve` uses
    /// ``defaultGRPCPort`` (8001, as Triton) unless told otherwise.
    public var grpcPort: Int?
    /// The models, control mode and limits.
    public var serving: ServingConfiguration
    /// Who may call the model repository endpoints.
    public var repositoryAccess: RepositoryAccess
    /// How long a client may take to send one whole request (headers and body), counted from when the connection
    /// opens or from the previous response; `nil` for no limit. A client that sends slower than that (slow-loris),
    /// stops halfway, or leaves its connection idle that long is disconnected. Over gRPC the same holds per
    /// connection: while the server waits for the client (no calls, or a request still arriving), the client must
    /// deliver a whole message or end a request within this time; partial messages, new streams and resets do not
    /// restart the clock. Default 60 s.
    public var readTimeout: Duration?
    /// The TCP port of the Prometheus metrics endpoint (`GET /metrics`, on ``host``); 0 picks a free one, `nil`
    /// serves no metrics. Default `nil`, so an embedding application binds no port it did not ask for; `ort serve`
    /// uses ``defaultMetricsPort`` (8002, as Triton) unless told otherwise. The metrics are recorded either way
    /// (`InferenceEngine.metrics`).
    public var metricsPort: Int?
    /// How long an event loop keeps polling its connections after it answers a request, instead of going to sleep
    /// at once; `nil` (the default here; `ort serve` uses ``defaultBusyPoll``) never polls. Polling trades CPU for
    /// latency at low concurrency: the next request on a polled connection is read without waking a sleeping thread,
    /// which on virtual machines costs tens of microseconds. Loops poll only while no connection has a request in
    /// progress, and back off after polls in which no request arrived, so an idle or lightly used server spends next
    /// to no CPU on it. Applies to both REST and gRPC connections. A few tens of microseconds is typical.
    public var busyPoll: Duration?
    /// TLS for the REST and gRPC endpoints (`nil`, the default: plaintext). The metrics endpoint stays plain HTTP.
    public var tls: ServerTLS?
    /// Triton's `--metrics-config` settings: latency summaries (off by default).
    public var metrics = MetricsConfiguration()
    /// Triton's `--trace-config` settings: with them, the server has Triton's trace extension
    /// (`/v2[/models/{m}]/trace/setting`, gRPC `TraceSetting`) and exports the traces of sampled requests to an
    /// OpenTelemetry collector. Default `nil`: no trace extension and no exporter (`ort serve` always has them, with
    /// tracing off until a level is set).
    public var trace: TraceConfiguration?

    /// The default port, as Triton's HTTP port.
    public static let defaultPort = 8000
    /// The default metrics port, as Triton's.
    public static let defaultMetricsPort = 8002
    /// The default gRPC port, as Triton's.
    public static let defaultGRPCPort = 8001
    /// The default address: loopback only.
    public static let defaultHost = "127.0.0.1"
    /// The default read timeout: 60 seconds.
    public static let defaultReadTimeout: Duration = .seconds(60)

    /// The ``busyPoll`` that `ort serve` uses unless told otherwise: 50 µs where this process may use at least two
    /// cores, none where it may use only one (SwiftNIO's `System.coreCount`, which follows a container's CPU quota and
    /// cpuset). On one core a polling loop could only take the core from the threads and clients it waits for, and
    /// under a quota of one core the polling would spend what the requests need.
    public static var defaultBusyPoll: Duration? { defaultBusyPoll(cores: System.coreCount) }

    /// ``defaultBusyPoll`` for a process that may use `cores` cores.
    static func defaultBusyPoll(cores: Int) -> Duration? { cores >= 2 ? .microseconds(50) : nil }

    /// Creates a configuration.
    public init(
        host: String = ServerConfiguration.defaultHost, port: Int = ServerConfiguration.defaultPort,
        grpcPort: Int? = nil, serving: ServingConfiguration, repositoryAccess: RepositoryAccess = .open,
        metricsPort: Int? = nil, readTimeout: Duration? = ServerConfiguration.defaultReadTimeout
    ) {
        self.host = host
        self.port = port
        self.grpcPort = grpcPort
        self.serving = serving
        self.repositoryAccess = repositoryAccess
        self.readTimeout = readTimeout
        self.metricsPort = metricsPort
    }
}
#endif
