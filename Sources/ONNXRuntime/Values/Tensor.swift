import CONNXRuntime

/// A typed tensor: a ``Value`` known to hold elements of `Element`.
///
/// ```swift
/// let x = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])   // copies the array
/// let y = try Tensor<Float>(borrowing: pixels, shape: [1, 28, 28]) // shares the array's storage, no copy
/// x.withUnsafeBufferPointer { print($0.reduce(0, +)) }             // reads in place
/// ```
public struct Tensor<Element: TensorElement>: Sendable, ValueConvertible {
    /// The underlying value.
    public let value: Value
    /// The number of elements.
    public let count: Int

    /// The tensor's shape (empty for a scalar).
    public var shape: [Int] { value.shape }

    /// Views a value as a tensor of `Element`.
    ///
    /// Only the element type is checked and the element count taken; the shape is read when asked for, so viewing
    /// an output allocates nothing.
    /// - Throws: ``ORTError/Code/typeMismatch`` if it is not a tensor of that element type.
    @inlinable
    public init(_ value: Value) throws(ORTError) {
        self.count = try value.expectTensorCount(of: Element.elementType)
        self.value = value
    }

    init(unchecked value: Value, shape: [Int]) {
        self.value = value
        self.count = shape.reduce(1, *)
    }
}

extension Tensor: CustomStringConvertible {
    /// A short description for logs and messages.
    public var description: String { "Tensor<\(Element.self)>\(shape)" }
}

// MARK: - Numeric and bool tensors

extension Tensor where Element: TrivialTensorElement {
    /// A tensor holding a copy of `elements`.
    /// - Parameters:
    ///   - elements: The data in row-major order; its count must match the shape.
    ///   - shape: The shape; `[]` for a scalar. Defaults to a vector of all elements.
    /// - Throws: ``ORTError/Code/countMismatch`` or ``ORTError/Code/invalidShape``.
    ///
    /// The corresponding C function is `CreateTensorAsOrtValue`.
    public init(_ elements: some Collection<Element>, shape: [Int]? = nil) throws(ORTError) {
        let shape = shape ?? [elements.count]
        let count = try Self.checkCount(elements.count, shape: shape)
        let api = try API.get()
        let handle = try api.allocateTensor(Element.elementType, shape: shape)
        try api.initialize(handle) { (handle) throws(ORTError) in
            guard count > 0, let data = try api.tensorData(handle) else { return }
            let buffer = UnsafeMutableBufferPointer(start: data.assumingMemoryBound(to: Element.self), count: count)
            _ = buffer.initialize(fromContentsOf: elements)
        }
        self.init(unchecked: Value(adopting: handle, api: api, knownTensor: (Element.elementType, shape)), shape: shape)
    }

    /// A rank-0 tensor holding one element.
    public init(scalar: Element) throws(ORTError) {
        try self.init(CollectionOfOne(scalar), shape: [])
    }

    /// A tensor that uses an array's storage in place, without copying.
    ///
    /// The tensor keeps its own reference to the array's storage, so the memory stays valid for as long as the
    /// tensor (and every value that refers to it) lives. Swift arrays are copy-on-write: if the caller later changes
    /// its array, the caller gets a fresh copy and the tensor's data stays as it was.
    /// - Parameters:
    ///   - elements: The data in row-major order; its count must match the shape.
    ///   - shape: The shape; defaults to a vector.
    /// - Throws: ``ORTError/Code/countMismatch`` or ``ORTError/Code/invalidShape``.
    ///
    /// The corresponding C function is `CreateTensorWithDataAsOrtValue`.
    public init(borrowing elements: [Element], shape: [Int]? = nil) throws(ORTError) {
        let shape = shape ?? [elements.count]
        let count = try Self.checkCount(elements.count, shape: shape)
        guard count > 0 else {
            try self.init(elements, shape: shape)
            return
        }
        let api = try API.get()
        let owner = ArrayOwner(elements)
        // The pointer outlives the closure on purpose: `owner` holds a reference to this exact array buffer, which
        // keeps it allocated and, being shared, makes any write by anyone else copy first. Native Swift arrays
        // never move their storage while it is referenced.
        let base = owner.array.withUnsafeBufferPointer { UnsafeMutableRawPointer(mutating: $0.baseAddress!) }
        let handle = try api.wrapTensor(
            base, byteCount: count * MemoryLayout<Element>.stride, elementType: Element.elementType, shape: shape)
        self.init(
            unchecked: Value(adopting: handle, api: api, owner: owner, knownTensor: (Element.elementType, shape)),
            shape: shape)
    }

    /// A tensor whose memory is allocated once and filled in place by `initializer`, with no copy.
    /// - Parameters:
    ///   - shape: The shape.
    ///   - initializer: Receives the tensor's uninitialised memory and must initialise every element.
    /// - Throws: ``ORTError/Code/invalidShape``, or what `initializer` throws.
    public init(shape: [Int], initializingWith initializer: (UnsafeMutableBufferPointer<Element>) throws -> Void)
        throws
    {
        let count = try ShapeCheck.elementCount(shape)
        let api = try API.get()
        let handle = try api.allocateTensor(Element.elementType, shape: shape)
        try api.initialize(handle) { handle in
            let data = try api.tensorData(handle)
            try initializer(
                UnsafeMutableBufferPointer(
                    start: count == 0 ? nil : data?.assumingMemoryBound(to: Element.self), count: count))
        }
        self.init(unchecked: Value(adopting: handle, api: api, knownTensor: (Element.elementType, shape)), shape: shape)
    }

    /// A tensor with every element set to `element`.
    public init(repeating element: Element, shape: [Int]) throws(ORTError) {
        do {
            try self.init(shape: shape) { $0.initialize(repeating: element) }
        } catch let error as ORTError {
            throw error
        } catch {
            throw ORTError(.invalidArgument, "\(error)")
        }
    }

    /// Lends the elements in place, without copying.
    /// - Parameter body: Reads the elements; the buffer is valid only during the call.
    /// - Returns: What `body` returns.
    ///
    /// Inlinable so that the caller's specialization passes `body` directly, with no generic context.
    @inlinable
    public func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<Element>) throws(E) -> R) throws(E)
        -> R
    {
        let count = self.count
        let data = count == 0 ? nil : value.dataAddress
        return try body(UnsafeBufferPointer(start: data?.assumingMemoryBound(to: Element.self), count: count))
    }

    /// A copy of the elements in row-major order.
    public var scalars: [Element] {
        withUnsafeBufferPointer { Array($0) }
    }

    /// The single element of a rank-0 (or one-element) tensor.
    /// - Throws: ``ORTError/Code/shapeMismatch`` if the tensor does not hold exactly one element.
    public var scalar: Element {
        get throws(ORTError) {
            guard count == 1 else {
                throw ORTError(.shapeMismatch, "expected one element, but the tensor has shape \(shape)")
            }
            return withUnsafeBufferPointer { $0[0] }
        }
    }

    static func checkCount(_ given: Int, shape: [Int]) throws(ORTError) -> Int {
        let (count, _) = try ShapeCheck.sizes(shape, Element.elementType)
        guard count == given else {
            throw ORTError(
                .countMismatch,
                "shape \(shape) holds \(count) element\(count == 1 ? "" : "s"), but \(given) "
                    + "\(given == 1 ? "was" : "were") given")
        }
        return count
    }
}
