import CONNXRuntime

/// What a model says about itself.
public struct ModelMetadata: Sendable, Hashable {
    /// The tool that produced the model (`producer_name`).
    public var producerName: String
    /// The main graph's name.
    public var graphName: String
    /// The main graph's documentation string.
    public var graphDescription: String
    /// The model's domain, such as `ai.onnx`.
    public var domain: String
    /// The model's documentation string.
    public var description: String
    /// The model's version number (`model_version`).
    public var version: Int64
    /// The model's custom metadata (`metadata_props`).
    public var custom: [String: String]
}

extension API {
    /// Reads a session's metadata.
    func metadata(of session: OpaquePointer) throws(ORTError) -> ModelMetadata {
        var handle: OpaquePointer?
        try check(table.pointee.SessionGetModelMetadata(session, &handle))
        let metadata = handle!
        defer { table.pointee.ReleaseModelMetadata(metadata) }
        let allocator = try defaultAllocator
        let ortAllocator = UnsafeMutablePointer<OrtAllocator>(allocator)

        func text(
            _ getter: (
                OpaquePointer?, UnsafeMutablePointer<OrtAllocator>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
            )
                -> OpaquePointer?
        ) throws(ORTError) -> String {
            var value: UnsafeMutablePointer<CChar>?
            try check(getter(metadata, ortAllocator, &value))
            return takeString(value, allocator: allocator)
        }

        var version: Int64 = 0
        try check(table.pointee.ModelMetadataGetVersion(metadata, &version))
        var keys: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        var keyCount: Int64 = 0
        try check(table.pointee.ModelMetadataGetCustomMetadataMapKeys(metadata, ortAllocator, &keys, &keyCount))
        var custom: [String: String] = [:]
        for index in 0..<Int(keyCount) {
            let key = takeString(keys![index], allocator: allocator)
            var value: UnsafeMutablePointer<CChar>?
            try check(table.pointee.ModelMetadataLookupCustomMetadataMap(metadata, ortAllocator, key, &value))
            custom[key] = takeString(value, allocator: allocator)
        }
        free(UnsafeMutableRawPointer(keys), allocator: allocator)

        return ModelMetadata(
            producerName: try text(table.pointee.ModelMetadataGetProducerName),
            graphName: try text(table.pointee.ModelMetadataGetGraphName),
            graphDescription: try text(table.pointee.ModelMetadataGetGraphDescription),
            domain: try text(table.pointee.ModelMetadataGetDomain),
            description: try text(table.pointee.ModelMetadataGetDescription),
            version: version,
            custom: custom)
    }
}
