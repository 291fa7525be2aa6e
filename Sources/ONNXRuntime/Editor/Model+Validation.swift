extension Graph {
    /// Checks names before ONNX Runtime sees the graph, so mistakes get messages that name the culprit.
    /// - Parameter complete: `true` for a whole model (every value a node reads or an output names must be made in
    ///   this graph); `false` for an augmenting graph, whose nodes may read values of the loaded model.
    func validate(complete: Bool) throws(ORTError) {
        let inputNames = try Self.checkDeclarations(inputs.map { ($0.name, $0.tensor) }, "graph input")
        let initializerNames = try Self.checkDeclarations(initializers.map { ($0.name, nil) }, "initializer")
        // Every value has one producer: a graph input, an initializer (which may also be an input, to be
        // overridable) or one node output.
        var produced = inputNames.union(initializerNames)
        var nodeNames: Set<String> = []
        for (index, node) in nodes.enumerated() {
            let label = node.label(index)
            try Self.checkName(node.operatorType, "the operator type of node \(index)")
            try Self.checkText(node.domain, "the domain of \(label)")
            if let name = node.name {
                try Self.checkName(name, "the name of node \(index) (\(node.operatorType))")
                guard nodeNames.insert(name).inserted else {
                    throw ORTError(.invalidArgument, "node name '\(name)' is used by two nodes")
                }
            }
            for input in node.inputs where !input.isEmpty {
                try Self.checkText(input, "an input of \(label)")
                if complete && !produced.contains(input) {
                    throw ORTError(
                        .invalidArgument,
                        "\(label) reads '\(input)', which is not a graph input, an initializer or the output of an "
                            + "earlier node")
                }
            }
            for output in node.outputs where !output.isEmpty {
                try Self.checkText(output, "an output of \(label)")
                guard produced.insert(output).inserted else {
                    throw ORTError(
                        .invalidArgument,
                        "\(label) writes '\(output)', which is already a graph input, an initializer or the output "
                            + "of another node")
                }
            }
            for (name, attribute) in node.attributes {
                try Self.checkName(name, "an attribute name of \(label)")
                try attribute.validate(name: name, of: label)
            }
        }
        _ = try Self.checkDeclarations(outputs.map { ($0.name, $0.tensor) }, "graph output")
        if complete, let output = outputs.first(where: { !produced.contains($0.name) }) {
            throw ORTError(
                .invalidArgument,
                "graph output '\(output.name)' is never produced: no node writes it and it is not an input or an "
                    + "initializer")
        }
    }

    /// Checks that declared names are present and unique, and their shapes well-formed; returns the names.
    private static func checkDeclarations(_ declared: [(String, TensorInfo?)], _ what: String) throws(ORTError)
        -> Set<String>
    {
        var names: Set<String> = []
        let article = what.first.map { "aeiou".contains($0) } == true ? "an" : "a"
        for (name, tensor) in declared {
            try checkName(name, "\(article) \(what)")
            guard names.insert(name).inserted else {
                throw ORTError(.invalidArgument, "\(what) '\(name)' is declared twice")
            }
            if let tensor { try checkShape(tensor, of: "\(what) '\(name)'") }
        }
        return names
    }

    static func checkName(_ name: String, _ what: String) throws(ORTError) {
        guard !name.isEmpty else { throw ORTError(.invalidArgument, "\(what) has an empty name") }
        try checkText(name, what)
    }

    /// ORT takes names as C strings: a NUL byte would silently cut them short.
    static func checkText(_ text: String, _ what: String) throws(ORTError) {
        guard !text.utf8.contains(0) else {
            throw ORTError(.invalidArgument, "\(what) ('\(text)') contains a NUL character")
        }
    }

    static func checkShape(_ tensor: TensorInfo, of what: String) throws(ORTError) {
        for dimension in tensor.shape {
            switch dimension {
            case .fixed(let size) where size < 0:
                throw ORTError(.invalidShape, "\(what) has a negative dimension \(size) in \(tensor.shape)")
            case .symbolic(let name):
                try checkName(name, "a symbolic dimension of \(what)")
            default: break
            }
        }
    }
}

extension Node {
    /// How messages refer to the node: its name, or its operator and position.
    func label(_ index: Int) -> String {
        if let name { return "node '\(name)' (\(operatorType))" }
        return "node \(index) (\(operatorType))"
    }
}

extension Attribute {
    /// The number of values (1 for a single value).
    var count: Int {
        switch storage {
        case .ints(let values): values.count
        case .floats(let values): values.count
        case .strings(let values): values.count
        default: 1
        }
    }

    func validate(name: String, of node: String) throws(ORTError) {
        switch storage {
        case .mixed:
            throw ORTError(.invalidArgument, "attribute '\(name)' of \(node) mixes strings and numbers in one list")
        case .string(let value):
            try Graph.checkText(value, "attribute '\(name)' of \(node)")
        case .strings(let values):
            for value in values { try Graph.checkText(value, "attribute '\(name)' of \(node)") }
        default: break
        }
        // CreateOpAttr takes the element count as a C int.
        guard count <= Int(Int32.max) else {
            throw ORTError(
                .invalidArgument, "attribute '\(name)' of \(node) has \(count) values; the most is \(Int32.max)")
        }
    }
}
