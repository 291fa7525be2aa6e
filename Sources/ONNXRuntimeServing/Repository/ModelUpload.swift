#if Server
import Foundation

/// A model directory sent with a load request: Triton's `file:<path>` load parameters (`file:1/model.onnx`), each
/// holding one file's bytes (base64 in REST, `bytes_param` in gRPC). The load serves this directory, with the
/// request's `config`, instead of the repository's; a later load without files reads the repository again.
///
/// The files are written to a new temporary directory, loaded, and removed once the load is over: everything a model
/// reads from its directory (the model, external data, warmup samples, initial states) is read while it loads.
package struct ModelUpload: Sendable {
    /// The files by their path in the model directory (`1/model.onnx`), without the `file:` prefix.
    package var files: [String: [UInt8]]

    /// Triton's load parameter prefix for a model file.
    package static let parameterPrefix = "file:"

    /// The longest file or directory name the file systems take (Linux's `NAME_MAX`), in UTF-8 bytes.
    static let maximumNameBytes = 255
    /// The longest path in the model directory, in UTF-8 bytes (Linux's `PATH_MAX`, less room for the temporary
    /// directory).
    static let maximumPathBytes = 3_072

    /// Creates an upload.
    package init(files: [String: [UInt8]]) {
        self.files = files
    }

    /// Why `path` cannot be a file in the model directory, or nil when it can: it must be relative, with no empty,
    /// `.` or `..` part, no NUL, no part longer than 255 bytes and at most 3,072 bytes in all.
    package static func problem(with path: String) -> String? {
        let shown = path.count > 64 ? "'\(path.prefix(64))…' (\(path.utf8.count) bytes)" : "'\(path)'"
        if path.isEmpty { return "a file parameter names no file ('file:' alone)" }
        if path.utf8.contains(0) { return "the file name \(shown) contains a NUL byte" }
        if path.hasPrefix("/") {
            return "the file path \(shown) is absolute; it must be relative to the model directory"
        }
        if path.utf8.count > maximumPathBytes {
            return "the file path \(shown) is longer than \(maximumPathBytes) bytes"
        }
        for part in path.split(separator: "/", omittingEmptySubsequences: false) {
            if part.isEmpty { return "the file path \(shown) has an empty part" }
            if part == "." || part == ".." {
                return "the file path \(shown) has a '\(part)' part; it must stay inside the model directory"
            }
            if part.utf8.count > maximumNameBytes {
                return "a part of the file path \(shown) is longer than \(maximumNameBytes) bytes"
            }
        }
        return nil
    }

    /// Writes the files into a new directory under `parent` and returns its path.
    /// - Throws: The reason, when a path is refused (``problem(with:)``) or a file cannot be written (a path that is
    ///   both a file and a directory, a full disk). Nothing is left behind then.
    package func write(under parent: String) throws(ModelUploadError) -> String {
        for path in files.keys.sorted() {
            if let problem = Self.problem(with: path) { throw ModelUploadError(problem) }
        }
        let directory = (parent as NSString).appendingPathComponent("ort-upload-\(UUID().uuidString)")
        let manager = FileManager.default
        do {
            try manager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ModelUploadError("cannot create a directory for the model files in '\(parent)': \(error)")
        }
        for (path, bytes) in files.sorted(by: { $0.key < $1.key }) {
            let target = (directory as NSString).appendingPathComponent(path)
            do {
                try manager.createDirectory(
                    atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try Data(bytes).write(to: URL(fileURLWithPath: target), options: .withoutOverwriting)
            } catch {
                try? manager.removeItem(atPath: directory)
                throw ModelUploadError("cannot write the model file '\(path)': \(error.localizedDescription)")
            }
        }
        return directory
    }
}

/// Why a load request's model files cannot be used.
package struct ModelUploadError: Error, Sendable, CustomStringConvertible {
    /// The reason.
    package let description: String

    init(_ description: String) {
        self.description = description
    }
}
#endif
