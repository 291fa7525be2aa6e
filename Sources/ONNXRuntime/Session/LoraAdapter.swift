import CONNXRuntime
import Foundation

/// A LoRA adapter: a set of parameter values that replace model inputs (usually overridable initializers) for the
/// runs whose ``RunOptions`` activate it. Needs ONNX Runtime 1.20 or newer.
///
/// ```swift
/// let adapter = try LoraAdapter(path: "style.onnx_adapter")
/// let options = try RunOptions(activeAdapters: [adapter])
/// let outputs = try session.run(inputs, options: options)
/// ```
public final class LoraAdapter: @unchecked Sendable {
    // @unchecked: the adapter is immutable after loading; ORT only reads it during runs.
    let handle: OpaquePointer
    let api: API

    /// Loads an adapter file (`.onnx_adapter`, ORT's adapter format).
    /// - Throws: ``ORTError/Code/modelNotFound`` if the file is missing, ``ORTError/Code/unsupported`` before ORT 1.20,
    ///   or ORT's error for a corrupt file.
    ///
    /// The corresponding C function is `CreateLoraAdapter`.
    public init(path: String) throws(ORTError) {
        let api = try API.get()
        try api.require(20, for: "LoRA adapters")
        guard FileManager.default.fileExists(atPath: path) else {
            throw ORTError(.modelNotFound, "LoRA adapter file '\(path)' does not exist")
        }
        var handle: OpaquePointer?
        do {
            try api.check(api.table.pointee.CreateLoraAdapter(path, nil, &handle))
        } catch {
            throw error.context("cannot load LoRA adapter '\(path)'")
        }
        self.handle = handle!
        self.api = api
    }

    /// Loads an adapter from its bytes.
    ///
    /// The corresponding C function is `CreateLoraAdapterFromArray`.
    public init(bytes: some ContiguousBytes) throws(ORTError) {
        let api = try API.get()
        try api.require(20, for: "LoRA adapters")
        var handle: OpaquePointer?
        let status: OpaquePointer?? = bytes.withUnsafeBytes { raw in
            guard raw.count > 0 else { return .none }
            return api.table.pointee.CreateLoraAdapterFromArray(raw.baseAddress, raw.count, nil, &handle)
        }
        guard let status else { throw ORTError(.invalidArgument, "LoRA adapter data is empty") }
        do {
            try api.check(status)
        } catch {
            throw error.context("cannot load LoRA adapter")
        }
        self.handle = handle!
        self.api = api
    }

    deinit {
        api.table.pointee.ReleaseLoraAdapter(handle)
    }
}

/// Pre-packed weights shared between sessions of the same model, so each packs (and stores) them once.
///
/// ```swift
/// let shared = try PrepackedWeights()
/// let a = try Session(path: "model.onnx", prepackedWeights: shared)
/// let b = try Session(path: "model.onnx", prepackedWeights: shared)
/// ```
public final class PrepackedWeights: @unchecked Sendable {
    // @unchecked: ORT synchronises access to the container internally; the handle never changes.
    let handle: OpaquePointer
    let api: API

    /// Creates an empty container.
    ///
    /// The corresponding C function is `CreatePrepackedWeightsContainer`.
    public init() throws(ORTError) {
        let api = try API.get()
        var handle: OpaquePointer?
        try api.check(api.table.pointee.CreatePrepackedWeightsContainer(&handle))
        self.handle = handle!
        self.api = api
    }

    deinit {
        api.table.pointee.ReleasePrepackedWeightsContainer(handle)
    }
}
