import CONNXRuntime

/// A run whose inputs and outputs are named once, for calls made many times.
///
/// `Session.run(_:outputs:options:)` takes a dictionary, so every call looks its names up and builds the C arrays
/// ONNX Runtime needs. A prepared run does that work once: the input and output names are checked and resolved when
/// it is made, and each call passes only the values, by position. With the closure form of ``run(_:options:reading:)``
/// the outputs are read in place and released when the closure returns, so a call allocates nothing of its own:
///
/// ```swift
/// let classify = try session.prepareRun(inputs: ["input"], outputs: ["logits"])
/// let best = try classify.run(pixels) { outputs in
///     try outputs.withUnsafeBufferPointer(at: 0, of: Float.self) { $0.indices.max { $0[$0] < $0[$1] } }
/// }
/// ```
///
/// Values are checked against the model before ONNX Runtime sees them, as in `Session.run`: the count of values,
/// their kinds, element types, ranks and fixed dimensions.
///
/// A prepared run is immutable and `Sendable`: like its session, it can be run from many tasks at once.
public final class PreparedRun: @unchecked Sendable {
    // @unchecked: every stored property is immutable after init. The C string pointers point into the session's name
    // tables, which live as long as the session, which this object retains.

    /// The session this run belongs to.
    public let session: Session
    /// The inputs (and overridable initializers) fed on each call, in the order the values are passed.
    public let inputNames: [String]
    /// The outputs computed, in order.
    public let outputNames: [String]
    /// Feed positions in the session's tables, one per input.
    let positions: [Int]
    /// The input names as C strings, in call order.
    let inputNamePointers: [UnsafePointer<CChar>?]
    let selection: Session.OutputSelection

    init(session: Session, inputs: [String], outputs: [String]?) throws(ORTError) {
        var positions: [Int] = []
        positions.reserveCapacity(inputs.count)
        for (index, name) in inputs.enumerated() {
            guard let position = session.feedPosition(name) else {
                throw ORTError(.unknownInput, "model has no input named '\(name)'; \(session.expectedInputsText)")
            }
            guard !inputs[..<index].contains(name) else {
                throw ORTError(.invalidArgument, "input '\(name)' is named twice")
            }
            positions.append(position)
        }
        let missing = session.inputs.filter { !inputs.contains($0.name) && !$0.isOptional }
        guard missing.isEmpty else {
            throw ORTError(
                .missingInput,
                "missing input\(missing.count == 1 ? "" : "s") "
                    + missing.map { "'\($0.name)' (\($0.type))" }.joined(separator: ", ")
                    + "; \(session.expectedInputsText)")
        }
        self.session = session
        self.inputNames = inputs
        self.positions = positions
        self.inputNamePointers = positions.map { session.feedNames.pointers[$0] }
        self.selection = try session.selectOutputs(outputs)
        self.outputNames = selection.names
    }

    /// Runs the model on these values, one per input in ``inputNames`` order, and returns the outputs.
    /// - Parameters:
    ///   - inputs: The values, in the order of ``inputNames``.
    ///   - options: Run options (tag, log level, termination).
    /// - Returns: The outputs, in the order of ``outputNames``.
    /// - Throws: ``ORTError`` with code ``ORTError/Code/invalidArgument`` for the wrong number of values,
    ///   ``ORTError/Code/typeMismatch`` or ``ORTError/Code/shapeMismatch`` for a value that does not fit its input,
    ///   ``ORTError/Code/cancelled`` when terminated, or ORT's own error.
    ///
    /// The corresponding C function is `Run`.
    @inlinable
    public func run<each Input: ValueConvertible>(_ inputs: repeat each Input, options: RunOptions? = nil)
        throws(ORTError) -> RunOutputs
    {
        try owning(options: options) { (feeder) throws(ORTError) in
            for input in repeat each inputs { try feeder.add(input.value) }
        }
    }

    /// Runs the model on these values and lends the outputs to `body`; they are released when it returns.
    /// - Parameters:
    ///   - inputs: The values, in the order of ``inputNames``.
    ///   - options: Run options (tag, log level, termination).
    ///   - body: Reads the outputs in place. They cannot escape it.
    /// - Returns: What `body` returns.
    /// - Throws: As ``run(_:options:)``, or what `body` throws.
    ///
    /// The corresponding C function is `Run`.
    @inlinable @discardableResult
    public func run<each Input: ValueConvertible, Result>(
        _ inputs: repeat each Input, options: RunOptions? = nil,
        reading body: (borrowing BorrowedOutputs) throws -> Result
    ) throws -> Result {
        try lending(options: options, to: body) { (feeder) throws(ORTError) in
            for input in repeat each inputs { try feeder.add(input.value) }
        }
    }

    /// Runs the model on values held in an array, one per input in ``inputNames`` order, and returns the outputs.
    ///
    /// For when the number of inputs is known only at run time; keep the array between calls and nothing is
    /// allocated for the inputs.
    /// - Parameters:
    ///   - inputs: The values, in the order of ``inputNames``.
    ///   - options: Run options (tag, log level, termination).
    /// - Returns: The outputs, in the order of ``outputNames``.
    /// - Throws: As ``run(_:options:)``.
    public func run(values inputs: [any ValueConvertible], options: RunOptions? = nil) throws(ORTError) -> RunOutputs {
        try owning(options: options) { (feeder) throws(ORTError) in
            for input in inputs { try feeder.add(input.value) }
        }
    }

    /// Runs the model on values held in an array and lends the outputs to `body`; they are released when it returns.
    /// - Parameters:
    ///   - inputs: The values, in the order of ``inputNames``.
    ///   - options: Run options (tag, log level, termination).
    ///   - body: Reads the outputs in place. They cannot escape it.
    /// - Returns: What `body` returns.
    /// - Throws: As ``run(_:options:)``, or what `body` throws.
    @inlinable @discardableResult
    public func run<Result>(
        values inputs: [any ValueConvertible], options: RunOptions? = nil,
        reading body: (borrowing BorrowedOutputs) throws -> Result
    ) throws -> Result {
        try lending(options: options, to: body) { (feeder) throws(ORTError) in
            for input in inputs { try feeder.add(input.value) }
        }
    }

    /// Runs the model on values of one type held in a collection (for example `[Value]` or `[Tensor<Float>]`),
    /// and lends the outputs to `body`; they are released when it returns.
    /// - Parameters:
    ///   - inputs: The values, in the order of ``inputNames``.
    ///   - options: Run options (tag, log level, termination).
    ///   - body: Reads the outputs in place. They cannot escape it.
    /// - Returns: What `body` returns.
    /// - Throws: As ``run(_:options:)``, or what `body` throws.
    @inlinable @discardableResult
    public func run<Values: Sequence, Result>(
        values inputs: Values, options: RunOptions? = nil,
        reading body: (borrowing BorrowedOutputs) throws -> Result
    ) throws -> Result where Values.Element: ValueConvertible {
        try lending(options: options, to: body) { (feeder) throws(ORTError) in
            for input in inputs { try feeder.add(input.value) }
        }
    }

    // MARK: - The one run path (not generic, so callers in other modules need no specialization of it)

    /// Puts values in the C arrays of one run, checked and retained until the run is over.
    @usableFromInline
    struct Feeder {
        // unowned(unsafe): a feeder lives only inside `withOutputs`, which its run outlives; no reference counting.
        unowned(unsafe) let run: PreparedRun
        let values: UnsafeMutableBufferPointer<OpaquePointer?>
        /// The values fed so far, kept alive until the run is over.
        let retained: UnsafeMutableBufferPointer<Value>
        /// How many values were offered (more than the run takes is an error reported after feeding).
        var given = 0

        /// Checks one value against the next input and feeds it.
        @usableFromInline
        mutating func add(_ value: consuming Value) throws(ORTError) {
            let index = given
            given += 1
            guard index < run.positions.count else { return }
            values[index] = value.handle
            // Moved, not retained again: the value the caller's `value` getter returned is kept until the run ends.
            (retained.baseAddress! + index).initialize(to: value)
            try run.session.checkFeed(retained[index], at: run.positions[index])
        }
    }

    /// Feeds the values, runs, and returns the outputs as owned values.
    @usableFromInline
    func owning(options: RunOptions?, feed: (inout Feeder) throws(ORTError) -> Void) throws(ORTError) -> RunOutputs {
        var outputs: RunOutputs?
        try withOutputs(options: options, feed: feed) { results in
            outputs = session.wrapOutputs(UnsafeBufferPointer(results), selection)
            results.update(repeating: nil)  // the values own them now
        }
        return outputs!
    }

    /// Feeds the values, runs, and lends the outputs to `body`, keeping what `body` throws apart from the run's own
    /// errors.
    @inlinable
    func lending<Result>(
        options: RunOptions?, to body: (borrowing BorrowedOutputs) throws -> Result,
        feed: (inout Feeder) throws(ORTError) -> Void
    ) throws -> Result {
        var result: Result?
        var failure: (any Error)?
        try withOutputs(options: options, feed: feed) { results in
            do {
                result = try body(BorrowedOutputs(results, of: self))
            } catch {
                failure = error
            }
        }
        if let failure { throw failure }
        return result!
    }

    /// Feeds the values, runs, and hands the output handles to `body`. Handles `body` leaves in the buffer are
    /// released afterwards.
    @usableFromInline
    func withOutputs(
        options: RunOptions?,
        feed: (inout Feeder) throws(ORTError) -> Void,
        body: (UnsafeMutableBufferPointer<OpaquePointer?>) -> Void
    ) throws(ORTError) {
        let inputCount = positions.count
        let outputCount = selection.positions.count
        let api = session.api
        try withUnsafeTemporaryAllocation(of: OpaquePointer?.self, capacity: max(inputCount, 1)) {
            (values) throws(ORTError) in
            try withUnsafeTemporaryAllocation(of: Value.self, capacity: max(inputCount, 1)) {
                (retained) throws(ORTError) in
                var feeder = Feeder(run: self, values: values, retained: retained)
                defer { retained.baseAddress!.deinitialize(count: min(feeder.given, inputCount)) }
                try feed(&feeder)
                guard feeder.given == inputCount else {
                    throw ORTError(
                        .invalidArgument,
                        "this run takes \(inputCount) value\(inputCount == 1 ? "" : "s") "
                            + "(\(inputNames.joined(separator: ", "))), got \(feeder.given)")
                }
                try withUnsafeTemporaryAllocation(of: OpaquePointer?.self, capacity: max(outputCount, 1)) {
                    (results) throws(ORTError) in
                    results.initialize(repeating: nil)
                    let status = inputNamePointers.withUnsafeBufferPointer { inputNames in
                        selection.namePointers.withUnsafeBufferPointer { outputNames in
                            api.table.pointee.Run(
                                session.handle, options?.handle, inputNames.baseAddress,
                                UnsafeRawPointer(values.baseAddress!).assumingMemoryBound(to: OpaquePointer?.self),
                                inputCount, outputNames.baseAddress, outputCount, results.baseAddress)
                        }
                    }
                    let outputs = UnsafeMutableBufferPointer(rebasing: results[0..<outputCount])
                    defer { for case let handle? in outputs { api.table.pointee.ReleaseValue(handle) } }
                    try session.runCheck(status, options: options)
                    body(outputs)
                }
            }
        }
    }
}

extension Session {
    /// Names the inputs and outputs of runs made many times; see ``PreparedRun``.
    /// - Parameters:
    ///   - inputs: The inputs (and any overridable initializers) each call feeds, in the order it passes them. Every
    ///     required input must be among them.
    ///   - outputs: The outputs to compute, in order; `nil` computes all of them.
    /// - Returns: The prepared run.
    /// - Throws: ``ORTError`` with code ``ORTError/Code/unknownInput``, ``ORTError/Code/missingInput``,
    ///   ``ORTError/Code/unknownOutput``, or ``ORTError/Code/invalidArgument`` for a name given twice.
    public func prepareRun(inputs: [String], outputs: [String]? = nil) throws(ORTError) -> PreparedRun {
        try PreparedRun(session: self, inputs: inputs, outputs: outputs)
    }
}
