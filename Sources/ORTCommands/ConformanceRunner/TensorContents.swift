#if Server
import ONNXRuntime

/// The elements of a tensor in a form that can be compared: every floating-point type decoded exactly to `Double`,
/// every integer type (4-bit and 2-bit ones unpacked) to `Int64` or `UInt64`, and strings as their bytes.
///
/// The decoding is done here from the raw bytes, so it covers the element types without a Swift counterpart
/// (bfloat16, the float8 formats, float4e2m1, int4, uint4, complex) the same way as the others.
public enum TensorContents: Sendable, Hashable {
    /// Floating-point elements; complex elements are stored as real, imaginary pairs.
    case floats([Double])
    /// Signed integer elements (and bools as 0 and 1).
    case integers([Int64])
    /// Unsigned integer elements.
    case unsigned([UInt64])
    /// String elements, each as its exact bytes.
    case strings([[UInt8]])

    /// Decodes a tensor value.
    /// - Throws: ``ORTError`` if the value is not a tensor.
    public init(_ value: Value) throws(ORTError) {
        guard value.kind == .tensor, let elementType = value.elementType else {
            throw ORTError(.typeMismatch, "expected a tensor, got a \(value.type.typeString)")
        }
        let count = value.elementCount
        if elementType == .string {
            self = .strings(try value.tensor(of: [UInt8].self).scalars)
            return
        }
        self = Self.decode(try value.rawBytes, elementType: elementType, count: count)
    }

    /// Decodes `count` elements of `elementType` from bytes in ONNX Runtime's layout (little-endian; 4-bit types
    /// two per byte and 2-bit types four per byte, the first in the lowest bits).
    ///
    /// The switch is over the type numbers rather than the enum, so a type added to ``ElementType`` later without a
    /// rule here is still compared, byte by byte, instead of breaking the build.
    public static func decode(_ bytes: [UInt8], elementType: ElementType, count: Int) -> TensorContents {
        switch elementType.rawValue {
        case ElementType.float32.rawValue:
            return .floats((0..<count).map { Double(Float(bitPattern: UInt32(littleEndian: bytes, at: $0 * 4))) })
        case ElementType.float64.rawValue:
            return .floats((0..<count).map { Double(bitPattern: UInt64(littleEndian: bytes, at: $0 * 8)) })
        case ElementType.complex64.rawValue:
            return .floats((0..<count * 2).map { Double(Float(bitPattern: UInt32(littleEndian: bytes, at: $0 * 4))) })
        case ElementType.complex128.rawValue:
            return .floats((0..<count * 2).map { Double(bitPattern: UInt64(littleEndian: bytes, at: $0 * 8)) })
        case ElementType.float16.rawValue:
            return .floats((0..<count).map { MiniFloat.half.decode(UInt32(UInt16(littleEndian: bytes, at: $0 * 2))) })
        case ElementType.bfloat16.rawValue:
            return .floats(
                (0..<count).map { Double(Float(bitPattern: UInt32(UInt16(littleEndian: bytes, at: $0 * 2)) << 16)) })
        case ElementType.float8e4m3fn.rawValue, ElementType.float8e4m3fnuz.rawValue, ElementType.float8e5m2.rawValue,
            ElementType.float8e5m2fnuz.rawValue:
            let format = MiniFloat(elementType)!
            return .floats(bytes.prefix(count).map { format.decode(UInt32($0)) })
        case ElementType.float4e2m1.rawValue:
            return .floats(fields(bytes, count, bits: 4).map { MiniFloat.float4e2m1.decode(UInt32($0)) })
        case ElementType.int4.rawValue:
            return .integers(fields(bytes, count, bits: 4).map { Int64($0 >= 8 ? Int($0) - 16 : Int($0)) })
        case ElementType.uint4.rawValue:
            return .unsigned(fields(bytes, count, bits: 4).map { UInt64($0) })
        case ElementType.uint2.rawValue:
            return .unsigned(fields(bytes, count, bits: 2).map { UInt64($0) })
        case ElementType.int2.rawValue:
            return .integers(fields(bytes, count, bits: 2).map { Int64($0 >= 2 ? Int($0) - 4 : Int($0)) })
        case ElementType.float8e8m0.rawValue:  // 2^(bits − 127); 0xFF is NaN
            return .floats(
                bytes.prefix(count).map {
                    $0 == 0xFF ? .nan : Double(sign: .plus, exponent: Int($0) - 127, significand: 1)
                })
        case ElementType.bool.rawValue:
            return .integers(bytes.prefix(count).map { $0 == 0 ? 0 : 1 })
        case ElementType.int8.rawValue:
            return .integers(bytes.prefix(count).map { Int64(Int8(bitPattern: $0)) })
        case ElementType.uint8.rawValue:
            return .unsigned(bytes.prefix(count).map { UInt64($0) })
        case ElementType.int16.rawValue:
            return .integers((0..<count).map { Int64(Int16(bitPattern: UInt16(littleEndian: bytes, at: $0 * 2))) })
        case ElementType.uint16.rawValue:
            return .unsigned((0..<count).map { UInt64(UInt16(littleEndian: bytes, at: $0 * 2)) })
        case ElementType.int32.rawValue:
            return .integers((0..<count).map { Int64(Int32(bitPattern: UInt32(littleEndian: bytes, at: $0 * 4))) })
        case ElementType.uint32.rawValue:
            return .unsigned((0..<count).map { UInt64(UInt32(littleEndian: bytes, at: $0 * 4)) })
        case ElementType.int64.rawValue:
            return .integers((0..<count).map { Int64(bitPattern: UInt64(littleEndian: bytes, at: $0 * 8)) })
        case ElementType.uint64.rawValue:
            return .unsigned((0..<count).map { UInt64(littleEndian: bytes, at: $0 * 8) })
        default:
            // Strings are not raw bytes; a type added later without a rule here compares byte by byte.
            return .unsigned(bytes.map { UInt64($0) })
        }
    }

    /// The number of elements (complex elements count twice).
    public var count: Int {
        switch self {
        case .floats(let values): values.count
        case .integers(let values): values.count
        case .unsigned(let values): values.count
        case .strings(let values): values.count
        }
    }

    /// The first `count` fields of `bits` bits (2 or 4), the first in the lowest bits of the first byte.
    static func fields(_ bytes: [UInt8], _ count: Int, bits: Int) -> [UInt8] {
        let perByte = 8 / bits
        let mask = UInt8((1 << bits) - 1)
        return (0..<count).map { index in
            let byte = index / perByte < bytes.count ? bytes[index / perByte] : 0
            return (byte >> UInt8(bits * (index % perByte))) & mask
        }
    }
}

/// A small binary floating-point format: sign, exponent and mantissa bits, decoded exactly to `Double`.
struct MiniFloat: Sendable, Hashable {
    /// How the format spends its special encodings.
    enum Specials: Sendable, Hashable {
        /// Every encoding is a finite number.
        case none
        /// IEEE 754: the all-ones exponent is infinity (mantissa 0) or NaN.
        case ieee
        /// Only S.1111.111 is NaN (the "fn" formats).
        case allOnesIsNaN
        /// Only 0x80, the encoding of negative zero, is NaN (the "fnuz" formats).
        case negativeZeroIsNaN
    }

    var exponentBits: Int
    var mantissaBits: Int
    var bias: Int
    var specials: Specials

    static let half = MiniFloat(exponentBits: 5, mantissaBits: 10, bias: 15, specials: .ieee)
    static let float4e2m1 = MiniFloat(exponentBits: 2, mantissaBits: 1, bias: 1, specials: .none)

    init(exponentBits: Int, mantissaBits: Int, bias: Int, specials: Specials) {
        self.exponentBits = exponentBits
        self.mantissaBits = mantissaBits
        self.bias = bias
        self.specials = specials
    }

    /// The float8 format of an element type.
    init?(_ elementType: ElementType) {
        switch elementType {
        case .float8e4m3fn: self.init(exponentBits: 4, mantissaBits: 3, bias: 7, specials: .allOnesIsNaN)
        case .float8e4m3fnuz: self.init(exponentBits: 4, mantissaBits: 3, bias: 8, specials: .negativeZeroIsNaN)
        case .float8e5m2: self.init(exponentBits: 5, mantissaBits: 2, bias: 15, specials: .ieee)
        case .float8e5m2fnuz: self.init(exponentBits: 5, mantissaBits: 2, bias: 16, specials: .negativeZeroIsNaN)
        case .float4e2m1: self = .float4e2m1
        case .float16: self = .half
        default: return nil
        }
    }

    /// The value of one element's bits.
    func decode(_ bits: UInt32) -> Double {
        let negative = (bits >> UInt32(exponentBits + mantissaBits)) & 1 == 1
        let allOnes = (1 << exponentBits) - 1
        let exponent = Int(bits >> UInt32(mantissaBits)) & allOnes
        let mantissa = Int(bits) & ((1 << mantissaBits) - 1)
        switch specials {
        case .ieee where exponent == allOnes:
            if mantissa != 0 { return .nan }
            return negative ? -.infinity : .infinity
        case .allOnesIsNaN where exponent == allOnes && mantissa == (1 << mantissaBits) - 1:
            return .nan
        case .negativeZeroIsNaN where negative && exponent == 0 && mantissa == 0:
            return .nan
        default:
            break
        }
        let significand = exponent == 0 ? mantissa : mantissa + (1 << mantissaBits)
        let scale = max(exponent, 1) - bias - mantissaBits
        let magnitude = Double(sign: .plus, exponent: scale, significand: Double(significand))
        return negative ? -magnitude : magnitude
    }
}

extension FixedWidthInteger where Self: UnsignedInteger {
    /// The little-endian integer at byte `offset` of `bytes` (zero past the end).
    init(littleEndian bytes: [UInt8], at offset: Int) {
        var result: Self = 0
        for index in 0..<(Self.bitWidth / 8) where offset + index < bytes.count {
            result |= Self(bytes[offset + index]) << (8 * index)
        }
        self = result
    }
}
#endif
