import ONNXRuntimeServing

/// How an ``InferenceServer`` listens and what it serves.
public struct ServerConfiguration: Sendable {
    /// The address to listen on. Default `127.0.0.1`: only this machine can connect until you choose otherwise,
    /// because the server has no authentication for inference and a model repository API that can load models.
    /// In a container (KServe, Kubernetes) pass `0.0.0.0`.
    public var host: String
    /// The TCP port; 0 picks a free one (see ``InferenceServer/makeApplication(onServerRunning:)``). Default 8000.
    public var port: Int
    /// The gRPC port, or `nil` for no gRPC server; 0 picks a free one (see
    /// ``InferenceServer/makeGRPCService(onListening:)``). Default 8001. The gRPC server listens on ``host`` too.
    public var grpcPort: Int?
    /// The models, control mode and limits.
    public var serving: ServingConfiguration
    /// Who may call the model repository endpoints.
    public var repositoryAccess: RepositoryAccess

    /// The default port, as Triton's HTTP port.
    public static let defaultPort = 8000
    /// The default gRPC port, as Triton's.
    public static let defaultGRPCPort = 8001
    /// The default address: loopback only.
    public static let defaultHost = "127.0.0.1"

    /// Creates a configuration.
    public init(
        host: String = ServerConfiguration.defaultHost, port: Int = ServerConfiguration.defaultPort,
        grpcPort: Int? = ServerConfiguration.defaultGRPCPort, serving: ServingConfiguration,
        repositoryAccess: RepositoryAccess = .open
    ) {
        self.host = host
        self.port = port
        self.grpcPort = grpcPort
        self.serving = serving
        self.repositoryAccess = repositoryAccess
    }
}
