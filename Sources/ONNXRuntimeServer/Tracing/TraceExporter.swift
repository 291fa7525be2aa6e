#if OpenTelemetry
import Dispatch
import Logging
import NIOConcurrencyHelpers
import ONNXRuntimeServing
import OTel
import ServiceLifecycle
import Synchronization
import Tracing

/// Sends the traces of sampled requests to an OpenTelemetry collector over OTLP/HTTP (protobuf), one span per
/// request, through swift-otel.
///
/// The request path only hands a finished trace to a bounded queue and never waits: when
/// ``TraceConfiguration/maxQueueSize`` traces are already waiting (the collector is down or slow), the trace is
/// dropped and counted in ``droppedCount``. A task turns queued traces into spans; swift-otel's batch span processor
/// (bounded by the same size; what it drops is counted too) exports them every
/// ``TraceConfiguration/scheduleDelayMilliseconds`` or when ``TraceConfiguration/maxExportBatchSize`` are ready.
///
/// Each span is named `InferRequest` (kind server, as Triton's), runs from the request's first event to its last,
/// carries the events as span events with Triton's names, and the attributes `triton.model_name`,
/// `triton.model_version` and `triton.request_id` (when the request has an `id`). A request that carried a usable
/// `traceparent` continues that trace: same trace ID, and the caller's span as the parent.
///
/// Run it as a service (``InferenceServer`` does); on graceful shutdown it exports what is queued, then stops.
public final class TraceExporter: Service, Sendable {
    /// A trace ready to become a span.
    struct Finished: Sendable {
        var model: RequestTrace.Model
        var parent: TraceParent?
        var start: UInt64
        var end: UInt64
        var events: [(name: String, time: UInt64)]
    }

    private let queue: AsyncStream<Finished>
    private let continuation: AsyncStream<Finished>.Continuation
    /// swift-otel's tracer (inside `write`) and its services. Released on a Dispatch thread, never on an event loop:
    /// swift-otel's HTTP client shuts itself down synchronously when it goes, which traps on an event loop, and the
    /// server may run its tasks on NIO's event loops (`ConcurrencyExecutor`).
    private let parts: NIOLockedValueBox<(write: @Sendable (Finished) -> Void, backend: ServiceGroup)?>
    private let logger: Logger
    private let dropped = Tally()
    private let sent = Tally()

    /// Makes an exporter for `configuration`'s URL, resource and batching. Nothing is sent before it runs.
    /// - Parameters:
    ///   - configuration: The OpenTelemetry settings.
    ///   - logger: Where export failures are logged (swift-otel's diagnostics, at warning and above).
    /// - Throws: `OTel.Configuration.Error` when swift-otel refuses the configuration (an `OTEL_*` environment
    ///   variable it cannot use).
    public init(configuration: TraceConfiguration, logger: Logger) throws {
        let dropped = dropped
        self.logger = logger
        var otel = OTel.Configuration.default
        otel.serviceName = configuration.resource["service.name"] ?? "ort-serve"
        otel.resourceAttributes = configuration.resource
        otel.propagators = [.traceContext]
        otel.metrics.enabled = false
        otel.logs.enabled = false
        otel.traces.enabled = true
        // The server samples (rate, count, traceparent); every span it makes is exported.
        otel.traces.sampler = .alwaysOn
        otel.traces.exporter = .otlp
        otel.traces.otlpExporter.endpoint = configuration.url
        otel.traces.otlpExporter.protocol = .httpProtobuf
        otel.traces.batchSpanProcessor.maxQueueSize = configuration.maxQueueSize
        otel.traces.batchSpanProcessor.maxExportBatchSize = configuration.maxExportBatchSize
        otel.traces.batchSpanProcessor.scheduleDelay = .milliseconds(configuration.scheduleDelayMilliseconds)
        otel.traces.batchSpanProcessor.exportTimeout = configuration.exportTimeout
        otel.traces.otlpExporter.timeout = configuration.exportTimeout
        var diagnostics = Logger(label: "ort.trace") { label in
            DropCountingLogHandler(wrapping: logger.handler, counting: { count in dropped.add(count) })
        }
        diagnostics.logLevel = .warning
        otel.diagnosticLogger = .custom(diagnostics)
        otel.diagnosticLogLevel = .warning
        let (tracer, service) = try OTel.makeTracingBackend(configuration: otel)
        parts = NIOLockedValueBox(
            (
                Self.writer(tracer),
                ServiceGroup(configuration: ServiceGroupConfiguration(services: [service], logger: logger))
            ))
        (queue, continuation) = AsyncStream.makeStream(
            of: Finished.self, bufferingPolicy: .bufferingOldest(configuration.maxQueueSize))
    }

    /// Traces dropped so far because the queue was full.
    public var droppedCount: UInt64 { dropped.value }

    /// Spans handed to swift-otel so far.
    public var spanCount: UInt64 { sent.value }

    /// Queues a finished request's trace; never waits. A trace no model claimed (the request failed before it
    /// reached one) is not sent.
    func submit(_ trace: RequestTrace, parent: TraceParent?) {
        guard let model = trace.model else { return }
        let events = trace.events
        guard let first = events.first, let last = events.last else { return }
        let finished = Finished(
            model: model, parent: parent, start: trace.unixNanoseconds(first.nanoseconds),
            end: trace.unixNanoseconds(last.nanoseconds),
            events: events.map { ($0.event.name, trace.unixNanoseconds($0.nanoseconds)) })
        if case .dropped = continuation.yield(finished) {
            dropped.add(1)
        }
    }

    /// Runs swift-otel's exporter and turns queued traces into spans until graceful shutdown; then exports what is
    /// queued and returns.
    deinit {
        let parts = self.parts
        DispatchQueue.global().async { parts.withLockedValue { $0 = nil } }
    }

    public func run() async throws {
        guard let (write, backend) = parts.withLockedValue({ $0 }) else { return }
        // The backend runs outside this task's graceful shutdown, so that it is stopped only once the queue is empty.
        let running = Task.detached { try await backend.run() }
        await withGracefulShutdownHandler {
            for await finished in queue {
                write(finished)
                sent.add(1)
            }
        } onGracefulShutdown: { [continuation] in
            continuation.finish()
        }
        await backend.triggerGracefulShutdown()
        try await running.value
        let dropped = droppedCount
        if dropped > 0 { logger.warning("trace spans were dropped", metadata: ["dropped": "\(dropped)"]) }
    }

    private static func writer<T: Tracer>(_ tracer: T) -> @Sendable (Finished) -> Void {
        { finished in
            var context = ServiceContext.topLevel
            if let parent = finished.parent {
                var carrier = ["traceparent": parent.traceparent]
                if let state = parent.tracestate { carrier["tracestate"] = state }
                tracer.extract(carrier, into: &context, using: HeaderExtractor())
            }
            let span = tracer.startSpan(
                "InferRequest", context: context, ofKind: .server, at: Instant(finished.start))
            span.attributes["triton.model_name"] = finished.model.name
            span.attributes["triton.model_version"] = finished.model.version
            if let id = finished.model.requestID, !id.isEmpty { span.attributes["triton.request_id"] = id }
            for event in finished.events {
                span.addEvent(SpanEvent(name: event.name, at: Instant(event.time)))
            }
            span.end(at: Instant(finished.end))
        }
    }

    /// A counter shared with swift-otel's diagnostics.
    private final class Tally: Sendable {
        private let count = Atomic<UInt64>(0)
        var value: UInt64 { count.load(ordering: .relaxed) }
        func add(_ amount: UInt64) { count.add(amount, ordering: .relaxed) }
    }

    /// A wall-clock instant in nanoseconds since 1970.
    private struct Instant: TracerInstant {
        var nanosecondsSinceEpoch: UInt64
        init(_ nanoseconds: UInt64) { nanosecondsSinceEpoch = nanoseconds }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.nanosecondsSinceEpoch < rhs.nanosecondsSinceEpoch }
    }

    /// Reads headers from a dictionary.
    private struct HeaderExtractor: Extractor {
        func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
    }
}
#endif

#if Server && !OpenTelemetry
import Logging
import ONNXRuntimeServing
import ServiceLifecycle

/// Built without the `OpenTelemetry` trait, the server has the trace extension (settings, sampling, `traceparent`)
/// but no exporter: making one throws ``Unavailable``, and `ort serve` refuses `--trace-config`.
public final class TraceExporter: Service, Sendable {
    /// Why no exporter can be made.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String {
            "this build has no OpenTelemetry export: build with --traits OpenTelemetry (or --enable-all-traits)"
        }
    }

    /// Always throws ``Unavailable``.
    public init(configuration: TraceConfiguration, logger: Logger) throws { throw Unavailable() }

    /// Always 0.
    public var droppedCount: UInt64 { 0 }

    /// Always 0.
    public var spanCount: UInt64 { 0 }

    func submit(_ trace: RequestTrace, parent: TraceParent?) {}

    /// Returns at once.
    public func run() async throws {}
}
#endif
