import CONNXRuntime

/// The outputs of a run, in the order they were requested, addressable by name.
public struct RunOutputs: Sendable, RandomAccessCollection {
    /// The output names, in order.
    public let names: [String]
    /// The output values, in order.
    public var values: [Value] {
        switch storage {
        case .one(let value): [value]
        case .many(let values): values
        }
    }

    /// The values. A single output (the common case) is held directly, so a run allocates no array for it.
    @usableFromInline
    let storage: Storage

    @usableFromInline
    enum Storage: Sendable {
        case one(Value)
        case many([Value])
    }

    init(names: [String], values: [Value]) {
        self.names = names
        self.storage = values.count == 1 ? .one(values[0]) : .many(values)
    }

    init(names: [String], single value: Value) {
        self.names = names
        self.storage = .one(value)
    }

    /// The first position (always 0).
    public var startIndex: Int { 0 }
    /// One past the last position.
    public var endIndex: Int {
        switch storage {
        case .one: 1
        case .many(let values): values.count
        }
    }

    /// The name and value at a position.
    public subscript(position: Int) -> (name: String, value: Value) {
        (names[position], value(at: position))
    }

    /// The value at a position.
    @inline(__always)
    func value(at position: Int) -> Value {
        switch storage {
        case .one(let value):
            precondition(position == 0, "Index out of range")
            return value
        case .many(let values):
            return values[position]
        }
    }

    /// The value of the output with this name, if it was requested.
    public subscript(name: String) -> Value? {
        guard let index = position(of: name) else { return nil }
        return value(at: index)
    }

    /// The position of the output with this name; a single output is compared directly.
    @inlinable
    func position(of name: String) -> Int? {
        if case .one = storage { return names[0] == name ? 0 : nil }
        return names.firstIndex(of: name)
    }

    /// The output with this name as a typed tensor.
    /// - Throws: ``ORTError/Code/unknownOutput`` if there is no such output, ``ORTError/Code/typeMismatch`` if it is
    ///   not a tensor of `Element`.
    ///
    /// Inlinable so that reading an output in the caller is specialized for `Element`, with no generic calls.
    @inlinable
    public func tensor<Element: TensorElement>(_ name: String, of type: Element.Type = Element.self) throws(ORTError)
        -> Tensor<Element>
    {
        guard let index = position(of: name) else { throw unknownOutput(name) }
        do {
            // The value is lent from `storage` to the tensor, which takes the only new reference.
            switch storage {
            case .one(let value): return try Tensor(value)
            case .many(let values): return try Tensor(values[index])
            }
        } catch {
            throw error.context("output '\(name)'")
        }
    }

    /// The error for a name that is not among the outputs.
    @usableFromInline
    func unknownOutput(_ name: String) -> ORTError {
        ORTError(.unknownOutput, "no output named '\(name)'; outputs are: \(names.joined(separator: ", "))")
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
        if let outputNames {
            return try run(inputs, selection: selectOutputs(outputNames), options: options)
        }
        return try run(inputs, selection: allOutputs, options: options)
    }

    /// The synchronous run path: checks the feeds into stack arrays, runs, and wraps the outputs.
    ///
    /// Inlined into the public `run`, which calls it for "all outputs" and for a selection: one frame less per run.
    @inline(__always)
    func run(
        _ inputs: [String: any ValueConvertible], selection: OutputSelection, options: RunOptions?
    ) throws(ORTError) -> RunOutputs {
        let inputCount = inputs.count
        let outputCount = selection.positions.count
        // One stack block for the four arrays (input names, input handles, the values kept alive, output handles),
        // all pointer-sized: one allocation and one closure instead of four nested ones.
        let slots = 3 * inputCount + max(outputCount, 1)
        return try withUnsafeTemporaryAllocation(of: UnsafeRawPointer?.self, capacity: slots) {
            (block) throws(ORTError) -> RunOutputs in
            let base = UnsafeMutableRawPointer(block.baseAddress!)
            let stride = MemoryLayout<UnsafeRawPointer?>.stride
            let names = UnsafeMutableBufferPointer(
                start: base.bindMemory(to: UnsafePointer<CChar>?.self, capacity: inputCount), count: inputCount)
            let values = UnsafeMutableBufferPointer(
                start: (base + inputCount * stride).bindMemory(to: OpaquePointer?.self, capacity: inputCount),
                count: inputCount)
            let retained = UnsafeMutableBufferPointer(
                start: (base + 2 * inputCount * stride).bindMemory(to: Value.self, capacity: inputCount),
                count: inputCount)
            let results = UnsafeMutableBufferPointer(
                start: (base + 3 * inputCount * stride).bindMemory(to: OpaquePointer?.self, capacity: outputCount),
                count: outputCount)
            var filled = 0
            // Released one by one: cheaper than the generic array destroy for the one or two values of a run.
            defer { for index in 0..<filled { (retained.baseAddress! + index).deinitialize(count: 1) } }
            try fill(names: names, values: values, retained: retained, filled: &filled, from: inputs)
            results.initialize(repeating: nil)
            let status = selection.namePointers.withUnsafeBufferPointer { outputNames in
                api.table.pointee.Run(
                    handle, options?.handle, names.baseAddress,
                    UnsafeRawPointer(values.baseAddress).map { $0.assumingMemoryBound(to: OpaquePointer?.self) },
                    inputCount, outputNames.baseAddress, outputCount, results.baseAddress)
            }
            try runCheck(status, options: options)
            return wrapOutputs(UnsafeBufferPointer(results), selection)
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
                try withUnsafeTemporaryAllocation(of: Value.self, capacity: max(inputs.count, 1)) {
                    (retained) throws(ORTError) in
                    var filled = 0
                    defer { for index in 0..<filled { retainedValues.append((retained.baseAddress! + index).move()) } }
                    try fill(names: names, values: values, retained: retained, filled: &filled, from: inputs)
                }
            }
        }
        return RunPlan(namePointers: names, values: values, retained: retainedValues, selection: selection)
    }

    /// Checks names, types and shapes against the model, before ORT sees them, and writes the C arrays for Run.
    ///
    /// Each value fed is kept in `retained` (its first `filled` entries are initialized), whatever its
    /// `ValueConvertible` conformance does, so that it outlives the run; the caller deinitializes them.
    func fill(
        names: UnsafeMutableBufferPointer<UnsafePointer<CChar>?>, values: UnsafeMutableBufferPointer<OpaquePointer?>,
        retained: UnsafeMutableBufferPointer<Value>, filled: inout Int, from inputs: [String: any ValueConvertible]
    ) throws(ORTError) {
        var given = 0
        let requiredCount = self.inputs.count
        var index = inputs.startIndex
        while index != inputs.endIndex {
            defer { inputs.formIndex(after: &index) }
            guard let position = feedPosition(inputs.keys[index]) else {
                throw ORTError(
                    .unknownInput, "model has no input named '\(inputs.keys[index])'; \(expectedInputsText)")
            }
            // The getter's +1 is checked, then moved into `retained`: no further retain. If the check throws, the
            // value is released here and never enters `retained`.
            let value = inputs.values[index].value
            try checkFeed(value, at: position)
            let slot = filled
            names[slot] = feedNames.pointers[position]
            values[slot] = value.handle
            (retained.baseAddress! + slot).initialize(to: consume value)
            filled = slot + 1
            if position < requiredCount { given += 1 }
        }
        if given < requiredCount {
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
        if value.matchesKnownTensor(feedRequirements, at: position) { return }
        try check(value, against: feedInfo[position])  // also builds the detailed message
    }

    /// The position of a feedable name. A few names are compared directly, which is cheaper than hashing them.
    @inline(__always)
    func feedPosition(_ name: String) -> Int? {
        if feedNameList.count <= 8 {
            for position in feedNameList.indices where feedNameList[position] == name { return position }
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

    /// Takes ownership of the output handles ORT returned; an output ORT did not produce is left out, with its name.
    ///
    /// The one-output case is inlined into the run; several outputs go through ``wrapSeveralOutputs(_:_:)``.
    @inline(__always)
    func wrapOutputs(_ results: UnsafeBufferPointer<OpaquePointer?>, _ selection: OutputSelection) -> RunOutputs {
        if results.count == 1, let result = results[0] {
            return RunOutputs(names: selection.names, single: Value(adopting: result, api: api))
        }
        return wrapSeveralOutputs(results, selection)
    }

    /// Takes ownership of several output handles (or of none, or of one ORT did not produce).
    func wrapSeveralOutputs(_ results: UnsafeBufferPointer<OpaquePointer?>, _ selection: OutputSelection) -> RunOutputs
    {
        var complete = true
        // Allocated at its final size at once, rather than grown by appends.
        let values = [Value](unsafeUninitializedCapacity: results.count) { buffer, count in
            count = 0
            for case let result? in results {
                (buffer.baseAddress! + count).initialize(to: Value(adopting: result, api: api))
                count += 1
            }
            complete = count == results.count
        }
        guard complete else {
            // ORT leaves an output empty only if it was not produced; keep names and values aligned.
            let names = zip(selection.names, results).compactMap { $1 == nil ? nil : $0 }
            return RunOutputs(names: names, values: values)
        }
        return RunOutputs(names: selection.names, values: values)
    }
}

/// What each tensor input accepts, precomputed per session so that a run compares plain integers.
///
/// Held in flat, trivially-typed memory written once in init, so that checking a feed reads it in place without
/// any reference counting.
final class FeedRequirements: @unchecked Sendable {
    // @unchecked: the memory is written only in init and only read afterwards; it is freed in deinit.
    /// Per feed position: the element type a tensor must have; `nil` for a non-tensor feed.
    private let elementTypes: UnsafeMutableBufferPointer<ElementType?>
    /// Per feed position: the rank enforced, or -1 when the rank is not enforced.
    private let ranks: UnsafeMutableBufferPointer<Int>
    /// Per feed position: where its dimensions start in `dimensions`.
    private let starts: UnsafeMutableBufferPointer<Int>
    /// Every enforced dimension, position after position: a fixed size, or -1 where any size is allowed.
    private let dimensions: UnsafeMutableBufferPointer<Int>

    init(_ feeds: [ValueInfo]) {
        var types: [ElementType?] = []
        var ranks: [Int] = []
        var starts: [Int] = []
        var dimensions: [Int] = []
        for info in feeds {
            starts.append(dimensions.count)
            guard case .tensor(let tensor) = info.type else {
                types.append(nil)
                ranks.append(-1)
                continue
            }
            types.append(tensor.elementType)
            // ORT reports rank 0 both for scalars and for inputs declared without a shape, so rank 0 is not enforced.
            ranks.append(tensor.rank == 0 ? -1 : tensor.rank)
            if tensor.rank > 0 { dimensions += tensor.shape.map { $0.value ?? -1 } }
        }
        func copy<T>(_ array: [T]) -> UnsafeMutableBufferPointer<T> {
            let buffer = UnsafeMutableBufferPointer<T>.allocate(capacity: max(array.count, 1))
            _ = buffer.initialize(from: array)
            return buffer
        }
        self.elementTypes = copy(types)
        self.ranks = copy(ranks)
        self.starts = copy(starts)
        self.dimensions = copy(dimensions)
    }

    deinit {
        elementTypes.deallocate()
        ranks.deallocate()
        starts.deallocate()
        dimensions.deallocate()
    }

    /// Whether a tensor of this element type and shape fits the feed at `position`.
    @inline(__always)
    func accepts(_ elementType: ElementType, _ shape: [Int], at position: Int) -> Bool {
        guard let wanted = elementTypes[position], wanted == elementType else { return false }
        let rank = ranks[position]
        guard rank >= 0 else { return true }
        guard shape.count == rank else { return false }
        let start = starts[position]
        for axis in 0..<rank {
            let fixed = dimensions[start + axis]
            if fixed >= 0 && fixed != shape[axis] { return false }
        }
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
