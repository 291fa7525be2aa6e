#if Server && Client
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import KServeGRPCProtocol
import ONNXRuntimeServer
import ONNXRuntimeServing
import SwiftProtobuf
import Testing

/// The gRPC server (`inference.GRPCInferenceService`, `grpc.health.v1.Health`) on a live port, with grpc-swift's
/// client. Expected values come from Tests/Models/*.json (NumPy) or are written out by hand.
@Suite("gRPC server", .serialized)
struct GRPCServerTests {
    typealias Client = Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>

    static let addModels = [
        "add_f32", "add_float16", "add_float64", "add_int8", "add_int16", "add_int32", "add_int64", "add_uint8",
        "add_uint16", "add_uint32", "add_uint64",
    ]
    static let caseModels = addModels + ["identity_bool", "identity_string", "identity_bfloat16"]

    static func request(_ modelCase: ModelCase, typed: Bool) -> Inference_ModelInferRequest {
        .with { request in
            request.modelName = modelCase.model
            request.id = "case-\(modelCase.model)"
            for tensor in modelCase.inputs {
                var input = tensor.inputMessage
                if typed {
                    input.contents = tensor.typed!
                } else {
                    request.rawInputContents.append(tensor.raw)
                }
                request.inputs.append(input)
            }
        }
    }

    static func expectError(
        _ code: RPCError.Code, containing text: String, sourceLocation: SourceLocation = #_sourceLocation,
        _ body: () async throws -> Void
    ) async {
        do {
            try await body()
            Issue.record("expected \(code), got success", sourceLocation: sourceLocation)
        } catch let error as RPCError {
            #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
            #expect(error.message.contains(text), "\(error.message)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("expected RPCError \(code), got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("every datatype, raw and typed contents; responses are raw as Triton's")
    func everyDatatype() async throws {
        try await GRPCTestServer.withClient { client, _ in
            for model in Self.caseModels {
                let modelCase = try ModelCase.load(model)
                let kinds = modelCase.inputs.allSatisfy { $0.typed != nil } ? [false, true] : [false]
                for typed in kinds {
                    let response = try await client.modelInfer(Self.request(modelCase, typed: typed))
                    #expect(response.modelName == model)
                    #expect(response.modelVersion == "1")
                    #expect(response.id == "case-\(model)")
                    #expect(response.outputs.count == modelCase.outputs.count)
                    #expect(response.rawOutputContents.count == modelCase.outputs.count)
                    for (index, expected) in modelCase.outputs.enumerated() {
                        let output = response.outputs[index]
                        #expect(output.name == expected.name, "\(model)")
                        #expect(output.datatype == expected.datatype, "\(model)")
                        #expect(output.shape == expected.shape, "\(model)")
                        #expect(
                            Array(response.rawOutputContents[index]) == Array(expected.raw), "\(model) typed: \(typed)")
                    }
                }
            }
        }
    }

    @Test("health, readiness and metadata")
    func healthAndMetadata() async throws {
        try await GRPCTestServer.withClient(models: ["add_f32"]) { client, port in
            #expect(try await client.serverLive(.init()).live)
            #expect(try await client.serverReady(.init()).ready)
            #expect(try await client.modelReady(.with { $0.name = "add_f32" }).ready)
            #expect(
                try await client.modelReady(
                    .with {
                        $0.name = "add_f32"; $0.version = "1"
                    }
                ).ready)
            #expect(try await !client.modelReady(.with { $0.name = "missing" }).ready)
            #expect(
                try await !client.modelReady(
                    .with {
                        $0.name = "add_f32"; $0.version = "7"
                    }
                ).ready)

            let server = try await client.serverMetadata(.init())
            #expect(server.name == "onnxruntime-swift" || !server.name.isEmpty)
            #expect(server.extensions.contains("model_repository"))
            #expect(server.extensions.contains("statistics"))
            #expect(server.extensions.contains("parameters"))

            let metadata = try await client.modelMetadata(.with { $0.name = "add_f32" })
            #expect(metadata.name == "add_f32")
            #expect(metadata.versions == ["1"])
            #expect(metadata.platform == "onnxruntime_onnx")
            #expect(metadata.inputs.map(\.name) == ["A", "B"])
            #expect(metadata.inputs.map(\.datatype) == ["FP32", "FP32"])
            #expect(metadata.inputs[0].shape == [-1, 3])
            #expect(metadata.outputs.map(\.name) == ["C"])

            await Self.expectError(.notFound, containing: "missing") {
                _ = try await client.modelMetadata(.with { $0.name = "missing" })
            }
            await Self.expectError(.invalidArgument, containing: "version") {
                _ = try await client.modelMetadata(
                    .with {
                        $0.name = "add_f32"; $0.version = "x"
                    })
            }

            try await withGRPCClient(
                transport: .http2NIOPosix(
                    target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext)
            ) { raw in
                let health = Grpc_Health_V1_Health.Client(wrapping: raw)
                #expect(try await health.check(.init()).status == .serving)
                let named = try await health.check(.with { $0.service = "inference.GRPCInferenceService" })
                #expect(named.status == .serving)
                #expect(try await health.check(.with { $0.service = "other" }).status == .serviceUnknown)
            }
        }
    }

    @Test("MNIST: the digit from the sample, requested output, configuration and statistics")
    func mnistConfigAndStatistics() async throws {
        try await GRPCTestServer.withClient(models: ["mnist", "add_f32"]) { client, _ in
            // An all-zero image: the probabilities are a distribution over 10 digits.
            let pixels = [Float](repeating: 0, count: 784)
            var raw = Data()
            for pixel in pixels { withUnsafeBytes(of: pixel.bitPattern.littleEndian) { raw.append(contentsOf: $0) } }
            let response = try await client.modelInfer(
                .with {
                    $0.modelName = "mnist"
                    $0.inputs = [
                        .with {
                            $0.name = "input"; $0.datatype = "FP32"; $0.shape = [1, 1, 28, 28]
                        }
                    ]
                    $0.outputs = [.with { $0.name = "probabilities" }]
                    $0.rawInputContents = [raw]
                })
            #expect(response.outputs.map(\.name) == ["probabilities"])
            #expect(response.outputs[0].shape == [1, 10])
            let probabilities = response.rawOutputContents[0].withUnsafeBytes { bytes in
                (0..<10).map {
                    Float(
                        bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)))
                }
            }
            #expect(abs(probabilities.reduce(0, +) - 1) < 1e-4)

            let config = try await client.modelConfig(.with { $0.name = "add_f32" }).config
            #expect(config.name == "add_f32")
            #expect(config.platform == "onnxruntime_onnx")
            #expect(config.backend == "onnxruntime")
            #expect(config.input.map(\.name) == ["A", "B"])
            #expect(config.input[0].dataType == .typeFp32)
            #expect(config.output.map(\.name) == ["C"])
            await Self.expectError(.notFound, containing: "nothing") {
                _ = try await client.modelConfig(.with { $0.name = "nothing" })
            }

            let statistics = try await client.modelStatistics(.with { $0.name = "mnist" })
            #expect(statistics.modelStats.count == 1)
            #expect(statistics.modelStats[0].name == "mnist")
            #expect(statistics.modelStats[0].version == "1")
            #expect(statistics.modelStats[0].inferenceCount == 1)
            #expect(statistics.modelStats[0].executionCount == 1)
            #expect(statistics.modelStats[0].inferenceStats.success.count == 1)
            let all = try await client.modelStatistics(.init())
            #expect(Set(all.modelStats.map(\.name)) == ["mnist", "add_f32"])
        }
    }

    @Test("bad requests get the status Triton sends, with a message saying what is wrong")
    func errors() async throws {
        try await GRPCTestServer.withClient(models: ["add_f32", "add_int8", "add_float16"], maxRequestBytes: 16 * 1024)
        {
            client, _ in
            let good = Self.request(try ModelCase.load("add_f32"), typed: false)
            await Self.expectError(.notFound, containing: "nope") {
                var request = good
                request.modelName = "nope"
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "datatype FP64") {
                var request = good
                request.inputs[0].datatype = "FP64"
                request.rawInputContents[0] = Data(count: 48)
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "unknown datatype 'FLOAT'") {
                var request = good
                request.inputs[0].datatype = "FLOAT"
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "shape [2, 4]") {
                var request = good
                request.inputs[0].shape = [2, 4]
                request.rawInputContents[0] = Data(count: 32)
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(
                .invalidArgument, containing: "takes 24 bytes, but its raw_input_contents entry has 20"
            ) {
                var request = good
                request.rawInputContents[0] = Data(count: 20)
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "raw_input_contents entries") {
                var request = good
                request.rawInputContents.removeLast()
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "more than the") {
                var request = good
                request.inputs[0].shape = [Int64.max / 2, 3]
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "non-negative") {
                var request = good
                request.inputs[0].shape = [-2, 3]
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "more than the") {
                var request = Self.request(try ModelCase.load("add_f32"), typed: true)
                request.inputs[0].shape = [1 << 40, 3]
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "'fp32_contents' has 6") {
                var request = Self.request(try ModelCase.load("add_f32"), typed: true)
                request.inputs[0].shape = [1, 3]
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "'int_contents' is set") {
                var request = Self.request(try ModelCase.load("add_f32"), typed: true)
                request.inputs[0].contents = .with { $0.intContents = [1, 2, 3, 4, 5, 6] }
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "outside the range of INT8") {
                var request = Self.request(try ModelCase.load("add_int8"), typed: true)
                request.inputs[0].contents.intContents[0] = 300
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "no typed contents field") {
                var request = Self.request(try ModelCase.load("add_float16"), typed: false)
                request.rawInputContents = []
                request.inputs[0].contents = .with { $0.fp32Contents = [1, 2, 3, 4, 5, 6] }
                request.inputs[1].contents = .with { $0.fp32Contents = [1, 2, 3, 4, 5, 6] }
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "no contents") {
                var request = good
                request.rawInputContents = []
                _ = try await client.modelInfer(request)
            }
            await Self.expectError(.invalidArgument, containing: "no output named 'D'") {
                var request = good
                request.outputs = [.with { $0.name = "D" }]
                _ = try await client.modelInfer(request)
            }
            // Refused as soon as its length prefix arrives, before it is read, with Triton's status.
            await Self.expectError(.resourceExhausted, containing: "limit of 16384 bytes") {
                var request = good
                request.inputs[0].shape = [1_700, 3]
                request.rawInputContents[0] = Data(count: 20_400)
                _ = try await client.modelInfer(request)
            }
            // The server is fine afterwards.
            let response = try await client.modelInfer(good)
            let expected = try ModelCase.load("add_f32").outputs[0].raw
            #expect(response.rawOutputContents[0] == expected)
        }
    }

    @Test(
        "streaming: one response per request, in order; a failed request answers with its error and the stream goes on")
    func streaming() async throws {
        try await GRPCTestServer.withClient(models: ["add_int32", "identity_string"]) { client, _ in
            let int32 = try ModelCase.load("add_int32")
            let strings = try ModelCase.load("identity_string")
            var bad = Self.request(int32, typed: false)
            bad.id = "bad"
            bad.inputs[1].shape = [3, 3]
            let requests = [Self.request(int32, typed: true), bad, Self.request(strings, typed: true)]
            let responses = try await client.modelStreamInfer(
                requestProducer: { writer in
                    for request in requests { try await writer.write(request) }
                },
                onResponse: { response in
                    var collected: [Inference_ModelStreamInferResponse] = []
                    for try await message in response.messages { collected.append(message) }
                    return collected
                })
            #expect(responses.count == 3)
            #expect(responses[0].errorMessage == "")
            #expect(responses[0].inferResponse.rawOutputContents == [int32.outputs[0].raw])
            #expect(responses[1].errorMessage.contains("shape [3, 3]"))
            #expect(responses[1].inferResponse.id == "bad")
            #expect(responses[2].errorMessage == "")
            #expect(responses[2].inferResponse.rawOutputContents == [strings.outputs[0].raw])
        }
    }

    @Test("repository index, load and unload, guarded by the repository token")
    func repository() async throws {
        try await GRPCTestServer.withClient(
            models: ["add_f32", "add_int8"], startupModels: ["add_f32"], token: "s3cret"
        ) { client, _ in
            await Self.expectError(.unauthenticated, containing: "Bearer") {
                _ = try await client.repositoryIndex(.init())
            }
            await Self.expectError(.permissionDenied, containing: "not valid") {
                _ = try await client.repositoryIndex(.init(), metadata: ["authorization": "Bearer wrong"])
            }
            let auth: Metadata = ["authorization": "Bearer s3cret"]
            let index = try await client.repositoryIndex(.init(), metadata: auth)
            #expect(index.models.map(\.name).sorted() == ["add_f32", "add_int8"])
            #expect(index.models.first { $0.name == "add_f32" }?.state == "READY")
            let ready = try await client.repositoryIndex(.with { $0.ready = true }, metadata: auth)
            #expect(ready.models.map(\.name) == ["add_f32"])

            #expect(try await !client.modelReady(.with { $0.name = "add_int8" }).ready)
            _ = try await client.repositoryModelLoad(.with { $0.modelName = "add_int8" }, metadata: auth)
            #expect(try await client.modelReady(.with { $0.name = "add_int8" }).ready)
            _ = try await client.repositoryModelUnload(.with { $0.modelName = "add_int8" }, metadata: auth)
            #expect(try await !client.modelReady(.with { $0.name = "add_int8" }).ready)
            await Self.expectError(.notFound, containing: "ghost") {
                _ = try await client.repositoryModelLoad(.with { $0.modelName = "ghost" }, metadata: auth)
            }
            await Self.expectError(.invalidArgument, containing: "the load parameter 'config' is not a model") {
                _ = try await client.repositoryModelLoad(
                    .with {
                        $0.modelName = "add_int8"
                        $0.parameters = ["config": .with { $0.stringParam = "{" }]
                    }, metadata: auth)
            }
            await Self.expectError(.invalidArgument, containing: "must be a string") {
                _ = try await client.repositoryModelLoad(
                    .with {
                        $0.modelName = "add_int8"
                        $0.parameters = ["config": .with { $0.int64Param = 1 }]
                    }, metadata: auth)
            }
            // Triton's override: the configuration as JSON replaces config.pbtxt for this load.
            _ = try await client.repositoryModelLoad(
                .with {
                    $0.modelName = "add_int8"
                    $0.parameters = ["config": .with { $0.stringParam = #"{"version_policy": {"all": {}}}"# }]
                }, metadata: auth)
            let overridden = try await client.modelConfig(.with { $0.name = "add_int8" }).config
            #expect(overridden.versionPolicy.all == .init())
            #expect(overridden.versionPolicy.policyChoice != nil)
            // Inference is not guarded.
            _ = try await client.modelInfer(Self.request(try ModelCase.load("add_f32"), typed: false))
        }
    }

    @Test("a disabled repository API answers PERMISSION_DENIED and is not listed")
    func repositoryDisabled() async throws {
        try await GRPCTestServer.withClient(models: ["add_f32"], access: .disabled) { client, _ in
            await Self.expectError(.permissionDenied, containing: "disabled") {
                _ = try await client.repositoryIndex(.init())
            }
            let extensions = try await client.serverMetadata(.init()).extensions
            #expect(!extensions.contains("model_repository"))
        }
    }
}
#endif
