import Foundation
import ONNXFormats
import Testing

@testable import ONNXRuntime

/// The compile API with ORT's CPU provider alone, which compiles nothing: what ORT does then was checked with Python
/// onnxruntime 1.32's `onnxruntime.ModelCompiler` (the model is written back with its nodes; with the
/// error-if-no-nodes-compiled flag, ORT_FAIL "Unable to compile any nodes..."; a missing output directory,
/// INVALID_ARGUMENT after compiling; a non-ONNX input, INVALID_PROTOBUF).
@Suite struct ModelCompilerTests {
    /// add_f32.json's first case (NumPy): C = A + B.
    static let a = [Float]([-5.875, -6.5, -6.75, 4.875, 4.5, 4.5])
    static let b = [Float]([-1.875, -4.375, -3.125, 4.625, 8.0, -0.375])
    static let c = [Float]([-7.75, -10.875, -9.875, 9.5, 12.5, 4.125])

    static func checkAdd(_ session: Session) throws {
        let outputs = try session.run([
            "A": try Tensor<Float>(a, shape: [2, 3]), "B": try Tensor<Float>(b, shape: [2, 3]),
        ])
        #expect(try outputs.tensor("C", of: Float.self).scalars == c)
    }

    static func expectError(
        _ code: ORTError.Code, containing text: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () throws -> Void
    ) {
        #expect(sourceLocation: sourceLocation) { try body() } throws: { error in
            guard let error = error as? ORTError else { return false }
            return error.code == code && error.message.contains(text)
        }
    }

    @Test func compilingForTheCPUProviderWritesTheModelBackUnchanged() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("add_f32_ctx.onnx")
        try ModelCompiler(path: Fixtures.model("add_f32")).compile(to: output.path)

        let summary = try ModelSummary(contentsOf: output)
        // add_f32's metadata, as the generator wrote it, survives compilation.
        #expect(summary.metadata.contains(.init(key: "purpose", value: "metadata test")))
        #expect(summary.metadata.contains(.init(key: "author", value: "swift-onnxruntime")))
        try Self.checkAdd(try Session(path: output.path))
    }

    @Test func compilingToBytesGivesALoadableModel() throws {
        var compiler = ModelCompiler(path: Fixtures.model("add_f32"))
        compiler.optimization = .basic
        let bytes = try compiler.compiledModel()
        let summary = try ModelSummary(parsing: Data(bytes))
        #expect(summary.metadata.contains(.init(key: "purpose", value: "metadata test")))
        try Self.checkAdd(try Session(modelData: bytes))

        // From bytes to bytes as well.
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: Fixtures.model("add_f32"))))
        let again = try ModelCompiler(modelData: original).compiledModel()
        try Self.checkAdd(try Session(modelData: again))
    }

    @Test func externalInitializersGoToTheirOwnFile() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("external_ctx.onnx")
        var compiler = ModelCompiler(path: Fixtures.model("external_data"))
        compiler.externalInitializers = .init(path: "weights.bin", minimumByteCount: 0)
        try compiler.compile(to: output.path)
        // W is float32 [4, 3] (the generator's external_data model): 48 bytes.
        let weights = directory.appendingPathComponent("weights.bin")
        #expect(try Data(contentsOf: weights).count == 48)
        let session = try Session(path: output.path)
        let x = try Tensor<Float>([-1.0, -2.5, 0.5, 3.0, 2.0, -2.0, 2.25, -4.0], shape: [2, 4])
        let y = try session.run(["x": x]).tensor("y", of: Float.self)
        #expect(y.scalars == [2.0, -3.375, -8.125, -0.28125, -1.75, -1.09375])  // external_data.json (NumPy)
    }

    @Test func nothingCompiledIsAnErrorWhenAsked() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.onnx")
        var compiler = ModelCompiler(path: Fixtures.model("add_f32"))
        compiler.failsIfNothingCompiled = true
        #expect { try compiler.compile(to: output.path) } throws: { error in
            guard let error = error as? ORTError else { return false }
            return error.code == .runtimeError && error.runtimeCode == .fail
                && error.message.contains("Unable to compile any nodes")
                && error.message.contains("add_f32.onnx")
        }
        #expect(!FileManager.default.fileExists(atPath: output.path))
        #expect(throws: ORTError.self) { _ = try compiler.compiledModel() }
    }

    @Test func badInputsAndOutputsGetClearErrors() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.onnx").path
        let add = Fixtures.model("add_f32")

        Self.expectError(.modelNotFound, containing: "does not exist") {
            try ModelCompiler(path: directory.appendingPathComponent("missing.onnx").path).compile(to: output)
        }
        Self.expectError(.modelNotFound, containing: "is a directory") {
            try ModelCompiler(path: directory.path).compile(to: output)
        }
        let garbage = directory.appendingPathComponent("garbage.onnx")
        try Data("not an onnx model at all".utf8).write(to: garbage)
        #expect { try ModelCompiler(path: garbage.path).compile(to: output) } throws: { error in
            let error = error as? ORTError
            return error?.code == .invalidModel && error?.runtimeCode == .invalidProtobuf
        }
        let empty = directory.appendingPathComponent("empty.onnx")
        try Data().write(to: empty)
        Self.expectError(.invalidModel, containing: "empty") { try ModelCompiler(path: empty.path).compile(to: output) }
        Self.expectError(.invalidModel, containing: "empty") { _ = try ModelCompiler(modelData: []).compiledModel() }
        Self.expectError(.invalidModel, containing: "not a valid ONNX model") {
            _ = try ModelCompiler(modelData: Array("junk".utf8)).compiledModel()
        }
        #expect(!FileManager.default.fileExists(atPath: output))

        Self.expectError(.invalidArgument, containing: "does not exist") {
            try ModelCompiler(path: add).compile(to: directory.appendingPathComponent("no/such/dir/out.onnx").path)
        }
        Self.expectError(.invalidArgument, containing: "is a directory") {
            try ModelCompiler(path: add).compile(to: directory.path)
        }
        Self.expectError(.invalidArgument, containing: "empty") { try ModelCompiler(path: add).compile(to: "") }
        Self.expectError(.invalidArgument, containing: "input model itself") {
            try ModelCompiler(path: add).compile(to: add)
        }
        var negative = ModelCompiler(path: add)
        negative.externalInitializers = .init(path: "w.bin", minimumByteCount: -1)
        Self.expectError(.invalidArgument, containing: ">= 0") { try negative.compile(to: output) }
    }

    @Test func anExistingOutputIsKeptWhenAsked() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.onnx")
        try Data("keep me".utf8).write(to: output)
        var compiler = ModelCompiler(path: Fixtures.model("add_f32"))
        compiler.failsIfOutputExists = true
        Self.expectError(.invalidArgument, containing: "exists") { try compiler.compile(to: output.path) }
        #expect(try Data(contentsOf: output) == Data("keep me".utf8))
        // Without the flag, ORT overwrites it.
        compiler.failsIfOutputExists = false
        try compiler.compile(to: output.path)
        try Self.checkAdd(try Session(path: output.path))
    }

    @Test func olderRuntimesAreRefusedWithUnsupported() throws {
        let api = try API.get()
        let old = API(
            table: api.table, version: 21, runtimeVersionCString: api.runtimeVersionCString,
            pathCString: api.pathCString, cpuMemoryInfo: api.cpuMemoryInfo)
        #expect { _ = try old.compileAPI(for: "compiling models") } throws: {
            ($0 as? ORTError)?.code == .unsupported
                && ($0 as? ORTError)?.message.contains("compiling models needs ONNX Runtime 1.22") == true
        }
        #expect(throws: Never.self) { _ = try api.compileAPI(for: "compiling models") }
    }
}
