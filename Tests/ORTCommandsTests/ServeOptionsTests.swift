#if Server
import ArgumentParser
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@testable import ORTCommands

/// `ort serve`'s gRPC options: the port, turning gRPC off, and the checks on both.
@Suite struct ServeOptionsTests {
    @Test("--disable-shared-memory turns the system shared memory extension off; it is on by default")
    func sharedMemory() throws {
        let defaults = try Serve.parse(["--model", "m=model.onnx"]).serverConfiguration(environment: [:])
        #expect(defaults.serving.sharedMemoryEnabled)
        let off = try Serve.parse(["--model", "m=model.onnx", "--disable-shared-memory"])
            .serverConfiguration(environment: [:])
        #expect(!off.serving.sharedMemoryEnabled)
    }

    @Test("--disable-model-upload refuses model files on load; they are taken by default")
    func modelUpload() throws {
        let defaults = try Serve.parse(["--model", "m=model.onnx"]).serverConfiguration(environment: [:])
        #expect(defaults.serving.modelUploadEnabled)
        let off = try Serve.parse(["--model", "m=model.onnx", "--disable-model-upload"])
            .serverConfiguration(environment: [:])
        #expect(!off.serving.modelUploadEnabled)
    }

    @Test("--grpc-port defaults to 8001, takes a port, and --no-grpc turns gRPC off")
    func grpcPort() throws {
        let defaults = try Serve.parse(["--model", "m=model.onnx"])
        #expect(try defaults.serverConfiguration(environment: [:]).grpcPort == 8001)
        let chosen = try Serve.parse(["--model", "m=model.onnx", "--grpc-port", "9001"])
        #expect(try chosen.serverConfiguration(environment: [:]).grpcPort == 9001)
        let off = try Serve.parse(["--model", "m=model.onnx", "--no-grpc"])
        #expect(try off.serverConfiguration(environment: [:]).grpcPort == nil)
    }

    @Test(
        "bad gRPC options are refused",
        arguments: [
            ["--grpc-port", "70000"], ["--grpc-port", "-1"], ["--grpc-port", "8000", "--http-port", "8000"],
        ])
    func badOptions(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try Serve.parse(["--model", "m=model.onnx"] + arguments) }
    }

    @Test("--server-name sets the name the server metadata reports; the default is our own")
    func serverName() throws {
        let defaults = try Serve.parse(["--model", "m=model.onnx"])
        #expect(try defaults.serverConfiguration(environment: [:]).serving.serverName == "swift-onnxruntime")
        let triton = try Serve.parse(["--model", "m=model.onnx", "--server-name", "triton"])
        #expect(try triton.serverConfiguration(environment: [:]).serving.serverName == "triton")
    }

    @Test("the same port for HTTP and gRPC is fine when gRPC is off, or when both pick a free port")
    func samePortAllowed() throws {
        _ = try Serve.parse(["--model", "m=model.onnx", "--grpc-port", "8000", "--no-grpc"])
        _ = try Serve.parse(["--model", "m=model.onnx", "--grpc-port", "0", "--http-port", "0"])
    }

    @Test("--log-level, then Triton's --log-verbose/--log-info/--log-warning/--log-error/--log-format over it")
    func logSettings() throws {
        let base = ["--model", "m=model.onnx"]
        #expect(try Serve.parse(base).logSettings().values == LogSettings.Values())
        #expect(
            try Serve.parse(base + ["--log-level", "warning"]).logSettings().values
                == LogSettings.Values(info: false))
        #expect(
            try Serve.parse(base + ["--log-level", "debug"]).logSettings().values
                == LogSettings.Values(verboseLevel: 1))
        let triton = try Serve.parse(
            base + [
                "--log-verbose", "3", "--log-info", "false", "--log-warning", "true", "--log-error", "false",
                "--log-format", "ISO8601",
            ])
        #expect(
            triton.logSettings().values
                == LogSettings.Values(info: false, warning: true, error: false, verboseLevel: 3, format: .iso8601))
        for bad in [["--log-verbose", "-1"], ["--log-info", "yes"], ["--log-format", "iso8601"]] {
            #expect(throws: (any Error).self) { try Serve.parse(base + bad) }
        }
    }

    @Test("--metrics-config takes Triton's settings; a bad one is refused")
    func metricsConfig() throws {
        let base = ["--model", "m=model.onnx"]
        #expect(try !Serve.parse(base).serverConfiguration(environment: [:]).metrics.summaryLatencies)
        let on = try Serve.parse(
            base + ["--metrics-config", "summary_latencies=true", "--metrics-config", "summary_quantiles=0.9:0.01"])
        let metrics = try on.serverConfiguration(environment: [:]).metrics
        #expect(metrics == MetricsConfiguration(summaryLatencies: true, summaryQuantiles: [.init(0.9, error: 0.01)]))
        #expect(throws: (any Error).self) { try Serve.parse(base + ["--metrics-config", "summary_latencies=1"]) }
    }

    @Test("--trace-config takes Triton's settings; a bad one is refused by name")
    func traceConfig() throws {
        let base = ["--model", "m=model.onnx"]
        // Tracing is off until a level is set, but the trace extension is always there.
        #expect(try Serve.parse(base).serverConfiguration(environment: [:]).trace == TraceConfiguration())
        let on = try Serve.parse(
            base + [
                "--trace-config", "mode=opentelemetry", "--trace-config", "opentelemetry,url=collector:4318/v1/traces",
                "--trace-config", "level=TIMESTAMPS", "--trace-config", "rate=2", "--trace-config", "count=3",
            ])
        let trace = try #require(try on.serverConfiguration(environment: [:]).trace)
        #expect(trace.level == .timestamps && trace.rate == 2 && trace.count == 3)
        #expect(trace.url == "http://collector:4318/v1/traces")
        for bad in ["level=TENSORS", "rate=x", "mode=triton", "opentelemetry,bogus=1"] {
            #expect(throws: (any Error).self) { try Serve.parse(base + ["--trace-config", bad]) }
        }
    }
}
#endif
