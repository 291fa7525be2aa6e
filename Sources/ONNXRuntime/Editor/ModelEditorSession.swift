import CONNXRuntime
import Foundation

/// A loaded model being augmented with the model editor before it becomes a ``Session``.
///
/// Load a model, add nodes, initializers and outputs with ``apply(_:)``, then ``finalize()`` to get a session:
///
/// ```swift
/// let editor = try ModelEditorSession(path: "add.onnx")
/// try editor.apply(Model(opsets: [:]) {
///     Node("Mul", inputs: ["z", "z"], outputs: ["w"])
///     Output("z", .float32, shape: [.symbolic("n"), 2])    // the full list of outputs, old and new
///     Output("w", .float32, shape: [.symbolic("n"), 2])
/// })
/// let session = try editor.finalize()
/// ```
///
/// The graph given to ``apply(_:)`` holds only what is added. New nodes may read any value of the loaded model. If
/// it lists inputs or outputs, they replace the model's whole list; if it lists none, the model's are kept. The
/// opsets it names are added to the model's; new nodes must fit the model's existing opsets (``opset(for:)``).
///
/// A `ModelEditorSession` is used from one task; the ``Session`` it finalizes into may be shared freely.
public final class ModelEditorSession {
    private var handle: OpaquePointer?
    /// Why the handle is gone: finalized, or an edit failed half-way.
    private var spent = "it was already finalized"
    private let api: API
    private let environment: Environment
    private let optionsHandle: SessionOptionsHandle
    /// Memory the applied graphs read in place; handed to the finalized session.
    private var retained: [Value] = []

    /// The loaded model's inputs, before any edit.
    public let inputs: [ValueInfo]
    /// The loaded model's outputs, before any edit.
    public let outputs: [ValueInfo]

    /// Loads a model file to edit.
    /// - Parameters:
    ///   - path: The `.onnx` file.
    ///   - options: How the session is built; used again by ``finalize()``.
    /// - Throws: ``ORTError/Code/modelNotFound``, ``ORTError/Code/invalidModel``, ``ORTError/Code/unsupported``
    ///   (ONNX Runtime older than 1.21) or another ``ORTError``.
    ///
    /// The corresponding C function is `CreateModelEditorSession`.
    public convenience init(path: String, options: SessionOptions = SessionOptions()) throws(ORTError) {
        try Session.checkModelFile(path)
        try self.init(options: options, source: "model file '\(path)'") {
            (api, environment, options, handle) throws(ORTError) in
            try api.check(
                api.modelEditor().pointee.CreateModelEditorSession(environment.handle, path, options, &handle))
        }
    }

    /// Loads a model from its serialized bytes to edit.
    /// - Parameters:
    ///   - modelData: The contents of an `.onnx` file.
    ///   - options: How the session is built; used again by ``finalize()``.
    /// - Throws: ``ORTError/Code/invalidModel`` if the bytes are empty or not a model, ``ORTError/Code/unsupported``
    ///   (ONNX Runtime older than 1.21) or another ``ORTError``.
    ///
    /// The corresponding C function is `CreateModelEditorSessionFromArray`.
    public convenience init(modelData: some ContiguousBytes, options: SessionOptions = SessionOptions())
        throws(ORTError)
    {
        let bytes = modelData.withUnsafeBytes { [UInt8]($0) }
        guard !bytes.isEmpty else { throw ORTError(.invalidModel, "model data is empty (0 bytes)") }
        try self.init(options: options, source: "model data") { (api, environment, options, handle) throws(ORTError) in
            let editor = try api.modelEditor().pointee
            try api.check(
                bytes.withUnsafeBytes {
                    editor.CreateModelEditorSessionFromArray(
                        environment.handle, $0.baseAddress, $0.count, options, &handle)
                })
        }
    }

    private init(
        options: SessionOptions, source: String,
        create: (API, Environment, OpaquePointer, inout OpaquePointer?) throws(ORTError) -> Void
    ) throws(ORTError) {
        let environment = try Environment.shared
        let api = environment.api
        _ = try api.modelEditor()
        let optionsHandle = try SessionOptionsHandle(options, api: api, environment: environment)
        var handle: OpaquePointer?
        do {
            try create(api, environment, optionsHandle.handle, &handle)
        } catch {
            throw Session.loadError(error, source: source)
        }
        var ok = false
        defer { if !ok { api.table.pointee.ReleaseSession(handle) } }
        self.inputs = try api.describe(handle!, .input)
        self.outputs = try api.describe(handle!, .output)
        ok = true
        self.handle = handle
        self.api = api
        self.environment = environment
        self.optionsHandle = optionsHandle
    }

    deinit {
        if let handle { api.table.pointee.ReleaseSession(handle) }
    }

    /// The operator set version the loaded model imports for a domain.
    /// - Parameter domain: The domain; `""` is the ONNX domain.
    /// - Returns: The version, such as 21.
    /// - Throws: ``ORTError/Code/runtimeError`` if the model does not use the domain.
    ///
    /// The corresponding C function is `SessionGetOpsetForDomain`.
    public func opset(for domain: String) throws(ORTError) -> Int {
        let handle = try liveHandle()
        try Graph.checkText(domain, "the domain")
        var version: Int32 = 0
        do {
            try api.check(api.modelEditor().pointee.SessionGetOpsetForDomain(handle, domain, &version))
        } catch {
            throw error.context("opset for domain '\(domain)'")
        }
        return Int(version)
    }

    /// Adds a graph's nodes, initializers, inputs and outputs to the loaded model.
    ///
    /// A description that fails the Swift checks changes nothing. If ONNX Runtime rejects the edit, it may have
    /// applied part of it, so the editor is spent: later calls throw, and the model must be loaded again.
    /// - Parameter model: What to add: its opsets are added to the model's, its graph holds the new parts.
    /// - Throws: ``ORTError/Code/invalidArgument`` for a malformed description, or ONNX Runtime's error.
    ///
    /// The corresponding C function is `ApplyModelToModelEditorSession`.
    public func apply(_ model: Model) throws(ORTError) {
        let handle = try liveHandle()
        let built = try api.buildModel(model, complete: false)
        do {
            try api.check(api.modelEditor().pointee.ApplyModelToModelEditorSession(handle, built.handle))
        } catch {
            // ORT may have applied part of the edit; the loaded model is no longer in a known state.
            self.handle = nil
            spent = "an earlier edit failed and may have been applied in part"
            api.table.pointee.ReleaseSession(handle)
            throw error.context("cannot apply the edit")
        }
        retained += built.retained
    }

    /// Checks the edited model and turns it into a session, ready to run.
    ///
    /// The editor cannot be used afterwards. If ONNX Runtime rejects the edited model, the editor is spent as well.
    /// - Returns: The session, which keeps the applied initializers' memory alive.
    /// - Throws: ``ORTError/Code/invalidModel`` or another ``ORTError`` when the edited graph is not valid.
    ///
    /// The corresponding C function is `FinalizeModelEditorSession`.
    public func finalize() throws(ORTError) -> Session {
        let handle = try liveHandle()
        // ORT owns the session from here on, success or not: the session object takes it, or it is released.
        self.handle = nil
        do {
            try api.check(api.modelEditor().pointee.FinalizeModelEditorSession(handle, optionsHandle.handle, nil))
        } catch {
            api.table.pointee.ReleaseSession(handle)
            throw Session.loadError(error, source: "the edited model")
        }
        return try Session(
            adopting: handle, api: api, environment: environment, optionsHandle: optionsHandle,
            prepackedWeights: nil, retaining: retained)
    }

    private func liveHandle() throws(ORTError) -> OpaquePointer {
        guard let handle else {
            throw ORTError(.invalidArgument, "this ModelEditorSession cannot be used: \(spent)")
        }
        return handle
    }
}
