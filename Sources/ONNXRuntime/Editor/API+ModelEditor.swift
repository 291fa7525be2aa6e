import CONNXRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// An `OrtModel` built from a ``Model``, with the values whose memory it points into.
///
/// Releases the model once. The `retained` values must outlive every session made from it; the session takes them.
final class BuiltModel {
    let handle: OpaquePointer
    let api: API
    /// Tensors whose memory the model reads in place (initializers added without a copy).
    let retained: [Value]

    init(handle: OpaquePointer, api: API, retained: [Value]) {
        self.handle = handle
        self.api = api
        self.retained = retained
    }

    deinit {
        api.table.pointee.ReleaseModel(handle)
    }
}

extension API {
    /// The smallest initializer ORT lets a graph use in place; smaller ones must be copied.
    static let smallestInPlaceInitializer = 128

    /// The model editor table (API version 21, ONNX Runtime 1.21, and newer).
    func modelEditor() throws(ORTError) -> UnsafePointer<OrtModelEditorApi> {
        try require(21, for: "The model editor")
        guard let editor = table.pointee.GetModelEditorApi() else {
            throw ORTError(.unsupported, "the loaded ONNX Runtime (\(runtimeVersion)) has no model editor")
        }
        return editor
    }

    /// Builds an `OrtModel` from a description, releasing everything made so far if a step fails.
    ///
    /// Ownership follows ORT's rules: value infos, initializer values, nodes and the graph each belong to us until
    /// the call that adds them to their parent succeeds, and to the parent afterwards.
    func buildModel(_ model: Model, complete: Bool) throws(ORTError) -> BuiltModel {
        try model.graph.validate(complete: complete)
        for (domain, version) in model.opsets {
            try Graph.checkText(domain, "opset domain")
            guard version > 0, version <= Int(Int32.max) else {
                throw ORTError(
                    .invalidArgument, "opset version \(version) for domain '\(domain)' must be from 1 to \(Int32.max)")
            }
        }
        let editor = try modelEditor().pointee
        let table = self.table.pointee

        var graphHandle: OpaquePointer?
        try check(editor.CreateGraph(&graphHandle))
        var graph: OpaquePointer? = graphHandle!
        defer { if let graph { table.ReleaseGraph(graph) } }

        if !model.graph.inputs.isEmpty {
            try setGraphValues(
                graph!, model.graph.inputs.map { ($0.name, $0.tensor) }, editor.SetGraphInputs, "inputs")
        }
        if !model.graph.outputs.isEmpty {
            try setGraphValues(
                graph!, model.graph.outputs.map { ($0.name, $0.tensor) }, editor.SetGraphOutputs, "outputs")
        }
        var retained: [Value] = []
        for initializer in model.graph.initializers {
            if let kept = try addInitializer(initializer, to: graph!, editor: editor) { retained.append(kept) }
        }
        for (index, node) in model.graph.nodes.enumerated() {
            let created = try createNode(node, index: index, editor: editor)
            if let status = editor.AddNodeToGraph(graph!, created) {
                table.ReleaseNode(created)
                throw consume(status).context("cannot add \(node.label(index)) to the graph")
            }
        }

        // CreateModel copies the domain names; keep them alive for the call only.
        let domains = model.opsets.keys.sorted()
        let versions = domains.map { Int32(model.opsets[$0]!) }
        let names = NameTable(domains)
        var modelHandle: OpaquePointer?
        let domainPointers: [UnsafePointer<CChar>?] = names.pointers.map { $0 }
        // The name table frees its strings when it goes: keep it until ORT has copied them.
        try check(
            withExtendedLifetime(names) { editor.CreateModel(domainPointers, versions, domains.count, &modelHandle) })
        let built = BuiltModel(handle: modelHandle!, api: self, retained: retained)
        try check(editor.AddGraphToModel(modelHandle!, graph!))
        graph = nil  // the model owns it now
        return built
    }

    /// Makes one value info per (name, tensor) and hands them to the graph with `set`.
    private func setGraphValues(
        _ graph: OpaquePointer, _ values: [(String, TensorInfo)],
        _ set: (@convention(c) (OpaquePointer?, UnsafeMutablePointer<OpaquePointer?>?, Int) -> OpaquePointer?)?,
        _ what: String
    ) throws(ORTError) {
        var infos: [OpaquePointer?] = []
        infos.reserveCapacity(values.count)
        // Whatever the graph has not taken (it nulls each entry it takes) is ours to release.
        defer { for info in infos { if let info { table.pointee.ReleaseValueInfo(info) } } }
        for (name, tensor) in values {
            infos.append(try createValueInfo(name, tensor))
        }
        let status = infos.withUnsafeMutableBufferPointer { set!(graph, $0.baseAddress, $0.count) }
        if let status { throw consume(status).context("cannot set the graph \(what)") }
    }

    /// An `OrtValueInfo` describing a tensor; the caller owns it.
    func createValueInfo(_ name: String, _ tensor: TensorInfo) throws(ORTError) -> OpaquePointer {
        let editor = try modelEditor().pointee
        let table = self.table.pointee
        var shapeInfo: OpaquePointer?
        try check(table.CreateTensorTypeAndShapeInfo(&shapeInfo))
        defer { table.ReleaseTensorTypeAndShapeInfo(shapeInfo) }
        try check(table.SetTensorElementType(shapeInfo, tensor.elementType.raw))
        let dims = tensor.shape.map { Int64($0.value ?? -1) }
        try check(table.SetDimensions(shapeInfo, dims, dims.count))
        let symbols = NameTable(
            tensor.shape.map {
                if case .symbolic(let name) = $0 { return name }
                return ""
            })
        var symbolPointers: [UnsafePointer<CChar>?] = symbols.pointers.map { $0 }
        let status = withExtendedLifetime(symbols) {
            symbolPointers.withUnsafeMutableBufferPointer {
                table.SetSymbolicDimensions(shapeInfo, $0.baseAddress, $0.count)
            }
        }
        try check(status)
        var typeInfo: OpaquePointer?
        try check(editor.CreateTensorTypeInfo(shapeInfo, &typeInfo))
        defer { table.ReleaseTypeInfo(typeInfo) }
        var valueInfo: OpaquePointer?
        do {
            try check(editor.CreateValueInfo(name, typeInfo, &valueInfo))
        } catch {
            throw error.context("cannot describe '\(name)' (\(tensor))")
        }
        return valueInfo!
    }

    /// Adds an initializer, in place when ORT allows it. Returns the value to keep alive, if the graph reads its
    /// memory in place.
    private func addInitializer(
        _ initializer: Initializer, to graph: OpaquePointer, editor: OrtModelEditorApi
    ) throws(ORTError) -> Value? {
        let value = initializer.value
        guard value.kind == .tensor, let elementType = value.elementType, elementType != .string else {
            throw ORTError(
                .invalidArgument,
                "initializer '\(initializer.name)' must be a numeric or bool tensor, not \(value.type.typeString)")
        }
        let shape = value.shape
        let (_, byteCount) = try ShapeCheck.sizes(shape, elementType)
        let inPlace = byteCount >= Self.smallestInPlaceInitializer
        // The graph takes ownership of the OrtValue it is given, so it gets a handle of its own: either a second
        // handle over the value's memory (kept alive by the session) or a copy.
        let handle: OpaquePointer
        if inPlace, let data = tensorDataIfAny(value.handle) {
            handle = try wrapTensor(data, byteCount: byteCount, elementType: elementType, shape: shape)
        } else {
            handle = try allocateTensor(elementType, shape: shape)
            if byteCount > 0 {
                do {
                    if let target = try tensorData(handle), let source = tensorDataIfAny(value.handle) {
                        target.copyMemory(from: source, byteCount: byteCount)
                    }
                } catch {
                    table.pointee.ReleaseValue(handle)
                    throw error
                }
            }
        }
        if let status = editor.AddInitializerToGraph(graph, initializer.name, handle, inPlace) {
            table.pointee.ReleaseValue(handle)
            throw consume(status).context("cannot add initializer '\(initializer.name)'")
        }
        return inPlace ? value : nil
    }

    /// An `OrtNode`; the caller owns it.
    private func createNode(_ node: Node, index: Int, editor: OrtModelEditorApi) throws(ORTError) -> OpaquePointer {
        let table = self.table.pointee
        var attributes: [OpaquePointer?] = []
        // CreateNode releases the attributes it takes and nulls their entries; anything left is ours.
        defer { for attribute in attributes { if let attribute { table.ReleaseOpAttr(attribute) } } }
        for name in node.attributes.keys.sorted() {
            attributes.append(try createAttribute(name, node.attributes[name]!))
        }
        let inputNames = NameTable(node.inputs)
        let outputNames = NameTable(node.outputs)
        let inputs: [UnsafePointer<CChar>?] = inputNames.pointers.map { $0 }
        let outputs: [UnsafePointer<CChar>?] = outputNames.pointers.map { $0 }
        let name = node.name ?? "\(node.operatorType)_\(index)"
        var handle: OpaquePointer?
        let status = withExtendedLifetime((inputNames, outputNames)) {
            attributes.withUnsafeMutableBufferPointer { attributeBuffer in
                editor.CreateNode(
                    node.operatorType, node.domain, name, inputs, inputs.count, outputs, outputs.count,
                    attributeBuffer.baseAddress, attributeBuffer.count, &handle)
            }
        }
        if let status { throw consume(status).context("cannot create \(node.label(index))") }
        return handle!
    }

    /// An `OrtOpAttr`; the caller owns it.
    private func createAttribute(_ name: String, _ attribute: Attribute) throws(ORTError) -> OpaquePointer {
        var handle: OpaquePointer?
        let create = table.pointee.CreateOpAttr!
        let status: OpaquePointer?
        switch attribute.storage {
        case .int(let value):
            status = withUnsafePointer(to: value) { create(name, $0, 1, ORT_OP_ATTR_INT, &handle) }
        case .float(let value):
            status = withUnsafePointer(to: value) { create(name, $0, 1, ORT_OP_ATTR_FLOAT, &handle) }
        case .string(let value):
            status = create(name, value, Int32(value.utf8.count), ORT_OP_ATTR_STRING, &handle)
        case .ints(let values):
            status = values.withUnsafeBufferPointer {
                create(name, $0.baseAddress, Int32($0.count), ORT_OP_ATTR_INTS, &handle)
            }
        case .floats(let values):
            status = values.withUnsafeBufferPointer {
                create(name, $0.baseAddress, Int32($0.count), ORT_OP_ATTR_FLOATS, &handle)
            }
        case .strings(let values):
            let strings = NameTable(values)
            status = withExtendedLifetime(strings) {
                strings.pointers.withUnsafeBufferPointer {
                    create(name, $0.baseAddress, Int32($0.count), ORT_OP_ATTR_STRINGS, &handle)
                }
            }
        case .mixed:
            throw ORTError(.invalidArgument, "attribute '\(name)' mixes strings and numbers in one list")
        }
        if let status {
            // Some runtimes hand back a half-made attribute together with the error.
            if let handle { table.pointee.ReleaseOpAttr(handle) }
            throw consume(status).context("cannot create attribute '\(name)' = \(attribute)")
        }
        return handle!
    }
}
