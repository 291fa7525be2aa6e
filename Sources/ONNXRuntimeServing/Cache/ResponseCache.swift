#if Server
import CoreMetrics
import ONNXRuntime

/// The response cache (Triton's `local` cache): the outputs of earlier requests, by request, shared by every model
/// that enables it and bounded in bytes, the least recently used entries evicted first.
///
/// An entry holds the output tensors a model produced for one request (not an encoded response), so a hit is encoded
/// for the request that hits: JSON or binary, with or without classification, as that request asks. Its size is the
/// bytes of its key (every input byte) plus the bytes of its outputs; an entry larger than the whole cache is not
/// stored. Entries belong to one load of a model version (see ``makeOwner()``): a reloaded version never sees the
/// entries of the load before it, and those entries are dropped when the old load goes away.
///
/// Safe to use from concurrent requests: every operation takes one lock for a dictionary lookup and a few list
/// updates; keys are built and sizes measured outside it.
final class ResponseCache: Sendable {
    /// One cached response.
    private struct Entry {
        var key: ResponseCacheKey
        var outputs: [String: Value]
        var size: Int
        /// The next more recently used entry (towards the head), or -1.
        var newer: Int
        /// The next less recently used entry (towards the tail), or -1.
        var older: Int
    }

    /// The entries in a doubly linked list by recency, in a slot array with a free list.
    private struct State {
        var index: [ResponseCacheKey: Int] = [:]
        var slots: [Entry?] = []
        var free: [Int] = []
        /// The most recently used entry, or -1.
        var head = -1
        /// The least recently used entry, or -1.
        var tail = -1
        var used = 0
        var totals = Totals()
    }

    /// The cache's own counts, across models (Triton's `nv_cache_*` gauges without a model label).
    struct Totals: Sendable, Hashable {
        /// Responses stored.
        var entries = 0
        /// Bytes used by the stored entries.
        var usedBytes = 0
        /// Lookups that found a response.
        var hits: UInt64 = 0
        /// Lookups that found none.
        var misses: UInt64 = 0
        /// Entries evicted to make room.
        var evictions: UInt64 = 0
        /// Time spent in lookups (building the key included), in nanoseconds.
        var lookupNanoseconds: UInt64 = 0
        /// Time spent storing responses, in nanoseconds.
        var insertionNanoseconds: UInt64 = 0

        /// Lookups, hits and misses.
        var lookups: UInt64 { hits + misses }
    }

    /// What a lookup found.
    struct Lookup: Sendable {
        /// The request's key; `nil` when the request cannot be cached (an input's bytes could not be read).
        var key: ResponseCacheKey?
        /// The cached outputs, by name, on a hit.
        var outputs: [String: Value]?
        /// How long the lookup took, building the key included.
        var nanoseconds: UInt64
    }

    /// The most bytes the entries may take.
    let capacity: Int
    private let state: Locked<State>
    private let gauges: Gauges?
    private static let owners = Locked<UInt64>(0)

    /// Creates an empty cache.
    /// - Parameters:
    ///   - capacity: The most bytes the entries may take.
    ///   - metrics: Where to report the cache's own gauges (`nv_cache_num_entries`, ...), if anywhere.
    init(capacity: Int, metrics: ServingMetrics? = nil) {
        self.capacity = capacity
        self.state = Locked(State())
        self.gauges = metrics.map { Gauges(factory: $0.factory) }
        gauges?.update(Totals(), capacity: capacity)
    }

    /// A new owner identity, unique in this process: each load of a model version takes one, so entries never
    /// outlive the load that made them.
    static func makeOwner() -> UInt64 {
        owners.withLock { count in
            count += 1
            return count
        }
    }

    /// Looks a planned request up: builds its key from the input tensors and returns the cached outputs, if any
    /// (making them the most recently used).
    func lookup(owner: UInt64, model: String, version: Int, plan: InferencePlan, inputs: [String: Value]) -> Lookup {
        let start = MonotonicClock.now
        guard let key = ResponseCacheKey(owner: owner, model: model, version: version, plan: plan, inputs: inputs)
        else {
            return Lookup(key: nil, outputs: nil, nanoseconds: MonotonicClock.since(start))
        }
        let (outputs, elapsed, totals) = state.withLock { state -> ([String: Value]?, UInt64, Totals) in
            var found: [String: Value]?
            if let slot = state.index[key], let entry = state.slots[slot] {
                Self.unlink(slot, &state)
                Self.pushFront(slot, &state)
                state.totals.hits += 1
                found = entry.outputs
            } else {
                state.totals.misses += 1
            }
            let elapsed = MonotonicClock.since(start)
            state.totals.lookupNanoseconds += elapsed
            return (found, elapsed, state.totals)
        }
        gauges?.update(totals, capacity: capacity)
        return Lookup(key: key, outputs: outputs, nanoseconds: elapsed)
    }

    /// Stores the outputs of a request that missed, evicting the least recently used entries to make room. An entry
    /// larger than the whole cache is not stored; neither is one whose key is already there (a concurrent miss of
    /// the same request stored it first).
    /// - Parameters:
    ///   - key: The key its lookup returned.
    ///   - names: The outputs the request asked for.
    ///   - outputs: The outputs the model produced.
    /// - Returns: How long the insertion took, in nanoseconds.
    @discardableResult
    func insert(_ key: ResponseCacheKey, names: [String], outputs: any OutputValues) -> UInt64 {
        let start = MonotonicClock.now
        var stored: [String: Value] = [:]
        var size = key.bytes.count
        for name in names {
            guard let value = outputs[name], let bytes = Self.byteCount(of: value) else {
                return MonotonicClock.since(start)
            }
            stored[name] = value
            size += name.utf8.count + bytes
        }
        let fits = size <= capacity
        let totals = state.withLock { state -> Totals in
            if fits, state.index[key] == nil {
                while state.used + size > capacity, state.tail >= 0 {
                    Self.remove(state.tail, &state)
                    state.totals.evictions += 1
                }
                let slot: Int
                if let reused = state.free.popLast() {
                    slot = reused
                } else {
                    slot = state.slots.count
                    state.slots.append(nil)
                }
                state.slots[slot] = Entry(key: key, outputs: stored, size: size, newer: -1, older: -1)
                state.index[key] = slot
                state.used += size
                Self.pushFront(slot, &state)
            }
            state.totals.insertionNanoseconds += MonotonicClock.since(start)
            state.totals.entries = state.index.count
            state.totals.usedBytes = state.used
            return state.totals
        }
        gauges?.update(totals, capacity: capacity)
        return MonotonicClock.since(start)
    }

    /// Drops every entry of one owner (a model version's load that went away).
    func removeAll(owner: UInt64) {
        let totals = state.withLock { state -> Totals in
            var slot = state.head
            while slot >= 0, let entry = state.slots[slot] {
                let older = entry.older
                if entry.key.owner == owner { Self.remove(slot, &state) }
                slot = older
            }
            return state.totals
        }
        gauges?.update(totals, capacity: capacity)
    }

    /// The cache's counts so far.
    var totals: Totals {
        state.withLock { $0.totals }
    }

    /// The keys' owners from the most to the least recently used, with the entries' sizes (for tests).
    var recency: [(owner: UInt64, size: Int)] {
        state.withLock { state in
            var result: [(UInt64, Int)] = []
            var slot = state.head
            while slot >= 0, let entry = state.slots[slot] {
                result.append((entry.key.owner, entry.size))
                slot = entry.older
            }
            return result
        }
    }

    /// The bytes a cached output takes: its elements' bytes (for strings, each element's bytes and a 4-byte length,
    /// as the binary tensor layout has them); `nil` when they cannot be read.
    static func byteCount(of value: Value) -> Int? {
        if value.elementType == .string {
            guard let tensor = try? value.tensor(of: [UInt8].self) else { return nil }
            return try? tensor.withUnsafeElements { elements in
                elements.reduce(0) { $0 + 4 + $1.count }
            }
        }
        return try? value.withUnsafeRawBytes { $0.count }
    }

    // MARK: - The recency list

    private static func unlink(_ slot: Int, _ state: inout State) {
        guard let entry = state.slots[slot] else { return }
        if entry.newer >= 0 { state.slots[entry.newer]?.older = entry.older } else { state.head = entry.older }
        if entry.older >= 0 { state.slots[entry.older]?.newer = entry.newer } else { state.tail = entry.newer }
        state.slots[slot]?.newer = -1
        state.slots[slot]?.older = -1
    }

    private static func pushFront(_ slot: Int, _ state: inout State) {
        state.slots[slot]?.older = state.head
        state.slots[slot]?.newer = -1
        if state.head >= 0 { state.slots[state.head]?.newer = slot }
        state.head = slot
        if state.tail < 0 { state.tail = slot }
    }

    private static func remove(_ slot: Int, _ state: inout State) {
        guard let entry = state.slots[slot] else { return }
        unlink(slot, &state)
        state.index[entry.key] = nil
        state.slots[slot] = nil
        state.free.append(slot)
        state.used -= entry.size
        state.totals.entries = state.index.count
        state.totals.usedBytes = state.used
    }
}

extension ResponseCache {
    /// The cache's own gauges, with Triton's names and help texts (its `local` cache reports them without labels).
    struct Gauges: Sendable {
        let utilization: Meter
        let entries: Meter
        let hits: Meter
        let misses: Meter
        let lookups: Meter
        let evictions: Meter
        let lookupDuration: Meter
        let insertionDuration: Meter

        /// The names and help texts, as Triton 2.51's local cache exposes them.
        enum Name {
            static let utilization = ("nv_cache_util", "Cache utilization [0.0 - 1.0]")
            static let entries = ("nv_cache_num_entries", "Number of responses stored in response cache")
            static let hits = ("nv_cache_num_hits", "Number of cache hits in response cache")
            static let misses = ("nv_cache_num_misses", "Number of cache misses in response cache")
            static let lookups = ("nv_cache_num_lookups", "Number of cache lookups in response cache")
            static let evictions = ("nv_cache_num_evictions", "Number of cache evictions in response cache")
            static let lookupDuration = (
                "nv_cache_lookup_duration", "Total cache lookup duration (hit and miss), in microseconds"
            )
            static let insertionDuration = (
                "nv_cache_insertion_duration", "Total cache insertion duration, in microseconds"
            )
            /// Every gauge, with its help text.
            static let all = [
                utilization, entries, hits, misses, lookups, evictions, lookupDuration, insertionDuration,
            ]
        }

        init(factory: any MetricsFactory) {
            func meter(_ name: (String, String)) -> Meter { Meter(label: name.0, dimensions: [], factory: factory) }
            utilization = meter(Name.utilization)
            entries = meter(Name.entries)
            hits = meter(Name.hits)
            misses = meter(Name.misses)
            lookups = meter(Name.lookups)
            evictions = meter(Name.evictions)
            lookupDuration = meter(Name.lookupDuration)
            insertionDuration = meter(Name.insertionDuration)
        }

        func update(_ totals: Totals, capacity: Int) {
            utilization.set(capacity > 0 ? Double(totals.usedBytes) / Double(capacity) : 0)
            entries.set(totals.entries)
            hits.set(Int64(clamping: totals.hits))
            misses.set(Int64(clamping: totals.misses))
            lookups.set(Int64(clamping: totals.lookups))
            evictions.set(Int64(clamping: totals.evictions))
            lookupDuration.set(Int64(clamping: totals.lookupNanoseconds / 1000))
            insertionDuration.set(Int64(clamping: totals.insertionNanoseconds / 1000))
        }
    }
}
#endif
