import ONNXRuntime

/// The protobuf wire types this package reads and writes. Groups (wire types 3 and 4) are long deprecated, no ONNX
/// message uses them, and they are rejected.
enum WireType: UInt8, Sendable {
    case varint = 0
    case fixed64 = 1
    case lengthDelimited = 2
    case fixed32 = 5
}

/// How the elements of a repeated scalar field are encoded: one varint, or four or eight little-endian bytes, each.
/// A repeated field may arrive packed (one length-delimited run of elements) or unpacked (one tag per element), or as
/// a mix of both; readers must accept all three.
enum ScalarEncoding: Sendable {
    case varint
    case fixed32
    case fixed64

    /// The wire type of one unpacked element.
    var wireType: WireType {
        switch self {
        case .varint: .varint
        case .fixed32: .fixed32
        case .fixed64: .fixed64
        }
    }
}

/// A bounds-checked reader of protobuf wire format over borrowed bytes.
///
/// Every length is checked against the bytes that remain in the enclosing message before anything is read or
/// allocated, so truncated or corrupt input throws `ORTError.Code.malformedData` instead of reading out of bounds.
/// Offsets in messages count from the start of the whole input. A reader for a nested message (``readMessage()``)
/// is bounded by that message and one level deeper; nesting beyond ``maximumDepth`` throws.
///
/// The reader borrows its buffer: use it only while the buffer is valid (inside `Data.withUnsafeBytes`).
struct ProtoReader {
    /// The deepest message nesting accepted. ONNX values nest a few levels; a deeper input is corrupt or hostile.
    static let maximumDepth = 64

    /// The whole input.
    let buffer: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    private(set) var position: Int
    /// The offset just past the current message.
    let end: Int
    /// How many messages enclose this one (0 for the top level).
    let depth: Int

    /// A reader of the whole buffer, as one top-level message.
    init(_ buffer: UnsafeRawBufferPointer) {
        self.init(buffer: buffer, range: 0..<buffer.count, depth: 0)
    }

    private init(buffer: UnsafeRawBufferPointer, range: Range<Int>, depth: Int) {
        self.buffer = buffer
        self.position = range.lowerBound
        self.end = range.upperBound
        self.depth = depth
    }

    /// Whether the current message has been read to its end.
    var isAtEnd: Bool { position >= end }

    /// The bytes left in the current message.
    var remaining: Int { end - position }

    // MARK: - Primitives

    /// Reads a base-128 varint of at most 10 bytes whose value fits in 64 bits.
    mutating func readVarint() throws(ORTError) -> UInt64 {
        let start = position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else {
                throw .malformed("truncated input: the varint at byte \(start) runs past the end of its message")
            }
            let byte = buffer[position]
            position += 1
            if shift == 63, byte > 1 {
                throw .malformed("the varint at byte \(start) does not fit in 64 bits")
            }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    /// Reads four little-endian bytes.
    mutating func readFixed32() throws(ORTError) -> UInt32 {
        guard remaining >= 4 else {
            throw .malformed("truncated input: a 4-byte value at byte \(position) runs past the end of its message")
        }
        let value = buffer.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position += 4
        return UInt32(littleEndian: value)
    }

    /// Reads eight little-endian bytes.
    mutating func readFixed64() throws(ORTError) -> UInt64 {
        guard remaining >= 8 else {
            throw .malformed("truncated input: an 8-byte value at byte \(position) runs past the end of its message")
        }
        let value = buffer.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position += 8
        return UInt64(littleEndian: value)
    }

    /// Reads one scalar in the given encoding, widened to 64 bits.
    mutating func readScalar(_ encoding: ScalarEncoding) throws(ORTError) -> UInt64 {
        switch encoding {
        case .varint: try readVarint()
        case .fixed32: UInt64(try readFixed32())
        case .fixed64: try readFixed64()
        }
    }

    /// Reads a field's tag: its number (1 through 2^29 - 1) and wire type.
    mutating func readTag() throws(ORTError) -> (field: Int, wireType: WireType) {
        let start = position
        let tag = try readVarint()
        guard tag <= UInt64(UInt32.max), tag >> 3 > 0 else {
            throw .malformed("invalid field tag \(tag) at byte \(start)")
        }
        guard let wireType = WireType(rawValue: UInt8(tag & 7)) else {
            throw .malformed("field \(tag >> 3) at byte \(start) has wire type \(tag & 7), which is not supported")
        }
        return (Int(tag >> 3), wireType)
    }

    /// Reads a length prefix and returns the range of the bytes it covers, which must lie within the message.
    mutating func readLengthDelimited() throws(ORTError) -> Range<Int> {
        let start = position
        let length = try readVarint()
        guard length <= UInt64(remaining) else {
            throw .malformed(
                "truncated input: the length \(length) at byte \(start) runs past the end of its message "
                    + "(\(remaining) bytes remain)")
        }
        let range = position..<(position + Int(length))
        position = range.upperBound
        return range
    }

    /// The bytes of a range returned by ``readLengthDelimited()``.
    func bytes(_ range: Range<Int>) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: buffer[range])
    }

    /// Skips a field's value.
    mutating func skip(_ wireType: WireType) throws(ORTError) {
        switch wireType {
        case .varint: _ = try readVarint()
        case .fixed32: _ = try readFixed32()
        case .fixed64: _ = try readFixed64()
        case .lengthDelimited: _ = try readLengthDelimited()
        }
    }

    // MARK: - Typed fields

    /// Throws unless a field arrived with the wire type its declaration implies.
    func expect(_ wireType: WireType, _ expected: WireType, field: String) throws(ORTError) {
        guard wireType == expected else {
            throw .malformed(
                "field '\(field)' before byte \(position) has wire type \(wireType.rawValue), "
                    + "expected \(expected.rawValue)")
        }
    }

    /// Reads a varint field (`int32`, `int64`, `uint64`, `bool` or an enum).
    mutating func readVarint(_ wireType: WireType, field: String) throws(ORTError) -> UInt64 {
        try expect(wireType, .varint, field: field)
        return try readVarint()
    }

    /// Reads a `string` field as UTF-8 (invalid sequences become U+FFFD).
    mutating func readString(_ wireType: WireType, field: String) throws(ORTError) -> String {
        try expect(wireType, .lengthDelimited, field: field)
        return String(decoding: bytes(try readLengthDelimited()), as: UTF8.self)
    }

    /// Reads a `bytes` field and returns its range in the buffer.
    mutating func readBytes(_ wireType: WireType, field: String) throws(ORTError) -> Range<Int> {
        try expect(wireType, .lengthDelimited, field: field)
        return try readLengthDelimited()
    }

    /// Reads an embedded message field and returns a reader for it, one level deeper.
    mutating func readMessage(_ wireType: WireType, field: String) throws(ORTError) -> ProtoReader {
        try expect(wireType, .lengthDelimited, field: field)
        guard depth < Self.maximumDepth else {
            throw .malformed("messages are nested more than \(Self.maximumDepth) levels deep at byte \(position)")
        }
        return ProtoReader(buffer: buffer, range: try readLengthDelimited(), depth: depth + 1)
    }

    /// Reads one occurrence of a repeated scalar field, packed or not, calling `body` with each element.
    mutating func forEachScalar(
        _ encoding: ScalarEncoding, _ wireType: WireType, field: String,
        _ body: (UInt64) throws(ORTError) -> Void
    ) throws(ORTError) {
        if wireType == .lengthDelimited {
            var packed = ProtoReader(buffer: buffer, range: try readLengthDelimited(), depth: depth)
            while !packed.isAtEnd {
                try body(try packed.readScalar(encoding))
            }
        } else {
            try expect(wireType, encoding.wireType, field: field)
            try body(try readScalar(encoding))
        }
    }

    /// Skips one occurrence of a repeated scalar field and returns how many elements it holds, without decoding
    /// them (a packed run of varints is counted by its final bytes; each is validated later, when decoded).
    mutating func countScalars(_ encoding: ScalarEncoding, _ wireType: WireType, field: String) throws(ORTError)
        -> Int
    {
        guard wireType == .lengthDelimited else {
            try expect(wireType, encoding.wireType, field: field)
            _ = try readScalar(encoding)
            return 1
        }
        let range = try readLengthDelimited()
        switch encoding {
        case .varint:
            let run = bytes(range)
            if let last = run.last, last >= 0x80 {
                throw .malformed("the packed field '\(field)' ending at byte \(range.upperBound) ends inside a varint")
            }
            return run.reduce(0) { $0 + ($1 < 0x80 ? 1 : 0) }
        case .fixed32, .fixed64:
            let width = encoding == .fixed32 ? 4 : 8
            guard range.count % width == 0 else {
                throw .malformed(
                    "the packed field '\(field)' ending at byte \(range.upperBound) has \(range.count) bytes, "
                        + "not a multiple of \(width)")
            }
            return range.count / width
        }
    }

    /// Reads one occurrence of a repeated `int64` field (such as `dims`), appending its elements.
    mutating func appendInt64s(_ wireType: WireType, field: String, to values: inout [Int64]) throws(ORTError) {
        try forEachScalar(.varint, wireType, field: field) { values.append(Int64(bitPattern: $0)) }
    }
}
