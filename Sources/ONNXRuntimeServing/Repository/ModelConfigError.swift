#if Server
/// A problem in a model configuration (`config.pbtxt`): a syntax error, an unknown or unsupported field, or a value
/// that does not fit the model, with the line and column where it was found.
public struct ModelConfigError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The file, if the configuration came from one.
    public var file: String?
    /// The 1-based line, or 0 when the problem is not tied to a place in the text.
    public var line: Int
    /// The 1-based column, or 0 when unknown.
    public var column: Int
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(file: String? = nil, line: Int = 0, column: Int = 0, _ message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    /// The error as `file:line:column: message` (the parts that are known).
    public var description: String {
        var place = file ?? "config.pbtxt"
        if line > 0 {
            place += ":\(line)"
            if column > 0 { place += ":\(column)" }
        }
        return "\(place): \(message)"
    }
}
#endif
