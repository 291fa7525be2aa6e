/// The binary tensor data extension's layout: little-endian, row-major, no padding; `BOOL` one byte per element (0 or
/// 1); `BYTES` each element a 4-byte little-endian unsigned length followed by that many bytes.
///
/// The server and the client both read and write tensors through this one description; each words its own errors
/// from ``Problem``.
package enum BinaryTensorLayout {
    /// What is wrong with binary tensor data.
    package enum Problem: Error, Sendable, Hashable {
        /// A fixed-size datatype's data is not `count` elements long; `expected` is `nil` when the size overflows.
        case size(expected: Int?, actual: Int)
        /// The 4-byte length prefix of BYTES element `element` is cut off.
        case truncatedLength(element: Int)
        /// BYTES element `element` says it has `length` bytes, but only `remaining` are left.
        case overrun(element: Int, length: UInt32, remaining: Int)
        /// The data holds `found` BYTES elements (or more, when `orMore`), not `expected`.
        case elementCount(found: Int, orMore: Bool, expected: Int)
        /// A BYTES element of `length` bytes does not fit a 4-byte length prefix.
        case elementTooLarge(length: Int)
    }

    /// The number of bytes `count` elements of a fixed-size datatype take; `nil` for `BYTES` or on overflow.
    /// - Parameters:
    ///   - count: The number of elements.
    ///   - datatype: Their datatype.
    package static func byteCount(_ count: Int, of datatype: DataType) -> Int? {
        guard let size = datatype.elementSize else { return nil }
        let (total, overflow) = count.multipliedReportingOverflow(by: size)
        return overflow ? nil : total
    }

    /// Checks that `bytes` holds exactly `count` elements of `datatype` (for `BYTES`: exactly `count` length-prefixed
    /// elements, walking no further than one past `count`).
    /// - Throws: ``Problem`` naming the first inconsistency.
    package static func checkSize(_ bytes: ArraySlice<UInt8>, datatype: DataType, count: Int) throws(Problem) {
        if datatype.elementSize != nil {
            let expected = byteCount(count, of: datatype)
            guard expected == bytes.count else { throw .size(expected: expected, actual: bytes.count) }
            return
        }
        var elements = 0
        try forEachBytesElement(bytes, limit: count) { _ in elements += 1 }
        guard elements == count else {
            throw .elementCount(found: elements, orMore: elements > count, expected: count)
        }
    }

    /// Calls `body` with each BYTES element's range in `bytes`, in order, stopping after `limit + 1` elements.
    /// - Throws: ``Problem/truncatedLength(element:)`` or ``Problem/overrun(element:length:remaining:)``.
    package static func forEachBytesElement(
        _ bytes: ArraySlice<UInt8>, limit: Int = .max, _ body: (Range<Int>) -> Void
    ) throws(Problem) {
        var offset = bytes.startIndex
        var elements = 0
        while offset < bytes.endIndex {
            guard bytes.endIndex - offset >= 4 else { throw .truncatedLength(element: elements) }
            let length = readLength(bytes, at: offset)
            offset += 4
            guard UInt64(length) <= UInt64(bytes.endIndex - offset) else {
                throw .overrun(element: elements, length: length, remaining: bytes.endIndex - offset)
            }
            body(offset..<offset + Int(length))
            offset += Int(length)
            elements += 1
            guard elements <= limit else { return }
        }
    }

    /// Reads a 4-byte little-endian length at `offset` (which must have 4 bytes after it).
    package static func readLength(_ bytes: ArraySlice<UInt8>, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    /// Appends a 4-byte little-endian length (the low 32 bits of `length`).
    package static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
        let value = UInt32(truncatingIfNeeded: length)
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
    }

    /// Appends integers in little-endian order.
    package static func appendLittleEndian<T: FixedWidthInteger>(_ values: [T], to out: inout [UInt8]) {
        let size = MemoryLayout<T>.size
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: values.count * size))
        out.withUnsafeMutableBytes { raw in
            for (index, value) in values.enumerated() {
                raw.storeBytes(of: value.littleEndian, toByteOffset: start + index * size, as: T.self)
            }
        }
    }

    /// Reads little-endian integers filling `bytes` (a trailing partial element is ignored).
    package static func readLittleEndian<T: FixedWidthInteger>(_ bytes: ArraySlice<UInt8>, as type: T.Type) -> [T] {
        let size = MemoryLayout<T>.size
        return bytes.withUnsafeBytes { raw in
            (0..<raw.count / size).map { T(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * size, as: T.self)) }
        }
    }

    /// Appends the elements of `data` in the binary layout.
    /// - Throws: ``Problem/elementTooLarge(length:)`` for a BYTES element of 4 GiB or more.
    package static func append(_ data: TensorData, to out: inout [UInt8]) throws(Problem) {
        switch data {
        case .bool(let values): out.append(contentsOf: values.lazy.map { $0 ? 1 : 0 })
        case .uint8(let values): out.append(contentsOf: values)
        case .int8(let values): out.append(contentsOf: values.lazy.map { UInt8(bitPattern: $0) })
        case .uint16(let values): appendLittleEndian(values, to: &out)
        case .int16(let values): appendLittleEndian(values, to: &out)
        case .uint32(let values): appendLittleEndian(values, to: &out)
        case .int32(let values): appendLittleEndian(values, to: &out)
        case .uint64(let values): appendLittleEndian(values, to: &out)
        case .int64(let values): appendLittleEndian(values, to: &out)
        case .fp16(let bits), .bf16(let bits): appendLittleEndian(bits, to: &out)
        case .fp32(let values): appendLittleEndian(values.map(\.bitPattern), to: &out)
        case .fp64(let values): appendLittleEndian(values.map(\.bitPattern), to: &out)
        case .bytes(let values): try appendBytesElements(values, to: &out)
        }
    }

    /// Appends BYTES elements, each as its 4-byte length and its bytes, from any byte collections (arrays, or the
    /// `Data` of typed gRPC contents without copying them to arrays first).
    /// - Throws: ``Problem/elementTooLarge(length:)`` for an element of 4 GiB or more.
    package static func appendBytesElements<Element: Collection<UInt8>>(_ values: [Element], to out: inout [UInt8])
        throws(Problem)
    {
        out.reserveCapacity(out.count + values.reduce(0) { $0 + 4 + $1.count })
        for value in values {
            guard UInt32(exactly: value.count) != nil else { throw .elementTooLarge(length: value.count) }
            appendLength(value.count, to: &out)
            out.append(contentsOf: value)
        }
    }

    /// Decodes `count` elements of `datatype` that fill `bytes` exactly.
    /// - Throws: ``Problem`` when the data is not exactly `count` elements.
    package static func decode(_ bytes: ArraySlice<UInt8>, datatype: DataType, count: Int) throws(Problem)
        -> TensorData
    {
        if datatype.elementSize != nil {
            let expected = byteCount(count, of: datatype)
            guard expected == bytes.count else { throw .size(expected: expected, actual: bytes.count) }
        }
        switch datatype {
        case .bool: return .bool(bytes.map { $0 != 0 })
        case .uint8: return .uint8(Array(bytes))
        case .int8: return .int8(bytes.map { Int8(bitPattern: $0) })
        case .uint16: return .uint16(readLittleEndian(bytes, as: UInt16.self))
        case .int16: return .int16(readLittleEndian(bytes, as: Int16.self))
        case .uint32: return .uint32(readLittleEndian(bytes, as: UInt32.self))
        case .int32: return .int32(readLittleEndian(bytes, as: Int32.self))
        case .uint64: return .uint64(readLittleEndian(bytes, as: UInt64.self))
        case .int64: return .int64(readLittleEndian(bytes, as: Int64.self))
        case .fp16: return .fp16(readLittleEndian(bytes, as: UInt16.self))
        case .bf16: return .bf16(readLittleEndian(bytes, as: UInt16.self))
        case .fp32: return .fp32(readLittleEndian(bytes, as: UInt32.self).map(Float.init(bitPattern:)))
        case .fp64: return .fp64(readLittleEndian(bytes, as: UInt64.self).map(Double.init(bitPattern:)))
        case .bytes:
            var elements: [[UInt8]] = []
            try forEachBytesElement(bytes) { elements.append(Array(bytes[$0])) }
            guard elements.count == count else {
                throw .elementCount(found: elements.count, orMore: false, expected: count)
            }
            return .bytes(elements)
        }
    }
}
