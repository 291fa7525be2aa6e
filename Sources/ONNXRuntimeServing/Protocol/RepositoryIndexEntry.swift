#if Server
/// One entry of the model repository index (`POST /v2/repository/index`).
public struct RepositoryIndexEntry: Sendable, Hashable {
    /// The state of a model version.
    public enum State: String, Sendable, Hashable {
        /// Loaded and serving requests.
        case ready = "READY"
        /// Not serving: it failed to load, was unloaded, or cannot be loaded; ``RepositoryIndexEntry/reason`` says
        /// why.
        case unavailable = "UNAVAILABLE"
        /// Being loaded.
        case loading = "LOADING"
        /// Being unloaded.
        case unloading = "UNLOADING"
    }

    /// The model name.
    public var name: String
    /// The version, when the entry is about one version.
    public var version: String?
    /// The state; `nil` for a model in the repository that was never loaded.
    public var state: State?
    /// Why the model is in this state (empty when ready).
    public var reason: String

    /// Creates an entry.
    public init(name: String, version: String? = nil, state: State? = nil, reason: String = "") {
        self.name = name
        self.version = version
        self.state = state
        self.reason = reason
    }

    /// The JSON object: `{"name", "version", "state", "reason"}` (version and state only when known).
    public var json: JSONValue {
        var object: JSONObject = ["name": .string(name)]
        if let version { object["version"] = .string(version) }
        if let state {
            object["state"] = .string(state.rawValue)
            object["reason"] = .string(reason)
        }
        return .object(object)
    }
}
#endif
