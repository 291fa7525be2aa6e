import CONNXRuntime

// MARK: - Byte-string tensors

extension Tensor where Element == [UInt8] {
    /// A string tensor holding copies of byte strings.
    ///
    /// ONNX string elements are byte strings: any bytes, embedded NULs included, of any length (empty too). Each
    /// element is copied once, straight into the buffer ONNX Runtime allocates for it; `elements` may be an array of
    /// byte arrays, an array of `Data`, slices of one buffer, or a lazy collection of any of these.
    ///
    /// ```swift
    /// let blobs = try Tensor<[UInt8]>([[0x00, 0xFF], [], Array("text".utf8)], shape: [3])
    /// ```
    /// - Parameters:
    ///   - elements: The elements in row-major order; their count must match the shape.
    ///   - shape: The shape; `[]` for a scalar. Defaults to a vector of all elements.
    /// - Throws: ``ORTError/Code/countMismatch`` or ``ORTError/Code/invalidShape``.
    ///
    /// The corresponding C functions are `CreateTensorAsOrtValue` and `GetResizedStringTensorElementBuffer`.
    public init<Elements: Collection>(_ elements: Elements, shape: [Int]? = nil) throws(ORTError)
    where Elements.Element: Collection, Elements.Element.Element == UInt8 {
        let shape = shape ?? [elements.count]
        let api = try API.get()
        let handle = try api.makeStringTensor(elements, shape: shape)
        self.init(unchecked: Value(adopting: handle, api: api, knownTensor: (.string, shape)), shape: shape)
    }

    /// A rank-0 string tensor holding a copy of one byte string.
    /// - Parameter scalar: The element's bytes.
    /// - Throws: ``ORTError`` if ONNX Runtime cannot make the tensor.
    public init(scalar: some Collection<UInt8>) throws(ORTError) {
        try self.init(CollectionOfOne(scalar), shape: [])
    }

    /// Copies of the elements in row-major order, each exactly as stored: nothing is cut at a NUL or decoded.
    ///
    /// The corresponding C functions are `GetStringTensorDataLength` and `GetStringTensorContent`.
    public var scalars: [[UInt8]] {
        get throws(ORTError) {
            let copy = try value.api.copyStringTensor(value.handle, count: count)
            return copy.withElements { $0.map { Array($0) } }
        }
    }

    /// A copy of the single element of a rank-0 (or one-element) tensor.
    /// - Throws: ``ORTError/Code/shapeMismatch`` if the tensor does not hold exactly one element.
    ///
    /// The corresponding C functions are `GetStringTensorElementLength` and `GetStringTensorElement`.
    public var scalar: [UInt8] {
        get throws(ORTError) {
            guard count == 1 else {
                throw ORTError(.shapeMismatch, "expected one element, but the tensor has shape \(shape)")
            }
            return try value.api.stringTensorElement(value.handle, at: 0)
        }
    }

    /// Lends every element's bytes, copied once out of the tensor into one buffer, without a copy per element.
    ///
    /// ONNX Runtime keeps string elements in its own objects and only copies them out, so this is the cheapest way to
    /// read them: one copy into a buffer that lives for the duration of `body`.
    /// - Parameter body: Reads the elements; the view and the buffers it hands out are valid only during the call.
    /// - Returns: What `body` returns.
    /// - Throws: ``ORTError`` if ONNX Runtime cannot copy the elements, or what `body` throws.
    ///
    /// The corresponding C functions are `GetStringTensorDataLength` and `GetStringTensorContent`.
    public func withUnsafeElements<R, E: Error>(_ body: (StringTensorElements) throws(E) -> R) throws -> R {
        let copy = try value.api.copyStringTensor(value.handle, count: count)
        return try copy.withElements(body)
    }
}

// MARK: - String tensors

extension Tensor where Element == String {
    /// A string tensor holding copies of `strings` as UTF-8; embedded NUL characters are kept.
    /// - Parameters:
    ///   - strings: The strings in row-major order; their count must match the shape.
    ///   - shape: The shape; defaults to a vector.
    /// - Throws: ``ORTError/Code/countMismatch`` or ``ORTError/Code/invalidShape``.
    ///
    /// The corresponding C functions are `CreateTensorAsOrtValue` and `GetResizedStringTensorElementBuffer`.
    public init(_ strings: some Collection<String>, shape: [Int]? = nil) throws(ORTError) {
        let shape = shape ?? [strings.count]
        let api = try API.get()
        let handle = try api.makeStringTensor(strings.lazy.map(\.utf8), shape: shape)
        self.init(unchecked: Value(adopting: handle, api: api, knownTensor: (.string, shape)), shape: shape)
    }

    /// A rank-0 string tensor.
    /// - Parameter scalar: The element, stored as UTF-8.
    /// - Throws: ``ORTError`` if ONNX Runtime cannot make the tensor.
    public init(scalar: String) throws(ORTError) {
        try self.init(CollectionOfOne(scalar), shape: [])
    }

    /// The elements decoded as UTF-8, in row-major order.
    ///
    /// A string tensor holds bytes, which need not be text: a tensor with an element that is not valid UTF-8 is
    /// refused rather than decoded with replacement characters. Read such a tensor as `Tensor<[UInt8]>`.
    /// - Throws: ``ORTError/Code/typeMismatch`` naming the first element that is not valid UTF-8.
    ///
    /// The corresponding C functions are `GetStringTensorDataLength` and `GetStringTensorContent`.
    public var scalars: [String] {
        get throws(ORTError) {
            let copy = try value.api.copyStringTensor(value.handle, count: count)
            return try copy.withElements { (elements) throws(ORTError) in
                var strings: [String] = []
                strings.reserveCapacity(elements.count)
                for (index, bytes) in elements.enumerated() {
                    strings.append(try Self.decode(bytes, index: index))
                }
                return strings
            }
        }
    }

    /// The single element of a rank-0 (or one-element) tensor, decoded as UTF-8.
    /// - Throws: ``ORTError/Code/shapeMismatch`` if the tensor does not hold exactly one element,
    ///   ``ORTError/Code/typeMismatch`` if it is not valid UTF-8.
    ///
    /// The corresponding C functions are `GetStringTensorElementLength` and `GetStringTensorElement`.
    public var scalar: String {
        get throws(ORTError) {
            guard count == 1 else {
                throw ORTError(.shapeMismatch, "expected one element, but the tensor has shape \(shape)")
            }
            return try Self.decode(try value.api.stringTensorElement(value.handle, at: 0), index: 0)
        }
    }

    private static func decode(_ bytes: some Collection<UInt8>, index: Int) throws(ORTError) -> String {
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw ORTError(
                .typeMismatch,
                "string tensor element \(index) is not valid UTF-8; read the tensor as Tensor<[UInt8]> to get its "
                    + "bytes")
        }
        return string
    }
}

// MARK: - ORT calls

extension API {
    /// A new string tensor holding copies of `elements`, each written into the buffer ORT sizes for it (so NUL bytes
    /// are data, not terminators).
    func makeStringTensor<Elements: Collection>(_ elements: Elements, shape: [Int]) throws(ORTError) -> OpaquePointer
    where Elements.Element: Collection, Elements.Element.Element == UInt8 {
        let count = try ShapeCheck.elementCount(shape)
        let given = elements.count
        guard count == given else {
            throw ORTError(
                .countMismatch,
                "shape \(shape) holds \(count) string\(count == 1 ? "" : "s"), but \(given) "
                    + "\(given == 1 ? "was" : "were") given")
        }
        let handle = try allocateTensor(.string, shape: shape)
        try initialize(handle) { (handle) throws(ORTError) in
            var index = 0
            for element in elements {
                guard index < count else {
                    throw ORTError(.countMismatch, "the collection yielded more than its count of \(count) strings")
                }
                let length = element.count
                var buffer: UnsafeMutablePointer<CChar>?
                try check(table.pointee.GetResizedStringTensorElementBuffer(handle, index, length, &buffer))
                if length > 0 {
                    guard let buffer else {
                        throw ORTError(
                            .runtimeError, "ONNX Runtime gave no buffer for string element \(index) of \(length) bytes")
                    }
                    UnsafeMutableRawBufferPointer(start: buffer, count: length).copyBytes(from: element)
                }
                index += 1
            }
        }
        return handle
    }

    /// Copies every element of a string tensor of `count` elements into one buffer, checking the offsets ORT reports.
    func copyStringTensor(_ handle: OpaquePointer, count: Int) throws(ORTError) -> StringTensorCopy {
        guard count > 0 else { return StringTensorCopy(byteCount: 0, count: 0) }
        var byteCount = 0
        try check(table.pointee.GetStringTensorDataLength(handle, &byteCount))
        let copy = StringTensorCopy(byteCount: byteCount, count: count)
        try check(
            table.pointee.GetStringTensorContent(
                handle, copy.bytes.baseAddress, byteCount, copy.offsets.baseAddress, count))
        // ORT writes each element's start; make sure they rise within the buffer before anything slices by them.
        var previous = 0
        for index in 0..<count {
            let offset = copy.offsets[index]
            guard offset >= previous, offset <= byteCount, index > 0 || offset == 0 else {
                throw ORTError(
                    .runtimeError,
                    "ONNX Runtime reported offset \(offset) for string element \(index) of a \(byteCount)-byte tensor")
            }
            previous = offset
        }
        return copy
    }

    /// A copy of element `index` of a string tensor.
    func stringTensorElement(_ handle: OpaquePointer, at index: Int) throws(ORTError) -> [UInt8] {
        var length = 0
        try check(table.pointee.GetStringTensorElementLength(handle, index, &length))
        guard length > 0 else { return [] }
        var status: OpaquePointer?
        let bytes = [UInt8](unsafeUninitializedCapacity: length) { buffer, initialized in
            status = table.pointee.GetStringTensorElement(handle, length, index, buffer.baseAddress!)
            initialized = status == nil ? length : 0
        }
        try check(status)
        return bytes
    }
}
