#if Server && Client
import ONNXRuntimeServing

/// Little-endian bytes of fixed-width values, and BYTES elements in the binary extension's form.
enum LittleEndian {
    static func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    }

    static func floats(_ values: [Float]) -> [UInt8] { bytes(values.map(\.bitPattern)) }

    static func values<T: FixedWidthInteger>(_ bytes: [UInt8], as type: T.Type) -> [T] {
        let size = MemoryLayout<T>.size
        return stride(from: 0, to: bytes.count, by: size).map { offset in
            bytes[offset..<(offset + size)].reversed().reduce(T.zero) { $0 << 8 | T($1) }
        }
    }

    static func strings(_ strings: [String]) -> [UInt8] {
        strings.flatMap { string -> [UInt8] in
            let utf8 = Array(string.utf8)
            return bytes([UInt32(utf8.count)]) + utf8
        }
    }

    /// Byte strings in the binary layout: each a 4-byte little-endian length, then its bytes.
    static func byteStrings(_ elements: [[UInt8]]) -> [UInt8] {
        elements.flatMap { bytes([UInt32($0.count)]) + $0 }
    }

    static func decodeStrings(_ bytes: [UInt8]) -> [String] {
        var result: [String] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(values(Array(bytes[offset..<(offset + 4)]), as: UInt32.self)[0])
            offset += 4
            result.append(String(decoding: bytes[offset..<(offset + length)], as: UTF8.self))
            offset += length
        }
        return result
    }
}

extension JSONValue {
    /// A JSON array of integers.
    static func ints(_ values: [Int64]) -> JSONValue { .array(values.map { .number(.int($0)) }) }
    /// A JSON array of numbers.
    static func doubles(_ values: [Double]) -> JSONValue { .array(values.map { .number(.double($0)) }) }
    /// A JSON array of strings.
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
    /// The elements of a JSON array as doubles.
    var doubles: [Double] { arrayValue?.compactMap(\.doubleValue) ?? [] }
    /// The elements of a JSON array as integers.
    var int64s: [Int64] { arrayValue?.compactMap(\.int64Value) ?? [] }
}
#endif
