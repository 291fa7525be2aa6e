#if Server
import HTTPTypes
import ONNXRuntimeServing

/// Triton's trace extension in a server: the live settings, which decide per request whether it is traced, and the
/// exporter its spans go to.
struct RequestTracing: Sendable {
    /// The global and per-model settings.
    let settings: TraceSettings
    /// Where traces go; `nil` when the exporter could not be made (traces are then counted as dropped nowhere).
    let exporter: TraceExporter?

    /// Decides whether a request to `model` is traced, reading the caller's W3C trace context (only when tracing is
    /// on at all, so an untraced server does not even parse it).
    /// - Returns: The trace to run the request with and the caller's context to continue, or `nil`.
    func begin(model: String, traceparent: [String], tracestate: [String]) -> (RequestTrace, TraceParent?)? {
        guard settings.isOn else { return nil }
        let parent = traceparent.isEmpty ? nil : TraceParent(traceparent: traceparent, tracestate: tracestate)
        guard settings.sample(model: model, propagated: parent != nil) else { return nil }
        return (RequestTrace(), parent)
    }

    /// The W3C trace context headers of an HTTP request.
    static let traceparent = HTTPField.Name("traceparent")!
    static let tracestate = HTTPField.Name("tracestate")!

    /// Hands a finished request's trace to the exporter; never waits.
    func end(_ trace: RequestTrace, parent: TraceParent?) {
        exporter?.submit(trace, parent: parent)
    }

    /// Runs `body` traced when the settings sample the request: `receive` and `send` are the transport's events
    /// before and after it (`HTTP_RECV_START` ... `HTTP_SEND_START`).
    func run<Result>(
        model: String, traceparent: [String], tracestate: [String], receive: RequestTrace.Event,
        send: RequestTrace.Event, _ body: () async throws -> Result
    ) async throws -> Result {
        guard let (trace, parent) = begin(model: model, traceparent: traceparent, tracestate: tracestate) else {
            return try await body()
        }
        trace.record(receive)
        defer {
            trace.record(send)
            end(trace, parent: parent)
        }
        return try await RequestTrace.$current.withValue(trace) { try await body() }
    }
}
#endif
