#if Server
/// Limits that protect the server from requests too large or too many.
public struct ServingLimits: Sendable, Hashable {
    /// The largest request body accepted, in bytes (larger bodies get 413). Default: 64 MiB.
    public var maxRequestBytes: Int
    /// The most elements one input tensor may have (more gets 400, before anything is allocated). Default: 2^27.
    public var maxTensorElements: Int
    /// The most requests that may wait for a busy model (more get 503), unless the model's configuration sets its
    /// own `max_queue_size`. Default: 64.
    public var maxQueueSize: Int
    /// How long a request may take from arrival to response, queueing included (longer gets 503 and the run is
    /// terminated); `nil` for no limit. A request's `timeout` parameter (microseconds, as tritonclient sends it)
    /// may shorten it. Default: 60 s.
    public var requestTimeout: Duration?

    /// Creates limits; every argument has a default.
    public init(
        maxRequestBytes: Int = 64 << 20, maxTensorElements: Int = 1 << 27, maxQueueSize: Int = 64,
        requestTimeout: Duration? = .seconds(60)
    ) {
        self.maxRequestBytes = maxRequestBytes
        self.maxTensorElements = maxTensorElements
        self.maxQueueSize = maxQueueSize
        self.requestTimeout = requestTimeout
    }
}
#endif
