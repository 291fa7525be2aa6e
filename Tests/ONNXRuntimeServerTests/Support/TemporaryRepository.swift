#if Server && Client
import Foundation

/// A model repository in a temporary directory.
final class TemporaryRepository: Sendable {
    /// The repository directory.
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ort-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// Adds `<name>/<version>/<fileName>` copied from `file`, and a `config.pbtxt` if given.
    func add(_ name: String, version: Int = 1, file: String, config: String? = nil, fileName: String = "model.onnx")
        throws
    {
        let directory = "\(path)/\(name)/\(version)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let destination = "\(directory)/\(fileName)"
        if FileManager.default.fileExists(atPath: destination) {
            try FileManager.default.removeItem(atPath: destination)
        }
        try FileManager.default.copyItem(atPath: file, toPath: destination)
        if let config { try writeConfig(name, config) }
    }

    /// Adds an ensemble: its `config.pbtxt` and an empty version directory `1`.
    func addEnsemble(_ name: String, config: String) throws {
        try writeConfig(name, config)
        try FileManager.default.createDirectory(atPath: "\(path)/\(name)/1", withIntermediateDirectories: true)
    }

    /// Adds a version whose model file holds `bytes` (for broken models).
    func add(_ name: String, version: Int = 1, bytes: [UInt8]) throws {
        let directory = "\(path)/\(name)/\(version)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/model.onnx"))
    }

    /// Writes `<name>/config.pbtxt`.
    func writeConfig(_ name: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: "\(path)/\(name)", withIntermediateDirectories: true)
        try text.write(toFile: "\(path)/\(name)/config.pbtxt", atomically: true, encoding: .utf8)
    }

    /// Removes a model directory or a version directory.
    func remove(_ name: String, version: Int? = nil) throws {
        try FileManager.default.removeItem(atPath: version.map { "\(path)/\(name)/\($0)" } ?? "\(path)/\(name)")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}
#endif
