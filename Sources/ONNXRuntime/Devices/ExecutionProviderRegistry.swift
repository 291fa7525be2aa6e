import CONNXRuntime

/// The plugin execution provider libraries registered with an ``Environment``, and who uses them.
///
/// `OrtEpDevice` pointers belong to the environment and die when their library is unregistered, so none is ever
/// kept: ``ExecutionProviderDevice`` values are copies, and ``resolve(_:)`` finds the live pointer again, under the
/// registry's lock, just before ORT needs it. Session options that appended a plugin library's devices hold a
/// ``Lease`` on it until the session is gone; unregistering a library that is leased is refused.
struct ExecutionProviderRegistry: Sendable {
    /// Registered libraries: registration name to path.
    var libraries: [String: String] = [:]
    /// Bumped at every registration change; devices listed in an older generation are re-resolved by content.
    var generation: UInt64 = 0
    /// Live leases per registration name.
    var leases: [String: Int] = [:]

    /// The environment's devices, read now (call under the registry's lock).
    static func devicePointers(environment: Environment) throws(ORTError) -> [OpaquePointer] {
        let api = environment.api
        try api.require(22, for: "execution provider devices")
        var devices: UnsafePointer<OpaquePointer?>?
        var count = 0
        try api.check(api.table.pointee.GetEpDevices(environment.handle, &devices, &count))
        guard let devices, count > 0 else { return [] }
        return (0..<count).compactMap { devices[$0] }
    }

    /// The registration names whose library provides `device`, from the `library_path` ORT puts in its metadata
    /// (several when one file is registered under several names; none for built-in providers).
    func registrations(of device: ExecutionProviderDevice) -> [String] {
        guard let path = device.metadata["library_path"] else { return [] }
        return libraries.filter { $0.value == path }.map(\.key)
    }

    /// The live `OrtEpDevice` for each of `devices`, in order (call under the registry's lock).
    /// - Throws: ``ORTError/Code/invalidArgument`` when a device is no longer listed (its library was unregistered).
    func resolve(_ devices: [ExecutionProviderDevice], environment: Environment) throws(ORTError) -> [OpaquePointer] {
        let pointers = try Self.devicePointers(environment: environment)
        let api = environment.api
        let current = pointers.enumerated().map {
            ExecutionProviderDevice($0.element, api: api, generation: generation, position: $0.offset)
        }
        var resolved: [OpaquePointer] = []
        for device in devices {
            if device.generation == generation, device.position < current.count,
                current[device.position].sameDevice(as: device)
            {
                resolved.append(pointers[device.position])
            } else if let match = current.firstIndex(where: { $0.sameDevice(as: device) }) {
                resolved.append(pointers[match])
            } else {
                throw ORTError(
                    .invalidArgument,
                    "execution provider device '\(device)' is no longer available (its library was unregistered); "
                        + "list the devices again with Environment.executionProviderDevices()")
            }
        }
        return resolved
    }
}

/// Keeps plugin libraries registered while a session may use their devices; released once, on deinit.
final class ExecutionProviderLease: Sendable {
    let environment: Environment
    let names: [String]

    /// Takes a lease on `names` (call under the registry's lock, passing its value).
    init(names: [String], registry: inout ExecutionProviderRegistry, environment: Environment) {
        self.environment = environment
        self.names = names
        for name in names { registry.leases[name, default: 0] += 1 }
    }

    deinit {
        let names = names
        environment.executionProviderRegistry.withLock { registry in
            for name in names {
                let count = (registry.leases[name] ?? 1) - 1
                registry.leases[name] = count > 0 ? count : nil
            }
        }
    }
}
