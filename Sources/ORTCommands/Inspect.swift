#if Server
import ArgumentParser
import ONNXRuntime

/// `ort inspect MODEL [--json]`: a model's inputs, outputs, initializers, opsets and metadata.
public struct Inspect: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        abstract: "Show a model's inputs, outputs, overridable initializers, opsets and metadata.")

    @Argument(help: "The .onnx model file.")
    public var model: String

    @Flag(help: "Print JSON (stable keys; see ModelReport).")
    public var json = false

    @OptionGroup public var options: ModelOptions

    public init() {}

    public func run() async throws {
        let report = try ModelReport(path: model, options: options.sessionOptions())
        print(json ? report.json : report.text)
    }
}
#endif
