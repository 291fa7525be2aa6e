#if Server
import ONNXRuntime

/// The models requests can reach, published by the ``ModelManager`` and read by every request without waiting for
/// loads or unloads in progress.
final class ModelTable: Sendable {
    /// What requests see of one model.
    struct Entry: Sendable {
        /// Loaded versions.
        var loaded: [Int: LoadedModel] = [:]
        /// Versions known but not serving, with the reason.
        var unavailable: [Int: String] = [:]
        /// Why the model as a whole is not serving, if it is not.
        var reason: String?
    }

    private let entries = Locked<[String: Entry]>([:])

    /// Replaces (or with `nil` removes) one model's entry.
    func publish(_ name: String, _ entry: Entry?) {
        entries.withLock { $0[name] = entry }
    }

    /// The version that serves a request: the one asked for, or the highest loaded.
    ///
    /// Messages begin with Triton's own text ("Request for unknown model: 'NAME' is not found", "... version V is not
    /// found", "... has no available versions", "... version V is not at ready state"), which Triton's clients
    /// match, and go on to say why.
    /// - Throws: 404 for an unknown model or version, 503 for one that is not ready.
    func resolve(_ name: String, version: Int?) throws(ServingError) -> LoadedModel {
        // Made only when an error needs it: a request resolves its model twice, and this is its hot path.
        var prefix: String { "Request for unknown model: '\(name)'" }
        guard let entry = entries.withLock({ $0[name] }) else {
            throw .notFound("\(prefix) is not found in the model repository")
        }
        if let version {
            if let model = entry.loaded[version] { return model }
            if let reason = entry.unavailable[version] {
                throw .unavailable("\(prefix) version \(version) is not at ready state: \(reason)")
            }
            if entry.loaded.isEmpty, let reason = entry.reason {
                throw .unavailable("\(prefix) version \(version) is not at ready state: \(reason)")
            }
            let known = entry.loaded.keys.sorted().map(String.init).joined(separator: ", ")
            throw .notFound(
                "\(prefix) version \(version) is not found"
                    + (known.isEmpty ? "" : "; loaded versions: \(known)"))
        }
        guard let latest = entry.loaded.keys.max(), let model = entry.loaded[latest] else {
            throw .unavailable("\(prefix) has no available versions: \(entry.reason ?? "it is not loaded")")
        }
        return model
    }

    /// The loaded versions of a model, ascending, if the model is known.
    func loadedVersions(_ name: String) -> [LoadedModel]? {
        entries.withLock { entries in
            entries[name].map { entry in entry.loaded.keys.sorted().compactMap { entry.loaded[$0] } }
        }
    }

    /// Every loaded version of every model, by name then version.
    func allLoaded() -> [LoadedModel] {
        entries.withLock { entries in
            entries.keys.sorted().flatMap { name in
                let entry = entries[name]!
                return entry.loaded.keys.sorted().compactMap { entry.loaded[$0] }
            }
        }
    }
}
#endif
