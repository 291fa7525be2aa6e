#if Server
/// An ensemble's steps checked against the models they run, and the order to run them in.
///
/// Made when the ensemble loads, after its composing models have loaded: every step's model (and version) must be
/// loaded, its `input_map` must name each of the model's inputs and nothing else, its `output_map` only outputs the
/// model has; every ensemble tensor is an ensemble input or the output of exactly one step, is read by a step or an
/// ensemble output, and has one datatype and compatible shapes wherever it appears; and the steps form no cycle. The
/// messages follow Triton's where Triton has one.
///
/// The steps run in ``waves``: each wave holds the steps whose inputs the ensemble inputs and earlier waves provide, so
/// the steps of one wave run at the same time.
struct EnsembleSchedule: Sendable {
    /// One step, matched to its model.
    struct Step: Sendable {
        /// The step's number, from 1, in configuration order (for messages).
        var number: Int
        /// The model the step runs.
        var modelName: String
        /// The version it runs; `nil` for the highest loaded.
        var version: Int?
        /// Each model input and the ensemble tensor it takes, sorted by input name.
        var inputs: [(model: String, tensor: String)]
        /// Each model output the step computes and the ensemble tensor it writes, sorted by output name.
        var outputs: [(model: String, tensor: String)]

        /// How messages name the step: `step 2 (model 'm')`.
        var label: String { "step \(number) (model '\(modelName)')" }
    }

    /// What the schedule needs to know of a composing model.
    struct Composing: Sendable {
        /// The model's inputs and outputs as clients see them (full shapes, with the batch dimension).
        var signature: ModelSignature
    }

    /// The steps, in configuration order.
    let steps: [Step]
    /// Indices into ``steps``: every wave's steps read only ensemble inputs and earlier waves' outputs.
    let waves: [[Int]]
    /// The ensemble tensors that are the ensemble's outputs, by output name (the same name).
    let outputs: [String]

    /// Checks an ensemble's configuration against its composing models.
    /// - Parameters:
    ///   - config: The ensemble's configuration (``ModelConfig/ensembleScheduling`` set).
    ///   - signature: The ensemble's own inputs and outputs, from its configuration.
    ///   - lookup: The composing model of a step (name, version or `nil` for the highest loaded), or why there is
    ///     none.
    /// - Throws: ``ModelLoader/LoadFailure`` saying what does not fit.
    static func make(
        config: ModelConfig, signature: ModelSignature,
        lookup: (String, Int?) -> Result<Composing, ModelLoader.LoadFailure>
    ) throws(ModelLoader.LoadFailure) -> EnsembleSchedule {
        let ensemble = config.name
        let scheduling = config.ensembleScheduling ?? ModelConfig.EnsembleScheduling(steps: [])

        /// Where a tensor's datatype and shape were seen: the model, and what it is there.
        struct Seen {
            var datatype: DataType
            var shape: [Int]
            var model: String
        }
        var producers: [String: Int] = [:]  // ensemble tensor -> step index; ensemble inputs are -1
        var seen: [String: Seen] = [:]
        var readers: [String: Set<Int>] = [:]  // ensemble tensor -> reading step indices

        func record(_ tensor: String, _ spec: TensorSpec, model: String) throws(ModelLoader.LoadFailure) {
            guard let first = seen[tensor] else {
                seen[tensor] = Seen(datatype: spec.datatype, shape: spec.shape, model: model)
                return
            }
            if first.datatype != spec.datatype {
                throw ModelLoader.LoadFailure(
                    "in ensemble \(ensemble), ensemble tensor \(tensor): inconsistent data type: "
                        + "\(first.datatype.configName) is inferred from model \(first.model) while "
                        + "\(spec.datatype.configName) is inferred from model \(model)")
            }
            let compatible =
                first.shape.count == spec.shape.count
                && zip(first.shape, spec.shape).allSatisfy { $0 < 0 || $1 < 0 || $0 == $1 }
            if !compatible {
                func text(_ shape: [Int]) -> String { "[\(shape.map(String.init).joined(separator: ","))]" }
                throw ModelLoader.LoadFailure(
                    "in ensemble \(ensemble), ensemble tensor \(tensor): inconsistent shape: \(text(first.shape)) is "
                        + "inferred from model \(first.model) while \(text(spec.shape)) is inferred from model \(model)"
                )
            }
        }

        for input in signature.inputs {
            producers[input.name] = -1
            try record(input.name, input, model: ensemble)
        }

        var steps: [Step] = []
        for (index, configured) in scheduling.steps.enumerated() {
            let name = configured.modelName
            let version = configured.modelVersion < 0 ? nil : configured.modelVersion
            let composing: Composing
            switch lookup(name, version) {
            case .success(let found): composing = found
            case .failure(let failure): throw failure
            }
            let model = composing.signature
            if config.maxBatchSize > 0, model.maxBatchSize < config.maxBatchSize {
                throw ModelLoader.LoadFailure(
                    "ensemble \(ensemble) allows maximum batch size \(config.maxBatchSize), but it contains model "
                        + "\(name) which only allows maximum batch size to be \(model.maxBatchSize)")
            }
            for (modelInput, tensor) in configured.inputMap.sorted(by: { $0.key < $1.key }) {
                guard let spec = model.input(named: modelInput) else {
                    throw ModelLoader.LoadFailure(
                        "in ensemble \(ensemble), ensemble tensor \(tensor) is mapping to non-existing input "
                            + "\(modelInput) in model \(name)")
                }
                try record(tensor, spec, model: name)
                readers[tensor, default: []].insert(index)
            }
            for spec in model.inputs where configured.inputMap[spec.name] == nil {
                throw ModelLoader.LoadFailure(
                    "in ensemble \(ensemble), input \(spec.name) in model \(name) is not mapped to any ensemble tensors"
                )
            }
            for (modelOutput, tensor) in configured.outputMap.sorted(by: { $0.key < $1.key }) {
                guard let spec = model.output(named: modelOutput) else {
                    throw ModelLoader.LoadFailure(
                        "in ensemble \(ensemble), ensemble tensor \(tensor) is mapped from non-existing output "
                            + "\(modelOutput) in model \(name)")
                }
                if let producer = producers[tensor] {
                    throw ModelLoader.LoadFailure(
                        producer < 0
                            ? "ensemble tensor '\(tensor)' is an input of ensemble '\(ensemble)', so step "
                                + "\(index + 1) (model '\(name)') cannot write it"
                            : "ensemble tensor '\(tensor)' can appear in an output map only once for ensemble "
                                + "'\(ensemble)' (steps \(producer + 1) and \(index + 1) write it)")
                }
                producers[tensor] = index
                try record(tensor, spec, model: name)
            }
            steps.append(
                Step(
                    number: index + 1, modelName: name, version: version,
                    inputs: configured.inputMap.sorted { $0.key < $1.key }.map { (model: $0.key, tensor: $0.value) },
                    outputs: configured.outputMap.sorted { $0.key < $1.key }.map { (model: $0.key, tensor: $0.value) }))
        }

        // Every output is written by a step, with the datatype and shape the ensemble declares.
        for output in signature.outputs {
            guard let producer = producers[output.name], producer >= 0 else {
                let missing = readers.keys.filter { producers[$0] == nil }.sorted()
                throw ModelLoader.LoadFailure(
                    "output '\(output.name)' for ensemble '\(ensemble)' is not written"
                        + (missing.isEmpty
                            ? "" : ": at least one of its depending tensors, '\(missing[0])', is not connected"))
            }
            try record(output.name, output, model: ensemble)
        }
        let outputNames = Set(signature.outputs.map(\.name))
        // Every tensor a step reads is written by someone.
        for step in steps {
            for (_, tensor) in step.inputs where producers[tensor] == nil {
                throw ModelLoader.LoadFailure(
                    "in ensemble \(ensemble), \(step.label) reads ensemble tensor '\(tensor)', which is neither an "
                        + "input of the ensemble nor written by a step")
            }
        }
        // Every ensemble input is read, and every tensor a step writes is read or is an output.
        for input in signature.inputs where readers[input.name] == nil {
            throw ModelLoader.LoadFailure("ensemble input '\(input.name)' for ensemble \(ensemble)' is not used")
        }
        for (tensor, producer) in producers.sorted(by: { $0.key < $1.key })
        where producer >= 0 && readers[tensor] == nil && !outputNames.contains(tensor) {
            throw ModelLoader.LoadFailure("ensemble tensor '\(tensor)' is unused in ensemble '\(ensemble)'")
        }

        // Waves (Kahn's algorithm); steps left over form a cycle.
        var available = Set(signature.inputs.map(\.name))
        var remaining = Array(steps.indices)
        var waves: [[Int]] = []
        while !remaining.isEmpty {
            let ready = remaining.filter { index in steps[index].inputs.allSatisfy { available.contains($0.tensor) } }
            guard !ready.isEmpty else {
                throw ModelLoader.LoadFailure(
                    "in ensemble \(ensemble), the steps form a cycle through their tensors: "
                        + remaining.map { steps[$0].label }.joined(separator: ", ")
                        + " each wait for another's output")
            }
            waves.append(ready)
            for index in ready {
                for (_, tensor) in steps[index].outputs { available.insert(tensor) }
            }
            remaining.removeAll { ready.contains($0) }
        }
        return EnsembleSchedule(steps: steps, waves: waves, outputs: signature.outputs.map(\.name))
    }

    /// The ensemble's own signature: its configured inputs and outputs, with the batch dimension when
    /// `max_batch_size > 0`.
    static func signature(_ config: ModelConfig) -> ModelSignature {
        let batch = config.maxBatchSize > 0 ? [-1] : []
        func spec(_ tensor: ModelConfig.TensorConfig) -> TensorSpec {
            TensorSpec(name: tensor.name, datatype: tensor.datatype, shape: batch + tensor.dims)
        }
        return ModelSignature(
            inputs: config.inputs.map(spec), outputs: config.outputs.map(spec), maxBatchSize: config.maxBatchSize)
    }
}
#endif
