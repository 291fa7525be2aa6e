#if Server
import Logging
import ONNXRuntimeServing
import Synchronization

/// The server's log settings, shared by its loggers and changed while it runs through Triton's logging extension
/// (`GET`/`POST /v2/logging`, gRPC `LogSettings`).
///
/// The settings are Triton's: INFO, WARNING and ERROR messages are each on or off, a verbose level adds debug
/// (level 1) and trace (level 2 and above) messages, and the format is Triton's `default` or `ISO8601`. Loggers whose
/// handler is a ``LiveLogHandler`` over the same settings follow every change at once.
///
/// The settings are one atomic word, so checking a log level on the request path costs an atomic load, not a lock.
public final class LogSettings: Sendable {
    /// The format of a log line's time stamp.
    public enum Format: String, Sendable, CaseIterable {
        /// `2026-12-06T21:37:34+0000`, as swift-log's stream handler writes it.
        case `default`
        /// ISO 8601 in UTC with milliseconds: `2026-12-06T21:37:34.020Z`.
        case iso8601 = "ISO8601"
    }

    /// One set of values.
    public struct Values: Sendable, Hashable {
        /// Whether INFO (and NOTICE) messages are logged.
        public var info: Bool
        /// Whether WARNING messages are logged.
        public var warning: Bool
        /// Whether ERROR (and CRITICAL) messages are logged.
        public var error: Bool
        /// 0 for none, 1 for debug messages, 2 or more for trace messages too.
        public var verboseLevel: Int
        /// The time stamp format.
        public var format: Format

        /// Creates a set of values; by default INFO, WARNING and ERROR are on, verbose is off, the format is
        /// `default` (Triton's defaults).
        public init(
            info: Bool = true, warning: Bool = true, error: Bool = true, verboseLevel: Int = 0,
            format: Format = .default
        ) {
            self.info = info
            self.warning = warning
            self.error = error
            self.verboseLevel = max(0, min(verboseLevel, Int(UInt32.max)))
            self.format = format
        }

        /// The values a swift-log level implies: every level from `level` up is on.
        public init(minimumLevel level: Logger.Level) {
            self.init(
                info: level <= .notice, warning: level <= .warning, error: true,
                verboseLevel: level == .trace ? 2 : level == .debug ? 1 : 0)
        }

        /// Whether a message of `level` is logged.
        public func allows(_ level: Logger.Level) -> Bool {
            switch level {
            case .trace: verboseLevel >= 2
            case .debug: verboseLevel >= 1
            case .info, .notice: info
            case .warning: warning
            case .error, .critical: error
            }
        }

        /// The lowest level that may be logged: a logger skips anything below it without formatting the message.
        public var minimumLevel: Logger.Level {
            Logger.Level.allCases.first(where: allows) ?? .critical
        }

        fileprivate var packed: UInt64 {
            (info ? 1 : 0) | (warning ? 2 : 0) | (error ? 4 : 0) | (format == .iso8601 ? 8 : 0)
                | UInt64(UInt32(clamping: verboseLevel)) << 32
        }

        fileprivate init(packed: UInt64) {
            self.init(
                info: packed & 1 != 0, warning: packed & 2 != 0, error: packed & 4 != 0,
                verboseLevel: Int(packed >> 32), format: packed & 8 != 0 ? .iso8601 : .default)
        }
    }

    private let word: Atomic<UInt64>

    /// Creates settings with `values`.
    public init(_ values: Values = Values()) {
        word = Atomic(values.packed)
    }

    /// The current values.
    public var values: Values { Values(packed: word.load(ordering: .relaxed)) }

    /// Replaces the values.
    public func set(_ values: Values) {
        word.store(values.packed, ordering: .relaxed)
    }

    // MARK: - The logging extension

    /// The settings as the extension's `$log_setting_response`: `log_file` (always "": the server logs to standard
    /// error), `log_info`, `log_warning`, `log_error`, `log_verbose_level`, `log_format`.
    package var json: JSONValue {
        let values = values
        return .object([
            "log_file": .string(""),
            "log_info": .bool(values.info),
            "log_warning": .bool(values.warning),
            "log_error": .bool(values.error),
            "log_verbose_level": .number(.int(Int64(values.verboseLevel))),
            "log_format": .string(values.format.rawValue),
        ])
    }

    /// One setting of an update: a Boolean, a non-negative integer or a string (the three kinds the gRPC message
    /// can carry).
    package enum SettingValue: Sendable, Equatable {
        case bool(Bool)
        case integer(UInt64)
        case string(String)
        /// Anything else a JSON body may hold, described for the error message.
        case other(String)
    }

    /// Applies an update (`$log_setting_request`) and returns the new values. Every setting is checked first;
    /// nothing changes unless all of them are valid (Triton applies the valid ones before it fails on a bad one).
    /// - Throws: ``ServingError`` (400) naming the setting: an unknown name, a value of the wrong kind, a
    ///   verbose level above 2^32 - 1, a format other than `default` or `ISO8601`, or a `log_file` other than ""
    ///   (the server logs to standard error; Triton does not change its log file through the protocol either).
    @discardableResult
    package func update(_ settings: [(name: String, value: SettingValue)]) throws(ServingError) -> Values {
        var values = values
        for (name, value) in settings {
            func flag() throws(ServingError) -> Bool {
                guard case .bool(let flag) = value else {
                    throw .badRequest("log setting '\(name)' must be a boolean, got \(Self.describe(value))")
                }
                return flag
            }
            switch name {
            case "log_info": values.info = try flag()
            case "log_warning": values.warning = try flag()
            case "log_error": values.error = try flag()
            case "log_verbose_level":
                guard case .integer(let level) = value, level <= UInt64(UInt32.max) else {
                    throw .badRequest(
                        "log setting 'log_verbose_level' must be an integer from 0 to \(UInt32.max), got "
                            + Self.describe(value))
                }
                values.verboseLevel = Int(level)
            case "log_format":
                guard case .string(let text) = value, let format = Format(rawValue: text) else {
                    throw .badRequest(
                        "log setting 'log_format' must be \"default\" or \"ISO8601\", got \(Self.describe(value))")
                }
                values.format = format
            case "log_file":
                guard case .string(let path) = value, path.isEmpty else {
                    throw .badRequest(
                        "log setting 'log_file' cannot be changed: the server logs to standard error (log_file \"\")")
                }
            default:
                throw .badRequest(
                    "unknown log setting '\(name)'; the settings are log_info, log_warning, log_error, "
                        + "log_verbose_level, log_format and log_file")
            }
        }
        set(values)
        return values
    }

    /// Applies a REST update: the body's members, as ``update(_:)`` does.
    /// - Throws: ``ServingError`` (400) for a body that is not a JSON object, and as ``update(_:)``.
    @discardableResult
    package func update(json body: JSONValue) throws(ServingError) -> Values {
        guard let object = body.objectValue else {
            throw .badRequest("the log settings must be a JSON object, got \(body.kindDescription)")
        }
        return try update(
            object.map { member in
                let value: SettingValue =
                    switch member.value {
                    case .bool(let flag): .bool(flag)
                    case .string(let text): .string(text)
                    case .number(let number):
                        if let integer = number.uint64Value {
                            .integer(integer)
                        } else {
                            .other("the number \(member.value.jsonText)")
                        }
                    default: .other(member.value.kindDescription)
                    }
                return (member.key, value)
            })
    }

    private static func describe(_ value: SettingValue) -> String {
        switch value {
        case .bool(let flag): "the boolean \(flag)"
        case .integer(let integer): "the integer \(integer)"
        case .string(let text): "the string \"\(text)\""
        case .other(let description): description
        }
    }
}
#endif
