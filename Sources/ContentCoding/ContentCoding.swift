#if Client || Server
import CZlib
import NIOCore

/// A content coding of HTTP (`Content-Encoding`, `Accept-Encoding`) and of gRPC messages (`grpc-encoding`), both
/// made with the system zlib.
///
/// `deflate` is the zlib format (RFC 1950), as HTTP and gRPC define it; when decoding, a raw deflate stream (what
/// some HTTP clients send under that name) is accepted too.
public enum ContentCoding: String, Sendable, CaseIterable, CustomStringConvertible {
    case gzip
    case deflate

    /// The coding a header value names (`gzip`, `x-gzip`, `deflate`, any case, surrounding spaces ignored); `nil`
    /// for any other, `identity` included.
    public init?(name: some StringProtocol) {
        switch name.trimmingHTTPWhitespace().lowercased() {
        case "gzip", "x-gzip": self = .gzip
        case "deflate": self = .deflate
        default: return nil
        }
    }

    public var description: String { rawValue }

    /// zlib's level for a server's responses: tensors compress little, so speed counts more than the last few
    /// percent of size.
    public static let responseLevel: Int32 = 1

    /// Responses smaller than this many bytes go out uncompressed whatever the client accepts: they gain a few bytes
    /// at most, and a zlib stream costs about 300 KiB of state to set up. (Many HTTP clients, Python's `requests`
    /// and `httpx` among them, send `Accept-Encoding: gzip, deflate` with every request.)
    public static let minimumCompressedSize = 1024

    /// The codings a server offers, for `Accept-Encoding` and `grpc-accept-encoding` answers.
    public static let advertised = "gzip, deflate, identity"

    /// The coding to answer with, from a request's `Accept-Encoding` (RFC 9110 §12.5.3): the acceptable coding with
    /// the highest weight, gzip on a tie; `*` stands for the codings not named; `q=0` refuses. `nil` when neither
    /// is acceptable (answer uncompressed).
    public static func preferred(acceptEncoding: some StringProtocol) -> ContentCoding? {
        var weights: [ContentCoding: Double] = [:]
        var wildcard: Double?
        for item in acceptEncoding.split(separator: ",") {
            let parts = item.split(separator: ";")
            guard let token = parts.first?.trimmingHTTPWhitespace().lowercased(), !token.isEmpty else { continue }
            var weight = 1.0
            for parameter in parts.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1)
                guard pair.count == 2, pair[0].trimmingHTTPWhitespace().lowercased() == "q" else { continue }
                weight = Double(pair[1].trimmingHTTPWhitespace()).map { min(max($0, 0), 1) } ?? 0
            }
            if token == "*" {
                wildcard = weight
            } else if let coding = ContentCoding(name: token) {
                weights[coding] = max(weights[coding] ?? 0, weight)
            }
        }
        var best: (ContentCoding, Double)?
        for coding in allCases {
            let weight = weights[coding] ?? wildcard ?? 0
            if weight > 0, weight > best?.1 ?? 0 { best = (coding, weight) }
        }
        return best?.0
    }

    /// Whether a comma-separated list of coding names (`grpc-accept-encoding`) includes this one.
    public func isListed(in list: some StringProtocol) -> Bool {
        list.split(separator: ",").contains { ContentCoding(name: $0) == self }
    }

    private var windowBits: Int32 {
        switch self {
        case .gzip: 15 + 16
        case .deflate: 15
        }
    }

    // MARK: - Compressing

    /// Appends `input`, compressed, to `output`.
    /// - Parameter level: zlib's compression level, 1 (fastest) to 9 (smallest); zlib's default is 6.
    public func compress(_ input: UnsafeRawBufferPointer, level: Int32 = 6, into output: inout ByteBuffer) {
        let stream = ZStream()
        defer { stream.end(deflateEnd) }
        // Fails only for invalid arguments or no memory, which the next call reports as a trap below.
        precondition(
            CZlib_deflateInit2(stream.pointer, max(1, min(9, level)), windowBits) == Z_OK,
            "zlib could not start a compression stream")
        stream.started = true
        stream.pointer.pointee.next_in = UnsafeMutablePointer(
            mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        var remaining = input.count
        var finished = false
        while !finished {
            let chunk = min(remaining, Int(UInt32.max))
            stream.pointer.pointee.avail_in = UInt32(chunk)
            let flush = chunk == remaining ? Z_FINISH : Z_NO_FLUSH
            let room = Int(deflateBound(stream.pointer, uLong(chunk))) + 64
            var result = Z_OK
            repeat {
                output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { buffer in
                    let space = min(buffer.count, Int(UInt32.max))
                    stream.pointer.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                    stream.pointer.pointee.avail_out = UInt32(space)
                    result = CZlib.deflate(stream.pointer, flush)
                    return space - Int(stream.pointer.pointee.avail_out)
                }
                precondition(result == Z_OK || result == Z_STREAM_END || result == Z_BUF_ERROR, "deflate failed")
            } while flush == Z_FINISH ? result != Z_STREAM_END : stream.pointer.pointee.avail_in > 0
            remaining -= chunk
            finished = flush == Z_FINISH
        }
    }

    /// `bytes`, compressed.
    public func compressed(_ bytes: some Collection<UInt8>, level: Int32 = 6) -> ByteBuffer {
        var output = ByteBuffer()
        let done: Void? = bytes.withContiguousStorageIfAvailable {
            compress(UnsafeRawBufferPointer($0), level: level, into: &output)
        }
        if done == nil { Array(bytes).withUnsafeBytes { compress($0, level: level, into: &output) } }
        return output
    }

    // MARK: - Decompressing

    /// Appends `input`, decompressed, to `output`, never more than `limit` bytes: a body that would decompress to
    /// more is refused as soon as it passes the limit, so a small "zip bomb" costs at most `limit` bytes of memory.
    /// - Throws: ``ContentCodingError`` when the data is not of this coding, is truncated, has bytes after its end,
    ///   or decompresses to more than `limit` bytes. `output` may then hold part of the data.
    public func decompress(
        _ input: UnsafeRawBufferPointer, limit: Int, into output: inout ByteBuffer
    ) throws(ContentCodingError) {
        let stream = ZStream()
        defer { stream.end(inflateEnd) }
        var bits = windowBits
        if self == .deflate, !Self.hasZlibHeader(input) { bits = -15 }  // raw deflate
        guard CZlib_inflateInit2(stream.pointer, bits) == Z_OK else {
            throw ContentCodingError(.corrupt, "zlib could not start a \(self) stream")
        }
        stream.started = true
        var next = input.baseAddress?.assumingMemoryBound(to: Bytef.self)
        var remaining = input.count
        let start = output.writerIndex
        // Output room per call: a few times the input (typical ratios), at least 16 KiB, at most 4 MiB.
        let step = max(16 << 10, min(input.count &* 4, 4 << 20))
        while true {
            if stream.pointer.pointee.avail_in == 0 {
                let chunk = min(remaining, Int(UInt32.max))
                stream.pointer.pointee.next_in = UnsafeMutablePointer(mutating: next)
                stream.pointer.pointee.avail_in = UInt32(chunk)
                next = next.map { $0 + chunk }
                remaining -= chunk
            }
            let produced = output.writerIndex - start
            // One byte over the limit is room enough to know the data is too large.
            let room = min(step, limit - produced + 1)
            var result = Z_OK
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: room) { buffer in
                stream.pointer.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.pointer.pointee.avail_out = UInt32(room)
                result = inflate(stream.pointer, Z_NO_FLUSH)
                return room - Int(stream.pointer.pointee.avail_out)
            }
            if output.writerIndex - start > limit {
                throw ContentCodingError(.tooLarge, "the \(self) data decompresses to more than \(limit) bytes")
            }
            let inputLeft = Int(stream.pointer.pointee.avail_in) + remaining
            switch result {
            case Z_STREAM_END:
                guard inputLeft > 0 else { return }
                // gzip allows several members one after another; anything else after the end is an error.
                guard self == .gzip, inflateReset(stream.pointer) == Z_OK else {
                    throw ContentCodingError(.corrupt, "\(inputLeft) bytes follow the end of the \(self) data")
                }
            case Z_OK:
                continue
            case Z_BUF_ERROR where inputLeft == 0:
                throw ContentCodingError(.truncated, "the \(self) data ends before its end marker (truncated)")
            case Z_BUF_ERROR:
                continue
            case Z_NEED_DICT:
                throw ContentCodingError(.corrupt, "the \(self) data needs a preset dictionary")
            case Z_MEM_ERROR:
                throw ContentCodingError(.corrupt, "zlib ran out of memory")
            default:
                let reason = stream.pointer.pointee.msg.map { String(cString: $0) } ?? "zlib error \(result)"
                throw ContentCodingError(.corrupt, "the data is not valid \(self): \(reason)")
            }
        }
    }

    /// `bytes`, decompressed; see ``decompress(_:limit:into:)``.
    public func decompressed(_ bytes: ByteBuffer, limit: Int) throws(ContentCodingError) -> ByteBuffer {
        var output = ByteBuffer()
        let result: Result<Void, ContentCodingError> = bytes.withUnsafeReadableBytes { input in
            do throws(ContentCodingError) {
                try decompress(input, limit: limit, into: &output)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
        return output
    }

    /// A zlib stream starts with CMF and FLG bytes: method 8 (deflate), a window of at most 32 KiB, and a check
    /// that makes the pair a multiple of 31 (RFC 1950 §2.2). A raw deflate stream rarely looks like one.
    private static func hasZlibHeader(_ input: UnsafeRawBufferPointer) -> Bool {
        guard input.count >= 2 else { return true }  // too short to tell: let zlib report the error
        let cmf = input[0]
        let flg = input[1]
        return cmf & 0x0F == 8 && cmf >> 4 <= 7 && (UInt16(cmf) << 8 | UInt16(flg)) % 31 == 0
    }
}

/// Why compressed data could not be decompressed.
public struct ContentCodingError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// Not data of the coding named, or bytes after its end.
        case corrupt
        /// The data stops before its end.
        case truncated
        /// The data decompresses to more than the limit.
        case tooLarge
    }

    public let kind: Kind
    public let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// A `z_stream` at a fixed address (zlib keeps a pointer back to it, so it must not move between calls).
private final class ZStream {
    let pointer = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
    var started = false

    init() { pointer.initialize(to: z_stream()) }

    func end(_ finish: (z_streamp?) -> Int32) {
        if started { _ = finish(pointer) }
        started = false
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}

extension StringProtocol {
    fileprivate func trimmingHTTPWhitespace() -> SubSequence {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return self[endIndex...]
        }
        return self[first...last]
    }
}
#endif
