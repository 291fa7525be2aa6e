#if Server && Client
/// A parsed Prometheus text exposition (format 0.0.4): samples by series, and the HELP and TYPE of each metric.
struct PrometheusText: Sendable {
    /// Values by series, written `name{label="value",...}` with the labels sorted by name (or `name` alone).
    var samples: [String: Double] = [:]
    /// HELP texts by metric name.
    var help: [String: String] = [:]
    /// TYPE by metric name.
    var types: [String: String] = [:]
    /// Lines that are neither comments nor samples.
    var malformed: [String] = []

    init(_ text: String) {
        for line in text.split(separator: "\n", omittingEmptySubsequences: true) {
            if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                let name = rest.prefix { $0 != " " }
                help[String(name)] = String(rest.dropFirst(name.count + 1))
            } else if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                if parts.count == 2 { types[String(parts[0])] = String(parts[1]) }
            } else if line.hasPrefix("#") {
                continue
            } else if let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) {
                samples[Self.canonical(String(line[..<space]))] = value
            } else {
                malformed.append(String(line))
            }
        }
    }

    /// The value of `name` with these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples[Self.key(name, labels)]
    }

    /// The value of a per-model series.
    func model(_ name: String, _ model: String, version: String = "1") -> Double? {
        value(name, ["model": model, "version": version])
    }

    static func key(_ name: String, _ labels: [String: String]) -> String {
        guard !labels.isEmpty else { return name }
        return name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\"\($0.value)\"" }.joined(separator: ",")
            + "}"
    }

    /// `name{b="2",a="1"}` as `name{a="1",b="2"}` (label values here hold no commas or quotes).
    private static func canonical(_ series: String) -> String {
        guard let open = series.firstIndex(of: "{"), series.hasSuffix("}") else { return series }
        let name = String(series[..<open])
        let body = series[series.index(after: open)..<series.index(before: series.endIndex)]
        var labels: [String: String] = [:]
        for pair in body.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { continue }
            labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        return key(name, labels)
    }
}
#endif
