#if Server
import ONNXRuntime

/// The system shared memory regions clients have registered, by name (Triton's system shared memory extension).
///
/// Registering maps the region once; requests look regions up by name and hold a reference while they run, so
/// unregistering never unmaps memory a request is still reading or writing (the last reference unmaps it).
package final class SharedMemoryRegistry: Sendable {
    private let regions = Locked([String: SharedMemoryRegion]())

    /// Creates an empty registry.
    package init() {}

    /// The number of registered regions.
    package var count: Int { regions.withLock { $0.count } }

    /// Maps part of a POSIX shared memory object as the region `name`.
    /// - Parameters:
    ///   - name: The region's name; must not be registered already.
    ///   - key: The shared memory object's name, as given to `shm_open`.
    ///   - offset: Where the region starts in the object, in bytes.
    ///   - byteSize: The region's size in bytes.
    /// - Throws: ``ServingError``: `alreadyExists` for a name in use (Triton's text), and what
    ///   ``SharedMemoryRegion/init(name:key:offset:byteSize:)`` throws.
    package func register(name: String, key: String, offset: Int, byteSize: Int) throws(ServingError) {
        guard !name.isEmpty else {
            throw .badRequest("'region name' is necessary to register system shared memory region")
        }
        try checkFree(name)
        // Mapped outside the lock (it makes system calls); a concurrent registration of the same name wins or loses
        // below, and the loser's mapping is unmapped when it is dropped.
        let region = try SharedMemoryRegion(name: name, key: key, offset: offset, byteSize: byteSize)
        let inserted = regions.withLock { regions in
            guard regions[name] == nil else { return false }
            regions[name] = region
            return true
        }
        guard inserted else { throw Self.alreadyRegistered(name) }
    }

    private func checkFree(_ name: String) throws(ServingError) {
        if regions.withLock({ $0[name] }) != nil { throw Self.alreadyRegistered(name) }
    }

    private static func alreadyRegistered(_ name: String) -> ServingError {
        ServingError(
            .alreadyExists,
            "shared memory region '\(name)' already in manager; unregister it first to register it again")
    }

    /// The region named `name`, for a request to use.
    /// - Throws: ``ServingError`` (404, Triton's text) when no region has that name.
    package func region(named name: String) throws(ServingError) -> SharedMemoryRegion {
        guard let region = regions.withLock({ $0[name] }) else {
            throw .notFound("Unable to find shared memory region: '\(name)'")
        }
        return region
    }

    /// The status of every region (sorted by name), or of the one named.
    /// - Throws: ``ServingError`` (404, Triton's text) for an unknown name.
    package func status(name: String?) throws(ServingError) -> [SharedMemoryRegionStatus] {
        guard let name, !name.isEmpty else {
            return regions.withLock { $0.values.map(\.status) }.sorted { $0.name < $1.name }
        }
        guard let region = regions.withLock({ $0[name] }) else {
            throw .notFound("Unable to find system shared memory region: '\(name)'")
        }
        return [region.status]
    }

    /// Forgets the region named `name`, or every region when `name` is `nil` or empty. An unknown name is not an
    /// error (as in Triton). Requests still using a region keep it mapped until they finish.
    package func unregister(name: String?) {
        let removed: [SharedMemoryRegion] = regions.withLock { regions in
            guard let name, !name.isEmpty else {
                defer { regions.removeAll() }
                return Array(regions.values)
            }
            return regions.removeValue(forKey: name).map { [$0] } ?? []
        }
        // Dropped here, outside the lock: the last reference unmaps.
        _ = removed
    }
}
#endif
