#if Server
/// An error a subcommand reports as one line (ArgumentParser prints `Error: <description>` and exits with 1).
///
/// Unlike `ValidationError`, it is not followed by the usage text: the arguments were well-formed, the files or the
/// model were not.
public struct CommandError: Error, CustomStringConvertible, Sendable {
    /// The message.
    public var description: String

    /// Creates an error with a message.
    public init(_ description: String) { self.description = description }
}
#endif
