#if Client
/// Everything that can go wrong in a call of ``InferenceClient`` or ``GRPCInferenceClient``.
///
/// Each error has a ``code`` that says what kind of failure it is, a ``message`` for a person, the HTTP ``status``
/// of a server error, and the ``underlying`` error of a transport failure.
///
/// ```swift
/// do {
///     _ = try await client.infer(model: "nope", inputs: [x])
/// } catch let error where error.code == .server {
///     print(error.status ?? 0, error.message)  // 404 "unknown model 'nope'" (the server's own wording)
/// } catch {
///     print(error)
/// }
/// ```
public struct ClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure an error is.
    ///
    /// A struct rather than an enum so that later versions can add codes without breaking an exhaustive `switch`
    /// in your code: compare with `==` (`error.code == .server`), or `switch` with a `default` case.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        /// The codes this version knows.
        enum Known: Sendable, Hashable {
            case server
            case invalidRequest
            case decoding
            case transport
        }

        /// The code as an enum, for exhaustive switches inside this module.
        let known: Known

        private init(_ known: Known) {
            self.known = known
        }

        /// The server answered with an error status; ``ClientError/status`` holds it, and ``ClientError/message``
        /// the `error` member of its JSON error body (`{"error": "..."}`), or the body's text when it is not such an
        /// object. A gRPC status becomes the HTTP status of the same meaning.
        public static let server = Code(.server)
        /// The request could not be built: the arguments break the protocol's rules (element count versus shape, a
        /// non-finite float or non-UTF-8 `BYTES` element in a JSON body, ...). Nothing was sent.
        public static let invalidRequest = Code(.invalidRequest)
        /// The server's answer could not be read as the protocol's response (malformed JSON, a missing member,
        /// binary data of the wrong size, an unknown data type, ...).
        public static let decoding = Code(.decoding)
        /// The exchange itself failed: connection refused, timeout, cancellation, a body over the size limit.
        /// ``ClientError/underlying`` holds the error of the transport (usually AsyncHTTPClient's or gRPC's).
        public static let transport = Code(.transport)

        /// The code's name, e.g. `server`.
        public var description: String {
            switch known {
            case .server: "server"
            case .invalidRequest: "invalidRequest"
            case .decoding: "decoding"
            case .transport: "transport"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// What went wrong: the server's own message, or the client's account of the request or response. For a
    /// transport failure, the underlying error's description.
    public var message: String
    /// The HTTP status of a ``Code/server`` error; `nil` for the other codes.
    public var status: Int?
    /// The transport's own error for a ``Code/transport`` error; `nil` for the other codes.
    public var underlying: (any Error)?

    /// Creates an error; the static functions (``server(status:message:)``, ``invalidRequest(_:)``,
    /// ``decoding(_:)``, ``transport(_:)``) fill in the right members for each code.
    public init(code: Code, message: String, status: Int? = nil, underlying: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.status = status
        self.underlying = underlying
    }

    /// The server answered with the HTTP error `status` and `message`.
    public static func server(status: Int, message: String) -> ClientError {
        ClientError(code: .server, message: message, status: status)
    }

    /// The request breaks the protocol's rules and was not sent.
    public static func invalidRequest(_ message: String) -> ClientError {
        ClientError(code: .invalidRequest, message: message)
    }

    /// The server's answer cannot be read.
    public static func decoding(_ message: String) -> ClientError {
        ClientError(code: .decoding, message: message)
    }

    /// The exchange failed with `error`.
    public static func transport(_ error: any Error) -> ClientError {
        ClientError(code: .transport, message: "\(error)", underlying: error)
    }

    /// A one-line description, e.g. `server error 404: unknown model 'nope'`.
    public var description: String {
        switch code.known {
        case .server: "server error \(status.map(String.init) ?? "?"): \(message)"
        case .invalidRequest: "invalid request: \(message)"
        case .decoding: "cannot decode the server's response: \(message)"
        case .transport: "HTTP transport error: \(message)"
        }
    }
}

/// A protocol message decoded from JSON, with a decoding failure as ``ClientError/decoding(_:)``.
func decoded<T>(_ json: JSONValue, as decode: (JSONValue) throws(JSONDecodingError) -> T) throws(ClientError) -> T {
    do {
        return try decode(json)
    } catch {
        throw .decoding(error.message)
    }
}
#endif
