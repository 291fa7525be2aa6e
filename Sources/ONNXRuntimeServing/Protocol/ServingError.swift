#if Server
/// An error the server reports to a client: a kind that decides the HTTP status, and a message for a person.
///
/// The REST layer sends it as `{"error": "<message>"}` with ``statusCode``.
public struct ServingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure happened; each kind has one HTTP status.
    public enum Kind: Sendable, Hashable {
        /// The request is malformed or does not fit the model (400).
        case badRequest
        /// A protected endpoint was called without credentials (401).
        case unauthorized
        /// A protected endpoint was called with wrong credentials, or is disabled (403).
        case forbidden
        /// No such model, version or endpoint (404).
        case notFound
        /// The request body is larger than the server accepts (413).
        case payloadTooLarge
        /// The request body is in a content coding the server does not decode (415).
        case unsupportedMediaType
        /// Something failed inside the server or ONNX Runtime (500).
        case `internal`
        /// The server or model is not ready, the model's queue is full, or the request timed out (503).
        case unavailable
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
    public var statusCode: Int {
        switch kind {
        case .badRequest: 400
        case .unauthorized: 401
        case .forbidden: 403
        case .notFound: 404
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .internal: 500
        case .unavailable: 503
        }
    }

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
