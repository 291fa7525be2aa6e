#if Server
import Dispatch
import Logging
import ONNXRuntime

/// One version of a model, loaded and ready: its configuration, signature, sessions, queue and statistics.
///
/// Requests hold a reference while they run, so unloading or reloading never cuts a request short: the old version
/// goes away when its last request finishes.
public final class LoadedModel: Sendable {
    /// The model name.
    public let name: String
    /// The version number.
    public let version: Int
    /// The configuration, completed with the model's inputs and outputs.
    public let config: ModelConfig
    /// The inputs and outputs served.
    public let signature: ModelSignature
    /// The model file.
    public let path: String
    /// The class labels of outputs with a `label_filename`, by output name (the classification extension).
    let labels: [String: [String]]
    /// The instances: a session each, with the queue its runs execute on.
    let instances: [ModelInstance]
    let pool: InstancePool
    let statistics: StatisticsRecorder
    let limits: ServingLimits
    /// Joins requests into batches, when the model batches (`max_batch_size > 0`) and has `dynamic_batching`.
    let batcher: DynamicBatcher?
    /// Runs each sequence's requests in order with its control inputs and implicit state, when the model has
    /// `sequence_batching`.
    let sequencer: SequenceBatcher?
    /// The server's response cache, when the configuration enables it for this model (`response_cache`) and the
    /// server has one.
    let responseCache: ResponseCache?
    /// This load's identity in the response cache: a reloaded version never sees the entries of an earlier load.
    let cacheOwner: UInt64
    /// Runs the steps of an ensemble (`platform: "ensemble"`), which has no sessions of its own.
    let ensemble: EnsembleRunner?

    init(
        name: String, version: Int, config: ModelConfig, signature: ModelSignature, path: String,
        sessions: [Session], limits: ServingLimits, metrics: ServingMetrics? = nil, labels: [String: [String]] = [:],
        sequence: SequenceModel? = nil, responseCache: ResponseCache? = nil, runConfigEntries: [String: String] = [:]
    ) {
        self.labels = labels
        self.name = name
        self.version = version
        self.config = config
        self.signature = signature
        self.path = path
        self.instances = sessions.enumerated().map { index, session in
            ModelInstance(
                session: session, label: "onnxruntime.serving.\(name).\(version).\(index)",
                runConfigEntries: runConfigEntries)
        }
        self.limits = limits
        self.pool = InstancePool(instances: sessions.count, maximumQueued: config.maxQueueSize ?? limits.maxQueueSize)
        self.statistics = StatisticsRecorder(
            name: name, version: String(version), metrics: metrics, responseCache: config.responseCache)
        // Triton refuses a sequence model with the cache when it reads the configuration; so does ConfigReader.
        self.responseCache = config.responseCache && sequence == nil ? responseCache : nil
        self.cacheOwner = ResponseCache.makeOwner()
        if config.maxBatchSize > 0, let batching = config.dynamicBatching {
            // With priority levels, default_queue_policy's size bounds each level, not the model's whole queue.
            let queued = batching.priorityLevels > 0 ? limits.maxQueueSize : config.maxQueueSize ?? limits.maxQueueSize
            self.batcher = DynamicBatcher(
                policy: DynamicBatcher.Policy(config: config, batching: batching, maximumQueued: queued),
                name: name, version: version, instances: instances, statistics: statistics)
        } else {
            self.batcher = nil
        }
        if let sequence {
            self.sequencer = SequenceBatcher(
                model: sequence, maximumQueued: config.maxQueueSize ?? limits.maxQueueSize, name: name,
                version: version, instances: instances, statistics: statistics)
        } else {
            self.sequencer = nil
        }
        self.ensemble = nil
    }

    /// An ensemble version: no sessions; each request runs `runner`'s steps on their own models.
    init(
        ensemble name: String, version: Int, config: ModelConfig, signature: ModelSignature, path: String,
        runner: EnsembleRunner, limits: ServingLimits, metrics: ServingMetrics? = nil
    ) {
        self.labels = [:]
        self.name = name
        self.version = version
        self.config = config
        self.signature = signature
        self.path = path
        self.instances = []
        self.limits = limits
        self.pool = InstancePool(instances: 0, maximumQueued: limits.maxQueueSize)
        self.statistics = StatisticsRecorder(name: name, version: String(version), metrics: metrics)
        self.batcher = nil
        self.sequencer = nil
        self.ensemble = runner
        // Ensembles are not cached here (their composing models may be).
        self.responseCache = nil
        self.cacheOwner = ResponseCache.makeOwner()
    }

    deinit {
        // The last request of this load is done: its cached responses can never be served again.
        responseCache?.removeAll(owner: cacheOwner)
    }

    /// The version as the protocol writes it.
    public var versionString: String { String(version) }

    /// The number of instances (sessions).
    public var instanceCount: Int { instances.count }

    /// With `sequence_batching`: how many sequences are open (with a slot or candidate place, or in the backlog) and
    /// how many of them wait in the backlog for a place; `nil` for other models.
    public var sequenceCounts: (open: Int, backlog: Int)? {
        sequencer.map { ($0.sequenceCount, $0.backlogCount) }
    }

    /// The statistics so far.
    public var currentStatistics: ModelStatistics { statistics.snapshot }

    /// Runs one inference request: checks it against the signature, waits for an instance (bounded queue), makes
    /// the input tensors, runs the model (on the instance's own thread, or on the caller's when its runs are short;
    /// see `ModelInstance`), and encodes the response. With dynamic batching the checked request joins a batch with
    /// others and gets its own rows back.
    /// - Throws: ``ServingError``: 400 for a request that does not fit, 503 when the queue is full or the request
    ///   times out, 500 when ONNX Runtime fails.
    public func infer(_ request: InferenceRequest, logger: Logger) async throws(ServingError)
        -> EncodedInferenceResponse
    {
        try await infer(request, logger: logger) { [name, versionString] plan, outputs throws(ServingError) in
            try InferenceResponseEncoder.encode(
                plan: plan, outputs: outputs, modelName: name, modelVersion: versionString)
        }
    }

    /// Runs one inference request as ``infer(_:logger:)`` does, and returns it in transport-neutral form (every
    /// output as raw bytes), for transports other than REST.
    /// - Throws: as ``infer(_:logger:)``.
    public func inferResult(_ request: InferenceRequest, logger: Logger) async throws(ServingError)
        -> InferenceResult
    {
        try await infer(request, logger: logger) { [name, versionString] plan, outputs throws(ServingError) in
            try InferenceResultEncoder.encode(
                plan: plan, outputs: outputs, modelName: name, modelVersion: versionString)
        }
    }

    /// Runs one step of an ensemble: a request whose inputs are ONNX Runtime values (``InferenceRequest/TensorData/value(_:)``),
    /// through this model's own path (queue, batcher, statistics), and returns its requested outputs as values, by
    /// name, in the shapes clients see (a configured `reshape` applied), with the request's timings.
    /// - Throws: as ``infer(_:logger:)``.
    func inferStep(_ request: InferenceRequest, logger: Logger) async throws(ServingError)
        -> ([String: Value], StatisticsRecorder.Timings)
    {
        try await inferTimed(request, logger: logger) { plan, outputs throws(ServingError) in
            var values: [String: Value] = [:]
            for planned in plan.outputs {
                guard let value = outputs[planned.spec.name] else {
                    throw .internal("the model did not produce output '\(planned.spec.name)'")
                }
                let shape = try planned.clientShape(of: value, batched: plan.batching)
                values[planned.spec.name] =
                    shape == value.shape
                    ? value : try TensorReshape.copy(value, shape: shape, name: planned.spec.name)
            }
            return values
        }
    }

    /// Runs one request and encodes its outputs with `encode`, which runs where the response is encoded (its time
    /// counts as `compute_output`).
    func infer<Response>(
        _ request: InferenceRequest, logger: Logger,
        encode: (InferencePlan, any OutputValues) throws(ServingError) -> Response
    ) async throws(ServingError) -> Response {
        try await inferTimed(request, logger: logger, encode: encode).response
    }

    /// Runs one request as ``infer(_:logger:encode:)`` does, and returns its timings too (an ensemble adds up its
    /// steps').
    func inferTimed<Response>(
        _ request: InferenceRequest, logger: Logger,
        encode: (InferencePlan, any OutputValues) throws(ServingError) -> Response
    ) async throws(ServingError) -> (response: Response, timings: StatisticsRecorder.Timings) {
        let start = MonotonicClock.now
        // A traced request (Triton's trace extension) gets this model's timestamps, unless another model claimed it.
        let trace = RequestTrace.current.flatMap { trace in
            trace.claim(RequestTrace.Model(name: name, version: version, requestID: request.id)) ? trace : nil
        }
        trace?.record(.requestStart, at: start)
        defer { trace?.record(.requestEnd) }
        let pending = PendingRequest(statistics.metrics)  // counted before `last_inference` moves
        defer { pending.finish() }
        statistics.received()
        let cancellation = RequestCancellation()
        var deadline: UInt64?
        defer { if let deadline { RequestDeadlines.shared.remove(deadline) } }
        do throws(ServingError) {
            let plan = try InferencePlan(
                request: request, signature: signature, maximumElements: limits.maxTensorElements, labels: labels)
            let level = try level(request)
            if let timeout = try effectiveTimeout(request, level: level) {
                deadline = RequestDeadlines.shared.add(cancellation, timeout: timeout)
            }
            if let responseCache, sequencer == nil, ensemble == nil,
                !plan.outputs.contains(where: { $0.sharedMemory != nil })
            {
                return try await inferCached(
                    plan, responseCache, start: start, level: level, pending: pending, cancellation: cancellation,
                    encode: encode)
            }
            let (response, timings) =
                if let ensemble {
                    try await executeEnsemble(plan, ensemble, pending, cancellation, logger, encode: encode)
                } else if let sequencer {
                    try await executeSequence(
                        request, plan, sequencer, pending, cancellation, trace, encode: encode)
                } else if let batcher {
                    try await executeBatched(
                        plan, batcher, pending, cancellation, trace, level: level, encode: encode)
                } else {
                    try await execute(plan, pending, cancellation, trace, encode: encode)
                }
            statistics.recordSuccess(total: MonotonicClock.since(start), batchSize: plan.batchSize, timings: timings)
            return (response, timings)
        } catch {
            // Whatever the wait that was cut short reported, a request past its deadline says so.
            let failure: ServingError =
                if case .timedOut(let timeout) = cancellation.reason {
                    .unavailable("the request to model '\(name)' timed out after \(Self.describe(timeout))")
                } else {
                    error
                }
            statistics.recordFailure(total: MonotonicClock.since(start))
            logger.debug(
                "inference failed", metadata: ["status": "\(failure.statusCode)", "error": "\(failure.message)"])
            throw failure
        }
    }

    /// Runs a request through the response cache: makes its input tensors, looks them up, and on a hit encodes the
    /// cached outputs without queueing or running; on a miss runs the request as usual and stores its outputs.
    /// Shared memory outputs, sequence models and ensembles never come here. A hit's timings are zero.
    private func inferCached<Response>(
        _ plan: InferencePlan, _ cache: ResponseCache, start: UInt64, level: UInt64, pending: PendingRequest,
        cancellation: RequestCancellation, encode: (InferencePlan, any OutputValues) throws(ServingError) -> Response
    ) async throws(ServingError) -> (response: Response, timings: StatisticsRecorder.Timings) {
        let (inputs, prepared) = try plan.makeTimedInputs()
        let lookup = cache.lookup(owner: cacheOwner, model: name, version: version, plan: plan, inputs: inputs)
        if let outputs = lookup.outputs {
            pending.finish()
            let response = try encode(plan, outputs)
            statistics.recordCacheHit(total: MonotonicClock.since(start), lookup: lookup.nanoseconds)
            return (response, StatisticsRecorder.Timings())
        }
        let names = plan.outputs.map(\.spec.name)
        var produced: [String: Value] = [:]
        let (response, timings) =
            if let batcher {
                try await executeBatched(
                    plan, batcher, pending, cancellation, level: level, inputs: (inputs, prepared)
                ) { plan, outputs throws(ServingError) in
                    for name in names { produced[name] = outputs[name] }
                    return try encode(plan, outputs)
                }
            } else {
                try await execute(plan, pending, cancellation, inputs: (inputs, prepared)) {
                    plan, outputs throws(ServingError) in
                    for name in names { produced[name] = outputs[name] }
                    return try encode(plan, outputs)
                }
            }
        var missTime = lookup.nanoseconds
        if let key = lookup.key {
            missTime += cache.insert(key, names: names, outputs: produced)
        }
        statistics.recordSuccess(total: MonotonicClock.since(start), batchSize: plan.batchSize, timings: timings)
        statistics.recordCacheMiss(missTime)
        return (response, timings)
    }

    private func execute<Response>(
        _ plan: InferencePlan, _ pending: PendingRequest, _ cancellation: RequestCancellation,
        _ trace: RequestTrace? = nil, inputs premade: ([String: Value], UInt64)? = nil,
        encode: (InferencePlan, any OutputValues) throws(ServingError) -> Response
    ) async throws(ServingError) -> (Response, StatisticsRecorder.Timings) {
        var timings = StatisticsRecorder.Timings()
        let queued = MonotonicClock.now
        trace?.record(.queueStart, at: queued)
        let instance: Int
        do {
            instance = try await pool.acquire(cancellation: cancellation)
        } catch is InstancePool.QueueFull {
            throw .unavailable(
                "model '\(name)' version \(version) is busy: \(pool.maximumQueued) requests are already waiting "
                    + "(the queue is full); retry later")
        } catch {
            throw .unavailable("the request was cancelled while waiting for model '\(name)'")
        }
        defer { pool.release(instance) }
        timings.queue = MonotonicClock.since(queued)
        pending.finish()

        trace?.record(.computeStart)
        let (inputs, prepared) = if let premade { premade } else { try plan.makeTimedInputs() }
        timings.computeInput = prepared

        let runStart = MonotonicClock.now
        trace?.record(.computeInputEnd, at: runStart)
        let outputs: RunOutputs
        do {
            outputs = try await RunExecutor.run(
                instances[instance], inputs: inputs, outputs: plan.outputs.map(\.spec.name),
                cancellation: cancellation)
        } catch {
            throw Self.runError(error, model: name)
        }
        timings.computeInfer = MonotonicClock.since(runStart)

        let outputStart = MonotonicClock.now
        trace?.record(.computeOutputStart, at: outputStart)
        let response = try encode(plan, outputs)
        timings.computeOutput = MonotonicClock.since(outputStart)
        trace?.record(.computeEnd, at: outputStart + timings.computeOutput)
        statistics.recordExecution(batchSize: plan.batchSize, timings: timings)
        return (response, timings)
    }

    /// Makes the request's input tensors (so a bad element fails this request alone), lets the batcher run it with
    /// others, and encodes its own rows.
    private func executeBatched<Response>(
        _ plan: InferencePlan, _ batcher: DynamicBatcher, _ pending: PendingRequest,
        _ cancellation: RequestCancellation, _ trace: RequestTrace? = nil, level: UInt64 = 1,
        inputs premade: ([String: Value], UInt64)? = nil,
        encode: (InferencePlan, any OutputValues) throws(ServingError) -> Response
    ) async throws(ServingError) -> (Response, StatisticsRecorder.Timings) {
        let (inputs, prepared) = if let premade { premade } else { try plan.makeTimedInputs() }
        let submitted = MonotonicClock.now
        let output = try await batcher.submit(
            plan, level: level, inputs: inputs, pending: pending, cancellation: cancellation)
        return try finish(plan, output, prepared: prepared, trace: trace, submitted: submitted, encode: encode)
    }

    /// Checks a request of a sequence model (its correlation ID, flags, and batch size 1), makes its input tensors,
    /// and lets the sequence batcher run it.
    private func executeSequence<Response>(
        _ request: InferenceRequest, _ plan: InferencePlan, _ sequencer: SequenceBatcher, _ pending: PendingRequest,
        _ cancellation: RequestCancellation, _ trace: RequestTrace?,
        encode: (InferencePlan, any OutputValues) throws(ServingError) -> Response
    ) async throws(ServingError) -> (Response, StatisticsRecorder.Timings) {
        let flags = try SequenceFlags(request.parameters)
        if plan.batching, plan.batchSize != 1 {
            throw .badRequest(
                "inference request to model '\(name)' must specify batch-size 1 due to requirements of sequence "
                    + "batcher")
        }
        let (inputs, prepared) = try plan.makeTimedInputs()
        let submitted = MonotonicClock.now
        let output = try await sequencer.submit(
            flags, plan: plan, inputs: inputs, pending: pending, cancellation: cancellation)
        return try finish(plan, output, prepared: prepared, trace: trace, submitted: submitted, encode: encode)
    }

    /// Adds the time spent making the inputs to a batch's timings, and encodes the request's own outputs (their time
    /// counts as `compute_output`).
    private func finish<Response>(
        _ plan: InferencePlan, _ output: DynamicBatcher.Output, prepared: UInt64, trace: RequestTrace?,
        submitted: UInt64, encode: (InferencePlan, any OutputValues) throws(ServingError) -> Response
    ) throws(ServingError) -> (Response, StatisticsRecorder.Timings) {
        var timings = output.timings
        timings.computeInput += prepared
        let outputStart = MonotonicClock.now
        let response = try encode(plan, output.values)
        timings.computeOutput += MonotonicClock.since(outputStart)
        trace?.recordBatched(submitted: submitted, timings: output.timings, returned: outputStart)
        return (response, timings)
    }

    /// Makes the ensemble's input tensors and runs its steps (see ``EnsembleRunner``); the ensemble's compute times
    /// are the sums of its steps', as Triton reports them, and it spends no time in a queue of its own.
    private func executeEnsemble<Response>(
        _ plan: InferencePlan, _ ensemble: EnsembleRunner, _ pending: PendingRequest,
        _ cancellation: RequestCancellation, _ logger: Logger,
        encode: (InferencePlan, any OutputValues) throws(ServingError) -> Response
    ) async throws(ServingError) -> (Response, StatisticsRecorder.Timings) {
        pending.finish()
        let (inputs, prepared) = try plan.makeTimedInputs()
        var (values, timings) = try await ensemble.run(
            inputs, request: plan.request, cancellation: cancellation, logger: logger)
        timings.queue = 0
        timings.computeInput += prepared
        let outputStart = MonotonicClock.now
        let response = try encode(plan, values)
        timings.computeOutput += MonotonicClock.since(outputStart)
        statistics.recordExecution(batchSize: plan.batchSize, timings: timings)
        return (response, timings)
    }

    /// The priority level a request waits at in the dynamic batcher: its `priority` parameter (an unsigned integer;
    /// 0, or more than `priority_levels`, means the default level, as in Triton). 1 without levels.
    private func level(_ request: InferenceRequest) throws(ServingError) -> UInt64 {
        let priority = try Self.priority(request)
        return config.dynamicBatching?.level(forPriority: priority) ?? 1
    }

    /// The request's `priority` parameter, 0 if it gives none; anything but a non-negative integer is refused.
    private static func priority(_ request: InferenceRequest) throws(ServingError) -> UInt64 {
        guard let value = request.parameters?["priority"] else { return 0 }
        guard case .number(let number) = value, let priority = number.uint64Value else {
            throw .badRequest("parameter 'priority' must be a non-negative integer (1 is the highest level)")
        }
        return priority
    }

    /// The server's timeout, shortened by the request's `timeout` parameter (microseconds) if it gives one, and by
    /// the default timeout of the queue policy of the request's priority level.
    private func effectiveTimeout(_ request: InferenceRequest, level: UInt64) throws(ServingError) -> Duration? {
        var timeout = limits.requestTimeout
        if let policy = config.dynamicBatching?.queuePolicy(level: level), policy.defaultTimeoutMicroseconds > 0 {
            let configured = Duration.microseconds(Int64(clamping: policy.defaultTimeoutMicroseconds))
            timeout = min(timeout ?? configured, configured)
        }
        if let value = request.parameters?["timeout"] {
            guard case .number(let number) = value, let microseconds = number.int64Value, microseconds >= 0 else {
                throw .badRequest("parameter 'timeout' must be a non-negative integer number of microseconds")
            }
            if microseconds > 0 {
                let requested = Duration.microseconds(microseconds)
                timeout = min(timeout ?? requested, requested)
            }
        }
        return timeout
    }

    static func describe(_ duration: Duration) -> String {
        let milliseconds = duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000) s" : "\(milliseconds) ms"
    }

    /// Maps a run failure: bad input values are the client's fault (400), anything else is ours (500).
    static func runError(_ error: ORTError, model: String) -> ServingError {
        switch error.code {
        case .cancelled:
            return .unavailable("the run of model '\(model)' was cancelled: \(error.message)")
        case .unknownInput, .missingInput, .unknownOutput, .typeMismatch, .shapeMismatch, .countMismatch,
            .invalidShape, .invalidArgument:
            return .badRequest("model '\(model)' rejected the request: \(error.message)")
        default:
            if error.runtimeCode == .invalidArgument {
                return .badRequest("model '\(model)' rejected the request: \(error.message)")
            }
            return .internal("model '\(model)' failed: \(error.description)")
        }
    }
}
#endif
