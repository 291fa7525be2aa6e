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
        do {
            try BinaryTensorLayout.checkSize(bytes, datatype: datatype, count: count)
        } catch {
            switch error {
            case .size(let expected, let actual):
                throw .badRequest(
                    "input '\(name)' has shape \(shape) of \(datatype), which takes "
                        + "\(expected.map { "\($0)" } ?? "too many") bytes, but 'binary_data_size' is \(actual)")
            case .truncatedLength(let element):
                throw .badRequest(
                    "input '\(name)': BYTES element \(element) is truncated: its 4-byte length prefix is cut off")
            case .overrun(let element, let length, let remaining):
                throw .badRequest(
                    "input '\(name)': BYTES element \(element) says it has \(length) bytes, but only "
                        + "\(remaining) remain")
            case .elementCount(let found, let orMore, let expected):
                throw .badRequest(
                    "input '\(name)' has shape \(shape), which holds \(expected) element\(expected == 1 ? "" : "s"), "
                        + "but its binary data holds \(found)\(orMore ? " or more" : "") BYTES elements")
            case .elementTooLarge:
                throw .internal("input '\(name)': unexpected binary data check")
            }
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
                    let length = Int(BinaryTensorLayout.readLength(bytes, at: offset))
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
}
#endif
