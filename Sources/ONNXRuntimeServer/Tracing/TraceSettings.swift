#if Server
import ONNXRuntimeServing
import Synchronization

/// The live trace settings of Triton's trace extension (`GET`/`POST /v2[/models/{m}]/trace/setting`, gRPC
/// `TraceSetting`): the global level, rate and count, a model's own where it has set them, and the sampling of each
/// request.
///
/// As in Triton, a model's settings are the global ones except where the model set its own; clearing a setting
/// (`null`, or an empty list over gRPC) falls back to the global value. Every update starts its setting afresh: the
/// request counter behind the rate restarts and the count is the one given. A request is traced when the rate picks
/// it (one in `rate`) and the count is not used up (each traced request uses one, unless the count is -1), or when it
/// carries a W3C `traceparent` and the level is not `OFF` (as Triton does in OpenTelemetry mode; `rate=0` traces only
/// those).
final class TraceSettings: Sendable {
    /// One complete set of values.
    struct Values: Sendable, Hashable {
        var level: TraceConfiguration.Level
        var rate: UInt32
        var count: Int32
    }

    /// A model's own values; `nil` follows the global value.
    struct Overrides: Sendable, Hashable {
        var level: TraceConfiguration.Level?
        var rate: UInt32?
        var count: Int32?

        var isEmpty: Bool { level == nil && rate == nil && count == nil }

        func applied(to global: Values) -> Values {
            Values(level: level ?? global.level, rate: rate ?? global.rate, count: count ?? global.count)
        }
    }

    /// One setting in force, with its sampling state.
    struct Setting: Sendable {
        var values: Values
        /// Requests counted for the rate.
        var seen: UInt64 = 0
        /// Traces left (-1: no limit); the `trace_count` a client reads.
        var remaining: Int32

        init(_ values: Values) {
            self.values = values
            remaining = values.count
        }

        /// Whether the next request is traced (Triton's `TraceSetting::SampleTrace`).
        mutating func sample(propagated: Bool) -> Bool {
            guard values.level != .off else { return false }
            guard values.rate != 0 else { return propagated }
            if remaining == 0, !propagated { return false }
            seen &+= 1
            var hit = seen % UInt64(values.rate) == 0
            if hit, remaining > 0 {
                remaining -= 1
            } else if hit, remaining == 0 {
                hit = false
            }
            return hit || propagated
        }
    }

    private struct State {
        var global: Setting
        var models: [String: (overrides: Overrides, setting: Setting)] = [:]

        var anyOn: Bool {
            global.values.level != .off || models.values.contains { $0.setting.values.level != .off }
        }
    }

    /// One change of an update: new values, or back to the global value.
    enum Change: Sendable, Hashable {
        /// `null` (REST) or an empty list (gRPC).
        case clear
        /// The values given (REST: a string is one value).
        case values([String])
        /// Something else a JSON body may hold, described for the error message.
        case invalid(String)
    }

    /// The exporter's settings, shown (never changed) by the extension.
    let configuration: TraceConfiguration
    private let state: Mutex<State>
    /// Whether any setting traces at all: the request path reads this one atomic when tracing is off.
    private let on: Atomic<Bool>

    /// Settings starting from the configuration's level, rate and count.
    init(_ configuration: TraceConfiguration) {
        self.configuration = configuration
        let global = Setting(Values(level: configuration.level, rate: configuration.rate, count: configuration.count))
        state = Mutex(State(global: global))
        on = Atomic(global.values.level != .off)
    }

    /// Whether any setting traces (one atomic load).
    var isOn: Bool { on.load(ordering: .relaxed) }

    /// Whether the next request to `model` is traced; `propagated` when it carries a usable `traceparent`.
    func sample(model: String, propagated: Bool) -> Bool {
        guard on.load(ordering: .relaxed) else { return false }
        return state.withLock { state in
            if state.models[model] != nil {
                return state.models[model]!.setting.sample(propagated: propagated)
            }
            return state.global.sample(propagated: propagated)
        }
    }

    /// The settings in force for `model` (the global ones for `nil`), as name and values, in Triton's order:
    /// `trace_level`, `trace_rate`, `trace_count`, `trace_mode`, then the exporter's `url` and batch settings.
    func settings(model: String?) -> [(name: String, values: [String])] {
        let setting = state.withLock { state in model.flatMap { state.models[$0]?.setting } ?? state.global }
        return [
            ("trace_level", [setting.values.level.rawValue]),
            ("trace_rate", [String(setting.values.rate)]),
            ("trace_count", [String(setting.remaining)]),
            ("trace_mode", ["opentelemetry"]),
            ("url", [configuration.url]),
            ("bsp_max_export_batch_size", [String(configuration.maxExportBatchSize)]),
            ("bsp_schedule_delay", [String(configuration.scheduleDelayMilliseconds)]),
            ("bsp_max_queue_size", [String(configuration.maxQueueSize)]),
        ]
    }

    /// The settings as the extension's `$trace_setting_response`: `trace_level` a list, the others strings.
    func json(model: String?) -> JSONValue {
        .object(
            JSONObject(
                settings(model: model).map { setting in
                    (
                        setting.name,
                        setting.name == "trace_level"
                            ? .array(setting.values.map(JSONValue.string)) : .string(setting.values.first ?? "")
                    )
                }))
    }

    /// Applies an update (`$trace_setting_request`) to the global settings (`model` `nil`) or a model's. Every change
    /// is checked before anything changes.
    /// - Throws: ``ServingError`` (400) naming the setting: an unknown name; a level other than `OFF` and
    ///   `TIMESTAMPS` (`TENSORS` is refused by name), or `OFF` with another level; a rate that is not an integer from
    ///   0 to 2^32 - 1; a count below -1; a `log_frequency` that is not an unsigned integer (accepted, and without
    ///   effect in OpenTelemetry mode, as in Triton); a `trace_file` (Triton's text); a different `trace_mode`, or an
    ///   exporter setting (fixed at start-up, as in Triton).
    func update(model: String?, _ changes: [(name: String, change: Change)]) throws(ServingError) {
        var level: TraceConfiguration.Level??
        var rate: UInt32??
        var count: Int32??
        for (name, change) in changes {
            let values: [String]?
            switch change {
            case .clear: values = nil
            case .values(let given): values = given
            case .invalid(let description):
                throw .badRequest(
                    "trace setting '\(name)' must be a string\(name == "trace_level" ? " or a list of strings" : "") "
                        + "or null, got \(description)")
            }
            func single() throws(ServingError) -> String? {
                guard let values else { return nil }
                guard values.count == 1 else {
                    throw .badRequest("trace setting '\(name)' takes one value, got \(values.count)")
                }
                return values[0]
            }
            switch name {
            case "trace_level":
                level = .some(try values.map { values throws(ServingError) in try Self.level(values) })
            case "trace_rate":
                rate = .some(
                    try single().map { text throws(ServingError) in
                        guard let rate = UInt32(text) else {
                            throw .badRequest(
                                "Unable to parse 'trace_rate', expecting an integer from 0 to \(UInt32.max), got: "
                                    + text)
                        }
                        return rate
                    })
            case "trace_count":
                count = .some(
                    try single().map { text throws(ServingError) in
                        guard let count = Int32(text), count >= -1 else {
                            throw .badRequest("Unable to parse 'trace_count'. Expecting value >= -1, got:\(text)")
                        }
                        return count
                    })
            case "log_frequency":
                if let text = try single(), UInt32(text) == nil {
                    throw .badRequest(
                        "Unable to parse 'log_frequency', expecting an integer from 0 to \(UInt32.max), got: \(text)")
                }
            case "trace_file":
                if let path = try single(), !path.isEmpty {
                    throw .badRequest("trace file location can not be updated through network protocol")
                }
            case "trace_mode":
                if let mode = try single(), mode != "opentelemetry" {
                    throw .badRequest(
                        "trace mode can not be updated through network protocol (the mode is opentelemetry)")
                }
            case "url", "resource", "bsp_max_queue_size", "bsp_schedule_delay", "bsp_max_export_batch_size":
                throw .badRequest(
                    "opentelemetry setting '\(name)' can not be updated through network protocol; it is set with "
                        + "--trace-config opentelemetry,\(name)=...")
            default:
                throw .badRequest(
                    "unknown trace setting '\(name)'; the settings are trace_level, trace_rate, trace_count, "
                        + "log_frequency, trace_file and trace_mode")
            }
        }
        state.withLock { state in
            if let model {
                var overrides = state.models[model]?.overrides ?? Overrides()
                if let level { overrides.level = level }
                if let rate { overrides.rate = rate }
                if let count { overrides.count = count }
                if overrides.isEmpty {
                    state.models[model] = nil
                } else {
                    state.models[model] = (overrides, Setting(overrides.applied(to: state.global.values)))
                }
            } else {
                var values = state.global.values
                if let level { values.level = level ?? configuration.level }
                if let rate { values.rate = rate ?? configuration.rate }
                if let count { values.count = count ?? configuration.count }
                state.global = Setting(values)
                // Models that follow a global value follow the new one (Triton's fallback models).
                for (name, entry) in state.models
                where entry.overrides.level == nil || entry.overrides.rate == nil || entry.overrides.count == nil {
                    state.models[name] = (entry.overrides, Setting(entry.overrides.applied(to: values)))
                }
            }
            on.store(state.anyOn, ordering: .relaxed)
        }
    }

    /// Applies a REST update: the body's members, as ``update(model:_:)`` does.
    func update(model: String?, json body: JSONObject) throws(ServingError) {
        try update(
            model: model,
            body.map { member in
                let change: Change =
                    switch member.value {
                    case .null: .clear
                    case .string(let text): .values([text])
                    case .array(let items):
                        if case let strings = items.compactMap(\.stringValue), strings.count == items.count {
                            .values(strings)
                        } else {
                            .invalid("a list holding something other than strings")
                        }
                    default: .invalid(member.value.kindDescription)
                    }
                return (member.key, change)
            })
    }

    private static func level(_ names: [String]) throws(ServingError) -> TraceConfiguration.Level {
        var levels: Set<TraceConfiguration.Level> = []
        for name in names {
            do {
                levels.insert(try TraceConfiguration.level(name))
            } catch {
                throw .badRequest(error.message)
            }
        }
        if levels.contains(.off), names.count > 1 {
            throw .badRequest("Expect only one trace level 'OFF' is specified")
        }
        return levels.contains(.timestamps) ? .timestamps : .off
    }
}
#endif
