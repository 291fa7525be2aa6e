/// A JSON number, kept exact: integer literals as `Int64` or `UInt64`, everything else as `Double`.
package enum JSONNumber: Sendable, Hashable {
    /// An integer literal that fits in `Int64`.
    case int(Int64)
    /// A non-negative integer literal above `Int64.max` that fits in `UInt64`.
    case uint(UInt64)
    /// A literal with a fraction or exponent, an integer too large for 64 bits, or a non-finite value.
    case double(Double)

    /// Whether the literal was an integer that fits in 64 bits.
    package var isInteger: Bool {
        if case .double = self { return false }
        return true
    }

    /// The value as `Int64`, if it is an integer literal in range.
    package var int64Value: Int64? {
        switch self {
        case .int(let value): value
        case .uint(let value): Int64(exactly: value)
        case .double: nil
        }
    }

    /// The value as `UInt64`, if it is a non-negative integer literal in range.
    package var uint64Value: UInt64? {
        switch self {
        case .int(let value): UInt64(exactly: value)
        case .uint(let value): value
        case .double: nil
        }
    }

    /// The value as `Double` (integers above 2^53 are rounded).
    ///
    /// Inlinable: the server converts tensor data with it once per element.
    @inlinable
    package var doubleValue: Double {
        switch self {
        case .int(let value): Double(value)
        case .uint(let value): Double(value)
        case .double(let value): value
        }
    }
}
