#if Client
import ContentCoding

/// How a client compresses inference messages on the wire (what tritonclient calls the request and response
/// compression algorithms).
///
/// Over REST the request body goes with `Content-Encoding` and the client asks for a compressed answer with
/// `Accept-Encoding`; over gRPC messages go with `grpc-encoding`, and the server answers in the same coding. Tensors of
/// floating-point values compress little, so compression pays off mainly on slow links or for tensors with many
/// repeated values (masks, padding, token ids).
public enum MessageCompression: String, Sendable, CaseIterable {
    /// gzip (RFC 1952).
    case gzip
    /// deflate in the zlib format (RFC 1950), as HTTP and gRPC define it.
    case deflate

    var coding: ContentCoding {
        switch self {
        case .gzip: .gzip
        case .deflate: .deflate
        }
    }
}
#endif
