#if Server
import ONNXRuntime

/// Tensor data in the binary tensor data extension's form: little-endian, row-major, no padding; `BOOL` one byte per
/// element; `BYTES` each element a 4-byte little-endian length followed by that many bytes.
enum BinaryTensorData {
    /// Checks that `bytes` is exactly the size `count` elements of `datatype` take (for `BYTES`: exactly `count`
    /// length-prefixed elements).
    static func checkSize(_ bytes: ArraySlice<UInt8>, datatype: DataType, shape: [Int], count: Int, name: String)
        throws(ServingError)
    {
        if let size = datatype.byteSize {
            let (expected, overflow) = count.multipliedReportingOverflow(by: size)
            guard !overflow, expected == bytes.count else {
                throw .badRequest(
                    "input '\(name)' has shape \(shape) of \(datatype), which takes \(overflow ? "too many" : "\(expected)") "
                        + "bytes, but 'binary_data_size' is \(bytes.count)")
            }
            return
        }
        var offset = bytes.startIndex
        var elements = 0
        while offset < bytes.endIndex {
            guard bytes.endIndex - offset >= 4 else {
                throw .badRequest(
                    "input '\(name)': BYTES element \(elements) is truncated: its 4-byte length prefix is cut off")
            }
            let length = Int(readLength(bytes, at: offset))
            offset += 4
            guard bytes.endIndex - offset >= length else {
                throw .badRequest(
                    "input '\(name)': BYTES element \(elements) says it has \(length) bytes, but only "
                        + "\(bytes.endIndex - offset) remain")
            }
            offset += length
            elements += 1
            guard elements <= count else { break }
        }
        guard elements == count else {
            throw .badRequest(
                "input '\(name)' has shape \(shape), which holds \(count) element\(count == 1 ? "" : "s"), but its "
                    + "binary data holds \(elements)\(elements > count ? " or more" : "") BYTES elements")
        }
    }

    /// Makes a tensor from checked binary data.
    static func makeValue(_ bytes: ArraySlice<UInt8>, datatype: DataType, shape: [Int], count: Int, name: String)
        throws(ServingError) -> Value
    {
        do {
            switch datatype {
            case .bytes:
                var strings: [String] = []
                strings.reserveCapacity(count)
                var offset = bytes.startIndex
                for index in 0..<count {
                    let length = Int(readLength(bytes, at: offset))
                    offset += 4
                    guard let text = String(validating: bytes[offset..<(offset + length)], as: UTF8.self) else {
                        throw ServingError.badRequest(
                            "input '\(name)': BYTES element \(index) is not valid UTF-8; this server passes BYTES "
                                + "to ONNX Runtime as string tensors, which hold text")
                    }
                    strings.append(text)
                    offset += length
                }
                return try Tensor(strings, shape: shape).value
            case .bool:
                if let bad = bytes.firstIndex(where: { $0 > 1 }) {
                    throw ServingError.badRequest(
                        "input '\(name)': BOOL element \(bad - bytes.startIndex) is \(bytes[bad]); BOOL elements "
                            + "are one byte, 0 or 1")
                }
                return try Value(rawBytes: bytes, elementType: .bool, shape: shape)
            default:
                return try Value(rawBytes: bytes, elementType: datatype.elementType, shape: shape)
            }
        } catch let error as ServingError {
            throw error
        } catch {
            throw .internal("input '\(name)': could not create the tensor: \(error)")
        }
    }

    /// Reads a 4-byte little-endian length.
    static func readLength(_ bytes: ArraySlice<UInt8>, at offset: Int) -> UInt32 {
        UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16
            | UInt32(bytes[offset + 3]) << 24
    }

    /// Appends a 4-byte little-endian length.
    static func appendLength(_ length: Int, to bytes: inout [UInt8]) {
        let value = UInt32(truncatingIfNeeded: length)
        bytes.append(UInt8(truncatingIfNeeded: value))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
    }
}
#endif
