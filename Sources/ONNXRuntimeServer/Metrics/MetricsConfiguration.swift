#if Server
import ONNXRuntimeServing

/// Triton's `--metrics-config` settings that this server has: latency summaries and their quantiles.
///
/// ```swift
/// var configuration = ServerConfiguration(serving: serving, metricsPort: 8002)
/// configuration.metrics = try MetricsConfiguration(settings: ["summary_latencies=true"])
/// ```
public struct MetricsConfiguration: Sendable, Hashable {
    /// One quantile of the latency summaries, and the rank error allowed for it.
    public struct Quantile: Sendable, Hashable {
        /// The quantile, above 0 and below 1.
        public var quantile: Double
        /// The rank error allowed, above 0 and below 1.
        public var error: Double

        /// Creates a quantile.
        public init(_ quantile: Double, error: Double) {
            self.quantile = quantile
            self.error = error
        }
    }

    /// Whether requests are recorded in the `nv_inference_*_summary_us` summaries (`summary_latencies`; off by
    /// default, as in Triton).
    public var summaryLatencies: Bool
    /// The summaries' quantiles (`summary_quantiles`).
    public var summaryQuantiles: [Quantile]

    /// Triton's default quantiles: the median within 5%, p90 within 1%, p95 and p99 within 0.1%, p99.9 within 0.01%.
    public static let defaultQuantiles: [Quantile] = [
        Quantile(0.5, error: 0.05), Quantile(0.9, error: 0.01), Quantile(0.95, error: 0.001),
        Quantile(0.99, error: 0.001), Quantile(0.999, error: 0.0001),
    ]

    /// Creates a configuration.
    public init(summaryLatencies: Bool = false, summaryQuantiles: [Quantile] = MetricsConfiguration.defaultQuantiles) {
        self.summaryLatencies = summaryLatencies
        self.summaryQuantiles = summaryQuantiles
    }

    /// Reads `--metrics-config` settings, each `key=value`: `summary_latencies=true|false`,
    /// `summary_quantiles=q:e,q:e,...` (Triton's syntax), and `counter_latencies=true` (the duration counters, which
    /// are always on here).
    /// - Throws: ``MetricsConfigurationError`` naming the setting: an unknown key, a missing `=`, a value that is not
    ///   a Boolean, a quantile or error outside (0, 1), a quantile given twice.
    public init(settings: [String]) throws(MetricsConfigurationError) {
        self.init()
        for setting in settings {
            guard let equals = setting.firstIndex(of: "=") else {
                throw MetricsConfigurationError("'\(setting)' is not key=value")
            }
            let key = String(setting[..<equals])
            let value = String(setting[setting.index(after: equals)...])
            func flag() throws(MetricsConfigurationError) -> Bool {
                switch value {
                case "true": return true
                case "false": return false
                default: throw MetricsConfigurationError("\(key) must be true or false, got '\(value)'")
                }
            }
            switch key {
            case "summary_latencies": summaryLatencies = try flag()
            case "summary_quantiles": summaryQuantiles = try Self.quantiles(value)
            case "counter_latencies":
                guard try flag() else {
                    throw MetricsConfigurationError(
                        "counter_latencies=false is not supported: the counters are always on")
                }
            default:
                throw MetricsConfigurationError(
                    "unknown setting '\(key)'; the settings are summary_latencies, summary_quantiles and "
                        + "counter_latencies")
            }
        }
    }

    private static func quantiles(_ text: String) throws(MetricsConfigurationError) -> [Quantile] {
        var quantiles: [Quantile] = []
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            let parts = item.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2, let quantile = Double(parts[0]), let error = Double(parts[1]),
                quantile > 0, quantile < 1, error > 0, error < 1
            else {
                throw MetricsConfigurationError(
                    "summary_quantiles: '\(item)' is not quantile:error with both above 0 and below 1 "
                        + "(for example 0.5:0.05,0.99:0.001)")
            }
            guard !quantiles.contains(where: { $0.quantile == quantile }) else {
                throw MetricsConfigurationError("summary_quantiles: the quantile \(quantile) is given twice")
            }
            quantiles.append(Quantile(quantile, error: error))
        }
        return quantiles
    }
}

/// A `--metrics-config` setting that cannot be used.
public typealias MetricsConfigurationError = SettingError
#endif
