import Logging
import ONNXRuntime

/// Creates the sessions of one model version and checks the model against its configuration.
enum ModelLoader {
    /// Loads one version: `config.instanceCount` sessions of the file, the signature, the completed configuration.
    /// Blocking; call it through ``BlockingWork``.
    /// - Throws: A message saying why the version cannot be served.
    static func load(
        name: String, version: Int, path: String, config: ModelConfig, configFile: String?, limits: ServingLimits,
        metrics: ServingMetrics? = nil
    ) throws(LoadFailure) -> LoadedModel {
        var options = SessionOptions()
        if let threads = config.parameters["intra_op_thread_count"].flatMap(Int.init) {
            options.intraOpThreads = threads
        }
        if let threads = config.parameters["inter_op_thread_count"].flatMap(Int.init) {
            options.interOpThreads = threads
        }
        switch config.graphOptimizationLevel {
        case let level? where level < 0: options.optimization = .disabled
        case 1?: options.optimization = .extended
        default: options.optimization = .all
        }
        var sessions: [Session] = []
        do {
            for _ in 0..<config.instanceCount {
                sessions.append(try Session(path: path, options: options))
            }
        } catch {
            throw LoadFailure(error.description)
        }
        let first = sessions[0]
        let signature: ModelSignature
        do {
            signature = try ModelSignature.derive(
                modelInputs: first.inputs, modelOutputs: first.outputs, config: config)
        } catch {
            var error = error
            if error.file == nil, error.line > 0 { error.file = configFile }
            throw LoadFailure(error.line > 0 ? error.description : error.message)
        }
        return LoadedModel(
            name: name, version: version, config: signature.completing(config), signature: signature, path: path,
            sessions: sessions, limits: limits, metrics: metrics)
    }

    /// Why a model or version could not be loaded.
    struct LoadFailure: Error, Sendable {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }
}
