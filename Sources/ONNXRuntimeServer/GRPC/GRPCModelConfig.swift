#if Server
import KServeGRPCProtocol
import ONNXRuntimeServing
import SwiftProtobuf

/// The serving core's model configuration and statistics as gRPC messages (the same content as the REST JSON).
enum GRPCModelConfig {
    /// A ``ModelConfig`` as `inference.ModelConfig`.
    static func message(_ config: ModelConfig) -> Inference_ModelConfig {
        .with { message in
            message.name = config.name
            message.platform = config.platform
            message.backend = config.isEnsemble ? "" : ModelConfig.backendName
            message.versionPolicy = .with {
                switch config.versionPolicy {
                case .latest(let count): $0.latest = .with { $0.numVersions = UInt32(clamping: count) }
                case .all: $0.all = .init()
                case .specific(let versions): $0.specific = .with { $0.versions = versions.map(Int64.init) }
                }
            }
            message.maxBatchSize = Int32(clamping: config.maxBatchSize)
            message.input = config.inputs.map { tensor in
                .with {
                    $0.name = tensor.name
                    $0.dataType = dataType(tensor.datatype)
                    $0.format =
                        switch tensor.format {
                        case .none: Inference_ModelInput.Format.none
                        case .nhwc: .nhwc
                        case .nchw: .nchw
                        }
                    $0.dims = tensor.dims.map(Int64.init)
                    if let reshape = tensor.reshape { $0.reshape = .with { $0.shape = reshape.map(Int64.init) } }
                }
            }
            message.output = config.outputs.map { tensor in
                .with {
                    $0.name = tensor.name
                    $0.dataType = dataType(tensor.datatype)
                    $0.dims = tensor.dims.map(Int64.init)
                    if let reshape = tensor.reshape { $0.reshape = .with { $0.shape = reshape.map(Int64.init) } }
                    $0.labelFilename = tensor.labelFilename ?? ""
                }
            }
            message.instanceGroup = config.instanceGroups.map { group in
                .with {
                    $0.name = group.name ?? config.name
                    $0.kind = group.kind == "KIND_AUTO" ? .auto : .cpu
                    $0.count = Int32(clamping: group.count)
                }
            }
            message.defaultModelFilename = config.isEnsemble ? "" : config.defaultModelFilename
            if let batching = config.dynamicBatching {
                message.dynamicBatching = .with {
                    $0.preferredBatchSize = batching.preferredBatchSizes.map { Int32(clamping: $0) }
                    $0.maxQueueDelayMicroseconds = batching.maxQueueDelayMicroseconds
                    $0.preserveOrdering = batching.preserveOrdering
                    if let policy = batching.defaultQueuePolicy {
                        $0.defaultQueuePolicy = queuePolicy(policy)
                    }
                    $0.priorityLevels = batching.priorityLevels
                    $0.defaultPriorityLevel = batching.defaultPriorityLevel
                    $0.priorityQueuePolicy = batching.priorityQueuePolicy.mapValues(queuePolicy)
                }
            }
            if let ensemble = config.ensembleScheduling {
                message.ensembleScheduling = .with {
                    $0.step = ensemble.steps.map { step in
                        .with {
                            $0.modelName = step.modelName
                            $0.modelVersion = Int64(step.modelVersion)
                            $0.inputMap = step.inputMap
                            $0.outputMap = step.outputMap
                        }
                    }
                }
            }
            if !config.opLibraryFilenames.isEmpty {
                message.modelOperations = .with { $0.opLibraryFilename = config.opLibraryFilenames }
            }
            if let batching = config.sequenceBatching {
                message.sequenceBatching = sequenceBatching(batching)
            }
            if let level = config.graphOptimizationLevel {
                message.optimization.graph = .with { $0.level = Int32(clamping: level) }
            }
            if !config.executionAccelerators.isEmpty {
                func accelerators(_ list: [ModelConfig.ExecutionAccelerators.Accelerator])
                    -> [Inference_ModelOptimizationPolicy.ExecutionAccelerators.Accelerator]
                {
                    list.map { accelerator in
                        .with {
                            $0.name = accelerator.name
                            $0.parameters = accelerator.parameters
                        }
                    }
                }
                message.optimization.executionAccelerators = .with {
                    $0.cpuExecutionAccelerator = accelerators(config.executionAccelerators.cpu)
                    $0.gpuExecutionAccelerator = accelerators(config.executionAccelerators.gpu)
                }
            }
            message.parameters = config.parameters.mapValues { value in .with { $0.stringValue = value } }
            message.modelWarmup = config.warmup.map(warmup)
            if config.responseCache {
                message.responseCache = .with { $0.enable = true }
            }
        }
    }

    /// `sequence_batching` as `inference.ModelSequenceBatching`.
    static func sequenceBatching(_ batching: ModelConfig.SequenceBatching) -> Inference_ModelSequenceBatching {
        .with { message in
            message.maxSequenceIdleMicroseconds = batching.maxSequenceIdleMicroseconds
            switch batching.strategy {
            case .direct(let direct):
                message.direct = .with {
                    $0.maxQueueDelayMicroseconds = direct.maxQueueDelayMicroseconds
                    $0.minimumSlotUtilization = direct.minimumSlotUtilization
                }
            case .oldest(let oldest):
                message.oldest = .with {
                    $0.maxCandidateSequences = Int32(clamping: oldest.maxCandidateSequences)
                    $0.preferredBatchSize = oldest.preferredBatchSizes.map { Int32(clamping: $0) }
                    $0.maxQueueDelayMicroseconds = oldest.maxQueueDelayMicroseconds
                }
            }
            message.controlInput = batching.controlInputs.map { control in
                .with { input in
                    input.name = control.name
                    input.control = [
                        .with {
                            $0.kind =
                                switch control.kind {
                                case .start: .controlSequenceStart
                                case .end: .controlSequenceEnd
                                case .ready: .controlSequenceReady
                                case .correlationID: .controlSequenceCorrid
                                }
                            switch control.values {
                            case .int32(let off, let on): $0.int32FalseTrue = [off, on]
                            case .fp32(let off, let on): $0.fp32FalseTrue = [off, on]
                            case .bool(let off, let on): $0.boolFalseTrue = [off, on]
                            case .correlationID(let datatype): $0.dataType = dataType(datatype)
                            }
                        }
                    ]
                }
            }
            message.state = batching.states.map { state in
                .with { entry in
                    entry.inputName = state.inputName
                    entry.outputName = state.outputName
                    entry.dataType = dataType(state.datatype)
                    entry.dims = state.dims.map(Int64.init)
                    if let initial = state.initialState {
                        entry.initialState = [
                            .with {
                                $0.name = initial.name
                                $0.dataType = dataType(initial.datatype)
                                $0.dims = initial.dims.map(Int64.init)
                                switch initial.source {
                                case .zero: $0.zeroData = true
                                case .file(let file): $0.dataFile = file
                                }
                            }
                        ]
                    }
                }
            }
        }
    }

    /// A `model_warmup` sample as `inference.ModelWarmup`.
    static func warmup(_ sample: ModelConfig.Warmup) -> Inference_ModelWarmup {
        .with { message in
            message.name = sample.name
            message.batchSize = UInt32(clamping: sample.batchSize)
            message.count = UInt32(clamping: sample.count)
            for input in sample.inputs {
                message.inputs[input.name] = .with {
                    $0.dataType = dataType(input.datatype)
                    $0.dims = input.dims.map(Int64.init)
                    switch input.data {
                    case .zero: $0.zeroData = true
                    case .random: $0.randomData = true
                    case .file(let file): $0.inputDataFile = file
                    }
                }
            }
        }
    }

    /// A V2 datatype as the configuration's `DataType`.
    static func dataType(_ datatype: DataType) -> Inference_DataType {
        switch datatype {
        case .bool: .typeBool
        case .uint8: .typeUint8
        case .uint16: .typeUint16
        case .uint32: .typeUint32
        case .uint64: .typeUint64
        case .int8: .typeInt8
        case .int16: .typeInt16
        case .int32: .typeInt32
        case .int64: .typeInt64
        case .fp16: .typeFp16
        case .fp32: .typeFp32
        case .fp64: .typeFp64
        case .bytes: .typeString
        case .bf16: .typeBf16
        }
    }

    private static func queuePolicy(_ policy: ModelConfig.QueuePolicy) -> Inference_ModelQueuePolicy {
        .with {
            $0.timeoutAction = policy.timeoutAction == "DELAY" ? .delay : .reject
            $0.defaultTimeoutMicroseconds = policy.defaultTimeoutMicroseconds
            $0.allowTimeoutOverride = policy.allowTimeoutOverride
            $0.maxQueueSize = UInt32(clamping: policy.maxQueueSize)
        }
    }
}
#endif
