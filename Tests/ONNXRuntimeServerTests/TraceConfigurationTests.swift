#if Server && Client
@testable import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// `--trace-config` in Triton's syntax, and the W3C `traceparent` reader. Valid and invalid headers are from the W3C
/// Trace Context recommendation's rules, written out by hand.
@Suite("Trace configuration")
struct TraceConfigurationTests {
    @Test("Triton's flags set level, rate, count and the exporter")
    func flags() throws {
        let configuration = try TraceConfiguration(settings: [
            "mode=opentelemetry", "opentelemetry,url=collector:4318/v1/traces", "rate=100", "level=TIMESTAMPS",
            "count=5", "opentelemetry,resource=service.name=triton", "opentelemetry,resource=env=prod",
            "opentelemetry,bsp_max_queue_size=64", "opentelemetry,bsp_schedule_delay=250",
            "opentelemetry,bsp_max_export_batch_size=32",
        ])
        #expect(configuration.level == .timestamps)
        #expect(configuration.rate == 100)
        #expect(configuration.count == 5)
        #expect(configuration.url == "http://collector:4318/v1/traces")
        #expect(configuration.resource == ["service.name": "triton", "env": "prod"])
        #expect(configuration.maxQueueSize == 64)
        #expect(configuration.scheduleDelayMilliseconds == 250)
        #expect(configuration.maxExportBatchSize == 32)
        let defaults = try TraceConfiguration(settings: [])
        #expect(defaults == TraceConfiguration())
        #expect(defaults.level == .off && defaults.rate == 1000 && defaults.count == -1)
        #expect(defaults.url == "http://localhost:4318/v1/traces")
        #expect(try TraceConfiguration(settings: ["opentelemetry,url=https://c:1/x"]).url == "https://c:1/x")
        #expect(try TraceConfiguration(settings: ["level=timestamps", "rate=0", "count=-1"]).rate == 0)
    }

    @Test(
        "Unknown or bad flags are refused by name",
        arguments: [
            ("level=BOGUS", "invalid value for trace level option: BOGUS"),
            ("level=TENSORS", "TENSORS is not supported in opentelemetry mode"),
            ("rate=abc", "rate must be an integer from 0 to 4294967295, got 'abc'"),
            ("rate=-1", "rate must be an integer"),
            ("count=-2", "count must be -1 (no limit) or an integer"),
            ("count=3000000000", "count must be"),
            ("mode=triton", "mode=triton writes Triton's JSON trace files"),
            ("mode=zipkin", "unknown trace mode 'zipkin'"),
            ("triton,file=/tmp/t.json", "mode triton writes Triton's JSON trace files"),
            ("file=/tmp/t.json", "file belongs to mode triton"),
            ("foo=1", "unknown trace setting 'foo'"),
            ("opentelemetry,bogus=1", "unknown opentelemetry setting 'bogus'"),
            ("jaeger,url=x", "unknown trace mode 'jaeger'"),
            ("opentelemetry,resource=noequals", "resource must be key=value"),
            ("opentelemetry,resource==x", "resource must be key=value"),
            ("opentelemetry,url=", "opentelemetry,url must be host:port/path"),
            ("opentelemetry,url=http://", "opentelemetry,url must be"),
            ("opentelemetry,url=:4318/v1/traces", "opentelemetry,url must be"),
            ("opentelemetry,bsp_max_queue_size=0", "bsp_max_queue_size must be an integer from 1"),
            ("opentelemetry,bsp_schedule_delay=soon", "bsp_schedule_delay must be"),
            ("level", "'level' is not [mode,]key=value"),
        ])
    func badFlags(_ setting: String, _ message: String) {
        #expect {
            try TraceConfiguration(settings: [setting])
        } throws: { error in
            (error as? TraceConfigurationError)?.message.contains(message) == true
        }
    }

    @Test("The export batch may not exceed the queue")
    func batchAboveQueue() {
        #expect(throws: TraceConfigurationError.self) {
            try TraceConfiguration(settings: [
                "opentelemetry,bsp_max_queue_size=4", "opentelemetry,bsp_max_export_batch_size=8",
            ])
        }
    }

    @Test("A valid traceparent is read; its tracestate goes along if acceptable")
    func traceparent() throws {
        let parent = try #require(
            TraceParent(
                traceparent: ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"],
                tracestate: ["congo=t61rcWkgMzE", "rojo=00f067aa0ba902b7"]))
        #expect(parent.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
        #expect(parent.parentID == "00f067aa0ba902b7")
        #expect(parent.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(parent.tracestate == "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")
        // A later version: more fields after the flags are allowed and dropped; only the sampled bit is kept.
        let later = try #require(
            TraceParent(
                traceparent: ["cc-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03-what-ever"], tracestate: []))
        #expect(later.traceparent == "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        #expect(later.tracestate == nil)
        let tooLongState = String(repeating: "k=v,", count: 200)
        #expect(
            TraceParent(
                traceparent: ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], tracestate: [tooLongState])?
                .tracestate == nil)
        #expect(
            TraceParent(
                traceparent: ["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"], tracestate: ["a=\u{7}"])?
                .tracestate == nil)
    }

    @Test(
        "A malformed traceparent is ignored",
        arguments: [
            "", "00", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-011",
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00F067AA0BA902B7-01",
            "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
            "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz",
            "00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x",
            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ",
            "00-ünïcödé3577b34da6a3ce929d0e0e4-00f067aa0ba902b7-01",
            "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-" + String(repeating: "x", count: 500),
        ])
    func malformed(_ header: String) {
        #expect(TraceParent(traceparent: [header], tracestate: []) == nil)
    }

    @Test("No traceparent, or two of them, is no context")
    func countOfHeaders() {
        let valid = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        #expect(TraceParent(traceparent: [], tracestate: ["a=b"]) == nil)
        #expect(TraceParent(traceparent: [valid, valid], tracestate: []) == nil)
    }
}
#endif
