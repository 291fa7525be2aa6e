#if Client
/// The element type of a tensor, as the KServe V2 protocol names it in `datatype` fields.
///
/// The raw value is the protocol's name (`"FP32"`, `"BYTES"`, ...). `BF16` is Triton's addition to the standard list.
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
    /// `BF16`: bfloat16, the upper half of an IEEE single; binary form only in Triton's clients.
    case bf16 = "BF16"

    /// The size of one element in the binary tensor data form, or `nil` for ``bytes`` (variable length).
    public var elementSize: Int? {
        switch self {
        case .bool, .uint8, .int8: return 1
        case .uint16, .int16, .fp16, .bf16: return 2
        case .uint32, .int32, .fp32: return 4
        case .uint64, .int64, .fp64: return 8
        case .bytes: return nil
        }
    }

    /// The protocol name, e.g. `FP32`.
    public var description: String { rawValue }
}
#endif
