#if Server
import Foundation

/// How a model location handed over by a deployment is laid out, such as the `/mnt/models` directory KServe's
/// storage initializer fills for a custom serving runtime.
///
/// ``detect(at:)`` accepts, in this order:
/// 1. a `.onnx` file;
/// 2. a directory holding `model.onnx`;
/// 3. a Triton model directory: numeric version folders (`1/model.onnx`, …) and an optional `config.pbtxt`;
/// 4. a directory holding exactly one `.onnx` file (and no model folders);
/// 5. a Triton model repository: one folder per model, each a Triton model directory.
///
/// Hidden entries and entries whose names are not valid model names (such as `lost+found`) are ignored.
package enum ModelDirectoryLayout: Sendable, Hashable {
    /// One `.onnx` file, served as version 1 under a name given elsewhere.
    case file(String)
    /// A Triton model directory (`<directory>/<version>/model.onnx`, optional `config.pbtxt`), served under a name
    /// given elsewhere.
    case modelDirectory(String)
    /// A Triton model repository (`<directory>/<model>/<version>/model.onnx`): every model keeps its folder's name.
    case repository(String)

    /// The most directory entries looked at; a model directory is small, so a larger one is a mistake.
    package static let maxEntries = 10_000

    /// Works out how `path` is laid out.
    /// - Parameter path: A `.onnx` file or a directory.
    /// - Returns: The layout found.
    /// - Throws: ``ModelDirectoryError`` when `path` does not exist, is empty, holds several `.onnx` files and
    ///   nothing says which one to serve, or holds nothing that looks like a model.
    package static func detect(at path: String) throws(ModelDirectoryError) -> ModelDirectoryLayout {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ModelDirectoryError(path: path, "does not exist")
        }
        guard isDirectory.boolValue else {
            guard path.hasSuffix(".onnx") else {
                throw ModelDirectoryError(
                    path: path, "is a file but not a .onnx model; give a .onnx file or a directory")
            }
            return .file(path)
        }
        let entries: [String]
        do {
            entries = try manager.contentsOfDirectory(atPath: path)
        } catch {
            throw ModelDirectoryError(path: path, "cannot be read: \(error.localizedDescription)")
        }
        guard entries.count <= maxEntries else {
            throw ModelDirectoryError(
                path: path, "has \(entries.count) entries, more than the \(maxEntries) a model directory may hold")
        }
        let visible = entries.filter { !$0.hasPrefix(".") }.sorted()
        func child(_ name: String) -> String { (path as NSString).appendingPathComponent(name) }

        if isRegularFile(child("model.onnx")) { return .file(child("model.onnx")) }
        if !ModelRepository.versionDirectories(path).isEmpty || isRegularFile(child("config.pbtxt")) {
            return .modelDirectory(path)
        }
        let onnxFiles = visible.filter { $0.hasSuffix(".onnx") && isRegularFile(child($0)) }
        let modelFolders = visible.filter { name in
            ModelName.isValid(name) && isFolder(child(name))
                && (!ModelRepository.versionDirectories(child(name)).isEmpty
                    || isRegularFile((child(name) as NSString).appendingPathComponent("config.pbtxt")))
        }
        switch (onnxFiles.count, modelFolders.isEmpty) {
        case (0, true):
            let found = visible.isEmpty ? "it is empty" : "it holds \(listed(visible))"
            throw ModelDirectoryError(
                path: path,
                "holds no model (\(found)); expected a .onnx file, model.onnx, version folders such as "
                    + "1/model.onnx, or one folder per model (<model>/1/model.onnx)")
        case (1, true):
            return .file(child(onnxFiles[0]))
        case (_, true):
            throw ModelDirectoryError(
                path: path,
                "holds \(onnxFiles.count) .onnx files (\(listed(onnxFiles))) and nothing says which one to serve; "
                    + "name the one to serve model.onnx or give its path")
        case (0, false):
            return .repository(path)
        default:
            throw ModelDirectoryError(
                path: path,
                "holds both .onnx files (\(listed(onnxFiles))) and model folders (\(listed(modelFolders))); keep "
                    + "either a single model or a model repository")
        }
    }

    private static func isRegularFile(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && !isDirectory.boolValue
    }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    private static func listed(_ names: [String]) -> String {
        let shown = names.prefix(5).joined(separator: ", ")
        return names.count > 5 ? "\(shown), … \(names.count - 5) more" : shown
    }
}
#endif
