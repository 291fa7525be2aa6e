#if Server
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The standard Prometheus process metrics, read from `/proc/self` at each scrape (Linux only; elsewhere nothing is
/// written): `process_cpu_seconds_total`, `process_resident_memory_bytes`, `process_virtual_memory_bytes`,
/// `process_open_fds`, `process_max_fds` and `process_start_time_seconds`.
enum ProcessMetrics {
    /// One sample.
    struct Sample: Sendable, Equatable {
        var name: String
        var type: String
        var help: String
        var value: Double
    }

    /// The current samples; empty when `/proc/self/stat` cannot be read.
    static func samples() -> [Sample] {
        #if os(Linux)
        guard let stat = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return [] }
        // Fields after the command name, starting with field 3 (state); see proc(5).
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        func field(_ number: Int) -> Double? {
            let index = number - 3
            return index < fields.count ? Double(fields[index]) : nil
        }
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        var samples: [Sample] = []
        if let user = field(14), let system = field(15), ticks > 0 {
            samples.append(
                Sample(
                    name: "process_cpu_seconds_total", type: "counter",
                    help: "Total user and system CPU time spent in seconds.", value: (user + system) / ticks))
        }
        if let pages = field(24) {
            samples.append(
                Sample(
                    name: "process_resident_memory_bytes", type: "gauge", help: "Resident memory size in bytes.",
                    value: pages * pageSize))
        }
        if let bytes = field(23) {
            samples.append(
                Sample(
                    name: "process_virtual_memory_bytes", type: "gauge", help: "Virtual memory size in bytes.",
                    value: bytes))
        }
        if let descriptors = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            samples.append(
                Sample(
                    name: "process_open_fds", type: "gauge", help: "Number of open file descriptors.",
                    value: Double(descriptors.count)))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            samples.append(
                Sample(
                    name: "process_max_fds", type: "gauge", help: "Maximum number of open file descriptors.",
                    value: Double(limit.rlim_cur)))
        }
        if let started = field(22), ticks > 0, let boot = bootTime() {
            samples.append(
                Sample(
                    name: "process_start_time_seconds", type: "gauge",
                    help: "Start time of the process since unix epoch in seconds.",
                    value: boot + started / ticks))
        }
        return samples
        #else
        return []
        #endif
    }

    /// Appends the samples in the Prometheus text format.
    static func write(_ samples: [Sample], into buffer: inout [UInt8]) {
        for sample in samples {
            buffer.append(contentsOf: "# HELP \(sample.name) \(sample.help)\n".utf8)
            buffer.append(contentsOf: "# TYPE \(sample.name) \(sample.type)\n".utf8)
            let value =
                sample.value.rounded() == sample.value && abs(sample.value) < 1e15
                ? String(Int64(sample.value)) : String(sample.value)
            buffer.append(contentsOf: "\(sample.name) \(value)\n".utf8)
        }
    }

    /// The boot time in seconds since the epoch (`btime` in `/proc/stat`).
    private static func bootTime() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in stat.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst(6).trimmingCharacters(in: .whitespaces))
        }
        return nil
    }
}
#endif
