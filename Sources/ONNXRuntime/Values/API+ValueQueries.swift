import CONNXRuntime

/// Queries on an `OrtValue` handle, shared by ``Value`` (which owns its handle) and the borrowed outputs of a
/// ``PreparedRun`` (which own none).
extension API {
    /// The full type of a value; a tensor's shape here is its actual shape. ``ValueType/unknown`` if ORT cannot say.
    ///
    /// The corresponding C function is `GetTypeInfo`.
    func valueType(ofValue handle: OpaquePointer) -> ValueType {
        var info: OpaquePointer?
        guard table.pointee.GetTypeInfo(handle, &info).map({ table.pointee.ReleaseStatus($0) }) == nil, let info
        else { return .unknown }
        defer { table.pointee.ReleaseTypeInfo(info) }
        return (try? valueType(info)) ?? .unknown
    }

    /// Element type and concrete shape of a tensor value.
    ///
    /// The corresponding C functions are `GetTensorElementTypeAndShapeDataReference` (ORT 1.24+) and
    /// `GetTensorTypeAndShape`.
    func tensorShapeAndType(_ handle: OpaquePointer) throws(ORTError) -> (elementType: ElementType, shape: [Int]) {
        if version >= 24 {
            // ORT 1.24+ lends the shape without allocating an info object.
            var rawType = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED
            var dims: UnsafePointer<Int64>?
            var rank = 0
            try check(table.pointee.GetTensorElementTypeAndShapeDataReference(handle, &rawType, &dims, &rank))
            guard let elementType = ElementType(rawType) else {
                throw ORTError(.unsupported, "ONNX Runtime reported element type \(rawType.rawValue), unknown here")
            }
            let shape = [Int](unsafeUninitializedCapacity: rank) { buffer, count in
                for axis in 0..<rank { buffer[axis] = Int(dims![axis]) }
                count = rank
            }
            return (elementType, shape)
        }
        var info: OpaquePointer?
        try check(table.pointee.GetTensorTypeAndShape(handle, &info))
        defer { table.pointee.ReleaseTensorTypeAndShapeInfo(info) }
        let described = try tensorInfo(info!)
        return (described.elementType, described.shape.map { $0.value ?? 0 })
    }

    /// The element count of a tensor of `elementType`, without allocating; `nil` if the value is something else or
    /// the runtime is older than 1.24 (the caller then takes the slow path, which also explains the mismatch).
    @inline(__always)
    func tensorCount(_ handle: OpaquePointer, ifOf elementType: ElementType) -> Int? {
        guard version >= 24 else { return nil }
        var rawType = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED
        var dims: UnsafePointer<Int64>?
        var rank = 0
        if let status = table.pointee.GetTensorElementTypeAndShapeDataReference(handle, &rawType, &dims, &rank) {
            table.pointee.ReleaseStatus(status)
            return nil
        }
        // Compared as raw codes: the element type is known, so there is no need to map ORT's code back to a case.
        guard rawType.rawValue == elementType.raw.rawValue else { return nil }
        var count = 1
        for axis in 0..<rank { count *= Int(dims![axis]) }
        return count
    }

    /// The element count of a tensor of `elementType`: without allocating on ORT 1.24+, otherwise (or for a
    /// mismatch, to explain it) through ``expectTensor(_:of:)``.
    /// - Throws: ``ORTError/Code/typeMismatch`` naming what the value really is.
    @inline(__always)
    func expectTensorCount(_ handle: OpaquePointer, of elementType: ElementType) throws(ORTError) -> Int {
        if let count = tensorCount(handle, ifOf: elementType) { return count }
        return try expectTensor(handle, of: elementType).reduce(1, *)
    }

    /// The shape of a tensor of `elementType`.
    /// - Throws: ``ORTError/Code/typeMismatch`` naming what the value really is.
    func expectTensor(_ handle: OpaquePointer, of elementType: ElementType) throws(ORTError) -> [Int] {
        let actual: (elementType: ElementType, shape: [Int])
        do {
            actual = try tensorShapeAndType(handle)
        } catch {
            throw ORTError(
                .typeMismatch,
                "expected a tensor(\(elementType.onnxName)), got a \(valueType(ofValue: handle).typeString)")
        }
        guard actual.elementType == elementType else {
            throw ORTError(
                .typeMismatch,
                "expected a tensor(\(elementType.onnxName)), got a tensor(\(actual.elementType.onnxName)) "
                    + "\(actual.shape)")
        }
        return actual.shape
    }
}
