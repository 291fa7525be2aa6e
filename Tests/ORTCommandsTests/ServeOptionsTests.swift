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

    @Test("the same port for HTTP and gRPC is fine when gRPC is off, or when both pick a free port")
    func samePortAllowed() throws {
        _ = try Serve.parse(["--model", "m=model.onnx", "--grpc-port", "8000", "--no-grpc"])
        _ = try Serve.parse(["--model", "m=model.onnx", "--grpc-port", "0", "--http-port", "0"])
    }
}
#endif
