/// A JSON value as the KServe V2 protocol uses it: objects keep their key order, and numbers keep integers exact.
///
/// The protocol carries 64-bit integers (`INT64`, `UINT64` tensors, byte counts) that a `Double` cannot hold, so
/// numbers are kept as ``JSONNumber``: an integer literal stays an integer.
public indirect enum JSONValue: Sendable, Hashable {
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
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The Boolean, if this is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The number as an `Int64`, if this is an integer literal that fits.
    public var int64Value: Int64? {
        if case .number(let number) = self { return number.int64Value }
        return nil
    }

    /// The number as a `Double`, if this is a number.
    public var doubleValue: Double? {
        if case .number(let number) = self { return number.doubleValue }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The object, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member named `key`, if this is an object that has it.
    public subscript(key: String) -> JSONValue? {
        objectValue?[key]
    }

    /// A name for the kind of value, for error messages (`a string`, `an array`, ...).
    public var kindDescription: String {
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
    public var jsonText: String {
        var writer = JSONWriter()
        writer.write(self)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}

/// A JSON number, kept exact: integer literals as `Int64` or `UInt64`, everything else as `Double`.
public enum JSONNumber: Sendable, Hashable {
    /// An integer literal that fits in `Int64`.
    case int(Int64)
    /// A non-negative integer literal above `Int64.max` that fits in `UInt64`.
    case uint(UInt64)
    /// A literal with a fraction or exponent, an integer too large for 64 bits, or a non-finite value.
    case double(Double)

    /// Whether the literal was an integer that fits in 64 bits.
    public var isInteger: Bool {
        if case .double = self { return false }
        return true
    }

    /// The value as `Int64`, if it is an integer literal in range.
    public var int64Value: Int64? {
        switch self {
        case .int(let value): value
        case .uint(let value): Int64(exactly: value)
        case .double: nil
        }
    }

    /// The value as `UInt64`, if it is a non-negative integer literal in range.
    public var uint64Value: UInt64? {
        switch self {
        case .int(let value): UInt64(exactly: value)
        case .uint(let value): value
        case .double: nil
        }
    }

    /// The value as `Double` (integers above 2^53 are rounded).
    public var doubleValue: Double {
        switch self {
        case .int(let value): Double(value)
        case .uint(let value): Double(value)
        case .double(let value): value
        }
    }
}

/// A JSON object that keeps its members in the order they were written.
public struct JSONObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The members, in order.
    public private(set) var members: [(key: String, value: JSONValue)]

    /// An empty object.
    public init() { members = [] }

    /// An object with these members, in order.
    public init(_ members: [(key: String, value: JSONValue)]) { self.members = members }

    /// An object written as a literal, in the literal's order.
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        members = elements.map { (key: $0.0, value: $0.1) }
    }

    /// Whether the object has no members.
    public var isEmpty: Bool { members.isEmpty }

    /// The member keys, in order.
    public var keys: [String] { members.map(\.key) }

    /// The value of the first member named `key`; setting replaces it or appends a new member (`nil` removes it).
    public subscript(key: String) -> JSONValue? {
        get { members.first { $0.key == key }?.value }
        set {
            if let index = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[index].value = newValue } else { members.remove(at: index) }
            } else if let newValue {
                members.append((key, newValue))
            }
        }
    }

    /// Iterates over the members in order.
    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> {
        members.makeIterator()
    }

    /// Whether two objects have the same members in the same order.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.members.count == rhs.members.count
            && zip(lhs.members, rhs.members).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    /// Hashes the members in order.
    public func hash(into hasher: inout Hasher) {
        for member in members {
            hasher.combine(member.key)
            hasher.combine(member.value)
        }
    }
}
