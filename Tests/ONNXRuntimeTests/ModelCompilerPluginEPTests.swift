import Foundation
import Testing

@testable import ONNXRuntime

/// The compile API with an execution provider that compiles: the test EP of `Tests/PluginEP` (C; SwiftTestEP fuses
/// float Mul and Add and writes one EPContext node per fused subgraph).
///
/// What the compiled models hold was checked with Python onnxruntime 1.32's `ModelCompiler` and `onnx` on the same
/// library: ep_mixed (Mul, Sub, Add) becomes EPContext, Sub, EPContext (domain com.microsoft, source SwiftTestEP,
/// embed_mode 1 with the program text, or 0 with a file name), with metadata
/// `ep_compatibility_info.SwiftTestEP = SwiftTestEP;format=1`; without the EP, ORT refuses to load it
/// (ORT_NOT_IMPLEMENTED). Outputs are compared with the NumPy-computed case files. Graph nodes are read from the
/// protobuf by `GraphNode` (Support/GraphNodes.swift), not by ORT.
@Suite(.serialized)
struct ModelCompilerPluginEPTests {
    /// What the test EP's C source writes (Tests/PluginEP/test_ep.c).
    static let programHeader = "swifttestep-program-v1\n"
    static let compatibilityInfo = "SwiftTestEP;format=1"

    func options() throws -> SessionOptions {
        let devices = try TestPluginEP.devices(in: try TestPluginEP.registeredEnvironment())
        try #require(devices.count == 1)
        var options = SessionOptions()
        options.executionProviders = [.init(devices: devices)]
        return options
    }

    /// Runs every case of the case file `name` on `session` and expects NumPy's outputs.
    func expectCases(_ name: String, _ session: Session, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let file = try ModelCaseFile.load(name)
        for testCase in file.cases {
            let outputs = try session.run(try testCase.feeds(.copy))
            var comparer = ValueComparer(tolerance: file.tolerance)
            for entry in testCase.outputs {
                comparer.compare(entry.value, outputs[entry.name], at: "\(name)/\(testCase.name): \(entry.name)")
            }
            #expect(comparer.mismatches == [], sourceLocation: sourceLocation)
            #expect(comparer.comparedElements > 0, sourceLocation: sourceLocation)
        }
    }

    @Test("compiled to a file with embedded context: EPContext, Sub, EPContext; reloads with NumPy's outputs")
    func compilesToFileEmbedded() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("mixed_ctx.onnx")
        let options = try options()
        var compiler = ModelCompiler(path: TestModels.path("ep_mixed"), options: options)
        compiler.embedsContextBinary = true
        compiler.failsIfNothingCompiled = true
        try compiler.compile(to: output.path)

        let nodes = try GraphNode.read(Data(contentsOf: output))
        #expect(nodes.map(\.operatorType) == ["EPContext", "Sub", "EPContext"])
        for node in nodes where node.operatorType == "EPContext" {
            #expect(node.domain == "com.microsoft")
            #expect(node.text("source") == "SwiftTestEP")
            #expect(node.integers["embed_mode"] == 1)
            #expect(node.integers["main_context"] == 1)
            #expect(node.text("ep_cache_context")?.hasPrefix(Self.programHeader) == true)
        }
        // Embedded: no context files beside the model.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["mixed_ctx.onnx"])
        try expectCases("ep_mixed", try Session(path: output.path, options: options))
    }

    @Test("compiled to a file with context files beside it (embed mode 0)")
    func compilesToFileWithContextFiles() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("mixed_ctx.onnx")
        let options = try options()
        try ModelCompiler(path: TestModels.path("ep_mixed"), options: options).compile(to: output.path)

        let nodes = try GraphNode.read(Data(contentsOf: output))
        let contexts = nodes.filter { $0.operatorType == "EPContext" }
        #expect(contexts.count == 2)
        for node in contexts {
            #expect(node.integers["embed_mode"] == 0)
            // The node names its context file, written beside the model: <output stem>_<node name>.swifttestep.
            let file = try #require(node.text("ep_cache_context"))
            #expect(file == "mixed_ctx_\(node.name).swifttestep")
            let contents = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            #expect(contents.hasPrefix(Self.programHeader))
        }
        try expectCases("ep_mixed", try Session(path: output.path, options: options))
    }

    @Test("compiled to bytes, from a file and from bytes; the bytes load and run")
    func compilesToBytes() throws {
        let options = try options()
        var compiler = ModelCompiler(path: TestModels.path("ep_mul_add"), options: options)
        compiler.embedsContextBinary = true
        let bytes = try compiler.compiledModel()
        let nodes = try GraphNode.read(Data(bytes))
        // The whole graph is Mul and Add: one fused node.
        #expect(nodes.map(\.operatorType) == ["EPContext"])
        #expect(nodes.first?.text("ep_cache_context")?.hasPrefix(Self.programHeader) == true)
        try expectCases("ep_mul_add", try Session(modelData: bytes, options: options))

        let source = [UInt8](try Data(contentsOf: URL(fileURLWithPath: TestModels.path("ep_mul_add"))))
        var fromBytes = ModelCompiler(modelData: source, options: options)
        fromBytes.embedsContextBinary = true
        let again = try fromBytes.compiledModel()
        #expect(try GraphNode.read(Data(again)).map(\.operatorType) == ["EPContext"])
        try expectCases("ep_mul_add", try Session(modelData: again, options: options))
    }

    @Test("to bytes without embedding, the EP has nowhere to write its context file: a clear error")
    func bytesWithoutEmbeddingFail() throws {
        let compiler = ModelCompiler(path: TestModels.path("ep_mul_add"), options: try options())
        #expect { _ = try compiler.compiledModel() } throws: { error in
            let error = error as? ORTError
            return error?.runtimeCode == .invalidArgument && error?.message.contains("ep_mul_add.onnx") == true
        }
    }

    @Test("the compiled model needs its EP: without it ORT refuses to load it")
    func compiledModelNeedsItsProvider() throws {
        var compiler = ModelCompiler(path: TestModels.path("ep_mul_add"), options: try options())
        compiler.embedsContextBinary = true
        let bytes = try compiler.compiledModel()
        #expect { _ = try Session(modelData: bytes) } throws: { error in
            let error = error as? ORTError
            return error?.runtimeCode == .notImplemented && error?.message.contains("SwiftTestEP") == true
        }
    }

    @Test("compatibility: the EP's string is in the model, and the EP judges it against its device")
    func compatibility() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("ctx.onnx")
        let options = try options()
        var compiler = ModelCompiler(path: TestModels.path("ep_mul_add"), options: options)
        compiler.embedsContextBinary = true
        try compiler.compile(to: output.path)

        #expect(
            try ModelCompiler.compatibilityInfo(ofModelAt: output.path, executionProvider: "SwiftTestEP")
                == Self.compatibilityInfo)
        let bytes = [UInt8](try Data(contentsOf: output))
        #expect(
            try ModelCompiler.compatibilityInfo(ofModelData: bytes, executionProvider: "SwiftTestEP")
                == "SwiftTestEP;format=1")
        #expect(try ModelCompiler.compatibilityInfo(ofModelAt: output.path, executionProvider: "OtherEP") == nil)
        #expect(
            try ModelCompiler.compatibilityInfo(
                ofModelAt: TestModels.path("ep_mul_add"), executionProvider: "SwiftTestEP")
                == nil)

        let environment = try TestPluginEP.registeredEnvironment()
        let devices = try TestPluginEP.devices(in: environment)
        #expect(
            try environment.compiledModelCompatibility(ofModelAt: output.path, devices: devices) == .supportedOptimal)
        #expect(
            try environment.compiledModelCompatibility(Self.compatibilityInfo, devices: devices) == .supportedOptimal)
        #expect(try environment.compiledModelCompatibility("SwiftTestEP;format=2", devices: devices) == .unsupported)
        #expect(
            try environment.compiledModelCompatibility(ofModelAt: TestModels.path("ep_mul_add"), devices: devices)
                == nil)
        // ORT's CPU provider records nothing and has no opinion.
        let cpu = try environment.executionProviderDevices().filter { $0.executionProvider == "CPUExecutionProvider" }
        #expect(try environment.compiledModelCompatibility(Self.compatibilityInfo, devices: cpu) == .notApplicable)

        // Bad inputs.
        #expect { _ = try environment.compiledModelCompatibility(Self.compatibilityInfo, devices: []) } throws: {
            ($0 as? ORTError)?.code == .invalidArgument
        }
        #expect {
            _ = try environment.compiledModelCompatibility(Self.compatibilityInfo, devices: cpu + devices)
        } throws: {
            ($0 as? ORTError)?.code == .invalidArgument
                && ($0 as? ORTError)?.message.contains("one execution provider") == true
        }
        #expect { _ = try ModelCompiler.compatibilityInfo(ofModelAt: output.path, executionProvider: "") } throws: {
            ($0 as? ORTError)?.code == .invalidArgument
        }
        #expect {
            _ = try ModelCompiler.compatibilityInfo(
                ofModelAt: directory.appendingPathComponent("none.onnx").path, executionProvider: "SwiftTestEP")
        } throws: { ($0 as? ORTError)?.code == .modelNotFound }
        #expect {
            _ = try ModelCompiler.compatibilityInfo(ofModelData: Array("junk".utf8), executionProvider: "SwiftTestEP")
        } throws: {
            ($0 as? ORTError)?.code == .invalidModel
        }
        #expect { _ = try ModelCompiler.compatibilityInfo(ofModelData: [], executionProvider: "SwiftTestEP") } throws: {
            ($0 as? ORTError)?.code == .invalidModel
        }
    }

    @Test("recompiling a compiled model is refused by the EP")
    func recompilingIsRefused() throws {
        let options = try options()
        var compiler = ModelCompiler(path: TestModels.path("ep_mul_add"), options: options)
        compiler.embedsContextBinary = true
        var again = ModelCompiler(modelData: try compiler.compiledModel(), options: options)
        again.embedsContextBinary = true
        #expect(throws: ORTError.self) { _ = try again.compiledModel() }
    }
}
