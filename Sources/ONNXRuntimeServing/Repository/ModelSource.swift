#if Server
/// Where a model comes from: a directory in a model repository, or a single `.onnx` file.
public struct ModelSource: Sendable, Hashable, CustomStringConvertible {
    /// The location on disk.
    public enum Location: Sendable, Hashable {
        /// A model directory in Triton's layout: `<directory>/<version>/model.onnx` and an optional
        /// `<directory>/config.pbtxt`.
        case directory(String)
        /// One `.onnx` file served as version 1 with a configuration derived from the model.
        case file(String)
    }

    /// The model name.
    public var name: String
    /// The location on disk.
    public var location: Location

    /// Creates a source.
    public init(name: String, location: Location) {
        self.name = name
        self.location = location
    }

    /// A short description for logs and messages.
    public var description: String {
        switch location {
        case .directory(let path): "\(name) (\(path))"
        case .file(let path): "\(name) (file \(path))"
        }
    }
}
#endif
