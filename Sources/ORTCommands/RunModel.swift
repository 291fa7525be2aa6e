#if Server
import ArgumentParser
import Foundation
import ONNXFormats
import ONNXRuntime

/// `ort run MODEL --input NAME=FILE ...`: runs a model on inputs from `.npy` or `.pb` files.
public struct RunModel: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a model on inputs read from .npy or ONNX .pb files.",
        discussion: """
            Inputs are NAME=FILE, or FILE alone: a FILE alone is matched by the name stored in a .pb file, or else \
            by position. Outputs are written to --output-dir as <name>.pb or <name>.npy; without it, a summary is \
            printed.
            """)

    @Argument(help: "The .onnx model file.")
    public var model: String

    @Option(name: .customLong("input"), help: "An input: NAME=FILE or FILE (.npy or .pb; repeatable).")
    public var inputs: [String] = []

    @Option(help: "Write each output to this folder.")
    public var outputDir: String?

    @Option(help: "Output file format: pb or npy.")
    public var outputFormat: OutputFormat = .pb

    @Option(name: .customLong("output"), help: "Compute only these outputs (repeatable).")
    public var outputNames: [String] = []

    @Flag(help: "Print the summary as JSON.")
    public var json = false

    @OptionGroup public var options: ModelOptions

    public init() {}

    /// File formats for outputs.
    public enum OutputFormat: String, ExpressibleByArgument, Sendable {
        case pb, npy
    }

    public func run() async throws {
        let session = try Session(path: model, options: options.sessionOptions())
        let feeds = try InputFiles.load(inputs, for: session)
        let outputs = try await session.run(feeds, outputs: outputNames.isEmpty ? nil : outputNames)
        if let outputDir {
            let written = try OutputFiles.write(outputs, session: session, to: outputDir, format: outputFormat)
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(written), as: UTF8.self))
            } else {
                for path in written { print("wrote \(path)") }
            }
            return
        }
        let summaries = outputs.map { ValueSummary(name: $0.name, value: $0.value) }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(
                positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(summaries), as: UTF8.self))
        } else {
            for summary in summaries { print(summary.text) }
        }
    }
}

/// Reading input files for a session.
public enum InputFiles {
    /// Reads `NAME=FILE` / `FILE` specs into feeds for the session's inputs.
    ///
    /// A `.pb` file is read as the message its input's declared type calls for (TensorProto, SequenceProto,
    /// MapProto or OptionalProto). A `FILE` without a name takes the name stored in the `.pb`, if it is one of the
    /// model's inputs, else the first input not given yet. An optional holding nothing is left out of the feeds.
    public static func load(_ specs: [String], for session: Session) throws -> [String: Value] {
        let feedable = session.inputs + session.overridableInitializers
        var feeds: [String: Value] = [:]
        var assigned = Set<String>()
        var positional: [(path: String, data: Data)] = []
        for spec in specs {
            let (name, path) = split(spec)
            let data = try read(path)
            if let name {
                guard let info = feedable.first(where: { $0.name == name }) else {
                    throw CommandError(
                        "model has no input named '\(name)'; inputs are: "
                            + session.inputs.map(\.name).joined(separator: ", "))
                }
                assigned.insert(name)
                if let value = try decode(data, path: path, for: info) { feeds[name] = value }
            } else {
                positional.append((path, data))
            }
        }
        var remaining = session.inputs.filter { !assigned.contains($0.name) }
        for (path, data) in positional {
            var target: ValueInfo?
            if path.hasSuffix(".pb"), let stored = try? ONNXProto.readValue(from: data, as: .tensor).name,
                let index = remaining.firstIndex(where: { $0.name == stored })
            {
                target = remaining.remove(at: index)
            } else if !remaining.isEmpty {
                target = remaining.removeFirst()
            }
            guard let target else {
                throw CommandError("more input files than the model has inputs: '\(path)' has no input left")
            }
            if let value = try decode(data, path: path, for: target) { feeds[target.name] = value }
        }
        return feeds
    }

    static func split(_ spec: String) -> (name: String?, path: String) {
        // NAME=FILE, unless the whole thing is an existing file (paths may contain '=').
        if let equals = spec.firstIndex(of: "="), !FileManager.default.fileExists(atPath: spec) {
            return (String(spec[..<equals]), String(spec[spec.index(after: equals)...]))
        }
        return (nil, spec)
    }

    static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandError("input file '\(path)' does not exist")
        }
        guard !isDirectory.boolValue else { throw CommandError("input '\(path)' is a directory, not a file") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe)
        } catch {
            throw CommandError("cannot read input file '\(path)': \(error.localizedDescription)")
        }
    }

    /// Decodes one file for one input; `nil` for an optional that holds nothing.
    static func decode(_ data: Data, path: String, for info: ValueInfo) throws -> Value? {
        do {
            if path.hasSuffix(".npy") {
                return try NumPy.readValue(from: data)
            }
            let kind = ProtoValue.Kind(info.type) ?? .tensor
            let proto = try ONNXProto.readValue(from: data, as: kind).value
            if case .optional(nil) = proto { return nil }
            return try proto.makeValue()
        } catch {
            throw error.prefixed("input '\(info.name)' from '\(path)'")
        }
    }
}

/// Writing outputs to files.
public enum OutputFiles {
    /// Writes each output to `directory/<name>.<format>` and returns the paths.
    public static func write(
        _ outputs: RunOutputs, session: Session, to directory: String, format: RunModel.OutputFormat
    ) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [String] = []
        for (name, value) in outputs {
            let safeName = name.map { $0 == "/" || $0 == "\0" ? "_" : $0 }
            let path = URL(fileURLWithPath: directory).appendingPathComponent("\(String(safeName)).\(format.rawValue)")
                .path
            let data: Data
            switch format {
            case .npy:
                guard value.kind == .tensor else {
                    throw CommandError(
                        "output '\(name)' is a \(value.type.typeString); .npy holds tensors only, use --output-format pb"
                    )
                }
                data = try NumPy.serialize(value)
            case .pb:
                var proto = try ProtoValue(value)
                let declared = session.outputs.first { $0.name == name }?.type
                if case .optional = declared, proto.kind != .optional { proto = .optional(proto) }
                data = try ONNXProto.serialize(proto, name: name)
            }
            try data.write(to: URL(fileURLWithPath: path))
            written.append(path)
        }
        return written
    }
}

extension ORTError {
    /// The same error with context in front of the message.
    func prefixed(_ context: String) -> ORTError {
        ORTError(code, "\(context): \(message)", runtimeCode: runtimeCode)
    }
}
#endif
