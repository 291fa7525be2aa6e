import CONNXRuntime
import Foundation

extension Environment {
    /// Registers a plugin execution provider library (a shared library exporting `CreateEpFactories` and
    /// `ReleaseEpFactory`, such as OpenVINO's from PyPI) under a name of your choice.
    ///
    /// Its execution providers and devices then appear in ``executionProviderDevices()``, and sessions reach them
    /// by device (``SessionOptions/ExecutionProvider/init(devices:options:)``), by name
    /// (``SessionOptions/ExecutionProvider/init(_:options:)`` with the provider's name), or through a
    /// ``SessionOptions/devicePolicy`` or ``SessionOptions/deviceSelector``.
    ///
    /// ```swift
    /// let environment = try Environment.shared
    /// try environment.registerExecutionProviderLibrary("openvino", path: "/path/to/libonnxruntime_providers_openvino_plugin.so")
    /// for device in try environment.executionProviderDevices() { print(device) }
    /// ```
    /// - Parameters:
    ///   - name: The registration name, used to unregister it; not empty, and not already registered.
    ///   - path: The library file.
    /// - Throws: ``ORTError/Code/invalidArgument`` for an empty or taken name, or a path that is not a file;
    ///   ``ORTError/Code/unsupported`` on ONNX Runtime older than 1.22; an ``ORTError`` from ORT if the library
    ///   cannot be loaded or lacks the entry points.
    ///
    /// The corresponding C function is `RegisterExecutionProviderLibrary`.
    public func registerExecutionProviderLibrary(_ name: String, path: String) throws(ORTError) {
        try api.require(22, for: "plugin execution provider libraries")
        guard !name.isEmpty else {
            throw ORTError(.invalidArgument, "an execution provider library needs a non-empty registration name")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw ORTError(
                .invalidArgument, "execution provider library '\(name)': '\(path)' does not exist or is not a file")
        }
        try executionProviderRegistry.withLock { (registry: inout ExecutionProviderRegistry) throws(ORTError) in
            if let existing = registry.libraries[name] {
                throw ORTError(
                    .invalidArgument,
                    "an execution provider library is already registered as '\(name)' (\(existing)); unregister it "
                        + "first or choose another name")
            }
            do throws(ORTError) {
                try api.check(api.table.pointee.RegisterExecutionProviderLibrary(handle, name, path))
            } catch {
                throw error.context("cannot register execution provider library '\(name)' from '\(path)'")
            }
            registry.libraries[name] = path
            registry.generation &+= 1
        }
    }

    /// Unregisters a plugin execution provider library registered with
    /// ``registerExecutionProviderLibrary(_:path:)``.
    ///
    /// Its devices disappear from ``executionProviderDevices()``; values listed before can no longer be appended to
    /// session options (that throws). A library is not unregistered while a session created on its devices exists.
    /// - Parameter name: The registration name.
    /// - Throws: ``ORTError/Code/invalidArgument`` if nothing is registered under `name`, or if sessions still use
    ///   the library; ``ORTError/Code/unsupported`` on ONNX Runtime older than 1.22.
    ///
    /// The corresponding C function is `UnregisterExecutionProviderLibrary`.
    public func unregisterExecutionProviderLibrary(_ name: String) throws(ORTError) {
        try api.require(22, for: "plugin execution provider libraries")
        try executionProviderRegistry.withLock { (registry: inout ExecutionProviderRegistry) throws(ORTError) in
            guard registry.libraries[name] != nil else {
                let known = registry.libraries.keys.sorted()
                throw ORTError(
                    .invalidArgument,
                    "no execution provider library is registered as '\(name)'; registered: "
                        + (known.isEmpty ? "none" : known.joined(separator: ", ")))
            }
            if let users = registry.leases[name], users > 0 {
                throw ORTError(
                    .invalidArgument,
                    "execution provider library '\(name)' is in use by \(users) session(s); release them first")
            }
            try api.check(api.table.pointee.UnregisterExecutionProviderLibrary(handle, name))
            registry.libraries[name] = nil
            registry.generation &+= 1
        }
    }

    /// The plugin execution provider libraries registered now: registration name to path.
    public var executionProviderLibraries: [String: String] {
        executionProviderRegistry.withLock { $0.libraries }
    }

    /// Every execution provider and device pair ORT offers now: its built-in providers (such as the CPU
    /// provider) and those of registered plugin libraries.
    /// - Returns: The devices, in ORT's order.
    /// - Throws: ``ORTError/Code/unsupported`` on ONNX Runtime older than 1.22.
    ///
    /// The corresponding C function is `GetEpDevices`.
    public func executionProviderDevices() throws(ORTError) -> [ExecutionProviderDevice] {
        try executionProviderRegistry.withLock {
            (registry: inout ExecutionProviderRegistry) throws(ORTError) -> [ExecutionProviderDevice] in
            let pointers = try ExecutionProviderRegistry.devicePointers(environment: self)
            return pointers.enumerated().map {
                ExecutionProviderDevice($0.element, api: api, generation: registry.generation, position: $0.offset)
            }
        }
    }
}
