#if Server
import ArgumentParser
import Foundation
import ONNXRuntime

/// `--ep NAME[:key=value,...]` and `--ep-library NAME=PATH`, shared by `run`, `bench` and `serve`.
///
/// ```
/// ort run model.onnx --ep-library openvino=/path/libonnxruntime_providers_openvino_plugin.so \
///     --ep OpenVINOExecutionProvider:device_type=CPU
/// ```
public struct ExecutionProviderOptions: ParsableArguments {
    @Option(
        name: .customLong("ep"),
        help: ArgumentHelp(
            "An execution provider to use before the CPU, with options: NAME[:key=value,...] (repeatable, in order "
                + "of preference). A built-in provider, or one from an --ep-library.",
            valueName: "name[:key=value,...]"))
    public var providers: [String] = []

    /// `--ep-library NAME=PATH`.
    @OptionGroup public var libraries: ExecutionProviderLibraryOptions

    public init() {}

    /// The `--ep` entries as execution providers, in order.
    /// - Throws: `ValidationError` for an empty name, an option without `=` or with an empty key, or a key given
    ///   twice.
    public func parsedProviders() throws -> [SessionOptions.ExecutionProvider] {
        try providers.map { entry in
            let parts = entry.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let name = parts[0]
            guard !name.isEmpty else {
                throw ValidationError("--ep expects NAME[:key=value,...], got '\(entry)'")
            }
            var options: [String: String] = [:]
            if parts.count == 2, !parts[1].isEmpty {
                for pair in parts[1].split(separator: ",", omittingEmptySubsequences: false) {
                    let keyValue = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                        .map(String.init)
                    guard keyValue.count == 2, !keyValue[0].isEmpty else {
                        throw ValidationError(
                            "--ep \(name): options are key=value separated by commas, got '\(pair)' in '\(entry)'")
                    }
                    guard options[keyValue[0]] == nil else {
                        throw ValidationError("--ep \(name): option '\(keyValue[0])' is given twice")
                    }
                    options[keyValue[0]] = keyValue[1]
                }
            }
            return SessionOptions.ExecutionProvider(name, options: options)
        }
    }
}

/// `--ep-library NAME=PATH`: plugin execution provider libraries to register before any model loads
/// (`run`, `bench`, `serve`, `devices`).
public struct ExecutionProviderLibraryOptions: ParsableArguments {
    @Option(
        name: .customLong("ep-library"),
        help: ArgumentHelp(
            "Register a plugin execution provider library: NAME=PATH (repeatable).", valueName: "name=path"))
    public var libraries: [String] = []

    public init() {}

    /// The `--ep-library` entries as (registration name, path), in order.
    /// - Throws: `ValidationError` for an entry without `=`, an empty name or path, or a name given twice.
    public func parsedLibraries() throws -> [(name: String, path: String)] {
        var result: [(name: String, path: String)] = []
        for entry in libraries {
            let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("--ep-library expects NAME=PATH, got '\(entry)'")
            }
            guard !result.contains(where: { $0.name == parts[0] }) else {
                throw ValidationError("--ep-library names '\(parts[0])' twice")
            }
            result.append((parts[0], parts[1]))
        }
        return result
    }

    /// Registers the `--ep-library` libraries with the shared environment (a library already registered, under any
    /// name, is left as it is).
    /// - Throws: `CommandError` saying which library could not be registered and why.
    public func registerLibraries() throws {
        let libraries = try parsedLibraries()
        guard !libraries.isEmpty else { return }
        do throws(ORTError) {
            let environment = try Environment.shared
            for (name, path) in libraries where !environment.executionProviderLibraries.values.contains(path) {
                try environment.registerExecutionProviderLibrary(name, path: path)
            }
        } catch {
            throw CommandError("--ep-library: \(error.message)")
        }
    }
}
#endif
