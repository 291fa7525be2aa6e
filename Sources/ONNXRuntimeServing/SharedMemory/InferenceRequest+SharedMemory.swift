#if Server
extension InferenceRequest {
    /// The names of the shared memory regions the request's inputs and outputs use.
    package var sharedMemoryRegionNames: Set<String> {
        var names: Set<String> = []
        for input in inputs {
            if case .sharedMemory(let location) = input.data { names.insert(location.region) }
        }
        for output in outputs ?? [] {
            if let location = output.sharedMemory { names.insert(location.region) }
        }
        return names
    }

    /// Looks up every region the request names and keeps a reference to each for as long as the request lives.
    /// - Parameter registry: The registered regions, or `nil` when the server has shared memory turned off.
    /// - Throws: ``ServingError``: 403 when shared memory is off, 404 (Triton's text) for a region that is not
    ///   registered.
    package mutating func attachSharedMemory(from registry: SharedMemoryRegistry?) throws(ServingError) {
        let names = sharedMemoryRegionNames
        guard !names.isEmpty else { return }
        guard let registry else { throw SharedMemoryRegistry.disabledError }
        var regions: [String: SharedMemoryRegion] = [:]
        for name in names.sorted() {
            regions[name] = try registry.region(named: name)
        }
        sharedMemoryRegions = regions
    }
}

extension SharedMemoryRegistry {
    /// The answer to every shared memory request when the extension is turned off.
    package static let disabledError = ServingError(
        .forbidden,
        "system shared memory is disabled on this server (ort serve --disable-shared-memory); send tensors in the "
            + "request body instead")
}
#endif
