#if Server
import W3CTraceContext

/// A caller's W3C trace context (`traceparent` and `tracestate`), checked before it is continued.
///
/// Anything malformed is ignored, never an error: the request is answered as usual and its trace, if it is traced,
/// starts a new trace ID. A `traceparent` must be `VERSION-TRACEID-PARENTID-FLAGS` in lowercase hex (2-32-16-2
/// digits), with a version other than `ff`, a trace ID and a parent ID that are not all zeros, and exactly 55
/// characters for version `00` (a later version may append `-...` fields, which are not read). A header longer than
/// ``maximumLength`` is not even looked at. A `tracestate` goes along only if it is printable ASCII of at most
/// ``maximumLength`` characters that swift-w3c-trace-context accepts; otherwise the `traceparent` is continued
/// without it.
struct TraceParent: Sendable, Hashable {
    /// The longest header read: 512 characters (the W3C's advice for `tracestate`; a `traceparent` has 55).
    static let maximumLength = 512

    /// The caller's trace ID, 32 lowercase hex digits.
    let traceID: Substring
    /// The caller's span ID (the parent of ours), 16 lowercase hex digits.
    let parentID: Substring
    /// The header to hand on, normalised to version `00`.
    let traceparent: String
    /// The caller's `tracestate`, if it was acceptable.
    let tracestate: String?

    /// Reads the headers; `nil` when there is no usable `traceparent` (none, more than one, malformed, too long).
    /// - Parameters:
    ///   - traceparent: Every `traceparent` value the request carries.
    ///   - tracestate: Every `tracestate` value the request carries (several are joined with commas, as HTTP
    ///     allows).
    init?(traceparent: [String], tracestate: [String]) {
        guard traceparent.count == 1, let header = traceparent.first, header.utf8.count <= Self.maximumLength else {
            return nil
        }
        let utf8 = Array(header.utf8)
        guard utf8.count >= 55, utf8[2] == UInt8(ascii: "-"), utf8[35] == UInt8(ascii: "-"),
            utf8[52] == UInt8(ascii: "-")
        else { return nil }
        func hex(_ range: Range<Int>) -> Bool {
            utf8[range].allSatisfy {
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains($0)
            }
        }
        func zero(_ range: Range<Int>) -> Bool { utf8[range].allSatisfy { $0 == UInt8(ascii: "0") } }
        guard hex(0..<2), hex(3..<35), hex(36..<52), hex(53..<55) else { return nil }
        let version = header.utf8.prefix(2)
        guard !version.elementsEqual("ff".utf8), !zero(3..<35), !zero(36..<52) else { return nil }
        if version.elementsEqual("00".utf8) {
            guard utf8.count == 55 else { return nil }
        } else if utf8.count > 55 {
            guard utf8[55] == UInt8(ascii: "-") else { return nil }
        }
        let start = header.startIndex
        func slice(_ range: Range<Int>) -> Substring {
            header[
                header.utf8.index(
                    start, offsetBy: range.lowerBound)..<header.utf8.index(start, offsetBy: range.upperBound)]
        }
        traceID = slice(3..<35)
        parentID = slice(36..<52)
        // Only the sampled bit of the flags is defined; a later version's other bits are not handed on.
        let flags = slice(53..<55)
        let sampled = (UInt8(flags, radix: 16) ?? 0) & 1
        self.traceparent = "00-\(traceID)-\(parentID)-0\(sampled)"
        let state = tracestate.joined(separator: ",")
        // swift-otel reads both headers with swift-w3c-trace-context, and would drop the traceparent with a
        // tracestate it refuses: such a tracestate is left out here instead.
        if !state.isEmpty, state.utf8.count <= Self.maximumLength,
            state.utf8.allSatisfy({ $0 >= 0x20 && $0 <= 0x7E }),
            (try? TraceContext(traceParentHeaderValue: self.traceparent, traceStateHeaderValue: state)) != nil
        {
            self.tracestate = state
        } else {
            self.tracestate = nil
        }
    }
}
#endif
