#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Parses JSON text into ``JSONValue``, keeping integers exact and limiting nesting depth.
///
/// Besides standard JSON it accepts the tokens `NaN`, `Infinity` and `-Infinity` (as Python's `json` module writes
/// them), so float tensors holding those values can travel in JSON form.
package struct JSONParser {
    /// A syntax error, with the byte offset where it was found.
    package struct Error: Swift.Error, Sendable, Hashable, CustomStringConvertible {
        /// What was wrong.
        package var message: String
        /// The byte offset in the input.
        package var offset: Int

        /// A short description for logs and messages.
        package var description: String { "invalid JSON at byte \(offset): \(message)" }
    }

    /// The deepest nesting of arrays and objects accepted; deeper input is rejected rather than risking the stack.
    package static let defaultMaximumDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var position = 0
    private let maximumDepth: Int
    private let compactNumberArrays: Bool
    /// The conversion tables, read once per parse rather than through a lazily initialised global per number.
    private let powersOfTen: [Double]
    private let powersOfFive: DecimalToDouble.Tables

    private init(bytes: UnsafeRawBufferPointer, maximumDepth: Int, compactNumberArrays: Bool) {
        self.bytes = bytes
        self.maximumDepth = maximumDepth
        self.compactNumberArrays = compactNumberArrays
        self.powersOfTen = Self.powersOfTenTable
        self.powersOfFive = DecimalToDouble.Tables()
    }

    /// Parses one JSON value that must fill the whole input (surrounding whitespace allowed).
    /// - Parameters:
    ///   - bytes: UTF-8 JSON text.
    ///   - maximumDepth: The deepest nesting accepted.
    ///   - compactNumberArrays: Whether a non-empty array whose elements are all numbers becomes
    ///     ``JSONValue/numbers(_:)`` rather than an ``JSONValue/array(_:)`` of ``JSONValue/number(_:)`` (tensor
    ///     data without a value per element). The same input is accepted or refused, with the same errors, either way.
    /// - Throws: ``Error`` for malformed input.
    package static func parse(
        _ bytes: UnsafeRawBufferPointer, maximumDepth: Int = defaultMaximumDepth, compactNumberArrays: Bool = false
    ) throws(Error) -> JSONValue {
        var parser = JSONParser(bytes: bytes, maximumDepth: maximumDepth, compactNumberArrays: compactNumberArrays)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw Error(message: "unexpected data after the JSON value", offset: parser.position)
        }
        return value
    }

    /// Parses JSON text held in a byte collection.
    /// - Throws: ``Error`` for malformed input.
    package static func parse(
        _ bytes: some ContiguousBytesCollection, maximumDepth: Int = defaultMaximumDepth,
        compactNumberArrays: Bool = false
    ) throws(Error) -> JSONValue {
        let result: Result<JSONValue, Error> = bytes.withContiguousBytes { raw in
            Result { () throws(Error) in
                try parse(raw, maximumDepth: maximumDepth, compactNumberArrays: compactNumberArrays)
            }
        }
        return try result.get()
    }

    /// Parses JSON text held in a string.
    /// - Throws: ``Error`` for malformed input.
    package static func parse(
        _ text: String, maximumDepth: Int = defaultMaximumDepth, compactNumberArrays: Bool = false
    ) throws(Error) -> JSONValue {
        try parse(Array(text.utf8), maximumDepth: maximumDepth, compactNumberArrays: compactNumberArrays)
    }

    // MARK: - Grammar

    private mutating func parseValue(depth: Int) throws(Error) -> JSONValue {
        guard position < bytes.count else { throw error("unexpected end of input, expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"):
            try expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expectLiteral("null")
            return .null
        case UInt8(ascii: "N"):
            try expectLiteral("NaN")
            return .number(.double(.nan))
        case UInt8(ascii: "I"):
            try expectLiteral("Infinity")
            return .number(.double(.infinity))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw error("unexpected character '\(printable(bytes[position]))', expected a value")
        }
    }

    private mutating func parseObject(depth: Int) throws(Error) -> JSONValue {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        position += 1  // {
        var members: [(key: String, value: JSONValue)] = []
        skipWhitespace()
        if peek(UInt8(ascii: "}")) {
            position += 1
            return .object(JSONObject(members))
        }
        // Room for an inference request's objects at once (an input has four or five members); growing from one
        // member took three allocations per object.
        members.reserveCapacity(6)
        while true {
            skipWhitespace()
            guard peek(UInt8(ascii: "\"")) else { throw error("expected a string key in an object") }
            let key = try parseString()
            skipWhitespace()
            guard peek(UInt8(ascii: ":")) else { throw error("expected ':' after the key \"\(key)\"") }
            position += 1
            skipWhitespace()
            let value = try parseValue(depth: depth)
            members.append((key, value))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                position += 1
                continue
            }
            if peek(UInt8(ascii: "}")) {
                position += 1
                return .object(JSONObject(members))
            }
            throw error("expected ',' or '}' in an object")
        }
    }

    private mutating func parseArray(depth: Int) throws(Error) -> JSONValue {
        guard depth <= maximumDepth else { throw error("nesting deeper than \(maximumDepth) levels") }
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if peek(UInt8(ascii: "]")) {
            position += 1
            return .array(elements)
        }
        if compactNumberArrays {
            // Numbers go straight into a compact array while they last; the first element of another kind turns
            // the array back into values and the general loop below takes over at that element. Every number is
            // read by the same code as in `parseValue`, so errors and their offsets are the same.
            var numbers: [JSONNumber] = []
            while let number = try parseNumberElement() {
                if numbers.isEmpty { numbers.reserveCapacity(estimatedCount()) }
                numbers.append(number)
                skipWhitespace()
                if peek(UInt8(ascii: ",")) {
                    position += 1
                    skipWhitespace()
                    continue
                }
                if peek(UInt8(ascii: "]")) {
                    position += 1
                    return .numbers(numbers)
                }
                throw error("expected ',' or ']' in an array")
            }
            elements = numbers.map(JSONValue.number)
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            if peek(UInt8(ascii: ",")) {
                position += 1
                continue
            }
            if peek(UInt8(ascii: "]")) {
                position += 1
                return .array(elements)
            }
            throw error("expected ',' or ']' in an array")
        }
    }

    /// A guess at how many numbers the array being read holds, made once its first number is read: the bytes up to
    /// the next `]`, at 8 bytes per number (tensor data sent as JSON mostly has longer numbers). Without it the array
    /// grows by doubling, and for a 784-element tensor that is ten reallocations, each copying what was read so far.
    /// Only a capacity: at most one element per 8 bytes of input is reserved, and the array still grows past it.
    /// (`memchr`: a byte-by-byte search would cost about as much as the reallocations it saves.)
    private func estimatedCount() -> Int {
        guard let base = bytes.baseAddress, position < bytes.count else { return 1 }
        let rest = bytes.count - position
        let start = base + position
        let span = memchr(start, Int32(UInt8(ascii: "]")), rest).map { UnsafeRawPointer($0) - start } ?? rest
        return span / 8 + 1
    }

    /// Reads a number (including `NaN`, `Infinity` and `-Infinity`) as `parseValue` would, or returns `nil`
    /// without moving when the next byte does not start one.
    private mutating func parseNumberElement() throws(Error) -> JSONNumber? {
        guard position < bytes.count else { return nil }
        switch bytes[position] {
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try parseNumber()
        case UInt8(ascii: "N"):
            try expectLiteral("NaN")
            return .double(.nan)
        case UInt8(ascii: "I"):
            try expectLiteral("Infinity")
            return .double(.infinity)
        default:
            return nil
        }
    }

    private mutating func parseString() throws(Error) -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes.
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                position += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("control character in a string (must be escaped)") }
            position += 1
        }
        var scalars: [UInt8] = Array(UnsafeRawBufferPointer(rebasing: bytes[start..<position]))
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: scalars, as: UTF8.self)
            case UInt8(ascii: "\\"):
                position += 1
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): scalars.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): scalars.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): scalars.append(0x08)
                case UInt8(ascii: "f"): scalars.append(0x0C)
                case UInt8(ascii: "n"): scalars.append(0x0A)
                case UInt8(ascii: "r"): scalars.append(0x0D)
                case UInt8(ascii: "t"): scalars.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800..<0xDC00).contains(code) {
                        // A high surrogate must be followed by an escaped low surrogate.
                        guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                            bytes[position + 1] == UInt8(ascii: "u")
                        else { throw error("unpaired UTF-16 surrogate in a \\u escape") }
                        position += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else {
                            throw error("unpaired UTF-16 surrogate in a \\u escape")
                        }
                        code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(code) {
                        throw error("unpaired UTF-16 surrogate in a \\u escape")
                    }
                    scalars.append(contentsOf: Array(String(Character(Unicode.Scalar(code)!)).utf8))
                default:
                    throw error("invalid escape '\\\(printable(escape))' in a string")
                }
            default:
                if byte < 0x20 { throw error("control character in a string (must be escaped)") }
                scalars.append(byte)
                position += 1
            }
        }
        throw error("unterminated string")
    }

    private mutating func parseHex4() throws(Error) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A") + 10)
            default: throw error("invalid hex digit in a \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    private mutating func parseNumber() throws(Error) -> JSONNumber {
        let start = position
        var negative = false
        if bytes[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
            if peek(UInt8(ascii: "I")) {
                try expectLiteral("Infinity")
                return .double(-.infinity)
            }
        }
        let digitsStart = position
        var magnitude: UInt64 = 0
        var overflow = false
        while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
            let digit = UInt64(bytes[position] - UInt8(ascii: "0"))
            let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(digit)
            overflow = overflow || o1 || o2
            magnitude = sum
            position += 1
        }
        let digitCount = position - digitsStart
        guard digitCount > 0 else { throw error("expected a digit in a number") }
        if digitCount > 1 && bytes[digitsStart] == UInt8(ascii: "0") {
            throw error("a number must not have leading zeros")
        }
        var isInteger = true
        // The significand's digits (integer and fraction parts) and the power of ten that scales them, for the exact
        // fast path below; `significandDigits` counts every digit, leading zeros included.
        var significand = magnitude
        var significandDigits = digitCount
        var scale = 0
        if peek(UInt8(ascii: ".")) {
            isInteger = false
            position += 1
            let fractionStart = position
            // Eight digits at a time while the significand has room for them (19 digits fit in a UInt64): real FP32
            // data has 16 or 17 digits after the point.
            while significandDigits <= 11, position + 8 <= bytes.count {
                let chunk = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self))
                guard Self.isEightDigits(chunk) else { break }
                significand = significand &* 100_000_000 &+ Self.valueOfEightDigits(chunk)
                scale -= 8
                significandDigits += 8
                position += 8
            }
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                if significandDigits < 19 {
                    significand = significand &* 10 &+ UInt64(bytes[position] - UInt8(ascii: "0"))
                    scale -= 1
                }
                significandDigits += 1
                position += 1
            }
            guard position > fractionStart else { throw error("expected a digit after the decimal point") }
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            isInteger = false
            position += 1
            var negativeExponent = false
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) {
                negativeExponent = bytes[position] == UInt8(ascii: "-")
                position += 1
            }
            let exponentStart = position
            var exponent = 0
            while position < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[position]) {
                exponent = min(exponent * 10 + Int(bytes[position] - UInt8(ascii: "0")), 100_000)
                position += 1
            }
            guard position > exponentStart else { throw error("expected a digit in the exponent") }
            scale += negativeExponent ? -exponent : exponent
        }
        if isInteger && !overflow {
            if negative {
                if magnitude <= UInt64(Int64.max) { return .int(-Int64(magnitude)) }
                if magnitude == UInt64(Int64.max) + 1 { return .int(.min) }
            } else {
                if magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
                return .uint(magnitude)
            }
        }
        // Exact fast paths. A significand below 2^53 and a power of ten up to 10^22 are both exact doubles, so one
        // multiplication or division rounds the true value correctly (as strtod would). Longer significands (real
        // FP32 data printed with 17 digits) take the Eisel–Lemire conversion. What neither can decide (more than 19
        // digits, a value near a tie, subnormals, overflow) goes through the standard library's conversion.
        if !overflow, significandDigits <= 19 {
            // Zero (common in real data: blank pixels) needs no division; its sign is the literal's.
            if significand == 0 { return .double(negative ? -0.0 : 0.0) }
            if significand <= 1 << 53, (-22...22).contains(scale) {
                let power = powersOfTen[abs(scale)]
                let value = scale < 0 ? Double(significand) / power : Double(significand) * power
                return .double(negative ? -value : value)
            }
            if let value = DecimalToDouble.convert(
                significand: significand, decimalExponent: scale, tables: powersOfFive)
            {
                return .double(negative ? -value : value)
            }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text) else { throw error("invalid number '\(text)'") }
        return .double(value)
    }

    /// Whether all eight bytes of `chunk` are ASCII digits: each byte's high nibble is 3, and stays 3 when 6 is
    /// added (its low nibble is at most 9). A carry out of a byte of 0xFA or more only makes the test fail.
    @inline(__always)
    private static func isEightDigits(_ chunk: UInt64) -> Bool {
        let highNibbles: UInt64 = 0xF0F0_F0F0_F0F0_F0F0
        return (chunk & highNibbles) | (((chunk &+ 0x0606_0606_0606_0606) & highNibbles) >> 4) == 0x3333_3333_3333_3333
    }

    /// The value of eight ASCII digits, the first in the lowest byte: pairs, then fours, then the eight are combined
    /// in place (each step multiplies the lower lane by its weight and adds the upper lane).
    @inline(__always)
    private static func valueOfEightDigits(_ chunk: UInt64) -> UInt64 {
        let digits = chunk & 0x0F0F_0F0F_0F0F_0F0F
        let pairs = (digits &* (10 << 8 + 1)) >> 8 & 0x00FF_00FF_00FF_00FF
        let fours = (pairs &* (100 << 16 + 1)) >> 16 & 0x0000_FFFF_0000_FFFF
        return (fours &* (10_000 << 32 + 1)) >> 32
    }

    /// 10^0 ... 10^22, every one exactly representable as a `Double`.
    private static let powersOfTenTable: [Double] = (0...22).map { exponent in
        (0..<exponent).reduce(1.0) { product, _ in product * 10 }
    }

    // MARK: - Helpers

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func peek(_ byte: UInt8) -> Bool {
        position < bytes.count && bytes[position] == byte
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Error) {
        let count = literal.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw error("unexpected end of input") }
        let matches = literal.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard matches else { throw error("invalid literal, expected '\(literal)'") }
        position += count
    }

    private func error(_ message: String) -> Error {
        Error(message: message, offset: position)
    }

    private func printable(_ byte: UInt8) -> String {
        (0x20..<0x7F).contains(byte) ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16, uppercase: true)
    }
}
