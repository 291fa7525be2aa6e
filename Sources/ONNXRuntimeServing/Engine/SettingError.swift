#if Server
/// A server setting given as text that cannot be used: a `--cache-config`, `--metrics-config`, `--trace-config` or
/// `--backend-config` item (Triton's `NAME=VALUE` syntax), with a message that names the setting and says what it takes.
public struct SettingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    /// The message.
    public var description: String { message }
}

/// A `--cache-config` setting that cannot be used.
public typealias ResponseCacheConfigurationError = SettingError
#endif
