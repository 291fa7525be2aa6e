#if Server
import ONNXRuntime

/// The inputs and outputs a served model exposes, with KServe V2 datatypes and shapes (`-1` for dynamic
/// dimensions), after merging what the model declares with its configuration.
public struct ModelSignature: Sendable, Hashable {
    /// The inputs, in model order. All are required.
    public private(set) var inputs: [TensorSpec]
    /// The outputs, in model order.
    public private(set) var outputs: [TensorSpec]
    /// The configuration's `max_batch_size`; when positive, the first dimension of every tensor is the batch.
    public private(set) var maxBatchSize: Int
    private var inputIndex: [String: Int]
    private var outputIndex: [String: Int]

    /// Creates a signature.
    public init(inputs: [TensorSpec], outputs: [TensorSpec], maxBatchSize: Int = 0) {
        self.inputs = inputs
        self.outputs = outputs
        self.maxBatchSize = maxBatchSize
        self.inputIndex = Dictionary(inputs.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.outputIndex = Dictionary(
            outputs.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// The input with this name.
    public func input(named name: String) -> TensorSpec? {
        inputIndex[name].map { inputs[$0] }
    }

    /// The output with this name.
    public func output(named name: String) -> TensorSpec? {
        outputIndex[name].map { outputs[$0] }
    }

    /// Derives the signature of a model from what it declares and its configuration.
    ///
    /// Configured dims may narrow a dynamic dimension to a fixed size; they may not contradict a fixed one. With
    /// `max_batch_size > 0` every tensor's first dimension must be dynamic in the model, and the configured dims
    /// leave it out.
    /// - Throws: ``ModelConfigError`` if the model has tensors the protocol cannot carry (sequences, maps, optionals,
    ///   float8 or 4-bit types) or the configuration does not fit the model.
    public static func derive(modelInputs: [ValueInfo], modelOutputs: [ValueInfo], config: ModelConfig)
        throws(ModelConfigError) -> ModelSignature
    {
        let inputs = try merge(modelInputs, config.inputs, kind: "input", config: config)
        let outputs = try merge(modelOutputs, config.outputs, kind: "output", config: config)
        return ModelSignature(inputs: inputs, outputs: outputs, maxBatchSize: config.maxBatchSize)
    }

    private static func merge(
        _ declared: [ValueInfo], _ configured: [ModelConfig.TensorConfig], kind: String, config: ModelConfig
    ) throws(ModelConfigError) -> [TensorSpec] {
        let names = Set(declared.map(\.name))
        for tensor in configured where !names.contains(tensor.name) {
            throw ModelConfigError(
                line: tensor.line,
                "\(kind) '\(tensor.name)' is not an \(kind) of the model; its \(kind)s are "
                    + declared.map { "'\($0.name)'" }.joined(separator: ", "))
        }
        var specs: [TensorSpec] = []
        for info in declared {
            guard case .tensor(let tensor) = info.type else {
                throw ModelConfigError(
                    "\(kind) '\(info.name)' is a \(info.type.typeString), which the KServe V2 protocol cannot carry; "
                        + "only tensors can be served")
            }
            guard let datatype = DataType(tensor.elementType) else {
                throw ModelConfigError(
                    "\(kind) '\(info.name)' has element type \(tensor.elementType), which has no KServe V2 datatype")
            }
            var shape = tensor.shape.map { $0.value ?? -1 }
            if config.maxBatchSize > 0 {
                guard let first = shape.first, first == -1 else {
                    throw ModelConfigError(
                        line: config.fieldLines["max_batch_size"] ?? 0,
                        "max_batch_size is \(config.maxBatchSize), but \(kind) '\(info.name)' has shape "
                            + "\(tensor.shape) whose first dimension is not dynamic, so it cannot be the batch "
                            + "dimension; set max_batch_size: 0 and give full dims")
                }
            }
            var reshape: TensorReshape?
            if let configuredTensor = configured.first(where: { $0.name == info.name }) {
                guard configuredTensor.datatype == datatype else {
                    throw ModelConfigError(
                        line: configuredTensor.line,
                        "\(kind) '\(info.name)' is declared \(configuredTensor.datatype.configName), but the model "
                            + "has \(datatype.configName)")
                }
                let offset = config.maxBatchSize > 0 ? 1 : 0
                let modelDims = Array(shape.dropFirst(offset))
                // With `reshape`, the model's shape is checked against it, and clients see `dims`.
                let declared = configuredTensor.reshape ?? configuredTensor.dims
                let what = configuredTensor.reshape == nil ? "dims" : "reshape"
                guard declared.count == modelDims.count else {
                    throw ModelConfigError(
                        line: configuredTensor.line,
                        "\(kind) '\(info.name)' is declared with \(what) \(declared), but the model's "
                            + "shape is \(tensor.shape)"
                            + (offset == 1 ? " (\(what) leaves out the batch dimension when max_batch_size > 0)" : ""))
                }
                for (axis, (model, declaredSize)) in zip(modelDims, declared).enumerated() {
                    if model >= 0, declaredSize >= 0, model != declaredSize {
                        throw ModelConfigError(
                            line: configuredTensor.line,
                            "\(kind) '\(info.name)' is declared with \(what) \(declared), but the model's "
                                + "shape is \(tensor.shape) (dimension \(axis + offset) differs)")
                    }
                    if model < 0 { shape[axis + offset] = declaredSize }
                }
                if let modelShape = configuredTensor.reshape {
                    reshape = TensorReshape(dims: configuredTensor.dims, shape: modelShape)
                    shape = Array(shape.prefix(offset)) + configuredTensor.dims
                }
            }
            var spec = TensorSpec(name: info.name, datatype: datatype, shape: shape)
            spec.reshape = reshape
            specs.append(spec)
        }
        return specs
    }

    /// The configuration completed with this signature: every input and output listed with its datatype and dims,
    /// and one instance group if none was configured (Triton's auto-completed configuration).
    public func completing(_ config: ModelConfig) -> ModelConfig {
        var completed = config
        let offset = maxBatchSize > 0 ? 1 : 0
        completed.inputs = inputs.map { spec in
            let declared = config.inputs.first { $0.name == spec.name }
            return ModelConfig.TensorConfig(
                name: spec.name, datatype: spec.datatype, dims: Array(spec.shape.dropFirst(offset)),
                line: declared?.line ?? 0, format: declared?.format ?? .none, reshape: declared?.reshape)
        }
        completed.outputs = outputs.map { spec in
            let declared = config.outputs.first { $0.name == spec.name }
            return ModelConfig.TensorConfig(
                name: spec.name, datatype: spec.datatype, dims: Array(spec.shape.dropFirst(offset)),
                line: declared?.line ?? 0, labelFilename: declared?.labelFilename, reshape: declared?.reshape)
        }
        if completed.instanceGroups.isEmpty {
            completed.instanceGroups = [ModelConfig.InstanceGroup(name: config.name, kind: "KIND_CPU", count: 1)]
        }
        return completed
    }
}
#endif
