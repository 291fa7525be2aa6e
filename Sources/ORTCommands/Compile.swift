#if Server
import ArgumentParser
import Foundation
import ONNXRuntime

/// `ort compile MODEL -o OUT [--ep NAME[:key=value,...]]... [--ep-library NAME=PATH]... [--embed] ...`: compiles a
/// model ahead of time for execution providers that compile (EPContext model).
///
/// ```
/// ort compile model.onnx -o model_ctx.onnx --ep-library npu=/path/libnpu_ep.so --ep NpuExecutionProvider --embed
/// ```
public struct Compile: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Compile a model for execution providers that compile, into an EPContext model.",
        discussion: """
            The execution providers given with --ep compile the subgraphs they support into EPContext nodes; the \
            CPU provider compiles nothing (the model is then written back as it is, unless \
            --fail-if-nothing-compiled). Load the compiled model with the same providers.
            """)

    @Argument(help: "The .onnx model to compile.")
    public var model: String

    @Option(name: [.customShort("o"), .customLong("output")], help: "Where to write the compiled model.")
    public var output: String

    /// `--ep NAME[:key=value,...]` and `--ep-library NAME=PATH`, as `run`, `bench` and `serve` take them.
    @OptionGroup public var executionProviders: ExecutionProviderOptions

    @Flag(help: "Embed the compiled binaries in the EPContext nodes instead of writing files beside the model.")
    public var embed = false

    @Flag(help: "Fail when no execution provider compiled any node.")
    public var failIfNothingCompiled = false

    @Flag(help: "Fail instead of overwriting an existing output file.")
    public var noOverwrite = false

    @Option(
        help: "Graph optimization before compiling: disabled, basic, extended or all (default: ONNX Runtime's, none).")
    public var optimization: ModelOptions.OptimizationLevel?

    @Option(
        name: .customLong("config"),
        help: ArgumentHelp("A session configuration entry, KEY=VALUE (repeatable).", valueName: "key=value"))
    public var configEntries: [String] = []

    public init() {}

    /// The compilation these arguments describe (registers the `--ep-library` libraries first).
    /// - Throws: `ValidationError` for malformed arguments, `CommandError` for a library that cannot be registered.
    public func compiler() throws -> ModelCompiler {
        var options = SessionOptions()
        for entry in configEntries {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--config expects KEY=VALUE, got '\(entry)'")
            }
            guard options.configEntries[parts[0]] == nil else {
                throw ValidationError("--config gives '\(parts[0])' twice")
            }
            options.configEntries[parts[0]] = parts[1]
        }
        try executionProviders.libraries.registerLibraries()
        options.executionProviders = try executionProviders.parsedProviders()
        var compiler = ModelCompiler(path: model, options: options)
        compiler.embedsContextBinary = embed
        compiler.failsIfNothingCompiled = failIfNothingCompiled
        compiler.failsIfOutputExists = noOverwrite
        compiler.optimization = optimization.map {
            switch $0 {
            case .disabled: .disabled
            case .basic: .basic
            case .extended: .extended
            case .all: .all
            }
        }
        return compiler
    }

    public func run() async throws {
        let compiler = try compiler()
        do {
            try compiler.compile(to: output)
        } catch {
            throw CommandError(error.description)
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: output)[.size] as? NSNumber)?.intValue ?? 0
        print("wrote \(output) (\(size) bytes)")
        for provider in compiler.sessionOptions.executionProviders {
            // Compatibility info needs ONNX Runtime 1.24; its absence is not an error here.
            if let info = try? ModelCompiler.compatibilityInfo(ofModelAt: output, executionProvider: provider.name) {
                print("\(provider.name) compatibility info: \(info)")
            }
        }
    }
}
#endif
