#if Server
/// Where a model comes from: a directory in a model repository, or a single `.onnx` file.
package struct ModelSource: Sendable, Hashable, CustomStringConvertible {
    /// The location on disk.
    package enum Location: Sendable, Hashable {
        /// A model directory in Triton's layout: `<directory>/<version>/model.onnx` and an optional
        /// `<directory>/config.pbtxt`.
        case directory(String)
        /// One `.onnx` file served as version 1 with a configuration derived from the model.
        case file(String)
    }

    /// The model name.
    package var name: String
    /// The location on disk.
    package var location: Location

    /// Creates a source.
    package init(name: String, location: Location) {
        self.name = name
        self.location = location
    }

    /// A short description for logs and messages.
    package var description: String {
        switch location {
        case .directory(let path): "\(name) (\(path))"
        case .file(let path): "\(name) (file \(path))"
        }
    }
}
#endif
