/// A graph input for the model editor: a name, an element type and a shape.
///
/// ```swift
/// Input("x", .float32, shape: [.symbolic("batch"), 3])
/// ```
public struct Input: Sendable, Hashable {
    /// The name runs feed the input by.
    public var name: String
    /// The element type and declared shape.
    public var tensor: TensorInfo

    /// Describes a tensor input.
    /// - Parameters:
    ///   - name: The input's name; must not be empty.
    ///   - elementType: The element type.
    ///   - shape: The declared shape: fixed sizes (integer literals), `.symbolic("name")` or `.dynamic`.
    public init(_ name: String, _ elementType: ElementType, shape: [Dimension]) {
        self.name = name
        self.tensor = TensorInfo(elementType: elementType, shape: shape)
    }
}
