import CONNXRuntime
import Logging

/// The severity of ONNX Runtime log messages; a level shows messages of that severity and above.
public enum LogLevel: Int32, Sendable, Hashable, CaseIterable, Comparable {
    /// Everything, including ORT internals (least severe).
    case verbose = 0
    /// Informational messages.
    case info = 1
    /// Warnings.
    case warning = 2
    /// Errors.
    case error = 3
    /// Fatal errors only (most severe).
    case fatal = 4

    /// Whether `lhs` is less severe than `rhs`.
    public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    var raw: OrtLoggingLevel { OrtLoggingLevel(rawValue: UInt32(rawValue)) }

    /// The swift-log level ORT messages of this severity are forwarded at.
    var loggerLevel: Logger.Level {
        switch self {
        case .verbose: .trace
        case .info: .info
        case .warning: .warning
        case .error: .error
        case .fatal: .critical
        }
    }
}

/// Forwards ORT's log callback to a swift-log `Logger`. Retained by whoever registered it for as long as ORT may call.
final class LogSink: Sendable {
    let logger: Logger

    init(_ logger: Logger) { self.logger = logger }

    /// The C callback ORT calls; `context` is an unretained `LogSink`.
    static let callback: OrtLoggingFunction = { context, severity, category, logID, location, message in
        guard let context else { return }
        let sink = Unmanaged<LogSink>.fromOpaque(context).takeUnretainedValue()
        let level = LogLevel(rawValue: Int32(bitPattern: severity.rawValue))?.loggerLevel ?? .info
        guard sink.logger.logLevel <= level else { return }
        var metadata: Logger.Metadata = [:]
        if let category { metadata["ort.category"] = .string(String(cString: category)) }
        if let logID { metadata["ort.logid"] = .string(String(cString: logID)) }
        if let location { metadata["ort.location"] = .string(String(cString: location)) }
        let text = message.map { String(cString: $0) } ?? ""
        sink.logger.log(level: level, "\(text)", metadata: metadata)
    }

    var context: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}
