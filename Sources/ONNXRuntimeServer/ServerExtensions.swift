#if Server
/// The protocol extensions a server lists in its metadata (REST `GET /v2` and gRPC `ServerMetadata`).
enum ServerExtensions {
    /// The extension names: classification, sequence, binary tensor data, the model repository with its
    /// `unload_dependents` parameter (unless its API is disabled), statistics, model configuration, system shared
    /// memory (unless it is turned off), parameters (custom request parameters are accepted; `triton_` ones are
    /// refused, as Triton does), trace when the server has trace settings, and logging when the server's logger
    /// follows live settings.
    static func names(access: RepositoryAccess, sharedMemory: Bool, logging: Bool, trace: Bool = false) -> [String] {
        var names = ["classification", "sequence", "binary_tensor_data"]
        if access != .disabled { names += ["model_repository", "model_repository(unload_dependents)"] }
        names.append("schedule_policy")
        names += ["statistics", "model_configuration"]
        if sharedMemory { names.append("system_shared_memory") }
        names.append("parameters")
        if trace { names.append("trace") }
        if logging { names.append("logging") }
        return names
    }
}
#endif
