#if Server
/// How the set of loaded models is decided (Triton's `--model-control-mode`).
public enum ModelControlMode: String, Sendable, Hashable, CaseIterable {
    /// Load every model at start; the repository API cannot load or unload.
    case none
    /// Load every model at start and rescan the repositories periodically: new models and versions are loaded,
    /// changed ones reloaded, removed ones unloaded. The repository API cannot load or unload.
    case poll
    /// Load only the models named at start (`--load-model`, `*` for all) and those loaded through the repository
    /// API, which can also unload.
    case explicit
}
#endif
