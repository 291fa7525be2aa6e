/// A JSON value as the KServe V2 protocol uses it: objects keep their key order, and numbers keep integers exact.
///
/// The protocol carries 64-bit integers (`INT64`, `UINT64` tensors, byte counts) that a `Double` cannot hold, so
/// numbers are kept as ``JSONNumber``: an integer literal stays an integer.
///
/// An array of numbers may be held compactly as ``numbers(_:)`` (tensor data, when the parser is asked to); it is
/// equal to, hashes like, and is written like the same ``array(_:)`` of ``number(_:)`` elements.
package enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number.
    case number(JSONNumber)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; keys keep the order they were written in.
    case object(JSONObject)
    /// A non-empty array whose elements are all numbers, without a ``JSONValue`` per element. Only ``JSONParser``
    /// makes it, when asked to (`compactNumberArrays`).
    case numbers([JSONNumber])

    /// The string, if this is a string.
    package var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The Boolean, if this is `true` or `false`.
    package var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number as an `Int64`, if this is an integer literal that fits.
    package var int64Value: Int64? {
        if case .number(let number) = self { return number.int64Value }
        return nil
    }

    /// The number as a `Double`, if this is a number.
    package var doubleValue: Double? {
        if case .number(let number) = self { return number.doubleValue }
        return nil
    }

    /// The elements, if this is an array (a compact array of numbers gives one ``number(_:)`` per element).
    package var arrayValue: [JSONValue]? {
        switch self {
        case .array(let value): value
        case .numbers(let numbers): numbers.map(JSONValue.number)
        default: nil
        }
    }

    /// Whether this is an array, compact or not.
    package var isArray: Bool {
        switch self {
        case .array, .numbers: true
        default: false
        }
    }

    /// The object, if this is an object.
    package var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member named `key`, if this is an object that has it.
    package subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// A name for the kind of value, for error messages (`a string`, `an array`, ...).
    package var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number(let number): number.isInteger ? "an integer" : "a number"
        case .string: "a string"
        case .array, .numbers: "an array"
        case .object: "an object"
        }
    }

    /// The value written as compact JSON.
    package var jsonText: String {
        var writer = JSONWriter()
        writer.write(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

extension JSONValue {
    /// Whether two values are the same JSON: a compact array of numbers equals the same ``array(_:)`` of numbers.
    package static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let left), .bool(let right)): left == right
        case (.number(let left), .number(let right)): left == right
        case (.string(let left), .string(let right)): left == right
        case (.array(let left), .array(let right)): left == right
        case (.numbers(let left), .numbers(let right)): left == right
        case (.array(let elements), .numbers(let numbers)), (.numbers(let numbers), .array(let elements)):
            elements.count == numbers.count && zip(elements, numbers).allSatisfy { $0 == .number($1) }
        case (.object(let left), .object(let right)): left == right
        default: false
        }
    }

    /// Hashes the value; a compact array of numbers hashes like the same ``array(_:)`` of numbers.
    package func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0 as UInt8)
        case .bool(let flag):
            hasher.combine(1 as UInt8)
            hasher.combine(flag)
        case .number(let number):
            hasher.combine(2 as UInt8)
            hasher.combine(number)
        case .string(let text):
            hasher.combine(3 as UInt8)
            hasher.combine(text)
        case .array(let elements):
            hasher.combine(4 as UInt8)
            hasher.combine(elements.count)
            for element in elements { element.hash(into: &hasher) }
        case .numbers(let numbers):
            hasher.combine(4 as UInt8)
            hasher.combine(numbers.count)
            for number in numbers { JSONValue.number(number).hash(into: &hasher) }
        case .object(let object):
            hasher.combine(5 as UInt8)
            hasher.combine(object)
        }
    }

    /// The number as a `UInt64`, if this is a non-negative integer literal that fits.
    package var uint64Value: UInt64? {
        if case .number(let number) = self { return number.uint64Value }
        return nil
    }

    /// The number as an `Int`, if this is an integer literal that fits.
    package var intValue: Int? {
        int64Value.flatMap { Int(exactly: $0) }
    }
}
