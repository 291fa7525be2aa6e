#if Server
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A log handler that follows a shared ``LogSettings``: which levels are logged and the time stamp format change for
/// every logger at once when the settings change (Triton's logging extension).
///
/// ```swift
/// let settings = LogSettings(LogSettings.Values(minimumLevel: .info))
/// let logger = Logger(label: "ort.serve") { LiveLogHandler(label: $0, settings: settings) }
/// ```
///
/// Lines go to standard error, one `write` each, laid out as swift-log's stream handler lays them out:
/// `TIME LEVEL LABEL: KEY=VALUE ... [SOURCE] MESSAGE`.
public struct LiveLogHandler: LogHandler {
    /// Where lines go: standard error unless a test captures them.
    public typealias Output = @Sendable (_ line: String) -> Void

    /// The logger's label.
    public let label: String
    /// The shared settings.
    public let settings: LogSettings
    /// The handler's own metadata.
    public var metadata: Logger.Metadata = [:]
    /// The handler's metadata provider.
    public var metadataProvider: Logger.MetadataProvider?
    private let output: Output
    /// The floor set through `logLevel`: a logger can be made quieter than the settings, never louder.
    private var floor: Logger.Level = .trace

    /// Creates a handler.
    /// - Parameters:
    ///   - label: The logger's label.
    ///   - settings: The settings to follow.
    ///   - metadataProvider: Contextual metadata, if any.
    ///   - output: Where lines go; standard error by default.
    public init(
        label: String, settings: LogSettings, metadataProvider: Logger.MetadataProvider? = nil,
        output: Output? = nil
    ) {
        self.label = label
        self.settings = settings
        self.metadataProvider = metadataProvider
        self.output = output ?? Self.standardError
    }

    /// The lowest level logged: the settings' lowest, or the floor set on this handler if that is higher. Setting it
    /// sets the floor only; the settings change through ``LogSettings/set(_:)`` or the logging extension.
    public var logLevel: Logger.Level {
        get { max(settings.values.minimumLevel, floor) }
        set { floor = newValue }
    }

    /// The handler's metadata value for a key.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Writes one event, if the settings allow its level (INFO can be off while WARNING is on).
    public func log(event: LogEvent) {
        let values = settings.values
        guard event.level >= floor, values.allows(event.level) else { return }
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let given = event.metadata { merged.merge(given) { _, new in new } }
        var line = Self.timestamp(values.format)
        line += " \(event.level) \(label):"
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        line += " [\(event.source)] \(event.message)\n"
        output(line)
    }

    // MARK: - Formatting and output

    /// The time now: `2026-12-06T21:37:34+0000` (local time, as swift-log's stream handler) for `default`, and
    /// `2026-12-06T21:37:34.020Z` (UTC, milliseconds) for `ISO8601`.
    /// - Parameter secondsSinceEpoch: The instant; now when `nil`.
    static func timestamp(_ format: LogSettings.Format, secondsSinceEpoch: Double? = nil) -> String {
        let instant = secondsSinceEpoch ?? Date().timeIntervalSince1970
        let wholeSeconds = instant.rounded(.down)
        var seconds = time_t(wholeSeconds)
        var parts = tm()
        var buffer = [CChar](repeating: 0, count: 64)
        let count: Int
        switch format {
        case .default:
            localtime_r(&seconds, &parts)
            count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        case .iso8601:
            gmtime_r(&seconds, &parts)
            count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S", &parts)
        }
        let base = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard format == .iso8601 else { return base }
        let milliseconds = min(999, Int(((instant - wholeSeconds) * 1000).rounded(.down)))
        return base + "." + String(repeating: "0", count: milliseconds < 10 ? 2 : milliseconds < 100 ? 1 : 0)
            + String(milliseconds) + "Z"
    }

    private static let standardError: Output = { line in
        var line = line
        line.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = write(2, bytes.baseAddress! + offset, bytes.count - offset)
                if written <= 0 {
                    if written < 0, errno == EINTR { continue }
                    return
                }
                offset += written
            }
        }
    }
}
#endif
