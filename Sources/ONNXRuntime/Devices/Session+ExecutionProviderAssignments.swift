import CONNXRuntime

extension Session {
    /// Which execution provider ORT assigned each part of the graph to, in ORT's order.
    ///
    /// The session must have been created with ``SessionOptions/recordsExecutionProviderAssignments`` set.
    /// ```swift
    /// var options = SessionOptions()
    /// options.recordsExecutionProviderAssignments = true
    /// let session = try Session(path: "model.onnx", options: options)
    /// for part in try session.executionProviderAssignments() { print(part) }  // CPUExecutionProvider: mul (Mul)
    /// ```
    /// - Returns: One entry per assigned part of the graph (several parts may go to the same provider).
    /// - Throws: ``ORTError/Code/invalidArgument`` if the session did not record its assignments;
    ///   ``ORTError/Code/unsupported`` on ONNX Runtime older than 1.24.
    ///
    /// The corresponding C functions are `Session_GetEpGraphAssignmentInfo`, `EpAssignedSubgraph_GetEpName`,
    /// `EpAssignedSubgraph_GetNodes` and the `EpAssignedNode_Get*` accessors.
    public func executionProviderAssignments() throws(ORTError) -> [ExecutionProviderAssignment] {
        try api.require(24, for: "execution provider assignments")
        guard recordsExecutionProviderAssignments else {
            throw ORTError(
                .invalidArgument,
                "this session did not record its execution provider assignments; create it with "
                    + "SessionOptions.recordsExecutionProviderAssignments = true")
        }
        let table = api.table.pointee
        var subgraphs: UnsafePointer<OpaquePointer?>?
        var count = 0
        try api.check(table.Session_GetEpGraphAssignmentInfo(handle, &subgraphs, &count))
        guard let subgraphs, count > 0 else { return [] }
        var result: [ExecutionProviderAssignment] = []
        for index in 0..<count {
            guard let subgraph = subgraphs[index] else { continue }
            var name: UnsafePointer<CChar>?
            try api.check(table.EpAssignedSubgraph_GetEpName(subgraph, &name))
            var nodes: UnsafePointer<OpaquePointer?>?
            var nodeCount = 0
            try api.check(table.EpAssignedSubgraph_GetNodes(subgraph, &nodes, &nodeCount))
            var described: [ExecutionProviderAssignment.Node] = []
            if let nodes {
                for nodeIndex in 0..<nodeCount {
                    guard let node = nodes[nodeIndex] else { continue }
                    var nodeName: UnsafePointer<CChar>?
                    var domain: UnsafePointer<CChar>?
                    var operatorType: UnsafePointer<CChar>?
                    try api.check(table.EpAssignedNode_GetName(node, &nodeName))
                    try api.check(table.EpAssignedNode_GetDomain(node, &domain))
                    try api.check(table.EpAssignedNode_GetOperatorType(node, &operatorType))
                    described.append(
                        ExecutionProviderAssignment.Node(
                            name: nodeName.map { String(cString: $0) } ?? "",
                            domain: domain.map { String(cString: $0) } ?? "",
                            operatorType: operatorType.map { String(cString: $0) } ?? ""))
                }
            }
            result.append(
                ExecutionProviderAssignment(
                    executionProvider: name.map { String(cString: $0) } ?? "", nodes: described))
        }
        return result
    }
}
