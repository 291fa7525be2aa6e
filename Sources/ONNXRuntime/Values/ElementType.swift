import CONNXRuntime

/// The element type of a tensor: every type ONNX Runtime supports.
///
/// Types with a Swift counterpart (``TensorElement``) can be read and written as typed arrays. The float8, 4-bit and
/// complex types are handled as raw bytes in ONNX's own layout (``Value/init(rawBytes:elementType:shape:)``).
public enum ElementType: Int32, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// 32-bit IEEE float (`Float`).
    case float32 = 1
    /// 8-bit unsigned integer (`UInt8`).
    case uint8 = 2
    /// 8-bit signed integer (`Int8`).
    case int8 = 3
    /// 16-bit unsigned integer (`UInt16`).
    case uint16 = 4
    /// 16-bit signed integer (`Int16`).
    case int16 = 5
    /// 32-bit signed integer (`Int32`).
    case int32 = 6
    /// 64-bit signed integer (`Int64`).
    case int64 = 7
    /// Byte string of any length (`[UInt8]`, or `String` when the bytes are UTF-8 text).
    case string = 8
    /// Boolean, one byte (`Bool`).
    case bool = 9
    /// 16-bit IEEE float (`Float16`).
    case float16 = 10
    /// 64-bit IEEE float (`Double`).
    case float64 = 11
    /// 32-bit unsigned integer (`UInt32`).
    case uint32 = 12
    /// 64-bit unsigned integer (`UInt64`).
    case uint64 = 13
    /// Complex number of two 32-bit floats (raw bytes).
    case complex64 = 14
    /// Complex number of two 64-bit floats (raw bytes).
    case complex128 = 15
    /// Brain float: the top 16 bits of a float32 (``BFloat16``).
    case bfloat16 = 16
    /// 8-bit float, 4 exponent and 3 mantissa bits, finite only (raw bytes).
    case float8e4m3fn = 17
    /// 8-bit float, 4 exponent and 3 mantissa bits, finite, no negative zero (raw bytes).
    case float8e4m3fnuz = 18
    /// 8-bit float, 5 exponent and 2 mantissa bits (raw bytes).
    case float8e5m2 = 19
    /// 8-bit float, 5 exponent and 2 mantissa bits, finite, no negative zero (raw bytes).
    case float8e5m2fnuz = 20
    /// 4-bit unsigned integer, two per byte, first in the low nibble (raw bytes).
    case uint4 = 21
    /// 4-bit signed integer, two per byte, first in the low nibble (raw bytes).
    case int4 = 22
    /// 4-bit float, 2 exponent bits and 1 mantissa bit, two per byte (raw bytes).
    case float4e2m1 = 23
    /// 2-bit unsigned integer, four per byte, first in the lowest bits (raw bytes).
    case uint2 = 24
    /// 2-bit signed integer, four per byte, first in the lowest bits (raw bytes).
    case int2 = 25
    /// 8-bit float with 8 exponent bits and no mantissa: powers of two (raw bytes).
    case float8e8m0 = 26

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
        case .uint2: "uint2"
        case .int2: "int2"
        case .float8e8m0: "float8e8m0"
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

    /// Bits per element: 2 or 4 for the packed types, 0 for strings.
    public var bitWidth: Int {
        switch self {
        case .string: 0
        case .uint2, .int2: 2
        case .uint4, .int4, .float4e2m1: 4
        case .uint8, .int8, .bool, .float8e4m3fn, .float8e4m3fnuz, .float8e5m2, .float8e5m2fnuz, .float8e8m0: 8
        case .uint16, .int16, .float16, .bfloat16: 16
        case .int32, .uint32, .float32: 32
        case .int64, .uint64, .float64, .complex64: 64
        case .complex128: 128
        }
    }

    /// The bytes `count` elements occupy in ORT's layout (4-bit types pack two elements per byte, 2-bit types four),
    /// or `nil` on
    /// overflow. Strings have no fixed size and return `nil`.
    public func byteCount(forElementCount count: Int) -> Int? {
        guard self != .string, count >= 0 else { return nil }
        if bitWidth < 8 {
            let perByte = 8 / bitWidth
            return count / perByte + (count % perByte == 0 ? 0 : 1)
        }
        let (bytes, overflow) = count.multipliedReportingOverflow(by: bitWidth / 8)
        return overflow ? nil : bytes
    }

    init?(_ raw: ONNXTensorElementDataType) {
        self.init(rawValue: Int32(bitPattern: raw.rawValue))
    }

    var raw: ONNXTensorElementDataType { ONNXTensorElementDataType(rawValue: UInt32(rawValue)) }
}
