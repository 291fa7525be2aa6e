#if Server
extension ModelConfig {
    /// The configuration in Triton's JSON form (the model configuration extension's `GET .../config` body): the
    /// protobuf JSON mapping of `ModelConfig`, with proto field names and numbers as JSON numbers.
    package var json: JSONValue {
        var object: JSONObject = [
            "name": .string(name),
            "platform": .string(platform),
            "backend": .string(isEnsemble ? "" : Self.backendName),
            "version_policy": versionPolicyJSON,
            "max_batch_size": integer(maxBatchSize),
            "input": .array(inputs.map(inputJSON)),
            "output": .array(outputs.map(outputJSON)),
            "instance_group": .array(instanceGroups.map(instanceGroupJSON)),
            "default_model_filename": .string(isEnsemble ? "" : defaultModelFilename),
        ]
        if let ensembleScheduling {
            object["ensemble_scheduling"] = .object(["step": .array(ensembleScheduling.steps.map(stepJSON))])
        }
        if !opLibraryFilenames.isEmpty {
            object["model_operations"] = .object(
                ["op_library_filename": .array(opLibraryFilenames.map { .string($0) })])
        }
        if let dynamicBatching {
            object["dynamic_batching"] = dynamicBatchingJSON(dynamicBatching)
        }
        if let sequenceBatching {
            object["sequence_batching"] = sequenceBatchingJSON(sequenceBatching)
        }
        var optimization = JSONObject()
        if let graphOptimizationLevel {
            optimization["graph"] = .object(["level": integer(graphOptimizationLevel)])
        }
        if !executionAccelerators.isEmpty {
            // As Triton gives it: both lists, each accelerator with its parameters as an object.
            func list(_ accelerators: [ExecutionAccelerators.Accelerator]) -> JSONValue {
                .array(
                    accelerators.map { accelerator in
                        .object([
                            "name": .string(accelerator.name),
                            "parameters": .object(
                                JSONObject(
                                    accelerator.parameters.sorted { $0.key < $1.key }.map {
                                        (key: $0.key, value: .string($0.value))
                                    })),
                        ])
                    })
            }
            optimization["execution_accelerators"] = .object([
                "gpu_execution_accelerator": list(executionAccelerators.gpu),
                "cpu_execution_accelerator": list(executionAccelerators.cpu),
            ])
        }
        if !optimization.isEmpty {
            object["optimization"] = .object(optimization)
        }
        if !warmup.isEmpty {
            object["model_warmup"] = .array(warmup.map(warmupJSON))
        }
        if responseCache {
            object["response_cache"] = .object(["enable": .bool(true)])
        }
        object["parameters"] = .object(
            JSONObject(
                parameters.sorted { $0.key < $1.key }.map { entry in
                    (key: entry.key, value: .object(["string_value": .string(entry.value)]))
                }))
        return .object(object)
    }

    private func stepJSON(_ step: EnsembleScheduling.Step) -> JSONValue {
        func map(_ entries: [String: String]) -> JSONValue {
            .object(JSONObject(entries.sorted { $0.key < $1.key }.map { (key: $0.key, value: .string($0.value)) }))
        }
        return .object([
            "model_name": .string(step.modelName),
            "model_version": integer(step.modelVersion),
            "input_map": map(step.inputMap),
            "output_map": map(step.outputMap),
        ])
    }

    private var versionPolicyJSON: JSONValue {
        switch versionPolicy {
        case .latest(let count): .object(["latest": .object(["num_versions": integer(count)])])
        case .all: .object(["all": .object([:])])
        case .specific(let versions): .object(["specific": .object(["versions": .array(versions.map(integer))])])
        }
    }

    private func inputJSON(_ tensor: TensorConfig) -> JSONValue {
        var object: JSONObject = [
            "name": .string(tensor.name),
            "data_type": .string(tensor.datatype.configName),
            "format": .string(tensor.format.rawValue),
            "dims": .array(tensor.dims.map(integer)),
            "is_shape_tensor": .bool(false),
            "allow_ragged_batch": .bool(false),
            "optional": .bool(false),
        ]
        if let reshape = tensor.reshape { object["reshape"] = .object(["shape": .array(reshape.map(integer))]) }
        return .object(object)
    }

    private func outputJSON(_ tensor: TensorConfig) -> JSONValue {
        var object: JSONObject = [
            "name": .string(tensor.name),
            "data_type": .string(tensor.datatype.configName),
            "dims": .array(tensor.dims.map(integer)),
            "label_filename": .string(tensor.labelFilename ?? ""),
            "is_shape_tensor": .bool(false),
        ]
        if let reshape = tensor.reshape { object["reshape"] = .object(["shape": .array(reshape.map(integer))]) }
        return .object(object)
    }

    private func warmupJSON(_ sample: Warmup) -> JSONValue {
        var inputs = JSONObject()
        for input in sample.inputs {
            var value: JSONObject = [
                "data_type": .string(input.datatype.configName),
                "dims": .array(input.dims.map(integer)),
            ]
            switch input.data {
            case .zero: value["zero_data"] = .bool(true)
            case .random: value["random_data"] = .bool(true)
            case .file(let file): value["input_data_file"] = .string(file)
            }
            inputs[input.name] = .object(value)
        }
        return .object([
            "name": .string(sample.name),
            "batch_size": integer(sample.batchSize),
            "inputs": .object(inputs),
            "count": integer(sample.count),
        ])
    }

    private func instanceGroupJSON(_ group: InstanceGroup) -> JSONValue {
        .object([
            "name": .string(group.name ?? name),
            "kind": .string(group.kind),
            "count": integer(group.count),
            "gpus": .array([]),
            "secondary_devices": .array([]),
            "profile": .array([]),
            "passive": .bool(false),
            "host_policy": .string(""),
        ])
    }

    private func dynamicBatchingJSON(_ batching: DynamicBatching) -> JSONValue {
        var object: JSONObject = [
            "preferred_batch_size": .array(batching.preferredBatchSizes.map(integer)),
            "max_queue_delay_microseconds": unsigned(batching.maxQueueDelayMicroseconds),
            "preserve_ordering": .bool(batching.preserveOrdering),
        ]
        if let policy = batching.defaultQueuePolicy {
            object["default_queue_policy"] = queuePolicyJSON(policy)
        }
        // Triton gives these three always, as numbers and an object keyed by level.
        object["priority_levels"] = unsigned(batching.priorityLevels)
        object["default_priority_level"] = unsigned(batching.defaultPriorityLevel)
        var policies: JSONObject = [:]
        for (level, policy) in batching.priorityQueuePolicy.sorted(by: { $0.key < $1.key }) {
            policies[String(level)] = queuePolicyJSON(policy)
        }
        object["priority_queue_policy"] = .object(policies)
        return .object(object)
    }

    private func queuePolicyJSON(_ policy: QueuePolicy) -> JSONValue {
        .object([
            "timeout_action": .string(policy.timeoutAction),
            "default_timeout_microseconds": unsigned(policy.defaultTimeoutMicroseconds),
            "allow_timeout_override": .bool(policy.allowTimeoutOverride),
            "max_queue_size": integer(policy.maxQueueSize),
        ])
    }

    private func sequenceBatchingJSON(_ batching: SequenceBatching) -> JSONValue {
        var object: JSONObject = [
            "max_sequence_idle_microseconds": unsigned(batching.maxSequenceIdleMicroseconds)
        ]
        switch batching.strategy {
        case .direct(let direct):
            object["direct"] = .object([
                "max_queue_delay_microseconds": unsigned(direct.maxQueueDelayMicroseconds),
                "minimum_slot_utilization": .number(.double(Double(direct.minimumSlotUtilization))),
            ])
        case .oldest(let oldest):
            object["oldest"] = .object([
                "max_candidate_sequences": integer(oldest.maxCandidateSequences),
                "preferred_batch_size": .array(oldest.preferredBatchSizes.map(integer)),
                "max_queue_delay_microseconds": unsigned(oldest.maxQueueDelayMicroseconds),
            ])
        }
        object["control_input"] = .array(
            batching.controlInputs.map { control in
                var entry: JSONObject = ["kind": .string(control.kind.rawValue)]
                switch control.values {
                case .int32(let off, let on):
                    entry["int32_false_true"] = .array([integer(Int(off)), integer(Int(on))])
                case .fp32(let off, let on):
                    entry["fp32_false_true"] = .array([.number(.double(Double(off))), .number(.double(Double(on)))])
                case .bool(let off, let on):
                    entry["bool_false_true"] = .array([.bool(off), .bool(on)])
                case .correlationID(let datatype):
                    entry["data_type"] = .string(datatype.configName)
                }
                return .object(["name": .string(control.name), "control": .array([.object(entry)])])
            })
        object["state"] = .array(
            batching.states.map { state in
                var entry: JSONObject = [
                    "input_name": .string(state.inputName), "output_name": .string(state.outputName),
                    "data_type": .string(state.datatype.configName), "dims": .array(state.dims.map(integer)),
                ]
                if let initial = state.initialState {
                    var value: JSONObject = [
                        "name": .string(initial.name), "data_type": .string(initial.datatype.configName),
                        "dims": .array(initial.dims.map(integer)),
                    ]
                    switch initial.source {
                    case .zero: value["zero_data"] = .bool(true)
                    case .file(let file): value["data_file"] = .string(file)
                    }
                    entry["initial_state"] = .array([.object(value)])
                }
                return .object(entry)
            })
        return .object(object)
    }

    private func integer(_ value: Int) -> JSONValue {
        .number(.int(Int64(value)))
    }

    private func unsigned(_ value: UInt64) -> JSONValue {
        .number(Int64(exactly: value).map(JSONNumber.int) ?? .uint(value))
    }
}
#endif
