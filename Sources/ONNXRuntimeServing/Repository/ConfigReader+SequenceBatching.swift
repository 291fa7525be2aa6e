#if Server
extension ConfigReader {
    typealias SequenceConfig = ModelConfig.SequenceBatching

    /// Reads `sequence_batching { ... }`.
    func sequenceBatching(_ message: TextProtoMessage) throws(ModelConfigError) -> SequenceConfig {
        try checkSingular(message, context: "sequence_batching", repeated: ["control_input", "state"])
        var batching = SequenceConfig()
        var strategy: Field?
        for field in message.fields {
            switch field.name {
            case "direct", "oldest":
                if let strategy {
                    throw error(
                        field, "sequence_batching has both '\(strategy.name)' and '\(field.name)'; give one strategy")
                }
                strategy = field
                batching.strategy =
                    field.name == "direct"
                    ? .direct(try direct(try self.message(field))) : .oldest(try oldest(try self.message(field)))
            case "max_sequence_idle_microseconds":
                batching.maxSequenceIdleMicroseconds = try uint64(field)
            case "control_input":
                batching.controlInputs += try controlInput(field)
            case "state":
                batching.states.append(try state(field))
            case "iterative_sequence":
                guard try !bool(field) else {
                    throw error(
                        field, "'iterative_sequence' is not supported by this server (decoupled models are not)")
                }
            default:
                throw unknown(field, in: "sequence_batching")
            }
        }
        var kinds: Set<SequenceConfig.ControlKind> = []
        var names: Set<String> = []
        for control in batching.controlInputs {
            guard kinds.insert(control.kind).inserted else {
                throw ModelConfigError(
                    file: file, line: 0, column: 0,
                    "sequence_batching has more than one control input of kind \(control.kind.rawValue)")
            }
            guard names.insert(control.name).inserted else {
                throw ModelConfigError(
                    file: file, line: 0, column: 0,
                    "sequence_batching control input '\(control.name)' is given more than once")
            }
        }
        for state in batching.states {
            guard names.insert(state.inputName).inserted else {
                throw ModelConfigError(
                    file: file, line: 0, column: 0,
                    "sequence_batching input '\(state.inputName)' is used by more than one control input or state")
            }
        }
        return batching
    }

    private func direct(_ message: TextProtoMessage) throws(ModelConfigError) -> SequenceConfig.Direct {
        try checkSingular(message, context: "sequence_batching.direct", repeated: [])
        var direct = SequenceConfig.Direct()
        for field in message.fields {
            switch field.name {
            case "max_queue_delay_microseconds": direct.maxQueueDelayMicroseconds = try uint64(field)
            case "minimum_slot_utilization":
                let value = try float(field)
                guard value >= 0, value <= 1 else {
                    throw error(field, "'minimum_slot_utilization' must be between 0 and 1, got \(value)")
                }
                direct.minimumSlotUtilization = value
            default: throw unknown(field, in: "sequence_batching.direct")
            }
        }
        return direct
    }

    private func oldest(_ message: TextProtoMessage) throws(ModelConfigError) -> SequenceConfig.Oldest {
        try checkSingular(message, context: "sequence_batching.oldest", repeated: ["preferred_batch_size"])
        var oldest = SequenceConfig.Oldest()
        for field in message.fields {
            switch field.name {
            case "max_candidate_sequences": oldest.maxCandidateSequences = try int(field, minimum: 1)
            case "preferred_batch_size": oldest.preferredBatchSizes.append(try int(field, minimum: 1))
            case "max_queue_delay_microseconds": oldest.maxQueueDelayMicroseconds = try uint64(field)
            case "preserve_ordering":
                guard try !bool(field) else {
                    throw error(
                        field,
                        "'preserve_ordering' is not supported in sequence_batching.oldest (each sequence's requests "
                            + "always run in order)")
                }
            default: throw unknown(field, in: "sequence_batching.oldest")
            }
        }
        return oldest
    }

    private func controlInput(_ field: Field) throws(ModelConfigError) -> [SequenceConfig.ControlInput] {
        let body = try message(field)
        try checkSingular(body, context: "control_input", repeated: ["control"])
        var name: String?
        var controls: [Field] = []
        for inner in body.fields {
            switch inner.name {
            case "name": name = try string(inner)
            case "control": controls.append(inner)
            default: throw unknown(inner, in: "sequence_batching.control_input")
            }
        }
        guard let name, !name.isEmpty else { throw error(field, "a control_input has no 'name'") }
        guard !controls.isEmpty else { throw error(field, "control_input '\(name)' has no 'control'") }
        var result: [SequenceConfig.ControlInput] = []
        for control in controls {
            result.append(try self.control(control, name: name))
        }
        return result
    }

    private func control(_ field: Field, name: String) throws(ModelConfigError) -> SequenceConfig.ControlInput {
        let body = try message(field)
        try checkSingular(
            body, context: "control", repeated: ["int32_false_true", "fp32_false_true", "bool_false_true"])
        var kind: SequenceConfig.ControlKind?
        var int32s: [Int32] = []
        var floats: [Float] = []
        var bools: [Bool] = []
        var datatype: DataType?
        var given: [String] = []
        for inner in body.fields {
            switch inner.name {
            case "kind":
                let text = try identifier(inner)
                guard let value = SequenceConfig.ControlKind(rawValue: text) else {
                    throw error(
                        inner,
                        "control kind '\(text)' is not supported; use one of "
                            + SequenceConfig.ControlKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                kind = value
            case "int32_false_true":
                let value = try int(inner, minimum: Int(Int32.min))
                guard let narrow = Int32(exactly: value) else { throw error(inner, "\(value) is not an int32") }
                int32s.append(narrow)
            case "fp32_false_true": floats.append(try float(inner))
            case "bool_false_true": bools.append(try bool(inner))
            case "data_type":
                let text = try identifier(inner)
                guard let type = DataType(configName: text) else {
                    throw error(inner, "data_type '\(text)' is not a known datatype")
                }
                datatype = type
            default: throw unknown(inner, in: "sequence_batching.control_input.control")
            }
            if inner.name != "kind", !given.contains(inner.name) { given.append(inner.name) }
        }
        guard let kind else { throw error(field, "a control of control_input '\(name)' has no 'kind'") }
        guard given.count == 1, let which = given.first else {
            throw error(
                field,
                "control \(kind.rawValue) of '\(name)' needs exactly one of "
                    + (kind == .correlationID
                        ? "'data_type'" : "'int32_false_true', 'fp32_false_true' or 'bool_false_true'")
                    + (given.isEmpty ? "" : ", got " + given.map { "'\($0)'" }.joined(separator: ", ")))
        }
        let values: SequenceConfig.ControlValues
        switch (kind, which) {
        case (.correlationID, "data_type"):
            let allowed: [DataType] = [.uint64, .int64, .uint32, .int32, .bytes]
            guard let datatype, allowed.contains(datatype) else {
                throw error(
                    field,
                    "control CONTROL_SEQUENCE_CORRID of '\(name)' must have data_type TYPE_UINT64, TYPE_INT64, "
                        + "TYPE_UINT32, TYPE_INT32 or TYPE_STRING")
            }
            values = .correlationID(datatype)
        case (.correlationID, _):
            throw error(field, "control CONTROL_SEQUENCE_CORRID of '\(name)' needs 'data_type', not '\(which)'")
        case (_, "data_type"):
            throw error(
                field,
                "control \(kind.rawValue) of '\(name)' needs 'int32_false_true', 'fp32_false_true' or "
                    + "'bool_false_true', not 'data_type'")
        case (_, "int32_false_true"):
            guard int32s.count == 2 else { throw pairError(field, name, which, int32s.count) }
            values = .int32(false: int32s[0], true: int32s[1])
        case (_, "fp32_false_true"):
            guard floats.count == 2 else { throw pairError(field, name, which, floats.count) }
            values = .fp32(false: floats[0], true: floats[1])
        default:
            guard bools.count == 2 else { throw pairError(field, name, which, bools.count) }
            values = .bool(false: bools[0], true: bools[1])
        }
        return SequenceConfig.ControlInput(name: name, kind: kind, values: values)
    }

    private func pairError(_ field: Field, _ name: String, _ which: String, _ count: Int) -> ModelConfigError {
        error(field, "'\(which)' of control input '\(name)' needs two values, [false, true]; got \(count)")
    }

    private func state(_ field: Field) throws(ModelConfigError) -> SequenceConfig.State {
        let body = try message(field)
        try checkSingular(body, context: "state", repeated: ["dims", "initial_state"])
        var inputName: String?
        var outputName: String?
        var datatype: DataType?
        var dims: [Int] = []
        var initial: [SequenceConfig.InitialState] = []
        for inner in body.fields {
            switch inner.name {
            case "input_name": inputName = try string(inner)
            case "output_name": outputName = try string(inner)
            case "data_type":
                let text = try identifier(inner)
                guard let type = DataType(configName: text) else {
                    throw error(inner, "data_type '\(text)' is not a known datatype")
                }
                datatype = type
            case "dims": dims.append(try int(inner, minimum: -1))
            case "initial_state": initial.append(try initialState(inner))
            case "use_same_buffer_for_input_output", "use_growable_memory":
                guard try !bool(inner) else {
                    throw error(inner, "state '\(inner.name)' is not supported by this server (it is for GPU memory)")
                }
            default: throw unknown(inner, in: "sequence_batching.state")
            }
        }
        guard let inputName, !inputName.isEmpty else { throw error(field, "a state has no 'input_name'") }
        guard let outputName, !outputName.isEmpty else {
            throw error(field, "state '\(inputName)' has no 'output_name'")
        }
        guard let datatype else { throw error(field, "state '\(inputName)' has no 'data_type'") }
        guard !dims.isEmpty else { throw error(field, "state '\(inputName)' has no 'dims'") }
        guard initial.count <= 1 else {
            throw error(field, "state '\(inputName)' has \(initial.count) initial_state entries; give at most one")
        }
        if let first = initial.first {
            guard first.datatype == datatype else {
                throw error(
                    field,
                    "the initial_state of state '\(inputName)' has data_type \(first.datatype.configName), but the "
                        + "state has \(datatype.configName)")
            }
            guard first.dims.count == dims.count,
                zip(first.dims, dims).allSatisfy({ $1 < 0 || $0 == $1 })
            else {
                throw error(
                    field,
                    "the initial_state of state '\(inputName)' has dims \(first.dims), which do not fit the state's "
                        + "dims \(dims)")
            }
        }
        return SequenceConfig.State(
            inputName: inputName, outputName: outputName, datatype: datatype, dims: dims, initialState: initial.first)
    }

    private func initialState(_ field: Field) throws(ModelConfigError) -> SequenceConfig.InitialState {
        let body = try message(field)
        try checkSingular(body, context: "initial_state", repeated: ["dims"])
        var name = ""
        var datatype: DataType?
        var dims: [Int] = []
        var source: SequenceConfig.InitialState.Source?
        for inner in body.fields {
            switch inner.name {
            case "name": name = try string(inner)
            case "data_type":
                let text = try identifier(inner)
                guard let type = DataType(configName: text) else {
                    throw error(inner, "data_type '\(text)' is not a known datatype")
                }
                datatype = type
            case "dims": dims.append(try int(inner, minimum: 0))
            case "zero_data", "data_file":
                guard source == nil else {
                    throw error(inner, "initial_state needs one of 'zero_data' or 'data_file', not both")
                }
                if inner.name == "zero_data" {
                    guard try bool(inner) else { throw error(inner, "'zero_data' must be true when given") }
                    source = .zero
                } else {
                    let file = try string(inner)
                    guard !file.isEmpty, !file.hasPrefix("/"), !file.split(separator: "/").contains(".."),
                        !file.contains("\0")
                    else {
                        throw error(
                            inner, "'data_file' must name a file inside the model's initial_state folder, got '\(file)'"
                        )
                    }
                    source = .file(file)
                }
            default: throw unknown(inner, in: "sequence_batching.state.initial_state")
            }
        }
        guard let datatype else { throw error(field, "initial_state has no 'data_type'") }
        guard let source else { throw error(field, "initial_state needs 'zero_data: true' or 'data_file'") }
        return SequenceConfig.InitialState(name: name, datatype: datatype, dims: dims, source: source)
    }

    func float(_ field: Field) throws(ModelConfigError) -> Float {
        guard case .number(let text) = field.value, let value = Float(text), value.isFinite else {
            throw error(field, "'\(field.name)' must be a number")
        }
        return value
    }
}
#endif
