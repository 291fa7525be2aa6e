#if Server
import Dispatch
import ONNXRuntime

/// Triton's dynamic batcher for one model version: requests wait in a queue, requests that fit together (see
/// ``BatchKey``) are joined along dimension 0 and run as one batch on a free instance, and each request gets exactly
/// its own rows of the outputs.
///
/// A batch runs when a free instance exists and either its rows reach a preferred batch size or `max_batch_size`, or
/// the oldest request in it has waited `max_queue_delay_microseconds`. It never has more than `max_batch_size` rows.
/// The oldest request decides which requests may join: requests that do not fit with it wait for a later batch.
///
/// With `priority_levels`, the queue is ordered by level (1 first) and by arrival within a level: the request at its
/// head decides the next batch, and a level's `max_queue_size` (its `priority_queue_policy`, else
/// `default_queue_policy`) bounds the requests waiting at that level, as in Triton's priority queue.
///
/// A request that arrives when ``Policy/maximumQueued`` requests already wait is turned away (503). A request that is
/// cancelled (its timeout) leaves the queue at once; one whose batch is already running gets its error at once while
/// the batch finishes for the others, and a batch whose requests have all gone is terminated. When a batch fails,
/// every request in it gets the error.
///
/// Runs go to the instances' serial queues through ``RunExecutor``; with several instances, several batches run at
/// the same time.
final class DynamicBatcher: Sendable {
    /// How batches are formed.
    struct Policy: Sendable, Hashable {
        /// The most rows in one batch (`max_batch_size`).
        var maxBatchSize: Int
        /// Batch sizes that run at once when reached (`preferred_batch_size`), those above ``maxBatchSize`` left out.
        var preferredBatchSizes: Set<Int>
        /// How long the oldest request may wait for more to join, in nanoseconds (`max_queue_delay_microseconds`).
        var maxQueueDelay: UInt64
        /// The most requests that may wait (at least 1).
        var maximumQueued: Int
        /// The most requests that may wait at a level, for levels with a `max_queue_size` of their own.
        var levelLimits: [UInt64: Int]
        /// The most requests that may wait at any other level, if `default_queue_policy` sets it (with levels).
        var defaultLevelLimit: Int?

        /// The policy of a model configuration with `dynamic_batching`.
        init(config: ModelConfig, batching: ModelConfig.DynamicBatching, maximumQueued: Int) {
            maxBatchSize = max(1, config.maxBatchSize)
            preferredBatchSizes = Set(batching.preferredBatchSizes.filter { $0 <= max(1, config.maxBatchSize) })
            let (delay, overflow) = batching.maxQueueDelayMicroseconds.multipliedReportingOverflow(by: 1000)
            maxQueueDelay = overflow ? UInt64.max : delay
            self.maximumQueued = max(1, maximumQueued)
            levelLimits = [:]
            defaultLevelLimit = nil
            if batching.priorityLevels > 0 {
                for (level, policy) in batching.priorityQueuePolicy where policy.maxQueueSize > 0 {
                    levelLimits[level] = policy.maxQueueSize
                }
                if let size = batching.defaultQueuePolicy?.maxQueueSize, size > 0 { defaultLevelLimit = size }
            }
        }

        /// The most requests that may wait at `level`, if it has a bound of its own.
        func limit(level: UInt64) -> Int? {
            levelLimits[level] ?? defaultLevelLimit
        }
    }

    /// What one request gets back.
    struct Output: Sendable {
        /// The request's rows of each computed output.
        var values: [String: Value]
        /// Time in the queue, and its batch's input, run and split times.
        var timings: StatisticsRecorder.Timings
        /// The rows of the whole batch.
        var batchSize: Int
    }

    private typealias Waiter = CheckedContinuation<Result<Output, ServingError>, Never>

    private struct Entry: Sendable {
        let id: UInt64
        let key: BatchKey
        let rows: Int
        /// The priority level, 1 the highest (always 1 without levels).
        let level: UInt64
        let enqueued: UInt64
        let inputs: [String: Value]
        let pending: PendingRequest
    }

    private struct Batch: Sendable {
        let instance: Int
        let entries: [Entry]
        let running: RunningBatch
    }

    /// A batch being run. Once every request in it has gone (timed out or cancelled), its run is terminated.
    private final class RunningBatch: Sendable {
        private struct State {
            var task: Task<Void, Never>?
            var left: Int
            var abandoned = false
        }

        private let state: Locked<State>

        init(requests: Int) {
            state = Locked(State(left: requests))
        }

        /// Sets the task that runs the batch (cancelled at once if every request has already gone).
        func attach(_ task: Task<Void, Never>) {
            let abandoned = state.withLock { state in
                state.task = task
                return state.abandoned
            }
            if abandoned { task.cancel() }
        }

        /// Notes that one request no longer waits for the batch.
        func leave() {
            let task = state.withLock { state -> Task<Void, Never>? in
                state.left -= 1
                guard state.left <= 0 else { return nil }
                state.abandoned = true
                return state.task
            }
            task?.cancel()
        }
    }

    private struct State {
        var queue: [Entry] = []
        var waiters: [UInt64: Waiter] = [:]
        /// The batch each running request is in.
        var running: [UInt64: RunningBatch] = [:]
        var busy: [Bool]
        var cursor = 0
        var nextID: UInt64 = 0
        /// The deadline of the timer that is armed, if any.
        var timer: UInt64?

        mutating func takeFree() -> Int? {
            for step in 0..<busy.count {
                let index = (cursor + step) % busy.count
                if !busy[index] {
                    busy[index] = true
                    cursor = (index + 1) % busy.count
                    return index
                }
            }
            return nil
        }
    }

    /// What to do with the queue now.
    private enum Decision {
        case run([Int])
        case wait(until: UInt64)
    }

    let policy: Policy
    private let name: String
    private let label: String
    private let instances: [ModelInstance]
    private let statistics: StatisticsRecorder
    private let state: Locked<State>

    /// Creates a batcher over a model version's instances.
    /// - Parameters:
    ///   - policy: How batches are formed.
    ///   - name: The model name.
    ///   - version: The version.
    ///   - instances: The instances.
    ///   - statistics: Where each run is recorded (execution count and batch sizes).
    init(
        policy: Policy, name: String, version: Int, instances: [ModelInstance],
        statistics: StatisticsRecorder
    ) {
        self.policy = policy
        self.name = name
        self.label = "model '\(name)' version \(version)"
        self.instances = instances
        self.statistics = statistics
        self.state = Locked(State(busy: Array(repeating: false, count: instances.count)))
    }

    /// How many requests wait for a batch.
    var queuedCount: Int { state.withLock { $0.queue.count } }

    /// Queues a checked request with its input tensors and waits for its rows of the outputs.
    /// - Parameters:
    ///   - plan: The checked request; its ``InferencePlan/batchSize`` is its number of rows.
    ///   - level: Its priority level (see ``ModelConfig/DynamicBatching/level(forPriority:)``).
    ///   - inputs: Its input tensors.
    ///   - pending: Its place in the pending-request gauge, released when its batch starts.
    ///   - cancellation: The request's cancellation (its deadline); task cancellation has the same effect.
    /// - Throws: ``ServingError``: 503 when the queue is full or the request is cancelled; the batch's error (400 or
    ///   500) when its run fails.
    func submit(
        _ plan: InferencePlan, level: UInt64 = 1, inputs: [String: Value], pending: PendingRequest,
        cancellation: RequestCancellation
    ) async throws(ServingError) -> Output {
        let key = BatchKey(plan)
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let label = self.label
        let maximumQueued = policy.maximumQueued
        let levelLimit = policy.limit(level: level)
        let result: Result<Output, ServingError> = await cancellation.whileWaiting {
            await withCheckedContinuation { (continuation: Waiter) in
                let refused: ServingError? = state.withLock { state in
                    // Checked under the lock, so a cancellation that found no waiter is seen here.
                    if cancellation.isCancelled { return .unavailable("the request to \(label) was cancelled") }
                    guard state.queue.count < maximumQueued else {
                        return .unavailable(
                            "\(label) is busy: \(maximumQueued) requests are already waiting (the queue is full); "
                                + "retry later")
                    }
                    // Behind every request of its level or a higher one (a smaller number), before the rest.
                    let position = state.queue.lastIndex { $0.level <= level }.map { $0 + 1 } ?? 0
                    if let levelLimit {
                        let waiting = state.queue.reduce(0) { $0 + ($1.level == level ? 1 : 0) }
                        guard waiting < levelLimit else {
                            return .unavailable(
                                "\(label) is busy: \(levelLimit) requests are already waiting at priority level "
                                    + "\(level) (its queue is full); retry later")
                        }
                    }
                    state.queue.insert(
                        Entry(
                            id: id, key: key, rows: plan.batchSize, level: level, enqueued: MonotonicClock.now,
                            inputs: inputs, pending: pending),
                        at: position)
                    state.waiters[id] = continuation
                    return nil
                }
                if let refused {
                    continuation.resume(returning: .failure(refused))
                } else {
                    schedule()
                }
            }
        } onCancel: { [self] in
            let (waiter, running) = state.withLock { state -> (Waiter?, RunningBatch?) in
                state.queue.removeAll { $0.id == id }
                return (state.waiters.removeValue(forKey: id), state.running.removeValue(forKey: id))
            }
            waiter?.resume(returning: .failure(.unavailable("the request to \(label) was cancelled")))
            running?.leave()
        }
        return try result.get()
    }

    /// Starts every batch that is ready and has a free instance, and arms the timer for the oldest request that
    /// waits for its delay.
    private func schedule() {
        var batches: [Batch] = []
        var timer: UInt64?
        state.withLock { state in
            let now = MonotonicClock.now
            while !state.queue.isEmpty, state.busy.contains(false) {
                switch decide(state.queue, now: now) {
                case .run(let positions):
                    guard let instance = state.takeFree() else { return }
                    let entries = positions.map { state.queue[$0] }
                    for position in positions.reversed() { state.queue.remove(at: position) }
                    let running = RunningBatch(requests: entries.count)
                    for entry in entries { state.running[entry.id] = running }
                    batches.append(Batch(instance: instance, entries: entries, running: running))
                case .wait(let deadline):
                    if state.timer.map({ deadline < $0 }) ?? true {
                        state.timer = deadline
                        timer = deadline
                    }
                    return
                }
            }
        }
        for batch in batches {
            batch.running.attach(Task { await self.run(batch) })
        }
        if let timer {
            Task {
                let delay = timer &- MonotonicClock.now
                if delay > 0, delay < UInt64.max / 2 {
                    try? await Task.sleep(for: .nanoseconds(Int64(clamping: delay)))
                }
                self.state.withLock { state in
                    if state.timer == timer { state.timer = nil }
                }
                self.schedule()
            }
        }
    }

    /// The batch the oldest request would run in now, or how long it may still wait.
    private func decide(_ queue: [Entry], now: UInt64) -> Decision {
        let oldest = queue[0]
        var positions: [Int] = []
        var rows = 0
        var preferredCount: Int?
        var full = false
        for (position, entry) in queue.enumerated() where entry.key == oldest.key {
            guard rows + entry.rows <= policy.maxBatchSize else {
                full = true
                break
            }
            rows += entry.rows
            positions.append(position)
            if policy.preferredBatchSizes.contains(rows) { preferredCount = positions.count }
            if rows == policy.maxBatchSize {
                full = true
                break
            }
        }
        if full { return .run(positions) }
        if let preferredCount { return .run(Array(positions.prefix(preferredCount))) }
        let deadline = oldest.enqueued &+ policy.maxQueueDelay
        if policy.maxQueueDelay == 0 || now >= deadline || deadline < oldest.enqueued { return .run(positions) }
        return .wait(until: deadline)
    }

    /// Runs one batch on its instance, answers its requests, frees the instance and schedules again.
    private func run(_ batch: Batch) async {
        let started = MonotonicClock.now
        for entry in batch.entries { entry.pending.finish() }
        let result = await execute(batch)
        let waiters = state.withLock { state in
            state.busy[batch.instance] = false
            return batch.entries.map { entry in
                state.running[entry.id] = nil
                return state.waiters.removeValue(forKey: entry.id)
            }
        }
        switch result {
        case .success(let (outputs, timings, rows)):
            statistics.recordExecution(batchSize: rows, timings: timings)
            for (index, entry) in batch.entries.enumerated() {
                var own = timings
                own.queue = started >= entry.enqueued ? started - entry.enqueued : 0
                waiters[index]?.resume(
                    returning: .success(Output(values: outputs[index], timings: own, batchSize: rows)))
            }
        case .failure(let error):
            for waiter in waiters { waiter?.resume(returning: .failure(error)) }
        }
        schedule()
    }

    private func execute(_ batch: Batch) async -> Result<
        ([[String: Value]], StatisticsRecorder.Timings, Int), ServingError
    > {
        var timings = StatisticsRecorder.Timings()
        let entries = batch.entries
        let rows = entries.map(\.rows)
        let total = rows.reduce(0, +)
        do throws(ServingError) {
            let inputStart = MonotonicClock.now
            var inputs: [String: Value] = [:]
            for input in entries[0].key.inputs {
                var parts: [Value] = []
                parts.reserveCapacity(entries.count)
                for entry in entries {
                    guard let value = entry.inputs[input.name] else {
                        throw .internal("input '\(input.name)' is missing from a batched request")
                    }
                    parts.append(value)
                }
                inputs[input.name] = try TensorBatching.concatenate(parts, name: input.name)
            }
            timings.computeInput = MonotonicClock.since(inputStart)

            let runStart = MonotonicClock.now
            let names = entries[0].key.outputs
            let outputs: RunOutputs
            do {
                outputs = try await RunExecutor.run(
                    instances[batch.instance], inputs: inputs, outputs: names)
            } catch {
                throw LoadedModel.runError(error, model: name)
            }
            timings.computeInfer = MonotonicClock.since(runStart)

            let outputStart = MonotonicClock.now
            var perRequest = [[String: Value]](repeating: [:], count: entries.count)
            for name in names {
                guard let value = outputs[name] else { throw .internal("the model did not produce output '\(name)'") }
                for (index, piece) in try TensorBatching.split(value, rows: rows, name: name).enumerated() {
                    perRequest[index][name] = piece
                }
            }
            timings.computeOutput = MonotonicClock.since(outputStart)
            return .success((perRequest, timings, total))
        } catch {
            return .failure(error)
        }
    }
}
#endif
