/// A constant tensor in a model editor graph.
///
/// Data of 128 bytes or more is not copied: ONNX Runtime reads it where it is, and the session made from the model
/// keeps the tensor (and so the memory under it, such as a Swift array) alive for as long as the session lives.
/// Smaller tensors are copied into the model, as ONNX Runtime requires. String tensors are not supported.
///
/// ```swift
/// try Initializer("W", weights, shape: [4, 8])           // borrows `weights`' storage, no copy
/// Initializer("b", try Tensor<Float>([0.5, -1], shape: [2]))
/// ```
public struct Initializer: Sendable {
    /// The name nodes read the tensor by.
    public var name: String
    /// The tensor.
    public var value: Value

    /// An initializer holding a tensor or value.
    /// - Parameters:
    ///   - name: The name nodes read it by; must not be empty.
    ///   - tensor: A numeric or bool tensor.
    public init(_ name: String, _ tensor: some ValueConvertible) {
        self.name = name
        self.value = tensor.value
    }

    /// An initializer over an array's storage, without copying it.
    /// - Parameters:
    ///   - name: The name nodes read it by; must not be empty.
    ///   - elements: The data in row-major order.
    ///   - shape: The shape; the element count must match.
    /// - Throws: ``ORTError/Code/countMismatch`` if `elements` does not fill `shape`, ``ORTError/Code/invalidShape``
    ///   for a negative dimension. Checked here, before ONNX Runtime is asked for anything else.
    public init<Element: TrivialTensorElement>(_ name: String, _ elements: [Element], shape: [Int]) throws(ORTError) {
        self.name = name
        self.value = try Tensor<Element>(borrowing: elements, shape: shape).value
    }
}
