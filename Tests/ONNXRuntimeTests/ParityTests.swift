import Foundation
import Testing

@testable import ONNXRuntime

/// The rest of the Python/Rust surface: external data, LoRA adapters, shared pre-packed weights, arena shrinkage and
/// the parsed profile. Expected values are worked out by hand from the generator's inputs.
@Suite struct ParityTests {
    /// `external_data`'s case: x [2, 4] and y = x @ W, from Tests/Models/external_data.json.
    func externalDataCase() throws -> (x: [Float], y: [Float]) {
        let json =
            try JSONSerialization.jsonObject(
                with: Data(
                    contentsOf: URL(
                        fileURLWithPath: Fixtures.model("external_data").replacingOccurrences(
                            of: ".onnx", with: ".json")))) as! [String: Any]
        let first = (json["cases"] as! [[String: Any]])[0]
        let x = ((first["inputs"] as! [String: Any])["x"] as! [String: Any])["data"] as! [Double]
        let y = ((first["outputs"] as! [String: Any])["y"] as! [String: Any])["data"] as! [Double]
        return (x.map { Float($0) }, y.map { Float($0) })
    }

    @Test func modelWithExternalDataLoadsFromItsFolder() throws {
        let (x, y) = try externalDataCase()
        let session = try Session(path: Fixtures.model("external_data"))
        #expect(try session.run(["x": try Tensor<Float>(x, shape: [2, 4])]).tensor("y", of: Float.self).scalars == y)
    }

    @Test func modelWithExternalDataLoadsFromMemory() throws {
        let (x, y) = try externalDataCase()
        let model = try Data(contentsOf: URL(fileURLWithPath: Fixtures.model("external_data")))
        let weights = try Data(
            contentsOf: Fixtures.root.appendingPathComponent("Tests/Models/external_data.weights"))
        // Without the side file, loading from bytes cannot find W.
        #expect(throws: ORTError.self) { _ = try Session(modelData: model) }
        var options = SessionOptions()
        options.externalDataFiles["external_data.weights"] = Array(weights)
        let session = try Session(modelData: model, options: options)
        #expect(try session.run(["x": try Tensor<Float>(x, shape: [2, 4])]).tensor("y", of: Float.self).scalars == y)
    }

    @Test func missingExternalDataFileIsAClearError() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let copy = directory.appendingPathComponent("external_data.onnx").path
        try FileManager.default.copyItem(atPath: Fixtures.model("external_data"), toPath: copy)
        #expect {
            _ = try Session(path: copy)
        } throws: { error in
            "\(error)".contains("cannot load model file") && "\(error)".contains("external_data.weights")
        }
    }

    @Test func loraAdapterReplacesTheParameterForItsRuns() throws {
        let session = try Session(path: Fixtures.model("lora_add"))
        let x = try Tensor<Float>([1, 2, 3])
        #expect(try session.run(["x": x]).tensor("y", of: Float.self).scalars == [1, 2, 3])
        let adapterPath = Fixtures.root.appendingPathComponent("Tests/Models/lora.onnx_adapter").path
        let fromFile = try LoraAdapter(path: adapterPath)
        let withAdapter = try RunOptions(activeAdapters: [fromFile])
        #expect(try session.run(["x": x], options: withAdapter).tensor("y", of: Float.self).scalars == [11, 22, 33])
        let fromBytes = try LoraAdapter(bytes: Data(contentsOf: URL(fileURLWithPath: adapterPath)))
        let options = try RunOptions(activeAdapters: [fromBytes])
        #expect(try session.run(["x": x], options: options).tensor("y", of: Float.self).scalars == [11, 22, 33])
        // Runs without the adapter are unaffected.
        #expect(try session.run(["x": x]).tensor("y", of: Float.self).scalars == [1, 2, 3])
    }

    @Test func badLoraAdaptersAreRefused() throws {
        #expect {
            _ = try LoraAdapter(path: "/nonexistent.onnx_adapter")
        } throws: { ($0 as! ORTError).code == .modelNotFound }
        #expect(throws: ORTError.self) { _ = try LoraAdapter(bytes: [UInt8]()) }
        #expect(throws: ORTError.self) { _ = try LoraAdapter(bytes: Array("not an adapter".utf8)) }
    }

    @Test func sessionsShareAPrepackedWeightsContainer() throws {
        let shared = try PrepackedWeights()
        let first = try Session(path: Fixtures.model("dynamic_matmul"), prepackedWeights: shared)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Fixtures.model("dynamic_matmul")))
        let second = try Session(modelData: bytes, prepackedWeights: shared)
        let x = try Tensor<Float>([1, 0, 0, 0, 0, 1, 0, 0], shape: [2, 4])
        let a = try first.run(["x": x]).tensor("y", of: Float.self).scalars
        let b = try second.run(["x": x]).tensor("y", of: Float.self).scalars
        let plain = try Session(path: Fixtures.model("dynamic_matmul")).run(["x": x]).tensor("y", of: Float.self)
        #expect(a == plain.scalars)
        #expect(b == plain.scalars)
    }

    @Test func arenaShrinkageAfterRuns() throws {
        let session = try Session(path: Fixtures.model("empty"))
        let options = try RunOptions.shrinkingMemoryArenas(tag: "shrink")
        #expect(try options.configEntry("memory.enable_memory_arena_shrinkage") == "cpu:0")
        for rows in [1, 1000, 3] {
            let x = try Tensor<Float>(repeating: 1, shape: [rows, 3])
            let y = try session.run(["x": x], options: options).tensor("y", of: Float.self)
            #expect(y.shape == [rows, 3])
            #expect(y.scalars.allSatisfy { $0 == 2 })
        }
    }

    @Test func profileIsParsed() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        var options = SessionOptions()
        options.profilingPrefix = directory.appendingPathComponent("run").path
        let session = try Session(path: Fixtures.model("multi_out"), options: options)
        for _ in 0..<3 { _ = try session.run(["x": try Tensor<Float>([1, 2, 3, 4, 5, 6], shape: [2, 3])]) }
        let report = try session.endProfilingReport()
        #expect(report.events.filter { $0.name == "model_run" }.count == 3)
        let kernels = report.events.filter { $0.category == "Node" }
        #expect(kernels.contains { $0.arguments["op_name"] == "ArgMax" })
        #expect(report.totalDuration(named: "model_run") > 0)
        #expect(throws: ORTError.self) { _ = try ProfilingReport(path: "/nonexistent.json") }
    }
}
