#if Client
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import KServeGRPCProtocol
import SwiftProtobuf

/// An async client for KServe V2 / Triton servers over gRPC (`inference.GRPCInferenceService`), with the same
/// operations and typed tensors as the REST ``InferenceClient``.
///
/// ```swift
/// let probabilities = try await GRPCInferenceClient.withClient(host: "127.0.0.1", port: 8001) { client in
///     let digit = InferInput(name: "input", shape: [1, 1, 28, 28], data: .fp32([Float](repeating: 0, count: 784)))
///     return try await client.infer(model: "mnist", inputs: [digit]).outputs["probabilities"]?.floats ?? []
/// }
/// ```
///
/// Tensors travel as raw contents (`raw_input_contents` / `raw_output_contents`). A server's gRPC status becomes
/// ``ClientError/server(status:message:)`` with the HTTP status of the same meaning (`INVALID_ARGUMENT` 400,
/// `UNAUTHENTICATED` 401, `PERMISSION_DENIED` 403, `NOT_FOUND` 404, `RESOURCE_EXHAUSTED` 413, `UNIMPLEMENTED` 501,
/// `UNAVAILABLE` 503, others 500), so code written for the REST client handles both.
public final class GRPCInferenceClient: Sendable {
    private let client: Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>
    private let token: String?
    private let timeout: Duration
    private let maxResponseBytes: Int

    private init(
        client: Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>, token: String?, timeout: Duration,
        maxResponseBytes: Int
    ) {
        self.client = client
        self.token = token
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
    }

    /// Connects to a server, runs `body` with a client, and closes the connection when `body` returns or throws.
    /// - Parameters:
    ///   - host: The server's IPv4 address or host name.
    ///   - port: The server's gRPC port (Triton's default is 8001).
    ///   - token: A bearer token for the repository RPCs, sent as `authorization` metadata, if the server needs one.
    ///   - timeout: The time limit of each call.
    ///   - maxResponseBytes: The largest response message accepted.
    ///   - compression: Compress every request message with it (`grpc-encoding`); the server answers in the same
    ///     coding. `nil` (the default) for none. Compressed answers are accepted either way.
    ///   - tls: Connect with TLS (ALPN `h2`), trusting these authorities and presenting this client certificate;
    ///     `nil` (the default) for plaintext.
    ///   - body: The work to do with the client.
    /// - Returns: What `body` returns.
    /// - Throws: What `body` throws, or ``ClientError/transport(_:)`` when the transport cannot be set up.
    public static func withClient<T: Sendable>(
        host: String, port: Int, token: String? = nil, timeout: Duration = .seconds(60),
        maxResponseBytes: Int = 1 << 30, compression: MessageCompression? = nil, tls: ClientTLS? = nil,
        _ body: (GRPCInferenceClient) async throws -> T
    ) async throws -> T {
        let transport: HTTP2ClientTransport.Posix
        let algorithm: CompressionAlgorithm =
            switch compression {
            case .gzip?: .gzip
            case .deflate?: .deflate
            case nil: .none
            }
        do {
            transport = try HTTP2ClientTransport.Posix(
                target: Self.target(host: host, port: port),
                transportSecurity: tls.map(Self.transportSecurity) ?? .plaintext,
                config: .defaults {
                    $0.http2.targetWindowSize = 8 * 1024 * 1024
                    $0.compression = .init(algorithm: algorithm, enabledAlgorithms: .all)
                })
        } catch {
            throw ClientError.transport(error)
        }
        return try await withGRPCClient(transport: transport) { grpc in
            let client = GRPCInferenceClient(
                client: Inference_GRPCInferenceService.Client(wrapping: grpc), token: token, timeout: timeout,
                maxResponseBytes: maxResponseBytes)
            return try await body(client)
        }
    }

    /// An address literal as an address target: TLS may not send an IP address as the server name (SNI), which a
    /// DNS target with an address for a name would do.
    private static func target(host: String, port: Int) -> any ResolvableTarget {
        if host.split(separator: ".").count == 4, host.allSatisfy({ $0.isNumber || $0 == "." }) {
            return .ipv4(address: host, port: port)
        }
        if host.contains(":") {
            return .ipv6(address: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port: port)
        }
        return .dns(host: host, port: port)
    }

    private static func transportSecurity(_ tls: ClientTLS) -> HTTP2ClientTransport.Posix.TransportSecurity {
        .tls { config in
            if let file = tls.trustRootsFile { config.trustRoots = .certificates([.file(path: file, format: .pem)]) }
            if let chain = tls.certificateChainFile, let key = tls.privateKeyFile {
                config.certificateChain = [.file(path: chain, format: .pem)]
                config.privateKey = .file(path: key, format: .pem)
            }
            config.serverCertificateVerification = tls.verifiesHostname ? .fullVerification : .noHostnameVerification
        }
    }

    // MARK: - Health and metadata

    /// Whether the server is live (`ServerLive`).
    /// - Throws: ``ClientError``.
    public func isServerLive() async throws(ClientError) -> Bool {
        try await call { try await client.serverLive(.init(), options: options).live }
    }

    /// Whether the server is ready (`ServerReady`).
    /// - Throws: ``ClientError``.
    public func isServerReady() async throws(ClientError) -> Bool {
        try await call { try await client.serverReady(.init(), options: options).ready }
    }

    /// Whether a model (version) is ready (`ModelReady`); an unknown model is not ready.
    /// - Parameters:
    ///   - model: The model name.
    ///   - version: A version; `nil` lets the server choose.
    /// - Throws: ``ClientError``.
    public func isModelReady(_ model: String, version: String? = nil) async throws(ClientError) -> Bool {
        let request = Inference_ModelReadyRequest.with {
            $0.name = model
            $0.version = version ?? ""
        }
        return try await call { try await client.modelReady(request, options: options).ready }
    }

    /// The server's name, version and extensions (`ServerMetadata`).
    /// - Throws: ``ClientError``.
    public func serverMetadata() async throws(ClientError) -> ServerMetadata {
        let response = try await call { try await client.serverMetadata(.init(), options: options) }
        return ServerMetadata(message: response)
    }

    /// A model's versions, platform, inputs and outputs (`ModelMetadata`).
    /// - Parameters:
    ///   - model: The model name.
    ///   - version: A version; `nil` lets the server choose.
    /// - Throws: ``ClientError``; an unknown model is ``ClientError/server(status:message:)`` with 404.
    public func modelMetadata(_ model: String, version: String? = nil) async throws(ClientError) -> ModelMetadata {
        let request = Inference_ModelMetadataRequest.with {
            $0.name = model
            $0.version = version ?? ""
        }
        return ModelMetadata(message: try await call { try await client.modelMetadata(request, options: options) })
    }

    /// A model's configuration (`ModelConfig`), with ``ModelConfig/json`` in protobuf's JSON mapping.
    /// - Parameters:
    ///   - model: The model name.
    ///   - version: A version; `nil` lets the server choose.
    /// - Throws: ``ClientError``.
    public func modelConfig(_ model: String, version: String? = nil) async throws(ClientError) -> ModelConfig {
        let request = Inference_ModelConfigRequest.with {
            $0.name = model
            $0.version = version ?? ""
        }
        let response = try await call { try await client.modelConfig(request, options: options) }
        var encoding = JSONEncodingOptions()
        encoding.preserveProtoFieldNames = true
        let json: String
        do {
            json = try response.config.jsonString(options: encoding)
        } catch {
            throw .decoding("the model configuration cannot be written as JSON: \(error)")
        }
        return try ModelConfig(body: Array(json.utf8))
    }

    // MARK: - Model repository

    /// The models in the server's repository (`RepositoryIndex`).
    /// - Parameter readyOnly: Only models that are ready.
    /// - Throws: ``ClientError``.
    public func repositoryIndex(readyOnly: Bool = false) async throws(ClientError) -> [RepositoryModel] {
        let request = Inference_RepositoryIndexRequest.with { $0.ready = readyOnly }
        let response = try await call {
            try await client.repositoryIndex(request, metadata: authorization, options: options)
        }
        return response.models.map(RepositoryModel.init(message:))
    }

    /// Loads or reloads a model (`RepositoryModelLoad`).
    /// - Parameters:
    ///   - model: The model name.
    ///   - config: A model configuration in JSON to use instead of the repository's (the `config` parameter).
    /// - Throws: ``ClientError``.
    public func loadModel(_ model: String, config: String? = nil) async throws(ClientError) {
        let request = Inference_RepositoryModelLoadRequest.with {
            $0.modelName = model
            if let config { $0.parameters["config"] = .with { $0.stringParam = config } }
        }
        _ = try await call { try await client.repositoryModelLoad(request, metadata: authorization, options: options) }
    }

    /// Unloads a model (`RepositoryModelUnload`).
    /// - Parameter model: The model name.
    /// - Throws: ``ClientError``.
    public func unloadModel(_ model: String) async throws(ClientError) {
        let request = Inference_RepositoryModelUnloadRequest.with { $0.modelName = model }
        _ = try await call {
            try await client.repositoryModelUnload(request, metadata: authorization, options: options)
        }
    }

    // MARK: - Statistics

    /// Inference statistics (`ModelStatistics`) of one model (version), or of every model.
    /// - Parameters:
    ///   - model: One model's statistics; `nil` for every model's.
    ///   - version: One version's statistics (needs `model`).
    /// - Throws: ``ClientError``.
    public func statistics(model: String? = nil, version: String? = nil) async throws(ClientError) -> [ModelStatistics]
    {
        guard model != nil || version == nil else { throw .invalidRequest("a statistics version needs a model name") }
        let request = Inference_ModelStatisticsRequest.with {
            $0.name = model ?? ""
            $0.version = version ?? ""
        }
        let response = try await call { try await client.modelStatistics(request, options: options) }
        return response.modelStats.map(ModelStatistics.init(message:))
    }

    // MARK: - Inference

    /// Runs an inference (`ModelInfer`), sending the inputs as raw contents.
    /// - Parameters:
    ///   - model: The model name.
    ///   - version: A version; `nil` lets the server choose.
    ///   - inputs: The input tensors.
    ///   - outputs: The outputs to return; `nil` returns all of them.
    ///   - id: An identifier the server echoes in ``InferResponse/id``.
    ///   - parameters: Request-level parameters.
    /// - Returns: The outputs, typed by their data type.
    /// - Throws: ``ClientError/invalidRequest(_:)`` before sending when an input's element count does not fit its
    ///   shape; ``ClientError/server(status:message:)`` when the server refuses the request;
    ///   ``ClientError/decoding(_:)`` when an output's raw contents do not fit its datatype and shape.
    public func infer(
        model: String, version: String? = nil, inputs: [InferInput], outputs: [RequestedOutput]? = nil,
        id: String? = nil, parameters: [String: InferParameter] = [:]
    ) async throws(ClientError) -> InferResponse {
        let request = try GRPCTensorCoding.request(
            model: model, version: version, inputs: inputs, outputs: outputs, id: id, parameters: parameters)
        let response = try await call { try await client.modelInfer(request, options: options) }
        return try GRPCTensorCoding.response(response)
    }

    // MARK: - Calls

    private var options: CallOptions {
        var options = CallOptions.defaults
        options.timeout = timeout
        options.maxResponseMessageBytes = maxResponseBytes
        return options
    }

    private var authorization: Metadata {
        guard let token else { return [:] }
        return ["authorization": "Bearer \(token)"]
    }

    private func call<T>(_ body: () async throws -> T) async throws(ClientError) -> T {
        do {
            return try await body()
        } catch let error as RPCError {
            throw .server(status: Self.httpStatus(error.code), message: error.message)
        } catch {
            throw .transport(error)
        }
    }

    /// The HTTP status with the meaning of a gRPC status code.
    static func httpStatus(_ code: RPCError.Code) -> Int {
        switch code {
        case .invalidArgument, .outOfRange, .failedPrecondition: 400
        case .unauthenticated: 401
        case .permissionDenied: 403
        case .notFound: 404
        case .alreadyExists, .aborted: 409
        case .resourceExhausted: 413
        case .cancelled: 499
        case .unimplemented: 501
        case .unavailable: 503
        case .deadlineExceeded: 504
        default: 500
        }
    }
}
#endif
