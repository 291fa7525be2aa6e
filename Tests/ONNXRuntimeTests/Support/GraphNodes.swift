import Foundation
import ONNXRuntime

@testable import ONNXFormats

/// The nodes of a model's main graph, read straight from the protobuf (independently of ONNX Runtime), with their
/// integer and string attributes: enough to check what the compile API wrote.
struct GraphNode: Sendable, Equatable {
    var name = ""
    var operatorType = ""
    var domain = ""
    var integers: [String: Int64] = [:]
    var strings: [String: [UInt8]] = [:]

    /// A string attribute as UTF-8 text.
    func text(_ attribute: String) -> String? {
        strings[attribute].map { String(decoding: $0, as: UTF8.self) }
    }

    /// Reads `ModelProto.graph` (7) → `GraphProto.node` (1) → `NodeProto`: input 1, output 2, name 3, op_type 4,
    /// attribute 5, domain 7; `AttributeProto`: name 1, i 3, s 4.
    static func read(_ data: Data) throws -> [GraphNode] {
        try withBytes(of: data) { (buffer) throws(ORTError) -> [GraphNode] in
            var model = ProtoReader(buffer)
            var nodes: [GraphNode] = []
            while !model.isAtEnd {
                let (field, wireType) = try model.readTag()
                guard field == 7 else {
                    try model.skip(wireType)
                    continue
                }
                var graph = try model.readMessage(wireType, field: "graph")
                while !graph.isAtEnd {
                    let (field, wireType) = try graph.readTag()
                    guard field == 1 else {
                        try graph.skip(wireType)
                        continue
                    }
                    nodes.append(try node(graph.readMessage(wireType, field: "node")))
                }
            }
            return nodes
        }
    }

    private static func node(_ message: ProtoReader) throws(ORTError) -> GraphNode {
        var reader = message
        var node = GraphNode()
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 3: node.name = try reader.readString(wireType, field: "node.name")
            case 4: node.operatorType = try reader.readString(wireType, field: "node.op_type")
            case 7: node.domain = try reader.readString(wireType, field: "node.domain")
            case 5:
                var attribute = try reader.readMessage(wireType, field: "node.attribute")
                var name = ""
                var integer: Int64?
                var bytes: [UInt8]?
                while !attribute.isAtEnd {
                    let (field, wireType) = try attribute.readTag()
                    switch field {
                    case 1: name = try attribute.readString(wireType, field: "attribute.name")
                    case 3: integer = Int64(bitPattern: try attribute.readVarint(wireType, field: "attribute.i"))
                    case 4: bytes = Array(attribute.bytes(try attribute.readBytes(wireType, field: "attribute.s")))
                    default: try attribute.skip(wireType)
                    }
                }
                if let integer { node.integers[name] = integer }
                if let bytes { node.strings[name] = bytes }
            default: try reader.skip(wireType)
            }
        }
        return node
    }
}
