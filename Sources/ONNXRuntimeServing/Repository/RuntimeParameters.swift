#if Server
import ONNXRuntime

/// The model configuration `parameters` that set up a model's ONNX Runtime sessions, with the keys and values
/// Triton's ONNX Runtime backend reads, and the same keys as server-wide defaults (`--backend-config onnxruntime,...`).
///
/// One home for what each key means: ``ConfigReader`` checks a model's entries with it, ``BackendConfiguration``
/// checks the server's, and ``ModelLoader`` turns the two, merged, into `SessionOptions` and run config entries.
/// A key not listed here is refused by name; so is a value the key does not take.
package enum RuntimeParameters {
    /// What a key takes.
    package enum Kind: Sendable, Hashable {
        /// A whole number of threads, 0 (ONNX Runtime chooses) or more.
        case threadCount
        /// `0` (sequential) or `1` (parallel).
        case executionMode
        /// A boolean as Triton reads it: `1`, `true`, `on` or `0`, `false`, `off`, in any case.
        case boolean
        /// A flag as ONNX Runtime reads it: exactly `0` or `1` (ONNX Runtime takes any other text as `0`).
        case flag
        /// A whole number in a range.
        case integer(ClosedRange<Int>)
        /// Text passed to ONNX Runtime as it is (ONNX Runtime checks it when it creates the session).
        case text
        /// The CPU arena to shrink after each run: `cpu:0`, or empty for none.
        case arenaShrinkage
    }

    /// Where a key's value goes.
    package enum Target: Sendable, Hashable {
        /// A session option with a dedicated ONNX Runtime call (thread counts, execution mode, memory).
        case sessionOption
        /// A session config entry (`AddSessionConfigEntry`) under the same key.
        case sessionConfigEntry
        /// A run config entry (`AddRunConfigEntry`) under the same key, on every run.
        case runConfigEntry
    }

    /// The longest text value ONNX Runtime takes for a config entry.
    package static let maximumValueLength = 1024

    /// Every key, with what it takes and where it goes.
    package static let keys: [String: (kind: Kind, target: Target)] = [
        // Triton's ONNX Runtime backend.
        "intra_op_thread_count": (.threadCount, .sessionOption),
        "inter_op_thread_count": (.threadCount, .sessionOption),
        "execution_mode": (.executionMode, .sessionOption),
        "enable_mem_arena": (.boolean, .sessionOption),
        "enable_mem_pattern": (.boolean, .sessionOption),
        "memory.enable_memory_arena_shrinkage": (.arenaShrinkage, .runConfigEntry),
        "session.use_device_allocator_for_initializers": (.flag, .sessionConfigEntry),
        // Further session config entries of ONNX Runtime's CPU build (onnxruntime_session_options_config_keys.h).
        "session.disable_prepacking": (.flag, .sessionConfigEntry),
        "session.set_denormal_as_zero": (.flag, .sessionConfigEntry),
        "session.disable_quant_qdq": (.flag, .sessionConfigEntry),
        "session.disable_double_qdq_remover": (.flag, .sessionConfigEntry),
        "session.enable_quant_qdq_cleanup": (.flag, .sessionConfigEntry),
        "session.disable_aot_function_inlining": (.flag, .sessionConfigEntry),
        "session.inter_op.allow_spinning": (.flag, .sessionConfigEntry),
        "session.intra_op.allow_spinning": (.flag, .sessionConfigEntry),
        "session.force_spinning_stop": (.flag, .sessionConfigEntry),
        "session.x64quantprecision": (.flag, .sessionConfigEntry),
        "session.strict_shape_type_inference": (.flag, .sessionConfigEntry),
        "session.allow_released_opsets_only": (.flag, .sessionConfigEntry),
        "session.disable_cpu_ep_fallback": (.flag, .sessionConfigEntry),
        "session.dynamic_block_base": (.integer(0...Int(Int32.max)), .sessionConfigEntry),
        "session.graph_optimizations_loop_level": (.integer(0...2), .sessionConfigEntry),
        "session.intra_op_thread_affinities": (.text, .sessionConfigEntry),
        "optimization.enable_gelu_approximation": (.flag, .sessionConfigEntry),
        "optimization.enable_cast_chain_elimination": (.flag, .sessionConfigEntry),
        "optimization.disable_specified_optimizers": (.text, .sessionConfigEntry),
    ]

    /// Parameters of Triton's example configurations that configure other backends: accepted and ignored, as
    /// Triton's ONNX Runtime backend ignores them (`execute_delay_ms` is for Triton's custom sequence backend, and
    /// `simple_dyna_sequence` has it).
    package static let ignoredKeys: Set<String> = ["execute_delay_ms"]

    /// The keys, sorted, for messages.
    package static var knownKeys: [String] { keys.keys.sorted() }

    /// Why `value` cannot be the value of `key`, or `nil` if it can.
    /// - Parameters:
    ///   - key: A parameter key; one not in ``keys`` is a problem, unless it is one of the ``ignoredKeys``.
    ///   - value: Its value, as written.
    package static func problem(key: String, value: String) -> String? {
        if ignoredKeys.contains(key) { return nil }
        guard let kind = keys[key]?.kind else {
            return "parameter '\(key)' is not supported; the ONNX Runtime parameters are "
                + knownKeys.joined(separator: ", ")
        }
        guard value.utf8.count <= maximumValueLength else {
            return "parameter '\(key)' is longer than \(maximumValueLength) bytes"
        }
        switch kind {
        case .threadCount:
            if wholeNumber(value).map({ $0 <= Int(Int32.max) }) == true { return nil }
            return "parameter '\(key)' must be a whole number of threads, 0 (ONNX Runtime chooses) or more, got "
                + "'\(value)'"
        case .executionMode:
            if value == "0" || value == "1" { return nil }
            // Triton's words, then ours.
            return "Invalid configuration value provided. Expected values for execution_mode are 0 or 1 but got "
                + "'\(value)' (0 runs operators one after another, 1 runs independent branches in parallel)"
        case .boolean:
            if switchValue(value) != nil { return nil }
            return "parameter '\(key)': failed to convert '\(value)' to boolean (use 1, true or on; 0, false or off)"
        case .flag:
            if value == "0" || value == "1" { return nil }
            return "parameter '\(key)' must be \"0\" or \"1\" (ONNX Runtime reads no other value), got '\(value)'"
        case .integer(let range):
            if let number = wholeNumber(value), range.contains(number) { return nil }
            return "parameter '\(key)' must be a whole number in \(range.lowerBound)...\(range.upperBound), got "
                + "'\(value)'"
        case .text:
            if !value.utf8.contains(0) { return nil }
            return "parameter '\(key)' must not contain a NUL character"
        case .arenaShrinkage:
            if value.isEmpty
                || value.split(separator: ";", omittingEmptySubsequences: false).allSatisfy({ $0 == "cpu:0" })
            {
                return nil
            }
            return "parameter '\(key)' must be \"cpu:0\" (shrink the CPU memory arena after each run) or empty, got "
                + "'\(value)': this server runs models on the CPU only"
        }
    }

    /// Why these parameters cannot be used together, or `nil`: shrinking the memory arena needs the arena.
    package static func conflict(_ parameters: [String: String]) -> String? {
        let shrinkage = parameters["memory.enable_memory_arena_shrinkage"] ?? ""
        if !shrinkage.isEmpty, let arena = parameters["enable_mem_arena"], switchValue(arena) == false {
            return "parameter 'memory.enable_memory_arena_shrinkage' shrinks the CPU memory arena, but "
                + "'enable_mem_arena' turns the arena off: give one or the other"
        }
        return nil
    }

    /// The session options and run config entries of checked parameters (see ``problem(key:value:)``).
    ///
    /// Thread counts are left alone when `globalThreadPools` is true (the pools are the server's); the others apply
    /// either way. Keys this server ignores are skipped.
    /// - Parameters:
    ///   - parameters: The model's parameters over the server's defaults.
    ///   - options: The options to change.
    ///   - globalThreadPools: Whether the sessions run on the global thread pools.
    /// - Returns: The run config entries for every run of the model.
    package static func apply(
        _ parameters: [String: String], to options: inout SessionOptions, globalThreadPools: Bool = false
    ) -> [String: String] {
        var runEntries: [String: String] = [:]
        for (key, value) in parameters {
            guard let target = keys[key]?.target else { continue }
            switch target {
            case .runConfigEntry:
                if !value.isEmpty { runEntries[key] = value }
            case .sessionConfigEntry:
                options.configEntries[key] = value
            case .sessionOption:
                switch key {
                case "intra_op_thread_count" where !globalThreadPools:
                    options.intraOpThreads = wholeNumber(value) ?? 0
                case "inter_op_thread_count" where !globalThreadPools:
                    options.interOpThreads = wholeNumber(value) ?? 0
                case "execution_mode": options.executionMode = value == "1" ? .parallel : .sequential
                case "enable_mem_arena": options.cpuMemoryArena = switchValue(value) ?? true
                case "enable_mem_pattern": options.memoryPattern = switchValue(value) ?? true
                default: break
                }
            }
        }
        return runEntries
    }

    /// A switch's value as Triton reads it (`ParseBoolValue`): `1`/`true`/`on`, `0`/`false`/`off`, in any case.
    package static func switchValue(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "1", "true", "on": true
        case "0", "false", "off": false
        default: nil
        }
    }

    /// Digits only (no sign, no spaces), as an `Int` that fits.
    private static func wholeNumber(_ text: String) -> Int? {
        guard !text.isEmpty, text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return nil
        }
        return Int(text)
    }
}
#endif
