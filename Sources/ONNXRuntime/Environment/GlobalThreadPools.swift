import CONNXRuntime

/// Thread pools owned by the ``Environment`` and shared by every session that opts in with
/// ``SessionOptions/usesGlobalThreadPools``.
///
/// By default each session starts an intra-op pool of its own (and an inter-op pool in `.parallel` mode): a process
/// with many sessions has many idle threads, one pool per session. With global pools there is one intra-op and one
/// inter-op pool for the whole process, made when the environment is created.
///
/// ```swift
/// try Environment.configure(threadPools: GlobalThreadPools(intraOpThreads: 4, spinning: false))
/// ```
///
/// ORT creates the environment once per process, so the pools are chosen once, with
/// ``Environment/configure(logLevel:logID:logger:threadPools:)``, before the first session.
public struct GlobalThreadPools: Sendable, Hashable, CustomStringConvertible {
    /// Threads of the pool used inside one operator; 0 lets ORT choose (one per physical core).
    public var intraOpThreads: Int
    /// Threads of the pool used across operators in `.parallel` execution mode; 0 lets ORT choose.
    public var interOpThreads: Int
    /// Whether idle pool threads spin for a while before sleeping: lower latency when there is always work, more CPU
    /// use when there is not. Default: on (ORT's default).
    public var spinning: Bool
    /// Whether the pool threads treat denormal floating-point numbers as zero (faster on some CPUs, slightly less
    /// accurate). Default: off.
    public var denormalAsZero: Bool
    /// The processors the intra-op threads run on, in ORT's syntax: one entry per thread except the caller's
    /// (``intraOpThreads`` − 1 entries), separated by `;`, each a list of 1-based processor ids (`1,2`) or a range
    /// (`1-4`), for example `"1;2;3"` for 4 threads. `nil` leaves the placement to the system.
    public var intraOpThreadAffinity: String?

    /// Describes the pools; every argument is optional.
    /// - Parameters:
    ///   - intraOpThreads: Threads inside one operator; 0 lets ORT choose.
    ///   - interOpThreads: Threads across operators; 0 lets ORT choose.
    ///   - spinning: Whether idle threads spin before sleeping.
    ///   - denormalAsZero: Whether denormal numbers are treated as zero.
    ///   - intraOpThreadAffinity: The processors of the intra-op threads, in ORT's syntax; `nil` for no affinity.
    public init(
        intraOpThreads: Int = 0, interOpThreads: Int = 0, spinning: Bool = true, denormalAsZero: Bool = false,
        intraOpThreadAffinity: String? = nil
    ) {
        self.intraOpThreads = intraOpThreads
        self.interOpThreads = interOpThreads
        self.spinning = spinning
        self.denormalAsZero = denormalAsZero
        self.intraOpThreadAffinity = intraOpThreadAffinity
    }

    /// The settings, as `intra-op 4, inter-op 0, spinning, ...`.
    public var description: String {
        var parts = ["intra-op \(intraOpThreads)", "inter-op \(interOpThreads)", spinning ? "spinning" : "no spinning"]
        if denormalAsZero { parts.append("denormals as zero") }
        if let intraOpThreadAffinity { parts.append("affinity '\(intraOpThreadAffinity)'") }
        return parts.joined(separator: ", ")
    }

    /// The largest thread count passed to ORT (its C API takes an `int`).
    static let maximumThreads = Int(Int32.max)

    /// Refuses negative or oversized thread counts and an empty affinity string; ORT itself would accept them.
    func validate() throws(ORTError) {
        for (name, count) in [("intra-op", intraOpThreads), ("inter-op", interOpThreads)] {
            guard (0...Self.maximumThreads).contains(count) else {
                throw ORTError(
                    .invalidArgument,
                    "global \(name) thread count must be between 0 (ONNX Runtime chooses) and \(Self.maximumThreads), "
                        + "got \(count)")
            }
        }
        if let intraOpThreadAffinity, intraOpThreadAffinity.isEmpty {
            throw ORTError(.invalidArgument, "global intra-op thread affinity is empty; use nil for no affinity")
        }
    }

    /// Sets these values on an `OrtThreadingOptions`.
    func apply(to options: OpaquePointer, api: API) throws(ORTError) {
        let table = api.table.pointee
        try api.check(table.SetGlobalIntraOpNumThreads(options, Int32(intraOpThreads)))
        try api.check(table.SetGlobalInterOpNumThreads(options, Int32(interOpThreads)))
        try api.check(table.SetGlobalSpinControl(options, spinning ? 1 : 0))
        if denormalAsZero {
            try api.check(table.SetGlobalDenormalAsZero(options))
        }
        if let intraOpThreadAffinity {
            try api.check(table.SetGlobalIntraOpThreadAffinity(options, intraOpThreadAffinity))
        }
    }
}
