/// The elements of a tensor, flat in row-major order, typed by the protocol's ``DataType``.
///
/// Half-precision types are carried as their 16-bit patterns so that every platform can hold them (`Float16` is not
/// available on all of them) and every value round-trips, NaN payloads included; ``fp16(floats:)`` and
/// ``bf16(floats:)`` build them from `Float`s (the client's `InferTensor.floats` reads them back).
///
/// ```swift
/// let x = TensorData.fp32([1, 2, 3, 4, 5, 6])
/// let words = TensorData.strings(["hello", "wörld"])
/// ```
public enum TensorData: Sendable, Hashable {
    /// `BOOL` elements.
    case bool([Bool])
    /// `UINT8` elements.
    case uint8([UInt8])
    /// `UINT16` elements.
    case uint16([UInt16])
    /// `UINT32` elements.
    case uint32([UInt32])
    /// `UINT64` elements.
    case uint64([UInt64])
    /// `INT8` elements.
    case int8([Int8])
    /// `INT16` elements.
    case int16([Int16])
    /// `INT32` elements.
    case int32([Int32])
    /// `INT64` elements.
    case int64([Int64])
    /// `FP16` elements as IEEE 754 binary16 bit patterns.
    case fp16([UInt16])
    /// `FP32` elements.
    case fp32([Float])
    /// `FP64` elements.
    case fp64([Double])
    /// `BYTES` elements, each an arbitrary byte string (NULs and bytes that are not UTF-8 included).
    case bytes([[UInt8]])
    /// `BF16` elements as bfloat16 bit patterns (the upper 16 bits of the `Float` with the same value).
    case bf16([UInt16])

    /// `BYTES` elements from strings, each stored as its UTF-8 bytes.
    /// - Parameter values: The strings.
    public static func strings(_ values: [String]) -> TensorData {
        .bytes(values.map { Array($0.utf8) })
    }

    /// `FP16` elements from `Float`s, each rounded to the nearest half-precision value (ties to even; out-of-range
    /// values become infinities).
    /// - Parameter values: The values to round.
    public static func fp16(floats values: [Float]) -> TensorData {
        .fp16(values.map(HalfConversion.halfBits(from:)))
    }

    /// `BF16` elements from `Float`s, each rounded to the nearest bfloat16 value (ties to even).
    /// - Parameter values: The values to round.
    public static func bf16(floats values: [Float]) -> TensorData {
        .bf16(values.map(HalfConversion.bfloat16Bits(from:)))
    }

    /// The protocol data type of these elements.
    public var dataType: DataType {
        switch self {
        case .bool: return .bool
        case .uint8: return .uint8
        case .uint16: return .uint16
        case .uint32: return .uint32
        case .uint64: return .uint64
        case .int8: return .int8
        case .int16: return .int16
        case .int32: return .int32
        case .int64: return .int64
        case .fp16: return .fp16
        case .fp32: return .fp32
        case .fp64: return .fp64
        case .bytes: return .bytes
        case .bf16: return .bf16
        }
    }

    /// The number of elements.
    public var count: Int {
        switch self {
        case .bool(let values): return values.count
        case .uint8(let values): return values.count
        case .uint16(let values): return values.count
        case .uint32(let values): return values.count
        case .uint64(let values): return values.count
        case .int8(let values): return values.count
        case .int16(let values): return values.count
        case .int32(let values): return values.count
        case .int64(let values): return values.count
        case .fp16(let values): return values.count
        case .fp32(let values): return values.count
        case .fp64(let values): return values.count
        case .bytes(let values): return values.count
        case .bf16(let values): return values.count
        }
    }
}

/// Conversions between `Float` and the two 16-bit floating-point formats, written out so they behave the same on
/// every platform.
package enum HalfConversion {
    /// The `Float` with the value of an IEEE 754 binary16 bit pattern (exact; NaN payloads kept).
    package static func float(fromHalfBits bits: UInt16) -> Float {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = UInt32(bits >> 10) & 0x1F
        let mantissa = UInt32(bits & 0x3FF)
        switch exponent {
        case 0:
            // Zero or subnormal: mantissa * 2^-24, exact in a Float.
            let magnitude = Float(mantissa) * 0x1p-24
            return sign == 0 ? magnitude : -magnitude
        case 0x1F:
            return Float(bitPattern: sign | 0x7F80_0000 | mantissa << 13)
        default:
            return Float(bitPattern: sign | (exponent + 112) << 23 | mantissa << 13)
        }
    }

    /// The binary16 bit pattern nearest to `value` (round to nearest, ties to even; overflow to infinity; NaN stays
    /// NaN with the top payload bits kept and the quiet bit set).
    package static func halfBits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        let sign = UInt16(truncatingIfNeeded: bits >> 16) & 0x8000
        let exponent = Int((bits >> 23) & 0xFF)
        let mantissa = bits & 0x7F_FFFF
        if exponent == 0xFF {
            return mantissa == 0 ? sign | 0x7C00 : sign | 0x7E00 | UInt16(truncatingIfNeeded: mantissa >> 13)
        }
        let halfExponent = exponent - 127 + 15
        if halfExponent >= 0x1F { return sign | 0x7C00 }
        if halfExponent <= 0 {
            // The result is subnormal (or zero): shift the full 24-bit significand into the 10-bit field.
            if halfExponent < -10 { return sign }
            let significand = mantissa | 0x80_0000
            let shift = UInt32(14 - halfExponent)
            var result = significand >> shift
            let remainder = significand & ((1 << shift) - 1)
            let halfway = UInt32(1) << (shift - 1)
            if remainder > halfway || (remainder == halfway && result & 1 == 1) { result += 1 }
            return sign | UInt16(result)
        }
        var result = UInt32(halfExponent) << 10 | mantissa >> 13
        let remainder = mantissa & 0x1FFF
        // A carry out of the mantissa correctly bumps the exponent (up to infinity).
        if remainder > 0x1000 || (remainder == 0x1000 && result & 1 == 1) { result += 1 }
        return sign | UInt16(result)
    }

    /// The `Float` with the value of a bfloat16 bit pattern (exact).
    package static func float(fromBFloat16Bits bits: UInt16) -> Float {
        Float(bitPattern: UInt32(bits) << 16)
    }

    /// The bfloat16 bit pattern nearest to `value` (round to nearest, ties to even; NaN stays a quiet NaN).
    package static func bfloat16Bits(from value: Float) -> UInt16 {
        let bits = value.bitPattern
        if value.isNaN { return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040 }
        let rounding = 0x7FFF + ((bits >> 16) & 1)
        return UInt16(truncatingIfNeeded: (bits &+ rounding) >> 16)
    }
}
