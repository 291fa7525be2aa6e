#if Server
import ONNXRuntime

/// A KServe V2 tensor datatype, and the ONNX Runtime element type it maps to.
///
/// The mapping is one to one; see <doc:Datatypes> for the table. ORT element types without a V2 datatype (the float8,
/// 4-bit and complex types) cannot be served.
public enum DataType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `BOOL`: one byte, 0 or 1 (`ElementType.bool`).
    case bool = "BOOL"
    /// `UINT8` (`ElementType.uint8`).
    case uint8 = "UINT8"
    /// `UINT16` (`ElementType.uint16`).
    case uint16 = "UINT16"
    /// `UINT32` (`ElementType.uint32`).
    case uint32 = "UINT32"
    /// `UINT64` (`ElementType.uint64`).
    case uint64 = "UINT64"
    /// `INT8` (`ElementType.int8`).
    case int8 = "INT8"
    /// `INT16` (`ElementType.int16`).
    case int16 = "INT16"
    /// `INT32` (`ElementType.int32`).
    case int32 = "INT32"
    /// `INT64` (`ElementType.int64`).
    case int64 = "INT64"
    /// `FP16`: IEEE half precision (`ElementType.float16`).
    case fp16 = "FP16"
    /// `FP32` (`ElementType.float32`).
    case fp32 = "FP32"
    /// `FP64` (`ElementType.float64`).
    case fp64 = "FP64"
    /// `BYTES`: variable-length byte strings (`ElementType.string`).
    case bytes = "BYTES"
    /// `BF16`: brain float, binary tensor data only (`ElementType.bfloat16`).
    case bf16 = "BF16"

    /// The protocol's name for the datatype, such as `FP32`.
    public var description: String { rawValue }

    /// The ONNX Runtime element type.
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

    /// The datatype for a model-configuration type name such as `TYPE_FP32` (`TYPE_STRING` is `BYTES`).
    public init?(configName: String) {
        switch configName {
        case "TYPE_STRING": self = .bytes
        case "TYPE_BYTES": return nil
        default:
            guard configName.hasPrefix("TYPE_"), let type = DataType(rawValue: String(configName.dropFirst(5))) else {
                return nil
            }
            self = type
        }
    }

    /// The model-configuration name, such as `TYPE_FP32` (`TYPE_STRING` for `BYTES`).
    public var configName: String {
        self == .bytes ? "TYPE_STRING" : "TYPE_" + rawValue
    }

    /// Bytes per element in binary form; `nil` for `BYTES`, whose elements carry their own length.
    public var byteSize: Int? {
        switch self {
        case .bool, .uint8, .int8: 1
        case .uint16, .int16, .fp16, .bf16: 2
        case .uint32, .int32, .fp32: 4
        case .uint64, .int64, .fp64: 8
        case .bytes: nil
        }
    }

    /// Whether tensors of this type may be sent and returned as JSON (every type but `BF16`).
    public var supportsJSON: Bool { self != .bf16 }
}
#endif
