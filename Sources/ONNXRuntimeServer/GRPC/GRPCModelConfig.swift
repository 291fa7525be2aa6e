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
                }
            }
            message.output = config.outputs.map { tensor in
                .with {
                    $0.name = tensor.name
                    $0.dataType = dataType(tensor.datatype)
                    $0.dims = tensor.dims.map(Int64.init)
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
                        $0.defaultQueuePolicy = .with {
                            $0.timeoutAction = policy.timeoutAction == "DELAY" ? .delay : .reject
                            $0.defaultTimeoutMicroseconds = policy.defaultTimeoutMicroseconds
                            $0.allowTimeoutOverride = policy.allowTimeoutOverride
                            $0.maxQueueSize = UInt32(clamping: policy.maxQueueSize)
                        }
                    }
                }
            }
            if let level = config.graphOptimizationLevel {
                message.optimization = .with { $0.graph = .with { $0.level = Int32(clamping: level) } }
            }
            message.parameters = config.parameters.mapValues { value in .with { $0.stringValue = value } }
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
}
#endif
