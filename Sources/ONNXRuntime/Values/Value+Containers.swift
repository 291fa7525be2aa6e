import CONNXRuntime

extension Value {
    /// A sequence of values, all of the same type (tensors of one element type, or maps).
    /// - Parameter elements: The elements; ORT copies what it needs, so they may be released afterwards.
    /// - Throws: ``ORTError`` if the elements are not alike or the sequence is empty.
    ///
    /// The corresponding C function is `CreateValue` with `ONNX_TYPE_SEQUENCE`.
    public convenience init(sequence elements: [Value]) throws(ORTError) {
        guard !elements.isEmpty else {
            throw ORTError(
                .invalidArgument, "ONNX Runtime cannot build an empty sequence (its element type is unknown)")
        }
        let api = try API.get()
        let handle = try api.createContainer(elements, ONNX_TYPE_SEQUENCE)
        self.init(adopting: handle, api: api)
    }

    /// A map from the elements of a key tensor to the elements of a value tensor.
    /// - Parameters:
    ///   - keys: A 1-D tensor of `int64` or `string` keys.
    ///   - values: A 1-D tensor of the same length (`float`, `double`, `int64` or `string`).
    /// - Throws: ``ORTError`` if the kinds or lengths do not fit.
    ///
    /// The corresponding C function is `CreateValue` with `ONNX_TYPE_MAP`.
    public convenience init(mapKeys keys: Value, values: Value) throws(ORTError) {
        let api = try API.get()
        let handle = try api.createContainer([keys, values], ONNX_TYPE_MAP)
        self.init(adopting: handle, api: api)
    }

    /// The elements of a sequence, or `[keys, values]` of a map, as new values.
    /// - Throws: ``ORTError/Code/typeMismatch`` for tensors and other non-container values.
    ///
    /// The corresponding C functions are `GetValueCount` and `GetValue`.
    public var elements: [Value] {
        get throws(ORTError) {
            let kind = self.kind
            guard kind == .sequence || kind == .map else {
                throw ORTError(.typeMismatch, "a \(type.typeString) has no elements; only sequences and maps do")
            }
            var count = 0
            try api.check(api.table.pointee.GetValueCount(handle, &count))
            let allocator = try api.defaultAllocator
            var result: [Value] = []
            result.reserveCapacity(count)
            for index in 0..<count {
                var element: OpaquePointer?
                try api.check(
                    api.table.pointee.GetValue(
                        handle, Int32(index), UnsafeMutablePointer<OrtAllocator>(allocator), &element))
                result.append(Value(adopting: element!, api: api))
            }
            return result
        }
    }

    /// A map's keys and values as two 1-D tensors.
    /// - Throws: ``ORTError/Code/typeMismatch`` if this is not a map.
    public var mapContents: (keys: Value, values: Value) {
        get throws(ORTError) {
            guard kind == .map else {
                throw ORTError(.typeMismatch, "expected a map, got a \(type.typeString)")
            }
            let parts = try elements
            return (parts[0], parts[1])
        }
    }

    /// Whether an optional value holds something (always `true` for non-optional values).
    ///
    /// The corresponding C function is `HasValue`.
    public var hasValue: Bool {
        var present: Int32 = 1
        if let status = api.table.pointee.HasValue(handle, &present) {
            api.table.pointee.ReleaseStatus(status)
            return true
        }
        return present != 0
    }
}

extension API {
    func createContainer(_ parts: [Value], _ type: ONNXType) throws(ORTError) -> OpaquePointer {
        let handles: [OpaquePointer?] = parts.map(\.handle)
        var result: OpaquePointer?
        let status = withExtendedLifetime(parts) {
            handles.withUnsafeBufferPointer { buffer in
                table.pointee.CreateValue(buffer.baseAddress, buffer.count, type, &result)
            }
        }
        try check(status)
        return result!
    }
}
