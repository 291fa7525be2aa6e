#if Server
import Logging

/// Keeps track of every model in the repositories: which versions are loaded, which failed and why. Loads, reloads
/// and unloads one model at a time (per model), and publishes the result to the ``ModelTable`` requests read.
actor ModelManager {
    private struct Status {
        var state: RepositoryIndexEntry.State
        var reason: String
    }

    private struct Record {
        var source: ModelSource?
        var loaded: [Int: LoadedModel] = [:]
        /// Non-ready versions: failed, missing or unloaded.
        var versions: [Int: Status] = [:]
        /// The model-level state when the model as a whole cannot serve (bad configuration, no versions, unloaded).
        var status: Status?
        /// The files' fingerprint at the last load, for polling.
        var fingerprint: String?
        /// Whether the model is meant to be loaded (it was loaded, or a load was attempted, and not unloaded since).
        var wanted = false
        /// Whether the model was loaded for itself (at start-up or by a load request) rather than only as a composing
        /// model of an ensemble; `unload_dependents` leaves such models loaded.
        var explicit = false
        /// For a loaded ensemble, the models its steps run.
        var composing: [String] = []
    }

    private let repository: ModelRepository
    private let table: ModelTable
    private let limits: ServingLimits
    private let customOpLibraryDirectories: [String]
    private let backend: BackendConfiguration
    private let metrics: ServingMetrics?
    private let responseCache: ResponseCache?
    private let logger: Logger
    private var records: [String: Record] = [:]
    private var conflicts: [String: String] = [:]
    private var busy: Set<String> = []
    private var waiting: [String: [CheckedContinuation<Void, Never>]] = [:]

    init(
        repository: ModelRepository, table: ModelTable, limits: ServingLimits, metrics: ServingMetrics? = nil,
        responseCache: ResponseCache? = nil, customOpLibraryDirectories: [String] = [],
        backend: BackendConfiguration = BackendConfiguration(), logger: Logger
    ) {
        self.backend = backend
        self.customOpLibraryDirectories = customOpLibraryDirectories
        self.repository = repository
        self.table = table
        self.limits = limits
        self.metrics = metrics
        self.responseCache = responseCache
        self.logger = logger
    }

    // MARK: - Scanning

    /// Rescans the repositories and returns the names found. Known models that disappeared keep their records
    /// (with no source) until unloaded.
    @discardableResult
    func rescan() async -> [String] {
        let repository = self.repository
        let scan = await BlockingWork.run { () -> ModelRepository.Scan in repository.scan() }
        for path in scan.skipped {
            logger.debug("skipping a repository entry that is not a valid model name", metadata: ["path": "\(path)"])
        }
        conflicts = scan.conflicts
        for (name, record) in records where scan.sources[name] == nil && record.source != nil {
            if record.loaded.isEmpty {
                // Gone from the repository and not serving: forget it.
                records[name] = nil
                table.publish(name, nil)
            } else {
                records[name]?.source = nil
            }
        }
        for (name, source) in scan.sources {
            records[name, default: Record()].source = source
            if records[name]?.loaded.isEmpty ?? true { publish(name) }
        }
        return scan.sources.keys.sorted()
    }

    // MARK: - Load and unload

    /// Loads (or reloads) a model: every version its policy selects. On a reload, the old versions keep serving
    /// until the new ones are ready; if nothing new loads, the old versions stay.
    /// - Throws: 404 if the repository has no such model, 400 if it cannot be loaded (the index has the reason).
    /// - Parameters:
    ///   - name: The model.
    ///   - configOverride: A configuration in text format that replaces `config.pbtxt` for this load (see
    ///     ``ModelRepository/describe(_:configOverride:)``); a later load without one reads `config.pbtxt` again.
    ///   - directory: A model directory to load instead of the repository's (a load request's model files, see
    ///     ``ModelUpload``); the model need not be in the repository then. A later load without one reads the
    ///     repository again.
    func load(_ name: String, configOverride: String? = nil, directory: String? = nil) async throws(ServingError) {
        try await load(name, explicit: true, configOverride: configOverride, directory: directory)
    }

    /// Loads a model unless a version of it is serving already (an ensemble loaded before it loaded it as a
    /// composing model); either way it now counts as loaded for itself. What the start-up in `none` and `poll` mode
    /// does for each model.
    func loadIfNeeded(_ name: String) async throws(ServingError) {
        if let record = records[name], !record.loaded.isEmpty {
            records[name]?.explicit = true
            return
        }
        try await load(name, explicit: true)
    }

    /// Loads a model; `explicit` says whether it is loaded for itself or as a composing model of an ensemble.
    private func load(_ name: String, explicit: Bool, configOverride: String? = nil, directory: String? = nil)
        async throws(ServingError)
    {
        await lock(name)
        defer { unlock(name) }
        await rescan()
        let source: ModelSource
        if let directory {
            if records[name] == nil { records[name] = Record() }
            source = ModelSource(name: name, location: .directory(directory))
        } else {
            if explicit { records[name]?.explicit = true }
            if let conflict = conflicts[name] {
                records[name, default: Record()].status = Status(state: .unavailable, reason: conflict)
                records[name]?.wanted = true
                publish(name)
                throw .badRequest("failed to load model '\(name)': \(conflict)")
            }
            guard let found = records[name]?.source else {
                throw .notFound("failed to load model '\(name)': there is no such model in the model repository")
            }
            source = found
        }
        defer {
            // Sent files that did not load a model the repository does not have: nothing is left to list.
            if directory != nil, let record = records[name], record.source == nil, record.loaded.isEmpty {
                records[name] = nil
                table.publish(name, nil)
            }
        }
        if explicit { records[name]?.explicit = true }
        records[name]?.wanted = true
        let fingerprint = await BlockingWork.run { ModelRepository.fingerprint(source) }
        let description: ModelRepository.Description
        do {
            description = try await BlockingWork.run { () throws(ModelConfigError) in
                try ModelRepository.describe(source, configOverride: configOverride)
            }
        } catch {
            try fail(name, reason: error.description, fingerprint: fingerprint, modelLevel: true)
        }
        let log = logger.with(model: name)
        if description.config.isEnsemble {
            try await loadEnsemble(name, description, fingerprint: fingerprint)
            return
        }
        records[name]?.composing = []
        if description.config.dynamicBatching != nil, description.config.maxBatchSize == 0 {
            log.notice("dynamic_batching needs max_batch_size > 0: requests run one at a time, unbatched")
        }
        var loaded: [Int: LoadedModel] = [:]
        var versions: [Int: Status] = [:]
        for (version, reason) in description.missing {
            versions[version] = Status(state: .unavailable, reason: reason)
        }
        for (version, path) in description.versions.sorted(by: { $0.key < $1.key }) {
            var versionLog = log
            versionLog[metadataKey: "version"] = "\(version)"
            versionLog.info(
                "loading", metadata: ["path": "\(path)", "instances": "\(description.config.instanceCount)"])
            let config = description.config
            let configFile = description.configFile
            let limits = self.limits
            let metrics = self.metrics
            let responseCache = self.responseCache
            if config.responseCache && responseCache == nil {
                versionLog.warning(
                    "response_cache is enabled, but the server has no response cache: responses are not cached",
                    metadata: ["hint": "start the server with --cache-config local,size=BYTES"])
            }
            let libraryDirectories = customOpLibraryDirectories
            let backend = self.backend
            let ownThreadCounts = ["intra_op_thread_count", "inter_op_thread_count"].filter {
                config.parameters[$0] != nil
            }
            if backend.globalThreadPool && !ownThreadCounts.isEmpty {
                let names = ownThreadCounts.joined(separator: " and ")
                versionLog.warning(
                    "the model's \(names) is ignored: its sessions run on the server's global thread pools",
                    metadata: ["hint": "size the pools with --backend-config onnxruntime,intra_op_thread_count=N"])
            }
            if !config.executionAccelerators.gpu.isEmpty {
                // Triton's ONNX Runtime backend applies them to GPU instances only; this server has CPU instances.
                let names = config.executionAccelerators.gpu.map { "'\($0.name)'" }.joined(separator: ", ")
                versionLog.warning(
                    "gpu_execution_accelerator \(names) is not used: the model runs on the CPU",
                    metadata: ["hint": "name CPU providers in cpu_execution_accelerator"])
            }
            do {
                let model = try await BlockingWork.run { () throws(ModelLoader.LoadFailure) in
                    try ModelLoader.load(
                        name: name, version: version, path: path, config: config, configFile: configFile,
                        limits: limits, metrics: metrics, responseCache: responseCache,
                        customOpLibraryDirectories: libraryDirectories, backend: backend)
                }
                loaded[version] = model
                versionLog.info(
                    "loaded",
                    metadata: [
                        "inputs": "\(model.signature.inputs.map(\.description).joined(separator: "; "))",
                        "outputs": "\(model.signature.outputs.map(\.description).joined(separator: "; "))",
                    ])
            } catch {
                versions[version] = Status(state: .unavailable, reason: error.reason)
                versionLog.warning("version failed to load", metadata: ["reason": "\(error.reason)"])
            }
        }
        guard !loaded.isEmpty else {
            let reasons = versions.sorted { $0.key < $1.key }.map { "version \($0.key): \($0.value.reason)" }
            let reason = reasons.isEmpty ? "no version to load" : reasons.joined(separator: "; ")
            if records[name]?.loaded.isEmpty ?? true {
                records[name]?.versions = versions
            }
            try fail(name, reason: reason, fingerprint: fingerprint)
        }
        // Versions that were serving and are no longer selected are now unloaded.
        let previous = records[name]?.loaded ?? [:]
        for version in previous.keys where loaded[version] == nil && versions[version] == nil {
            versions[version] = Status(state: .unavailable, reason: "unloaded")
        }
        records[name]?.loaded = loaded
        records[name]?.versions = versions
        records[name]?.status = nil
        records[name]?.fingerprint = fingerprint
        publish(name)
    }

    // MARK: - Ensembles

    /// Loads an ensemble: first its composing models that are not loaded (whatever the control mode, as Triton
    /// does), then checks its steps against them (``EnsembleSchedule``) and publishes a version that runs them.
    /// Cycles between ensembles are found from the configurations before anything is loaded.
    private func loadEnsemble(_ name: String, _ description: ModelRepository.Description, fingerprint: String)
        async throws(ServingError)
    {
        let config = description.config
        let composing = config.ensembleScheduling?.modelNames ?? []
        if let cycle = await ensembleCycle(from: name, composing: composing) {
            try fail(
                name, reason: "circular dependency between ensembles: " + cycle.joined(separator: " -> "),
                fingerprint: fingerprint, modelLevel: true)
        }
        for model in composing where records[model]?.loaded.isEmpty ?? true {
            do {
                try await load(model, explicit: false)
            } catch {
                logger.with(model: name).warning(
                    "a composing model failed to load",
                    metadata: ["composing": "\(model)", "error": "\(error.message)"])
            }
        }
        let signature = EnsembleSchedule.signature(config)
        let schedule: EnsembleSchedule
        do {
            schedule = try EnsembleSchedule.make(config: config, signature: signature) { model, version in
                composingModel(model, version: version, ensemble: name)
            }
        } catch {
            try fail(name, reason: error.reason, fingerprint: fingerprint)
        }
        var loaded: [Int: LoadedModel] = [:]
        for (version, path) in description.versions {
            let runner = EnsembleRunner(name: name, schedule: schedule, table: table)
            loaded[version] = LoadedModel(
                ensemble: name, version: version, config: config, signature: signature, path: path, runner: runner,
                limits: limits, metrics: metrics)
        }
        guard !loaded.isEmpty else {
            try fail(name, reason: "no version to load", fingerprint: fingerprint)
        }
        var versions: [Int: Status] = description.missing.mapValues { Status(state: .unavailable, reason: $0) }
        for version in (records[name]?.loaded ?? [:]).keys where loaded[version] == nil && versions[version] == nil {
            versions[version] = Status(state: .unavailable, reason: "unloaded")
        }
        records[name]?.loaded = loaded
        records[name]?.versions = versions
        records[name]?.status = nil
        records[name]?.fingerprint = fingerprint
        records[name]?.composing = composing
        publish(name)
        logger.with(model: name).info(
            "loaded ensemble",
            metadata: ["steps": "\(schedule.steps.count)", "models": "\(composing.joined(separator: ", "))"])
    }

    /// What an ensemble's step finds of its model, or why it cannot run, in Triton's words.
    private func composingModel(_ model: String, version: Int?, ensemble: String)
        -> Result<EnsembleSchedule.Composing, ModelLoader.LoadFailure>
    {
        guard let record = records[model], !record.loaded.isEmpty else {
            let why = records[model]?.status?.reason ?? (records[model] == nil ? "not in the model repository" : nil)
            return .failure(
                ModelLoader.LoadFailure(
                    "ensemble \(ensemble) contains models that are not available or ambiguous: \(model)"
                        + (why.map { " (\($0))" } ?? "")))
        }
        let chosen = version ?? record.loaded.keys.max()!
        guard let loaded = record.loaded[chosen] else {
            return .failure(
                ModelLoader.LoadFailure(
                    "ensemble '\(ensemble)' depends on '\(model)' whose required version \(chosen) is not loaded"))
        }
        return .success(EnsembleSchedule.Composing(signature: loaded.signature))
    }

    /// A cycle of ensembles through `name`, read from the configurations on disk (`a -> b -> a`), or `nil`.
    private func ensembleCycle(from name: String, composing: [String]) async -> [String]? {
        var sources: [String: ModelSource] = [:]
        for (model, record) in records { if let source = record.source { sources[model] = source } }
        let found = sources
        return await BlockingWork.run { () -> [String]? in
            var stepsOf: [String: [String]] = [name: composing]
            func steps(_ model: String) -> [String] {
                if let known = stepsOf[model] { return known }
                var names: [String] = []
                if let source = found[model], let description = try? ModelRepository.describe(source) {
                    names = description.config.ensembleScheduling?.modelNames ?? []
                }
                stepsOf[model] = names
                return names
            }
            var path: [String] = []
            var done: Set<String> = []
            func visit(_ model: String) -> [String]? {
                if let start = path.firstIndex(of: model) { return Array(path[start...]) + [model] }
                guard !done.contains(model) else { return nil }
                path.append(model)
                for next in steps(model) {
                    if let cycle = visit(next) { return cycle }
                }
                path.removeLast()
                done.insert(model)
                return nil
            }
            return visit(name)
        }
    }

    /// Records a failed load and throws. When versions are still serving from an earlier load, they stay.
    private func fail(_ name: String, reason: String, fingerprint: String, modelLevel: Bool = false)
        throws(ServingError) -> Never
    {
        let keeping = !(records[name]?.loaded.isEmpty ?? true)
        if !keeping {
            records[name]?.status = Status(state: .unavailable, reason: reason)
            // A problem with the model as a whole replaces what was known about its versions.
            if modelLevel { records[name]?.versions = [:] }
        }
        records[name]?.fingerprint = fingerprint
        publish(name)
        logger.with(model: name).error("failed to load", metadata: ["reason": "\(reason)"])
        throw .badRequest(
            "failed to load model '\(name)': \(reason)"
                + (keeping ? " (the versions loaded before stay in service)" : ""))
    }

    /// Unloads every version of a model. Requests in progress finish on the versions they started with.
    ///
    /// With `dependents` (Triton's `unload_dependents`), the composing models of an unloaded ensemble are unloaded
    /// too, as Triton does it: each one that was loaded only for ensembles and that no other loaded ensemble uses,
    /// and so on down nested ensembles.
    /// - Throws: 404 if the model is neither in the repository nor loaded.
    func unload(_ name: String, dependents: Bool = false) async throws(ServingError) {
        let composing = records[name]?.composing ?? []
        try await unloadOne(name)
        guard dependents else { return }
        for model in composing {
            guard let record = records[model], !record.loaded.isEmpty, !record.explicit else { continue }
            let users = records.filter {
                $0.key != model && !$0.value.loaded.isEmpty && $0.value.composing.contains(model)
            }
            guard users.isEmpty else { continue }
            logger.with(model: model).info("unloading a composing model of '\(name)' (unload_dependents)")
            try? await unload(model, dependents: true)
        }
    }

    private func unloadOne(_ name: String) async throws(ServingError) {
        await lock(name)
        defer { unlock(name) }
        guard var record = records[name], record.source != nil || !record.loaded.isEmpty || record.wanted else {
            throw .notFound("failed to unload model '\(name)': there is no such model")
        }
        for version in record.loaded.keys {
            record.versions[version] = Status(state: .unavailable, reason: "unloaded")
        }
        if record.loaded.isEmpty && record.versions.isEmpty {
            record.status = Status(state: .unavailable, reason: "unloaded")
        }
        let count = record.loaded.count
        record.loaded = [:]
        record.wanted = false
        record.explicit = false
        record.composing = []
        record.fingerprint = nil
        records[name] = record
        publish(name)
        if record.source == nil && record.versions.allSatisfy({ $0.value.reason == "unloaded" }) {
            // The model left the repository and is now fully unloaded: forget it.
            records[name] = nil
            table.publish(name, nil)
        }
        logger.with(model: name).info("unloaded", metadata: ["versions": "\(count)"])
    }

    /// Rescans the repositories: loads new models, reloads changed ones, unloads removed ones.
    func poll() async {
        let names = Set(await rescan())
        for (name, record) in records where !names.contains(name) && !record.loaded.isEmpty {
            logger.with(model: name).info("model removed from the repository; unloading")
            try? await unload(name)
        }
        for name in names.sorted() {
            guard let source = records[name]?.source else { continue }
            let fingerprint = await BlockingWork.run { ModelRepository.fingerprint(source) }
            if records[name]?.fingerprint != fingerprint {
                if records[name]?.fingerprint != nil {
                    logger.with(model: name).info("model files changed; reloading")
                }
                try? await load(name)
            }
        }
    }

    // MARK: - Queries

    /// The repository index: every model in the repositories, and every version known.
    func index(readyOnly: Bool) -> [RepositoryIndexEntry] {
        var entries: [RepositoryIndexEntry] = []
        for name in records.keys.sorted() {
            let record = records[name]!
            var modelEntries: [RepositoryIndexEntry] = []
            for version in Set(record.loaded.keys).union(record.versions.keys).sorted() {
                if record.loaded[version] != nil {
                    modelEntries.append(.init(name: name, version: String(version), state: .ready))
                } else if let status = record.versions[version] {
                    modelEntries.append(
                        .init(name: name, version: String(version), state: status.state, reason: status.reason))
                }
            }
            if modelEntries.isEmpty {
                if let status = record.status {
                    modelEntries.append(.init(name: name, state: status.state, reason: status.reason))
                } else {
                    modelEntries.append(.init(name: name))
                }
            }
            entries += modelEntries
        }
        return readyOnly ? entries.filter { $0.state == .ready } : entries
    }

    /// Whether every model meant to be loaded has a version serving.
    var allWantedReady: Bool {
        records.values.allSatisfy { !$0.wanted || !$0.loaded.isEmpty }
    }

    /// The names of every model known.
    var names: [String] { records.keys.sorted() }

    // MARK: - Publishing

    private func publish(_ name: String) {
        guard let record = records[name] else {
            table.publish(name, nil)
            return
        }
        var entry = ModelTable.Entry()
        entry.loaded = record.loaded
        entry.unavailable = record.versions.mapValues(\.reason)
        entry.reason = record.status?.reason ?? (record.loaded.isEmpty ? "it is not loaded" : nil)
        table.publish(name, entry)
    }

    // MARK: - Per-model serialisation

    private func lock(_ name: String) async {
        if busy.contains(name) {
            await withCheckedContinuation { waiting[name, default: []].append($0) }
        } else {
            busy.insert(name)
        }
    }

    private func unlock(_ name: String) {
        if var queue = waiting[name], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[name] = queue.isEmpty ? nil : queue
            next.resume()  // ownership passes to the next waiter
        } else {
            busy.remove(name)
        }
    }
}

extension Logger {
    /// A copy with `model` metadata.
    func with(model: String) -> Logger {
        var logger = self
        logger[metadataKey: "model"] = "\(model)"
        return logger
    }
}
#endif
