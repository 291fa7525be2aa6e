#if Server
/// Where an input is read from, or an output written to, in a registered shared memory region: the tensor
/// parameters `shared_memory_region`, `shared_memory_offset` (optional, default 0) and `shared_memory_byte_size`.
package struct SharedMemoryLocation: Sendable, Hashable {
    /// The region's name.
    package var region: String
    /// Where the tensor's bytes start in the region.
    package var offset: Int
    /// How many bytes the tensor takes (an input), or may take at most (an output).
    package var byteSize: Int

    /// Creates a location.
    package init(region: String, offset: Int = 0, byteSize: Int) {
        self.region = region
        self.offset = offset
        self.byteSize = byteSize
    }

    /// The parameter names.
    package static let regionKey = "shared_memory_region"
    package static let offsetKey = "shared_memory_offset"
    package static let byteSizeKey = "shared_memory_byte_size"

    /// Reads a tensor's shared memory parameters.
    /// - Parameters:
    ///   - parameters: The tensor's parameters (REST JSON, or gRPC `InferParameter`s converted to JSON).
    ///   - tensor: How to name the tensor in messages, such as `input 'x'`.
    /// - Returns: `nil` when none of the three parameters is given.
    /// - Throws: ``ServingError`` (400) when the offset or size comes without a region, the size is missing, or a
    ///   value has the wrong type or is negative.
    package static func parse(_ parameters: JSONObject, tensor: String) throws(ServingError) -> SharedMemoryLocation? {
        let region = parameters[regionKey]
        let offset = parameters[offsetKey]
        let byteSize = parameters[byteSizeKey]
        guard let region else {
            for (key, value) in [(offsetKey, offset), (byteSizeKey, byteSize)] where value != nil {
                throw .badRequest(
                    "'\(key)' can not be specified without '\(regionKey)' parameter for tensor: \(tensor)")
            }
            return nil
        }
        guard case .string(let name) = region else {
            throw .badRequest(
                "Unable to parse '\(regionKey)' of \(tensor): expected a string, got \(region.kindDescription)")
        }
        guard let byteSize else {
            throw .badRequest(
                "\(tensor) has '\(regionKey)' but no '\(byteSizeKey)'; give the size of the tensor's data in bytes")
        }
        return SharedMemoryLocation(
            region: name,
            offset: try offset.map { (value) throws(ServingError) in try count(value, offsetKey, tensor) } ?? 0,
            byteSize: try count(byteSize, byteSizeKey, tensor))
    }

    private static func count(_ value: JSONValue, _ key: String, _ tensor: String) throws(ServingError) -> Int {
        guard case .number(let number) = value, let integer = number.int64Value, let count = Int(exactly: integer),
            count >= 0
        else {
            throw .badRequest(
                "Unable to parse '\(key)' of \(tensor): expected a non-negative integer, got \(value.jsonText)")
        }
        return count
    }
}
#endif
