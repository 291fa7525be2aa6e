/// A 16-bit brain floating-point number: the top half of a `Float`'s bits.
///
/// Conversion from `Float` rounds to the nearest value, ties to even; NaN stays NaN.
public struct BFloat16: Sendable, Hashable, BitwiseCopyable, CustomStringConvertible {
    /// The raw bits.
    public var bitPattern: UInt16

    /// Creates a value from its raw bits.
    public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    /// Rounds a `Float` to the nearest `BFloat16` (ties to even).
    public init(_ value: Float) {
        let bits = value.bitPattern
        if value.isNaN {
            bitPattern = UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
            return
        }
        let lsb = (bits >> 16) & 1
        let rounded = bits &+ 0x7FFF &+ lsb
        bitPattern = UInt16(truncatingIfNeeded: rounded >> 16)
    }

    /// The exact `Float` value.
    public var floatValue: Float { Float(bitPattern: UInt32(bitPattern) << 16) }

    /// A short description for logs and messages.
    public var description: String { floatValue.description }
}

extension Float {
    /// The exact value of a `BFloat16`.
    public init(_ value: BFloat16) { self = value.floatValue }
}
