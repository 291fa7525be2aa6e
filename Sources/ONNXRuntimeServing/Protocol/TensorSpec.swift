#if Server
/// The name, datatype and shape of a served input or output, as the model metadata reports it.
public struct TensorSpec: Sendable, Hashable, CustomStringConvertible {
    /// The tensor name.
    public var name: String
    /// The element datatype.
    public var datatype: DataType
    /// The shape; `-1` marks a dimension of any size. With a configured `reshape` this is the shape clients see.
    public var shape: [Int]
    /// The configured `reshape`, when the model takes or produces another shape than clients see.
    package var reshape: TensorReshape?

    /// Creates a tensor description.
    public init(name: String, datatype: DataType, shape: [Int]) {
        self.name = name
        self.datatype = datatype
        self.shape = shape
    }

    /// The tensor as model metadata reports it (`$metadata_tensor`).
    public var metadata: TensorMetadata {
        TensorMetadata(name: name, datatype: datatype.rawValue, shape: shape)
    }

    /// A short description for logs and messages, such as `x: FP32 [-1, 3]`.
    public var description: String {
        "\(name): \(datatype) [\(shape.map(String.init).joined(separator: ", "))]"
    }

    /// Whether a concrete shape fits this one: same rank, and equal sizes where this one is fixed.
    public func accepts(_ concrete: [Int]) -> Bool {
        guard concrete.count == shape.count else { return false }
        for (expected, actual) in zip(shape, concrete) where expected >= 0 && expected != actual { return false }
        return true
    }
}
#endif
