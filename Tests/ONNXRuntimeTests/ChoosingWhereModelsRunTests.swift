import Foundation
import ONNXRuntime
import Testing

/// Keeps the samples of the DocC article "Choosing where models run" true: each is compiled here, the ones that
/// can run in a shared test process run against the test plugin EP, and the article must contain each verbatim.
/// Part of the serialized ``PluginEPTests`` suite: the samples register libraries and count devices too.
extension PluginEPTests {
    // ARTICLE-BEGIN by-name
    func providersByName() throws -> Session {
        var options = SessionOptions()
        options.executionProviders = [
            .init("XNNPACK", options: ["intra_op_num_threads": "2"]),  // built in, if this build has it
            .cpu,  // always there, always last
        ]
        return try Session(path: "model.onnx", options: options)
    }
    // ARTICLE-END

    // ARTICLE-BEGIN plugin
    func pluginLibrary(path: String) throws -> Session {
        let environment = try Environment.shared
        try environment.registerExecutionProviderLibrary("test-ep", path: path)
        for device in try environment.executionProviderDevices() {
            print(device)  // SwiftTestEP (swift-onnxruntime) on cpu AMD (vendor 0x1022, device 0x0)
        }
        let chosen = try environment.executionProviderDevices().filter { $0.metadata["library_path"] == path }
        var options = SessionOptions()
        options.executionProviders = [.init(devices: chosen, options: ["ops": "Mul,Add"])]
        options.recordsExecutionProviderAssignments = true
        let session = try Session(path: "Tests/Models/ep_mul_add.onnx", options: options)
        for part in try session.executionProviderAssignments() {
            print(part)  // SwiftTestEP: mul (Mul), add (Add)
        }
        return session
    }
    // ARTICLE-END

    // ARTICLE-BEGIN policy
    func policyAndSelector() throws -> (Session, Session) {
        var byPolicy = SessionOptions()
        byPolicy.devicePolicy = .preferNPU  // ORT falls back to the CPU
        let first = try Session(path: "Tests/Models/ep_mul_add.onnx", options: byPolicy)

        var bySelector = SessionOptions()
        bySelector.deviceSelector = { selection in
            // selection.devices: every candidate; selection.modelMetadata: the model's metadata
            let gpus = selection.devices.filter { $0.hardware.kind == .gpu }
            return gpus.isEmpty ? selection.devices.filter { $0.executionProvider == "CPUExecutionProvider" } : gpus
        }
        let second = try Session(path: "Tests/Models/ep_mul_add.onnx", options: bySelector)
        return (first, second)
    }
    // ARTICLE-END

    // ARTICLE-BEGIN pools
    func globalPools() throws -> Session {
        try Environment.configure(threadPools: GlobalThreadPools(intraOpThreads: 4))  // before the first session
        var options = SessionOptions()
        options.usesGlobalThreadPools = true
        return try Session(path: "model.onnx", options: options)
    }
    // ARTICLE-END

    @Test("the article's plugin and policy samples run against the test EP")
    func samplesRun() throws {
        let environment = try TestPluginEP.registeredEnvironment()
        let previous = FileManager.default.currentDirectoryPath
        #expect(FileManager.default.changeCurrentDirectoryPath(Fixtures.root.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        // The sample registers its own copy under "test-ep"; a private copy keeps its devices apart.
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        do {
            let session = try pluginLibrary(path: try TestPluginEP.privateCopy(in: directory))
            #expect(try session.executionProviderAssignments().map(\.executionProvider) == ["SwiftTestEP"])
        }
        try environment.unregisterExecutionProviderLibrary("test-ep")
        let (first, second) = try policyAndSelector()
        let x = try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])
        let y = try Tensor<Float>([1, 0, -1], shape: [3])
        // z = x * y + x, by hand: [[2, 2, 0], [8, 5, 0]]
        for session in [first, second] {
            #expect(try session.run(["x": x, "y": y]).tensor("z", of: Float.self).scalars == [2, 2, 0, 8, 5, 0])
        }
    }

    @Test("the article holds every sample verbatim")
    func articleShowsTheSamples() throws {
        let source = try String(contentsOf: URL(fileURLWithPath: #filePath), encoding: .utf8)
        let article = try String(
            contentsOf: Fixtures.root.appendingPathComponent("Sources/ONNXRuntime/Docs.docc/ChoosingWhereModelsRun.md"),
            encoding: .utf8)
        var count = 0
        var rest = source[...]
        let beginMarker = "    // ARTICLE-" + "BEGIN "  // split, so that this line is not a marker itself
        let endMarker = "    // ARTICLE-" + "END"
        while let begin = rest.range(of: beginMarker) {
            let bodyStart = try #require(rest[begin.upperBound...].firstIndex(of: "\n"))
            let end = try #require(rest.range(of: endMarker, range: bodyStart..<rest.endIndex))
            let lines = rest[rest.index(after: bodyStart)..<end.lowerBound].split(
                separator: "\n", omittingEmptySubsequences: false)
            // The body of each function, dedented to the article's indentation.
            let body = lines.dropFirst().dropLast(2).map { $0.count >= 8 ? String($0.dropFirst(8)) : String($0) }
            let sample = body.joined(separator: "\n")
            #expect(article.contains(sample), "the article lacks:\n\(sample)")
            count += 1
            rest = rest[end.upperBound...]
        }
        #expect(count == 4)
    }
}
