import ONNXRuntime

/// Exact conversions of ONNX's 8-bit and 4-bit floating-point formats to `Float`, which holds every one of their
/// values (and their NaNs and infinities) exactly.
///
/// The formats: float8e4m3fn (bias 7, NaN is S.1111.111, no infinities), float8e4m3fnuz (bias 8, NaN is 0x80, no
/// negative zero or infinities), float8e5m2 (bias 15, IEEE-style infinities and NaNs), float8e5m2fnuz (bias 16, NaN
/// is 0x80, no infinities), float4e2m1 (bias 1, no NaN or infinities). All have subnormals.
enum Minifloat {
    /// How a format spends its special encodings.
    private enum Specials {
        /// None: every encoding is a finite number.
        case none
        /// IEEE 754: the all-ones exponent is infinity (mantissa 0) or NaN.
        case ieee
        /// Only S.1111.111 is NaN (the "fn" formats).
        case allOnesIsNaN
        /// Only 0x80, negative zero's encoding, is NaN (the "fnuz" formats).
        case negativeZeroIsNaN
    }

    /// Exponent bits, mantissa bits, exponent bias and special encodings of a format.
    private static func layout(_ type: ElementType) -> (exponent: Int, mantissa: Int, bias: Int, specials: Specials)? {
        switch type {
        case .float8e4m3fn: (4, 3, 7, .allOnesIsNaN)
        case .float8e4m3fnuz: (4, 3, 8, .negativeZeroIsNaN)
        case .float8e5m2: (5, 2, 15, .ieee)
        case .float8e5m2fnuz: (5, 2, 16, .negativeZeroIsNaN)
        case .float4e2m1: (2, 1, 1, .none)
        default: nil
        }
    }

    /// Whether `type` is one of the formats this converts.
    static func handles(_ type: ElementType) -> Bool {
        layout(type) != nil || type == .float8e8m0
    }

    /// The exact value of one element's bits (the low 8 bits, or the low 4 for float4e2m1); NaN for other types.
    ///
    /// float8e8m0 has no sign and no mantissa: bits `e` stand for 2^(e − 127), and 0xFF is NaN.
    static func float(bits: UInt8, of type: ElementType) -> Float {
        if type == .float8e8m0 {
            return bits == 0xFF ? .nan : Float(sign: .plus, exponent: Int(bits) - 127, significand: 1)
        }
        guard let layout = layout(type) else { return .nan }
        let negative = (bits >> (layout.exponent + layout.mantissa)) & 1 == 1
        let allOnes = 1 << layout.exponent - 1
        let exponent = Int(bits >> layout.mantissa) & allOnes
        let mantissa = Int(bits) & (1 << layout.mantissa - 1)
        switch layout.specials {
        case .none:
            break
        case .ieee where exponent == allOnes:
            return mantissa != 0 ? (negative ? -.nan : .nan) : (negative ? -.infinity : .infinity)
        case .allOnesIsNaN where exponent == allOnes && mantissa == 1 << layout.mantissa - 1:
            return negative ? -.nan : .nan
        case .negativeZeroIsNaN where negative && exponent == 0 && mantissa == 0:
            return -.nan  // the sign bit is set, and ml_dtypes keeps it too
        case .ieee, .allOnesIsNaN, .negativeZeroIsNaN:
            break
        }
        let significand = exponent == 0 ? mantissa : mantissa + 1 << layout.mantissa
        let scale = max(exponent, 1) - layout.bias - layout.mantissa
        let magnitude = Float(sign: .plus, exponent: scale, significand: Float(significand))
        return negative ? -magnitude : magnitude
    }
}
