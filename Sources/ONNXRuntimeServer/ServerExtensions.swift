#if Server
/// The protocol extensions a server lists in its metadata (REST `GET /v2` and gRPC `ServerMetadata`).
enum ServerExtensions {
    /// The extension names: classification, sequence, binary tensor data, the model repository (unless its API is
    /// disabled), statistics and model configuration.
    static func names(access: RepositoryAccess) -> [String] {
        var names = ["classification", "sequence", "binary_tensor_data"]
        if access != .disabled { names.append("model_repository") }
        names += ["statistics", "model_configuration"]
        return names
    }
}
#endif
