#if Server
import ONNXRuntime

/// An inference request checked against a model's signature, ready to become tensors.
///
/// Making a plan allocates no tensor: it checks input names, datatypes, shapes (rank, fixed dimensions, the batch
/// limit), element counts against the server's limit, JSON layouts and counts, binary byte counts, and the output
/// selection. Only ``makeInputs()`` creates tensors.
package struct InferencePlan: Sendable {
    /// An input matched to the model.
    struct PlannedInput: Sendable {
        var spec: TensorSpec
        var input: InferenceRequest.Input
        var count: Int
        /// The region and range of an input in shared memory (checked).
        var sharedMemory: SharedMemoryTensorData.Target? = nil
        /// The bytes of a BYTES input in shared memory, copied and checked once.
        var copied: [UInt8]? = nil
    }

    /// An output to return, and whether as binary data.
    struct PlannedOutput: Sendable {
        var spec: TensorSpec
        var binary: Bool
        /// The class count of the classification extension, when the output asked for one.
        var classification: Int? = nil
        /// The output's class labels (`label_filename`), for the classification extension.
        var labels: [String]? = nil
        /// Where to write the output when the client asked for it in shared memory (range checked).
        var sharedMemory: SharedMemoryTensorData.Target? = nil

        /// The shape to report for `value`, this output as the model produced it: with a configured `reshape`,
        /// the client's shape (a classification is reported as it is made).
        /// - Throws: ``ServingError/internal(_:)`` when the model's output does not fit the configured reshape.
        func clientShape(of value: Value, batched: Bool) throws(ServingError) -> [Int] {
            let shape = value.shape
            guard let reshape = spec.reshape, classification == nil else { return shape }
            guard let client = reshape.clientShape(forModel: shape, batched: batched) else {
                throw .internal(
                    "output '\(spec.name)' has shape \(shape), which does not fit its configured reshape "
                        + "\(reshape.shape) (dims \(reshape.dims))")
            }
            return client
        }
    }

    let request: InferenceRequest
    let inputs: [PlannedInput]
    let outputs: [PlannedOutput]
    /// The batch size (first dimension) for batching models, 1 otherwise.
    let batchSize: Int
    /// Whether the model batches (`max_batch_size` > 0): outputs then have the batch as their first dimension.
    let batching: Bool

    /// The element count of an input's shape, refused (400) when it passes `maximumElements` or overflows, before
    /// anything is allocated. Every transport checks shapes with it.
    package static func elementCount(_ shape: [Int], input name: String, maximumElements: Int) throws(ServingError)
        -> Int
    {
        var count = 1
        for dimension in shape {
            let (product, overflow) = count.multipliedReportingOverflow(by: dimension)
            guard !overflow, product <= maximumElements else {
                throw .badRequest(
                    "input '\(name)' has shape \(shape), more than the \(maximumElements) elements this server "
                        + "accepts in one tensor")
            }
            count = product
        }
        return count
    }

    init(
        request: InferenceRequest, signature: ModelSignature, maximumElements: Int, labels: [String: [String]] = [:]
    ) throws(ServingError) {
        self.request = request
        var planned: [PlannedInput] = []
        planned.reserveCapacity(request.inputs.count)
        var batchSize: Int?
        for input in request.inputs {
            guard let spec = signature.input(named: input.name) else {
                throw .badRequest(
                    "model has no input named '\(input.name)'; inputs are: "
                        + signature.inputs.map { "'\($0.name)'" }.joined(separator: ", "))
            }
            guard input.datatype == spec.datatype else {
                throw .badRequest(
                    "input '\(input.name)' has datatype \(input.datatype), but the model expects \(spec.datatype)")
            }
            guard spec.accepts(input.shape) else {
                throw .badRequest(
                    "input '\(input.name)' has shape \(input.shape), but the model expects \(spec.shape) "
                        + "(-1 means any size)")
            }
            let count = try Self.elementCount(input.shape, input: input.name, maximumElements: maximumElements)
            if signature.maxBatchSize > 0, let first = input.shape.first {
                guard first <= signature.maxBatchSize else {
                    throw .badRequest(
                        "input '\(input.name)' has batch size \(first), more than the model's max_batch_size "
                            + "\(signature.maxBatchSize)")
                }
                if let batchSize, batchSize != first {
                    throw .badRequest(
                        "input '\(input.name)' has batch size \(first), but another input has \(batchSize); all "
                            + "inputs must have the same batch size")
                }
                batchSize = first
            }
            switch input.data {
            case .json(let data):
                guard input.datatype.supportsJSON else {
                    throw .badRequest(
                        "input '\(input.name)': \(input.datatype) tensors can only be sent as binary data (the binary "
                            + "tensor data extension), not as JSON")
                }
                try JSONTensorData.checkLayout(data, shape: input.shape, count: count, name: input.name)
            case .binary(let range):
                try BinaryTensorData.checkSize(
                    request.body[range], datatype: input.datatype, shape: input.shape, count: count, name: input.name)
            case .value(let value):
                // Made by an earlier step: its datatype and shape are the input's own.
                guard value.shape == input.shape else {
                    throw .internal("input '\(input.name)' has shape \(value.shape), not the \(input.shape) it says")
                }
            case .sharedMemory(let location):
                let target = try SharedMemoryTensorData.target(location, in: request)
                var copied: [UInt8]?
                if input.datatype == .bytes {
                    let bytes = SharedMemoryTensorData.copy(target)
                    try BinaryTensorData.checkSize(
                        bytes[...], datatype: .bytes, shape: input.shape, count: count, name: input.name)
                    copied = bytes
                } else {
                    try SharedMemoryTensorData.checkSize(
                        target, datatype: input.datatype, shape: input.shape, count: count, name: input.name)
                }
                planned.append(
                    PlannedInput(spec: spec, input: input, count: count, sharedMemory: target, copied: copied))
                continue
            }
            planned.append(PlannedInput(spec: spec, input: input, count: count))
        }
        if planned.count < signature.inputs.count {
            let given = Set(request.inputs.map(\.name))
            let missing = signature.inputs.filter { !given.contains($0.name) }
            throw .badRequest(
                "missing input\(missing.count == 1 ? "" : "s") "
                    + missing.map { "'\($0.name)' (\($0.datatype) \($0.shape))" }.joined(separator: ", "))
        }
        self.inputs = planned
        self.batchSize = signature.maxBatchSize > 0 ? (batchSize ?? 1) : 1
        self.batching = signature.maxBatchSize > 0
        self.outputs = try Self.selectOutputs(request, signature, labels)
    }

    private static func selectOutputs(
        _ request: InferenceRequest, _ signature: ModelSignature, _ labels: [String: [String]]
    ) throws(ServingError) -> [PlannedOutput] {
        let binaryByDefault = try flag(request.parameters?["binary_data_output"], "binary_data_output", "the request")
        var selected: [PlannedOutput] = []
        if let requested = request.outputs {
            for output in requested {
                guard let spec = signature.output(named: output.name) else {
                    throw .badRequest(
                        "model has no output named '\(output.name)'; outputs are: "
                            + signature.outputs.map { "'\($0.name)'" }.joined(separator: ", "))
                }
                let classification = try Classification.count(output.parameters, output: output.name)
                if classification != nil, spec.datatype == .bytes {
                    throw .badRequest("output '\(output.name)' is BYTES, so it cannot be returned as a classification")
                }
                if let location = output.sharedMemory {
                    if classification != nil {
                        throw .badRequest(
                            "Output can't set both 'shared_memory_region' and 'classification' (output "
                                + "'\(output.name)')")
                    }
                    let target = try SharedMemoryTensorData.target(location, in: request)
                    guard target.region.isWritable else {
                        throw .badRequest(
                            "output '\(output.name)': shared memory region '\(location.region)' is read-only for the "
                                + "server (its object '\(target.region.key)' could only be opened for reading)")
                    }
                    selected.append(PlannedOutput(spec: spec, binary: false, sharedMemory: target))
                    continue
                }
                let binary =
                    try flag(output.parameters["binary_data"], "binary_data", "output '\(output.name)'")
                    ?? binaryByDefault ?? false
                selected.append(
                    PlannedOutput(
                        spec: spec, binary: binary, classification: classification,
                        labels: classification == nil ? nil : labels[output.name]))
            }
        } else {
            selected = signature.outputs.map { PlannedOutput(spec: $0, binary: binaryByDefault ?? false) }
        }
        for output in selected
        where !output.binary && output.classification == nil && output.sharedMemory == nil
            && !output.spec.datatype.supportsJSON
        {
            throw .badRequest(
                "output '\(output.spec.name)' is \(output.spec.datatype), which can only be returned as binary "
                    + "data; set the output parameter 'binary_data' (or the request parameter 'binary_data_output') "
                    + "to true")
        }
        return selected
    }

    private static func flag(_ value: JSONValue?, _ name: String, _ context: String) throws(ServingError) -> Bool? {
        switch value {
        case nil: return nil
        case .bool(let flag)?: return flag
        case let other?:
            throw .badRequest("parameter '\(name)' of \(context) must be a boolean, got \(other.kindDescription)")
        }
    }

    /// Creates the input tensors (``makeInputs()``) and measures how long that took, in nanoseconds: the request's
    /// share of `compute_input`.
    func makeTimedInputs() throws(ServingError) -> (inputs: [String: Value], nanoseconds: UInt64) {
        let start = MonotonicClock.now
        let inputs = try makeInputs()
        return (inputs, MonotonicClock.since(start))
    }

    /// Creates the input tensors. JSON elements are converted (and checked against the datatype's range) as each
    /// input is made; the first bad element is a 400 and no further input is made.
    func makeInputs() throws(ServingError) -> [String: Value] {
        var values: [String: Value] = [:]
        values.reserveCapacity(inputs.count)
        for planned in inputs {
            let input = planned.input
            // With a configured `reshape` the model gets its own shape; the elements are the same.
            let shape = planned.spec.reshape?.modelShape(forClient: input.shape, batched: batching) ?? input.shape
            switch input.data {
            case .json(let data):
                values[input.name] = try JSONTensorData.makeValue(
                    data, input: input.name, datatype: input.datatype, shape: shape, count: planned.count)
            case .binary(let range):
                values[input.name] = try BinaryTensorData.makeValue(
                    request.body[range], datatype: input.datatype, shape: shape, count: planned.count,
                    name: input.name)
            case .value(let value):
                values[input.name] =
                    shape == value.shape ? value : try TensorReshape.copy(value, shape: shape, name: input.name)
            case .sharedMemory:
                if let copied = planned.copied {
                    values[input.name] = try BinaryTensorData.makeValue(
                        copied[...], datatype: input.datatype, shape: input.shape, count: planned.count,
                        name: input.name)
                } else if let target = planned.sharedMemory {
                    values[input.name] = try SharedMemoryTensorData.makeValue(
                        target, datatype: input.datatype, shape: input.shape, count: planned.count, name: input.name)
                }
            }
        }
        return values
    }
}
#endif
