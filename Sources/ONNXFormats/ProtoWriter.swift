/// A writer of protobuf wire format into a growing byte array.
///
/// Fields are appended in the order written; callers write them in field-number order, as protobuf's own
/// serializers do, so that output is canonical.
struct ProtoWriter {
    /// The bytes written so far.
    private(set) var bytes: [UInt8] = []

    /// An empty writer.
    init() {}

    /// Appends a base-128 varint.
    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Appends a field tag.
    mutating func writeTag(_ field: Int, _ wireType: WireType) {
        writeVarint(UInt64(field) << 3 | UInt64(wireType.rawValue))
    }

    /// Appends four little-endian bytes.
    mutating func writeFixed32(_ value: UInt32) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends eight little-endian bytes.
    mutating func writeFixed64(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends a varint field (`int32`, `int64`, `uint64`, `bool` or an enum; negative values as their 64-bit
    /// two's complement, as protobuf does).
    mutating func writeVarintField(_ field: Int, _ value: UInt64) {
        writeTag(field, .varint)
        writeVarint(value)
    }

    /// Appends a signed varint field.
    mutating func writeVarintField(_ field: Int, _ value: Int64) {
        writeVarintField(field, UInt64(bitPattern: value))
    }

    /// Appends a `fixed32` or `float` field.
    mutating func writeFixed32Field(_ field: Int, _ value: UInt32) {
        writeTag(field, .fixed32)
        writeFixed32(value)
    }

    /// Appends a `fixed64` or `double` field.
    mutating func writeFixed64Field(_ field: Int, _ value: UInt64) {
        writeTag(field, .fixed64)
        writeFixed64(value)
    }

    /// Appends a `bytes` field.
    mutating func writeBytesField(_ field: Int, _ value: some Collection<UInt8>) {
        writeTag(field, .lengthDelimited)
        writeVarint(UInt64(value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends a `string` field as UTF-8.
    mutating func writeStringField(_ field: Int, _ value: String) {
        writeBytesField(field, value.utf8)
    }

    /// Appends an embedded message field.
    mutating func writeMessageField(_ field: Int, _ message: ProtoWriter) {
        writeBytesField(field, message.bytes)
    }

    /// Appends a repeated scalar field in packed form: one length-delimited run of all elements.
    mutating func writePackedField(_ field: Int, _ encoding: ScalarEncoding, _ values: some Collection<UInt64>) {
        var run = ProtoWriter()
        for value in values {
            switch encoding {
            case .varint: run.writeVarint(value)
            case .fixed32: run.writeFixed32(UInt32(truncatingIfNeeded: value))
            case .fixed64: run.writeFixed64(value)
            }
        }
        writeBytesField(field, run.bytes)
    }

    /// Appends a repeated scalar field in unpacked form: one tag per element.
    mutating func writeUnpackedField(_ field: Int, _ encoding: ScalarEncoding, _ values: some Collection<UInt64>) {
        for value in values {
            switch encoding {
            case .varint: writeVarintField(field, value)
            case .fixed32: writeFixed32Field(field, UInt32(truncatingIfNeeded: value))
            case .fixed64: writeFixed64Field(field, value)
            }
        }
    }
}
