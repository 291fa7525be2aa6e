#if Server
extension ModelConfig {
    /// The configuration in Triton's JSON form (the model configuration extension's `GET .../config` body): the
    /// protobuf JSON mapping of `ModelConfig`, with proto field names and numbers as JSON numbers.
    package var json: JSONValue {
        var object: JSONObject = [
            "name": .string(name),
            "platform": .string(Self.platformName),
            "backend": .string(Self.backendName),
            "version_policy": versionPolicyJSON,
            "max_batch_size": integer(maxBatchSize),
            "input": .array(inputs.map(inputJSON)),
            "output": .array(outputs.map(outputJSON)),
            "instance_group": .array(instanceGroups.map(instanceGroupJSON)),
            "default_model_filename": .string(defaultModelFilename),
        ]
        if let dynamicBatching {
            object["dynamic_batching"] = dynamicBatchingJSON(dynamicBatching)
        }
        if let graphOptimizationLevel {
            object["optimization"] = .object(["graph": .object(["level": integer(graphOptimizationLevel)])])
        }
        if !warmup.isEmpty {
            object["model_warmup"] = .array(warmup.map(warmupJSON))
        }
        object["parameters"] = .object(
            JSONObject(
                parameters.sorted { $0.key < $1.key }.map { entry in
                    (key: entry.key, value: .object(["string_value": .string(entry.value)]))
                }))
        return .object(object)
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
            object["default_queue_policy"] = .object([
                "timeout_action": .string(policy.timeoutAction),
                "default_timeout_microseconds": unsigned(policy.defaultTimeoutMicroseconds),
                "allow_timeout_override": .bool(policy.allowTimeoutOverride),
                "max_queue_size": integer(policy.maxQueueSize),
            ])
        }
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
