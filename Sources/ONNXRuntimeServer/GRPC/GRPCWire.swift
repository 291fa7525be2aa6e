#if Server
import ContentCoding
import GRPCCore
import NIOCore
import NIOHPACK
import SwiftProtobuf

/// The parts of gRPC over HTTP/2 that are not HTTP/2 itself: length-prefixed messages, the headers and trailers
/// around them, `grpc-timeout` and `grpc-message` encoding (the gRPC "PROTOCOL-HTTP2" document).
enum GRPCWire {
    /// Bytes in front of every message: a compressed flag and a big-endian 32-bit length.
    static let prefixLength = 5

    /// The response headers that open a response with messages.
    static let responseHeaders: HPACKHeaders = [":status": "200", "content-type": "application/grpc"]

    /// The trailers that end a response.
    static func trailers(_ code: RPCError.Code?, message: String = "") -> HPACKHeaders {
        var headers: HPACKHeaders = ["grpc-status": String(code?.rawValue ?? 0)]
        if !message.isEmpty { headers.add(name: "grpc-message", value: percentEncoded(message)) }
        return headers
    }

    /// `grpc-message` is percent-encoded: bytes outside printable ASCII, and `%`, become `%XX`.
    static func percentEncoded(_ message: String) -> String {
        let utf8 = message.utf8
        guard utf8.contains(where: { $0 < 0x20 || $0 > 0x7E || $0 == UInt8(ascii: "%") }) else { return message }
        let hex = Array("0123456789ABCDEF".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count * 3)
        for byte in utf8 {
            if byte < 0x20 || byte > 0x7E || byte == UInt8(ascii: "%") {
                bytes += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The time a `grpc-timeout` value allows (`1S`, `250m`, ...: at most 8 digits and one of `HMSmun`), or `nil`
    /// when the value is malformed.
    static func timeout(_ value: Substring) -> TimeAmount? {
        guard let unit = value.last, value.count >= 2, value.count <= 9 else { return nil }
        let digits = value.dropLast()
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }), let amount = Int64(digits) else { return nil }
        switch unit {
        case "H": return .hours(amount)
        case "M": return .minutes(amount)
        case "S": return .seconds(amount)
        case "m": return .milliseconds(amount)
        case "u": return .microseconds(amount)
        case "n": return .nanoseconds(amount)
        default: return nil
        }
    }
}

/// Splits the DATA of one stream into gRPC messages. A message's length is checked against the limit as soon as its
/// prefix arrives, so an oversize message is refused before its bytes are buffered; a compressed message (the call's
/// `grpc-encoding`) is decompressed under the same limit.
struct GRPCMessageReader {
    /// The largest message accepted, in bytes, compressed or not.
    let maximumLength: Int
    /// The call's `grpc-encoding`; `nil` for identity, when a compressed message is a protocol error.
    let coding: ContentCoding?
    private var buffer: ByteBuffer?

    init(maximumLength: Int, coding: ContentCoding? = nil) {
        self.maximumLength = maximumLength
        self.coding = coding
    }

    /// Bytes received and not yet returned as messages.
    var bufferedBytes: Int { buffer?.readableBytes ?? 0 }

    /// Adds received bytes. The first DATA frame is kept as it is; later ones are appended.
    mutating func append(_ bytes: ByteBuffer) {
        if buffer == nil || buffer!.readableBytes == 0 {
            buffer = bytes
        } else {
            var bytes = bytes
            buffer!.writeBuffer(&bytes)
        }
    }

    /// The next whole message (decompressed), or `nil` until its bytes have arrived.
    /// - Throws: `RESOURCE_EXHAUSTED` for a message over the limit (before or after decompression); `INTERNAL` for a
    ///   compressed message on a call without `grpc-encoding`, or one that does not decompress (as the gRPC
    ///   compression document prescribes).
    mutating func next() throws(RPCError) -> ByteBuffer? {
        guard var bytes = buffer, bytes.readableBytes >= GRPCWire.prefixLength,
            let flag = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self),
            let length = bytes.getInteger(at: bytes.readerIndex + 1, as: UInt32.self)
        else { return nil }
        guard flag == 0 || (flag == 1 && coding != nil) else {
            throw RPCError(
                code: .internalError,
                message: "a message with compressed flag \(flag) arrived, but no grpc-encoding was agreed")
        }
        guard Int(length) <= maximumLength else {
            throw RPCError(
                code: .resourceExhausted,
                message: "the request message of \(length) bytes is larger than the server's limit of "
                    + "\(maximumLength) bytes")
        }
        guard bytes.readableBytes >= GRPCWire.prefixLength + Int(length) else { return nil }
        bytes.moveReaderIndex(forwardBy: GRPCWire.prefixLength)
        let message = bytes.readSlice(length: Int(length))
        buffer = bytes.readableBytes == 0 ? nil : bytes
        guard flag == 1, let coding, let message else { return message }
        do {
            return try coding.decompressed(message, limit: maximumLength)
        } catch  where error.kind == .tooLarge {
            throw RPCError(
                code: .resourceExhausted,
                message: "the request message decompresses to more than the server's limit of \(maximumLength) bytes")
        } catch {
            throw RPCError(code: .internalError, message: "the \(coding) request message: \(error.message)")
        }
    }
}

/// A protobuf message's bytes inside a `ByteBuffer`: decoding reads the buffer in place, and encoding writes the
/// message straight behind a gRPC length prefix, so the result goes out as one DATA frame without another copy.
struct GRPCMessageBytes: SwiftProtobufContiguousBytes {
    /// The gRPC frame (prefix and message) when made for encoding; the message alone when made for decoding.
    private(set) var buffer: ByteBuffer
    private let offset: Int

    /// Wraps a message's bytes for decoding.
    init(message: ByteBuffer) {
        buffer = message
        offset = 0
    }

    /// Room for a message of `count` bytes behind a gRPC prefix (what SwiftProtobuf asks for when it encodes).
    init(repeating: UInt8, count: Int) {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(GRPCWire.prefixLength + count)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(truncatingIfNeeded: count))
        buffer.writeRepeatingByte(repeating, count: count)
        self.buffer = buffer
        offset = GRPCWire.prefixLength
    }

    init<S: Sequence>(_ sequence: S) where S.Element == UInt8 {
        let bytes = Array(sequence)
        self.init(repeating: 0, count: bytes.count)
        buffer.setBytes(bytes, at: buffer.readerIndex + offset)
    }

    /// A whole gRPC frame, prefix included.
    private init(frame: ByteBuffer) {
        buffer = frame
        offset = GRPCWire.prefixLength
    }

    /// This message compressed with `coding` (on the caller's thread: a call's task, not the event loop), in a frame
    /// with the compressed flag set; unchanged when `coding` is `nil` or the message is smaller than
    /// `ContentCoding.minimumCompressedSize`. Only for a message made for encoding.
    func compressed(with coding: ContentCoding?) -> GRPCMessageBytes {
        // A small message goes with the compressed flag clear, which the protocol allows on a compressed call.
        guard let coding, count >= ContentCoding.minimumCompressedSize else { return self }
        var frame = ByteBuffer()
        frame.reserveCapacity(GRPCWire.prefixLength + count / 2 + 64)
        frame.writeInteger(UInt8(1))
        frame.writeInteger(UInt32(0))
        withUnsafeBytes { coding.compress($0, level: ContentCoding.responseLevel, into: &frame) }
        frame.setInteger(UInt32(truncatingIfNeeded: frame.readableBytes - GRPCWire.prefixLength), at: 1)
        return GRPCMessageBytes(frame: frame)
    }

    var count: Int { buffer.readableBytes - offset }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try buffer.withUnsafeReadableBytes { try body(UnsafeRawBufferPointer(rebasing: $0[offset...])) }
    }

    mutating func withUnsafeMutableBytes<R>(_ body: (UnsafeMutableRawBufferPointer) throws -> R) rethrows -> R {
        let offset = offset
        return try buffer.withUnsafeMutableReadableBytes {
            try body(UnsafeMutableRawBufferPointer(rebasing: $0[offset...]))
        }
    }
}
#endif
