/// A graph output for the model editor: a name, an element type and a shape.
///
/// ```swift
/// Output("y", .float32, shape: [.symbolic("batch"), 4])
/// ```
public struct Output: Sendable, Hashable {
    /// The name runs fetch the output by.
    public var name: String
    /// The element type and declared shape.
    public var tensor: TensorInfo

    /// Describes a tensor output.
    /// - Parameters:
    ///   - name: The output's name; must not be empty, and a node, input or initializer must produce it.
    ///   - elementType: The element type.
    ///   - shape: The declared shape: fixed sizes (integer literals), `.symbolic("name")` or `.dynamic`.
    public init(_ name: String, _ elementType: ElementType, shape: [Dimension]) {
        self.name = name
        self.tensor = TensorInfo(elementType: elementType, shape: shape)
    }
}
