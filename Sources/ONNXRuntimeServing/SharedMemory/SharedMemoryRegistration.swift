#if Server
/// The body of a system shared memory register request (`$system_shared_memory_register_request`):
/// `{"key": $string, "offset": $number, "byte_size": $number}`, `offset` optional (0).
package struct SharedMemoryRegistration: Sendable, Hashable {
    /// The shared memory object's name, as given to `shm_open`.
    package var key: String
    /// Where the region starts in the object, in bytes.
    package var offset: Int
    /// The region's size in bytes.
    package var byteSize: Int

    /// Reads a register request body.
    /// - Parameter object: The JSON body.
    /// - Throws: ``ServingError`` (400): Triton's text for a missing `key` or `byte_size`, and a clear message for
    ///   values of the wrong type or negative ones.
    package init(json object: JSONObject) throws(ServingError) {
        guard let keyValue = object["key"] else {
            throw .badRequest("Shared memory register request has no 'key' field")
        }
        guard case .string(let key) = keyValue else {
            throw .badRequest(
                "Shared memory register request: 'key' must be a string, got \(keyValue.kindDescription)")
        }
        guard let byteSize = object["byte_size"] else {
            throw .badRequest("Shared memory register request has no 'byte_size' field")
        }
        self.key = key
        self.offset = try object["offset"].map { (value) throws(ServingError) in try Self.size(value, "offset") } ?? 0
        self.byteSize = try Self.size(byteSize, "byte_size")
    }

    private static func size(_ value: JSONValue, _ field: String) throws(ServingError) -> Int {
        guard case .number(let number) = value, let integer = number.int64Value, let size = Int(exactly: integer),
            size >= 0
        else {
            throw .badRequest(
                "Shared memory register request: '\(field)' must be a non-negative integer, got \(value.jsonText)")
        }
        return size
    }
}
#endif
