import Foundation

/// ORT's profile of a session: every timed event, read from the JSON file ORT wrote.
public struct ProfilingReport: Sendable {
    /// One timed event (a session phase such as `model_run`, or one node's kernel).
    public struct Event: Sendable, Hashable {
        /// The event name, such as `model_run` or `Add_0_kernel_time`.
        public var name: String
        /// The category: `Session` or `Node`.
        public var category: String
        /// Start, in microseconds from the start of profiling.
        public var start: Int
        /// Duration in microseconds.
        public var duration: Int
        /// Extra details ORT records (for nodes: `op_name`, `provider`, shapes...), as text.
        public var arguments: [String: String]
    }

    /// Where ORT wrote the profile.
    public var path: String
    /// The events, in file order.
    public var events: [Event]

    /// Reads a profile file.
    /// - Throws: ``ORTError/Code/invalidArgument`` if the file is missing or is not ORT profile JSON.
    public init(path: String) throws(ORTError) {
        self.path = path
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw ORTError(.invalidArgument, "cannot read profile '\(path)': \(error)")
        }
        guard let list = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw ORTError(.invalidArgument, "'\(path)' is not an ONNX Runtime profile (a JSON array of events)")
        }
        events = list.map { entry in
            let arguments = (entry["args"] as? [String: Any] ?? [:]).mapValues { "\($0)" }
            return Event(
                name: entry["name"] as? String ?? "", category: entry["cat"] as? String ?? "",
                start: (entry["ts"] as? NSNumber)?.intValue ?? 0, duration: (entry["dur"] as? NSNumber)?.intValue ?? 0,
                arguments: arguments)
        }
    }

    /// The summed duration, in microseconds, of the events with this name (or of every event in a category).
    public func totalDuration(named name: String? = nil, category: String? = nil) -> Int {
        events.filter { (name == nil || $0.name == name) && (category == nil || $0.category == category) }
            .reduce(0) { $0 + $1.duration }
    }
}

extension Session {
    /// Stops profiling and returns the parsed profile.
    /// - Throws: ``ORTError`` if profiling was not enabled or the profile cannot be read.
    public func endProfilingReport() throws(ORTError) -> ProfilingReport {
        try ProfilingReport(path: endProfiling())
    }
}
