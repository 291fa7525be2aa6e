#if Server
extension InferenceEngine {
    /// Whether clients may use system shared memory (``ServingConfiguration/sharedMemoryEnabled``).
    public var isSharedMemoryEnabled: Bool { sharedMemory != nil }

    /// The number of registered system shared memory regions.
    public var sharedMemoryRegionCount: Int { sharedMemory?.count ?? 0 }

    /// Registers a system shared memory region: part of the POSIX shared memory object `key`, mapped once and
    /// usable by name in requests' `shared_memory_region` parameters.
    /// - Parameters:
    ///   - name: The region's name; must not be registered already.
    ///   - key: The shared memory object's name, as given to `shm_open` (such as `/input_simple`).
    ///   - offset: Where the region starts in the object, in bytes.
    ///   - byteSize: The region's size in bytes.
    /// - Throws: ``ServingError``: 403 when shared memory is off; `alreadyExists` (400) for a name in use; 400 for a
    ///   range outside the object or a bad key; 500 when the object cannot be opened or mapped (as Triton answers).
    public func registerSystemSharedMemory(name: String, key: String, offset: Int, byteSize: Int)
        throws(ServingError)
    {
        try enabledRegistry().register(name: name, key: key, offset: offset, byteSize: byteSize)
    }

    /// The registered system shared memory regions, sorted by name, or the one named.
    /// - Parameter region: A region's name, or `nil` for all of them.
    /// - Throws: ``ServingError``: 403 when shared memory is off, 404 for an unknown region.
    public func systemSharedMemoryStatus(region: String? = nil) throws(ServingError) -> [SharedMemoryRegionStatus] {
        try enabledRegistry().status(name: region)
    }

    /// Unregisters the region named `region`, or every region when it is `nil`. An unknown name is not an error.
    /// Requests using a region keep it mapped until they finish.
    /// - Throws: ``ServingError`` (403) when shared memory is off.
    public func unregisterSystemSharedMemory(region: String? = nil) throws(ServingError) {
        try enabledRegistry().unregister(name: region)
    }

    /// CUDA shared memory status: this server has no GPU memory to share, so no region is ever registered; without
    /// a name the (empty) list is the answer, as a Triton without GPUs gives.
    /// - Throws: ``ServingError``: 403 when shared memory is off, 404 for a named region (with Triton's text).
    package func checkCUDASharedMemoryStatus(region: String?) throws(ServingError) {
        let registry = try enabledRegistry()
        guard let region, !region.isEmpty else { return }
        if (try? registry.region(named: region)) != nil {
            throw .notFound(
                "The region named '\(region)' is registered as system shared memory, not CUDA shared memory")
        }
        throw .notFound("Unable to find cuda shared memory region: '\(region)'")
    }

    /// CUDA shared memory registration: refused, this server has no GPU memory to share.
    /// - Throws: ``ServingError`` (400), always.
    package func registerCUDASharedMemory(name: String) throws(ServingError) {
        _ = try enabledRegistry()
        throw .badRequest(
            "failed to register CUDA shared memory region: '\(name)', GPUs not supported: this server runs ONNX "
                + "Runtime on the CPU and supports system shared memory only (/v2/systemsharedmemory)")
    }

    /// CUDA shared memory unregistration: there is never anything to unregister, so it succeeds (as in Triton).
    /// - Throws: ``ServingError`` (403) when shared memory is off.
    package func unregisterCUDASharedMemory(region: String?) throws(ServingError) {
        _ = try enabledRegistry()
    }

    private func enabledRegistry() throws(ServingError) -> SharedMemoryRegistry {
        guard let sharedMemory else { throw SharedMemoryRegistry.disabledError }
        return sharedMemory
    }
}
#endif
