#if Server
import Foundation
import ONNXFormats
import ONNXRuntime

/// What `ort inspect` reports about a model, with a text and a stable JSON rendering.
///
/// The JSON form (`ort inspect --json`) has these keys, in this order, and only gains keys in later versions:
/// `path`, `irVersion`, `producer` {`name`, `version`}, `domain`, `modelVersion`, `description`, `graph` {`name`,
/// `description`}, `opsets` [{`domain`, `version`}], `inputs`, `outputs`, `overridableInitializers` (each
/// [{`name`, `type`, `elementType`, `shape`}]: `type` is an ONNX type string such as `tensor(float)` or
/// `seq(tensor(int64))`; `elementType` and `shape` are present for tensors, with `shape` holding integers for fixed
/// dimensions, strings for symbolic ones and null for unnamed dynamic ones), and `metadata` {key: value}.
public struct ModelReport: Sendable, Encodable {
    /// A model input, output or initializer.
    public struct Port: Sendable, Encodable {
        public var name: String
        public var type: String
        public var elementType: String?
        public var shape: [Dimension]?

        /// One dimension: a number, a symbolic name, or unknown.
        public enum Dimension: Sendable, Encodable, CustomStringConvertible {
            case fixed(Int)
            case symbolic(String)
            case unknown

            public func encode(to encoder: any Encoder) throws {
                var container = encoder.singleValueContainer()
                switch self {
                case .fixed(let value): try container.encode(value)
                case .symbolic(let name): try container.encode(name)
                case .unknown: try container.encodeNil()
                }
            }

            public var description: String {
                switch self {
                case .fixed(let value): "\(value)"
                case .symbolic(let name): name
                case .unknown: "?"
                }
            }
        }

        init(_ info: ValueInfo) {
            name = info.name
            type = info.type.typeString
            if case .tensor(let tensor) = info.type {
                elementType = tensor.elementType.description
                shape = tensor.shape.map {
                    switch $0 {
                    case .fixed(let value): .fixed(value)
                    case .symbolic(let name): .symbolic(name)
                    case .dynamic: .unknown
                    }
                }
            }
        }

        /// `name: type [shape]`.
        public var text: String {
            guard let shape else { return "\(name): \(type)" }
            return "\(name): \(type) [\(shape.map(\.description).joined(separator: ", "))]"
        }
    }

    /// Producer name and version.
    public struct Producer: Sendable, Encodable {
        public var name: String
        public var version: String
    }

    /// Graph name and description.
    public struct Graph: Sendable, Encodable {
        public var name: String
        public var description: String
    }

    /// One imported operator set.
    public struct Opset: Sendable, Encodable {
        public var domain: String
        public var version: Int64
    }

    public var path: String
    public var irVersion: Int64
    public var producer: Producer
    public var domain: String
    public var modelVersion: Int64
    public var description: String
    public var graph: Graph
    public var opsets: [Opset]
    public var inputs: [Port]
    public var outputs: [Port]
    public var overridableInitializers: [Port]
    public var metadata: [String: String]

    /// Reads a model file and loads it into a session to describe it.
    public init(path: String, options: SessionOptions = SessionOptions()) throws {
        let session = try Session(path: path, options: options)
        let summary = try ModelSummary(contentsOf: URL(fileURLWithPath: path))
        self.init(path: path, session: session, summary: summary)
    }

    /// Describes a loaded session, with the parts ORT does not report taken from the model file's summary.
    public init(path: String, session: Session, summary: ModelSummary) {
        self.path = path
        irVersion = summary.irVersion
        producer = Producer(name: summary.producerName, version: summary.producerVersion)
        domain = summary.domain
        modelVersion = summary.modelVersion
        description = summary.docString
        graph = Graph(name: session.metadata.graphName, description: session.metadata.graphDescription)
        opsets = summary.opsetImports.map {
            Opset(domain: $0.domain.isEmpty ? "ai.onnx" : $0.domain, version: $0.version)
        }
        inputs = session.inputs.map(Port.init)
        outputs = session.outputs.map(Port.init)
        overridableInitializers = session.overridableInitializers.map(Port.init)
        metadata = session.metadata.custom
    }

    enum CodingKeys: String, CodingKey {
        case path, irVersion, producer, domain, modelVersion, description, graph, opsets, inputs, outputs
        case overridableInitializers, metadata
    }

    /// The JSON form: pretty-printed, keys sorted inside objects.
    public var json: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings and numbers cannot fail.
        let data = (try? encoder.encode(self)) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The human-readable form.
    public var text: String {
        var lines: [String] = []
        lines.append("Model:    \(path)")
        lines.append(
            "Format:   IR version \(irVersion), opsets "
                + opsets.map { "\($0.domain) v\($0.version)" }.joined(separator: ", "))
        var producerText = producer.name.isEmpty ? "(not set)" : producer.name
        if !producer.version.isEmpty { producerText += " \(producer.version)" }
        lines.append("Producer: \(producerText)")
        if !domain.isEmpty { lines.append("Domain:   \(domain)") }
        if modelVersion != 0 { lines.append("Version:  \(modelVersion)") }
        if !description.isEmpty { lines.append("About:    \(description)") }
        lines.append("Graph:    \(graph.name)\(graph.description.isEmpty ? "" : " (\(graph.description))")")
        lines.append("Inputs:")
        lines += inputs.map { "  \($0.text)" }
        lines.append("Outputs:")
        lines += outputs.map { "  \($0.text)" }
        if !overridableInitializers.isEmpty {
            lines.append("Overridable initializers:")
            lines += overridableInitializers.map { "  \($0.text)" }
        }
        if !metadata.isEmpty {
            lines.append("Metadata:")
            lines += metadata.sorted { $0.key < $1.key }.map { "  \($0.key) = \($0.value)" }
        }
        return lines.joined(separator: "\n")
    }
}
#endif
