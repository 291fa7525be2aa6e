/// An ONNX model described in Swift: the operator sets it imports and its graph.
///
/// A `Model` is a plain value; nothing touches ONNX Runtime until a session is made from it with
/// ``Session/init(model:options:)``. Build one with a result builder:
///
/// ```swift
/// let model = try Model(opsets: ["": 21]) {
///     Input("x", .float32, shape: [.symbolic("n"), 4])
///     try Initializer("W", weights, shape: [4, 8])        // no copy: the session keeps `weights` alive
///     Node("MatMul", inputs: ["x", "W"], outputs: ["y"])
///     Output("y", .float32, shape: [.symbolic("n"), 8])
/// }
/// let session = try Session(model: model)
/// ```
public struct Model: Sendable {
    /// The operator set version imported for each domain; `""` is the default ONNX domain (`ai.onnx`).
    public var opsets: [String: Int]
    /// The model's graph.
    public var graph: Graph

    /// Describes a model from its opsets and graph.
    /// - Parameters:
    ///   - opsets: The operator set version for each domain used by the nodes; `""` is the ONNX domain.
    ///   - graph: The graph.
    public init(opsets: [String: Int], graph: Graph) {
        self.opsets = opsets
        self.graph = graph
    }

    /// Describes a model whose graph is written with the ``GraphBuilder`` result builder.
    /// - Parameters:
    ///   - opsets: The operator set version for each domain used by the nodes; `""` is the ONNX domain.
    ///   - content: The graph's inputs, outputs, initializers and nodes, in any order (nodes keep their order).
    /// - Throws: What `content` throws.
    public init(opsets: [String: Int], @GraphBuilder _ content: () throws -> [Graph.Component]) rethrows {
        self.init(opsets: opsets, graph: try Graph(content))
    }
}
