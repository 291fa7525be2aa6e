/// Exact conversion of a decimal `w × 10^q` (`w` of at most 19 digits) to the nearest `Double`, without text and
/// without the C library: the Eisel–Lemire method (Lemire, "Number Parsing at a Gigabyte per Second", 2021).
///
/// `w` is multiplied by a 128-bit approximation of 5^q (``PowersOfFive``), whose error moves the 192-bit product by
/// less than two units of its bit 64. When the bits below the top 64 are far enough from 0 and from 2^64 that such an
/// error cannot carry or borrow into the top 64, the true value lies strictly between two multiples of 2^64 there:
/// it is never exactly halfway between two doubles, and rounding the top 64 bits to 53 (round half up, as the bits
/// below are not all zero) gives the correctly rounded result. Otherwise, and for results outside the normal range
/// (subnormal, infinite), it returns `nil` and the caller asks the C library, as before. Real tensor data (17
/// significant digits, as Python and NumPy print FP32 and FP64 values) takes the fast path almost always.
package enum DecimalToDouble {
    /// The tables of ``PowersOfFive``, read once: a parser keeps one for all its numbers, so that converting a
    /// number does not go through the lazily initialised globals (a `swift_once` call each).
    package struct Tables: Sendable {
        let high: [UInt64]
        let low: [UInt64]
        let binaryExponent: [Int16]

        /// The tables.
        package init() {
            high = PowersOfFive.high
            low = PowersOfFive.low
            binaryExponent = PowersOfFive.binaryExponent
        }
    }

    /// The nearest `Double` to `w × 10^q`, or `nil` when this method cannot decide it (see the type's description).
    package static func convert(significand w: UInt64, decimalExponent q: Int) -> Double? {
        convert(significand: w, decimalExponent: q, tables: Tables())
    }

    /// The nearest `Double` to `w × 10^q`, or `nil` when this method cannot decide it, using tables read once.
    @inline(__always)
    package static func convert(significand w: UInt64, decimalExponent q: Int, tables: Tables) -> Double? {
        if w == 0 { return 0 }
        guard q >= PowersOfFive.smallest, q <= PowersOfFive.largest else { return nil }
        let index = q - PowersOfFive.smallest
        let leadingZeros = w.leadingZeroBitCount
        let normalized = w << leadingZeros  // 2^63 ≤ normalized < 2^64
        // floor(normalized × T / 2^64) as (upper, lower): the full 128-bit product with the high word of T, plus the
        // high word of the product with T's low word.
        let (highProduct, lowProduct) = normalized.multipliedFullWidth(by: tables.high[index])
        let carryIn = normalized.multipliedFullWidth(by: tables.low[index]).high
        let (lower, carried) = lowProduct.addingReportingOverflow(carryIn)
        let upper = highProduct &+ (carried ? 1 : 0)
        // The exact product is within (-1, +2) units of `lower`; keep clear of both edges.
        guard lower >= 2, lower <= UInt64.max - 3 else { return nil }
        // `upper` has its top bit at 62 or 63; keep 53 bits and round on the next one.
        let upperBit = Int(upper >> 63)
        let shift = 10 + upperBit
        var mantissa = upper >> UInt64(shift)
        mantissa += (upper >> UInt64(shift - 1)) & 1
        // Value = mantissa × 2^(shift + 1 + q + m(q) − leadingZeros); as 1.f × 2^E, E = that + 52.
        var exponent = 52 + shift + 1 + q + Int(tables.binaryExponent[index]) - leadingZeros
        if mantissa == 1 << 53 {
            mantissa = 1 << 52
            exponent += 1
        }
        let biased = exponent + 1023
        guard biased >= 1, biased <= 2046 else { return nil }
        return Double(
            sign: .plus, exponentBitPattern: UInt(biased), significandBitPattern: mantissa & ((1 << 52) - 1))
    }
}
