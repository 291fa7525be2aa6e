import CONNXRuntime
import Foundation

/// How well a compiled (EPContext) model suits an execution provider's devices, as the provider judges it.
///
/// When a provider compiles a model it may record a compatibility string in the model's metadata (under
/// `ep_compatibility_info.<provider name>`). Before loading the model on another machine, or after a driver update,
/// ask the provider whether that string still fits its devices:
///
/// ```swift
/// let environment = try Environment.shared
/// let devices = try environment.executionProviderDevices().filter { $0.executionProvider == "MyNPU" }
/// switch try environment.compiledModelCompatibility(ofModelAt: "model_ctx.onnx", devices: devices) {
/// case .supportedOptimal?: break                       // load it
/// case .supportedPreferRecompilation?, .unsupported?:  // compile the original model again
///     try ModelCompiler(path: "model.onnx", options: options).compile(to: "model_ctx.onnx")
/// default: break                                       // no opinion: try loading it
/// }
/// ```
public struct CompiledModelCompatibility: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// ORT's value (`OrtCompiledModelCompatibility`).
    public let rawValue: UInt32
    /// Wraps ORT's value.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// The provider has no opinion (it does not record compatibility, or the string is not its own).
    public static let notApplicable = Self(rawValue: OrtCompiledModelCompatibility_EP_NOT_APPLICABLE.rawValue)
    /// The compiled model suits the devices as it is.
    public static let supportedOptimal = Self(rawValue: OrtCompiledModelCompatibility_EP_SUPPORTED_OPTIMAL.rawValue)
    /// The compiled model runs, but compiling it again would give a better one.
    public static let supportedPreferRecompilation = Self(
        rawValue: OrtCompiledModelCompatibility_EP_SUPPORTED_PREFER_RECOMPILATION.rawValue)
    /// The compiled model cannot run on the devices: compile the original again.
    public static let unsupported = Self(rawValue: OrtCompiledModelCompatibility_EP_UNSUPPORTED.rawValue)

    /// The case name, such as `supportedOptimal`.
    public var description: String {
        switch self {
        case .notApplicable: "notApplicable"
        case .supportedOptimal: "supportedOptimal"
        case .supportedPreferRecompilation: "supportedPreferRecompilation"
        case .unsupported: "unsupported"
        default: "CompiledModelCompatibility(\(rawValue))"
        }
    }
}

extension ModelCompiler {
    /// The compatibility string an execution provider recorded in a compiled model, if any.
    /// - Parameters:
    ///   - path: The compiled `.onnx` file.
    ///   - executionProvider: The provider's name, such as ``ExecutionProviderDevice/executionProvider``.
    /// - Returns: The string, or `nil` when the model holds none for that provider (an uncompiled model, or one
    ///   compiled for another provider).
    /// - Throws: ``ORTError/Code/modelNotFound`` or ``ORTError/Code/invalidModel`` for a missing, empty or non-ONNX
    ///   file; ``ORTError/Code/invalidArgument`` for an empty provider name; ``ORTError/Code/unsupported`` before
    ///   ONNX Runtime 1.24.
    ///
    /// The corresponding C function is `GetCompatibilityInfoFromModel`.
    public static func compatibilityInfo(ofModelAt path: String, executionProvider: String) throws(ORTError)
        -> String?
    {
        try Session.checkModelFile(path)
        return try compatibilityInfo(source: "model file '\(path)'", executionProvider: executionProvider) {
            api, allocator, out in
            api.table.pointee.GetCompatibilityInfoFromModel(path, executionProvider, allocator, &out)
        }
    }

    /// The compatibility string an execution provider recorded in a compiled model held in memory, if any.
    /// - Parameters:
    ///   - modelData: The compiled model's bytes.
    ///   - executionProvider: The provider's name.
    /// - Returns: The string, or `nil` when the model holds none for that provider.
    /// - Throws: As ``compatibilityInfo(ofModelAt:executionProvider:)``.
    ///
    /// The corresponding C function is `GetCompatibilityInfoFromModelBytes`.
    public static func compatibilityInfo(ofModelData modelData: [UInt8], executionProvider: String) throws(ORTError)
        -> String?
    {
        guard !modelData.isEmpty else { throw ORTError(.invalidModel, "model data is empty (0 bytes)") }
        return try compatibilityInfo(source: "model data", executionProvider: executionProvider) {
            api, allocator, out in
            modelData.withUnsafeBytes { bytes in
                api.table.pointee.GetCompatibilityInfoFromModelBytes(
                    bytes.baseAddress, bytes.count, executionProvider, allocator, &out)
            }
        }
    }

    private static func compatibilityInfo(
        source: String, executionProvider: String,
        _ call: (API, UnsafeMutablePointer<OrtAllocator>, inout UnsafeMutablePointer<CChar>?) -> OpaquePointer?
    ) throws(ORTError) -> String? {
        guard !executionProvider.isEmpty else {
            throw ORTError(.invalidArgument, "the execution provider's name is empty")
        }
        let api = try API.get()
        try api.require(24, for: "reading a compiled model's compatibility info")
        let allocator = try api.defaultAllocator
        var info: UnsafeMutablePointer<CChar>?
        do {
            try api.check(call(api, UnsafeMutablePointer(allocator), &info))
        } catch {
            throw Session.loadError(error, source: source)
        }
        guard let info else { return nil }
        return api.takeString(info, allocator: allocator)
    }
}

extension Environment {
    /// Asks an execution provider whether a compiled model's compatibility string suits some of its devices.
    /// - Parameters:
    ///   - compatibilityInfo: The string recorded in the model (see
    ///     ``ModelCompiler/compatibilityInfo(ofModelAt:executionProvider:)``).
    ///   - devices: Devices from ``executionProviderDevices()``, all of one execution provider.
    /// - Returns: The provider's verdict.
    /// - Throws: ``ORTError/Code/invalidArgument`` for no devices, devices of several providers, or a device whose
    ///   library was unregistered; ``ORTError/Code/unsupported`` before ONNX Runtime 1.23.
    ///
    /// The corresponding C function is `GetModelCompatibilityForEpDevices`.
    public func compiledModelCompatibility(_ compatibilityInfo: String, devices: [ExecutionProviderDevice])
        throws(ORTError) -> CompiledModelCompatibility
    {
        try api.require(23, for: "checking a compiled model's compatibility")
        guard let first = devices.first else {
            throw ORTError(.invalidArgument, "checking a compiled model's compatibility needs at least one device")
        }
        let providers = Set(devices.map(\.executionProvider))
        guard providers.count == 1 else {
            throw ORTError(
                .invalidArgument,
                "the devices must all belong to one execution provider, got \(providers.sorted().joined(separator: ", "))"
            )
        }
        return try executionProviderRegistry.withLock {
            (registry: inout ExecutionProviderRegistry) throws(ORTError) -> CompiledModelCompatibility in
            // Resolved and used under the registry's lock: no library can be unregistered in between.
            let pointers = try registry.resolve(devices, environment: self)
            var result = OrtCompiledModelCompatibility_EP_NOT_APPLICABLE
            let devicePointers: [OpaquePointer?] = pointers
            let status = devicePointers.withUnsafeBufferPointer {
                api.table.pointee.GetModelCompatibilityForEpDevices(
                    $0.baseAddress, $0.count, compatibilityInfo, &result)
            }
            do throws(ORTError) {
                try api.check(status)
            } catch {
                throw error.context("cannot check compatibility with \(first.executionProvider)")
            }
            return CompiledModelCompatibility(rawValue: result.rawValue)
        }
    }

    /// Reads the compatibility string the devices' execution provider recorded in a compiled model, and asks the
    /// provider whether it suits the devices.
    /// - Parameters:
    ///   - path: The compiled `.onnx` file.
    ///   - devices: Devices from ``executionProviderDevices()``, all of one execution provider.
    /// - Returns: The provider's verdict, or `nil` when the model holds no compatibility string for that provider
    ///   (it was not compiled for it, or the provider records none).
    /// - Throws: The errors of ``ModelCompiler/compatibilityInfo(ofModelAt:executionProvider:)`` and
    ///   ``compiledModelCompatibility(_:devices:)``.
    public func compiledModelCompatibility(ofModelAt path: String, devices: [ExecutionProviderDevice])
        throws(ORTError) -> CompiledModelCompatibility?
    {
        guard let provider = devices.first?.executionProvider else {
            throw ORTError(.invalidArgument, "checking a compiled model's compatibility needs at least one device")
        }
        guard let info = try ModelCompiler.compatibilityInfo(ofModelAt: path, executionProvider: provider) else {
            return nil
        }
        return try compiledModelCompatibility(info, devices: devices)
    }
}
