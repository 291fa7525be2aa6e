#if Server
import ArgumentParser
import ONNXRuntime

/// Session options shared by the subcommands that load a model.
public struct ModelOptions: ParsableArguments {
    @Option(name: .customLong("provider"), help: "An execution provider to use before the CPU (repeatable).")
    public var providers: [String] = []

    /// `--ep NAME[:key=value,...]` and `--ep-library NAME=PATH`.
    @OptionGroup public var executionProviders: ExecutionProviderOptions

    @Option(name: .customLong("threads"), help: "Intra-op threads (0 lets ONNX Runtime choose).")
    public var intraOpThreads: Int = 0

    @Option(name: .customLong("inter-threads"), help: "Inter-op threads (0 lets ONNX Runtime choose).")
    public var interOpThreads: Int = 0

    @Option(help: "Graph optimization level: disabled, basic, extended or all.")
    public var optimization: OptimizationLevel = .all

    @Option(name: .customLong("dim"), help: "Fix a symbolic dimension, NAME=VALUE (repeatable).")
    public var dimensions: [String] = []

    public init() {}

    /// The optimization levels, as command-line words.
    public enum OptimizationLevel: String, ExpressibleByArgument, CaseIterable, Sendable {
        case disabled, basic, extended, all
    }

    /// The free-dimension overrides given with `--dim`.
    public func dimensionOverrides() throws -> [String: Int] {
        var result: [String: Int] = [:]
        for entry in dimensions {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, let value = Int(parts[1]), value >= 0 else {
                throw ValidationError("--dim expects NAME=VALUE with a non-negative integer VALUE, got '\(entry)'")
            }
            result[parts[0]] = value
        }
        return result
    }

    /// The session options these flags describe. Registers the `--ep-library` libraries first.
    public func sessionOptions() throws -> SessionOptions {
        var options = SessionOptions(intraOpThreads: intraOpThreads, interOpThreads: interOpThreads)
        options.optimization =
            switch optimization {
            case .disabled: .disabled
            case .basic: .basic
            case .extended: .extended
            case .all: .all
            }
        options.freeDimensionOverrides = try dimensionOverrides()
        // --ep entries (with options) first, then --provider names, each in the order given.
        try executionProviders.libraries.registerLibraries()
        options.executionProviders =
            try executionProviders.parsedProviders() + providers.map { SessionOptions.ExecutionProvider($0) }
        return options
    }
}
#endif
