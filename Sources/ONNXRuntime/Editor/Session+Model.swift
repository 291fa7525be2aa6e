import CONNXRuntime

extension Session {
    /// Makes a session from a model described in Swift, without writing or parsing an `.onnx` file.
    ///
    /// ```swift
    /// let session = try Session(model: Model(opsets: ["": 21]) {
    ///     Input("x", .float32, shape: [2])
    ///     Input("y", .float32, shape: [2])
    ///     Node("Add", inputs: ["x", "y"], outputs: ["z"])
    ///     Output("z", .float32, shape: [2])
    /// })
    /// ```
    ///
    /// Names are checked first (empty or repeated names, a value read before anything produces it, an output nothing
    /// produces); ONNX Runtime then checks operators, types and attributes when it builds the session. Initializers of
    /// 128 bytes or more are read in place, and the session keeps their tensors alive for as long as it lives.
    /// - Parameters:
    ///   - model: The model.
    ///   - options: How to build the session.
    /// - Throws: ``ORTError/Code/invalidArgument`` or ``ORTError/Code/invalidShape`` for a malformed description,
    ///   ``ORTError/Code/invalidModel`` or ``ORTError/Code/runtimeError`` when ONNX Runtime rejects the graph (an
    ///   unknown operator, a type mismatch), ``ORTError/Code/unsupported`` when the runtime is older than 1.21.
    ///
    /// The corresponding C functions are `CreateGraph`, `SetGraphInputs`, `SetGraphOutputs`, `AddInitializerToGraph`,
    /// `CreateNode`, `AddNodeToGraph`, `CreateModel`, `AddGraphToModel` and `CreateSessionFromModel`.
    public convenience init(model: Model, options: SessionOptions = SessionOptions()) throws(ORTError) {
        let environment = try Environment.shared
        let api = environment.api
        let editor = try api.modelEditor()
        let built = try api.buildModel(model, complete: true)
        let optionsHandle = try SessionOptionsHandle(options, api: api, environment: environment)
        var handle: OpaquePointer?
        do {
            try api.check(
                editor.pointee.CreateSessionFromModel(environment.handle, built.handle, optionsHandle.handle, &handle))
        } catch {
            throw Self.loadError(error, source: "the model built with the model editor")
        }
        try self.init(
            adopting: handle!, api: api, environment: environment, optionsHandle: optionsHandle,
            prepackedWeights: nil, retaining: built.retained)
    }
}
