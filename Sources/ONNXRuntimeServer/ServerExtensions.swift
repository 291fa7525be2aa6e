#if Server
/// The protocol extensions a server lists in its metadata (REST `GET /v2` and gRPC `ServerMetadata`).
enum ServerExtensions {
    /// The extension names: classification, binary tensor data, the model repository (unless its API is disabled),
    /// statistics, model configuration and system shared memory (unless it is turned off).
    static func names(access: RepositoryAccess, sharedMemory: Bool) -> [String] {
        var names = ["classification", "binary_tensor_data"]
        if access != .disabled { names.append("model_repository") }
        names += ["statistics", "model_configuration"]
        if sharedMemory { names.append("system_shared_memory") }
        return names
    }
}
#endif
