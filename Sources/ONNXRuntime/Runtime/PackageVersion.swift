/// The version of this package (swift-onnxruntime), as `CHANGELOG.md` names its releases.
///
/// The KServe server reports it as its version in the server metadata, and `ort --version` prints it. It says which
/// Swift package is running; ``RuntimeLibrary`` says which ONNX Runtime it loaded.
public enum PackageVersion {
    /// The semantic version, such as `0.2.0`.
    public static let string = "0.2.0"
}
