import KServeProtocol

/// A parsed case file: the protocol's JSON reader (``JSONValue``), which keeps numbers exact.
///
/// Foundation's parsers turn numbers into `Double` or `NSNumber`, which can lose the exact value of 64-bit integers
/// near their limits or the sign of `-0.0`. The shared reader keeps integer literals as `Int64`/`UInt64` and reads
/// other numbers as correctly rounded `Double`s (sign of `-0.0` included), so numbers are converted exactly once the
/// expected type is known.
typealias CaseJSON = JSONValue

extension JSONValue {
    /// A syntax error in a case file, with its byte offset.
    typealias ParseError = JSONParser.Error

    /// Parses a UTF-8 JSON document.
    static func parse(_ data: some Collection<UInt8>) throws(ParseError) -> JSONValue {
        try JSONParser.parse(Array(data))
    }

    /// Parses a JSON document given as text.
    static func parse(_ text: String) throws(ParseError) -> JSONValue {
        try JSONParser.parse(text)
    }

    /// Whether this is `null`.
    var isNull: Bool { self == .null }

    /// The members in file order, if this is an object.
    var members: [(key: String, value: JSONValue)]? { objectValue?.members }

    /// The number as text that reads back to exactly its value: an integer's digits, or a `Double`'s shortest
    /// round-trip form (`-0.0` keeps its sign).
    var numberText: String? {
        guard case .number(let number) = self else { return nil }
        switch number {
        case .int(let value): return String(value)
        case .uint(let value): return String(value)
        case .double(let value): return value.description
        }
    }
}
