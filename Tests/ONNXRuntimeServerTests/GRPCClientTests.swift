#if Server && Client
import Foundation
import ONNXRuntimeClient
import Testing

/// `GRPCInferenceClient` end to end against the gRPC server. Expected values are written out by hand.
@Suite("gRPC client", .serialized)
struct GRPCClientTests {
    @Test("health, metadata, configuration, inference of several datatypes, statistics")
    func endToEnd() async throws {
        try await GRPCTestServer.withClient(
            models: ["add_f32", "add_int64", "identity_string", "identity_bfloat16", "identity_bool"]
        ) { _, port in
            try await GRPCInferenceClient.withClient(host: "127.0.0.1", port: port) { client in
                #expect(try await client.isServerLive())
                #expect(try await client.isServerReady())
                #expect(try await client.isModelReady("add_f32"))
                #expect(try await !client.isModelReady("missing"))
                #expect(try await client.serverMetadata().extensions.contains("statistics"))

                let metadata = try await client.modelMetadata("add_f32")
                #expect(metadata.versions == ["1"])
                #expect(metadata.inputs.map(\.name) == ["A", "B"])
                #expect(metadata.inputs[0].shape == [-1, 3])

                let config = try await client.modelConfig("add_f32")
                #expect(config.name == "add_f32")
                #expect(config.backend == "onnxruntime")
                #expect(config.inputs.map(\.dataType) == ["TYPE_FP32", "TYPE_FP32"])
                #expect(config.inputs[0].dims == [-1, 3])

                let a = InferInput(name: "A", shape: [2, 3], data: .fp32([1, 2, 3, 4, 5, 6]))
                let b = InferInput(name: "B", shape: [2, 3], data: .fp32([0.5, 0.25, -3, 10, 0, -6]))
                let sum = try await client.infer(model: "add_f32", inputs: [a, b], id: "sum")
                #expect(sum.id == "sum")
                #expect(sum.modelVersion == "1")
                #expect(sum.outputs["C"]?.shape == [2, 3])
                #expect(sum.outputs["C"]?.floats == [1.5, 2.25, 0, 14, 5, 0])

                let x = InferInput(
                    name: "x", shape: [2, 3], data: .int64([Int64.min, -1, 1 << 53 + 1, 0, 7, Int64.max - 1]))
                let y = InferInput(name: "y", shape: [2, 3], data: .int64([1, 1, 1, -5, 8, 1]))
                let int64 = try await client.infer(model: "add_int64", inputs: [x, y])
                #expect(int64.outputs["z"]?.int64s == [Int64.min + 1, 0, 1 << 53 + 2, -5, 15, Int64.max])

                let words = InferInput(name: "x", shape: [2, 3], data: .strings(["", "a", "héllo", "🚀", "x y", "z"]))
                let strings = try await client.infer(model: "identity_string", inputs: [words])
                #expect(strings.outputs["y"]?.strings == ["", "a", "héllo", "🚀", "x y", "z"])

                let halves = InferInput(
                    name: "x", shape: [2, 3], data: .bf16([0x3F80, 0xC000, 0, 0x7F80, 0x3DCD, 0x8000]))
                let bf16 = try await client.infer(model: "identity_bfloat16", inputs: [halves])
                #expect(bf16.outputs["y"]?.bf16Bits == [0x3F80, 0xC000, 0, 0x7F80, 0x3DCD, 0x8000])

                // Classification over gRPC: int64_param in, BYTES out; add_f32 does not batch, so one ranking.
                let top = try await client.infer(
                    model: "add_f32", inputs: [a, b], outputs: [.classification("C", count: 3)])
                #expect(top.outputs["C"]?.strings == ["14.0:3", "5.0:4", "2.25:1"])

                let flags = InferInput(name: "x", shape: [2, 3], data: .bool([true, false, true, true, false, false]))
                let bools = try await client.infer(model: "identity_bool", inputs: [flags])
                #expect(bools.outputs["y"]?.bools == [true, false, true, true, false, false])

                let statistics = try await client.statistics(model: "add_f32")
                #expect(statistics.count == 1)
                // The sum and the classification.
                #expect(statistics[0].inferenceCount == 2)
                #expect(statistics[0].success.count == 2)
            }
        }
    }

    @Test("server errors become ClientError.server with the HTTP status of the same meaning")
    func errors() async throws {
        try await GRPCTestServer.withClient(models: ["add_f32"], startupModels: ["add_f32"], token: "t0ken") {
            _, port in
            try await GRPCInferenceClient.withClient(host: "127.0.0.1", port: port) { client in
                do {
                    _ = try await client.modelMetadata("missing")
                    Issue.record("expected an error")
                } catch let error as ClientError {
                    #expect(error.status == 404)
                }
                do {
                    let a = InferInput(name: "A", shape: [2, 3], data: .fp64([1, 2, 3, 4, 5, 6]))
                    let b = InferInput(name: "B", shape: [2, 3], data: .fp32([1, 2, 3, 4, 5, 6]))
                    _ = try await client.infer(model: "add_f32", inputs: [a, b])
                    Issue.record("expected an error")
                } catch let error as ClientError {
                    #expect(error.status == 400)
                    #expect("\(error)".contains("FP64"))
                }
                do {
                    _ = try await client.infer(
                        model: "add_f32", inputs: [InferInput(name: "A", shape: [2, 2], data: .fp32([1]))])
                    Issue.record("expected an error")
                } catch let error as ClientError {
                    guard error.code == .invalidRequest else {
                        Issue.record("expected invalidRequest, got \(error)")
                        return
                    }
                }
                do {
                    _ = try await client.repositoryIndex()
                    Issue.record("expected an error")
                } catch let error as ClientError {
                    #expect(error.status == 401)
                }
            }
            try await GRPCInferenceClient.withClient(host: "127.0.0.1", port: port, token: "t0ken") { client in
                let index = try await client.repositoryIndex()
                #expect(index.map(\.name) == ["add_f32"])
                try await client.unloadModel("add_f32")
                #expect(try await !client.isModelReady("add_f32"))
                try await client.loadModel("add_f32")
                #expect(try await client.isModelReady("add_f32"))
            }
        }
    }
}
#endif
