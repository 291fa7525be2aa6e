#if Server
import ArgumentParser
import Foundation
import ONNXFormats
import ONNXRuntime
import Testing

@testable import ORTCommands

/// `ort compile`: the arguments, the built `ort` compiling with the CPU provider alone (nothing to compile) and with
/// the test plugin EP of `Tests/PluginEP` (SwiftTestEP, which compiles float Mul and Add into EPContext nodes).
/// What a compiled model holds was checked with Python onnxruntime 1.32's `ModelCompiler` on the same library.
@Suite struct CompileCommandTests {
    /// The test EP, built (or found in the cache) by `scripts/build-test-ep.sh`.
    static func testEPLibrary() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Paths.root.appendingPathComponent("scripts/build-test-ep.sh").path]
        process.currentDirectoryURL = Paths.root
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "scripts/build-test-ep.sh failed")
        return String(decoding: stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ort-compile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func argumentsBecomeTheCompilation() throws {
        let command = try Compile.parse([
            Paths.model("add_f32"), "-o", "/tmp/out.onnx", "--embed", "--fail-if-nothing-compiled", "--no-overwrite",
            "--optimization", "basic", "--config", "session.x=1", "--config", "ep.y=a=b",
            "--ep", "CPUExecutionProvider",
        ])
        let compiler = try command.compiler()
        #expect(compiler.source == .file(Paths.model("add_f32")))
        #expect(compiler.embedsContextBinary)
        #expect(compiler.failsIfNothingCompiled)
        #expect(compiler.failsIfOutputExists)
        #expect(compiler.optimization == .basic)
        #expect(compiler.sessionOptions.configEntries == ["session.x": "1", "ep.y": "a=b"])
        #expect(compiler.sessionOptions.executionProviders.map(\.name) == ["CPUExecutionProvider"])

        let defaults = try Compile.parse([Paths.model("add_f32"), "--output", "/tmp/out.onnx"]).compiler()
        #expect(!defaults.embedsContextBinary && !defaults.failsIfNothingCompiled && !defaults.failsIfOutputExists)
        #expect(defaults.optimization == nil)  // ORT's default for compiling
        #expect(defaults.sessionOptions.executionProviders.isEmpty)

        #expect(throws: (any Error).self) { _ = try Compile.parse([Paths.model("add_f32")]) }  // -o is required
        #expect {
            _ = try Compile.parse([Paths.model("add_f32"), "-o", "x", "--config", "novalue"]).compiler()
        } throws: {
            "\($0)".contains("--config expects KEY=VALUE")
        }
        #expect {
            _ = try Compile.parse([Paths.model("add_f32"), "-o", "x", "--config", "k=1", "--config", "k=2"]).compiler()
        } throws: {
            "\($0)".contains("twice")
        }
    }

    @Test func compilesWithTheCPUProviderAlone() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("add_ctx.onnx").path
        let result = try Paths.runORT(["compile", Paths.model("add_f32"), "-o", output])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.hasPrefix("wrote \(output) ("))
        // Nothing compiled: the model comes back whole and computes add_f32.json's first case (NumPy).
        let session = try Session(path: output)
        let c = try session.run([
            "A": try Tensor<Float>([-5.875, -6.5, -6.75, 4.875, 4.5, 4.5], shape: [2, 3]),
            "B": try Tensor<Float>([-1.875, -4.375, -3.125, 4.625, 8.0, -0.375], shape: [2, 3]),
        ]).tensor("C", of: Float.self)
        #expect(c.scalars == [-7.75, -10.875, -9.875, 9.5, 12.5, 4.125])
    }

    @Test func compilesWithAPluginEP() throws {
        let library = try Self.testEPLibrary()
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("ep_ctx.onnx")
        let result = try Paths.runORT([
            "compile", Paths.model("ep_mul_add"), "-o", output.path, "--ep-library", "test=\(library)",
            "--ep", "SwiftTestEP", "--embed", "--fail-if-nothing-compiled",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("SwiftTestEP compatibility info: SwiftTestEP;format=1"))
        // Read from the file itself: the EP recorded its compatibility string, as Python's ModelCompiler shows.
        let summary = try ModelSummary(contentsOf: output)
        #expect(
            summary.metadata.contains(.init(key: "ep_compatibility_info.SwiftTestEP", value: "SwiftTestEP;format=1")))
        #expect(summary.opsetImports.contains(.init(domain: "com.microsoft", version: 1)))
    }

    @Test func errorsAreOneLineWithNonZeroExit() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("out.onnx").path

        let missing = try Paths.runORT(["compile", "/nonexistent.onnx", "-o", output])
        #expect(missing.status != 0)
        #expect(
            missing.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
                == "Error: model file '/nonexistent.onnx' does not exist")

        let noDirectory = try Paths.runORT(["compile", Paths.model("add_f32"), "-o", "/nonexistent/dir/out.onnx"])
        #expect(noDirectory.status != 0)
        #expect(noDirectory.stderr.contains("directory '/nonexistent/dir' does not exist"))

        let nothing = try Paths.runORT(["compile", Paths.model("add_f32"), "-o", output, "--fail-if-nothing-compiled"])
        #expect(nothing.status != 0)
        #expect(nothing.stderr.contains("Unable to compile any nodes"))
        #expect(!FileManager.default.fileExists(atPath: output))

        let notONNX = directory.appendingPathComponent("text.onnx")
        try Data("not a model".utf8).write(to: notONNX)
        let garbage = try Paths.runORT(["compile", notONNX.path, "-o", output])
        #expect(garbage.status != 0)
        #expect(garbage.stderr.contains("not a valid ONNX model"))

        let badEP = try Paths.runORT(["compile", Paths.model("add_f32"), "-o", output, "--ep", ":x=1"])
        #expect(badEP.status != 0)
        #expect(badEP.stderr.contains("--ep expects NAME[:key=value,...]"))

        let badLibrary = try Paths.runORT(["compile", Paths.model("add_f32"), "-o", output, "--ep-library", "x"])
        #expect(badLibrary.status != 0)
        #expect(badLibrary.stderr.contains("--ep-library expects NAME=PATH"))
    }
}
#endif
