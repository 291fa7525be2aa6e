#if Server
/// An inference response ready to send: the JSON object, followed by binary tensor data when any output asked for
/// it.
public struct EncodedInferenceResponse: Sendable, Hashable {
    /// The whole HTTP body.
    public var body: [UInt8]
    /// The size of the JSON object at the start of the body.
    public var jsonLength: Int
    /// Whether binary tensor data follows the JSON. When it does, the `Inference-Header-Content-Length` header must
    /// carry ``jsonLength``.
    public var hasBinaryData: Bool

    /// Creates a response body.
    public init(body: [UInt8], jsonLength: Int, hasBinaryData: Bool) {
        self.body = body
        self.jsonLength = jsonLength
        self.hasBinaryData = hasBinaryData
    }

    /// The content type to send: `application/octet-stream` with binary data, `application/json` without.
    public var contentType: String {
        hasBinaryData ? "application/octet-stream" : "application/json"
    }
}
#endif
