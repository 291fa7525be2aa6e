#if Server
import Logging

/// swift-otel's diagnostics, passed to the server's log handler, with the spans its batch processor reports dropped
/// (the `dropped_count` of its "queue was full" warning) added to a counter.
struct DropCountingLogHandler: LogHandler {
    private var wrapped: any LogHandler
    private let counting: @Sendable (UInt64) -> Void

    init(wrapping handler: any LogHandler, counting: @escaping @Sendable (UInt64) -> Void) {
        wrapped = handler
        self.counting = counting
    }

    var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        if case .string(let text)? = event.metadata?["dropped_count"], let count = UInt64(text) {
            counting(count)
        }
        wrapped.log(event: event)
    }
}
#endif
