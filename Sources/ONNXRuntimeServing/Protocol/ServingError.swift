#if Server
/// An error the server reports to a client: a kind that decides the HTTP status, and a message for a person.
///
/// The REST layer sends it as `{"error": "<message>"}` with ``statusCode``.
public struct ServingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure happened; each kind has one HTTP status.
    ///
    /// A struct rather than an enum so that later versions can add kinds without breaking an exhaustive `switch`
    /// in your code: compare with `==` (`error.kind == .notFound`), or `switch` with a `default` case.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        /// The kinds this version knows. `package` so that the servers in this package can map every kind
        /// exhaustively (a new kind then fails their build instead of falling through a `default`).
        package enum Known: Sendable, Hashable {
            case badRequest
            case alreadyExists
            case unauthorized
            case forbidden
            case notFound
            case payloadTooLarge
            case unsupportedMediaType
            case `internal`
            case unavailable
        }

        /// The kind as an enum, for exhaustive switches inside this package.
        package let known: Known

        private init(_ known: Known) {
            self.known = known
        }

        /// The request is malformed or does not fit the model (400).
        public static let badRequest = Kind(.badRequest)
        /// The request would create something that exists already, such as a shared memory region registered twice
        /// (400, as Triton answers; gRPC `ALREADY_EXISTS`).
        public static let alreadyExists = Kind(.alreadyExists)
        /// A protected endpoint was called without credentials (401).
        public static let unauthorized = Kind(.unauthorized)
        /// A protected endpoint was called with wrong credentials, or is disabled (403).
        public static let forbidden = Kind(.forbidden)
        /// No such model, version or endpoint (404).
        public static let notFound = Kind(.notFound)
        /// The request body is larger than the server accepts (413).
        public static let payloadTooLarge = Kind(.payloadTooLarge)
        /// The request body is in a content coding the server does not decode (415).
        public static let unsupportedMediaType = Kind(.unsupportedMediaType)
        /// Something failed inside the server or ONNX Runtime (500).
        public static let `internal` = Kind(.internal)
        /// The server or model is not ready, the model's queue is full, or the request timed out (503).
        public static let unavailable = Kind(.unavailable)

        /// The HTTP status code of the kind.
        public var statusCode: Int {
            switch known {
            case .badRequest, .alreadyExists: 400
            case .unauthorized: 401
            case .forbidden: 403
            case .notFound: 404
            case .payloadTooLarge: 413
            case .unsupportedMediaType: 415
            case .internal: 500
            case .unavailable: 503
            }
        }

        /// The kind's name in words, e.g. `bad request`.
        public var description: String {
            switch known {
            case .badRequest: "bad request"
            case .alreadyExists: "already exists"
            case .unauthorized: "unauthorized"
            case .forbidden: "forbidden"
            case .notFound: "not found"
            case .payloadTooLarge: "payload too large"
            case .unsupportedMediaType: "unsupported media type"
            case .internal: "internal error"
            case .unavailable: "unavailable"
            }
        }
    }

    /// What kind of failure happened.
    public var kind: Kind
    /// What was wrong and, where it helps, what was expected.
    public var message: String

    /// Creates an error.
    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// The HTTP status code for the kind.
    public var statusCode: Int { kind.statusCode }

    /// The body the protocol prescribes for errors: `{"error": "<message>"}`.
    public var jsonBody: [UInt8] {
        var writer = JSONWriter()
        writer.write(.object(["error": .string(message)]))
        return writer.bytes
    }

    /// A short description for logs and messages.
    public var description: String { "\(statusCode): \(message)" }

    /// A 400 error.
    public static func badRequest(_ message: String) -> ServingError { ServingError(.badRequest, message) }
    /// A 404 error.
    public static func notFound(_ message: String) -> ServingError { ServingError(.notFound, message) }
    /// A 503 error.
    public static func unavailable(_ message: String) -> ServingError { ServingError(.unavailable, message) }
    /// A 500 error.
    public static func `internal`(_ message: String) -> ServingError { ServingError(.internal, message) }
}
#endif
