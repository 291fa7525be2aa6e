import CONNXRuntime
import Foundation

/// A loaded model, ready to run.
///
/// ```swift
/// let session = try Session(path: "model.onnx")
/// for input in session.inputs { print(input) }      // x: tensor(float) [N, 3]
/// let outputs = try session.run(["x": try Tensor<Float>([1, 2, 3], shape: [1, 3])])
/// let y = try outputs.tensor("y", of: Float.self)
/// ```
///
/// A session may be run from many threads or tasks at once: ORT's `Run` is thread-safe for one session, so no
/// lock is needed (or taken).
public final class Session: @unchecked Sendable {
    // @unchecked: every stored property is immutable after init. The OrtSession is used concurrently only through
    // ORT calls documented as thread-safe (Run, RunAsync, the read-only Session* getters); it is released once.
    let handle: OpaquePointer
    let api: API
    /// Keeps the environment alive as long as the session.
    let environment: Environment
    /// Keeps the per-session logger and the initializers alive as long as the session.
    private let optionsHandle: SessionOptionsHandle
    /// Keeps a shared pre-packed weights container alive as long as the session.
    private let prepackedWeights: PrepackedWeights?
    /// Whether the session was created to record its execution provider assignments.
    var recordsExecutionProviderAssignments: Bool { optionsHandle.recordsExecutionProviderAssignments }
    /// Keeps memory the model reads in place (model editor initializers) alive as long as the session.
    private let retained: [Value]

    /// The model's required inputs, in model order.
    public let inputs: [ValueInfo]
    /// The model's outputs, in model order.
    public let outputs: [ValueInfo]
    /// Initializers that may be fed as inputs to override their stored values.
    public let overridableInitializers: [ValueInfo]
    /// What the model says about itself.
    public let metadata: ModelMetadata

    /// Feedable names (inputs, then overridable initializers) to their position, and their names as C strings.
    let feedIndex: [String: Int]
    let feedInfo: [ValueInfo]
    /// The feedable names alone, in feed order (compared directly for small models, without copying `ValueInfo`s).
    let feedNameList: [String]
    /// Per feed position, what a tensor must look like (nil for non-tensor feeds).
    let feedRequirements: FeedRequirements
    let feedNames: NameTable
    let outputIndex: [String: Int]
    let outputNames: NameTable
    /// The selection used when a run asks for every output, made once.
    let allOutputs: OutputSelection

    /// Loads a model from a file.
    /// - Parameters:
    ///   - path: The `.onnx` file. External data files are looked up beside it.
    ///   - options: How to build the session.
    ///   - prepackedWeights: A container shared with other sessions of the same model, so pre-packed weights are
    ///     made and stored once.
    /// - Throws: ``ORTError/Code/modelNotFound`` if the file is missing or unreadable, ``ORTError/Code/invalidModel``
    ///   if it is empty, truncated or not an ONNX model, or another ``ORTError`` from ORT.
    ///
    /// The corresponding C function is `CreateSession`.
    public convenience init(
        path: String, options: SessionOptions = SessionOptions(), prepackedWeights: PrepackedWeights? = nil
    ) throws(ORTError) {
        try Self.checkModelFile(path)
        let environment = try Environment.shared
        let api = environment.api
        let optionsHandle = try SessionOptionsHandle(options, api: api, environment: environment)
        var handle: OpaquePointer?
        do {
            if let prepackedWeights {
                try api.check(
                    api.table.pointee.CreateSessionWithPrepackedWeightsContainer(
                        environment.handle, path, optionsHandle.handle, prepackedWeights.handle, &handle))
            } else {
                try api.check(api.table.pointee.CreateSession(environment.handle, path, optionsHandle.handle, &handle))
            }
        } catch {
            throw Self.loadError(error, source: "model file '\(path)'")
        }
        try self.init(
            adopting: handle!, api: api, environment: environment, optionsHandle: optionsHandle,
            prepackedWeights: prepackedWeights)
    }

    /// Loads a model from its serialized bytes.
    /// - Parameters:
    ///   - modelData: The contents of an `.onnx` file. External data files must be given in
    ///     ``SessionOptions/externalDataFiles``.
    ///   - options: How to build the session.
    ///   - prepackedWeights: A container shared with other sessions of the same model.
    /// - Throws: ``ORTError/Code/invalidModel`` if the bytes are empty or not a valid model.
    ///
    /// The corresponding C function is `CreateSessionFromArray`.
    public convenience init(
        modelData: some ContiguousBytes, options: SessionOptions = SessionOptions(),
        prepackedWeights: PrepackedWeights? = nil
    ) throws(ORTError) {
        let environment = try Environment.shared
        let api = environment.api
        let optionsHandle = try SessionOptionsHandle(options, api: api, environment: environment)
        var handle: OpaquePointer?
        let status: OpaquePointer?? = modelData.withUnsafeBytes { bytes in
            guard bytes.count > 0 else { return .none }
            if let prepackedWeights {
                return api.table.pointee.CreateSessionFromArrayWithPrepackedWeightsContainer(
                    environment.handle, bytes.baseAddress, bytes.count, optionsHandle.handle, prepackedWeights.handle,
                    &handle)
            }
            return api.table.pointee.CreateSessionFromArray(
                environment.handle, bytes.baseAddress, bytes.count, optionsHandle.handle, &handle)
        }
        guard let status else { throw ORTError(.invalidModel, "model data is empty (0 bytes)") }
        do {
            try api.check(status)
        } catch {
            throw Self.loadError(error, source: "model data")
        }
        try self.init(
            adopting: handle!, api: api, environment: environment, optionsHandle: optionsHandle,
            prepackedWeights: prepackedWeights)
    }

    init(
        adopting handle: OpaquePointer, api: API, environment: Environment, optionsHandle: SessionOptionsHandle,
        prepackedWeights: PrepackedWeights?, retaining retained: [Value] = []
    ) throws(ORTError) {
        // Release the session if describing it fails; after this init succeeds, deinit owns it.
        var ok = false
        defer { if !ok { api.table.pointee.ReleaseSession(handle) } }
        let inputs = try api.describe(handle, .input)
        let outputs = try api.describe(handle, .output)
        let initializers = try api.describe(handle, .overridableInitializer)
        let metadata = try api.metadata(of: handle)
        ok = true

        self.handle = handle
        self.api = api
        self.environment = environment
        self.optionsHandle = optionsHandle
        self.prepackedWeights = prepackedWeights
        self.retained = retained
        self.inputs = inputs
        self.outputs = outputs
        self.overridableInitializers = initializers
        self.metadata = metadata
        self.feedInfo = inputs + initializers
        let feedNameList = feedInfo.map(\.name)
        self.feedNameList = feedNameList
        self.feedRequirements = FeedRequirements(feedInfo)
        self.feedIndex = Dictionary(
            feedNameList.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        self.feedNames = NameTable(feedNameList)
        self.outputIndex = Dictionary(
            outputs.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.outputNames = NameTable(outputs.map(\.name))
        self.allOutputs = OutputSelection(
            positions: Array(outputs.indices), names: outputs.map(\.name), namePointers: self.outputNames.pointers)
    }

    deinit {
        api.table.pointee.ReleaseSession(handle)
    }

    /// Stops profiling and writes the profile.
    /// - Returns: The path of the JSON profile ORT wrote.
    /// - Throws: ``ORTError`` if profiling was not enabled (``SessionOptions/profilingPrefix``) or writing failed.
    ///
    /// The corresponding C function is `SessionEndProfiling`.
    public func endProfiling() throws(ORTError) -> String {
        let allocator = try api.defaultAllocator
        var path: UnsafeMutablePointer<CChar>?
        try api.check(api.table.pointee.SessionEndProfiling(handle, UnsafeMutablePointer(allocator), &path))
        return api.takeString(path, allocator: allocator)
    }

    /// When profiling started, in nanoseconds since the epoch (0 if profiling is off).
    ///
    /// The corresponding C function is `SessionGetProfilingStartTimeNs`.
    public var profilingStartTime: UInt64 {
        var nanoseconds: UInt64 = 0
        if let status = api.table.pointee.SessionGetProfilingStartTimeNs(handle, &nanoseconds) {
            api.table.pointee.ReleaseStatus(status)
        }
        return nanoseconds
    }

    // MARK: - Loading checks

    static func checkModelFile(_ path: String) throws(ORTError) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ORTError(.modelNotFound, "model file '\(path)' does not exist")
        }
        guard !isDirectory.boolValue else {
            throw ORTError(.modelNotFound, "model path '\(path)' is a directory, not an .onnx file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw ORTError(.modelNotFound, "model file '\(path)' is not readable")
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
        guard size != 0 else {
            throw ORTError(.invalidModel, "model file '\(path)' is empty (0 bytes)")
        }
    }

    /// Names the model in ORT's error, classifying the errors that mean it is missing or not a usable model.
    /// - Parameters:
    ///   - error: ORT's error.
    ///   - source: The model, as messages name it ("model file 'x.onnx'", "model data").
    ///   - action: What failed, for the message: "load" or "compile".
    static func loadError(_ error: ORTError, source: String, action: String = "load") -> ORTError {
        switch error.runtimeCode {
        case .invalidProtobuf:
            return ORTError(
                .invalidModel, "\(source) is not a valid ONNX model (corrupt or truncated?): \(error.message)",
                runtimeCode: error.runtimeCode)
        case .invalidGraph:
            return ORTError(
                .invalidModel, "\(source) has a graph ONNX Runtime cannot accept: \(error.message)",
                runtimeCode: error.runtimeCode)
        case .noSuchFile:
            return ORTError(
                .modelNotFound, "cannot \(action) \(source): \(error.message)", runtimeCode: error.runtimeCode)
        default:
            return error.context("cannot \(action) \(source)")
        }
    }
}

/// Names as NUL-terminated C strings, allocated once and freed with the owner.
final class NameTable: @unchecked Sendable {
    // @unchecked: the pointers are written once in init and only read afterwards.
    let pointers: [UnsafePointer<CChar>]

    init(_ names: [String]) {
        pointers = names.map { UnsafePointer(strdup($0)!) }
    }

    deinit {
        for pointer in pointers { free(UnsafeMutablePointer(mutating: pointer)) }
    }
}

extension API {
    enum Feed { case input, output, overridableInitializer }

    /// Names and types of a session's inputs, outputs or overridable initializers.
    func describe(_ session: OpaquePointer, _ feed: Feed) throws(ORTError) -> [ValueInfo] {
        let table = self.table.pointee
        var count = 0
        let getName =
            switch feed {
            case .input: table.SessionGetInputName
            case .output: table.SessionGetOutputName
            case .overridableInitializer: table.SessionGetOverridableInitializerName
            }
        let getInfo =
            switch feed {
            case .input: table.SessionGetInputTypeInfo
            case .output: table.SessionGetOutputTypeInfo
            case .overridableInitializer: table.SessionGetOverridableInitializerTypeInfo
            }
        switch feed {
        case .input: try check(table.SessionGetInputCount(session, &count))
        case .output: try check(table.SessionGetOutputCount(session, &count))
        case .overridableInitializer: try check(table.SessionGetOverridableInitializerCount(session, &count))
        }
        let allocator = try defaultAllocator
        var result: [ValueInfo] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            var name: UnsafeMutablePointer<CChar>?
            try check(getName!(session, index, UnsafeMutablePointer<OrtAllocator>(allocator), &name))
            let text = takeString(name, allocator: allocator)
            var info: OpaquePointer?
            try check(getInfo!(session, index, &info))
            defer { table.ReleaseTypeInfo(info) }
            result.append(ValueInfo(name: text, type: try valueType(info!), denotation: denotation(info!)))
        }
        return result
    }
}
