#if Server
/// The server's response cache, as Triton's `--cache-config` describes it: the `local` cache, bounded in bytes.
///
/// Triton's command line carries over: `--cache-config local,size=1048576`. A model uses the cache only when its
/// configuration also says `response_cache { enable: true }`.
///
/// ```swift
/// var serving = ServingConfiguration(repositories: ["/models"])
/// serving.responseCache = try ResponseCacheConfiguration(settings: ["local,size=1048576"])
/// ```
public struct ResponseCacheConfiguration: Sendable, Hashable {
    /// The most bytes the cache holds: the keys (every input byte of a cached request) and the outputs of its
    /// entries. Above 0.
    public var size: Int

    /// The one cache implementation this server has (Triton's `local`).
    public static let localCacheName = "local"

    /// Creates a configuration of the `local` cache.
    /// - Parameter size: The most bytes the cache holds, above 0.
    public init(size: Int) {
        self.size = max(1, size)
    }

    /// Reads Triton's `--cache-config` settings, each `<cache>,<setting>=<value>`: only the `local` cache and its
    /// `size` setting (a whole number of bytes above 0), given once.
    /// - Parameter settings: The values of the repeated `--cache-config` option; at least one.
    /// - Throws: ``ResponseCacheConfigurationError`` naming what is wrong: no cache name, no `=`, another cache, an
    ///   unknown setting, a size that is not a whole number above 0, a size given twice, or no size.
    public init(settings: [String]) throws(ResponseCacheConfigurationError) {
        var size: Int?
        for setting in settings {
            guard let comma = setting.firstIndex(of: ","), comma != setting.startIndex else {
                throw ResponseCacheConfigurationError(
                    "'\(setting)' names no cache: the format is <cache>,<setting>=<value>, for example "
                        + "local,size=1048576")
            }
            let cache = String(setting[..<comma])
            let rest = setting[setting.index(after: comma)...]
            guard let equals = rest.firstIndex(of: "="), equals != rest.startIndex,
                rest.index(after: equals) != rest.endIndex
            else {
                throw ResponseCacheConfigurationError(
                    "'\(setting)' is not <cache>,<setting>=<value> (for example local,size=1048576)")
            }
            guard cache == Self.localCacheName else {
                throw ResponseCacheConfigurationError(
                    "cache '\(cache)' is not available: this server has only the '\(Self.localCacheName)' cache")
            }
            let key = String(rest[..<equals])
            let value = String(rest[rest.index(after: equals)...])
            guard key == "size" else {
                throw ResponseCacheConfigurationError(
                    "unknown setting '\(key)' of the local cache; its one setting is size (in bytes)")
            }
            guard size == nil else {
                throw ResponseCacheConfigurationError("the local cache's size is given more than once")
            }
            guard value.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                let bytes = Int(value), bytes > 0
            else {
                throw ResponseCacheConfigurationError(
                    "the local cache's size must be a whole number of bytes above 0, got '\(value)'")
            }
            size = bytes
        }
        guard let size else {
            throw ResponseCacheConfigurationError(
                "the local cache needs a size: --cache-config local,size=BYTES (for example local,size=1048576)")
        }
        self.size = size
    }
}

#endif
