import CONNXRuntime

/// The element type of a tensor: every type ONNX Runtime supports.
///
/// Types with a Swift counterpart (``TensorElement``) can be read and written as typed arrays. The float8, 4-bit and
/// complex types are handled as raw bytes in ONNX's own layout (``Value/init(rawBytes:elementType:shape:)``).
public enum ElementType: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case float32 = 1
    case uint8 = 2
    case int8 = 3
    case uint16 = 4
    case int16 = 5
    case int32 = 6
    case int64 = 7
    case string = 8
    case bool = 9
    case float16 = 10
    case float64 = 11
    case uint32 = 12
    case uint64 = 13
    case complex64 = 14
    case complex128 = 15
    case bfloat16 = 16
    case float8e4m3fn = 17
    case float8e4m3fnuz = 18
    case float8e5m2 = 19
    case float8e5m2fnuz = 20
    case uint4 = 21
    case int4 = 22
    case float4e2m1 = 23

    /// The name ONNX uses in type strings such as `tensor(float)`.
    public var onnxName: String {
        switch self {
        case .float32: "float"
        case .float64: "double"
        case .float16: "float16"
        case .bfloat16: "bfloat16"
        case .int8: "int8"
        case .int16: "int16"
        case .int32: "int32"
        case .int64: "int64"
        case .uint8: "uint8"
        case .uint16: "uint16"
        case .uint32: "uint32"
        case .uint64: "uint64"
        case .bool: "bool"
        case .string: "string"
        case .complex64: "complex64"
        case .complex128: "complex128"
        case .float8e4m3fn: "float8e4m3fn"
        case .float8e4m3fnuz: "float8e4m3fnuz"
        case .float8e5m2: "float8e5m2"
        case .float8e5m2fnuz: "float8e5m2fnuz"
        case .uint4: "uint4"
        case .int4: "int4"
        case .float4e2m1: "float4e2m1"
        }
    }

    /// A short, NumPy-like name such as `float32`, used in messages.
    public var description: String {
        switch self {
        case .float32: "float32"
        case .float64: "float64"
        default: onnxName
        }
    }

    /// Bits per element: 4 for the packed types, 0 for strings.
    public var bitWidth: Int {
        switch self {
        case .string: 0
        case .uint4, .int4, .float4e2m1: 4
        case .uint8, .int8, .bool, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz: 8
        case .uint16, .int16, .float16, .bfloat16: 16
        case .int32, .uint32, .float32: 32
        case .int64, .uint64, .float64, .complex64: 64
        case .complex128: 128
        }
    }

    /// The bytes `count` elements occupy in ORT's layout (4-bit types pack two elements per byte), or `nil` on
    /// overflow. Strings have no fixed size and return `nil`.
    public func byteCount(forElementCount count: Int) -> Int? {
        guard self != .string, count >= 0 else { return nil }
        if bitWidth == 4 { return count / 2 + count % 2 }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: bitWidth / 8)
        return overflow ? nil : bytes
    }

    init?(_ raw: ONNXTensorElementDataType) {
        self.init(rawValue: Int32(bitPattern: raw.rawValue))
    }

    var raw: ONNXTensorElementDataType { ONNXTensorElementDataType(rawValue: UInt32(rawValue)) }
}
