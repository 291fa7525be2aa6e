#if Server
import Foundation
import Logging
import ONNXRuntime

/// Creates the sessions of one model version and checks the model against its configuration.
enum ModelLoader {
    /// Loads one version: `config.instanceCount` sessions of the file, the signature, the completed configuration,
    /// and runs its `model_warmup` samples on every session (see ``ModelWarmup``). Blocking; call it through
    /// ``BlockingWork``.
    /// - Throws: A message saying why the version cannot be served.
    static func load(
        name: String, version: Int, path: String, config: ModelConfig, configFile: String?, limits: ServingLimits,
        metrics: ServingMetrics? = nil, responseCache: ResponseCache? = nil, customOpLibraryDirectories: [String] = [],
        backend: BackendConfiguration = BackendConfiguration()
    ) throws(LoadFailure) -> LoadedModel {
        var options = SessionOptions()
        options.customOperatorLibraries = try CustomOpLibraries.resolve(
            config, folder: configFile.map { ($0 as NSString).deletingLastPathComponent },
            allowed: customOpLibraryDirectories)
        let runConfigEntries = try sessionOptions(config, backend: backend, into: &options)
        // The server's --ep, unless the model names its own accelerators.
        if options.executionProviders.isEmpty {
            options.executionProviders = backend.executionProviders
        }
        var sessions: [Session] = []
        do {
            for _ in 0..<config.instanceCount {
                sessions.append(try Session(path: path, options: options))
            }
        } catch {
            throw LoadFailure(describe(error, accelerators: config.executionAccelerators))
        }
        let first = sessions[0]
        var signature: ModelSignature
        do {
            signature = try ModelSignature.derive(
                modelInputs: first.inputs, modelOutputs: first.outputs, config: config)
        } catch {
            var error = error
            if error.file == nil, error.line > 0 { error.file = configFile }
            throw LoadFailure(error.line > 0 ? error.description : error.message)
        }
        let folder = configFile.map { ($0 as NSString).deletingLastPathComponent }
        var sequence: SequenceModel?
        if let batching = config.sequenceBatching {
            (sequence, signature) = try SequenceModel.make(batching, full: signature, config: config, folder: folder)
        }
        let model = LoadedModel(
            name: name, version: version, config: signature.completing(config), signature: signature, path: path,
            sessions: sessions, limits: limits, metrics: metrics, labels: try labels(config, folder: folder),
            sequence: sequence, responseCache: responseCache, runConfigEntries: runConfigEntries)
        try ModelWarmup.run(model, folder: folder)
        return model
    }

    /// Sets `options` from the model's ONNX Runtime settings: its `parameters` over the server's defaults
    /// (``BackendConfiguration/modelDefaults`` and thread counts), the graph optimisation level and the CPU execution
    /// accelerators, as Triton's ONNX Runtime backend does.
    /// - Returns: The run config entries for every run of the model (`memory.enable_memory_arena_shrinkage`).
    /// - Throws: When the merged parameters conflict (a model's own were checked when its configuration was read).
    package static func sessionOptions(
        _ config: ModelConfig, backend: BackendConfiguration, into options: inout SessionOptions
    ) throws(LoadFailure) -> [String: String] {
        var parameters = backend.modelDefaults
        if let count = backend.intraOpThreadCount { parameters["intra_op_thread_count"] = String(count) }
        if let count = backend.interOpThreadCount { parameters["inter_op_thread_count"] = String(count) }
        parameters.merge(config.parameters) { _, own in own }
        if let conflict = RuntimeParameters.conflict(parameters) {
            throw LoadFailure(conflict + " (the server's --backend-config gives one of them)")
        }
        // The server's pools, if it has them; the model's own thread counts are ignored, as in Triton (ModelManager
        // warns).
        options.usesGlobalThreadPools = backend.globalThreadPool
        let runConfigEntries = RuntimeParameters.apply(
            parameters, to: &options, globalThreadPools: backend.globalThreadPool)
        // Triton's ONNX Runtime backend: -1 basic, 1 extended, 2 disabled, anything else everything.
        switch config.graphOptimizationLevel ?? 0 {
        case -1: options.optimization = .basic
        case 1: options.optimization = .extended
        case 2: options.optimization = .disabled
        default: options.optimization = .all
        }
        options.executionProviders = config.executionAccelerators.executionProviders
        return runConfigEntries
    }

    /// Why the sessions could not be created; with Triton's words when an execution accelerator is not available.
    static func describe(_ error: ORTError, accelerators: ModelConfig.ExecutionAccelerators) -> String {
        let named = accelerators.cpu.first { accelerator in
            error.message.contains("'\(accelerator.name)'") || error.message.contains("'\(accelerator.providerName)'")
        }
        guard let named else { return error.description }
        guard error.code == .unsupported else {
            return "execution accelerator '\(named.name)' (cpu_execution_accelerator) cannot be used: \(error)"
        }
        return "unknown Execution Accelerator '\(named.name)' is requested (cpu_execution_accelerator): \(error)"
    }

    /// The largest labels file read (a label per class; a million short labels fit).
    static let maximumLabelsBytes = 16 << 20

    /// The class labels of the outputs that name a `label_filename`, read from the model's folder: one label per
    /// line, `\n` or `\r\n` (a final line end does not start another label; an empty line is an empty label).
    static func labels(_ config: ModelConfig, folder: String?) throws(LoadFailure) -> [String: [String]] {
        var labels: [String: [String]] = [:]
        for output in config.outputs {
            guard let file = output.labelFilename else { continue }
            guard let folder else {
                throw LoadFailure("output '\(output.name)' has a label_filename but no model folder")
            }
            let path = (folder as NSString).appendingPathComponent(file)
            let unreadable = LoadFailure(
                "cannot read the labels file '\(path)' of output '\(output.name)' (label_filename)")
            // The size first, so that a huge file is refused without being read.
            guard let size = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int else {
                throw unreadable
            }
            let tooLarge = LoadFailure(
                "the labels file '\(path)' of output '\(output.name)' is larger than \(maximumLabelsBytes) bytes")
            guard size <= maximumLabelsBytes else { throw tooLarge }
            guard let data = FileManager.default.contents(atPath: path) else { throw unreadable }
            guard data.count <= maximumLabelsBytes else { throw tooLarge }  // it grew since
            // "\r\n" is one Character in Swift, so both line ends are separators.
            var lines = String(decoding: data, as: UTF8.self)
                .split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" })
                .map(String.init)
            if lines.last == "" { lines.removeLast() }
            labels[output.name] = lines
        }
        return labels
    }

    /// Why a model or version could not be loaded.
    struct LoadFailure: Error, Sendable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
#endif
