import ONNXRuntimeServing

/// How an ``InferenceServer`` listens and what it serves.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`: only this machine can connect until you choose otherwise,
    /// because the server has no authentication for inference and a model repository API that can load models.
    /// In a container (KServe, Kubernetes) pass `0.0.0.0`.
    public var host: String
    /// The TCP port; 0 picks a free one (see ``InferenceServer/makeApplication(onServerRunning:)``). Default 8000.
    public var port: Int
    /// The models, control mode and limits.
    public var serving: ServingConfiguration
    /// Who may call the model repository endpoints.
    public var repositoryAccess: RepositoryAccess
    /// How long a client may take to send one whole request (headers and body), counted from when the connection
    /// opens or from the previous response; `nil` for no limit. A client that sends slower than that (slow-loris),
    /// stops halfway, or leaves its connection idle that long is disconnected. Default 60 s.
    public var readTimeout: Duration?

    /// The default port, as Triton's HTTP port.
    public static let defaultPort = 8000
    /// The default address: loopback only.
    public static let defaultHost = "127.0.0.1"
    /// The default read timeout: 60 seconds.
    public static let defaultReadTimeout: Duration = .seconds(60)

    /// Creates a configuration.
    public init(
        host: String = ServerConfiguration.defaultHost, port: Int = ServerConfiguration.defaultPort,
        serving: ServingConfiguration, repositoryAccess: RepositoryAccess = .open,
        readTimeout: Duration? = ServerConfiguration.defaultReadTimeout
    ) {
        self.host = host
        self.port = port
        self.serving = serving
        self.repositoryAccess = repositoryAccess
        self.readTimeout = readTimeout
    }
}
