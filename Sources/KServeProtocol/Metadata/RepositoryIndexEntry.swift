/// One entry of the model repository index (`POST /v2/repository/index`).
public struct RepositoryIndexEntry: Sendable, Hashable {
    /// The state of a model version, as the index names it (`READY`, `UNAVAILABLE`, ...).
    ///
    /// A string literal is a state, and a state another server names is kept as it came.
    public struct State: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
        /// The state's name, such as `READY`.
        public var rawValue: String

        /// A state by name.
        /// - Parameter rawValue: The name, such as `READY`.
        public init(rawValue: String) { self.rawValue = rawValue }

        /// A state from a string literal.
        /// - Parameter value: The name, such as `READY`.
        public init(stringLiteral value: String) { self.rawValue = value }

        /// The state's name.
        public var description: String { rawValue }

        /// Loaded and serving requests.
        public static let ready: State = "READY"
        /// Not serving: it failed to load, was unloaded, or cannot be loaded; ``RepositoryIndexEntry/reason`` says
        /// why.
        public static let unavailable: State = "UNAVAILABLE"
        /// Being loaded.
        public static let loading: State = "LOADING"
        /// Being unloaded.
        public static let unloading: State = "UNLOADING"
    }

    /// The model name.
    public var name: String
    /// The version, when the entry is about one version.
    public var version: String?
    /// The state; `nil` for a model in the repository that was never loaded.
    public var state: State?
    /// Why the model is in this state (empty when ready, or when the server gives no reason).
    public var reason: String

    /// Creates an entry.
    /// - Parameters:
    ///   - name: The model name.
    ///   - version: The version, if the entry is about one.
    ///   - state: The state, if the model was ever loaded.
    ///   - reason: Why the model is in this state.
    public init(name: String, version: String? = nil, state: State? = nil, reason: String = "") {
        self.name = name
        self.version = version
        self.state = state
        self.reason = reason
    }

    /// The JSON object: `{"name", "version", "state", "reason"}` (version and state only when known).
    package var json: JSONValue {
        var object: JSONObject = ["name": .string(name)]
        if let version { object["version"] = .string(version) }
        if let state {
            object["state"] = .string(state.rawValue)
            object["reason"] = .string(reason)
        }
        return .object(object)
    }

    /// An entry from its JSON object; members other than `name` are optional.
    /// - Parameter json: One element of the index array.
    /// - Throws: ``JSONDecodingError`` when `name` is missing.
    package init(json: JSONValue) throws(JSONDecodingError) {
        guard let name = json["name"]?.stringValue else {
            throw JSONDecodingError("repository index entry has no 'name'")
        }
        self.init(
            name: name, version: json["version"]?.stringValue,
            state: json["state"]?.stringValue.map { State(rawValue: $0) },
            reason: json["reason"]?.stringValue ?? "")
    }
}
