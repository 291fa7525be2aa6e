#if Server
import GRPCCore
import NIOHPACK

/// The W3C trace context headers (`traceparent`, `tracestate`) of a gRPC call, handed from the connection to the
/// call's handler through ``current`` (the handlers see one message, not the call's metadata).
struct GRPCTraceHeaders: Sendable, Hashable {
    /// Every `traceparent` value.
    var traceparent: [String]
    /// Every `tracestate` value.
    var tracestate: [String]

    /// The trace context of the call the current task answers, if it sent any.
    @TaskLocal static var current: GRPCTraceHeaders?

    /// Reads a call's headers; `nil` when it has no `traceparent`.
    init?(_ headers: HPACKHeaders) {
        let traceparent = headers["traceparent"]
        guard !traceparent.isEmpty else { return nil }
        self.traceparent = traceparent
        tracestate = headers["tracestate"]
    }

    /// Runs `body` with ``current`` set to `headers` (as is, when there are none).
    static func run<Result>(
        _ headers: GRPCTraceHeaders?, _ body: () async throws(RPCError) -> Result
    ) async throws(RPCError) -> Result {
        guard let headers else { return try await body() }
        let result = await $current.withValue(headers) { () async -> Swift.Result<Result, RPCError> in
            do throws(RPCError) {
                return .success(try await body())
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}
#endif
