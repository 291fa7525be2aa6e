/// A node for the model editor: an operator, the values it reads and writes, and its attributes.
///
/// ```swift
/// Node("Gemm", inputs: ["x", "w", "c"], outputs: ["y"], attributes: ["alpha": 0.5, "transB": 1])
/// Node("Transpose", inputs: ["y"], outputs: ["t"], attributes: ["perm": [1, 0]])
/// ```
///
/// An empty string in `inputs` or `outputs` leaves out an optional input or output, as in ONNX.
public struct Node: Sendable, Hashable {
    /// The operator type, such as `MatMul`.
    public var operatorType: String
    /// The operator's domain; `""` is the ONNX domain.
    public var domain: String
    /// The node's name; `nil` names it after its operator and position (`MatMul_0`).
    public var name: String?
    /// The names of the values the node reads, in the operator's order.
    public var inputs: [String]
    /// The names of the values the node writes, in the operator's order.
    public var outputs: [String]
    /// The node's attributes by name.
    public var attributes: [String: Attribute]

    /// Describes a node.
    /// - Parameters:
    ///   - operatorType: The operator type, such as `Add`.
    ///   - domain: The operator's domain; `""` (the default) is the ONNX domain.
    ///   - name: The node's name; `nil` names it after its operator and position.
    ///   - inputs: The values the node reads.
    ///   - outputs: The values the node writes.
    ///   - attributes: The node's attributes; literals pick the kind (`1` is an int, `0.5` a float, `[1, 0]` ints,
    ///     `"CRD"` a string).
    public init(
        _ operatorType: String, domain: String = "", name: String? = nil, inputs: [String], outputs: [String],
        attributes: [String: Attribute] = [:]
    ) {
        self.operatorType = operatorType
        self.domain = domain
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.attributes = attributes
    }
}
