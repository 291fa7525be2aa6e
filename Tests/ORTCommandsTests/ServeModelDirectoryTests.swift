#if Server
import ArgumentParser
import Foundation
import Logging
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

@testable import ORTCommands

/// A temporary folder that plays KServe's `/mnt/models`.
private struct MountedModels {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ort-mnt-models-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// Copies a test model to `relative` (folders are created).
    @discardableResult
    func put(_ model: String, at relative: String) throws -> String {
        let destination = (path as NSString).appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: Paths.model(model), toPath: destination)
        return destination
    }

    func write(_ text: String, at relative: String) throws {
        let destination = (path as NSString).appendingPathComponent(relative)
        try FileManager.default.createDirectory(
            atPath: (destination as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: destination, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// The message of the error `ort serve` reports for these arguments (validation included), or `nil` if it accepts
/// them.
private func serveError(_ arguments: [String]) -> String? {
    do {
        _ = try Serve.parse(arguments)
        return nil
    } catch {
        return Serve.message(for: error)
    }
}

/// Starts the serving core on the configuration `ort serve` derives from `arguments` and adds [1, 2, 3] and
/// [1, 1, 1] with the model served as `model` (an `add_f32` copy): the sum is [2, 3, 4].
private func sumThroughServedModel(_ arguments: [String], model: String) async throws -> [Double] {
    let command = try Serve.parse(arguments)
    let engine = InferenceEngine(
        configuration: try command.serverConfiguration(environment: [:]).serving, logger: Logger(label: "test"))
    await engine.start()
    defer { engine.beginShutdown() }
    #expect(await engine.isReady)
    let body = """
        {"inputs": [{"name": "A", "datatype": "FP32", "shape": [1, 3], "data": [1, 2, 3]},
                    {"name": "B", "datatype": "FP32", "shape": [1, 3], "data": [1, 1, 1]}]}
        """
    let response = try await engine.infer(model: model, version: nil, body: Array(body.utf8), headerLength: nil)
    let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
    let output = try #require((object["outputs"] as? [[String: Any]])?.first)
    #expect(output["name"] as? String == "C")
    return try #require(output["data"] as? [Double])
}

@Suite("ort serve --model-dir: KServe's /mnt/models layouts")
struct ServeModelDirectoryTests {
    @Test("a .onnx file given directly")
    func onnxFile() async throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        let file = try mount.put("add_f32", at: "add.onnx")
        #expect(try ModelDirectoryLayout.detect(at: file) == .file(file))
        let arguments = ["--model-dir", file, "--model-name", "adder"]
        #expect(try Serve.parse(arguments).serverConfiguration(environment: [:]).serving.models == ["adder": file])
        #expect(try await sumThroughServedModel(arguments, model: "adder") == [2, 3, 4])
    }

    @Test("a directory holding model.onnx (other .onnx files beside it do not matter)")
    func modelOnnx() async throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        let file = try mount.put("add_f32", at: "model.onnx")
        try mount.put("identity_float32", at: "other.onnx")
        #expect(try ModelDirectoryLayout.detect(at: mount.path) == .file(file))
        #expect(
            try await sumThroughServedModel(["--model-dir", mount.path, "--model-name", "m"], model: "m") == [2, 3, 4])
    }

    @Test("a directory holding a single .onnx file of any name, hidden entries ignored")
    func singleOnnx() async throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        let file = try mount.put("add_f32", at: "mnist-mlp.onnx")
        try mount.write("x", at: ".hidden.onnx")
        try mount.write("kserve metadata", at: "README.txt")
        #expect(try ModelDirectoryLayout.detect(at: mount.path) == .file(file))
        let configuration = try Serve.parse(["--model-dir", mount.path, "--model-name", "m"])
            .serverConfiguration(environment: [:])
        #expect(configuration.serving.models == ["m": file])
        #expect(configuration.serving.repositories.isEmpty)
    }

    @Test("a Triton model directory (version folders, config.pbtxt) served under --model-name")
    func versionFolders() async throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        try mount.put("identity_float32", at: "1/model.onnx")
        try mount.put("add_f32", at: "2/model.onnx")
        try mount.write("name: \"sum\"\nversion_policy { latest { num_versions: 1 } }\n", at: "config.pbtxt")
        #expect(try ModelDirectoryLayout.detect(at: mount.path) == .modelDirectory(mount.path))
        let arguments = ["--model-dir", mount.path, "--model-name", "sum"]
        let serving = try Serve.parse(arguments).serverConfiguration(environment: [:]).serving
        #expect(serving.modelDirectories == ["sum": mount.path])
        #expect(serving.models.isEmpty)
        // Version 2 (the latest) is the adder.
        #expect(try await sumThroughServedModel(arguments, model: "sum") == [2, 3, 4])
    }

    @Test("a model directory whose config.pbtxt names another model is refused with both names")
    func versionFoldersNameMismatch() async throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        try mount.put("add_f32", at: "1/model.onnx")
        try mount.write("name: \"other\"\n", at: "config.pbtxt")
        let command = try Serve.parse(["--model-dir", mount.path, "--model-name", "sum"])
        let engine = InferenceEngine(
            configuration: try command.serverConfiguration(environment: [:]).serving, logger: Logger(label: "test"))
        await engine.start()
        defer { engine.beginShutdown() }
        #expect(await !engine.isReady)
        let entry = try #require(
            await engine.repositoryIndex(readyOnly: false).first { $0.name == "sum" && !$0.reason.isEmpty })
        let reason = entry.reason
        #expect(reason.contains("'other'") && reason.contains("'sum'"), "\(reason)")
    }

    @Test("a Triton model repository: every model keeps its folder's name; --model-name may be left out")
    func repository() async throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        try mount.put("add_f32", at: "adder/1/model.onnx")
        try mount.put("identity_float32", at: "echo/3/model.onnx")
        try FileManager.default.createDirectory(
            atPath: mount.path + "/lost+found", withIntermediateDirectories: true)
        #expect(try ModelDirectoryLayout.detect(at: mount.path) == .repository(mount.path))
        for arguments in [["--model-dir", mount.path], ["--model-dir", mount.path, "--model-name", "isvc"]] {
            let serving = try Serve.parse(arguments).serverConfiguration(environment: [:]).serving
            #expect(serving.repositories == [mount.path])
            #expect(serving.models.isEmpty && serving.modelDirectories.isEmpty)
        }
        #expect(try await sumThroughServedModel(["--model-dir", mount.path], model: "adder") == [2, 3, 4])
    }

    @Test("--model-dir works beside --model and --model-repository")
    func combined() throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        let file = try mount.put("add_f32", at: "model.onnx")
        let serving = try Serve.parse([
            "--model-dir", mount.path, "--model-name", "a", "--model", "b=\(Paths.model("add_f32"))",
            "--model-repository", "/nonexistent-repository",
        ]).serverConfiguration(environment: [:]).serving
        #expect(serving.models == ["a": file, "b": Paths.model("add_f32")])
        #expect(serving.repositories == ["/nonexistent-repository"])
    }

    // MARK: - Errors

    @Test("a missing directory")
    func missing() throws {
        let message = try #require(serveError(["--model-dir", "/nonexistent/mnt/models", "--model-name", "m"]))
        #expect(message.contains("--model-dir: /nonexistent/mnt/models does not exist"), "\(message)")
    }

    @Test("an empty directory, and one with only hidden entries and unrelated files")
    func empty() throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        var message = try #require(serveError(["--model-dir", mount.path, "--model-name", "m"]))
        #expect(message.contains("holds no model (it is empty)"), "\(message)")
        try mount.write("x", at: ".storage-initializer")
        try mount.write("x", at: "notes.txt")
        try FileManager.default.createDirectory(atPath: mount.path + "/data", withIntermediateDirectories: true)
        message = try #require(serveError(["--model-dir", mount.path, "--model-name", "m"]))
        #expect(message.contains("holds no model (it holds data, notes.txt)"), "\(message)")
    }

    @Test("several .onnx files and no model.onnx: ambiguous, every candidate listed")
    func ambiguous() throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        try mount.put("add_f32", at: "a.onnx")
        try mount.put("add_f32", at: "b.onnx")
        let message = try #require(serveError(["--model-dir", mount.path, "--model-name", "m"]))
        #expect(message.contains("holds 2 .onnx files (a.onnx, b.onnx) and nothing says which one to serve"))
    }

    @Test(".onnx files beside model folders: ambiguous")
    func filesAndFolders() throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        try mount.put("add_f32", at: "a.onnx")
        try mount.put("add_f32", at: "adder/1/model.onnx")
        let message = try #require(serveError(["--model-dir", mount.path]))
        #expect(message.contains("holds both .onnx files (a.onnx) and model folders (adder)"), "\(message)")
    }

    @Test("a file that is not .onnx")
    func notOnnx() throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        try mount.write("{}", at: "model.json")
        let message = try #require(serveError(["--model-dir", mount.path + "/model.json", "--model-name", "m"]))
        #expect(message.contains("is a file but not a .onnx model"), "\(message)")
    }

    @Test("a single model without --model-name, --model-name without --model-dir, a bad or duplicated name")
    func names() throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        try mount.put("add_f32", at: "model.onnx")
        var message = try #require(serveError(["--model-dir", mount.path]))
        #expect(message.contains("holds a single model: give the name to serve it under with --model-name"))
        message = try #require(serveError(["--model-name", "m", "--model", "x=\(Paths.model("add_f32"))"]))
        #expect(message.contains("--model-name needs --model-dir"), "\(message)")
        message = try #require(serveError(["--model-dir", mount.path, "--model-name", "../etc"]))
        #expect(message.contains("'../etc' is not a valid model name"), "\(message)")
        message = try #require(
            serveError(["--model-dir", mount.path, "--model-name", "m", "--model", "m=\(Paths.model("add_f32"))"]))
        #expect(message.contains("--model-name 'm' is also given with --model"), "\(message)")
    }

    @Test("a directory with more entries than a model directory may hold")
    func tooManyEntries() throws {
        let mount = try MountedModels()
        defer { mount.remove() }
        for index in 0...ModelDirectoryLayout.maxEntries {
            _ = FileManager.default.createFile(atPath: "\(mount.path)/f\(index)", contents: nil)
        }
        let message = try #require(serveError(["--model-dir", mount.path, "--model-name", "m"]))
        #expect(message.contains("has 10001 entries, more than the 10000"), "\(message)")
    }
}
#endif
