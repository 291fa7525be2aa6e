import CONNXRuntime
import Foundation

/// Anything that can be passed to a session as an input value.
public protocol ValueConvertible: Sendable {
    /// The value to feed.
    var value: Value { get }
}

/// An ONNX value owned by this process: a tensor, a sequence, a map or an optional.
///
/// A `Value` owns exactly one `OrtValue` and releases it once, when the last reference goes away. Values built over
/// caller memory (``Tensor/init(borrowing:shape:)``, ``init(bytesNoCopy:elementType:shape:deallocator:)``) also keep
/// that memory alive until then.
///
/// `Value` exposes no way to mutate its contents after creation, and ORT never writes to a value passed as a run
/// input, so sharing one across tasks is safe. The one exception is a value bound as an output of an ``IOBinding``,
/// which each run with that binding overwrites.
public final class Value: @unchecked Sendable, ValueConvertible {
    // @unchecked: `handle` is immutable after init and only read through ORT calls that do not mutate the value
    // (type queries, data pointers handed out as read-only buffers); `owner` is an immutable reference. ORT writes
    // into a value only when it is bound as an IOBinding output, which is documented there as single-task use.
    let handle: OpaquePointer
    let api: API
    /// Whoever owns the memory under a tensor that wraps memory ORT did not allocate; `nil` when ORT allocated it.
    let owner: AnyObject?
    /// The element type, when this package created the tensor and so knows it (and the shape) without asking ORT.
    let knownElementType: ElementType?
    /// The shape, meaningful only when `knownElementType` is set. Kept apart from the element type so that checks
    /// read it in place, without copying an optional tuple (and retaining the array) on every run.
    let knownShape: [Int]

    /// Element type and shape, when this package created the tensor and so knows them without asking ORT.
    var knownTensor: (elementType: ElementType, shape: [Int])? {
        knownElementType.map { ($0, knownShape) }
    }

    /// Takes ownership of an `OrtValue`.
    init(
        adopting handle: OpaquePointer, api: API, owner: AnyObject? = nil,
        knownTensor: (elementType: ElementType, shape: [Int])? = nil
    ) {
        self.handle = handle
        self.api = api
        self.owner = owner
        self.knownElementType = knownTensor?.elementType
        self.knownShape = knownTensor?.shape ?? []
    }

    deinit {
        // Release the OrtValue first; `owner` (the memory it points into) is released after deinit returns.
        api.table.pointee.ReleaseValue(handle)
    }

    /// The value itself, so a `Value` can be passed wherever a ``ValueConvertible`` is expected.
    public var value: Value { self }

    /// What kind of value this is.
    public enum Kind: Sendable, Hashable {
        /// A dense tensor.
        case tensor
        /// A sparse tensor.
        case sparseTensor
        /// A sequence of values.
        case sequence
        /// A map of keys to values.
        case map
        /// An optional value.
        case optional
        /// A runtime-specific opaque value.
        case opaque
        /// A kind ORT does not report.
        case unknown
    }

    /// What kind of value this is.
    ///
    /// The corresponding C function is `GetValueType`.
    public var kind: Kind {
        if knownElementType != nil { return .tensor }
        var type = ONNX_TYPE_UNKNOWN
        if let status = api.table.pointee.GetValueType(handle, &type) {
            api.table.pointee.ReleaseStatus(status)
            return .unknown
        }
        switch type {
        case ONNX_TYPE_TENSOR: return .tensor
        case ONNX_TYPE_SPARSETENSOR: return .sparseTensor
        case ONNX_TYPE_SEQUENCE: return .sequence
        case ONNX_TYPE_MAP: return .map
        case ONNX_TYPE_OPTIONAL: return .optional
        case ONNX_TYPE_OPAQUE: return .opaque
        default: return .unknown
        }
    }

    /// Whether this is a dense tensor.
    public var isTensor: Bool { kind == .tensor }

    /// The full type of the value; a tensor's shape here is its actual shape.
    ///
    /// The corresponding C function is `GetTypeInfo`.
    public var type: ValueType { api.valueType(ofValue: handle) }

    /// The element type, if this is a tensor.
    public var elementType: ElementType? {
        (try? tensorShapeAndType())?.elementType
    }

    /// The tensor's shape; empty for a scalar and for non-tensor values.
    public var shape: [Int] {
        (try? tensorShapeAndType())?.shape ?? []
    }

    /// The number of elements in the tensor (the product of its shape; 1 for a scalar).
    public var elementCount: Int {
        shape.reduce(1, *)
    }

    /// Element type and concrete shape of a tensor value.
    func tensorShapeAndType() throws(ORTError) -> (elementType: ElementType, shape: [Int]) {
        if let knownTensor { return knownTensor }
        return try api.tensorShapeAndType(handle)
    }

    /// Whether this is a tensor this package made whose element type and shape `requirement` accepts; `false` when
    /// the type is not known without asking ORT (the caller then checks the slow way).
    @inline(__always)
    func matchesKnownTensor(_ requirements: FeedRequirements, at position: Int) -> Bool {
        guard let knownElementType else { return false }
        return requirements.accepts(knownElementType, knownShape, at: position)
    }

    /// The address of a tensor's data; `nil` for a value that is not a tensor (or has no data).
    ///
    /// A tensor's data pointer is fixed for its lifetime; `GetTensorMutableData` only fails for non-tensors.
    @usableFromInline
    var dataAddress: UnsafeMutableRawPointer? {
        api.tensorDataIfAny(handle)
    }

    /// Throws unless this is a tensor of the given element type; returns its element count without allocating.
    @usableFromInline
    func expectTensorCount(of elementType: ElementType) throws(ORTError) -> Int {
        if knownElementType == elementType { return knownShape.reduce(1, *) }
        return try api.expectTensorCount(handle, of: elementType)
    }

    /// Throws unless this is a tensor of the given element type.
    func expectTensor(of elementType: ElementType) throws(ORTError) -> [Int] {
        if knownElementType == elementType { return knownShape }
        return try api.expectTensor(handle, of: elementType)
    }

    // MARK: - Typed views

    /// A typed view of this tensor.
    /// - Parameter type: The Swift element type, which must match the tensor's element type.
    /// - Throws: ``ORTError/Code/typeMismatch`` if the value is not a tensor of that type.
    public func tensor<Element: TensorElement>(of type: Element.Type = Element.self) throws(ORTError) -> Tensor<Element>
    {
        try Tensor(self)
    }
}

extension Value: CustomStringConvertible {
    /// A short description for logs and messages.
    public var description: String {
        switch kind {
        case .tensor: "Value(\(type))"
        default: "Value(\(type.typeString))"
        }
    }
}
