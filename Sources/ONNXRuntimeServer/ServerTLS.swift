#if Server
import NIOCore
import NIOSSL

/// TLS for the inference endpoints (REST and gRPC; the metrics endpoint stays plain HTTP for Prometheus), optionally
/// with client certificates (mutual TLS).
///
/// The files are read and checked when the value is made, so a missing file, a key that does not match the
/// certificate, or a file that is not PEM is an error at start-up, never a server that quietly serves plaintext.
/// TLS 1.2 is the minimum. gRPC connections negotiate `h2` with ALPN (gRPC clients insist on it); REST ones
/// `http/1.1`.
public struct ServerTLS: Sendable {
    /// The configuration both transports start from (without ALPN).
    public let configuration: TLSConfiguration
    /// Whether clients must present a certificate signed by the given authorities.
    public var requiresClientCertificates: Bool { configuration.certificateVerification != .none }

    /// Why TLS could not be set up: which file, and what is wrong with it.
    public struct SetupError: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    /// Reads a certificate chain and its private key, and optionally the authorities whose client certificates are
    /// accepted.
    /// - Parameters:
    ///   - certificateChainFile: PEM file with the server's certificate first, then any intermediates.
    ///   - privateKeyFile: PEM file with the certificate's private key (unencrypted).
    ///   - clientCertificateAuthorityFile: PEM file of the authorities that sign client certificates; when given,
    ///     clients without a valid certificate are refused during the handshake.
    /// - Throws: ``SetupError`` naming the file that cannot be used.
    public init(
        certificateChainFile: String, privateKeyFile: String, clientCertificateAuthorityFile: String? = nil
    ) throws(SetupError) {
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificateChainFile)
        } catch {
            throw SetupError(description: "cannot read the TLS certificate chain '\(certificateChainFile)': \(error)")
        }
        guard !chain.isEmpty else {
            throw SetupError(description: "the TLS certificate file '\(certificateChainFile)' holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: privateKeyFile, format: .pem)
        } catch {
            throw SetupError(description: "cannot read the TLS private key '\(privateKeyFile)': \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain.map { .certificate($0) }, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let clientCertificateAuthorityFile {
            let authorities: [NIOSSLCertificate]
            do {
                authorities = try NIOSSLCertificate.fromPEMFile(clientCertificateAuthorityFile)
            } catch {
                throw SetupError(
                    description: "cannot read the client certificate authorities '\(clientCertificateAuthorityFile)': "
                        + "\(error)")
            }
            guard !authorities.isEmpty else {
                throw SetupError(
                    description: "the client certificate authority file '\(clientCertificateAuthorityFile)' holds no "
                        + "certificate")
            }
            configuration.trustRoots = .certificates(authorities)
            configuration.certificateVerification = .noHostnameVerification
        }
        self.configuration = configuration
        // Make one context now, so that what BoringSSL refuses (a key that does not belong to the certificate, among
        // others) is reported here too.
        do {
            _ = try NIOSSLContext(configuration: configuration)
        } catch {
            throw SetupError(
                description:
                    "TLS cannot be set up with '\(certificateChainFile)' and '\(privateKeyFile)' (does the key "
                    + "belong to the certificate?): \(error)")
        }
    }

    /// The configuration of one transport: with its ALPN protocols.
    func configuration(alpn: [String]) -> TLSConfiguration {
        var configuration = configuration
        configuration.applicationProtocols = alpn
        return configuration
    }
}
#endif
