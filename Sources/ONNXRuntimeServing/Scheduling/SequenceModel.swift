#if Server
import Foundation
import ONNXRuntime

/// What the sequence batcher needs to know about a model with `sequence_batching`: its control inputs and implicit
/// states, checked against the model's own inputs and outputs, and the initial value of each state.
///
/// The control inputs and the state inputs are filled in by the server, so clients do not see them: they are left
/// out of the model's metadata and configuration inputs (as Triton leaves them out). A state output is left out too,
/// unless the configuration lists it as an `output` (Triton lets clients request it then, for debugging).
struct SequenceModel: Sendable {
    /// A control input and the shape of one row of it.
    struct Control: Sendable {
        var config: ModelConfig.SequenceBatching.ControlInput
        /// One request's shape: without the batch dimension when the model batches; one element.
        var rowShape: [Int]
    }

    /// An implicit state and its value at a sequence's start.
    struct State: Sendable {
        var config: ModelConfig.SequenceBatching.State
        /// One request's initial value: with a batch dimension of 1 when the model batches.
        var initial: Value
    }

    /// The settings.
    let batching: ModelConfig.SequenceBatching
    /// The control inputs.
    let controls: [Control]
    /// The implicit states.
    let states: [State]
    /// Whether the model batches (`max_batch_size > 0`).
    let batched: Bool
    /// The most requests in one batch: `max_batch_size`, or 1.
    let maxBatchSize: Int

    /// The largest `initial_state` data file read.
    static let maximumInitialStateBytes = 64 << 20

    /// Checks a model's sequence settings against its full signature (every input and output of the model) and
    /// returns the settings with the signature clients see.
    /// - Parameters:
    ///   - batching: The `sequence_batching` settings.
    ///   - full: The model's signature with every input and output.
    ///   - config: The model's configuration (for `max_batch_size` and the listed outputs).
    ///   - folder: The model's folder, where `initial_state/` is.
    /// - Throws: ``ModelLoader/LoadFailure`` naming the control input or state that does not fit the model.
    static func make(
        _ batching: ModelConfig.SequenceBatching, full: ModelSignature, config: ModelConfig, folder: String?
    ) throws(ModelLoader.LoadFailure) -> (SequenceModel, ModelSignature) {
        let batched = config.maxBatchSize > 0
        var hiddenInputs: Set<String> = []
        var hiddenOutputs: Set<String> = []
        var controls: [Control] = []
        for control in batching.controlInputs {
            guard let spec = full.input(named: control.name) else {
                throw ModelLoader.LoadFailure(
                    "sequence_batching control input '\(control.name)' (\(control.kind.rawValue)) is not an input of "
                        + "the model; its inputs are " + full.inputs.map { "'\($0.name)'" }.joined(separator: ", "))
            }
            guard spec.datatype == control.values.datatype else {
                throw ModelLoader.LoadFailure(
                    "sequence_batching control input '\(control.name)' (\(control.kind.rawValue)) gives "
                        + "\(control.values.datatype) values, but the model's input is \(spec.datatype)")
            }
            let rowShape = (batched ? Array(spec.shape.dropFirst()) : spec.shape).map { $0 < 0 ? 1 : $0 }
            guard rowShape.reduce(1, *) == 1 else {
                throw ModelLoader.LoadFailure(
                    "sequence_batching control input '\(control.name)' has shape \(spec.shape) in the model; a "
                        + "control input holds one value per request (shape [1]"
                        + (batched ? ", after the batch dimension)" : ")"))
            }
            hiddenInputs.insert(control.name)
            controls.append(Control(config: control, rowShape: rowShape))
        }
        var states: [State] = []
        for state in batching.states {
            guard let input = full.input(named: state.inputName) else {
                throw ModelLoader.LoadFailure(
                    "sequence_batching state input '\(state.inputName)' is not an input of the model; its inputs "
                        + "are " + full.inputs.map { "'\($0.name)'" }.joined(separator: ", "))
            }
            guard let output = full.output(named: state.outputName) else {
                throw ModelLoader.LoadFailure(
                    "sequence_batching state output '\(state.outputName)' is not an output of the model; its "
                        + "outputs are " + full.outputs.map { "'\($0.name)'" }.joined(separator: ", "))
            }
            for (kind, spec) in [("input", input), ("output", output)] {
                guard spec.datatype == state.datatype else {
                    throw ModelLoader.LoadFailure(
                        "sequence_batching state '\(state.inputName)' is \(state.datatype.configName), but the "
                            + "model's \(kind) '\(spec.name)' is \(spec.datatype.configName)")
                }
                let modelDims = batched ? Array(spec.shape.dropFirst()) : spec.shape
                guard modelDims.count == state.dims.count,
                    zip(modelDims, state.dims).allSatisfy({ $0 < 0 || $1 < 0 || $0 == $1 })
                else {
                    throw ModelLoader.LoadFailure(
                        "sequence_batching state '\(state.inputName)' has dims \(state.dims), but the model's "
                            + "\(kind) '\(spec.name)' has shape \(spec.shape)"
                            + (batched ? " (dims leave out the batch dimension when max_batch_size > 0)" : ""))
                }
            }
            hiddenInputs.insert(state.inputName)
            if !config.outputs.contains(where: { $0.name == state.outputName }) {
                hiddenOutputs.insert(state.outputName)
            }
            let initial = try initialValue(state, batched: batched, folder: folder)
            states.append(State(config: state, initial: initial))
        }
        let visible = ModelSignature(
            inputs: full.inputs.filter { !hiddenInputs.contains($0.name) },
            outputs: full.outputs.filter { !hiddenOutputs.contains($0.name) }, maxBatchSize: full.maxBatchSize)
        let model = SequenceModel(
            batching: batching, controls: controls, states: states, batched: batched,
            maxBatchSize: max(1, config.maxBatchSize))
        return (model, visible)
    }

    /// One request's initial value of a state: its `initial_state` (zeros or a data file), or zeros with every
    /// variable dimension 1 (Triton leaves that value uninitialised; zeros are one such value).
    private static func initialValue(
        _ state: ModelConfig.SequenceBatching.State, batched: Bool, folder: String?
    ) throws(ModelLoader.LoadFailure) -> Value {
        let dims = state.initialState?.dims ?? state.dims.map { $0 < 0 ? 1 : $0 }
        let shape = batched ? [1] + dims : dims
        let count = dims.reduce(1, *)
        do {
            switch state.initialState?.source {
            case nil, .zero?:
                return try zeros(state.datatype, shape: shape)
            case .file(let file)?:
                guard let folder else {
                    throw ModelLoader.LoadFailure("state '\(state.inputName)' has a data_file but no model folder")
                }
                guard let size = state.datatype.elementSize else {
                    throw ModelLoader.LoadFailure(
                        "state '\(state.inputName)': an initial_state data_file is not supported for "
                            + "\(state.datatype.configName) (only for fixed-size datatypes)")
                }
                let path = ((folder as NSString).appendingPathComponent("initial_state") as NSString)
                    .appendingPathComponent(file)
                let expected = count * size
                let fileSize = (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int
                guard let fileSize else {
                    throw ModelLoader.LoadFailure(
                        "cannot read the initial_state data_file '\(path)' of state '\(state.inputName)'")
                }
                guard fileSize == expected, expected <= maximumInitialStateBytes,
                    let data = FileManager.default.contents(atPath: path), data.count == expected
                else {
                    throw ModelLoader.LoadFailure(
                        "the initial_state data_file '\(path)' of state '\(state.inputName)' has \(fileSize) bytes, "
                            + "but \(state.datatype.configName) \(dims) takes \(expected)")
                }
                return try Value(rawBytes: [UInt8](data), elementType: state.datatype.elementType, shape: shape)
            }
        } catch let error as ModelLoader.LoadFailure {
            throw error
        } catch {
            throw ModelLoader.LoadFailure("cannot make the initial value of state '\(state.inputName)': \(error)")
        }
    }

    /// A tensor of zeros (empty strings for BYTES).
    static func zeros(_ datatype: DataType, shape: [Int]) throws(ORTError) -> Value {
        let count = shape.reduce(1, *)
        if datatype == .bytes {
            return try Tensor([String](repeating: "", count: count), shape: shape).value
        }
        return try Value(
            rawBytes: [UInt8](repeating: 0, count: count * (datatype.elementSize ?? 1)),
            elementType: datatype.elementType, shape: shape)
    }

    /// The values of one control input for a batch: one per row, `nil` for an empty row.
    func controlValue(_ control: Control, rows: [SequenceFlags?]) throws(ORTError) -> Value {
        let shape = batched ? [rows.count] + control.rowShape : control.rowShape
        let kind = control.config.kind
        func flag(_ row: SequenceFlags?) -> Bool {
            guard let row else { return false }
            switch kind {
            case .start: return row.start
            case .end: return row.end
            case .ready: return true
            case .correlationID: return false
            }
        }
        switch control.config.values {
        case .int32(let off, let on):
            return try Tensor(rows.map { flag($0) ? on : off }, shape: shape).value
        case .fp32(let off, let on):
            return try Tensor(rows.map { flag($0) ? on : off }, shape: shape).value
        case .bool(let off, let on):
            return try Tensor(rows.map { flag($0) ? on : off }, shape: shape).value
        case .correlationID(let datatype):
            let ids = rows.map { $0?.id ?? .number(0) }
            switch datatype {
            case .bytes:
                return try Tensor(ids.map(\.description), shape: shape).value
            case .uint64:
                return try Tensor(ids.map { Self.number($0) }, shape: shape).value
            case .int64:
                return try Tensor(ids.map { Int64(truncatingIfNeeded: Self.number($0)) }, shape: shape).value
            case .uint32:
                return try Tensor(ids.map { UInt32(truncatingIfNeeded: Self.number($0)) }, shape: shape).value
            default:
                return try Tensor(ids.map { Int32(truncatingIfNeeded: Self.number($0)) }, shape: shape).value
            }
        }
    }

    /// A numeric correlation ID's value (a string ID reaches here only as 0: ``checkID(_:)`` refuses it before).
    private static func number(_ id: CorrelationID) -> UInt64 {
        if case .number(let value) = id { return value }
        return 0
    }

    /// Refuses a string correlation ID when the model's CORRID control input is numeric.
    func checkID(_ id: CorrelationID, model: String) throws(ServingError) {
        guard case .string = id, let control = batching.control(.correlationID),
            control.values.datatype != .bytes
        else { return }
        throw .badRequest(
            "sequence_id '\(id)' of the request to model '\(model)' is a string, but the model's "
                + "CONTROL_SEQUENCE_CORRID input '\(control.name)' is \(control.values.datatype.configName); send "
                + "an integer sequence_id")
    }
}
#endif
