/// A part of a session's graph and the execution provider ORT assigned it to
/// (``Session/executionProviderAssignments()``).
public struct ExecutionProviderAssignment: Sendable, Hashable, CustomStringConvertible {
    /// A node of the model as ORT assigned it.
    public struct Node: Sendable, Hashable, CustomStringConvertible {
        /// The node's name (empty when the model left it unnamed).
        public var name: String
        /// The operator's domain (empty for the ONNX domain).
        public var domain: String
        /// The operator, such as `Mul`.
        public var operatorType: String

        /// Describes a node.
        /// - Parameters:
        ///   - name: The node's name.
        ///   - domain: The operator's domain.
        ///   - operatorType: The operator.
        public init(name: String, domain: String = "", operatorType: String) {
            self.name = name
            self.domain = domain
            self.operatorType = operatorType
        }

        /// For example `mul (Mul)` or `fused (com.microsoft.EPContext)`.
        public var description: String {
            "\(name) (\(domain.isEmpty ? "" : domain + ".")\(operatorType))"
        }
    }

    /// The execution provider, such as `CPUExecutionProvider`.
    public var executionProvider: String
    /// The nodes of this part, as they were in the model given to ORT (after its graph optimisations).
    public var nodes: [Node]

    /// Describes an assignment.
    /// - Parameters:
    ///   - executionProvider: The execution provider.
    ///   - nodes: The nodes assigned to it.
    public init(executionProvider: String, nodes: [Node]) {
        self.executionProvider = executionProvider
        self.nodes = nodes
    }

    /// For example `SwiftTestEP: mul (Mul), add (Add)`.
    public var description: String {
        "\(executionProvider): " + nodes.map(\.description).joined(separator: ", ")
    }
}
