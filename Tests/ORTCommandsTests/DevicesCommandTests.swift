#if Server
import ArgumentParser
import Foundation
import Logging
import ONNXRuntime
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@testable import ORTCommands

/// The test plugin EP (`Tests/PluginEP`), built on demand by `scripts/build-test-ep.sh`.
enum TestEPLibrary {
    static let path: Result<String, CommandError> = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [Paths.root.appendingPathComponent("scripts/build-test-ep.sh").path]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return .failure(CommandError("cannot build the test EP: \(error)")) }
        let output = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let path = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: path) else {
            return .failure(CommandError("scripts/build-test-ep.sh failed"))
        }
        return .success(path)
    }()
}

/// `ort devices`, and `--ep` / `--ep-library` on `run`, `bench` and `serve`, with the test plugin EP (SwiftTestEP,
/// which claims float Mul and Add). Expected numbers are the NumPy values of `Tests/Models/ep_mixed.json`.
@Suite(.serialized)
struct DevicesCommandTests {
    @Test("ort devices --json lists the CPU provider and the test EP with what its C code sets")
    func devicesJSON() throws {
        let library = try TestEPLibrary.path.get()
        let result = try Paths.runORT(["devices", "--ep-library", "test=\(library)", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let devices = try #require(object["devices"] as? [[String: Any]])
        #expect(devices.contains { $0["ep_name"] as? String == "CPUExecutionProvider" })
        let device = try #require(devices.first { $0["ep_name"] as? String == "SwiftTestEP" })
        #expect(device["vendor"] as? String == "swift-onnxruntime")
        #expect(device["options"] as? [String: String] == ["ops": "Mul,Add"])
        #expect((device["metadata"] as? [String: String])?["test_ep.version"] == "1.0.0")
        #expect((device["device"] as? [String: Any])?["type"] as? String == "cpu")
        let libraries = try #require(object["libraries"] as? [[String: Any]])
        #expect(libraries.count == 1)
        #expect(libraries.first?["name"] as? String == "test")
        #expect(libraries.first?["path"] as? String == library)
        #expect(libraries.first?["devices"] as? Int == 1)

        let text = try Paths.runORT(["devices", "--ep-library", "test=\(library)"])
        #expect(text.status == 0)
        #expect(text.stdout.contains("SwiftTestEP (swift-onnxruntime) on cpu"))
        #expect(text.stdout.contains("options:  ops=Mul,Add"))
        #expect(text.stdout.contains("library test: \(library) (1 device)"))
    }

    @Test("ort devices: bad --ep-library values are one clear error")
    func devicesErrors() throws {
        let missing = try Paths.runORT(["devices", "--ep-library", "x=/nonexistent/libep.so"])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("'/nonexistent/libep.so' does not exist"))
        let malformed = try Paths.runORT(["devices", "--ep-library", "noequals"])
        #expect(malformed.status != 0)
        #expect(malformed.stderr.contains("--ep-library expects NAME=PATH, got 'noequals'"))
        let twice = try Paths.runORT(["devices", "--ep-library", "a=/x", "--ep-library", "a=/y"])
        #expect(twice.status != 0)
        #expect(twice.stderr.contains("names 'a' twice"))
        let notEP = try Paths.runORT(["devices", "--ep-library", "m=\(Paths.model("add_f32"))"])
        #expect(notEP.status != 0)
        #expect(notEP.stderr.contains("cannot register execution provider library 'm'"))
    }

    @Test("--ep NAME[:key=value,...] parses in order, before --provider; malformed values are refused")
    func epParsing() throws {
        let options = try ModelOptions.parse([
            "--ep", "SwiftTestEP:ops=Mul,fail=", "--provider", "XNNPACK", "--ep", "CPU",
        ])
        #expect(
            try options.executionProviders.parsedProviders() == [
                .init("SwiftTestEP", options: ["ops": "Mul", "fail": ""]), .init("CPU"),
            ])
        #expect(try options.sessionOptions().executionProviders.map(\.name) == ["SwiftTestEP", "CPU", "XNNPACK"])
        for bad in [":ops=Mul", "A:ops", "A:=1", "A:x=1,x=2", "A:x=1,"] {
            let parsed = try ModelOptions.parse(["--ep", bad])
            #expect(throws: (any Error).self, "\(bad)") { try parsed.executionProviders.parsedProviders() }
        }
    }

    @Test("run and bench options reach the test EP: ops=Mul puts only Mul on it, outputs stay NumPy's")
    func runOnTestEP() async throws {
        let library = try TestEPLibrary.path.get()
        let parsed = try ModelOptions.parse(["--ep-library", "run-test=\(library)", "--ep", "SwiftTestEP:ops=Mul"])
        var options = try parsed.sessionOptions()
        options.recordsExecutionProviderAssignments = true
        let session = try Session(path: Paths.model("ep_mixed"), options: options)
        let parts = try session.executionProviderAssignments()
        #expect(parts.filter { $0.executionProvider == "SwiftTestEP" }.flatMap(\.nodes).map(\.name) == ["scale"])
        let outputs = try await session.run(["x": try Tensor<Float>([-0.5, 3.25, 0.5], shape: [1, 3])])
        #expect(try outputs.tensor("z", of: Float.self).scalars == [-1.5, -6.5, 3.5])

        let bench = try Paths.runORT([
            "bench", Paths.model("ep_mixed"), "--ep-library", "t=\(library)", "--ep", "SwiftTestEP", "--iterations",
            "5", "--dim", "N=2", "--json",
        ])
        #expect(bench.status == 0, "\(bench.stderr)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(bench.stdout.utf8)) as? [String: Any])
        #expect(report["iterations"] as? Int == 5)
        // The EP's own failure shows that --ep reached it.
        let failing = try Paths.runORT([
            "bench", Paths.model("ep_mixed"), "--ep-library", "t=\(library)", "--ep", "SwiftTestEP:fail=create",
            "--iterations", "1", "--dim", "N=2",
        ])
        #expect(failing.status != 0)
        #expect(failing.stderr.contains("fail=create"))
        let unknown = try Paths.runORT(["bench", Paths.model("ep_mixed"), "--ep", "NoSuchEP", "--dim", "N=2"])
        #expect(unknown.status != 0)
        #expect(
            unknown.stderr.contains(
                "execution provider 'NoSuchEP' is not available in this ONNX Runtime build, and no registered plugin"))
    }

    @Test("serve --ep runs every model on the test EP; an EP failure fails the model's load")
    func serveOnTestEP() async throws {
        let library = try TestEPLibrary.path.get()
        func serve(_ ep: String) async throws -> (ready: Bool, z: [Double]?) {
            let command = try Serve.parse([
                "--model", "m=\(Paths.model("ep_mixed"))", "--ep-library", "serve-test=\(library)", "--ep", ep,
            ])
            #expect(
                try command.serverConfiguration(environment: [:]).serving.backend.executionProviders.map(\.name)
                    == ["SwiftTestEP"])
            try command.executionProviders.libraries.registerLibraries()
            let engine = InferenceEngine(
                configuration: try command.serverConfiguration(environment: [:]).serving, logger: Logger(label: "test"))
            await engine.start()
            defer { engine.beginShutdown() }
            guard await engine.isReady else { return (false, nil) }
            let body = #"{"inputs": [{"name": "x", "datatype": "FP32", "shape": [1, 3], "data": [-0.5, 3.25, 0.5]}]}"#
            let response = try await engine.infer(model: "m", version: nil, body: Array(body.utf8), headerLength: nil)
            let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
            return (true, (object["outputs"] as? [[String: Any]])?.first?["data"] as? [Double])
        }
        let served = try await serve("SwiftTestEP:ops=Mul")
        #expect(served.ready)
        #expect(served.z == [-1.5, -6.5, 3.5])
        let failing = try await serve("SwiftTestEP:fail=create")
        #expect(!failing.ready)

        let badEP = try? Serve.parse(["--model", "m=\(Paths.model("ep_mixed"))", "--ep", "A:x"])
        #expect(badEP == nil)
    }
}
#endif
