import Foundation
import ONNXRuntime

/// What a tool reports about an ONNX model, read from the model's bytes without ONNX Runtime and without decoding
/// its weights: IR version, producer, domain, model version, documentation, operator sets, metadata and graph name.
///
/// ```swift
/// let summary = try ModelSummary(contentsOf: URL(fileURLWithPath: "model.onnx"))
/// print(summary.producerName, summary.opsetImports.map(\.description))
/// ```
///
/// Only the `ModelProto` fields listed here and the graph's `name` are decoded; everything else (nodes,
/// initializers, functions) is skipped by length, so even a large model is summarized quickly. A file read with
/// ``init(contentsOf:)`` is memory-mapped, not copied.
public struct ModelSummary: Sendable, Hashable {
    /// An operator set the model imports.
    public struct OperatorSet: Sendable, Hashable, CustomStringConvertible {
        /// The operator set's domain; empty for the default ONNX domain (`ai.onnx`).
        public var domain: String
        /// The operator set's version.
        public var version: Int64

        /// Creates an operator set import.
        public init(domain: String, version: Int64) {
            self.domain = domain
            self.version = version
        }

        /// The domain (`ai.onnx` for the default one) and version, such as `ai.onnx v21`.
        public var description: String { "\(domain.isEmpty ? "ai.onnx" : domain) v\(version)" }
    }

    /// One entry of the model's `metadata_props`.
    public struct MetadataEntry: Sendable, Hashable {
        /// The key.
        public var key: String
        /// The value.
        public var value: String

        /// Creates an entry.
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// The ONNX IR version the model was written for (0 when absent).
    public var irVersion: Int64 = 0
    /// The tool that wrote the model, such as `pytorch`; empty when absent.
    public var producerName = ""
    /// The version of that tool; empty when absent.
    public var producerVersion = ""
    /// The model's reverse-DNS domain, such as `com.example`; empty when absent.
    public var domain = ""
    /// The model's own version (0 when absent).
    public var modelVersion: Int64 = 0
    /// The model's documentation; empty when absent.
    public var docString = ""
    /// The operator sets the model imports, in file order.
    public var opsetImports: [OperatorSet] = []
    /// The model's metadata, in file order (keys should be distinct, but this keeps whatever the file has).
    public var metadata: [MetadataEntry] = []
    /// The main graph's name; empty when absent.
    public var graphName = ""

    /// Summarizes a serialized `ModelProto`.
    /// - Parameter data: The model's bytes.
    /// - Throws: `ORTError.Code.invalidModel` for bytes that are not a valid `ModelProto` (truncated, corrupt, or
    ///   with fields of the wrong wire type).
    public init(parsing data: Data) throws(ORTError) {
        do {
            self = try withBytes(of: data) { (buffer) throws(ORTError) in try Self.parse(ProtoReader(buffer)) }
        } catch {
            throw ORTError(.invalidModel, "not a valid ONNX model: \(error.message)")
        }
    }

    /// Summarizes a model file, memory-mapping it.
    /// - Parameter url: The `.onnx` file.
    /// - Throws: `ORTError.Code.modelNotFound` if the file cannot be read; `ORTError.Code.invalidModel` as
    ///   ``init(parsing:)``.
    public init(contentsOf url: URL) throws(ORTError) {
        let data: Data
        do {
            data = try Data(contentsOf: url, options: .alwaysMapped)
        } catch {
            throw ORTError(.modelNotFound, "cannot read the model file '\(url.path)': \(error.localizedDescription)")
        }
        try self.init(parsing: data)
    }

    private init() {}

    /// Reads `ModelProto` fields: ir_version 1, producer_name 2, producer_version 3, domain 4, model_version 5,
    /// doc_string 6, graph 7, opset_import 8, metadata_props 14.
    private static func parse(_ message: ProtoReader) throws(ORTError) -> ModelSummary {
        var reader = message
        var summary = ModelSummary()
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: summary.irVersion = Int64(bitPattern: try reader.readVarint(wireType, field: "ir_version"))
            case 2: summary.producerName = try reader.readString(wireType, field: "producer_name")
            case 3: summary.producerVersion = try reader.readString(wireType, field: "producer_version")
            case 4: summary.domain = try reader.readString(wireType, field: "domain")
            case 5: summary.modelVersion = Int64(bitPattern: try reader.readVarint(wireType, field: "model_version"))
            case 6: summary.docString = try reader.readString(wireType, field: "doc_string")
            case 7: summary.graphName = try graphName(reader.readMessage(wireType, field: "graph"))
            case 8: summary.opsetImports.append(try operatorSet(reader.readMessage(wireType, field: "opset_import")))
            case 14:
                let entry = try TensorProtoCoding.readStringPair(reader.readMessage(wireType, field: "metadata_props"))
                summary.metadata.append(MetadataEntry(key: entry.key, value: entry.value))
            default: try reader.skip(wireType)
            }
        }
        return summary
    }

    /// `GraphProto.name` (field 2); every other field is skipped.
    private static func graphName(_ message: ProtoReader) throws(ORTError) -> String {
        var reader = message
        var name = ""
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            if field == 2 {
                name = try reader.readString(wireType, field: "graph.name")
            } else {
                try reader.skip(wireType)
            }
        }
        return name
    }

    /// `OperatorSetIdProto`: domain 1, version 2.
    private static func operatorSet(_ message: ProtoReader) throws(ORTError) -> OperatorSet {
        var reader = message
        var set = OperatorSet(domain: "", version: 0)
        while !reader.isAtEnd {
            let (field, wireType) = try reader.readTag()
            switch field {
            case 1: set.domain = try reader.readString(wireType, field: "opset_import.domain")
            case 2: set.version = Int64(bitPattern: try reader.readVarint(wireType, field: "opset_import.version"))
            default: try reader.skip(wireType)
            }
        }
        return set
    }
}
