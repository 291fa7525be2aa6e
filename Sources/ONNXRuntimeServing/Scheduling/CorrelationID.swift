#if Server
/// A sequence's correlation ID (the request parameter `sequence_id`): an unsigned integer or a string. 0 and the
/// empty string mean "no sequence".
enum CorrelationID: Hashable, Sendable, CustomStringConvertible {
    /// An integer ID.
    case number(UInt64)
    /// A string ID.
    case string(String)

    /// Whether the ID names a sequence (it is neither 0 nor empty).
    var isSequence: Bool {
        switch self {
        case .number(let value): value != 0
        case .string(let text): !text.isEmpty
        }
    }

    /// The ID as Triton writes it in messages: the number, or the string as it is.
    var description: String {
        switch self {
        case .number(let value): String(value)
        case .string(let text): text
        }
    }
}

/// What a request says about its sequence: the request parameters `sequence_id`, `sequence_start` and
/// `sequence_end` (the sequence extension).
struct SequenceFlags: Sendable, Hashable {
    /// The correlation ID; ``CorrelationID/number(_:)`` 0 when the request gives none.
    var id: CorrelationID
    /// Whether the request starts the sequence.
    var start: Bool
    /// Whether the request ends the sequence.
    var end: Bool

    /// Reads the flags from request parameters.
    /// - Throws: ``ServingError`` (400) when a parameter has the wrong type: `sequence_id` must be a non-negative
    ///   integer or a string, `sequence_start` and `sequence_end` Booleans.
    init(_ parameters: JSONObject?) throws(ServingError) {
        switch parameters?["sequence_id"] {
        case nil, .null?:
            id = .number(0)
        case .number(let number)?:
            guard let value = number.uint64Value else {
                throw .badRequest("parameter 'sequence_id' must be a non-negative integer or a string")
            }
            id = .number(value)
        case .string(let text)?:
            id = .string(text)
        case let other?:
            throw .badRequest(
                "parameter 'sequence_id' must be a non-negative integer or a string, got \(other.kindDescription)")
        }
        start = try Self.flag(parameters?["sequence_start"], "sequence_start")
        end = try Self.flag(parameters?["sequence_end"], "sequence_end")
    }

    init(id: CorrelationID, start: Bool = false, end: Bool = false) {
        self.id = id
        self.start = start
        self.end = end
    }

    private static func flag(_ value: JSONValue?, _ name: String) throws(ServingError) -> Bool {
        switch value {
        case nil, .null?: return false
        case .bool(let flag)?: return flag
        case let other?:
            throw .badRequest("parameter '\(name)' must be a boolean, got \(other.kindDescription)")
        }
    }
}
#endif
