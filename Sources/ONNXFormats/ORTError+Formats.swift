import ONNXRuntime

extension ORTError.Code {
    /// The bytes are not a valid encoding: truncated, corrupt, or inconsistent with themselves (a shape that does
    /// not match the data, a length that runs past the end, a wrong magic string).
    ///
    /// Thrown by the readers in `ONNXFormats`; the message says what was found, where, and what was expected.
    public static let malformedData = ORTError.Code(rawValue: "malformedData")
}

extension ORTError {
    /// An error for bytes that are not a valid encoding.
    static func malformed(_ message: String) -> ORTError {
        ORTError(.malformedData, message)
    }

    /// The same error with `prefix: ` in front of its message.
    func prefixed(_ prefix: String) -> ORTError {
        ORTError(code, "\(prefix): \(message)", runtimeCode: runtimeCode)
    }
}
