#if Server
import Foundation

/// The model repositories and single-file models a server serves, read from disk.
///
/// Model names come only from directory listings (and from `--model NAME=PATH`); a name from a request is looked up
/// among them and never used to build a path.
package struct ModelRepository: Sendable {
    /// What one scan found.
    package struct Scan: Sendable {
        /// The models found, by name.
        package var sources: [String: ModelSource] = [:]
        /// Names found in more than one place, with the message explaining it; these cannot be loaded.
        package var conflicts: [String: String] = [:]
        /// Directory entries skipped because their names are not valid model names.
        package var skipped: [String] = []
    }

    /// A model's files, read and checked: its configuration and the versions its policy selects.
    package struct Description: Sendable {
        /// The configuration from `config.pbtxt`, or the default one.
        package var config: ModelConfig
        /// The `config.pbtxt` path, if there is one.
        package var configFile: String?
        /// The versions to load and the model file of each (for an ensemble, the version directory).
        package var versions: [Int: String]
        /// Versions the policy asks for that cannot be loaded, with the reason.
        package var missing: [Int: String]
    }

    /// Repository root directories.
    package let roots: [String]
    /// Single-file models by name.
    package let files: [String: String]
    /// Triton model directories (`<directory>/<version>/model.onnx`) served under a given name, whatever the
    /// directory is called (KServe's `/mnt/models` with `--model-name`).
    package let directories: [String: String]

    /// Creates a repository view.
    /// - Parameters:
    ///   - roots: Repository directories, each holding one directory per model.
    ///   - files: Single `.onnx` files by model name.
    ///   - directories: Model directories by model name.
    package init(roots: [String], files: [String: String] = [:], directories: [String: String] = [:]) {
        self.roots = roots
        self.files = files
        self.directories = directories
    }

    /// Lists the models in every repository, the single-file models and the named model directories.
    package func scan() -> Scan {
        var scan = Scan()
        var places: [String: [String]] = [:]
        for root in roots {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
            for entry in entries.sorted() {
                let path = (root as NSString).appendingPathComponent(entry)
                guard Self.isDirectory(path) else { continue }
                guard ModelName.isValid(entry) else {
                    if !entry.hasPrefix(".") { scan.skipped.append(path) }
                    continue
                }
                places[entry, default: []].append(path)
                scan.sources[entry] = ModelSource(name: entry, location: .directory(path))
            }
        }
        for (name, path) in files {
            places[name, default: []].append(path)
            scan.sources[name] = ModelSource(name: name, location: .file(path))
        }
        for (name, path) in directories {
            places[name, default: []].append(path)
            scan.sources[name] = ModelSource(name: name, location: .directory(path))
        }
        for (name, paths) in places where paths.count > 1 {
            scan.conflicts[name] =
                "model '\(name)' is found in more than one place (\(paths.joined(separator: ", "))); rename one"
        }
        return scan
    }

    /// What error messages call a configuration given in a load request.
    package static let overrideLabel = "the load request's 'config'"

    /// Reads a model's configuration and picks its versions.
    /// - Parameters:
    ///   - source: The model's files.
    ///   - configOverride: A configuration in text format that replaces `config.pbtxt` (a load request's `config`,
    ///     Triton's override); it may not name custom operator libraries (`model_operations`): a client must not choose
    ///     native code to load (SECURITY.md).
    /// - Throws: ``ModelConfigError`` for a broken configuration or a model with no versions.
    package static func describe(_ source: ModelSource, configOverride: String? = nil) throws(ModelConfigError)
        -> Description
    {
        var overridden: ModelConfig?
        if let configOverride {
            let config = try ModelConfig.parse(configOverride, file: overrideLabel, defaultName: source.name)
            guard config.name == source.name else {
                throw ModelConfigError(
                    file: overrideLabel, line: config.fieldLines["name"] ?? 0,
                    "the configuration names the model '\(config.name)', but the request loads '\(source.name)'")
            }
            guard config.opLibraryFilenames.isEmpty else {
                throw ModelConfigError(
                    file: overrideLabel, line: config.fieldLines["model_operations"] ?? 0,
                    "'model_operations' cannot be given in a load request: custom operator libraries are native code, "
                        + "named only by the model's config.pbtxt (see SECURITY.md)")
            }
            overridden = config
        }
        switch source.location {
        case .file(let path):
            return Description(
                config: overridden ?? ModelConfig(name: source.name), configFile: nil, versions: [1: path],
                missing: [:])
        case .directory(let directory):
            let configPath = (directory as NSString).appendingPathComponent("config.pbtxt")
            var config = ModelConfig(name: source.name)
            var configFile: String?
            if let overridden {
                // The model's folder (labels, warmup and initial state files) is still where config.pbtxt lives.
                config = overridden
                configFile = configPath
            } else if FileManager.default.fileExists(atPath: configPath) {
                configFile = configPath
                guard let data = FileManager.default.contents(atPath: configPath) else {
                    throw ModelConfigError(file: configPath, "cannot read the file")
                }
                guard let text = String(bytes: data, encoding: .utf8) else {
                    throw ModelConfigError(file: configPath, "the file is not UTF-8 text")
                }
                config = try ModelConfig.parse(text, file: configPath, defaultName: source.name)
                guard config.name == source.name else {
                    throw ModelConfigError(
                        file: configPath, line: config.fieldLines["name"] ?? 0,
                        "the configuration names the model '\(config.name)', but it is served as '\(source.name)' "
                            + "(its directory's name or the name it was given); they must match")
                }
            }
            let available = versionDirectories(directory)
            guard !available.isEmpty else {
                throw ModelConfigError(
                    file: configFile,
                    "no version directories in \(directory): expected \(directory)/<version>/"
                        + config.defaultModelFilename + " with a positive integer version")
            }
            var versions: [Int: String] = [:]
            var missing: [Int: String] = [:]
            for version in config.versionPolicy.select(from: available) {
                if config.isEnsemble {
                    // An ensemble's version directory holds no model: its steps name the models.
                    versions[version] = "\(directory)/\(version)"
                    continue
                }
                let file = "\(directory)/\(version)/\(config.defaultModelFilename)"
                if FileManager.default.fileExists(atPath: file) {
                    versions[version] = file
                } else {
                    missing[version] = "model file \(file) not found"
                }
            }
            if case .specific(let wanted) = config.versionPolicy {
                for version in wanted where !available.contains(version) {
                    missing[version] = "version directory \(directory)/\(version) not found"
                }
            }
            return Description(config: config, configFile: configFile, versions: versions, missing: missing)
        }
    }

    /// A summary of a model's files (names, sizes, modification times) that changes whenever a reload is due.
    package static func fingerprint(_ source: ModelSource) -> String {
        switch source.location {
        case .file(let path):
            return stat(path)
        case .directory(let directory):
            var parts = [stat((directory as NSString).appendingPathComponent("config.pbtxt"))]
            for version in versionDirectories(directory) {
                let versionDirectory = "\(directory)/\(version)"
                let files = (try? FileManager.default.contentsOfDirectory(atPath: versionDirectory)) ?? []
                parts.append(
                    "\(version):" + files.sorted().map { stat("\(versionDirectory)/\($0)") }.joined(separator: ","))
            }
            return parts.joined(separator: "|")
        }
    }

    /// The numeric version directories of a model directory, ascending.
    static func versionDirectories(_ directory: String) -> [Int] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return entries.compactMap { entry -> Int? in
            guard let version = ModelName.version(fromDirectoryName: entry),
                isDirectory((directory as NSString).appendingPathComponent(entry))
            else { return nil }
            return version
        }.sorted()
    }

    private static func isDirectory(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private static func stat(_ path: String) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return "-" }
        let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
        let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        return "\((path as NSString).lastPathComponent)=\(size)@\(modified)"
    }
}
#endif
