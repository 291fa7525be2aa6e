/// A message in protobuf text format, as parsed from a `config.pbtxt`: its fields in order, each with the place it
/// was written.
///
/// This is a small parser for the subset of the text format that model configurations use: fields `name: value`,
/// messages `name { ... }` (or `name: { ... }`, `name < ... >`), lists `name: [a, b]` and `name [ {...}, {...} ]`,
/// numbers, quoted strings, identifiers (enum values, `true`, `false`), `#` comments and optional `,` or `;`
/// separators. It knows nothing about the schema; ``ModelConfig`` interprets the fields.
package struct TextProtoMessage: Sendable, Hashable {
    /// One field occurrence; a repeated field appears once per element.
    package struct Field: Sendable, Hashable {
        /// The field name.
        package var name: String
        /// The 1-based line of the field name.
        package var line: Int
        /// The 1-based column of the field name.
        package var column: Int
        /// The value.
        package var value: Value
    }

    /// A field value.
    package enum Value: Sendable, Hashable {
        /// A number, kept as written (such as `-1` or `0.5`).
        case number(String)
        /// A quoted string, with escapes resolved.
        case string(String)
        /// A bare identifier: an enum value, `true` or `false`.
        case identifier(String)
        /// A nested message.
        case message(TextProtoMessage)
    }

    /// The fields in the order they were written.
    package var fields: [Field]

    /// Parses text-format protobuf.
    /// - Parameters:
    ///   - text: The text.
    ///   - file: The file name, for error messages.
    /// - Throws: ``ModelConfigError`` with the line and column of the syntax error.
    package static func parse(_ text: String, file: String? = nil) throws(ModelConfigError) -> TextProtoMessage {
        var parser = TextProtoParser(text: text, file: file)
        return try parser.parseTopLevel()
    }
}
