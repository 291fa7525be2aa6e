import Foundation
import ONNXFormats
import ONNXRuntime
import Testing

/// The fixture files (written by `scripts/generate-format-fixtures.py`) and their expected values.
enum Fixtures {
    /// `Tests/ONNXFormatsTests/Fixtures`, found from this file's path.
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures")

    /// The bytes of a fixture file.
    static func data(_ name: String) throws -> Data {
        try Data(contentsOf: directory.appendingPathComponent(name))
    }

    /// `expected.json`, decoded once.
    static let expected: ExpectedFile = {
        do {
            return try JSONDecoder().decode(ExpectedFile.self, from: data("expected.json"))
        } catch {
            fatalError("cannot read Fixtures/expected.json: \(error)")
        }
    }()
}

/// The contents of `expected.json`.
struct ExpectedFile: Decodable, Sendable {
    /// One `.pb` fixture.
    struct Proto: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var kind: String
        var name: String?
        var value: Snapshot?
        var error: String?
        var testDescription: String { file }

        var protoKind: ProtoValue.Kind {
            switch kind {
            case "sequence": .sequence
            case "map": .map
            case "optional": .optional
            default: .tensor
            }
        }
    }

    /// One `.npy` fixture.
    struct NumPyFile: Decodable, Sendable, CustomTestStringConvertible {
        var file: String
        var value: Snapshot?
        var error: String?
        var canonical: Bool?
        var testDescription: String { file }
    }

    /// A `.pb` tensor and what `numpy.save` writes for it after widening.
    struct Widened: Decodable, Sendable, CustomTestStringConvertible {
        var source: String
        var npy: String
        var testDescription: String { npy }
    }

    /// What `ModelSummary` should report for the fixture model.
    struct Model: Decodable, Sendable {
        struct Opset: Decodable, Sendable {
            var domain: String
            var version: Int64
        }
        struct Entry: Decodable, Sendable {
            var key: String
            var value: String
        }
        var file: String
        var irVersion: Int64
        var producerName: String
        var producerVersion: String
        var domain: String
        var modelVersion: Int64
        var docString: String
        var opsetImports: [Opset]
        var metadata: [Entry]
        var graphName: String
    }

    var protos: [Proto]
    var npy: [NumPyFile]
    var widened: [Widened]
    var model: Model
}

/// A comparable picture of a value: element type, shape and the exact bytes of each tensor (for a string tensor, the
/// bytes of each element as hex, whether the fixture wrote them down as text or as bytes).
indirect enum Snapshot: Equatable, Sendable, Decodable, CustomStringConvertible {
    case tensor(type: String, shape: [Int], hex: String?, strings: [String]?)
    case sequence([Snapshot])
    case map(keys: Snapshot, values: [Snapshot])
    case optional(Snapshot?)

    private enum Keys: String, CodingKey { case tensor, sequence, map, optional }
    private enum TensorKeys: String, CodingKey { case type, shape, hex, strings, byteStrings }
    private enum MapKeys: String, CodingKey { case keys, values }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        if container.contains(.tensor) {
            let tensor = try container.nestedContainer(keyedBy: TensorKeys.self, forKey: .tensor)
            self = .tensor(
                type: try tensor.decode(String.self, forKey: .type),
                shape: try tensor.decode([Int].self, forKey: .shape),
                hex: try tensor.decodeIfPresent(String.self, forKey: .hex),
                strings: try tensor.decodeIfPresent([String].self, forKey: .strings)?.map { Array($0.utf8).hex }
                    ?? tensor.decodeIfPresent([String].self, forKey: .byteStrings))
        } else if container.contains(.sequence) {
            self = .sequence(try container.decode([Snapshot].self, forKey: .sequence))
        } else if container.contains(.map) {
            let map = try container.nestedContainer(keyedBy: MapKeys.self, forKey: .map)
            self = .map(
                keys: try map.decode(Snapshot.self, forKey: .keys),
                values: try map.decode([Snapshot].self, forKey: .values))
        } else {
            self = .optional(try container.decodeIfPresent(Snapshot.self, forKey: .optional))
        }
    }

    /// The snapshot of an ONNX Runtime tensor.
    init(_ value: Value) throws {
        guard value.kind == .tensor, let type = value.elementType else {
            throw ORTError(.typeMismatch, "expected a tensor, got \(value)")
        }
        if type == .string {
            self = .tensor(
                type: "string", shape: value.shape, hex: nil, strings: try Tensor<[UInt8]>(value).scalars.map(\.hex))
        } else {
            self = .tensor(type: type.onnxName, shape: value.shape, hex: try value.rawBytes.hex, strings: nil)
        }
    }

    /// The snapshot of a value tree.
    init(_ value: ProtoValue) throws {
        switch value {
        case .tensor(let tensor): self = try Snapshot(tensor)
        case .sequence(let elements): self = .sequence(try elements.map(Snapshot.init))
        case .map(let keys, let values): self = .map(keys: try Snapshot(keys), values: try values.map(Snapshot.init))
        case .optional(let contained): self = .optional(try contained.map(Snapshot.init))
        }
    }

    var description: String {
        switch self {
        case .tensor(let type, let shape, let hex, let strings):
            "\(type)\(shape) \(hex ?? strings?.description ?? "")"
        case .sequence(let elements): "seq[\(elements.map(\.description).joined(separator: ", "))]"
        case .map(let keys, let values): "map(\(keys) -> [\(values.map(\.description).joined(separator: ", "))])"
        case .optional(let contained): "optional(\(contained?.description ?? "none"))"
        }
    }
}

extension Collection<UInt8> {
    /// Lowercase hexadecimal, two digits a byte.
    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(count * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Runs `body`, which must throw an `ORTError`, and returns it.
func expectORTError(
    _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void
) -> ORTError? {
    do {
        try body()
    } catch let error as ORTError {
        return error
    } catch {
        Issue.record("expected an ORTError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
    Issue.record("expected an error\(comment.map { ": \($0)" } ?? "")", sourceLocation: sourceLocation)
    return nil
}
