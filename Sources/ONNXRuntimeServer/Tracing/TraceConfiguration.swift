#if Server
import ONNXRuntimeServing

/// Triton's `--trace-config` settings: what is traced from the start (level, rate, count) and where OpenTelemetry
/// spans go (`mode=opentelemetry`, `opentelemetry,url=...`).
///
/// ```swift
/// var configuration = ServerConfiguration(serving: serving)
/// configuration.trace = try TraceConfiguration(settings: [
///     "mode=opentelemetry", "opentelemetry,url=localhost:4318/v1/traces", "level=TIMESTAMPS", "rate=100",
/// ])
/// ```
///
/// The level, rate and count can be changed while the server runs through Triton's trace extension
/// (`/v2/trace/setting`); the OpenTelemetry settings cannot (nor can they in Triton).
public struct TraceConfiguration: Sendable, Hashable {
    /// What a sampled request records.
    public enum Level: String, Sendable, Hashable, CaseIterable {
        /// Nothing: tracing is off.
        case off = "OFF"
        /// The timestamps of the request's phases.
        case timestamps = "TIMESTAMPS"
    }

    /// The trace level (`level`). Default `OFF`, as in Triton.
    public var level: Level = .off
    /// One request in `rate` is traced (`rate`); 0 traces only requests that carry a W3C `traceparent`. Default 1000.
    public var rate: UInt32 = 1000
    /// How many more requests are traced (`count`); -1 for no limit (the default).
    public var count: Int32 = -1
    /// Where OTLP/HTTP spans are posted (`opentelemetry,url=`): `host:port/path`, `http://` assumed when no scheme is
    /// given. Default `http://localhost:4318/v1/traces`, as Triton's.
    public var url: String = "http://localhost:4318/v1/traces"
    /// The resource attributes of the spans (`opentelemetry,resource=key=value`, once per attribute); `service.name`
    /// is `ort-serve` unless given.
    public var resource: [String: String] = [:]
    /// At most this many finished spans wait for export; more are dropped and counted (`bsp_max_queue_size`,
    /// default 2048).
    public var maxQueueSize: Int = 2048
    /// Milliseconds between two exports (`bsp_schedule_delay`, default 5000).
    public var scheduleDelayMilliseconds: Int = 5000
    /// At most this many spans in one export (`bsp_max_export_batch_size`, default 512).
    public var maxExportBatchSize: Int = 512
    /// How long one export may take, retries included, before its spans are given up (and how long shutdown waits
    /// for the last export). Default 10 seconds; not a Triton setting.
    public var exportTimeout: Duration = .seconds(10)

    /// The default configuration: tracing off, OpenTelemetry mode with Triton's defaults.
    public init() {}

    /// Reads `--trace-config` settings in Triton's syntax: `key=value` for the global settings (`level`, `rate`,
    /// `count`, `mode`) and `opentelemetry,key=value` for the exporter (`url`, `resource`, `bsp_max_queue_size`,
    /// `bsp_schedule_delay`, `bsp_max_export_batch_size`).
    /// - Throws: ``TraceConfigurationError`` naming the setting: an unknown key, a value that does not parse or is out
    ///   of range, `level=TENSORS` (tensors are not traced in OpenTelemetry mode, as in Triton), `mode=triton` and
    ///   its `triton,file=` and `triton,log-frequency=` settings (this server does not write Triton's JSON trace
    ///   files), a batch size above the queue size.
    public init(settings: [String]) throws(TraceConfigurationError) {
        self.init()
        for setting in settings {
            var text = Substring(setting)
            var section: Substring?
            if let comma = text.firstIndex(of: ","), !text[..<comma].contains("=") {
                section = text[..<comma]
                text = text[text.index(after: comma)...]
            }
            guard let equals = text.firstIndex(of: "=") else {
                throw TraceConfigurationError("'\(setting)' is not [mode,]key=value")
            }
            let key = String(text[..<equals])
            let value = String(text[text.index(after: equals)...])
            switch section {
            case nil: try global(key, value)
            case "opentelemetry"?: try openTelemetry(key, value)
            case "triton"?:
                throw TraceConfigurationError(
                    "'\(setting)': mode triton writes Triton's JSON trace files, which this server does not; use "
                        + "mode=opentelemetry")
            case let other?:
                throw TraceConfigurationError(
                    "unknown trace mode '\(other)' in '\(setting)'; the mode is opentelemetry")
            }
        }
        guard maxExportBatchSize <= maxQueueSize else {
            throw TraceConfigurationError(
                "opentelemetry,bsp_max_export_batch_size (\(maxExportBatchSize)) must not exceed "
                    + "bsp_max_queue_size (\(maxQueueSize))")
        }
    }

    private mutating func global(_ key: String, _ value: String) throws(TraceConfigurationError) {
        switch key {
        case "level": level = try Self.level(value)
        case "rate":
            guard let rate = UInt32(value) else {
                throw TraceConfigurationError("rate must be an integer from 0 to \(UInt32.max), got '\(value)'")
            }
            self.rate = rate
        case "count":
            guard let count = Int32(value), count >= -1 else {
                throw TraceConfigurationError(
                    "count must be -1 (no limit) or an integer from 0 to \(Int32.max), got '\(value)'")
            }
            self.count = count
        case "mode":
            switch value {
            case "opentelemetry": break
            case "triton":
                throw TraceConfigurationError(
                    "mode=triton writes Triton's JSON trace files, which this server does not; use mode=opentelemetry")
            default: throw TraceConfigurationError("unknown trace mode '\(value)'; the mode is opentelemetry")
            }
        case "file", "log-frequency", "log_frequency":
            throw TraceConfigurationError(
                "\(key) belongs to mode triton (JSON trace files), which this server does not have; use "
                    + "mode=opentelemetry")
        default:
            throw TraceConfigurationError(
                "unknown trace setting '\(key)'; the settings are level, rate, count and mode, and "
                    + "opentelemetry,url=... for the exporter")
        }
    }

    private mutating func openTelemetry(_ key: String, _ value: String) throws(TraceConfigurationError) {
        func positive(_ name: String) throws(TraceConfigurationError) -> Int {
            guard let number = Int(value), number > 0, number <= Int(Int32.max) else {
                throw TraceConfigurationError(
                    "opentelemetry,\(name) must be an integer from 1 to \(Int32.max), got '\(value)'")
            }
            return number
        }
        switch key {
        case "url": url = try Self.endpoint(value)
        case "resource":
            guard let equals = value.firstIndex(of: "="), equals != value.startIndex else {
                throw TraceConfigurationError(
                    "opentelemetry,resource must be key=value (for example service.name=triton), got '\(value)'")
            }
            resource[String(value[..<equals])] = String(value[value.index(after: equals)...])
        case "bsp_max_queue_size": maxQueueSize = try positive(key)
        case "bsp_schedule_delay": scheduleDelayMilliseconds = try positive(key)
        case "bsp_max_export_batch_size": maxExportBatchSize = try positive(key)
        default:
            throw TraceConfigurationError(
                "unknown opentelemetry setting '\(key)'; the settings are url, resource, bsp_max_queue_size, "
                    + "bsp_schedule_delay and bsp_max_export_batch_size")
        }
    }

    /// A trace level by Triton's name (`TIMESTAMPS`, `OFF`; case-insensitive, as Triton reads the flag).
    static func level(_ name: String) throws(TraceConfigurationError) -> Level {
        if let level = Level(rawValue: name.uppercased()) { return level }
        if name.uppercased() == "TENSORS" {
            throw TraceConfigurationError(
                "trace level TENSORS is not supported in opentelemetry mode (as in Triton); the levels are OFF and "
                    + "TIMESTAMPS")
        }
        throw TraceConfigurationError(
            "invalid value for trace level option: \(name); the levels are OFF and TIMESTAMPS")
    }

    /// An OTLP/HTTP URL: `http://` or `https://`, or `host:port/path` (`http://` assumed), with a host.
    static func endpoint(_ value: String) throws(TraceConfigurationError) -> String {
        let url = value.hasPrefix("http://") || value.hasPrefix("https://") ? value : "http://" + value
        let rest = url.drop { $0 != "/" }.dropFirst(2)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !authority.isEmpty, !authority.hasPrefix(":"), !value.contains(where: { $0 == " " || $0 == "\n" })
        else {
            throw TraceConfigurationError(
                "opentelemetry,url must be host:port/path or an http(s) URL (for example "
                    + "localhost:4318/v1/traces), got '\(value)'")
        }
        return url
    }
}

/// A `--trace-config` setting that cannot be used.
public typealias TraceConfigurationError = SettingError
#endif
