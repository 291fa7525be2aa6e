/// A JSON value as the KServe V2 protocol uses it: objects keep their key order, and numbers keep integers exact.
///
/// The protocol carries 64-bit integers (`INT64`, `UINT64` tensors, byte counts) that a `Double` cannot hold, so
/// numbers are kept as ``JSONNumber``: an integer literal stays an integer.
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

    /// The elements, if this is an array.
    package var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
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
        case .array: "an array"
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
