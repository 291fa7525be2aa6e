import KServeProtocol
import Testing

/// The binary tensor data layout of every datatype, checked against bytes written out by hand from Triton's binary
/// tensor data extension, and every size check.
@Suite struct BinaryTensorLayoutTests {
    /// One datatype's elements and their bytes, little-endian, worked out by hand.
    static let layouts: [(TensorData, [UInt8])] = [
        (.bool([true, false, true]), [1, 0, 1]),
        (.uint8([0, 7, 255]), [0, 7, 255]),
        (.uint16([0x0102, 0xFFFF]), [0x02, 0x01, 0xFF, 0xFF]),
        (.uint32([0x0102_0304]), [0x04, 0x03, 0x02, 0x01]),
        (.uint64([0x0102_0304_0506_0708]), [0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01]),
        (.int8([-128, -1, 127]), [0x80, 0xFF, 0x7F]),
        (.int16([-2, 0x1234]), [0xFE, 0xFF, 0x34, 0x12]),
        (.int32([-1, 1]), [0xFF, 0xFF, 0xFF, 0xFF, 1, 0, 0, 0]),
        (.int64([-2]), [0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]),
        (.fp16([0x3C00, 0xC000]), [0x00, 0x3C, 0x00, 0xC0]),
        (.fp32([1, -2]), [0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0]),
        (.fp64([1]), [0, 0, 0, 0, 0, 0, 0xF0, 0x3F]),
        (.bf16([0x3F80, 0xC049]), [0x80, 0x3F, 0x49, 0xC0]),
        // BYTES: a 4-byte little-endian length before each element; empty elements keep their prefix.
        (.strings(["ab", "", "é"]), [2, 0, 0, 0, 0x61, 0x62, 0, 0, 0, 0, 2, 0, 0, 0, 0xC3, 0xA9]),
        (.fp32([]), []),
    ]

    @Test func layoutOfEveryType() throws {
        for (data, bytes) in Self.layouts {
            var written: [UInt8] = [0xEE]
            try BinaryTensorLayout.append(data, to: &written)
            #expect(written == [0xEE] + bytes, "\(data)")
            let read = try BinaryTensorLayout.decode(bytes[...], datatype: data.dataType, count: data.count)
            #expect(read == data)
            try BinaryTensorLayout.checkSize(bytes[...], datatype: data.dataType, count: data.count)
        }
        var long: [UInt8] = []
        try BinaryTensorLayout.append(.bytes([Array(repeating: 0xAA, count: 300)]), to: &long)
        #expect(long.prefix(4) == [44, 1, 0, 0])
        #expect(long.count == 304)
    }

    @Test func bytesFromASliceKeepTheirOffsets() throws {
        let body: [UInt8] = [9, 9, 1, 0, 0, 0, 0x78, 9]
        let read = try BinaryTensorLayout.decode(body[2..<7], datatype: .bytes, count: 1)
        #expect(read == .bytes([[0x78]]))
        #expect(BinaryTensorLayout.readLength(body[2...], at: 2) == 1)
    }

    @Test func fixedSizeMismatches() {
        #expect(throws: BinaryTensorLayout.Problem.size(expected: 12, actual: 8)) {
            try BinaryTensorLayout.checkSize([UInt8](repeating: 0, count: 8)[...], datatype: .fp32, count: 3)
        }
        #expect(throws: BinaryTensorLayout.Problem.size(expected: nil, actual: 0)) {
            try BinaryTensorLayout.checkSize([][...], datatype: .int64, count: .max / 4)
        }
        #expect(throws: BinaryTensorLayout.Problem.size(expected: 2, actual: 3)) {
            try BinaryTensorLayout.decode([1, 2, 3][...], datatype: .fp16, count: 1)
        }
        #expect(BinaryTensorLayout.byteCount(3, of: .fp64) == 24)
        #expect(BinaryTensorLayout.byteCount(3, of: .bytes) == nil)
        #expect(BinaryTensorLayout.byteCount(.max, of: .int16) == nil)
    }

    @Test func bytesMismatches() {
        #expect(throws: BinaryTensorLayout.Problem.truncatedLength(element: 1)) {
            try BinaryTensorLayout.checkSize([0, 0, 0, 0, 1, 0][...], datatype: .bytes, count: 2)
        }
        #expect(throws: BinaryTensorLayout.Problem.overrun(element: 0, length: 5, remaining: 2)) {
            try BinaryTensorLayout.checkSize([5, 0, 0, 0, 1, 2][...], datatype: .bytes, count: 1)
        }
        #expect(throws: BinaryTensorLayout.Problem.overrun(element: 0, length: 0xFFFF_FFFF, remaining: 0)) {
            try BinaryTensorLayout.decode([0xFF, 0xFF, 0xFF, 0xFF][...], datatype: .bytes, count: 1)
        }
        #expect(throws: BinaryTensorLayout.Problem.elementCount(found: 1, orMore: false, expected: 2)) {
            try BinaryTensorLayout.checkSize([0, 0, 0, 0][...], datatype: .bytes, count: 2)
        }
        // The check stops one element past the shape's count: the data may hold more still.
        #expect(throws: BinaryTensorLayout.Problem.elementCount(found: 2, orMore: true, expected: 1)) {
            try BinaryTensorLayout.checkSize([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0][...], datatype: .bytes, count: 1)
        }
        #expect(throws: BinaryTensorLayout.Problem.elementCount(found: 3, orMore: false, expected: 1)) {
            try BinaryTensorLayout.decode([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0][...], datatype: .bytes, count: 1)
        }
    }

    @Test func littleEndianHelpers() {
        var out: [UInt8] = []
        BinaryTensorLayout.appendLength(0x0102_0304, to: &out)
        BinaryTensorLayout.appendLittleEndian([UInt16(0xABCD)], to: &out)
        #expect(out == [0x04, 0x03, 0x02, 0x01, 0xCD, 0xAB])
        #expect(
            BinaryTensorLayout.readLittleEndian([0x04, 0x03, 0x02, 0x01, 0xFF][...], as: UInt32.self) == [0x0102_0304])
    }
}
