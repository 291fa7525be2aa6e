#if Server
/// Interprets a parsed `config.pbtxt` as a ``ModelConfig``.
struct ConfigReader {
    typealias Field = TextProtoMessage.Field
    let file: String?

    /// Fields of `ModelConfig` this server knows but does not implement, with what to say about them.
    static let unsupportedTopLevel: [String: String] = [
        "batch_input": "batch inputs are not supported",
        "batch_output": "batch outputs are not supported",
        "model_transaction_policy": "decoupled models are not supported",
        "model_repository_agents": "repository agents are not supported",
        "cc_model_filenames": "compute-capability model files are not supported (CPU only)",
        "metric_tags": "metrics are not supported",
        "model_metrics": "metrics are not supported",
        "runtime": "choosing a backend library is not supported",
    ]

    func modelConfig(_ message: TextProtoMessage, defaultName: String) throws(ModelConfigError) -> ModelConfig {
        var config = ModelConfig(name: defaultName)
        var ensemblePlatform = false
        try checkSingular(
            message, context: "ModelConfig",
            repeated: ["input", "output", "instance_group", "parameters", "model_warmup"])
        for field in message.fields {
            if config.fieldLines[field.name] == nil { config.fieldLines[field.name] = field.line }
            switch field.name {
            case "name":
                config.name = try string(field)
            case "platform":
                let platform = try string(field)
                ensemblePlatform = platform == ModelConfig.ensemblePlatformName
                guard platform == ModelConfig.platformName || platform.isEmpty || ensemblePlatform else {
                    throw error(
                        field,
                        "platform '\(platform)' is not supported: this server runs ONNX models with ONNX Runtime "
                            + "(platform '\(ModelConfig.platformName)' or backend '\(ModelConfig.backendName)') and "
                            + "ensembles of them (platform '\(ModelConfig.ensemblePlatformName)')")
                }
            case "backend":
                let backend = try string(field)
                guard backend == ModelConfig.backendName || backend.isEmpty else {
                    throw error(
                        field,
                        "backend '\(backend)' is not supported: this server runs ONNX models with ONNX Runtime "
                            + "(backend '\(ModelConfig.backendName)' or platform '\(ModelConfig.platformName)')")
                }
            case "max_batch_size":
                config.maxBatchSize = try int(field, minimum: 0)
            case "version_policy":
                config.versionPolicy = try versionPolicy(try self.message(field))
            case "input":
                config.inputs.append(try tensor(field, isInput: true))
            case "output":
                config.outputs.append(try tensor(field, isInput: false))
            case "instance_group":
                config.instanceGroups.append(try instanceGroup(field))
            case "default_model_filename":
                let name = try string(field)
                guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.contains("\\"),
                    !name.contains("\0")
                else {
                    throw error(
                        field,
                        "default_model_filename '\(name)' must be a plain file name inside the version directory")
                }
                config.defaultModelFilename = name
            case "dynamic_batching":
                config.dynamicBatching = try dynamicBatching(try self.message(field))
            case "sequence_batching":
                config.sequenceBatching = try sequenceBatching(try self.message(field))
            case "optimization":
                (config.graphOptimizationLevel, config.executionAccelerators) = try optimization(
                    try self.message(field))
            case "parameters":
                let (key, value) = try parameter(field)
                guard config.parameters.updateValue(value, forKey: key) == nil else {
                    throw error(field, "parameter '\(key)' is given more than once")
                }
            case "model_warmup":
                config.warmup.append(try warmup(field))
            case "response_cache":
                config.responseCache = try responseCache(try self.message(field))
            case "ensemble_scheduling":
                config.ensembleScheduling = try ensembleScheduling(try self.message(field))
            case "model_operations":
                config.opLibraryFilenames = try modelOperations(try self.message(field))
            default:
                if let reason = Self.unsupportedTopLevel[field.name] {
                    throw error(field, "'\(field.name)' is not supported by this server: \(reason)")
                }
                throw error(field, "unknown field '\(field.name)' in ModelConfig")
            }
        }
        try checkEnsemble(config, platform: ensemblePlatform)
        if let conflict = RuntimeParameters.conflict(config.parameters) {
            throw ModelConfigError(file: file, line: config.fieldLines["parameters"] ?? 0, column: 0, conflict)
        }
        if config.dynamicBatching != nil, config.sequenceBatching != nil {
            throw ModelConfigError(
                file: file, line: config.fieldLines["sequence_batching"] ?? 0, column: 0,
                "a model has one scheduler: give 'dynamic_batching' or 'sequence_batching', not both")
        }
        if let batching = config.dynamicBatching, batching.priorityLevels > 0, config.maxBatchSize == 0 {
            // The dynamic batcher orders requests by level; without batching, requests wait in arrival order.
            throw ModelConfigError(
                file: file, line: config.fieldLines["dynamic_batching"] ?? 0, column: 0,
                "dynamic_batching 'priority_levels' needs max_batch_size > 0 on this server")
        }
        if config.responseCache, config.sequenceBatching != nil {
            // Triton's words (model_config_utils.cc).
            throw ModelConfigError(
                file: file, line: config.fieldLines["response_cache"] ?? 0, column: 0,
                "Response Cache does not currently support model \(config.name) with sequence batching scheduler. "
                    + "Please disable the response cache.")
        }
        for (key, list) in [("input", config.inputs), ("output", config.outputs)] {
            var seen: Set<String> = []
            for tensor in list where !seen.insert(tensor.name).inserted {
                throw ModelConfigError(
                    file: file, line: tensor.line, column: 0, "\(key) '\(tensor.name)' is declared more than once")
            }
            // After the whole file: max_batch_size may come after the tensors.
            for tensor in list {
                guard let reshape = tensor.reshape else { continue }
                let check = TensorReshape(dims: tensor.dims, shape: reshape)
                if let problem = check.problem(batching: config.maxBatchSize > 0) {
                    throw ModelConfigError(file: file, line: tensor.line, "\(key) '\(tensor.name)': \(problem)")
                }
            }
        }
        return config
    }

    // MARK: - Messages

    /// `response_cache { enable: BOOL }`.
    private func responseCache(_ message: TextProtoMessage) throws(ModelConfigError) -> Bool {
        try checkSingular(message, context: "response_cache", repeated: [])
        var enabled = false
        for field in message.fields {
            guard field.name == "enable" else { throw unknown(field, in: "response_cache") }
            enabled = try bool(field)
        }
        return enabled
    }

    /// `model_operations { op_library_filename: [...] }`: each a non-empty path without NUL.
    private func modelOperations(_ message: TextProtoMessage) throws(ModelConfigError) -> [String] {
        var files: [String] = []
        for field in message.fields {
            guard field.name == "op_library_filename" else { throw unknown(field, in: "model_operations") }
            let file = try string(field)
            guard !file.isEmpty, !file.contains("\0") else {
                throw error(field, "'op_library_filename' must be a file path, got '\(file)'")
            }
            files.append(file)
        }
        return files
    }

    /// `ensemble_scheduling { step [ ... ] }`: the steps' own fields, each map entry once. Whether the steps fit the
    /// models they name is checked when the ensemble loads (``EnsembleSchedule``).
    private func ensembleScheduling(_ message: TextProtoMessage) throws(ModelConfigError)
        -> ModelConfig.EnsembleScheduling
    {
        var steps: [ModelConfig.EnsembleScheduling.Step] = []
        for field in message.fields {
            guard field.name == "step" else { throw unknown(field, in: "ensemble_scheduling") }
            let body = try self.message(field)
            try checkSingular(body, context: "step", repeated: ["input_map", "output_map"])
            var name: String?
            var version = -1
            var inputMap: [String: String]?
            var outputMap: [String: String]?
            for inner in body.fields {
                switch inner.name {
                case "model_name": name = try string(inner)
                case "model_version": version = try int(inner, minimum: -1)
                case "input_map":
                    let (key, value) = try mapEntry(inner)
                    guard inputMap?[key] == nil else {
                        throw error(inner, "model input '\(key)' is mapped more than once in 'input_map'")
                    }
                    inputMap = (inputMap ?? [:]).merging([key: value]) { first, _ in first }
                case "output_map":
                    let (key, value) = try mapEntry(inner)
                    guard outputMap?[key] == nil else {
                        throw error(inner, "model output '\(key)' is mapped more than once in 'output_map'")
                    }
                    outputMap = (outputMap ?? [:]).merging([key: value]) { first, _ in first }
                case "model_namespace": throw error(inner, "model namespaces are not supported")
                default: throw unknown(inner, in: "ensemble_scheduling.step")
                }
            }
            let number = steps.count + 1
            guard let name, !name.isEmpty else {
                throw error(field, "must specify 'model_name' in step \(number) of the ensemble")
            }
            guard let inputMap else { throw error(field, "must specify 'input_map' in step \(number) of the ensemble") }
            guard let outputMap else {
                throw error(field, "must specify 'output_map' in step \(number) of the ensemble")
            }
            steps.append(
                .init(
                    modelName: name, modelVersion: version, inputMap: inputMap, outputMap: outputMap, line: field.line))
        }
        return ModelConfig.EnsembleScheduling(steps: steps)
    }

    /// A protobuf map entry, `{ key: "..." value: "..." }`, both strings.
    private func mapEntry(_ field: Field) throws(ModelConfigError) -> (String, String) {
        let body = try message(field)
        try checkSingular(body, context: field.name, repeated: [])
        var key: String?
        var value: String?
        for inner in body.fields {
            switch inner.name {
            case "key": key = try string(inner)
            case "value": value = try string(inner)
            default: throw unknown(inner, in: field.name)
            }
        }
        guard let key, !key.isEmpty, let value, !value.isEmpty else {
            throw error(field, "each '\(field.name)' entry needs a non-empty 'key' and 'value'")
        }
        return (key, value)
    }

    /// The rules for ensembles, as Triton has them: `platform: "ensemble"` and `ensemble_scheduling` go together, the
    /// ensemble declares its inputs and outputs, and has nothing of a model that runs itself.
    private func checkEnsemble(_ config: ModelConfig, platform: Bool) throws(ModelConfigError) {
        func fail(_ field: String, _ message: String) -> ModelConfigError {
            ModelConfigError(file: file, line: config.fieldLines[field] ?? 0, column: 0, message)
        }
        guard let scheduling = config.ensembleScheduling else {
            if platform {
                throw fail(
                    "platform",
                    "ensemble scheduling must be set for ensemble \(config.name) whose platform is ensemble")
            }
            return
        }
        guard platform else {
            throw fail(
                "ensemble_scheduling",
                "'ensemble_scheduling' is only for ensembles: set platform: \"\(ModelConfig.ensemblePlatformName)\"")
        }
        if config.fieldLines["backend"] != nil {
            throw fail(
                "backend", "Ensemble model '\(config.name)' must have platform type 'ensemble' and empty backend type")
        }
        guard !scheduling.steps.isEmpty else {
            throw fail("ensemble_scheduling", "must specify 'step' for ensemble '\(config.name)'")
        }
        let notForEnsembles: [(String, String)] = [
            ("instance_group", "instance group"), ("optimization", "optimization"), ("model_warmup", "model_warmup"),
            ("dynamic_batching", "dynamic_batching"), ("sequence_batching", "sequence_batching"),
            ("model_operations", "model_operations"), ("default_model_filename", "default_model_filename"),
            ("parameters", "parameters"),
        ]
        for (field, name) in notForEnsembles where config.fieldLines[field] != nil {
            throw fail(
                field,
                "\(name) should not be specified for ensemble '\(config.name)': its steps' models have their own")
        }
        guard !config.inputs.isEmpty, !config.outputs.isEmpty else {
            throw fail(
                config.inputs.isEmpty ? "input" : "output",
                "ensemble '\(config.name)' must declare its inputs and outputs (there is no model to read them from)")
        }
        for tensor in config.inputs + config.outputs where tensor.reshape != nil {
            throw ModelConfigError(
                file: file, line: tensor.line, column: 0,
                "'\(tensor.name)': reshape is not supported on an ensemble's inputs and outputs")
        }
    }

    private func versionPolicy(_ message: TextProtoMessage) throws(ModelConfigError) -> ModelConfig.VersionPolicy {
        guard message.fields.count == 1, let field = message.fields.first else {
            throw ModelConfigError(
                file: file, line: message.fields.dropFirst().first?.line ?? 0,
                "version_policy must hold exactly one of 'latest', 'all' or 'specific'")
        }
        switch field.name {
        case "latest":
            let latest = try self.message(field)
            try checkSingular(latest, context: "latest", repeated: [])
            var count = 1
            for inner in latest.fields {
                guard inner.name == "num_versions" else { throw unknown(inner, in: "version_policy.latest") }
                count = try int(inner, minimum: 1)
            }
            return .latest(numVersions: count)
        case "all":
            let all = try self.message(field)
            if let inner = all.fields.first { throw unknown(inner, in: "version_policy.all") }
            return .all
        case "specific":
            let specific = try self.message(field)
            var versions: [Int] = []
            for inner in specific.fields {
                guard inner.name == "versions" else { throw unknown(inner, in: "version_policy.specific") }
                versions.append(try int(inner, minimum: 1))
            }
            guard !versions.isEmpty else {
                throw error(field, "version_policy.specific must list at least one version")
            }
            return .specific(versions: versions)
        default:
            throw unknown(field, in: "version_policy")
        }
    }

    private func tensor(_ field: Field, isInput: Bool) throws(ModelConfigError) -> ModelConfig.TensorConfig {
        let kind = isInput ? "input" : "output"
        let body = try message(field)
        try checkSingular(body, context: kind, repeated: ["dims"])
        var name: String?
        var datatype: DataType?
        var dims: [Int] = []
        var labelFilename: String?
        var format = ModelConfig.TensorConfig.Format.none
        var reshape: [Int]?
        for inner in body.fields {
            switch inner.name {
            case "name": name = try string(inner)
            case "data_type":
                let text = try identifier(inner)
                guard let type = DataType(configName: text) else {
                    throw error(
                        inner,
                        "data_type '\(text)' is not supported; use one of "
                            + DataType.allCases.map(\.configName).joined(separator: ", "))
                }
                datatype = type
            case "dims":
                dims.append(try int(inner, minimum: -1))
            case "format" where isInput:
                let text = try identifier(inner)
                guard let value = ModelConfig.TensorConfig.Format(rawValue: text) else {
                    throw error(
                        inner,
                        "input format '\(text)' is not supported; use one of "
                            + ModelConfig.TensorConfig.Format.allCases.map(\.rawValue).joined(separator: ", "))
                }
                format = value
            case "reshape":
                let reshapeBody = try message(inner)
                try checkSingular(reshapeBody, context: "reshape", repeated: ["shape"])
                var shape: [Int] = []
                for dimension in reshapeBody.fields {
                    guard dimension.name == "shape" else { throw unknown(dimension, in: "\(kind).reshape") }
                    shape.append(try int(dimension, minimum: -1))
                }
                reshape = shape
            case "label_filename" where !isInput:
                let file = try string(inner)
                guard !file.isEmpty, !file.hasPrefix("/"), !file.split(separator: "/").contains("..") else {
                    throw error(inner, "'label_filename' must name a file inside the model's folder, got '\(file)'")
                }
                labelFilename = file
            case "optional" where isInput:
                guard try !bool(inner) else {
                    throw error(inner, "optional inputs are not supported: every input must be given")
                }
            case "is_shape_tensor", "is_non_linear_format_io":
                guard try !bool(inner) else { throw error(inner, "'\(inner.name)' is only for TensorRT models") }
            case "allow_ragged_batch" where isInput:
                guard try !bool(inner) else { throw error(inner, "ragged batching is not supported") }
            default:
                throw unknown(inner, in: kind)
            }
        }
        guard let name, !name.isEmpty else { throw error(field, "\(kind) has no 'name'") }
        guard let datatype else { throw error(field, "\(kind) '\(name)' has no 'data_type'") }
        // As Triton: an image layout names three dims (channels, height, width in some order) besides the batch.
        guard format == .none || dims.count == 3 else {
            throw error(
                field,
                "input '\(name)' has format \(format.rawValue), which needs 3 dims (besides the batch dimension), "
                    + "got \(dims.count)")
        }
        return ModelConfig.TensorConfig(
            name: name, datatype: datatype, dims: dims, line: field.line, labelFilename: labelFilename, format: format,
            reshape: reshape)
    }

    private func warmup(_ field: Field) throws(ModelConfigError) -> ModelConfig.Warmup {
        let body = try message(field)
        try checkSingular(body, context: "model_warmup", repeated: ["inputs"])
        var name = ""
        var batchSize = 0
        var count = 0
        var inputs: [ModelConfig.Warmup.Input] = []
        for inner in body.fields {
            switch inner.name {
            case "name": name = try string(inner)
            case "batch_size": batchSize = try int(inner, minimum: 0)
            case "count": count = try int(inner, minimum: 0)
            case "inputs": inputs.append(try warmupInput(inner))
            default: throw unknown(inner, in: "model_warmup")
            }
        }
        guard !name.isEmpty else { throw error(field, "a model_warmup sample has no 'name'") }
        var seen: Set<String> = []
        for input in inputs where !seen.insert(input.name).inserted {
            throw error(field, "model_warmup '\(name)' gives input '\(input.name)' more than once")
        }
        return ModelConfig.Warmup(name: name, batchSize: batchSize, inputs: inputs, count: count)
    }

    /// One entry of a warmup sample's `inputs` map: `inputs { key: "NAME" value { ... } }`.
    private func warmupInput(_ field: Field) throws(ModelConfigError) -> ModelConfig.Warmup.Input {
        let entry = try message(field)
        try checkSingular(entry, context: "model_warmup.inputs", repeated: [])
        var key: String?
        var value: TextProtoMessage?
        for inner in entry.fields {
            switch inner.name {
            case "key": key = try string(inner)
            case "value": value = try message(inner)
            default: throw unknown(inner, in: "model_warmup.inputs")
            }
        }
        guard let key, !key.isEmpty else { throw error(field, "a model_warmup 'inputs' entry has no 'key'") }
        guard let value else { throw error(field, "model_warmup input '\(key)' has no 'value'") }
        try checkSingular(value, context: "model_warmup input '\(key)'", repeated: ["dims"])
        var datatype: DataType?
        var dims: [Int] = []
        var data: ModelConfig.Warmup.Data?
        for inner in value.fields {
            switch inner.name {
            case "data_type":
                let text = try identifier(inner)
                guard let type = DataType(configName: text) else {
                    throw error(inner, "data_type '\(text)' is not supported")
                }
                datatype = type
            case "dims": dims.append(try int(inner, minimum: 0))
            case "zero_data", "random_data", "input_data_file":
                guard data == nil else {
                    throw error(
                        inner,
                        "model_warmup input '\(key)' gives more than one of zero_data, random_data and "
                            + "input_data_file")
                }
                switch inner.name {
                case "zero_data":
                    guard try bool(inner) else { throw error(inner, "zero_data must be true when given") }
                    data = .zero
                case "random_data":
                    guard try bool(inner) else { throw error(inner, "random_data must be true when given") }
                    data = .random
                default:
                    let file = try string(inner)
                    guard !file.isEmpty, !file.hasPrefix("/"), !file.contains("\0"),
                        !file.split(separator: "/").contains("..")
                    else {
                        throw error(
                            inner,
                            "input_data_file must name a file inside the model's \(ModelConfig.warmupFolder)/ "
                                + "folder, got '\(file)'")
                    }
                    data = .file(file)
                }
            default: throw unknown(inner, in: "model_warmup input '\(key)'")
            }
        }
        guard let datatype else { throw error(field, "model_warmup input '\(key)' has no 'data_type'") }
        guard let data else {
            throw error(field, "model_warmup input '\(key)' needs one of zero_data, random_data or input_data_file")
        }
        return ModelConfig.Warmup.Input(name: key, datatype: datatype, dims: dims, data: data)
    }

    private func instanceGroup(_ field: Field) throws(ModelConfigError) -> ModelConfig.InstanceGroup {
        let body = try message(field)
        try checkSingular(body, context: "instance_group", repeated: [])
        var group = ModelConfig.InstanceGroup()
        for inner in body.fields {
            switch inner.name {
            case "name": group.name = try string(inner)
            case "count": group.count = try int(inner, minimum: 1)
            case "kind":
                let kind = try identifier(inner)
                guard kind == "KIND_CPU" || kind == "KIND_AUTO" else {
                    throw error(inner, "instance_group kind '\(kind)' is not supported; this server runs on the CPU")
                }
                group.kind = kind
            case "gpus", "secondary_devices", "profile", "rate_limiter", "passive", "host_policy":
                throw error(inner, "instance_group '\(inner.name)' is not supported by this server (CPU only)")
            default:
                throw unknown(inner, in: "instance_group")
            }
        }
        return group
    }

    private func dynamicBatching(_ message: TextProtoMessage) throws(ModelConfigError) -> ModelConfig.DynamicBatching {
        try checkSingular(
            message, context: "dynamic_batching", repeated: ["preferred_batch_size", "priority_queue_policy"])
        var batching = ModelConfig.DynamicBatching()
        for field in message.fields {
            switch field.name {
            case "preferred_batch_size": batching.preferredBatchSizes.append(try int(field, minimum: 1))
            case "max_queue_delay_microseconds": batching.maxQueueDelayMicroseconds = try uint64(field)
            case "preserve_ordering": batching.preserveOrdering = try bool(field)
            case "default_queue_policy": batching.defaultQueuePolicy = try queuePolicy(try self.message(field))
            case "priority_levels": batching.priorityLevels = try uint64(field)
            case "default_priority_level": batching.defaultPriorityLevel = try uint64(field)
            case "priority_queue_policy":
                let (level, policy) = try priorityQueuePolicy(field)
                guard batching.priorityQueuePolicy.updateValue(policy, forKey: level) == nil else {
                    throw error(field, "priority_queue_policy gives level \(level) more than once")
                }
            default: throw unknown(field, in: "dynamic_batching")
            }
        }
        try checkPriorities(batching, message)
        return batching
    }

    /// One entry of the `priority_queue_policy` map: `priority_queue_policy { key: LEVEL value { ... } }`.
    private func priorityQueuePolicy(_ field: Field) throws(ModelConfigError) -> (UInt64, ModelConfig.QueuePolicy) {
        let entry = try message(field)
        try checkSingular(entry, context: "priority_queue_policy", repeated: [])
        var level: UInt64?
        var policy: ModelConfig.QueuePolicy?
        for inner in entry.fields {
            switch inner.name {
            case "key": level = try uint64(inner)
            case "value": policy = try queuePolicy(try message(inner))
            default: throw unknown(inner, in: "priority_queue_policy")
            }
        }
        guard let level else { throw error(field, "a priority_queue_policy entry has no 'key' (its level)") }
        guard let policy else { throw error(field, "priority_queue_policy level \(level) has no 'value'") }
        return (level, policy)
    }

    /// Triton's rules for priority levels: the default level and every level with a policy lie in
    /// `1...priority_levels`, and without levels neither is given.
    private func checkPriorities(_ batching: ModelConfig.DynamicBatching, _ message: TextProtoMessage)
        throws(ModelConfigError)
    {
        let field = { (name: String) in message.fields.last { $0.name == name } ?? message.fields[0] }
        let levels = batching.priorityLevels
        guard levels > 0 else {
            if batching.defaultPriorityLevel != 0 {
                throw error(field("default_priority_level"), "default_priority_level needs priority_levels")
            }
            if !batching.priorityQueuePolicy.isEmpty {
                throw error(field("priority_queue_policy"), "priority_queue_policy needs priority_levels")
            }
            return
        }
        guard (1...levels).contains(batching.defaultPriorityLevel) else {
            throw error(
                field(batching.defaultPriorityLevel == 0 ? "priority_levels" : "default_priority_level"),
                "default_priority_level must be in [1, \(levels)] (priority_levels), got \(batching.defaultPriorityLevel)"
            )
        }
        for level in batching.priorityQueuePolicy.keys.sorted() where !(1...levels).contains(level) {
            throw error(
                field("priority_queue_policy"),
                "priority_queue_policy level \(level) is not in [1, \(levels)] (priority_levels)")
        }
    }

    private func queuePolicy(_ message: TextProtoMessage) throws(ModelConfigError) -> ModelConfig.QueuePolicy {
        try checkSingular(message, context: "default_queue_policy", repeated: [])
        var policy = ModelConfig.QueuePolicy()
        for field in message.fields {
            switch field.name {
            case "timeout_action":
                let action = try identifier(field)
                guard action == "REJECT" else {
                    throw error(field, "timeout_action '\(action)' is not supported; only REJECT is")
                }
                policy.timeoutAction = action
            case "default_timeout_microseconds": policy.defaultTimeoutMicroseconds = try uint64(field)
            case "allow_timeout_override": policy.allowTimeoutOverride = try bool(field)
            case "max_queue_size": policy.maxQueueSize = try int(field, minimum: 0)
            default: throw unknown(field, in: "default_queue_policy")
            }
        }
        return policy
    }

    /// `optimization { graph { level } execution_accelerators { ... } }`.
    private func optimization(_ message: TextProtoMessage) throws(ModelConfigError)
        -> (Int?, ModelConfig.ExecutionAccelerators)
    {
        try checkSingular(message, context: "optimization", repeated: [])
        var level: Int?
        var accelerators = ModelConfig.ExecutionAccelerators()
        for field in message.fields {
            switch field.name {
            case "graph":
                let graph = try self.message(field)
                try checkSingular(graph, context: "optimization.graph", repeated: [])
                for inner in graph.fields {
                    guard inner.name == "level" else { throw unknown(inner, in: "optimization.graph") }
                    level = try int(inner, minimum: Int(Int32.min))
                }
            case "execution_accelerators":
                accelerators = try executionAccelerators(try self.message(field))
            default:
                throw error(
                    field,
                    "optimization '\(field.name)' is not supported; only 'graph { level }' and "
                        + "'execution_accelerators' are")
            }
        }
        return (level, accelerators)
    }

    /// `execution_accelerators { cpu_execution_accelerator [ { name: "..." parameters { key: "k" value: "v" } } ]
    /// gpu_execution_accelerator [ ... ] }`.
    private func executionAccelerators(_ message: TextProtoMessage) throws(ModelConfigError)
        -> ModelConfig.ExecutionAccelerators
    {
        var accelerators = ModelConfig.ExecutionAccelerators()
        for field in message.fields {
            switch field.name {
            case "cpu_execution_accelerator": accelerators.cpu.append(try accelerator(field))
            case "gpu_execution_accelerator": accelerators.gpu.append(try accelerator(field))
            default: throw unknown(field, in: "optimization.execution_accelerators")
            }
        }
        var seen: Set<String> = []
        for accelerator in accelerators.cpu where !seen.insert(accelerator.providerName).inserted {
            throw error(
                message.fields.first { $0.name == "cpu_execution_accelerator" } ?? message.fields[0],
                "cpu_execution_accelerator '\(accelerator.name)' is given more than once")
        }
        return accelerators
    }

    /// One accelerator: `{ name: "..." parameters { key: "k" value: "v" } ... }`.
    private func accelerator(_ field: Field) throws(ModelConfigError) -> ModelConfig.ExecutionAccelerators.Accelerator {
        let body = try message(field)
        try checkSingular(body, context: field.name, repeated: ["parameters"])
        var name: String?
        var parameters: [String: String] = [:]
        for inner in body.fields {
            switch inner.name {
            case "name": name = try string(inner)
            case "parameters":
                let entry = try message(inner)
                try checkSingular(entry, context: "\(field.name).parameters", repeated: [])
                var key: String?
                var value: String?
                for part in entry.fields {
                    switch part.name {
                    case "key": key = try string(part)
                    case "value": value = try string(part)
                    default: throw unknown(part, in: "\(field.name).parameters")
                    }
                }
                guard let key, !key.isEmpty, !key.utf8.contains(0) else {
                    throw error(inner, "a \(field.name) 'parameters' entry has no 'key'")
                }
                guard let value, !value.utf8.contains(0) else {
                    throw error(inner, "\(field.name) parameter '\(key)' has no 'value'")
                }
                guard parameters.updateValue(value, forKey: key) == nil else {
                    throw error(inner, "\(field.name) parameter '\(key)' is given more than once")
                }
            default: throw unknown(inner, in: field.name)
            }
        }
        guard let name, !name.isEmpty, !name.utf8.contains(0) else {
            throw error(field, "a \(field.name) has no 'name'")
        }
        return .init(name: name, parameters: parameters)
    }

    private func parameter(_ field: Field) throws(ModelConfigError) -> (String, String) {
        let body = try message(field)
        try checkSingular(body, context: "parameters", repeated: [])
        var key: String?
        var value: String?
        for inner in body.fields {
            switch inner.name {
            case "key": key = try string(inner)
            case "value":
                let holder = try message(inner)
                try checkSingular(holder, context: "parameters.value", repeated: [])
                for entry in holder.fields {
                    guard entry.name == "string_value" else { throw unknown(entry, in: "parameters.value") }
                    value = try string(entry)
                }
            default: throw unknown(inner, in: "parameters")
            }
        }
        guard let key else { throw error(field, "a 'parameters' entry has no 'key'") }
        if RuntimeParameters.ignoredKeys.contains(key) { return (key, value ?? "") }
        guard let value else {
            throw error(field, "parameter '\(key)' has no value: write value: { string_value: \"...\" }")
        }
        if let problem = RuntimeParameters.problem(key: key, value: value) { throw error(field, problem) }
        return (key, value)
    }

    // MARK: - Scalars

    func string(_ field: Field) throws(ModelConfigError) -> String {
        guard case .string(let text) = field.value else {
            throw error(field, "'\(field.name)' must be a quoted string")
        }
        return text
    }

    func identifier(_ field: Field) throws(ModelConfigError) -> String {
        guard case .identifier(let text) = field.value else {
            throw error(field, "'\(field.name)' must be an enum value (a bare word such as TYPE_FP32)")
        }
        return text
    }

    func int(_ field: Field, minimum: Int) throws(ModelConfigError) -> Int {
        guard case .number(let text) = field.value, let value = Int(text) else {
            throw error(field, "'\(field.name)' must be an integer")
        }
        guard value >= minimum else { throw error(field, "'\(field.name)' must be at least \(minimum), got \(value)") }
        return value
    }

    func uint64(_ field: Field) throws(ModelConfigError) -> UInt64 {
        guard case .number(let text) = field.value, let value = UInt64(text) else {
            throw error(field, "'\(field.name)' must be a non-negative integer")
        }
        return value
    }

    func bool(_ field: Field) throws(ModelConfigError) -> Bool {
        switch field.value {
        case .identifier("true"), .identifier("True"), .identifier("t"), .number("1"): return true
        case .identifier("false"), .identifier("False"), .identifier("f"), .number("0"): return false
        default: throw error(field, "'\(field.name)' must be true or false")
        }
    }

    func message(_ field: Field) throws(ModelConfigError) -> TextProtoMessage {
        guard case .message(let message) = field.value else {
            throw error(field, "'\(field.name)' must be a message: \(field.name) { ... }")
        }
        return message
    }

    func checkSingular(_ message: TextProtoMessage, context: String, repeated: Set<String>)
        throws(ModelConfigError)
    {
        var seen: Set<String> = []
        for field in message.fields where !repeated.contains(field.name) {
            guard seen.insert(field.name).inserted else {
                throw error(field, "'\(field.name)' is given more than once in \(context)")
            }
        }
    }

    func unknown(_ field: Field, in context: String) -> ModelConfigError {
        error(field, "unknown field '\(field.name)' in \(context)")
    }

    func error(_ field: Field, _ message: String) -> ModelConfigError {
        ModelConfigError(file: file, line: field.line, column: field.column, message)
    }
}
#endif
