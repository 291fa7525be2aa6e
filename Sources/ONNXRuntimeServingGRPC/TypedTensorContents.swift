#if Server
import KServeGRPCProtocol
import ONNXRuntimeServing

/// Typed tensor elements (`InferTensorContents`) written in the binary tensor data extension's layout.
///
/// Each datatype has one field: BOOL `bool_contents`; INT8, INT16, INT32 `int_contents`; INT64 `int64_contents`;
/// UINT8, UINT16, UINT32 `uint_contents`; UINT64 `uint64_contents`; FP32 `fp32_contents`; FP64 `fp64_contents`;
/// BYTES `bytes_contents`. FP16 and BF16 have none and must be sent raw. Values out of a narrow type's range are
/// refused rather than wrapped.
package enum TypedTensorContents {
    /// Appends the elements of `contents` to `body`.
    /// - Throws: ``ServingError`` (400) when the field does not fit the datatype, another field is also set, the
    ///   element count differs from the shape's, passes `maximumElements`, or a value is out of range.
    package static func append(
        _ contents: Inference_InferTensorContents, name: String, datatype: DataType, shape: [Int],
        maximumElements: Int, to body: inout [UInt8]
    ) throws(ServingError) {
        let counts: [(field: String, count: Int)] = [
            ("bool_contents", contents.boolContents.count), ("int_contents", contents.intContents.count),
            ("int64_contents", contents.int64Contents.count), ("uint_contents", contents.uintContents.count),
            ("uint64_contents", contents.uint64Contents.count), ("fp32_contents", contents.fp32Contents.count),
            ("fp64_contents", contents.fp64Contents.count), ("bytes_contents", contents.bytesContents.count),
        ]
        guard let field = fieldName(datatype) else {
            throw .badRequest(
                "input '\(name)' is \(datatype), which has no typed contents field; send it in raw_input_contents")
        }
        if let other = counts.first(where: { $0.field != field && $0.count > 0 }) {
            throw .badRequest(
                "input '\(name)' is \(datatype), whose elements go in '\(field)', but '\(other.field)' is set")
        }
        let given = counts.first { $0.field == field }?.count ?? 0
        let expected = try InferencePlan.elementCount(shape, input: name, maximumElements: maximumElements)
        guard given == expected else {
            throw .badRequest(
                "input '\(name)' has shape \(shape), which holds \(expected) element\(expected == 1 ? "" : "s"), but "
                    + "'\(field)' has \(given)")
        }
        switch datatype {
        case .bool: body.append(contentsOf: contents.boolContents.map { $0 ? 1 : 0 })
        case .int8: try appendNarrow(contents.intContents, as: Int8.self, name: name, datatype: datatype, to: &body)
        case .int16: try appendNarrow(contents.intContents, as: Int16.self, name: name, datatype: datatype, to: &body)
        case .int32: appendLittleEndian(contents.intContents, to: &body)
        case .int64: appendLittleEndian(contents.int64Contents, to: &body)
        case .uint8: try appendNarrow(contents.uintContents, as: UInt8.self, name: name, datatype: datatype, to: &body)
        case .uint16:
            try appendNarrow(contents.uintContents, as: UInt16.self, name: name, datatype: datatype, to: &body)
        case .uint32: appendLittleEndian(contents.uintContents, to: &body)
        case .uint64: appendLittleEndian(contents.uint64Contents, to: &body)
        case .fp32: appendLittleEndian(contents.fp32Contents.map(\.bitPattern), to: &body)
        case .fp64: appendLittleEndian(contents.fp64Contents.map(\.bitPattern), to: &body)
        case .bytes:
            for element in contents.bytesContents {
                guard let length = UInt32(exactly: element.count) else {
                    throw .badRequest("input '\(name)': a BYTES element is larger than 4 GiB")
                }
                appendLittleEndian([length], to: &body)
                body.append(contentsOf: element)
            }
        case .fp16, .bf16: break  // no typed field; refused above
        }
    }

    /// The field that holds a datatype's elements, or `nil` if it has none.
    static func fieldName(_ datatype: DataType) -> String? {
        switch datatype {
        case .bool: "bool_contents"
        case .int8, .int16, .int32: "int_contents"
        case .int64: "int64_contents"
        case .uint8, .uint16, .uint32: "uint_contents"
        case .uint64: "uint64_contents"
        case .fp32: "fp32_contents"
        case .fp64: "fp64_contents"
        case .bytes: "bytes_contents"
        case .fp16, .bf16: nil
        }
    }

    private static func appendNarrow<Wide: BinaryInteger, Narrow: FixedWidthInteger>(
        _ values: [Wide], as type: Narrow.Type, name: String, datatype: DataType, to body: inout [UInt8]
    ) throws(ServingError) {
        var narrow: [Narrow] = []
        narrow.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            guard let fitted = Narrow(exactly: value) else {
                throw .badRequest(
                    "input '\(name)': element \(index) is \(value), outside the range of \(datatype) "
                        + "(\(Narrow.min)...\(Narrow.max))")
            }
            narrow.append(fitted)
        }
        appendLittleEndian(narrow, to: &body)
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ values: [T], to body: inout [UInt8]) {
        body.reserveCapacity(body.count + values.count * MemoryLayout<T>.size)
        for value in values {
            withUnsafeBytes(of: value.littleEndian) { body.append(contentsOf: $0) }
        }
    }
}
#endif
