#if Server
import Dispatch
import Logging
import ONNXRuntime

/// Triton's sequence batcher for one model version: each sequence's requests run one at a time and in order, with
/// the model's control inputs (START, END, READY, CORRID) filled in and its implicit state carried from one request
/// to the next on the server.
///
/// - **Direct** (`direct`): a sequence gets a batch slot of one instance at its START and keeps it until its END (or
///   until it has been idle for `max_sequence_idle_microseconds`). An instance's batch has one row per slot up to the
///   highest slot with a request; rows of slots without a request are filled with zeros and READY false. A batch
///   runs when at least `minimum_slot_utilization` of the slots have a request, or its oldest request has waited
///   `max_queue_delay_microseconds`.
/// - **Oldest** (`oldest`): up to `max_candidate_sequences` sequences are candidates; the next request of each
///   candidate is batched as the dynamic batcher batches, oldest first, on any free instance.
///
/// A sequence that finds no free slot (direct) or candidate place (oldest) waits in a backlog, as in Triton, and
/// takes the place of the first sequence to end or go idle. Every waiting request counts against the model's queue
/// size; a request past it is turned away (503), so a backlog cannot grow without bound.
///
/// A request without START for a sequence the batcher does not know (never started, already ended, or released
/// after being idle) is refused (400, Triton's text), as is one without a correlation ID. A START for a sequence that
/// is still open begins it anew, as Triton does: its requests already queued run first, then the state starts
/// again from its initial value (Triton logs a warning; so does this server).
final class SequenceBatcher: Sendable {
    typealias Output = DynamicBatcher.Output
    private typealias Waiter = CheckedContinuation<Result<Output, ServingError>, Never>

    /// The batching limits.
    struct Policy: Sendable {
        /// The most requests that may wait, across all sequences and the backlog.
        var maximumQueued: Int
        /// How long a sequence may be idle, in nanoseconds.
        var idle: UInt64
        /// How long a batch may wait for more requests, in nanoseconds.
        var maxQueueDelay: UInt64
        /// Direct: the fraction of slots that must have a request. Oldest: unused.
        var minimumSlotUtilization: Float
        /// Oldest: the most candidate sequences. Direct: the number of slots.
        var places: Int
        /// Oldest: the preferred batch sizes.
        var preferredBatchSizes: Set<Int>
        /// Whether the strategy is `direct`.
        var direct: Bool
        /// Slots per instance (direct): `max_batch_size`, or 1.
        var slotsPerInstance: Int

        init(_ model: SequenceModel, instances: Int, maximumQueued: Int) {
            self.maximumQueued = max(1, maximumQueued)
            let (idle, overflow) = model.batching.maxSequenceIdleMicroseconds.multipliedReportingOverflow(by: 1000)
            self.idle = overflow ? UInt64.max : idle
            slotsPerInstance = model.maxBatchSize
            switch model.batching.strategy {
            case .direct(let direct):
                self.direct = true
                let (delay, overflow) = direct.maxQueueDelayMicroseconds.multipliedReportingOverflow(by: 1000)
                maxQueueDelay = overflow ? UInt64.max : delay
                minimumSlotUtilization = direct.minimumSlotUtilization
                places = max(1, instances) * model.maxBatchSize
                preferredBatchSizes = []
            case .oldest(let oldest):
                self.direct = false
                let (delay, overflow) = oldest.maxQueueDelayMicroseconds.multipliedReportingOverflow(by: 1000)
                maxQueueDelay = overflow ? UInt64.max : delay
                minimumSlotUtilization = 0
                places = max(1, oldest.maxCandidateSequences)
                preferredBatchSizes = Set(oldest.preferredBatchSizes.filter { $0 <= model.maxBatchSize })
            }
        }
    }

    private struct Entry: Sendable {
        let id: UInt64
        let flags: SequenceFlags
        let key: BatchKey
        let enqueued: UInt64
        let inputs: [String: Value]
        let pending: PendingRequest
    }

    /// One open sequence.
    private struct OpenSequence {
        /// Its requests that wait, in order.
        var queue: [Entry] = []
        /// Whether one of its requests is running.
        var running = false
        /// Its implicit state, by state input name; empty until its first request has run.
        var state: [String: Value] = [:]
        /// When a request last arrived or finished.
        var lastActivity: UInt64
        /// Whether its END has arrived (a later request must START again).
        var ended = false
        /// Its place: the slot (direct) or any value (oldest); `nil` while it waits in the backlog.
        var place: Int?
        /// When it got its place (oldest batches older sequences first).
        var admitted: UInt64 = 0
    }

    /// A batch: its instance, and its rows (`nil` for an empty direct slot).
    private struct Batch: Sendable {
        let instance: Int
        let rows: [Entry?]
    }

    private struct State {
        var sequences: [CorrelationID: OpenSequence] = [:]
        /// Sequences waiting for a place, in arrival order.
        var backlog: [CorrelationID] = []
        /// Direct: the sequence in each slot (instance × slotsPerInstance + row). Oldest: unused.
        var slots: [CorrelationID?]
        /// Oldest: how many sequences are candidates.
        var candidates = 0
        var busy: [Bool]
        var waiters: [UInt64: Waiter] = [:]
        var queued = 0
        var nextID: UInt64 = 0
        /// The deadline of the timer that is armed, if any.
        var timer: UInt64?
    }

    let policy: Policy
    let model: SequenceModel
    private let name: String
    private let label: String
    private let instances: [ModelInstance]
    private let statistics: StatisticsRecorder
    private let logger: Logger
    private let state: Locked<State>
    /// The sequence series, when the server keeps metrics.
    private let metrics: SequenceMetrics?

    init(
        model: SequenceModel, maximumQueued: Int, name: String, version: Int, instances: [ModelInstance],
        statistics: StatisticsRecorder, logger: Logger = Logger(label: "onnxruntime.serving.sequence")
    ) {
        self.model = model
        self.policy = Policy(model, instances: instances.count, maximumQueued: maximumQueued)
        self.name = name
        self.label = "model '\(name)' version \(version)"
        self.instances = instances
        self.statistics = statistics
        self.logger = logger
        self.metrics = statistics.metrics?.sequences()
        self.state = Locked(
            State(
                slots: Array(repeating: nil, count: policy.direct ? policy.places : 0),
                busy: Array(repeating: false, count: instances.count)))
    }

    /// How many sequences are open (with a place or in the backlog).
    var sequenceCount: Int { state.withLock { $0.sequences.count } }

    /// How many sequences wait in the backlog.
    var backlogCount: Int { state.withLock { $0.backlog.count } }

    /// How many requests wait.
    var queuedCount: Int { state.withLock { $0.queued } }

    /// Queues a checked request of a sequence and waits for its outputs.
    /// - Parameters:
    ///   - flags: The request's sequence ID and flags.
    ///   - plan: The checked request (one row when the model batches).
    ///   - inputs: Its input tensors.
    ///   - pending: Its place in the pending-request gauge, released when its batch starts.
    ///   - cancellation: The request's cancellation (its deadline); task cancellation has the same effect.
    /// - Throws: ``ServingError``: 400 for a request without a correlation ID or without START for an unknown
    ///   sequence, 503 when the queue is full or the request is cancelled, the run's error when it fails.
    func submit(
        _ flags: SequenceFlags, plan: InferencePlan, inputs: [String: Value], pending: PendingRequest,
        cancellation: RequestCancellation
    ) async throws(ServingError) -> Output {
        guard flags.id.isSequence else {
            throw .badRequest(
                "inference request to model '\(name)' must specify a non-zero or non-empty correlation ID")
        }
        try model.checkID(flags.id, model: name)
        let key = BatchKey(plan)
        let id = state.withLock { state in
            state.nextID += 1
            return state.nextID
        }
        let result: Result<Output, ServingError> = await cancellation.whileWaiting {
            await withCheckedContinuation { (continuation: Waiter) in
                let refused = state.withLock { state -> ServingError? in
                    if cancellation.isCancelled { return .unavailable("the request to \(label) was cancelled") }
                    return enqueue(
                        &state,
                        Entry(
                            id: id, flags: flags, key: key, enqueued: MonotonicClock.now, inputs: inputs,
                            pending: pending),
                        continuation)
                }
                if let refused {
                    continuation.resume(returning: .failure(refused))
                } else {
                    schedule()
                }
            }
        } onCancel: { [self] in
            let waiter = state.withLock { state -> Waiter? in
                for (sequenceID, var sequence) in state.sequences {
                    guard let position = sequence.queue.firstIndex(where: { $0.id == id }) else { continue }
                    sequence.queue.remove(at: position)
                    state.queued -= 1
                    state.sequences[sequenceID] = sequence
                    if sequence.queue.isEmpty, !sequence.running, sequence.ended {
                        release(&state, sequenceID)
                    }
                    break
                }
                return state.waiters.removeValue(forKey: id)
            }
            waiter?.resume(returning: .failure(.unavailable("the request to \(label) was cancelled")))
            schedule()
        }
        return try result.get()
    }

    /// Adds a request to its sequence (opening the sequence on START), or says why not.
    private func enqueue(_ state: inout State, _ entry: Entry, _ waiter: Waiter) -> ServingError? {
        let id = entry.flags.id
        let now = entry.enqueued
        releaseIdle(&state, now: now)
        let known = state.sequences[id].map { !$0.ended } ?? false
        guard entry.flags.start || known else {
            return .badRequest(
                "inference request for sequence \(id) to model '\(name)' must specify the START flag on the first "
                    + "request of the sequence")
        }
        guard state.queued < policy.maximumQueued else {
            return .unavailable(
                "\(label) is busy: \(policy.maximumQueued) requests are already waiting (the queue is full); retry "
                    + "later")
        }
        if known, entry.flags.start {
            let message =
                "sequence \(id) for model '\(name)' has a conflict: the previous sequence did not end before this "
                + "sequence start; it ends early"
            logger.warning("\(message)")
        }
        if entry.flags.start { metrics?.sequenceStarted() }
        var sequence = state.sequences[id] ?? OpenSequence(lastActivity: now)
        if state.sequences[id] == nil {
            if let place = freePlace(&state) {
                sequence.place = place
                sequence.admitted = now
                if policy.direct { state.slots[place] = id }
            } else {
                state.backlog.append(id)
            }
        }
        sequence.queue.append(entry)
        sequence.ended = entry.flags.end
        sequence.lastActivity = now
        state.sequences[id] = sequence
        state.waiters[entry.id] = waiter
        state.queued += 1
        metrics?.counts(open: state.sequences.count, backlog: state.backlog.count)
        return nil
    }

    /// Takes a free slot (direct) or candidate place (oldest).
    private func freePlace(_ state: inout State) -> Int? {
        if policy.direct {
            return state.slots.firstIndex { $0 == nil }
        }
        guard state.candidates < policy.places else { return nil }
        state.candidates += 1
        return 0
    }

    /// Forgets a sequence and gives its place to the first sequence of the backlog.
    /// - Parameter idle: Whether it is released for being idle (counted apart from ended ones).
    private func release(_ state: inout State, _ id: CorrelationID, idle: Bool = false) {
        guard let sequence = state.sequences.removeValue(forKey: id) else { return }
        defer {
            if let metrics {
                metrics.sequenceReleased(idle: idle)
                metrics.counts(open: state.sequences.count, backlog: state.backlog.count)
            }
        }
        if let place = sequence.place {
            if policy.direct { state.slots[place] = nil } else { state.candidates -= 1 }
        } else {
            state.backlog.removeAll { $0 == id }
        }
        while !state.backlog.isEmpty, let place = freePlace(&state) {
            let next = state.backlog.removeFirst()
            guard var waiting = state.sequences[next] else {
                if !policy.direct { state.candidates -= 1 }
                continue
            }
            waiting.place = place
            waiting.admitted = MonotonicClock.now
            if policy.direct { state.slots[place] = next }
            state.sequences[next] = waiting
        }
    }

    /// Releases the sequences that have had nothing to do for longer than `max_sequence_idle_microseconds`.
    private func releaseIdle(_ state: inout State, now: UInt64) {
        var idle: [CorrelationID] = []
        for (id, sequence) in state.sequences
        where sequence.queue.isEmpty && !sequence.running && now &- sequence.lastActivity >= policy.idle {
            idle.append(id)
        }
        for id in idle {
            logger.debug("sequence \(id) for model '\(name)' was idle; released")
            release(&state, id, idle: true)
        }
    }

    /// The earliest time an idle sequence is released, if any.
    private func nextIdleDeadline(_ state: State) -> UInt64? {
        var earliest: UInt64?
        for sequence in state.sequences.values where sequence.queue.isEmpty && !sequence.running {
            let (deadline, overflow) = sequence.lastActivity.addingReportingOverflow(policy.idle)
            guard !overflow else { continue }
            earliest = min(earliest ?? deadline, deadline)
        }
        return earliest
    }

    /// Starts every batch that is ready and has a free instance, and arms the timer for the next batch delay or idle
    /// release.
    private func schedule() {
        var batches: [Batch] = []
        var timer: UInt64?
        state.withLock { state in
            let now = MonotonicClock.now
            releaseIdle(&state, now: now)
            var wake: UInt64? = nil
            if policy.direct {
                for instance in state.busy.indices where !state.busy[instance] {
                    switch directBatch(&state, instance: instance, now: now) {
                    case .run(let batch): batches.append(batch)
                    case .wait(let deadline): wake = min(wake ?? deadline, deadline)
                    case .none: continue
                    }
                }
            } else {
                scheduling: while let instance = state.busy.firstIndex(of: false) {
                    switch oldestBatch(&state, instance: instance, now: now) {
                    case .run(let batch): batches.append(batch)
                    case .wait(let deadline):
                        wake = min(wake ?? deadline, deadline)
                        break scheduling
                    case .none: break scheduling
                    }
                }
            }
            if let idle = nextIdleDeadline(state) { wake = min(wake ?? idle, idle) }
            if let wake, state.timer.map({ wake < $0 }) ?? true {
                state.timer = wake
                timer = wake
            }
        }
        for batch in batches {
            Task { await self.run(batch) }
        }
        if let timer {
            Task { [weak self] in
                let delay = timer &- MonotonicClock.now
                if delay > 0, delay < UInt64.max / 2 {
                    try? await Task.sleep(for: .nanoseconds(Int64(clamping: delay)))
                }
                guard let self else { return }
                self.state.withLock { state in
                    if state.timer == timer { state.timer = nil }
                }
                self.schedule()
            }
        }
    }

    private enum Decision {
        case run(Batch)
        case wait(UInt64)
        case none
    }

    /// The ready requests of one sequence: its next request, if it is not already running.
    private func head(_ state: State, _ id: CorrelationID) -> Entry? {
        guard let sequence = state.sequences[id], !sequence.running, sequence.place != nil else { return nil }
        return sequence.queue.first
    }

    /// Takes the next request of each sequence in `ids` off its queue and marks the sequences running.
    private func take(_ state: inout State, _ ids: [CorrelationID]) -> [Entry] {
        ids.map { id in
            var sequence = state.sequences[id]!
            let entry = sequence.queue.removeFirst()
            sequence.running = true
            state.sequences[id] = sequence
            state.queued -= 1
            return entry
        }
    }

    private func directBatch(_ state: inout State, instance: Int, now: UInt64) -> Decision {
        let base = instance * policy.slotsPerInstance
        var ready: [(row: Int, id: CorrelationID, entry: Entry)] = []
        for row in 0..<policy.slotsPerInstance {
            guard let id = state.slots[base + row], let entry = head(state, id) else { continue }
            ready.append((row, id, entry))
        }
        guard let oldest = ready.min(by: { $0.entry.enqueued < $1.entry.enqueued }) else { return .none }
        let fits = ready.filter { $0.entry.key == oldest.entry.key }
        let utilization = Float(fits.count) / Float(policy.slotsPerInstance)
        let deadline = oldest.entry.enqueued &+ policy.maxQueueDelay
        if policy.maxQueueDelay > 0, utilization < policy.minimumSlotUtilization, now < deadline,
            deadline >= oldest.entry.enqueued
        {
            return .wait(deadline)
        }
        let entries = take(&state, fits.map(\.id))
        var rows = [Entry?](repeating: nil, count: (fits.last?.row ?? 0) + 1)
        for (index, fit) in fits.enumerated() { rows[fit.row] = entries[index] }
        state.busy[instance] = true
        return .run(Batch(instance: instance, rows: rows))
    }

    private func oldestBatch(_ state: inout State, instance: Int, now: UInt64) -> Decision {
        var ready: [(id: CorrelationID, entry: Entry, admitted: UInt64)] = []
        for (id, sequence) in state.sequences {
            guard let entry = head(state, id) else { continue }
            ready.append((id, entry, sequence.admitted))
        }
        guard !ready.isEmpty else { return .none }
        ready.sort { ($0.entry.enqueued, $0.admitted) < ($1.entry.enqueued, $1.admitted) }
        let oldest = ready[0]
        var chosen: [CorrelationID] = []
        var preferredCount: Int?
        for candidate in ready where candidate.entry.key == oldest.entry.key {
            guard chosen.count < model.maxBatchSize else { break }
            chosen.append(candidate.id)
            if policy.preferredBatchSizes.contains(chosen.count) { preferredCount = chosen.count }
        }
        let full = chosen.count == model.maxBatchSize
        if !full {
            if let preferredCount {
                chosen = Array(chosen.prefix(preferredCount))
            } else {
                let deadline = oldest.entry.enqueued &+ policy.maxQueueDelay
                if policy.maxQueueDelay > 0, now < deadline, deadline >= oldest.entry.enqueued {
                    return .wait(deadline)
                }
            }
        }
        let entries = take(&state, chosen)
        state.busy[instance] = true
        return .run(Batch(instance: instance, rows: entries))
    }

    /// Runs one batch, stores each sequence's next state, answers its requests, frees the instance and schedules
    /// again.
    private func run(_ batch: Batch) async {
        let started = MonotonicClock.now
        let entries = batch.rows.compactMap { $0 }
        for entry in entries { entry.pending.finish() }
        let result = await execute(batch)
        let waiters = state.withLock { state -> [Waiter?] in
            state.busy[batch.instance] = false
            let now = MonotonicClock.now
            return entries.enumerated().map { index, entry in
                let id = entry.flags.id
                if var sequence = state.sequences[id] {
                    sequence.running = false
                    sequence.lastActivity = now
                    if case .success(let outputs) = result { sequence.state = outputs.states[index] }
                    state.sequences[id] = sequence
                    if entry.flags.end, sequence.queue.isEmpty { release(&state, id) }
                }
                return state.waiters.removeValue(forKey: entry.id)
            }
        }
        switch result {
        case .success(let outputs):
            statistics.recordExecution(batchSize: entries.count, timings: outputs.timings)
            for (index, entry) in entries.enumerated() {
                var own = outputs.timings
                own.queue = started >= entry.enqueued ? started - entry.enqueued : 0
                waiters[index]?.resume(
                    returning: .success(
                        Output(values: outputs.values[index], timings: own, batchSize: batch.rows.count)))
            }
        case .failure(let error):
            for waiter in waiters { waiter?.resume(returning: .failure(error)) }
        }
        schedule()
    }

    private struct BatchOutputs: Sendable {
        /// Each request's outputs, in the order of the batch's requests.
        var values: [[String: Value]]
        /// Each request's next state.
        var states: [[String: Value]]
        var timings: StatisticsRecorder.Timings
    }

    /// The sequence state each row starts from: the initial state on START (or for an empty row), otherwise what the
    /// sequence's previous request left.
    private func states(for rows: [Entry?]) -> [[String: Value]] {
        state.withLock { state in
            rows.map { row in
                guard let row, !row.flags.start, let sequence = state.sequences[row.flags.id] else { return [:] }
                return sequence.state
            }
        }
    }

    private func execute(_ batch: Batch) async -> Result<BatchOutputs, ServingError> {
        var timings = StatisticsRecorder.Timings()
        let rows = batch.rows
        let entries = rows.compactMap { $0 }
        guard let first = entries.first else { return .failure(.internal("an empty sequence batch")) }
        let previous = states(for: rows)
        do throws(ServingError) {
            let inputStart = MonotonicClock.now
            var inputs: [String: Value] = [:]
            for input in first.key.inputs {
                guard let sample = first.inputs[input.name] else {
                    throw .internal("input '\(input.name)' is missing from a sequence request")
                }
                inputs[input.name] = try join(
                    rows.map { $0?.inputs[input.name] }, sample: sample, datatype: input.datatype, name: input.name)
            }
            do {
                for control in model.controls {
                    inputs[control.config.name] = try model.controlValue(control, rows: rows.map { $0?.flags })
                }
            } catch {
                throw .internal("could not make the control inputs: \(error)")
            }
            for state in model.states {
                let name = state.config.inputName
                let parts = previous.map { $0[name] ?? state.initial }
                inputs[name] =
                    try model.batched
                    ? TensorBatching.concatenate(parts, name: name) : parts[0]
            }
            timings.computeInput = MonotonicClock.since(inputStart)

            let runStart = MonotonicClock.now
            var names = first.key.outputs
            for state in model.states where !names.contains(state.config.outputName) {
                names.append(state.config.outputName)
            }
            let outputs: RunOutputs
            do {
                outputs = try await RunExecutor.run(instances[batch.instance], inputs: inputs, outputs: names)
            } catch {
                throw LoadedModel.runError(error, model: name)
            }
            timings.computeInfer = MonotonicClock.since(runStart)

            let outputStart = MonotonicClock.now
            var perRow = [[String: Value]](repeating: [:], count: rows.count)
            for name in names {
                guard let value = outputs[name] else { throw .internal("the model did not produce output '\(name)'") }
                if model.batched {
                    let pieces = try TensorBatching.split(
                        value, rows: [Int](repeating: 1, count: rows.count), name: name)
                    for (index, piece) in pieces.enumerated() { perRow[index][name] = piece }
                } else {
                    perRow[0][name] = value
                }
            }
            var values: [[String: Value]] = []
            var states: [[String: Value]] = []
            for (index, row) in rows.enumerated() where row != nil {
                var own: [String: Value] = [:]
                for name in first.key.outputs { own[name] = perRow[index][name] }
                values.append(own)
                var next: [String: Value] = [:]
                for state in model.states { next[state.config.inputName] = perRow[index][state.config.outputName] }
                states.append(next)
            }
            timings.computeOutput = MonotonicClock.since(outputStart)
            return .success(BatchOutputs(values: values, states: states, timings: timings))
        } catch {
            return .failure(error)
        }
    }

    /// One input of a batch: the rows' tensors joined along the batch dimension, an empty row as zeros shaped like
    /// `sample`.
    private func join(_ parts: [Value?], sample: Value, datatype: DataType, name: String) throws(ServingError)
        -> Value
    {
        guard model.batched else { return parts.first.flatMap { $0 } ?? sample }
        var filled: [Value] = []
        filled.reserveCapacity(parts.count)
        var empty: Value?
        for part in parts {
            if let part {
                filled.append(part)
                continue
            }
            if empty == nil {
                do {
                    empty = try SequenceModel.zeros(datatype, shape: sample.shape)
                } catch {
                    throw .internal("input '\(name)': could not make an empty row: \(error)")
                }
            }
            filled.append(empty!)
        }
        return try TensorBatching.concatenate(filled, name: name)
    }
}
#endif
