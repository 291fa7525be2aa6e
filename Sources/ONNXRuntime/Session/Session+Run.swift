import CONNXRuntime

/// The outputs of a run, in the order they were requested, addressable by name.
public struct RunOutputs: Sendable, RandomAccessCollection {
    /// The output names, in order.
    public let names: [String]
    /// The output values, in order.
    public let values: [Value]

    /// The first position (always 0).
    public var startIndex: Int { 0 }
    /// One past the last position.
    public var endIndex: Int { values.count }

    /// The name and value at a position.
    public subscript(position: Int) -> (name: String, value: Value) {
        (names[position], values[position])
    }

    /// The value of the output with this name, if it was requested.
    public subscript(name: String) -> Value? {
        guard let index = names.firstIndex(of: name) else { return nil }
        return values[index]
    }

    /// The output with this name as a typed tensor.
    /// - Throws: ``ORTError/Code/unknownOutput`` if there is no such output, ``ORTError/Code/typeMismatch`` if it is
    ///   not a tensor of `Element`.
    public func tensor<Element: TensorElement>(_ name: String, of type: Element.Type = Element.self) throws(ORTError)
        -> Tensor<Element>
    {
        guard let value = self[name] else {
            throw ORTError(
                .unknownOutput, "no output named '\(name)'; outputs are: \(names.joined(separator: ", "))")
        }
        do {
            return try Tensor(value)
        } catch {
            throw error.context("output '\(name)'")
        }
    }
}

extension Session {
    /// Runs the model.
    /// - Parameters:
    ///   - inputs: Values by input name. Every required input must be given; overridable initializers may be.
    ///   - outputNames: The outputs to compute, in the order wanted; `nil` computes all of them.
    ///   - options: Run options (tag, log level, termination).
    /// - Returns: The requested outputs.
    /// - Throws: ``ORTError`` with code ``ORTError/Code/unknownInput``, ``ORTError/Code/missingInput``,
    ///   ``ORTError/Code/typeMismatch``, ``ORTError/Code/shapeMismatch`` or ``ORTError/Code/unknownOutput`` when
    ///   the request does not fit the model (checked before ORT is called), ``ORTError/Code/cancelled`` when
    ///   terminated, or ORT's own error.
    ///
    /// The corresponding C function is `Run`.
    public func run(
        _ inputs: [String: any ValueConvertible], outputs outputNames: [String]? = nil, options: RunOptions? = nil
    ) throws(ORTError) -> RunOutputs {
        // The C arrays ORT needs live on the stack, and the output selection for "all outputs" is precomputed, so a
        // run allocates only the output values themselves and the array that holds them.
        let selection = try selectOutputs(outputNames)
        let inputCount = inputs.count
        let outputCount = selection.positions.count
        return try withUnsafeTemporaryAllocation(of: UnsafePointer<CChar>?.self, capacity: max(inputCount, 1)) {
            (names) throws(ORTError) -> RunOutputs in
            try withUnsafeTemporaryAllocation(of: OpaquePointer?.self, capacity: max(inputCount, 1)) {
                (values) throws(ORTError) -> RunOutputs in
                try withUnsafeTemporaryAllocation(of: Unmanaged<Value>.self, capacity: max(inputCount, 1)) {
                    (retained) throws(ORTError) -> RunOutputs in
                    try withUnsafeTemporaryAllocation(of: OpaquePointer?.self, capacity: max(outputCount, 1)) {
                        (results) throws(ORTError) -> RunOutputs in
                        var filled = 0
                        defer { for index in 0..<filled { retained[index].release() } }
                        try fill(names: names, values: values, retained: retained, filled: &filled, from: inputs)
                        results.initialize(repeating: nil)
                        let status = selection.namePointers.withUnsafeBufferPointer { outputNames in
                            api.table.pointee.Run(
                                handle, options?.handle, names.baseAddress,
                                UnsafeRawPointer(values.baseAddress!).assumingMemoryBound(to: OpaquePointer?.self),
                                inputCount, outputNames.baseAddress, outputCount, results.baseAddress)
                        }
                        try runCheck(status, options: options)
                        return wrapOutputs(UnsafeBufferPointer(rebasing: results[0..<outputCount]), selection)
                    }
                }
            }
        }
    }

    /// Runs a validated plan synchronously (the async path's fallback).
    func run(_ plan: RunPlan, options: RunOptions?) throws(ORTError) -> RunOutputs {
        var results = [OpaquePointer?](repeating: nil, count: plan.selection.positions.count)
        let status = plan.values.withUnsafeBufferPointer { values in
            plan.namePointers.withUnsafeBufferPointer { names in
                plan.selection.namePointers.withUnsafeBufferPointer { outputNames in
                    api.table.pointee.Run(
                        handle, options?.handle, names.baseAddress, values.baseAddress.map { UnsafePointer($0) },
                        values.count, outputNames.baseAddress, outputNames.count, &results)
                }
            }
        }
        try withExtendedLifetime(plan.retained) { () throws(ORTError) in
            try runCheck(status, options: options)
        }
        return results.withUnsafeBufferPointer { wrapOutputs($0, plan.selection) }
    }

    /// Which outputs a run computes: their positions, names, and names as C strings.
    struct OutputSelection: @unchecked Sendable {
        // @unchecked: the C string pointers belong to the session's name table and are never written.
        var positions: [Int]
        var names: [String]
        var namePointers: [UnsafePointer<CChar>?]
    }

    /// A validated request held in arrays, for runs that outlive the caller's stack (async runs).
    struct RunPlan: @unchecked Sendable {
        // @unchecked: the pointers refer to session-owned names and to the retained values' handles; never written.
        var namePointers: [UnsafePointer<CChar>?]
        var values: [OpaquePointer?]
        var retained: [Value]
        var selection: OutputSelection
    }

    /// Validates a request into arrays (for async runs).
    func prepare(_ inputs: [String: any ValueConvertible], _ outputNames: [String]?) throws(ORTError) -> RunPlan {
        let selection = try selectOutputs(outputNames)
        var names = [UnsafePointer<CChar>?](repeating: nil, count: inputs.count)
        var values = [OpaquePointer?](repeating: nil, count: inputs.count)
        var retainedValues: [Value] = []
        retainedValues.reserveCapacity(inputs.count)
        try names.withUnsafeMutableBufferPointer { (names) throws(ORTError) in
            try values.withUnsafeMutableBufferPointer { (values) throws(ORTError) in
                try withUnsafeTemporaryAllocation(of: Unmanaged<Value>.self, capacity: max(inputs.count, 1)) {
                    (retained) throws(ORTError) in
                    var filled = 0
                    defer { for index in 0..<filled { retainedValues.append(retained[index].takeRetainedValue()) } }
                    try fill(names: names, values: values, retained: retained, filled: &filled, from: inputs)
                }
            }
        }
        return RunPlan(namePointers: names, values: values, retained: retainedValues, selection: selection)
    }

    /// Checks names, types and shapes against the model, before ORT sees them, and writes the C arrays for Run.
    ///
    /// Each value fed is retained into `retained` (its first `filled` entries), whatever its `ValueConvertible`
    /// conformance does, so that it outlives the run; the caller releases them.
    func fill(
        names: UnsafeMutableBufferPointer<UnsafePointer<CChar>?>, values: UnsafeMutableBufferPointer<OpaquePointer?>,
        retained: UnsafeMutableBufferPointer<Unmanaged<Value>>, filled: inout Int,
        from inputs: [String: any ValueConvertible]
    ) throws(ORTError) {
        var index = 0
        var given = 0
        for (name, convertible) in inputs {
            guard let position = feedPosition(name) else {
                throw ORTError(.unknownInput, "model has no input named '\(name)'; \(expectedInputsText)")
            }
            let value = convertible.value
            retained[index] = Unmanaged.passRetained(value)
            filled = index + 1
            try checkFeed(value, at: position)
            if position < self.inputs.count { given += 1 }
            names[index] = feedNames.pointers[position]
            values[index] = value.handle
            index += 1
        }
        if given < self.inputs.count {
            let missing = self.inputs.filter { inputs[$0.name] == nil && !$0.isOptional }
            if !missing.isEmpty {
                throw ORTError(
                    .missingInput,
                    "missing input\(missing.count == 1 ? "" : "s") "
                        + missing.map { "'\($0.name)' (\($0.type))" }.joined(separator: ", ")
                        + "; \(expectedInputsText)")
            }
        }
    }

    /// Checks one value against the input it feeds, the cheap way for tensors this package made.
    @inline(__always)
    func checkFeed(_ value: Value, at position: Int) throws(ORTError) {
        // Read in place (no copies of the shape arrays): a tensor this package made, against the precomputed need.
        if value.knownTensor != nil, feedRequirements[position] != nil,
            value.knownTensor!.elementType == feedRequirements[position]!.elementType,
            feedRequirements[position]!.accepts(value.knownTensor!.shape)
        {
            return
        }
        try check(value, against: feedInfo[position])  // also builds the detailed message
    }

    /// The position of a feedable name. A few names are compared directly, which is cheaper than hashing them.
    @inline(__always)
    func feedPosition(_ name: String) -> Int? {
        if feedInfo.count <= 8 {
            for position in feedInfo.indices where feedInfo[position].name == name { return position }
            return nil
        }
        return feedIndex[name]
    }

    /// The outputs to compute; `nil` means all, from a selection made once per session.
    func selectOutputs(_ outputNames: [String]?) throws(ORTError) -> OutputSelection {
        guard let outputNames else { return allOutputs }
        var positions: [Int] = []
        positions.reserveCapacity(outputNames.count)
        for name in outputNames {
            guard let position = outputIndex[name] else {
                throw ORTError(
                    .unknownOutput,
                    "model has no output named '\(name)'; outputs are: "
                        + outputs.map { "'\($0.name)'" }.joined(separator: ", "))
            }
            positions.append(position)
        }
        return OutputSelection(
            positions: positions, names: outputNames, namePointers: positions.map { self.outputNames.pointers[$0] })
    }

    var expectedInputsText: String {
        var text = "inputs are: " + inputs.map { "'\($0.name)' (\($0.type))" }.joined(separator: ", ")
        if !overridableInitializers.isEmpty {
            text +=
                "; overridable initializers: " + overridableInitializers.map { "'\($0.name)'" }.joined(separator: ", ")
        }
        return text
    }

    /// Checks one value against the declared type of the input it feeds.
    func check(_ value: Value, against info: ValueInfo) throws(ORTError) {
        switch info.type {
        case .tensor(let declared):
            guard value.kind == .tensor else {
                throw ORTError(
                    .typeMismatch, "input '\(info.name)' expects \(info.type), got a \(value.type.typeString)")
            }
            let actual = try value.tensorShapeAndType()
            guard actual.elementType == declared.elementType else {
                throw ORTError(
                    .typeMismatch,
                    "input '\(info.name)' expects \(declared.elementType) \(declared.shape), got \(actual.elementType) "
                        + "\(actual.shape)")
            }
            // ORT reports rank 0 both for scalars and for inputs declared without a shape, so a declared rank of 0
            // is not enforced here (ORT still checks it).
            guard declared.rank > 0 else { return }
            guard actual.shape.count == declared.rank else {
                throw ORTError(
                    .shapeMismatch,
                    "input '\(info.name)' expects rank \(declared.rank) \(declared.elementType) \(declared.shape), got "
                        + "rank \(actual.shape.count) \(actual.shape)")
            }
            for (axis, dimension) in declared.shape.enumerated() {
                if let fixed = dimension.value, fixed != actual.shape[axis] {
                    throw ORTError(
                        .shapeMismatch,
                        "input '\(info.name)' expects \(declared.elementType) \(declared.shape), got \(actual.shape) "
                            + "(dimension \(axis) is \(actual.shape[axis]), expected \(fixed))")
                }
            }
        case .sequence, .map, .optional, .sparseTensor:
            let expected: Value.Kind =
                switch info.type {
                case .sequence: .sequence
                case .map: .map
                case .sparseTensor: .sparseTensor
                default: .optional
                }
            let kind = value.kind
            // An optional input also accepts the contained value directly.
            if kind == expected { return }
            if case .optional(let contained) = info.type {
                try check(value, against: ValueInfo(name: info.name, type: contained))
                return
            }
            throw ORTError(.typeMismatch, "input '\(info.name)' expects \(info.type), got a \(value.type.typeString)")
        case .opaque, .unknown:
            return
        }
    }

    /// Turns a run status into an error; a terminated run becomes ``ORTError/Code/cancelled``.
    func runCheck(_ status: OpaquePointer?, options: RunOptions?) throws(ORTError) {
        guard let status else { return }
        throw runError(status)
    }

    /// The error for a failed run's status (released here).
    func runError(_ status: OpaquePointer) -> ORTError {
        let error = api.consume(status)
        if error.message.contains("terminate flag") {
            return ORTError(.cancelled, "the run was terminated: \(error.message)", runtimeCode: error.runtimeCode)
        }
        return error.context("run failed")
    }

    func wrapOutputs(_ results: UnsafeBufferPointer<OpaquePointer?>, _ selection: OutputSelection) -> RunOutputs {
        var values: [Value] = []
        values.reserveCapacity(results.count)
        var complete = true
        for result in results {
            guard let result else {
                complete = false
                continue
            }
            values.append(Value(adopting: result, api: api))
        }
        guard complete else {
            // ORT leaves an output empty only if it was not produced; keep names and values aligned.
            let names = zip(selection.names, results).compactMap { $1 == nil ? nil : $0 }
            return RunOutputs(names: names, values: values)
        }
        return RunOutputs(names: selection.names, values: values)
    }
}

/// What a tensor input accepts, precomputed per session so a run compares plain integers.
struct FeedRequirement: Sendable {
    let elementType: ElementType
    /// Fixed sizes per axis, -1 where any size is allowed; `nil` when the rank is not enforced.
    let dimensions: [Int]?

    init?(_ info: ValueInfo) {
        guard case .tensor(let tensor) = info.type else { return nil }
        elementType = tensor.elementType
        dimensions = tensor.rank == 0 ? nil : tensor.shape.map { $0.value ?? -1 }
    }

    @inline(__always)
    func accepts(_ shape: [Int]) -> Bool {
        guard let dimensions else { return true }
        guard dimensions.count == shape.count else { return false }
        for axis in 0..<shape.count where dimensions[axis] >= 0 && dimensions[axis] != shape[axis] { return false }
        return true
    }
}

extension ValueInfo {
    /// Whether the model accepts this input being left out.
    var isOptional: Bool {
        if case .optional = type { return true }
        return false
    }
}
