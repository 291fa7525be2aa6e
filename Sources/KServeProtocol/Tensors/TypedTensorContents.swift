#if Client || Server
import KServeGRPCProtocol

/// Typed tensor elements of the gRPC protocol (`InferTensorContents`), to and from ``TensorData``.
///
/// Each datatype has one field: BOOL `bool_contents`; INT8, INT16, INT32 `int_contents`; INT64 `int64_contents`;
/// UINT8, UINT16, UINT32 `uint_contents`; UINT64 `uint64_contents`; FP32 `fp32_contents`; FP64 `fp64_contents`;
/// BYTES `bytes_contents`. FP16 and BF16 have none and must travel as raw contents. Values out of a narrow type's
/// range are refused rather than wrapped.
package enum TypedTensorContents {
    /// What is wrong with typed contents.
    package enum Problem: Error, Sendable, Hashable {
        /// The datatype has no typed field (FP16, BF16).
        case noField
        /// The datatype's elements go in `field`, but `other` is set.
        case otherField(field: String, other: String)
        /// Element `index` is `value`, outside the range `range` of the datatype.
        case outOfRange(index: Int, value: String, range: String)
    }

    /// The field that holds a datatype's elements, or `nil` if it has none.
    /// - Parameter datatype: The tensor's datatype.
    package static func fieldName(_ datatype: DataType) -> String? {
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

    /// The number of elements in the datatype's field, after checking that no other field is set.
    /// - Returns: The field's name and its element count.
    /// - Throws: ``Problem/noField`` or ``Problem/otherField(field:other:)``.
    package static func elementCount(_ contents: Inference_InferTensorContents, datatype: DataType) throws(Problem)
        -> (field: String, count: Int)
    {
        let counts: [(field: String, count: Int)] = [
            ("bool_contents", contents.boolContents.count), ("int_contents", contents.intContents.count),
            ("int64_contents", contents.int64Contents.count), ("uint_contents", contents.uintContents.count),
            ("uint64_contents", contents.uint64Contents.count), ("fp32_contents", contents.fp32Contents.count),
            ("fp64_contents", contents.fp64Contents.count), ("bytes_contents", contents.bytesContents.count),
        ]
        guard let field = fieldName(datatype) else { throw .noField }
        if let other = counts.first(where: { $0.field != field && $0.count > 0 }) {
            throw .otherField(field: field, other: other.field)
        }
        return (field, counts.first { $0.field == field }?.count ?? 0)
    }

    /// The elements of the datatype's field (call ``elementCount(_:datatype:)`` first to check the fields).
    /// - Throws: ``Problem/noField`` for FP16 and BF16, ``Problem/outOfRange(index:value:range:)`` for a value a
    ///   narrow type cannot hold.
    package static func tensorData(_ contents: Inference_InferTensorContents, datatype: DataType) throws(Problem)
        -> TensorData
    {
        switch datatype {
        case .bool: return .bool(contents.boolContents)
        case .int8: return .int8(try narrow(contents.intContents))
        case .int16: return .int16(try narrow(contents.intContents))
        case .int32: return .int32(contents.intContents)
        case .int64: return .int64(contents.int64Contents)
        case .uint8: return .uint8(try narrow(contents.uintContents))
        case .uint16: return .uint16(try narrow(contents.uintContents))
        case .uint32: return .uint32(contents.uintContents)
        case .uint64: return .uint64(contents.uint64Contents)
        case .fp32: return .fp32(contents.fp32Contents)
        case .fp64: return .fp64(contents.fp64Contents)
        case .bytes: return .bytes(contents.bytesContents.map { Array($0) })
        case .fp16, .bf16: throw .noField
        }
    }

    private static func narrow<Wide: BinaryInteger, Narrow: FixedWidthInteger>(_ values: [Wide]) throws(Problem)
        -> [Narrow]
    {
        var narrow: [Narrow] = []
        narrow.reserveCapacity(values.count)
        for (index, value) in values.enumerated() {
            guard let fitted = Narrow(exactly: value) else {
                throw .outOfRange(index: index, value: "\(value)", range: "\(Narrow.min)...\(Narrow.max)")
            }
            narrow.append(fitted)
        }
        return narrow
    }
}
#endif
