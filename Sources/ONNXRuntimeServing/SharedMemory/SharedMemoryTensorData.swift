#if Server
import ONNXRuntime

/// Tensors read from and written to shared memory regions, laid out as binary tensor data.
enum SharedMemoryTensorData {
    /// A checked region and location: the range lies inside the region.
    struct Target: Sendable {
        var region: SharedMemoryRegion
        var location: SharedMemoryLocation

        /// The target's bytes (valid while `region` lives).
        var bytes: UnsafeMutableRawBufferPointer {
            region.bytes(at: location.offset, count: location.byteSize)
        }

        /// The parameters an output written here carries in the response: the region, the offset and the bytes
        /// written (an output has no data in the response).
        func responseParameters(written: Int) -> JSONValue {
            .object([
                SharedMemoryLocation.regionKey: .string(location.region),
                SharedMemoryLocation.offsetKey: .number(.int(Int64(location.offset))),
                SharedMemoryLocation.byteSizeKey: .number(.int(Int64(written))),
            ])
        }
    }

    /// Resolves a location against the regions a request holds and checks its range.
    /// - Throws: ``ServingError``: 404 for a region the request does not hold (not registered), 400 for a range
    ///   outside the region.
    static func target(_ location: SharedMemoryLocation, in request: InferenceRequest) throws(ServingError) -> Target {
        guard let region = request.sharedMemoryRegions[location.region] else {
            throw .notFound("Unable to find shared memory region: '\(location.region)'")
        }
        try region.checkRange(offset: location.offset, byteSize: location.byteSize)
        return Target(region: region, location: location)
    }

    /// Checks that an input's `shared_memory_byte_size` is the size its shape and datatype take (fixed-size
    /// datatypes; BYTES are checked element by element on their copy).
    static func checkSize(_ target: Target, datatype: DataType, shape: [Int], count: Int, name: String)
        throws(ServingError)
    {
        guard let elementSize = datatype.elementSize else { return }
        let (expected, overflow) = count.multipliedReportingOverflow(by: elementSize)
        guard !overflow, expected == target.location.byteSize else {
            throw .badRequest(
                "input byte size mismatch for input '\(name)': shape \(shape) of \(datatype) takes "
                    + "\(overflow ? "too many" : String(expected)) bytes, but 'shared_memory_byte_size' is "
                    + "\(target.location.byteSize)")
        }
    }

    /// A copy of the target's bytes, for inputs whose contents are checked (BYTES, BOOL): checked and used once, so
    /// a client writing the region meanwhile cannot change what was checked.
    static func copy(_ target: Target) -> [UInt8] {
        Array(UnsafeRawBufferPointer(target.bytes))
    }

    /// An input tensor over the target's bytes: in place when the bytes are aligned for the element type (the
    /// tensor then keeps the region mapped until it is released), otherwise copied once.
    static func makeValue(_ target: Target, datatype: DataType, shape: [Int], count: Int, name: String)
        throws(ServingError) -> Value
    {
        switch datatype {
        case .bytes, .bool:
            return try BinaryTensorData.makeValue(
                ArraySlice(copy(target)), datatype: datatype, shape: shape, count: count, name: name)
        default:
            let bytes = target.bytes
            let alignment = datatype.elementSize ?? 1
            do {
                if let base = bytes.baseAddress, Int(bitPattern: base) % alignment == 0 {
                    let region = target.region
                    return try Value(
                        bytesNoCopy: bytes, elementType: datatype.elementType, shape: shape,
                        deallocator: .custom { _ in withExtendedLifetime(region) {} })
                }
                return try Value(
                    rawBytes: UnsafeRawBufferPointer(bytes), elementType: datatype.elementType, shape: shape)
            } catch {
                throw .internal("input '\(name)': could not create the tensor: \(error)")
            }
        }
    }

    /// Writes an output into its target, laid out as binary data.
    /// - Returns: The number of bytes written.
    /// - Throws: ``ServingError`` (400, beginning with Triton's text) when the output is larger than the target.
    static func write(_ value: Value, datatype: DataType, to target: Target, name: String) throws(ServingError) -> Int {
        do {
            if datatype == .bytes {
                var data: [UInt8] = []
                try InferenceResponseEncoder.appendBinary(value, datatype: datatype, to: &data)
                try checkFits(data.count, target, name)
                data.withUnsafeBytes { source in
                    if let from = source.baseAddress, !source.isEmpty {
                        target.bytes.baseAddress?.copyMemory(from: from, byteCount: source.count)
                    }
                }
                return data.count
            }
            return try value.withUnsafeRawBytes { (raw) throws(ServingError) -> Int in
                try checkFits(raw.count, target, name)
                if let source = raw.baseAddress, raw.count > 0 {
                    target.bytes.baseAddress?.copyMemory(from: source, byteCount: raw.count)
                }
                return raw.count
            }
        } catch let error as ServingError {
            throw error
        } catch {
            throw .internal("output '\(name)': could not read the tensor: \(error)")
        }
    }

    private static func checkFits(_ size: Int, _ target: Target, _ name: String) throws(ServingError) {
        guard size <= target.location.byteSize else {
            throw .badRequest(
                "shared memory size specified with the request for output '\(name)' (\(target.location.byteSize) "
                    + "bytes) should be at least \(size) bytes to hold the results")
        }
    }
}
#endif
