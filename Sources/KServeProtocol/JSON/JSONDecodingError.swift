/// A JSON document that is well-formed but not the protocol message it should be (a member missing or of the wrong
/// kind); each side words it as its own error.
package struct JSONDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, such as `model metadata has no 'name'`.
    package var message: String

    /// An error with a message.
    package init(_ message: String) { self.message = message }

    /// The message.
    package var description: String { message }
}
