import CONNXRuntime

/// Settings for one or more runs: a tag for the logs, log levels, run-level config entries, and a switch that
/// terminates runs in progress.
///
/// Everything but termination is fixed at creation, so one `RunOptions` can be shared by concurrent runs;
/// ``terminate()`` is meant to be called from another thread or task while runs are under way.
public final class RunOptions: @unchecked Sendable {
    // @unchecked: the handle's settings are written only in init; afterwards only the terminate flag changes, and
    // ORT stores that flag atomically precisely so it can be flipped from another thread during a run.
    let handle: OpaquePointer
    let api: API
    /// The tag ORT puts in this run's log messages.
    public let tag: String?
    /// The lowest severity logged during the run; `nil` uses the session's.
    public let logSeverity: LogLevel?
    /// Verbosity of verbose messages; `nil` leaves ORT's default.
    public let logVerbosity: Int?
    /// The run-level configuration entries.
    public let configEntries: [String: String]
    /// The LoRA adapters active for runs with these options (kept alive as long as the options).
    public let activeAdapters: [LoraAdapter]

    /// Creates run options.
    /// - Parameters:
    ///   - tag: A tag for ORT's log messages about the run.
    ///   - logSeverity: The lowest severity logged during the run.
    ///   - logVerbosity: Verbosity of verbose messages (ORT debug builds only).
    ///   - configEntries: Run-level configuration entries (ORT's `run.*` keys, such as
    ///     `memory.enable_memory_arena_shrinkage`).
    ///   - activeAdapters: LoRA adapters whose parameters replace the matching model inputs (ORT 1.20+).
    /// - Throws: ``ORTError`` if ORT rejects a setting.
    ///
    /// The corresponding C function is `CreateRunOptions`.
    public init(
        tag: String? = nil, logSeverity: LogLevel? = nil, logVerbosity: Int? = nil,
        configEntries: [String: String] = [:], activeAdapters: [LoraAdapter] = []
    ) throws(ORTError) {
        let api = try API.get()
        var handle: OpaquePointer?
        try api.check(api.table.pointee.CreateRunOptions(&handle))
        self.handle = handle!
        self.api = api
        self.tag = tag
        self.logSeverity = logSeverity
        self.logVerbosity = logVerbosity
        self.configEntries = configEntries
        self.activeAdapters = activeAdapters
        if let tag { try api.check(api.table.pointee.RunOptionsSetRunTag(handle, tag)) }
        if let logSeverity {
            try api.check(api.table.pointee.RunOptionsSetRunLogSeverityLevel(handle, logSeverity.rawValue))
        }
        if let logVerbosity {
            try api.check(api.table.pointee.RunOptionsSetRunLogVerbosityLevel(handle, Int32(clamping: logVerbosity)))
        }
        for (key, value) in configEntries.sorted(by: { $0.key < $1.key }) {
            try api.check(api.table.pointee.AddRunConfigEntry(handle, key, value))
        }
        if !activeAdapters.isEmpty { try api.require(20, for: "LoRA adapters") }
        for adapter in activeAdapters {
            try api.check(api.table.pointee.RunOptionsAddActiveLoraAdapter(handle, adapter.handle))
        }
    }

    deinit {
        api.table.pointee.ReleaseRunOptions(handle)
    }

    /// Run options that return the CPU memory arena's unused memory to the system after each run.
    ///
    /// Useful when input shapes vary a lot: without it the arena keeps the high-water mark for the life of the session.
    /// This sets the run config entry `memory.enable_memory_arena_shrinkage` to `cpu:0`.
    public static func shrinkingMemoryArenas(tag: String? = nil) throws(ORTError) -> RunOptions {
        try RunOptions(tag: tag, configEntries: ["memory.enable_memory_arena_shrinkage": "cpu:0"])
    }

    /// A fresh copy with the same settings and its own termination switch.
    func copy() throws(ORTError) -> RunOptions {
        try RunOptions(
            tag: tag, logSeverity: logSeverity, logVerbosity: logVerbosity, configEntries: configEntries,
            activeAdapters: activeAdapters)
    }

    /// Terminates every run using these options as soon as possible; those runs throw
    /// ``ORTError/Code/cancelled``. Runs started later with these options fail at once until ``unsetTerminate()``.
    ///
    /// The corresponding C function is `RunOptionsSetTerminate`.
    public func terminate() {
        if let status = api.table.pointee.RunOptionsSetTerminate(handle) { api.table.pointee.ReleaseStatus(status) }
    }

    /// Lets runs with these options proceed again after ``terminate()``.
    ///
    /// The corresponding C function is `RunOptionsUnsetTerminate`.
    public func unsetTerminate() {
        if let status = api.table.pointee.RunOptionsUnsetTerminate(handle) { api.table.pointee.ReleaseStatus(status) }
    }

    /// The value of a run-level configuration entry, if set (ONNX Runtime 1.23+).
    ///
    /// The corresponding C function is `GetRunConfigEntry`.
    public func configEntry(_ key: String) throws(ORTError) -> String? {
        try api.require(23, for: "reading run config entries")
        return api.table.pointee.GetRunConfigEntry(handle, key).map { String(cString: $0) }
    }
}
