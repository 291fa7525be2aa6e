#if Server
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The timestamps of one sampled inference request, as Triton's trace extension records them (`TIMESTAMPS` level).
///
/// A transport that decides to trace a request makes a trace and runs the request with it bound to
/// ``RequestTrace/current``; the serving core records `REQUEST_START`, `QUEUE_START`, `COMPUTE_START`,
/// `COMPUTE_INPUT_END`, `COMPUTE_OUTPUT_START`, `COMPUTE_END` and `REQUEST_END` into it, and the transport adds its own
/// (`HTTP_RECV_START`, ...). The first model that runs the request claims it (its name, version and request ID); a
/// model run on behalf of that one (an ensemble's step) records nothing into it.
///
/// ```swift
/// let trace = RequestTrace()
/// trace.record(.httpReceiveStart)
/// let response = try await RequestTrace.$current.withValue(trace) {
///     try await engine.infer(model: "mnist", version: nil, body: body, headerLength: nil)
/// }
/// trace.record(.httpSendStart)
/// ```
///
/// Timestamps are monotonic nanoseconds (``RequestTrace/now``); ``unixNanoseconds(_:)`` places them on the wall clock
/// through one reading of both clocks taken when the trace is made, as Triton does for OpenTelemetry.
public final class RequestTrace: Sendable {
    /// One named point in a request's life. The names are Triton's.
    public struct Event: Hashable, Sendable, CustomStringConvertible {
        /// The name, as Triton writes it (`QUEUE_START`).
        public let name: String

        /// An event with a name of the caller's.
        public init(_ name: String) { self.name = name }

        public var description: String { name }

        /// The model starts handling the request.
        public static let requestStart = Event("REQUEST_START")
        /// The request is put in the model's queue (or handed to its batcher).
        public static let queueStart = Event("QUEUE_START")
        /// An instance takes the request (or its batch): input tensors are made next.
        public static let computeStart = Event("COMPUTE_START")
        /// The input tensors are ready; the model runs next.
        public static let computeInputEnd = Event("COMPUTE_INPUT_END")
        /// The model has run; its outputs are encoded next.
        public static let computeOutputStart = Event("COMPUTE_OUTPUT_START")
        /// The outputs are encoded.
        public static let computeEnd = Event("COMPUTE_END")
        /// The model is done with the request (successfully or not).
        public static let requestEnd = Event("REQUEST_END")
        /// The REST handler starts reading the request body.
        public static let httpReceiveStart = Event("HTTP_RECV_START")
        /// The REST request body has been read.
        public static let httpReceiveEnd = Event("HTTP_RECV_END")
        /// The REST response is handed to the HTTP server to send.
        public static let httpSendStart = Event("HTTP_SEND_START")
        /// The gRPC request message has been read and decoded.
        public static let grpcReceiveEnd = Event("GRPC_WAITREAD_END")
        /// The gRPC response message is handed to the connection to send.
        public static let grpcSendStart = Event("GRPC_SEND_START")
    }

    /// The model that claimed the trace.
    public struct Model: Hashable, Sendable {
        /// The model name.
        public var name: String
        /// The version that ran.
        public var version: Int
        /// The request's `id`, if it gave one.
        public var requestID: String?
    }

    private struct State {
        var events: [(event: Event, nanoseconds: UInt64)] = []
        var model: Model?
    }

    /// The trace of the request the current task runs, if it is traced.
    @TaskLocal public static var current: RequestTrace?

    private let state = Mutex(State())
    /// The wall clock (nanoseconds since 1970) and the monotonic clock, read together when the trace was made.
    private let anchor: (wall: UInt64, monotonic: UInt64)

    /// Makes an empty trace.
    public init() {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        let wall = UInt64(max(0, time.tv_sec)) &* 1_000_000_000 &+ UInt64(max(0, time.tv_nsec))
        anchor = (wall, Self.now)
    }

    /// The monotonic clock the timestamps use, in nanoseconds.
    public static var now: UInt64 { MonotonicClock.now }

    /// Records `event` at `nanoseconds` (monotonic; now by default).
    public func record(_ event: Event, at nanoseconds: UInt64 = RequestTrace.now) {
        state.withLock { $0.events.append((event, nanoseconds)) }
    }

    /// The events so far, in the order they happened (ties keep the order they were recorded in).
    public var events: [(event: Event, nanoseconds: UInt64)] {
        let events = state.withLock { $0.events }
        return events.enumerated().sorted { ($0.element.nanoseconds, $0.offset) < ($1.element.nanoseconds, $1.offset) }
            .map(\.element)
    }

    /// The model that claimed the trace, once one has.
    public var model: Model? { state.withLock { $0.model } }

    /// A monotonic timestamp on the wall clock, in nanoseconds since 1970.
    public func unixNanoseconds(_ nanoseconds: UInt64) -> UInt64 {
        if nanoseconds >= anchor.monotonic { return anchor.wall &+ (nanoseconds - anchor.monotonic) }
        let before = anchor.monotonic - nanoseconds
        return anchor.wall >= before ? anchor.wall - before : 0
    }

    /// Claims the trace for a model: `true` for the first model to ask, which then records its events into it.
    func claim(_ model: Model) -> Bool {
        state.withLock { state in
            guard state.model == nil else { return false }
            state.model = model
            return true
        }
    }
}
#endif
