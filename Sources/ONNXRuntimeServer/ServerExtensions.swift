#if Server
/// The protocol extensions a server lists in its metadata (REST `GET /v2` and gRPC `ServerMetadata`).
enum ServerExtensions {
    /// The extension names: classification, binary tensor data, the model repository (unless its API is disabled),
    /// statistics, model configuration and parameters (custom request parameters are accepted; `triton_` ones are
    /// refused, as Triton does).
    static func names(access: RepositoryAccess) -> [String] {
        var names = ["classification", "binary_tensor_data"]
        if access != .disabled { names.append("model_repository") }
        names += ["statistics", "model_configuration", "parameters"]
        return names
    }
}
#endif
