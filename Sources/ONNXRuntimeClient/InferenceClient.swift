#if Client
import AsyncHTTPClient
import ContentCoding
import Logging
import NIOCore
import NIOHTTP1
import NIOSSL

/// An async client for a KServe V2 (Open Inference Protocol) REST server with Triton's extensions: binary tensor
/// data, model repository, statistics and model configuration.
///
/// Every call is `async` and throws ``ClientError``. One client is `Sendable` and may be used from any number of
/// tasks at once; its requests share the underlying AsyncHTTPClient connection pool.
///
/// ```swift
/// let client = InferenceClient(baseURL: "http://127.0.0.1:8000")
/// let x = InferInput(name: "x", shape: [2, 3], data: .fp32([1, 2, 3, 4, 5, 6]))
/// let response = try await client.infer(model: "identity_float32", inputs: [x])
/// print(response.outputs["y"]?.floats ?? [])
/// try await client.shutdown()  // InferenceClient.withClient { ... } does this even when a call throws
/// ```
///
/// See <doc:UsingTheClient> for calling it from command-line tools, synchronous code, and many tasks at once.
///
/// ## Lifecycle
///
/// A client created without an `httpClient` owns one and must be shut down with ``shutdown()`` once its last request
/// has finished (AsyncHTTPClient requires this; a client dropped without it leaks its connections and trips an
/// assertion in debug builds).
/// ``withClient(baseURL:token:timeout:maxResponseBytes:compression:tls:logger:isolation:_:)`` does it for you. A client
/// given an `httpClient` never shuts it down: that stays the caller's job.
public final class InferenceClient: Sendable {
    /// The server's base URL without a trailing slash, e.g. `http://127.0.0.1:8000`.
    public let baseURL: String
    /// The bearer token sent as `Authorization: Bearer <token>` with every request, if any.
    public let token: String?
    /// The time limit of each request, from sending to the last byte of the response.
    public let timeout: Duration
    /// The largest response body accepted; a longer one fails with ``ClientError/transport(_:)`` (a compressed one,
    /// with ``ClientError/decoding(_:)`` when it decompresses to more).
    public let maxResponseBytes: Int
    /// How inference requests are compressed, and their answers asked for; `nil` sends and asks for none.
    public let compression: MessageCompression?
    let httpClient: HTTPClient
    let ownsHTTPClient: Bool
    let logger: Logger
    /// Why the TLS files given to the initializer cannot be used; every request throws it.
    let setupError: ClientError?

    /// Creates a client.
    /// - Parameters:
    ///   - baseURL: The server's scheme, host and port (and path prefix, if the server has one), e.g.
    ///     `http://127.0.0.1:8000`. A trailing `/` is ignored.
    ///   - httpClient: An AsyncHTTPClient to send requests with; it stays yours to shut down. `nil` creates one
    ///     that ``shutdown()`` shuts down.
    ///   - token: A bearer token for servers that protect endpoints (typically the model repository ones).
    ///   - timeout: The time limit of each request.
    ///   - maxResponseBytes: The largest response body accepted (default 1 GiB).
    ///   - compression: Compress inference requests with it (`Content-Encoding`) and ask for compressed answers
    ///     (`Accept-Encoding`); `nil` (the default) for neither.
    ///   - tls: For an `https` URL: the authorities to trust and a client certificate, when the system's trust
    ///     store and no certificate will not do. Used only when the client creates its own HTTP client. The files
    ///     are read here; when one cannot be read or holds no PEM certificate or key, every request fails with
    ///     ``ClientError/Code/transport`` naming the file.
    ///   - logger: Where requests are logged (at `debug` level) and handed to AsyncHTTPClient.
    public init(
        baseURL: String,
        httpClient: HTTPClient? = nil,
        token: String? = nil,
        timeout: Duration = .seconds(60),
        maxResponseBytes: Int = 1 << 30,
        compression: MessageCompression? = nil,
        tls: ClientTLS? = nil,
        logger: Logger = Logger(label: "ONNXRuntimeClient")
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.token = token
        self.timeout = timeout
        self.maxResponseBytes = maxResponseBytes
        self.compression = compression
        self.logger = logger
        var setupError: ClientError?
        if let httpClient {
            self.httpClient = httpClient
            self.ownsHTTPClient = false
        } else if let tls {
            var configuration = HTTPClient.Configuration()
            do throws(ClientError) {
                configuration.tlsConfiguration = try Self.tlsConfiguration(tls)
            } catch {
                setupError = error
            }
            self.httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
            self.ownsHTTPClient = true
        } else {
            self.httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            self.ownsHTTPClient = true
        }
        self.setupError = setupError
    }

    /// The TLS configuration of `tls`, with its files read now.
    /// - Throws: ``ClientError/Code/transport`` naming the file that cannot be read or holds no usable PEM.
    static func tlsConfiguration(_ tls: ClientTLS) throws(ClientError) -> TLSConfiguration {
        func load<T>(_ what: String, _ path: String, _ read: (String) throws -> T) throws(ClientError) -> T {
            do {
                return try read(path)
            } catch {
                throw ClientError(
                    code: .transport, message: "cannot read the TLS \(what) '\(path)': \(error)", underlying: error)
            }
        }
        func certificates(_ what: String, _ path: String) throws(ClientError) -> [NIOSSLCertificate] {
            let certificates = try load(what, path, NIOSSLCertificate.fromPEMFile)
            guard !certificates.isEmpty else {
                throw ClientError(code: .transport, message: "the TLS \(what) '\(path)' holds no PEM certificate")
            }
            return certificates
        }
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let file = tls.trustRootsFile {
            configuration.trustRoots = .certificates(try certificates("trust roots file", file))
        }
        if let chain = tls.certificateChainFile, let key = tls.privateKeyFile {
            configuration.certificateChain = try certificates("certificate chain file", chain).map { .certificate($0) }
            let privateKey = try load("private key file", key) { try NIOSSLPrivateKey(file: $0, format: .pem) }
            configuration.privateKey = .privateKey(privateKey)
        }
        if !tls.verifiesHostname { configuration.certificateVerification = .noHostnameVerification }
        return configuration
    }

    /// Shuts down the HTTP client this client created; does nothing for an `httpClient` passed to the initializer.
    ///
    /// Call it once, after the last request has finished. Requests made afterwards fail with
    /// ``ClientError/transport(_:)``.
    public func shutdown() async throws(ClientError) {
        guard ownsHTTPClient else { return }
        do {
            try await httpClient.shutdown()
        } catch {
            throw .transport(error)
        }
    }

    /// Runs `body` with a new client and shuts the client down afterwards, whether `body` returns or throws.
    ///
    /// ```swift
    /// let ready = try await InferenceClient.withClient(baseURL: "http://127.0.0.1:8000") { client in
    ///     try await client.isServerReady()
    /// }
    /// ```
    /// - Parameters:
    ///   - baseURL: The server's base URL.
    ///   - token: A bearer token, if the server needs one.
    ///   - timeout: The time limit of each request.
    ///   - maxResponseBytes: The largest response body accepted.
    ///   - compression: How inference messages are compressed; `nil` for not at all.
    ///   - tls: Trust roots and a client certificate for an `https` URL.
    ///   - logger: Where requests are logged.
    ///   - isolation: The caller's actor isolation, inherited so `body` may capture non-`Sendable` state.
    ///   - body: The work to do with the client.
    /// - Returns: What `body` returns.
    public static func withClient<T>(
        baseURL: String,
        token: String? = nil,
        timeout: Duration = .seconds(60),
        maxResponseBytes: Int = 1 << 30,
        compression: MessageCompression? = nil,
        tls: ClientTLS? = nil,
        logger: Logger = Logger(label: "ONNXRuntimeClient"),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (InferenceClient) async throws -> T
    ) async throws -> T {
        let client = InferenceClient(
            baseURL: baseURL, token: token, timeout: timeout, maxResponseBytes: maxResponseBytes,
            compression: compression, tls: tls, logger: logger)
        let result: T
        do {
            result = try await body(client)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return result
    }

    // MARK: - Health and metadata

    /// Whether the server is live: `GET /v2/health/live` answers 200.
    /// - Returns: `false` for any other HTTP status.
    /// - Throws: ``ClientError/transport(_:)`` when the server cannot be reached.
    public func isServerLive() async throws(ClientError) -> Bool {
        try await send(.GET, "/v2/health/live").status == 200
    }

    /// Whether the server is ready for inference: `GET /v2/health/ready` answers 200.
    /// - Returns: `false` for any other HTTP status.
    /// - Throws: ``ClientError/transport(_:)`` when the server cannot be reached.
    public func isServerReady() async throws(ClientError) -> Bool {
        try await send(.GET, "/v2/health/ready").status == 200
    }

    /// Whether a model (version) is ready: `GET /v2/models/{model}[/versions/{version}]/ready` answers 200.
    /// - Parameters:
    ///   - model: The model name.
    ///   - version: A version; `nil` lets the server choose.
    /// - Returns: `false` for any other HTTP status (an unknown or unloaded model, for instance).
    /// - Throws: ``ClientError/transport(_:)`` when the server cannot be reached.
    public func isModelReady(_ model: String, version: String? = nil) async throws(ClientError) -> Bool {
        try await send(.GET, Self.modelPath(model, version) + "/ready").status == 200
    }

    /// The server's name, version and extensions (`GET /v2`).
    /// - Throws: ``ClientError``.
    public func serverMetadata() async throws(ClientError) -> ServerMetadata {
        try decoded(try await jsonBody(.GET, "/v2"), as: ServerMetadata.init(json:))
    }

    /// A model's name, versions, platform, inputs and outputs (`GET /v2/models/{model}[/versions/{version}]`).
    /// - Parameters:
    ///   - model: The model name.
    ///   - version: A version; `nil` lets the server choose.
    /// - Throws: ``ClientError/server(status:message:)`` for an unknown model, or another ``ClientError``.
    public func modelMetadata(_ model: String, version: String? = nil) async throws(ClientError) -> ModelMetadata {
        try decoded(try await jsonBody(.GET, Self.modelPath(model, version)), as: ModelMetadata.init(json:))
    }

    /// A model's configuration (`GET /v2/models/{model}[/versions/{version}]/config`, the model configuration
    /// extension).
    /// - Parameters:
    ///   - model: The model name.
    ///   - version: A version; `nil` for the server's choice.
    /// - Throws: ``ClientError``.
    public func modelConfig(_ model: String, version: String? = nil) async throws(ClientError) -> ModelConfig {
        let response = try await send(.GET, Self.modelPath(model, version) + "/config")
        try Self.checkStatus(response)
        return try ModelConfig(body: response.body)
    }

    // MARK: - Model repository

    /// The models in the server's repository, loaded or not (`POST /v2/repository/index`).
    /// - Parameter readyOnly: Ask for the models ready for inference only (`{"ready": true}`).
    /// - Throws: ``ClientError``.
    public func repositoryIndex(readyOnly: Bool = false) async throws(ClientError) -> [RepositoryModel] {
        let body = JSONValue.object(readyOnly ? ["ready": .bool(true)] : [:]).jsonText
        let json = try await jsonBody(.POST, "/v2/repository/index", body: Array(body.utf8))
        guard let entries = json.arrayValue else { throw .decoding("repository index is not a JSON array") }
        var models: [RepositoryModel] = []
        for entry in entries { models.append(try decoded(entry, as: RepositoryModel.init(json:))) }
        return models
    }

    /// Loads a model from the repository, or reloads it (`POST /v2/repository/models/{model}/load`).
    /// - Parameters:
    ///   - model: The model name (its folder in the repository).
    ///   - config: A model configuration in JSON to use instead of the repository's (the `config` parameter).
    ///   - parameters: Further load parameters.
    /// - Throws: ``ClientError/server(status:message:)`` when the server refuses (unknown model, a model that fails
    ///   to load, a missing or wrong token, a server not in explicit model control mode).
    public func loadModel(
        _ model: String, config: String? = nil, parameters: [String: InferParameter] = [:]
    ) async throws(ClientError) {
        var parameters = parameters
        if let config { parameters["config"] = .string(config) }
        let body = try JSONTensorCoding.parametersBody(parameters)
        try Self.checkStatus(try await send(.POST, "/v2/repository/models/\(Self.escape(model))/load", body: body))
    }

    /// Unloads a model (`POST /v2/repository/models/{model}/unload`).
    /// - Parameters:
    ///   - model: The model name.
    ///   - unloadDependents: Also unload models loaded along with it (the `unload_dependents` parameter).
    ///   - parameters: Further unload parameters.
    /// - Throws: ``ClientError/server(status:message:)`` when the server refuses.
    public func unloadModel(
        _ model: String, unloadDependents: Bool = false, parameters: [String: InferParameter] = [:]
    ) async throws(ClientError) {
        var parameters = parameters
        if unloadDependents { parameters["unload_dependents"] = true }
        let body = try JSONTensorCoding.parametersBody(parameters)
        try Self.checkStatus(try await send(.POST, "/v2/repository/models/\(Self.escape(model))/unload", body: body))
    }

    // MARK: - Statistics

    /// Inference statistics (`GET /v2/models[/{model}[/versions/{version}]]/stats`).
    /// - Parameters:
    ///   - model: One model's statistics; `nil` for every model's.
    ///   - version: One version's statistics (needs `model`); `nil` for all versions.
    /// - Returns: One entry per model version.
    /// - Throws: ``ClientError``.
    public func statistics(model: String? = nil, version: String? = nil) async throws(ClientError) -> [ModelStatistics]
    {
        let path: String
        if let model {
            path = Self.modelPath(model, version) + "/stats"
        } else {
            guard version == nil else { throw .invalidRequest("a statistics version needs a model name") }
            path = "/v2/models/stats"
        }
        return try decoded(try await jsonBody(.GET, path), as: ModelStatistics.decodeResponse)
    }

    // MARK: - Inference

    /// Runs an inference (`POST /v2/models/{model}[/versions/{version}]/infer`).
    ///
    /// ```swift
    /// let a = InferInput(name: "a", shape: [2], data: .strings(["ab", "c"]))
    /// let b = InferInput(name: "b", shape: [2], data: .strings(["cd", "c"]))
    /// let response = try await client.infer(model: "string_ops", inputs: [a, b], outputs: [RequestedOutput("joined")])
    /// response.outputs["joined"]?.strings  // ["abcd", "cc"]
    /// ```
    /// - Parameters:
    ///   - model: The model name.
    ///   - version: A version; `nil` lets the server choose.
    ///   - inputs: The input tensors.
    ///   - outputs: The outputs to return (each may override `binary`); `nil` returns all of them.
    ///   - id: An identifier the server echoes in ``InferResponse/id``.
    ///   - parameters: Request-level parameters.
    ///   - binary: Send inputs and ask for outputs as binary tensor data (default), or use JSON only.
    /// - Returns: The outputs, typed by their data type.
    /// - Throws: ``ClientError/invalidRequest(_:)`` before sending when the inputs are inconsistent;
    ///   ``ClientError/server(status:message:)`` when the server rejects the request (unknown model 404, wrong
    ///   datatype or shape 400, ...); ``ClientError/decoding(_:)`` or ``ClientError/transport(_:)`` otherwise.
    public func infer(
        model: String,
        version: String? = nil,
        inputs: [InferInput],
        outputs: [RequestedOutput]? = nil,
        id: String? = nil,
        parameters: [String: InferParameter] = [:],
        binary: Bool = true
    ) async throws(ClientError) -> InferResponse {
        try await infer(
            model: model, version: version,
            request: InferRequest(inputs: inputs, outputs: outputs, id: id, parameters: parameters, binary: binary))
    }

    /// Runs a prepared ``InferRequest`` (`POST /v2/models/{model}[/versions/{version}]/infer`).
    /// - Parameters:
    ///   - model: The model name.
    ///   - version: A version; `nil` lets the server choose.
    ///   - request: The request body.
    /// - Throws: ``ClientError``, as for ``infer(model:version:inputs:outputs:id:parameters:binary:)``.
    public func infer(model: String, version: String? = nil, request: InferRequest) async throws(ClientError)
        -> InferResponse
    {
        let encoded = try request.encode()
        var headers = [("Content-Type", encoded.contentType)]
        if let jsonLength = encoded.jsonLength {
            headers.append(("Inference-Header-Content-Length", String(jsonLength)))
        }
        var body = encoded.body
        if let compression {
            body = Array(compression.coding.compressed(body).readableBytesView)
            headers += [("Content-Encoding", compression.rawValue), ("Accept-Encoding", compression.rawValue)]
        }
        var response = try await send(.POST, Self.modelPath(model, version) + "/infer", headers: headers, body: body)
        if let encoding = response.header("Content-Encoding"), encoding.lowercased() != "identity" {
            guard let coding = ContentCoding(name: encoding) else {
                throw .decoding("the response has an unknown Content-Encoding '\(encoding)'")
            }
            do {
                response.body = Array(
                    try coding.decompressed(ByteBuffer(bytes: response.body), limit: maxResponseBytes).readableBytesView
                )
            } catch {
                throw .decoding("the \(coding) response body: \(error.message)")
            }
        }
        try Self.checkStatus(response)
        var jsonLength: Int?
        if let header = response.header("Inference-Header-Content-Length") {
            guard let length = Int(header) else {
                throw .decoding("invalid Inference-Header-Content-Length '\(header)'")
            }
            jsonLength = length
        }
        return try InferResponse(decoding: response.body, jsonLength: jsonLength)
    }

    // MARK: - Raw requests

    /// Sends any request to the server and returns its answer whatever the status: an escape hatch for endpoints
    /// and extensions this client does not model, and for testing how a server handles malformed requests.
    ///
    /// The bearer token, if any, is added unless `headers` has an `Authorization` header.
    /// - Parameters:
    ///   - method: The HTTP method, e.g. `GET` or `POST`.
    ///   - path: The path and query, starting with `/`, e.g. `/v2/models/x/infer`; appended to ``baseURL`` as is
    ///     (escape it yourself).
    ///   - headers: Request headers.
    ///   - body: The body, if any.
    /// - Throws: ``ClientError/transport(_:)`` only.
    public func rawRequest(
        method: String, path: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws(ClientError) -> RawResponse {
        try await send(HTTPMethod(rawValue: method), path, headers: headers, body: body)
    }

    // MARK: - Plumbing

    func send(
        _ method: HTTPMethod, _ path: String, headers: [(String, String)] = [], body: [UInt8]? = nil
    ) async throws(ClientError) -> RawResponse {
        if let setupError { throw setupError }
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let token, !request.headers.contains(name: "Authorization") {
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let body {
            if !request.headers.contains(name: "Content-Type") {
                request.headers.add(name: "Content-Type", value: "application/json")
            }
            request.body = .bytes(body)
        }
        logger.debug("\(method.rawValue) \(path)", metadata: ["bytes": "\(body?.count ?? 0)"])
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let limit: TimeAmount =
            nanoseconds.overflow
            ? .nanoseconds(.max) : .nanoseconds(nanoseconds.partialValue + attoseconds / 1_000_000_000)
        do {
            let response = try await httpClient.execute(request, timeout: limit, logger: logger)
            let buffer = try await response.body.collect(upTo: maxResponseBytes)
            return RawResponse(
                status: Int(response.status.code),
                headers: response.headers.map { ($0.name, $0.value) },
                body: Array(buffer.readableBytesView))
        } catch {
            throw .transport(error)
        }
    }

    func jsonBody(_ method: HTTPMethod, _ path: String, body: [UInt8]? = nil) async throws(ClientError) -> JSONValue {
        let response = try await send(method, path, body: body)
        try Self.checkStatus(response)
        do {
            return try JSONParser.parse(response.body, maximumDepth: JSONTensorCoding.maximumDepth)
        } catch {
            throw .decoding("response of \(method.rawValue) \(path) is not valid JSON: \(error)")
        }
    }

    /// Throws ``ClientError/server(status:message:)`` for a status outside 200..<300, with the `error` member of a
    /// JSON error body as the message, or the body's text.
    static func checkStatus(_ response: RawResponse) throws(ClientError) {
        guard !(200..<300).contains(response.status) else { return }
        throw .server(status: response.status, message: errorMessage(response.body))
    }

    /// The message of an error body: the `error` member of `{"error": "..."}`, else the body's text (at most 1000
    /// characters), else an empty string.
    static func errorMessage(_ body: [UInt8]) -> String {
        if let json = try? JSONParser.parse(body, maximumDepth: JSONTensorCoding.maximumDepth),
            let message = json["error"]?.stringValue
        {
            return message
        }
        return String(String(decoding: body, as: UTF8.self).prefix(1000))
    }

    static func modelPath(_ model: String, _ version: String?) -> String {
        var path = "/v2/models/" + escape(model)
        if let version { path += "/versions/" + escape(version) }
        return path
    }

    /// Percent-encodes a path segment: everything but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`).
    static func escape(_ segment: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for byte in segment.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// A server's answer to ``InferenceClient/rawRequest(method:path:headers:body:)``: status, headers and body as sent.
public struct RawResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers, in order.
    public var headers: [(String, String)]
    /// The response body.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [(String, String)], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of a header, compared case-insensitively.
    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.0.lowercased() == lowered }?.1
    }

    /// The `error` member of a JSON error body (`{"error": "..."}`), else the body's text.
    public var errorMessage: String { InferenceClient.errorMessage(body) }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }
}
#endif
