/// A KServe V2 tensor datatype, as the protocol names it in `datatype` fields.
///
/// The raw value is the protocol's name (`"FP32"`, `"BYTES"`, ...). `BF16` is Triton's addition to the standard list.
/// <doc:Datatypes> says how each one travels in JSON and in binary form.
public enum DataType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// `BOOL`: one byte per element in binary form (0 or 1), `true`/`false` in JSON.
    case bool = "BOOL"
    /// `UINT8`: unsigned 8-bit integer.
    case uint8 = "UINT8"
    /// `UINT16`: unsigned 16-bit integer.
    case uint16 = "UINT16"
    /// `UINT32`: unsigned 32-bit integer.
    case uint32 = "UINT32"
    /// `UINT64`: unsigned 64-bit integer.
    case uint64 = "UINT64"
    /// `INT8`: signed 8-bit integer.
    case int8 = "INT8"
    /// `INT16`: signed 16-bit integer.
    case int16 = "INT16"
    /// `INT32`: signed 32-bit integer.
    case int32 = "INT32"
    /// `INT64`: signed 64-bit integer.
    case int64 = "INT64"
    /// `FP16`: IEEE 754 half precision (binary16).
    case fp16 = "FP16"
    /// `FP32`: IEEE 754 single precision.
    case fp32 = "FP32"
    /// `FP64`: IEEE 754 double precision.
    case fp64 = "FP64"
    /// `BYTES`: variable-length byte strings (text or binary); a 4-byte length prefix per element in binary form.
    case bytes = "BYTES"
    /// `BF16`: bfloat16, the upper half of an IEEE single; binary tensor data only.
    case bf16 = "BF16"

    /// The protocol's name for the datatype, such as `FP32`.
    public var description: String { rawValue }

    /// The size of one element in the binary tensor data form, or `nil` for ``bytes``, whose elements carry their own
    /// length.
    public var elementSize: Int? {
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

    /// The datatype for a model-configuration type name such as `TYPE_FP32` (`TYPE_STRING` is `BYTES`).
    /// - Parameter configName: A `data_type` value of Triton's model configuration.
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
}
