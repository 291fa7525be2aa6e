#if Client
/// TLS settings for a client: which authorities to trust for the server's certificate, and a client certificate for
/// servers that require one (mutual TLS). Files are PEM.
///
/// ```swift
/// let tls = ClientTLS(trustRootsFile: "ca.pem")
/// let client = InferenceClient(baseURL: "https://inference.example:8000", tls: tls)
/// ```
public struct ClientTLS: Sendable, Hashable {
    /// PEM file of the authorities that sign the server's certificate; `nil` trusts the system's.
    public var trustRootsFile: String?
    /// PEM file of the client's certificate chain, for mutual TLS.
    public var certificateChainFile: String?
    /// PEM file of the client certificate's private key.
    public var privateKeyFile: String?
    /// Whether the server's certificate must name the host connected to (default `true`).
    public var verifiesHostname: Bool

    public init(
        trustRootsFile: String? = nil, certificateChainFile: String? = nil, privateKeyFile: String? = nil,
        verifiesHostname: Bool = true
    ) {
        self.trustRootsFile = trustRootsFile
        self.certificateChainFile = certificateChainFile
        self.privateKeyFile = privateKeyFile
        self.verifiesHostname = verifiesHostname
    }
}
#endif
