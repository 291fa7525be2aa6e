/// Writes compact JSON into a byte array.
///
/// Floating-point numbers are written with the shortest text that reads back to the same value (`Float` values as
/// `Float`, so `0.1` stays `0.1`); non-finite values are written as `NaN`, `Infinity` and `-Infinity`, as Python's
/// `json` module does, since JSON itself has no spelling for them.
package struct JSONWriter: Sendable {
    /// The JSON written so far, as UTF-8.
    package private(set) var bytes: [UInt8]

    /// A writer with an empty buffer.
    /// - Parameter capacity: Bytes to reserve up front.
    package init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// Writes a value.
    package mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeRaw("null")
        case .bool(let flag): writeRaw(flag ? "true" : "false")
        case .number(let number): write(number)
        case .string(let text): write(string: text)
        case .array(let elements):
            bytes.append(UInt8(ascii: "["))
            for (index, element) in elements.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(element)
            }
            bytes.append(UInt8(ascii: "]"))
        case .numbers(let numbers):
            bytes.append(UInt8(ascii: "["))
            for (index, number) in numbers.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(number)
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            bytes.append(UInt8(ascii: "{"))
            for (index, member) in object.members.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                write(string: member.key)
                bytes.append(UInt8(ascii: ":"))
                write(member.value)
            }
            bytes.append(UInt8(ascii: "}"))
        }
    }

    /// Writes a number.
    package mutating func write(_ number: JSONNumber) {
        switch number {
        case .int(let value): write(int: value)
        case .uint(let value): write(uint: value)
        case .double(let value): write(double: value)
        }
    }

    /// Writes a signed integer.
    package mutating func write(int value: Int64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Writes an unsigned integer.
    package mutating func write(uint value: UInt64) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// Writes a `Double` with the shortest text that reads back to it.
    package mutating func write(double value: Double) {
        if let special = Self.nonFinite(value.isNaN, value.isInfinite, value.sign) {
            writeRaw(special)
            return
        }
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Writes a `Float` with the shortest text that reads back to it as a `Float`.
    package mutating func write(float value: Float) {
        if let special = Self.nonFinite(value.isNaN, value.isInfinite, value.sign) {
            writeRaw(special)
            return
        }
        bytes.append(contentsOf: value.description.utf8)
    }

    /// Writes a Boolean.
    package mutating func write(bool value: Bool) {
        writeRaw(value ? "true" : "false")
    }

    /// Writes a string with the escapes JSON requires.
    package mutating func write(string: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in string.utf8 {
            switch byte {
            case UInt8(ascii: "\""): writeRaw("\\\"")
            case UInt8(ascii: "\\"): writeRaw("\\\\")
            case 0x0A: writeRaw("\\n")
            case 0x0D: writeRaw("\\r")
            case 0x09: writeRaw("\\t")
            case 0x08: writeRaw("\\b")
            case 0x0C: writeRaw("\\f")
            case 0..<0x20:
                writeRaw("\\u00")
                bytes.append(Self.hexDigits[Int(byte >> 4)])
                bytes.append(Self.hexDigits[Int(byte & 0xF)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Writes text that is already valid JSON (punctuation, literals).
    package mutating func writeRaw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    /// Writes one punctuation byte such as `,` or `]`.
    package mutating func writeRaw(byte: UInt8) {
        bytes.append(byte)
    }

    /// Writes `"key":`.
    package mutating func write(key: String) {
        write(string: key)
        bytes.append(UInt8(ascii: ":"))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func nonFinite(_ isNaN: Bool, _ isInfinite: Bool, _ sign: FloatingPointSign) -> StaticString? {
        if isNaN { return "NaN" }
        if isInfinite { return sign == .minus ? "-Infinity" : "Infinity" }
        return nil
    }
}
