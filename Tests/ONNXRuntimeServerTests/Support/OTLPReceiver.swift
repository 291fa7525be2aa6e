#if Server && Client
import ContentCoding
import Hummingbird
import Logging
import NIOCore
import ONNXRuntime
import ServiceLifecycle

/// A loopback OpenTelemetry collector for the trace tests: it answers `POST /v1/traces` (OTLP/HTTP, protobuf) with
/// 200, and keeps every span it was sent, decoded by ``OTLPSpan/decode(_:)``. A closed receiver holds every export
/// without answering until ``open()`` (a collector as slow as the test wants).
final class OTLPReceiver: Sendable {
    private let received = Locked<[OTLPSpan]>([])
    private let requests = Locked<Int>(0)
    private let closed: Locked<Bool>

    init(closed: Bool = false) { self.closed = Locked(closed) }

    /// Lets held exports, and later ones, be answered.
    func open() { closed.withLock { $0 = false } }

    /// The spans so far, in arrival order.
    var spans: [OTLPSpan] { received.withLock { $0 } }

    /// The export requests so far.
    var requestCount: Int { requests.withLock { $0 } }

    /// The receiver's application on a free port; `onPort` gets the port once it listens.
    func application(onPort: @escaping @Sendable (Int) async -> Void) -> some Service {
        let router = Router()
        router.post("/v1/traces") { request, _ in
            var body = try await request.body.collect(upTo: 16 << 20)
            if request.headers[.contentEncoding] == "gzip" {
                body = try ContentCoding.gzip.decompressed(body, limit: 64 << 20)
            }
            let spans = try OTLPSpan.decode(Array(body.readableBytesView))
            self.requests.withLock { $0 += 1 }
            while self.closed.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
            self.received.withLock { $0 += spans }
            return Response(status: .ok, headers: [.contentType: "application/x-protobuf"])
        }
        var logger = Logger(label: "otlp-receiver")
        logger.logLevel = .warning
        return Application(
            router: router, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in await onPort(channel.localAddress?.port ?? 0) }, logger: logger)
    }

    /// Waits until `count` export requests arrived (answered or held) or `timeout` passed. The default is long for
    /// the suite's busy first minute; a test that passes waits only until the requests arrive.
    func waitForRequests(_ count: Int, timeout: Duration = .seconds(40)) async throws {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while requestCount < count, clock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }

    /// Waits until `count` spans arrived or `timeout` passed (longer than the tests' 30 s export timeout); returns
    /// the spans.
    func waitForSpans(_ count: Int, timeout: Duration = .seconds(40)) async throws -> [OTLPSpan] {
        let clock = ContinuousClock()
        let deadline = clock.now + timeout
        while spans.count < count, clock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        return spans
    }
}

/// The fields of an OTLP span the tests read, decoded from `ExportTraceServiceRequest` protobuf by hand (the field
/// numbers of opentelemetry-proto's trace.proto and common.proto).
struct OTLPSpan: Sendable, Hashable {
    /// An attribute value.
    enum Value: Sendable, Hashable {
        case string(String)
        case int(Int64)
        case other
    }

    var traceID = ""
    var spanID = ""
    var parentSpanID = ""
    var traceState = ""
    var name = ""
    var kind: UInt64 = 0
    var start: UInt64 = 0
    var end: UInt64 = 0
    var attributes: [String: Value] = [:]
    var events: [(name: String, time: UInt64)] = []
    /// The resource's attributes.
    var resource: [String: Value] = [:]

    static func == (lhs: OTLPSpan, rhs: OTLPSpan) -> Bool {
        lhs.spanID == rhs.spanID && lhs.traceID == rhs.traceID
    }

    func hash(into hasher: inout Hasher) { hasher.combine(spanID) }

    /// The event names, in order.
    var eventNames: [String] { events.map(\.name) }

    struct DecodingError: Error { var message: String }

    /// Decodes an `ExportTraceServiceRequest`.
    static func decode(_ bytes: [UInt8]) throws -> [OTLPSpan] {
        var spans: [OTLPSpan] = []
        for (field, value) in try fields(bytes[...]) where field == 1 {
            guard case .bytes(let resourceSpans) = value else { continue }
            var resource: [String: Value] = [:]
            var scoped: [OTLPSpan] = []
            for (field, value) in try fields(resourceSpans) {
                guard case .bytes(let inner) = value else { continue }
                if field == 1 {
                    for (field, value) in try fields(inner) where field == 1 {
                        if case .bytes(let pair) = value { try keyValue(pair, into: &resource) }
                    }
                } else if field == 2 {
                    for (field, value) in try fields(inner) where field == 2 {
                        if case .bytes(let span) = value { scoped.append(try self.span(span)) }
                    }
                }
            }
            spans += scoped.map { span in
                var span = span
                span.resource = resource
                return span
            }
        }
        return spans
    }

    private static func span(_ bytes: ArraySlice<UInt8>) throws -> OTLPSpan {
        var span = OTLPSpan()
        for (field, value) in try fields(bytes) {
            switch (field, value) {
            case (1, .bytes(let id)): span.traceID = hex(id)
            case (2, .bytes(let id)): span.spanID = hex(id)
            case (3, .bytes(let text)): span.traceState = String(decoding: text, as: UTF8.self)
            case (4, .bytes(let id)): span.parentSpanID = hex(id)
            case (5, .bytes(let text)): span.name = String(decoding: text, as: UTF8.self)
            case (6, .varint(let kind)): span.kind = kind
            case (7, .fixed64(let time)): span.start = time
            case (8, .fixed64(let time)): span.end = time
            case (9, .bytes(let pair)): try keyValue(pair, into: &span.attributes)
            case (11, .bytes(let event)):
                var name = ""
                var time: UInt64 = 0
                for (field, value) in try fields(event) {
                    if field == 1, case .fixed64(let t) = value { time = t }
                    if field == 2, case .bytes(let text) = value { name = String(decoding: text, as: UTF8.self) }
                }
                span.events.append((name, time))
            default: break
            }
        }
        return span
    }

    private static func keyValue(_ bytes: ArraySlice<UInt8>, into attributes: inout [String: Value]) throws {
        var key = ""
        var value = Value.other
        for (field, item) in try fields(bytes) {
            if field == 1, case .bytes(let text) = item { key = String(decoding: text, as: UTF8.self) }
            if field == 2, case .bytes(let any) = item {
                for (field, inner) in try fields(any) {
                    if field == 1, case .bytes(let text) = inner {
                        value = .string(String(decoding: text, as: UTF8.self))
                    }
                    if field == 3, case .varint(let number) = inner { value = .int(Int64(bitPattern: number)) }
                }
            }
        }
        attributes[key] = value
    }

    private enum Wire {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case bytes(ArraySlice<UInt8>)
    }

    private static func fields(_ bytes: ArraySlice<UInt8>) throws -> [(Int, Wire)] {
        var result: [(Int, Wire)] = []
        var index = bytes.startIndex
        func varint() throws -> UInt64 {
            var value: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard index < bytes.endIndex, shift < 64 else { throw DecodingError(message: "truncated varint") }
                let byte = bytes[index]
                index += 1
                value |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        func take(_ count: Int) throws -> ArraySlice<UInt8> {
            guard count >= 0, bytes.endIndex - index >= count else { throw DecodingError(message: "truncated field") }
            defer { index += count }
            return bytes[index..<index + count]
        }
        while index < bytes.endIndex {
            let tag = try varint()
            let field = Int(tag >> 3)
            switch tag & 7 {
            case 0: result.append((field, .varint(try varint())))
            case 1:
                let raw = try take(8)
                result.append((field, .fixed64(raw.reversed().reduce(0) { $0 << 8 | UInt64($1) })))
            case 2: result.append((field, .bytes(try take(Int(try varint())))))
            case 5:
                let raw = try take(4)
                result.append((field, .fixed32(raw.reversed().reduce(0) { $0 << 8 | UInt32($1) })))
            default: throw DecodingError(message: "wire type \(tag & 7)")
            }
        }
        return result
    }

    private static func hex(_ bytes: ArraySlice<UInt8>) -> String {
        bytes.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}
#endif
