#if Server
import ONNXRuntime

extension DataType {
    /// The ONNX Runtime element type a tensor of this datatype is made of.
    ///
    /// The mapping is one to one; see <doc:ElementTypes> for the table. ORT element types without a V2 datatype (the
    /// float8, 4-bit and complex types) cannot be served.
    public var elementType: ElementType {
        switch self {
        case .bool: .bool
        case .uint8: .uint8
        case .uint16: .uint16
        case .uint32: .uint32
        case .uint64: .uint64
        case .int8: .int8
        case .int16: .int16
        case .int32: .int32
        case .int64: .int64
        case .fp16: .float16
        case .fp32: .float32
        case .fp64: .float64
        case .bytes: .string
        case .bf16: .bfloat16
        }
    }

    /// The datatype for an ONNX Runtime element type, or `nil` if the protocol has none.
    /// - Parameter elementType: The element type of a model input or output.
    public init?(_ elementType: ElementType) {
        switch elementType {
        case .bool: self = .bool
        case .uint8: self = .uint8
        case .uint16: self = .uint16
        case .uint32: self = .uint32
        case .uint64: self = .uint64
        case .int8: self = .int8
        case .int16: self = .int16
        case .int32: self = .int32
        case .int64: self = .int64
        case .float16: self = .fp16
        case .float32: self = .fp32
        case .float64: self = .fp64
        case .string: self = .bytes
        case .bfloat16: self = .bf16
        default: return nil
        }
    }
}
#endif
