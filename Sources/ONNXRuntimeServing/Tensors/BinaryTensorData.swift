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
                // Each element goes from the body straight into its string-tensor element: any bytes, NULs included.
                var ranges: [Range<Int>] = []
                ranges.reserveCapacity(count)
                try BinaryTensorLayout.forEachBytesElement(bytes, limit: count) { ranges.append($0) }
                guard ranges.count == count else {
                    throw ServingError.internal("input '\(name)': \(ranges.count) BYTES elements after the size check")
                }
                return try Tensor<[UInt8]>(ranges.lazy.map { bytes[$0] }, shape: shape).value
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
