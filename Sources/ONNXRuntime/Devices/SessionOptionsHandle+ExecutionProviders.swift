import CONNXRuntime
import Foundation

extension SessionOptionsHandle {
    /// Appends the execution providers of `options` in order, then sets its device policy or selector.
    ///
    /// Built-in providers go through `SessionOptionsAppendExecutionProvider`; plugin providers (chosen by device,
    /// or named) through `SessionOptionsAppendExecutionProvider_V2`, with devices resolved under the registry's
    /// lock and a lease on their libraries taken in the same critical section, so no library can be unregistered
    /// between finding its devices and the session that uses them being released.
    func appendProviders(_ options: SessionOptions) throws(ORTError) {
        if options.devicePolicy != nil, options.deviceSelector != nil {
            throw ORTError(
                .invalidArgument, "set either a device policy or a device selector, not both: ORT uses one of them")
        }
        let providers = options.executionProviders
        let usesDevices =
            providers.contains { $0.devices != nil } || options.devicePolicy != nil || options.deviceSelector != nil
        guard !providers.isEmpty || usesDevices else { return }
        let builtIn = try RuntimeLibrary.availableProviders
        let environment = environment
        try environment.executionProviderRegistry.withLock {
            (registry: inout ExecutionProviderRegistry) throws(ORTError) in
            var leased: Set<String> = []
            for provider in providers {
                if let devices = provider.devices {
                    try appendDevices(devices, provider: provider, registry: registry, leased: &leased)
                } else {
                    try appendNamed(provider, builtIn: builtIn, registry: registry, leased: &leased)
                }
            }
            if let policy = options.devicePolicy {
                try api.require(22, for: "a device policy")
                try api.check(
                    api.table.pointee.SessionOptionsSetEpSelectionPolicy(
                        handle, OrtExecutionProviderDevicePolicy(rawValue: policy.rawValue)))
                leased.formUnion(registry.libraries.keys)  // ORT may pick any registered library's device
            }
            if let selector = options.deviceSelector {
                try api.require(22, for: "a device selector")
                let box = DeviceSelectorBox(selector, api: api)
                try api.check(
                    api.table.pointee.SessionOptionsSetEpSelectionPolicyDelegate(
                        handle, DeviceSelectorBox.callback, box.context))
                deviceSelectorBox = box
                leased.formUnion(registry.libraries.keys)
            }
            if !leased.isEmpty {
                executionProviderLease = ExecutionProviderLease(
                    names: leased.sorted(), registry: &registry, environment: environment)
            }
        }
    }

    private func appendNamed(
        _ provider: SessionOptions.ExecutionProvider, builtIn: [String], registry: ExecutionProviderRegistry,
        leased: inout Set<String>
    ) throws(ORTError) {
        let fullName =
            SessionOptions.providerShortNames.first(where: { $0.value.lowercased() == provider.name.lowercased() })?
            .key ?? provider.name
        if fullName == "CPUExecutionProvider" || provider.name.uppercased() == "CPU" {
            return  // always present; ORT appends it last by itself
        }
        if builtIn.contains(fullName) {
            let shortName = SessionOptions.providerShortNames[fullName] ?? provider.name
            do throws(ORTError) {
                try withCStringPairs(provider.options) { keys, values, count throws(ORTError) in
                    try api.check(
                        api.table.pointee.SessionOptionsAppendExecutionProvider(
                            handle, shortName, keys, values, count))
                }
            } catch {
                throw error.context("cannot add execution provider '\(provider.name)'")
            }
            return
        }
        // Not built in: a plugin provider registered under that EP name runs on all of its devices.
        var plugin: [ExecutionProviderDevice] = []
        if api.version >= 22, !registry.libraries.isEmpty {
            let pointers = try ExecutionProviderRegistry.devicePointers(environment: environment)
            plugin = pointers.enumerated()
                .map {
                    ExecutionProviderDevice(
                        $0.element, api: api, generation: registry.generation, position: $0.offset)
                }
                .filter { $0.executionProvider.lowercased() == provider.name.lowercased() }
            // The same provider may come from several registered libraries (or one file registered under several
            // names); one provider instance runs on one library's devices, so use the first library's, once each.
            if let library = plugin.first?.metadata["library_path"] {
                plugin = plugin.filter { $0.metadata["library_path"] == library }
            }
            var unique: [ExecutionProviderDevice] = []
            for device in plugin where !unique.contains(where: { $0.sameDevice(as: device) }) {
                unique.append(device)
            }
            plugin = unique
        }
        guard !plugin.isEmpty else {
            let pluginNames =
                registry.libraries.isEmpty
                ? ""
                : "; registered plugin libraries: "
                    + registry.libraries.keys.sorted().joined(separator: ", ")
            throw ORTError(
                .unsupported,
                "execution provider '\(provider.name)' is not available in this ONNX Runtime build, and no registered "
                    + "plugin library offers it (a registered library whose provider lists no device cannot run); "
                    + "built in: " + builtIn.joined(separator: ", ") + pluginNames)
        }
        try appendDevices(plugin, provider: provider, registry: registry, leased: &leased)
    }

    private func appendDevices(
        _ devices: [ExecutionProviderDevice], provider: SessionOptions.ExecutionProvider,
        registry: ExecutionProviderRegistry, leased: inout Set<String>
    ) throws(ORTError) {
        try api.require(22, for: "execution providers chosen by device")
        guard let first = devices.first else {
            throw ORTError(.invalidArgument, "an execution provider chosen by device needs at least one device")
        }
        if let other = devices.first(where: { $0.executionProvider != first.executionProvider }) {
            throw ORTError(
                .invalidArgument,
                "devices appended together must belong to one execution provider; got '\(first.executionProvider)' "
                    + "and '\(other.executionProvider)' (add one ExecutionProvider per provider)")
        }
        if let emptyKey = provider.options.keys.first(where: { $0.isEmpty }) {
            throw ORTError(
                .invalidArgument,
                "execution provider '\(first.executionProvider)' option with an empty key (value "
                    + "'\(provider.options[emptyKey] ?? "")'); every option needs a name")
        }
        let pointers = try registry.resolve(devices, environment: environment)
        do throws(ORTError) {
            try withCStringPairs(provider.options) { keys, values, count throws(ORTError) in
                try pointers.map { Optional($0) }.withUnsafeBufferPointer { buffer throws(ORTError) in
                    try api.check(
                        api.table.pointee.SessionOptionsAppendExecutionProvider_V2(
                            handle, environment.handle, buffer.baseAddress, buffer.count, keys, values, count))
                }
            }
        } catch {
            throw error.context("cannot add execution provider '\(first.executionProvider)'")
        }
        for device in devices {
            leased.formUnion(registry.registrations(of: device))
        }
    }

    /// Lends `pairs` (sorted by key) as C string arrays.
    private func withCStringPairs<Result>(
        _ pairs: [String: String],
        _ body: ([UnsafePointer<CChar>?], [UnsafePointer<CChar>?], Int) throws(ORTError) -> Result
    ) throws(ORTError) -> Result {
        let entries = pairs.sorted { $0.key < $1.key }
        let keys = entries.map { strdup($0.key) }
        let values = entries.map { strdup($0.value) }
        defer {
            keys.forEach { free($0) }
            values.forEach { free($0) }
        }
        return try body(keys.map { UnsafePointer($0) }, values.map { UnsafePointer($0) }, entries.count)
    }
}
