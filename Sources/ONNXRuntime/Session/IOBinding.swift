import CONNXRuntime

/// Inputs and outputs bound to a session ahead of time, for repeated runs without per-run setup.
///
/// Bind inputs once, bind outputs either to memory you own (ORT writes results straight into it) or to ORT's
/// allocator, then call ``Session/run(_:options:)-(IOBinding,_)`` as often as needed. With every output pre-bound, a
/// run allocates nothing on the Swift side and reuses the same output memory each time.
///
/// ```swift
/// let binding = try session.makeBinding()
/// try binding.bindInput("x", input)
/// let y = try Tensor<Float>(repeating: 0, shape: [1, 10])
/// try binding.bindOutput("y", y)
/// for _ in 0..<1000 { try session.run(binding) }  // results land in y
/// ```
///
/// A binding is not `Sendable`: bind, run and read it from one task at a time. A value bound as an output is written by
/// every run that uses the binding, so do not read it from another task while such a run is in progress.
public final class IOBinding {
    let handle: OpaquePointer
    let session: Session
    private var boundInputs: [String: Value] = [:]
    private var boundOutputs: [String: Value] = [:]

    init(session: Session) throws(ORTError) {
        var handle: OpaquePointer?
        try session.api.check(session.api.table.pointee.CreateIoBinding(session.handle, &handle))
        self.handle = handle!
        self.session = session
    }

    deinit {
        session.api.table.pointee.ReleaseIoBinding(handle)
    }

    /// Binds an input value, checked against the model like a run's inputs.
    /// - Throws: ``ORTError/Code/unknownInput``, ``ORTError/Code/typeMismatch`` or ``ORTError/Code/shapeMismatch``.
    ///
    /// The corresponding C function is `BindInput`.
    public func bindInput(_ name: String, _ input: any ValueConvertible) throws(ORTError) {
        guard let position = session.feedIndex[name] else {
            throw ORTError(
                .unknownInput,
                "model has no input named '\(name)'; inputs are: "
                    + session.feedInfo.map { "'\($0.name)'" }.joined(separator: ", "))
        }
        let value = input.value
        try session.check(value, against: session.feedInfo[position])
        try session.api.check(session.api.table.pointee.BindInput(handle, name, value.handle))
        boundInputs[name] = value
    }

    /// Binds an output to a tensor whose memory ORT writes the result into.
    ///
    /// The tensor must have the output's element type and the exact shape the run will produce, and its memory must
    /// not be shared with a Swift array (use ``Tensor/init(repeating:shape:)``, ``Tensor/init(shape:initializingWith:)``
    /// or ``Value/init(bytesNoCopy:elementType:shape:deallocator:)``, not ``Tensor/init(borrowing:shape:)``).
    /// - Throws: ``ORTError/Code/unknownOutput``, or ``ORTError/Code/invalidArgument`` for array-backed memory.
    ///
    /// The corresponding C function is `BindOutput`.
    public func bindOutput(_ name: String, _ output: any ValueConvertible) throws(ORTError) {
        try checkOutputName(name)
        let value = output.value
        guard !(value.owner is any SharedArrayStorage) else {
            throw ORTError(
                .invalidArgument,
                "output '\(name)' cannot be bound to a tensor that shares a Swift array's storage (ORT would write into "
                    + "the array behind its back); use Tensor(repeating:shape:) or Value(bytesNoCopy:...)")
        }
        try session.api.check(session.api.table.pointee.BindOutput(handle, name, value.handle))
        boundOutputs[name] = value
    }

    /// Binds an output to ORT's CPU allocator: each run allocates the result, read it with ``outputs()``.
    ///
    /// The corresponding C function is `BindOutputToDevice`.
    public func bindOutput(_ name: String) throws(ORTError) {
        try checkOutputName(name)
        try session.api.check(
            session.api.table.pointee.BindOutputToDevice(handle, name, session.api.cpuMemoryInfo))
        boundOutputs[name] = nil
    }

    /// Removes every bound input.
    public func clearInputs() {
        session.api.table.pointee.ClearBoundInputs(handle)
        boundInputs = [:]
    }

    /// Removes every bound output.
    public func clearOutputs() {
        session.api.table.pointee.ClearBoundOutputs(handle)
        boundOutputs = [:]
    }

    /// The outputs of the last run, in the order they were bound.
    ///
    /// Outputs bound to caller memory come back as values over that same memory.
    /// The corresponding C functions are `GetBoundOutputNames` and `GetBoundOutputValues`.
    public func outputs() throws(ORTError) -> RunOutputs {
        let api = session.api
        let allocator = try api.defaultAllocator
        let ortAllocator = UnsafeMutablePointer<OrtAllocator>(allocator)
        var buffer: UnsafeMutablePointer<CChar>?
        var lengths: UnsafeMutablePointer<Int>?
        var count = 0
        try api.check(api.table.pointee.GetBoundOutputNames(handle, ortAllocator, &buffer, &lengths, &count))
        guard count > 0 else { return RunOutputs(names: [], values: []) }
        var names: [String] = []
        var offset = 0
        for index in 0..<count {
            let length = lengths![index]
            names.append(
                String(
                    decoding: UnsafeRawBufferPointer(start: buffer! + offset, count: length), as: UTF8.self))
            offset += length
        }
        api.free(UnsafeMutableRawPointer(buffer), allocator: allocator)
        api.free(UnsafeMutableRawPointer(lengths), allocator: allocator)

        var values: UnsafeMutablePointer<OpaquePointer?>?
        var valueCount = 0
        try api.check(api.table.pointee.GetBoundOutputValues(handle, ortAllocator, &values, &valueCount))
        defer { api.free(UnsafeMutableRawPointer(values), allocator: allocator) }
        var wrapped: [Value] = []
        wrapped.reserveCapacity(valueCount)
        for index in 0..<valueCount {
            // Each returned OrtValue is a new reference we own; keep caller memory alive through it.
            let owner = boundOutputs[names[index]]
            wrapped.append(Value(adopting: values![index]!, api: api, owner: owner))
        }
        return RunOutputs(names: names, values: wrapped)
    }

    private func checkOutputName(_ name: String) throws(ORTError) {
        guard session.outputIndex[name] != nil else {
            throw ORTError(
                .unknownOutput,
                "model has no output named '\(name)'; outputs are: "
                    + session.outputs.map { "'\($0.name)'" }.joined(separator: ", "))
        }
    }
}

extension Session {
    /// Creates an I/O binding for this session.
    ///
    /// The corresponding C function is `CreateIoBinding`.
    public func makeBinding() throws(ORTError) -> IOBinding {
        try IOBinding(session: self)
    }

    /// Runs the model with bound inputs and outputs.
    /// - Parameters:
    ///   - binding: A binding made by ``makeBinding()`` for this session.
    ///   - options: Run options.
    /// - Throws: ``ORTError/Code/invalidArgument`` for another session's binding, or ORT's error.
    ///
    /// The corresponding C function is `RunWithBinding`.
    public func run(_ binding: IOBinding, options: RunOptions? = nil) throws(ORTError) {
        guard binding.session === self else {
            throw ORTError(.invalidArgument, "the binding belongs to another session")
        }
        try runCheck(api.table.pointee.RunWithBinding(handle, options?.handle, binding.handle), options: options)
    }
}

/// Marks owners whose memory is a Swift array's shared storage.
protocol SharedArrayStorage: AnyObject {}

extension ArrayOwner: SharedArrayStorage {}
