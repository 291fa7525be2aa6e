import CONNXRuntime
import Foundation

/// Compiles a model ahead of time for the execution providers of a ``SessionOptions``, producing an EPContext model.
///
/// Execution providers that compile subgraphs (NPUs, TensorRT, plugin EPs) can save what they compiled: each compiled
/// subgraph becomes one `EPContext` node holding the provider's binary (embedded in the node, or in a file beside the
/// model). Loading the compiled model later skips the compilation. Providers that compile nothing (ORT's CPU
/// provider) leave the graph as it is; set ``failsIfNothingCompiled`` to make that an error.
///
/// ```swift
/// var options = SessionOptions()
/// options.executionProviders = [.init("MyNPU")]
/// var compiler = ModelCompiler(path: "model.onnx", options: options)
/// compiler.embedsContextBinary = true
/// try compiler.compile(to: "model_ctx.onnx")
/// let session = try Session(path: "model_ctx.onnx", options: options)
/// ```
///
/// Needs ONNX Runtime 1.22 or newer; ``failsIfNothingCompiled``, ``failsIfOutputExists``, ``optimization`` and
/// ``contextBinaryLocation`` need 1.23. An older runtime throws ``ORTError/Code/unsupported``.
public struct ModelCompiler: Sendable {
    /// Where the model to compile comes from.
    public enum Source: Sendable, Hashable {
        /// An `.onnx` file.
        case file(String)
        /// The serialized bytes of a model.
        case bytes([UInt8])
    }

    /// Where the initializers of the nodes that stay uncompiled are written, instead of inside the output model.
    public struct ExternalInitializers: Sendable, Hashable {
        /// The file receiving the initializers' data (relative paths are relative to the output model).
        public var path: String
        /// Initializers smaller than this many bytes stay inside the model.
        public var minimumByteCount: Int

        /// Describes an external initializers file.
        /// - Parameters:
        ///   - path: The file receiving the initializers' data.
        ///   - minimumByteCount: Initializers smaller than this stay inside the model.
        public init(path: String, minimumByteCount: Int = 1024) {
            self.path = path
            self.minimumByteCount = minimumByteCount
        }
    }

    /// Where a provider writes its context binaries when the compiled model goes to memory (it then has no path
    /// of its own to put them beside).
    public struct ContextBinaryLocation: Sendable, Hashable {
        /// The directory receiving the binaries.
        public var directory: String
        /// The model name the provider derives the binaries' file names from.
        public var modelName: String

        /// Describes where context binaries go.
        /// - Parameters:
        ///   - directory: The directory receiving the binaries.
        ///   - modelName: The model name the provider derives the binaries' file names from.
        public init(directory: String, modelName: String) {
            self.directory = directory
            self.modelName = modelName
        }
    }

    /// The model to compile.
    public var source: Source
    /// The session options whose execution providers compile the model (and whose other settings, such as session
    /// configuration entries, apply while compiling).
    public var sessionOptions: SessionOptions
    /// Whether EPContext nodes hold the compiled binary themselves (`embed_mode` 1) instead of the name of a file
    /// beside the model (`embed_mode` 0). Default: off.
    public var embedsContextBinary: Bool = false
    /// Whether compiling fails when no execution provider compiled any node. Default: off (ORT then still writes
    /// the model, with its nodes unchanged).
    public var failsIfNothingCompiled: Bool = false
    /// Whether compiling to a file fails when that file exists. Default: off (the file is overwritten).
    public var failsIfOutputExists: Bool = false
    /// The graph optimisation applied before compiling; `nil` keeps ORT's default for compilation (none).
    public var optimization: SessionOptions.GraphOptimizationLevel?
    /// Where initializers of uncompiled nodes go; `nil` keeps them in the model.
    public var externalInitializers: ExternalInitializers?
    /// Where providers put context binaries when compiling to memory; `nil` leaves it to the provider.
    public var contextBinaryLocation: ContextBinaryLocation?

    /// Describes the compilation of a model file.
    /// - Parameters:
    ///   - path: The `.onnx` file to compile.
    ///   - options: The session options whose execution providers compile the model.
    public init(path: String, options: SessionOptions = SessionOptions()) {
        self.source = .file(path)
        self.sessionOptions = options
    }

    /// Describes the compilation of a model held in memory.
    /// - Parameters:
    ///   - modelData: The serialized model.
    ///   - options: The session options whose execution providers compile the model.
    public init(modelData: [UInt8], options: SessionOptions = SessionOptions()) {
        self.source = .bytes(modelData)
        self.sessionOptions = options
    }

    /// Compiles the model and writes the compiled model to a file.
    /// - Parameter outputPath: The compiled model's path. Its directory must exist. Context binaries that are not
    ///   embedded are written beside it.
    /// - Throws: ``ORTError/Code/modelNotFound`` or ``ORTError/Code/invalidModel`` for a missing, empty or non-ONNX
    ///   input; ``ORTError/Code/invalidArgument`` for an output path whose directory does not exist, that is a
    ///   directory, that is the input file itself, or that exists while ``failsIfOutputExists`` is set;
    ///   ``ORTError/Code/unsupported`` on a runtime without the compile API; ORT's error otherwise (such as
    ///   `ORT_FAIL` when ``failsIfNothingCompiled`` is set and nothing was compiled).
    ///
    /// The corresponding C functions are `ModelCompilationOptions_SetOutputModelPath` and `CompileModel`.
    public func compile(to outputPath: String) throws(ORTError) {
        try checkOutputPath(outputPath)
        try run { api, compileAPI, options, environment throws(ORTError) in
            try api.check(compileAPI.pointee.ModelCompilationOptions_SetOutputModelPath(options, outputPath))
            try api.check(compileAPI.pointee.CompileModel(environment, options))
        }
    }

    /// Compiles the model and returns the compiled model's bytes.
    /// - Returns: The serialized compiled model.
    /// - Throws: The errors of ``compile(to:)`` except those about the output path.
    ///
    /// The corresponding C functions are `ModelCompilationOptions_SetOutputModelBuffer` and `CompileModel`.
    public func compiledModel() throws(ORTError) -> [UInt8] {
        try run { api, compileAPI, options, environment throws(ORTError) -> [UInt8] in
            let allocator = try api.defaultAllocator
            var bytes: UnsafeMutableRawPointer?
            var count = 0
            try api.check(
                compileAPI.pointee.ModelCompilationOptions_SetOutputModelBuffer(
                    options, UnsafeMutablePointer(allocator), &bytes, &count))
            try api.check(compileAPI.pointee.CompileModel(environment, options))
            defer { api.free(bytes, allocator: allocator) }
            guard let bytes, count > 0 else {
                throw ORTError(.runtimeError, "ONNX Runtime compiled the model but returned no bytes")
            }
            return [UInt8](UnsafeRawBufferPointer(start: bytes, count: count))
        }
    }

    // MARK: - Implementation

    /// What the error messages call the input.
    var sourceDescription: String {
        switch source {
        case .file(let path): "model file '\(path)'"
        case .bytes: "model data"
        }
    }

    /// Refuses output paths that ORT would only reject after compiling (or, for the input itself, overwrite).
    func checkOutputPath(_ outputPath: String) throws(ORTError) {
        guard !outputPath.isEmpty else {
            throw ORTError(.invalidArgument, "the output path of the compiled model is empty")
        }
        let output = URL(fileURLWithPath: outputPath).standardizedFileURL
        let directory = output.deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
        else {
            throw ORTError(
                .invalidArgument,
                "cannot write the compiled model to '\(outputPath)': directory '\(directory)' does not exist")
        }
        if FileManager.default.fileExists(atPath: output.path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else {
                throw ORTError(
                    .invalidArgument, "cannot write the compiled model to '\(outputPath)': it is a directory")
            }
            if case .file(let input) = source,
                URL(fileURLWithPath: input).standardizedFileURL.resolvingSymlinksInPath()
                    == output.resolvingSymlinksInPath()
            {
                throw ORTError(
                    .invalidArgument,
                    "the compiled model's path '\(outputPath)' is the input model itself; choose another output path")
            }
            guard !failsIfOutputExists else {
                throw ORTError(
                    .invalidArgument,
                    "the compiled model's path '\(outputPath)' exists, and failsIfOutputExists is set")
            }
        }
    }

    /// Builds the compilation options, lets `body` choose the output and compile, and releases everything.
    private func run<Output>(
        _ body: (API, UnsafePointer<OrtCompileApi>, OpaquePointer, OpaquePointer) throws(ORTError) -> Output
    ) throws(ORTError) -> Output {
        if case .file(let path) = source { try Session.checkModelFile(path) }
        if case .bytes(let bytes) = source, bytes.isEmpty {
            throw ORTError(.invalidModel, "model data is empty (0 bytes)")
        }
        let environment = try Environment.shared
        let api = environment.api
        let compileAPI = try api.compileAPI(for: "compiling models")
        if failsIfNothingCompiled || failsIfOutputExists {
            try api.require(23, for: "the compile flags failsIfNothingCompiled and failsIfOutputExists")
        }
        if optimization != nil { try api.require(23, for: "an optimization level for compiling") }
        if contextBinaryLocation != nil { try api.require(23, for: "a context binary location") }
        if let externalInitializers, externalInitializers.minimumByteCount < 0 {
            throw ORTError(
                .invalidArgument,
                "the external initializers' minimum size must be >= 0, got \(externalInitializers.minimumByteCount)")
        }

        let sessionOptions = try SessionOptionsHandle(self.sessionOptions, api: api, environment: environment)
        var created: OpaquePointer?
        try api.check(
            compileAPI.pointee.CreateModelCompilationOptionsFromSessionOptions(
                environment.handle, sessionOptions.handle, &created))
        let options = created!
        defer { compileAPI.pointee.ReleaseModelCompilationOptions(options) }

        do {
            return try withExtendedLifetime(sessionOptions) { () throws(ORTError) -> Output in
                try configure(options, api: api, compileAPI: compileAPI.pointee)
                switch source {
                case .file(let path):
                    try api.check(compileAPI.pointee.ModelCompilationOptions_SetInputModelPath(options, path))
                    return try body(api, compileAPI, options, environment.handle)
                case .bytes(let bytes):
                    // ORT reads the input only during CompileModel, which `body` calls inside this closure.
                    let result = bytes.withUnsafeBytes { raw in
                        Result { () throws(ORTError) -> Output in
                            try api.check(
                                compileAPI.pointee.ModelCompilationOptions_SetInputModelFromBuffer(
                                    options, raw.baseAddress, raw.count))
                            return try body(api, compileAPI, options, environment.handle)
                        }
                    }
                    return try result.get()
                }
            }
        } catch {
            throw Session.loadError(error, source: sourceDescription, action: "compile")
        }
    }

    private func configure(_ options: OpaquePointer, api: API, compileAPI: OrtCompileApi) throws(ORTError) {
        try api.check(compileAPI.ModelCompilationOptions_SetEpContextEmbedMode(options, embedsContextBinary))
        var flags: UInt32 = 0
        if failsIfNothingCompiled { flags |= UInt32(OrtCompileApiFlags_ERROR_IF_NO_NODES_COMPILED.rawValue) }
        if failsIfOutputExists { flags |= UInt32(OrtCompileApiFlags_ERROR_IF_OUTPUT_FILE_EXISTS.rawValue) }
        if flags != 0 {
            try api.check(compileAPI.ModelCompilationOptions_SetFlags(options, flags))
        }
        if let optimization {
            try api.check(
                compileAPI.ModelCompilationOptions_SetGraphOptimizationLevel(
                    options, GraphOptimizationLevel(rawValue: UInt32(optimization.rawValue))))
        }
        if let externalInitializers {
            try api.check(
                compileAPI.ModelCompilationOptions_SetOutputModelExternalInitializersFile(
                    options, externalInitializers.path, externalInitializers.minimumByteCount))
        }
        if let contextBinaryLocation {
            try api.check(
                compileAPI.ModelCompilationOptions_SetEpContextBinaryInformation(
                    options, contextBinaryLocation.directory, contextBinaryLocation.modelName))
        }
    }
}

extension API {
    /// ORT's compile API table.
    /// - Throws: ``ORTError/Code/unsupported`` before API version 22, or for a runtime built without it.
    func compileAPI(for feature: String) throws(ORTError) -> UnsafePointer<OrtCompileApi> {
        try require(22, for: feature)
        guard let compileAPI = table.pointee.GetCompileApi?() else {
            throw ORTError(
                .unsupported, "\(feature) needs ONNX Runtime's compile API, which the runtime at \(path) lacks")
        }
        return compileAPI
    }
}
