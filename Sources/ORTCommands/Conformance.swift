import ArgumentParser

/// `ort conformance DIR...`: runs ONNX backend test cases (placeholder until the runner lands).
public struct Conformance: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(abstract: "Run ONNX backend test cases.")
    public init() {}
}
