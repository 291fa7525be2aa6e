#if Server
import Foundation

/// Decides which custom operator libraries a model may load (`model_operations { op_library_filename }`).
///
/// A library is native code that runs inside the server process with the server's rights, so a model's
/// configuration alone cannot bring one in: the server must have been started with directories to allow
/// (``ServingConfiguration/customOpLibraryDirectories``, `ort serve --allow-custom-op-libraries DIR`), and the library,
/// its symbolic links resolved, must be a file inside one of them. Whoever can write the model repository then still
/// cannot make the server run a library from anywhere else (a repository directory, `/tmp`, an upload).
enum CustomOpLibraries {
    /// The libraries of `config`, resolved and checked; empty when the model names none.
    /// - Parameters:
    ///   - config: The model's configuration.
    ///   - folder: The model's folder: relative library paths are relative to it.
    ///   - allowed: The directories libraries may come from; empty allows none.
    /// - Throws: ``ModelLoader/LoadFailure`` naming the library: not allowed at all, missing, not a file, or outside
    ///   the allowed directories.
    static func resolve(_ config: ModelConfig, folder: String?, allowed: [String]) throws(ModelLoader.LoadFailure)
        -> [String]
    {
        guard !config.opLibraryFilenames.isEmpty else { return [] }
        let names = config.opLibraryFilenames.map { "'\($0)'" }.joined(separator: ", ")
        guard !allowed.isEmpty else {
            throw ModelLoader.LoadFailure(
                "the model needs the custom operator librar\(config.opLibraryFilenames.count == 1 ? "y" : "ies") "
                    + "\(names) (model_operations), but this server does not load custom operator libraries: start "
                    + "it with --allow-custom-op-libraries DIR, DIR the directory that holds them (see SECURITY.md)")
        }
        let roots = allowed.map(canonical)
        var libraries: [String] = []
        for file in config.opLibraryFilenames {
            let path: String
            if file.hasPrefix("/") {
                path = file
            } else if let folder {
                path = (folder as NSString).appendingPathComponent(file)
            } else {
                throw ModelLoader.LoadFailure(
                    "custom operator library '\(file)' (model_operations) is a relative path, but the model has no "
                        + "folder to resolve it in")
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ModelLoader.LoadFailure(
                    "custom operator library '\(path)' (model_operations.op_library_filename) does not exist")
            }
            guard !isDirectory.boolValue else {
                throw ModelLoader.LoadFailure(
                    "custom operator library '\(path)' (model_operations.op_library_filename) is a directory")
            }
            let real = canonical(path)
            guard roots.contains(where: { real.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }) else {
                throw ModelLoader.LoadFailure(
                    "custom operator library '\(path)'"
                        + (real == path ? "" : " (that is, '\(real)')")
                        + " is not in a directory allowed by --allow-custom-op-libraries ("
                        + allowed.map { "'\($0)'" }.joined(separator: ", ") + ")")
            }
            libraries.append(real)
        }
        return libraries
    }

    /// The absolute path with symbolic links, `.` and `..` resolved.
    static func canonical(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }
}
#endif
