#if Server
/// A model location that ``ModelDirectoryLayout/detect(at:)`` cannot serve: missing, empty, ambiguous or unreadable.
package struct ModelDirectoryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path that was looked at.
    package var path: String
    /// What is wrong with it.
    package var message: String

    /// Creates an error.
    /// - Parameters:
    ///   - path: The path that was looked at.
    ///   - message: What is wrong with it, as the end of a sentence that starts with the path.
    package init(path: String, _ message: String) {
        self.path = path
        self.message = message
    }

    /// The error as `<path> <message>`.
    package var description: String { "\(path) \(message)" }
}
#endif
