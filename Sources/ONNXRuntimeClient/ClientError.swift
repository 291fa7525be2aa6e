/// Everything that can go wrong in a call of ``InferenceClient``.
///
/// ```swift
/// do {
///     _ = try await client.infer(model: "nope", inputs: [x])
/// } catch .server(let status, let message) {
///     print(status, message)  // 404 "unknown model 'nope'" (the server's own wording)
/// } catch {
///     print(error)
/// }
/// ```
public enum ClientError: Error, Sendable, CustomStringConvertible {
    /// The server answered with an HTTP error status. `message` is the `error` member of its JSON error body
    /// (`{"error": "..."}`), or the body's text when it is not such an object.
    case server(status: Int, message: String)
    /// The request could not be built: the arguments break the protocol's rules (element count versus shape, a
    /// non-finite float or non-UTF-8 `BYTES` element in a JSON body, ...). Nothing was sent.
    case invalidRequest(String)
    /// The server's answer could not be read as the protocol's response (malformed JSON, a missing member, binary
    /// data of the wrong size, an unknown data type, ...).
    case decoding(String)
    /// The HTTP exchange itself failed: connection refused, timeout, cancellation, a body over the size limit. The
    /// underlying error (usually from AsyncHTTPClient) is attached.
    case transport(any Error)

    /// The HTTP status for ``server(status:message:)``; `nil` for the other cases.
    public var status: Int? {
        if case .server(let status, _) = self { return status }
        return nil
    }

    /// A one-line description, e.g. `server error 404: unknown model 'nope'`.
    public var description: String {
        switch self {
        case .server(let status, let message): return "server error \(status): \(message)"
        case .invalidRequest(let message): return "invalid request: \(message)"
        case .decoding(let message): return "cannot decode the server's response: \(message)"
        case .transport(let error): return "HTTP transport error: \(error)"
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
