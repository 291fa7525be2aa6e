/// One registered system shared memory region, as the shared memory extension reports it
/// (`GET /v2/systemsharedmemory[/region/NAME]/status`).
public struct SharedMemoryRegionStatus: Sendable, Hashable {
    /// The region's name, which requests use in their `shared_memory_region` parameter.
    public var name: String
    /// The POSIX shared memory object the region lies in, as given to `shm_open` (such as `/input_simple`).
    public var key: String
    /// Where the region starts in the object, in bytes.
    public var offset: Int
    /// The region's size in bytes.
    public var byteSize: Int

    /// Creates a region status.
    /// - Parameters:
    ///   - name: The region's name.
    ///   - key: The shared memory object's name.
    ///   - offset: Where the region starts in the object, in bytes.
    ///   - byteSize: The region's size in bytes.
    public init(name: String, key: String, offset: Int, byteSize: Int) {
        self.name = name
        self.key = key
        self.offset = offset
        self.byteSize = byteSize
    }

    /// The JSON object: `{"name", "key", "offset", "byte_size"}`.
    package var json: JSONValue {
        .object([
            "name": .string(name),
            "key": .string(key),
            "offset": .number(.int(Int64(offset))),
            "byte_size": .number(.int(Int64(byteSize))),
        ])
    }
}
