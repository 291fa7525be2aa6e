/// A graph for the model editor: inputs, outputs, initializers and nodes.
///
/// For a new model (``Session/init(model:options:)``) the graph is complete. To augment a loaded model
/// (``ModelEditorSession``) it holds only what is added, plus the full list of inputs or outputs when they change.
public struct Graph: Sendable {
    /// The graph inputs, in order.
    public var inputs: [Input]
    /// The graph outputs, in order.
    public var outputs: [Output]
    /// Constant tensors the nodes read by name.
    public var initializers: [Initializer]
    /// The nodes, in topological order: a node reads only graph inputs, initializers and earlier nodes' outputs.
    public var nodes: [Node]

    /// Describes a graph from its parts.
    /// - Parameters:
    ///   - inputs: The graph inputs, in order.
    ///   - outputs: The graph outputs, in order.
    ///   - initializers: Constant tensors.
    ///   - nodes: The nodes, in topological order.
    public init(inputs: [Input] = [], outputs: [Output] = [], initializers: [Initializer] = [], nodes: [Node] = []) {
        self.inputs = inputs
        self.outputs = outputs
        self.initializers = initializers
        self.nodes = nodes
    }

    /// Describes a graph written with the ``GraphBuilder`` result builder.
    /// - Parameter content: Inputs, outputs, initializers and nodes, in any order (each kind keeps its order).
    /// - Throws: What `content` throws.
    public init(@GraphBuilder _ content: () throws -> [Component]) rethrows {
        self.init()
        for component in try content() {
            switch component {
            case .input(let input): inputs.append(input)
            case .output(let output): outputs.append(output)
            case .initializer(let initializer): initializers.append(initializer)
            case .node(let node): nodes.append(node)
            }
        }
    }

    /// One part of a graph, as the ``GraphBuilder`` collects them.
    public enum Component: Sendable {
        /// A graph input.
        case input(Input)
        /// A graph output.
        case output(Output)
        /// A constant tensor.
        case initializer(Initializer)
        /// A node.
        case node(Node)
    }
}

/// Collects the ``Input``s, ``Output``s, ``Initializer``s and ``Node``s written in a ``Graph`` or ``Model`` block.
///
/// `if`, `if`/`else`, `switch` and `for` work as in any result builder, so a loop can add one node per layer.
@resultBuilder
public enum GraphBuilder {
    /// Adds a graph input.
    public static func buildExpression(_ input: Input) -> [Graph.Component] { [.input(input)] }
    /// Adds a graph output.
    public static func buildExpression(_ output: Output) -> [Graph.Component] { [.output(output)] }
    /// Adds an initializer.
    public static func buildExpression(_ initializer: Initializer) -> [Graph.Component] { [.initializer(initializer)] }
    /// Adds a node.
    public static func buildExpression(_ node: Node) -> [Graph.Component] { [.node(node)] }
    /// Adds parts made elsewhere.
    public static func buildExpression(_ components: [Graph.Component]) -> [Graph.Component] { components }
    /// Joins the lines of a block.
    public static func buildBlock(_ parts: [Graph.Component]...) -> [Graph.Component] { parts.flatMap { $0 } }
    /// An `if` without `else`.
    public static func buildOptional(_ part: [Graph.Component]?) -> [Graph.Component] { part ?? [] }
    /// The first branch of an `if`/`else` or `switch`.
    public static func buildEither(first part: [Graph.Component]) -> [Graph.Component] { part }
    /// The second branch of an `if`/`else` or `switch`.
    public static func buildEither(second part: [Graph.Component]) -> [Graph.Component] { part }
    /// A `for` loop.
    public static func buildArray(_ parts: [[Graph.Component]]) -> [Graph.Component] { parts.flatMap { $0 } }
}
