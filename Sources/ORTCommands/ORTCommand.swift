#if Server
import ArgumentParser
import ONNXRuntime

/// The `ort` command: inspect, run, benchmark and check ONNX models with ONNX Runtime.
public struct ORTCommand: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ort",
        abstract: "Inspect, run, benchmark and check ONNX models with ONNX Runtime.",
        version: PackageVersion.string,
        subcommands: [
            Inspect.self, RunModel.self, Bench.self, Conformance.self, Serve.self, Devices.self, Compile.self,
        ]
    )

    public init() {}
}
#endif
