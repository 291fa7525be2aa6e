import Foundation
import ONNXRuntime
import Testing

@testable import ONNXFormats

/// The protobuf wire-format reader and writer: varints, fixed-width values, length-delimited fields, packed and
/// unpacked repeated fields, and every way the reader must refuse bad input.
@Suite struct WireFormatTests {
    /// Runs `body` over a reader of `bytes`.
    func read<R>(_ bytes: [UInt8], _ body: (inout ProtoReader) throws(ORTError) -> R) throws(ORTError) -> R {
        try withBytes(of: Data(bytes)) { (buffer) throws(ORTError) in
            var reader = ProtoReader(buffer)
            return try body(&reader)
        }
    }

    func error(_ bytes: [UInt8], _ body: (inout ProtoReader) throws(ORTError) -> Void) -> ORTError? {
        expectORTError { try read(bytes, body) }
    }

    @Test(arguments: [0, 1, 127, 128, 300, 16_383, 16_384, UInt64(UInt32.max), 1 << 63, UInt64.max])
    func varintsRoundTrip(_ value: UInt64) throws {
        var writer = ProtoWriter()
        writer.writeVarint(value)
        let expectedLength = value == 0 ? 1 : (64 - value.leadingZeroBitCount + 6) / 7
        #expect(writer.bytes.count == expectedLength)
        #expect(try read(writer.bytes) { (reader) throws(ORTError) in try reader.readVarint() } == value)
    }

    @Test func knownEncodings() {
        var writer = ProtoWriter()
        writer.writeVarint(300)
        #expect(writer.bytes == [0xAC, 0x02])
        writer = ProtoWriter()
        writer.writeVarintField(1, Int64(-1))  // negative int64: ten bytes, the last 0x01
        #expect(writer.bytes == [0x08] + Array(repeating: 0xFF, count: 9) + [0x01])
        writer = ProtoWriter()
        writer.writeFixed32Field(4, Float(1).bitPattern)
        #expect(writer.bytes == [0x25, 0x00, 0x00, 0x80, 0x3F])
        writer = ProtoWriter()
        writer.writeStringField(8, "hi")
        #expect(writer.bytes == [0x42, 0x02, 0x68, 0x69])
        writer = ProtoWriter()
        writer.writePackedField(5, .varint, [1, 300])
        #expect(writer.bytes == [0x2A, 0x03, 0x01, 0xAC, 0x02])
    }

    @Test func fixedWidthValues() throws {
        var writer = ProtoWriter()
        writer.writeFixed32(0xDEAD_BEEF)
        writer.writeFixed64(0x0123_4567_89AB_CDEF)
        let (a, b) = try read(writer.bytes) { (reader) throws(ORTError) in
            (try reader.readFixed32(), try reader.readFixed64())
        }
        #expect(a == 0xDEAD_BEEF && b == 0x0123_4567_89AB_CDEF)
        #expect(error([1, 2, 3]) { (reader) throws(ORTError) in _ = try reader.readFixed32() }?.code == .malformedData)
        #expect(error([1, 2, 3, 4, 5, 6, 7]) { (reader) throws(ORTError) in _ = try reader.readFixed64() } != nil)
    }

    @Test func varintsThatNeverEndOrOverflow() {
        let neverEnds = error(Array(repeating: 0xFF, count: 9)) { (reader) throws(ORTError) in
            _ = try reader.readVarint()
        }
        #expect(neverEnds?.code == .malformedData)
        #expect(neverEnds?.message.contains("truncated") == true)
        let eleven = error(Array(repeating: 0x80, count: 10) + [0x00]) { (reader) throws(ORTError) in
            _ = try reader.readVarint()
        }
        #expect(eleven?.message.contains("64 bits") == true)
        let tooBig = error(Array(repeating: 0xFF, count: 9) + [0x02]) { (reader) throws(ORTError) in
            _ = try reader.readVarint()
        }
        #expect(tooBig?.code == .malformedData)
    }

    @Test func tagsAreChecked() {
        func tagError(_ bytes: [UInt8]) -> ORTError? {
            error(bytes) { (reader) throws(ORTError) in _ = try reader.readTag() }
        }
        #expect(tagError([0x00])?.code == .malformedData)  // field number 0
        #expect(tagError([0x0B])?.message.contains("wire type 3") == true)  // start group
        #expect(tagError([0x0C]) != nil)  // end group
        #expect(tagError([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]) != nil)  // beyond 32 bits
    }

    @Test func lengthsBeyondTheMessage() {
        for bytes: [UInt8] in [
            [0x05, 1, 2], [0xFF, 0xFF, 0xFF, 0xFF, 0x0F], [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
        ] {
            let failure = error(bytes) { (reader) throws(ORTError) in _ = try reader.readLengthDelimited() }
            #expect(failure?.code == .malformedData)
            #expect(failure?.message.contains("runs past the end") == true)
        }
        // A nested message cannot reach past its parent's end either.
        var inner = ProtoWriter()
        inner.writeBytesField(1, [1, 2, 3, 4])
        let outer: [UInt8] = [0x0A, 0x03] + inner.bytes.prefix(3) + [9, 9, 9]
        let nested = error(outer) { (reader) throws(ORTError) in
            let (_, wireType) = try reader.readTag()
            var message = try reader.readMessage(wireType, field: "inner")
            let (_, innerWire) = try message.readTag()
            _ = try message.readBytes(innerWire, field: "bytes")
        }
        #expect(nested?.code == .malformedData)
    }

    @Test func packedAndUnpackedElementsMix() throws {
        var writer = ProtoWriter()
        writer.writePackedField(5, .varint, [1, 2])
        writer.writeUnpackedField(5, .varint, [3])
        writer.writePackedField(5, .varint, [UInt64(bitPattern: -4)])
        writer.writeUnpackedField(4, .fixed32, [UInt64(Float(1.5).bitPattern)])
        writer.writePackedField(4, .fixed32, [UInt64(Float(2.5).bitPattern)])
        writer.writePackedField(10, .fixed64, [Double(-1).bitPattern, Double(8).bitPattern])
        let bytes = writer.bytes
        let (varints, fixed32, fixed64) = try read(bytes) { (reader) throws(ORTError) in
            var varints: [UInt64] = []
            var fixed32: [UInt64] = []
            var fixed64: [UInt64] = []
            while !reader.isAtEnd {
                let (field, wireType) = try reader.readTag()
                switch field {
                case 5: try reader.forEachScalar(.varint, wireType, field: "v") { varints.append($0) }
                case 4: try reader.forEachScalar(.fixed32, wireType, field: "f") { fixed32.append($0) }
                default: try reader.forEachScalar(.fixed64, wireType, field: "d") { fixed64.append($0) }
                }
            }
            return (varints, fixed32, fixed64)
        }
        #expect(varints == [1, 2, 3, UInt64(bitPattern: -4)])
        #expect(fixed32.map { Float(bitPattern: UInt32($0)) } == [1.5, 2.5])
        #expect(fixed64.map(Double.init(bitPattern:)) == [-1, 8])
        let counted = try read(bytes) { (reader) throws(ORTError) in
            var total = 0
            while !reader.isAtEnd {
                let (field, wireType) = try reader.readTag()
                let encoding: ScalarEncoding = field == 5 ? .varint : field == 4 ? .fixed32 : .fixed64
                total += try reader.countScalars(encoding, wireType, field: "x")
            }
            return total
        }
        #expect(counted == 8)
    }

    @Test func badPackedRuns() {
        let unfinished = error([0x2A, 0x02, 0x01, 0x80]) { (reader) throws(ORTError) in
            let (_, wireType) = try reader.readTag()
            _ = try reader.countScalars(.varint, wireType, field: "int32_data")
        }
        #expect(unfinished?.message.contains("ends inside a varint") == true)
        let ragged = error([0x22, 0x03, 0, 0, 0]) { (reader) throws(ORTError) in
            let (_, wireType) = try reader.readTag()
            _ = try reader.countScalars(.fixed32, wireType, field: "float_data")
        }
        #expect(ragged?.message.contains("multiple of 4") == true)
        let wrongWire = error([0x25, 0, 0, 0, 0]) { (reader) throws(ORTError) in
            let (_, wireType) = try reader.readTag()
            _ = try reader.countScalars(.varint, wireType, field: "int32_data")
        }
        #expect(wrongWire?.message.contains("wire type 5") == true)
    }

    @Test func nestingIsCapped() {
        // 100 nested length-delimited fields, each wrapping the next.
        var message: [UInt8] = []
        for _ in 0..<100 {
            var writer = ProtoWriter()
            writer.writeBytesField(1, message)
            message = writer.bytes
        }
        let failure = error(message) { (reader) throws(ORTError) in
            func descend(_ reader: inout ProtoReader) throws(ORTError) {
                while !reader.isAtEnd {
                    let (_, wireType) = try reader.readTag()
                    var inner = try reader.readMessage(wireType, field: "child")
                    try descend(&inner)
                }
            }
            try descend(&reader)
        }
        #expect(failure?.message.contains("nested more than 64") == true)
    }

    @Test func skippingEveryWireType() throws {
        var writer = ProtoWriter()
        writer.writeVarintField(90, UInt64(1234))
        writer.writeFixed32Field(91, 7)
        writer.writeFixed64Field(92, 8)
        writer.writeBytesField(93, [1, 2, 3])
        writer.writeVarintField(2, UInt64(42))
        let found = try read(writer.bytes) { (reader) throws(ORTError) -> UInt64? in
            var value: UInt64?
            while !reader.isAtEnd {
                let (field, wireType) = try reader.readTag()
                if field == 2 { value = try reader.readVarint(wireType, field: "x") } else { try reader.skip(wireType) }
            }
            return value
        }
        #expect(found == 42)
    }
}
