#if Server && Client
import Foundation
import ONNXRuntimeClient
import Testing

/// One datatype's elements for the `identity_<dtype>` models (x -> y, shape [2, 3]).
struct ClientDatatypeCase: Sendable, CustomTestStringConvertible {
    let model: String
    let data: TensorData
    /// Whether the case can travel as JSON (Triton's clients send BF16 as binary only).
    var json = true

    var testDescription: String { data.dataType.rawValue }

    static let all: [ClientDatatypeCase] = [
        ClientDatatypeCase(model: "identity_bool", data: .bool([true, false, true, true, false, false])),
        ClientDatatypeCase(model: "identity_uint8", data: .uint8([0, 1, 2, 127, 128, 255])),
        ClientDatatypeCase(model: "identity_uint16", data: .uint16([0, 1, 255, 256, 32768, 65535])),
        ClientDatatypeCase(model: "identity_uint32", data: .uint32([0, 1, 65536, 1 << 31, 4_000_000_000, .max])),
        ClientDatatypeCase(model: "identity_uint64", data: .uint64([0, 1, 1 << 32, 1 << 63, (1 << 63) + 1, .max])),
        ClientDatatypeCase(model: "identity_int8", data: .int8([-128, -1, 0, 1, 100, 127])),
        ClientDatatypeCase(model: "identity_int16", data: .int16([-32768, -1, 0, 1, 1000, 32767])),
        ClientDatatypeCase(model: "identity_int32", data: .int32([.min, -1, 0, 1, 123_456, .max])),
        ClientDatatypeCase(model: "identity_int64", data: .int64([.min, -1, 0, 1, (1 << 53) + 1, .max])),
        ClientDatatypeCase(model: "identity_float16", data: .fp16(floats: [0, 1.5, -2.25, 65504, 0x1p-14, -0.5])),
        ClientDatatypeCase(
            model: "identity_float32", data: .fp32([0.1, -1.5, .greatestFiniteMagnitude, 1e-7, -0.0, 123.456])),
        ClientDatatypeCase(
            model: "identity_float64",
            data: .fp64([0.1, -1e300, .leastNonzeroMagnitude, .greatestFiniteMagnitude, 2.5, -0.0])),
        ClientDatatypeCase(
            model: "identity_string",
            data: .strings(["", "hello", "ünïcödé ✓", "quote\"back\\slash", "line\nbreak", "tab\t/"])),
        ClientDatatypeCase(
            model: "identity_bfloat16", data: .bf16([0x3F80, 0xC000, 0x0000, 0x7F7F, 0x3DCD, 0x8000]), json: false),
    ]

    static var jsonCases: [ClientDatatypeCase] { all.filter(\.json) }

    /// Values only the binary form can carry: NaN, infinities, subnormals; and BYTES elements with NUL bytes,
    /// characters outside the BMP, and bytes that are not UTF-8.
    static let specialBinary: [ClientDatatypeCase] = [
        ClientDatatypeCase(model: "identity_float16", data: .fp16([0x7E00, 0x7C00, 0xFC00, 0x0001, 0x8000, 0x7BFF])),
        ClientDatatypeCase(
            model: "identity_float32", data: .fp32([.nan, .infinity, -.infinity, .leastNonzeroMagnitude, -0.0, 1])),
        ClientDatatypeCase(
            model: "identity_float64", data: .fp64([.nan, .infinity, -.infinity, .leastNonzeroMagnitude, -0.0, 1])),
        ClientDatatypeCase(model: "identity_bfloat16", data: .bf16([0x7FC0, 0x7F80, 0xFF80, 0x0001, 0x8000, 0x3F80])),
        ClientDatatypeCase(
            model: "identity_string", data: .strings(["a\u{0}b", "\u{0}", "", "\u{10FFFF}😀", "\u{7F}\u{80}", "x\u{0}"])),
        ClientDatatypeCase(
            model: "identity_string", data: .bytes([[0xFF], [0xC3], [], [0x80, 0x00], [0x61], [0xFE, 0x00]])),
    ]
}

/// Checks shared by the client's end-to-end tests.
enum ClientChecks {
    /// Whether two tensors hold the same elements, floats compared bit for bit (so NaN, -0.0 and subnormals count).
    static func sameElements(_ a: TensorData?, _ b: TensorData) -> Bool {
        switch (a, b) {
        case (.fp32(let x)?, .fp32(let y)): return x.map(\.bitPattern) == y.map(\.bitPattern)
        case (.fp64(let x)?, .fp64(let y)): return x.map(\.bitPattern) == y.map(\.bitPattern)
        default: return a == b
        }
    }

    /// The error an async call throws, or `nil` (recorded as an issue) if it returns.
    static func clientError<T>(
        sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
    ) async -> ClientError? {
        do {
            _ = try await body()
            Issue.record("expected a ClientError", sourceLocation: sourceLocation)
        } catch let error as ClientError {
            return error
        } catch {
            Issue.record("expected a ClientError, got \(error)", sourceLocation: sourceLocation)
        }
        return nil
    }

    /// Expects ``ClientError/server(status:message:)`` with one of `statuses` and a non-empty message; returns the message.
    @discardableResult
    static func expectServerError<T>(
        _ statuses: Set<Int>, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T
    ) async -> String {
        guard let error = await Self.clientError(sourceLocation: sourceLocation, body) else { return "" }
        guard error.code == .server, let status = error.status else {
            Issue.record("expected a server error, got \(error)", sourceLocation: sourceLocation)
            return ""
        }
        let message = error.message
        #expect(statuses.contains(status), "\(status): \(message)", sourceLocation: sourceLocation)
        #expect(!message.isEmpty, sourceLocation: sourceLocation)
        return message
    }
}

/// `InferenceClient` against the real `InferenceServer` over HTTP on 127.0.0.1: health, metadata, configuration,
/// every datatype in both forms, statistics and the protocol errors. Load and unload, the repository token and the
/// request size limit get servers of their own (``ClientRepositoryTests``).
@Suite("Client end to end")
struct ClientEndToEndTests {
    /// Runs `body` with a client of the shared server.
    func withSharedClient<T>(_ body: (InferenceClient) async throws -> T) async throws -> T {
        let baseURL = try await ClientTestServer.shared()
        return try await InferenceClient.withClient(baseURL: baseURL, body)
    }

    // MARK: - Health and metadata

    @Test func health() async throws {
        try await withSharedClient { client async throws in
            #expect(try await client.isServerLive())
            #expect(try await client.isServerReady())
            #expect(try await client.isModelReady("identity_float32"))
            #expect(try await client.isModelReady("identity_float32", version: "1"))
            #expect(try await !client.isModelReady("no_such_model"))
            #expect(try await !client.isModelReady("identity_float32", version: "9"))
        }
    }

    @Test func serverMetadata() async throws {
        let metadata = try await withSharedClient { try await $0.serverMetadata() }
        #expect(!metadata.name.isEmpty)
        #expect(!metadata.version.isEmpty)
        for name in ["binary_tensor_data", "model_repository", "statistics", "model_configuration"] {
            #expect(metadata.extensions.contains(name), "\(metadata.extensions)")
        }
    }

    @Test("model metadata of every identity model", arguments: ClientDatatypeCase.all)
    func modelMetadata(_ testCase: ClientDatatypeCase) async throws {
        let metadata = try await withSharedClient { try await $0.modelMetadata(testCase.model) }
        #expect(metadata.name == testCase.model)
        #expect(metadata.versions?.contains("1") ?? true)
        #expect(!metadata.platform.isEmpty)
        let type = testCase.data.dataType.rawValue
        #expect(metadata.inputs == [TensorMetadata(name: "x", datatype: type, shape: [2, 3])])
        #expect(metadata.outputs == [TensorMetadata(name: "y", datatype: type, shape: [2, 3])])
        #expect(metadata.inputs.first?.dataType == testCase.data.dataType)
    }

    @Test func modelMetadataWithVersionAndDynamicDimensions() async throws {
        let metadata = try await withSharedClient { try await $0.modelMetadata("add_f32", version: "1") }
        #expect(metadata.inputs.map(\.name) == ["A", "B"])
        #expect(metadata.inputs.map(\.shape) == [[-1, 3], [-1, 3]])
        #expect(metadata.outputs == [TensorMetadata(name: "C", datatype: "FP32", shape: [-1, 3])])
    }

    @Test func modelConfig() async throws {
        let config = try await withSharedClient { try await $0.modelConfig("identity_float32") }
        #expect(config.name == "identity_float32")
        #expect(config.inputs.map(\.name) == ["x"])
        #expect(config.inputs.first?.dataType == "TYPE_FP32")
        #expect(config.inputs.first?.dims == [2, 3])
        #expect(config.outputs.map(\.name) == ["y"])
        #expect(config.json.contains("identity_float32"))
        let versioned = try await withSharedClient { try await $0.modelConfig("string_ops", version: "1") }
        #expect(versioned.inputs.map(\.dataType) == ["TYPE_STRING", "TYPE_STRING"])
    }

    // MARK: - Every datatype

    @Test("binary in, binary out", arguments: ClientDatatypeCase.all)
    func binaryRoundTrip(_ testCase: ClientDatatypeCase) async throws {
        let x = InferInput(name: "x", shape: [2, 3], data: testCase.data)
        let response = try await withSharedClient { try await $0.infer(model: testCase.model, inputs: [x]) }
        #expect(response.modelName == testCase.model)
        let y = try #require(response.outputs["y"])
        #expect(y.shape == [2, 3])
        #expect(y.datatype == testCase.data.dataType)
        #expect(y.parameters["binary_data_size"] != nil)
        #expect(ClientChecks.sameElements(y.data, testCase.data), "\(y.data)")
    }

    @Test("JSON in, JSON out", arguments: ClientDatatypeCase.jsonCases)
    func jsonRoundTrip(_ testCase: ClientDatatypeCase) async throws {
        let x = InferInput(name: "x", shape: [2, 3], data: testCase.data)
        let response = try await withSharedClient {
            try await $0.infer(model: testCase.model, inputs: [x], outputs: [RequestedOutput("y")], binary: false)
        }
        let y = try #require(response.outputs["y"])
        #expect(y.parameters["binary_data_size"] == nil)
        #expect(y.shape == [2, 3])
        #expect(ClientChecks.sameElements(y.data, testCase.data), "\(y.data)")
    }

    @Test("binary in, JSON out; JSON in, binary out", arguments: ClientDatatypeCase.jsonCases)
    func mixedForms(_ testCase: ClientDatatypeCase) async throws {
        let x = InferInput(name: "x", shape: [2, 3], data: testCase.data)
        try await withSharedClient { client async throws in
            let jsonOut = try await client.infer(
                model: testCase.model, inputs: [x], outputs: [RequestedOutput("y", binary: false)], binary: true)
            #expect(jsonOut.outputs["y"]?.parameters["binary_data_size"] == nil)
            #expect(ClientChecks.sameElements(jsonOut.outputs["y"]?.data, testCase.data))
            let binaryOut = try await client.infer(
                model: testCase.model, inputs: [x], outputs: [RequestedOutput("y", binary: true)], binary: false)
            #expect(binaryOut.outputs["y"]?.parameters["binary_data_size"] != nil)
            #expect(ClientChecks.sameElements(binaryOut.outputs["y"]?.data, testCase.data))
        }
    }

    @Test("values only binary data carries", arguments: ClientDatatypeCase.specialBinary)
    func specialBinaryValues(_ testCase: ClientDatatypeCase) async throws {
        let x = InferInput(name: "x", shape: [2, 3], data: testCase.data)
        let response = try await withSharedClient { try await $0.infer(model: testCase.model, inputs: [x]) }
        #expect(
            ClientChecks.sameElements(response.outputs["y"]?.data, testCase.data),
            "\(String(describing: response.outputs["y"]))")
    }

    @Test func bytesThatAreNotUTF8() async throws {
        // BYTES are bytes: sent and received as binary data, every byte comes back. Asked for as JSON, which cannot
        // carry them, the output is a 400 that says to ask for binary data.
        let elements: [[UInt8]] = [[0xFF], [0xC3], [], [0x80], [0x61], [0xFE, 0x00]]
        let x = InferInput(name: "x", shape: [2, 3], data: .bytes(elements))
        try await withSharedClient { client async throws in
            let response = try await client.infer(model: "identity_string", inputs: [x])
            #expect(response.outputs["y"]?.bytes == elements)
            #expect(response.outputs["y"]?.strings == nil)
            let message = await ClientChecks.expectServerError([400]) {
                try await client.infer(
                    model: "identity_string", inputs: [x], outputs: [RequestedOutput("y", binary: false)])
            }
            #expect(message.contains("not valid UTF-8"), "\(message)")
            #expect(message.contains("binary_data"), "\(message)")
        }
    }

    // MARK: - Other models

    @Test func addWithDynamicBatchAndRequestID() async throws {
        let a = InferInput(name: "A", shape: [4, 3], data: .fp32((0..<12).map(Float.init)))
        let b = InferInput(name: "B", shape: [4, 3], data: .fp32(Array(repeating: 0.5, count: 12)))
        let response = try await withSharedClient {
            try await $0.infer(model: "add_f32", version: "1", inputs: [a, b], id: "swift-1")
        }
        #expect(response.id == "swift-1")
        #expect(response.modelVersion == nil || response.modelVersion == "1")
        #expect(response.outputs["C"]?.shape == [4, 3])
        #expect(response.outputs["C"]?.floats == (0..<12).map { Float($0) + 0.5 })
    }

    @Test func stringOperationsInBothForms() async throws {
        let a = InferInput(name: "a", shape: [3], data: .strings(["ab", "é", ""]))
        let b = InferInput(name: "b", shape: [3], data: .strings(["cd", "é", ""]))
        for binary in [true, false] {
            let response = try await withSharedClient {
                try await $0.infer(model: "string_ops", inputs: [a, b], binary: binary)
            }
            #expect(response.outputs["joined"]?.strings == ["abcd", "éé", ""])
            #expect(response.outputs["same"]?.bools == [false, true, true])
        }
    }

    @Test func multipleOutputsAndSelection() async throws {
        let x = InferInput(name: "x", shape: [2, 3], data: .fp32([1, 5, 3, 4, 2, 6]))
        try await withSharedClient { client async throws in
            let all = try await client.infer(model: "multi_out", inputs: [x])
            #expect(Set(all.outputs.names) == ["plus1", "times2", "total", "argmax"])
            #expect(all.outputs["plus1"]?.floats == [2, 6, 4, 5, 3, 7])
            #expect(all.outputs["times2"]?.floats == [2, 10, 6, 8, 4, 12])
            #expect(all.outputs["total"]?.shape == [])
            #expect(all.outputs["total"]?.floats == [21])
            #expect(all.outputs["argmax"]?.int64s == [1, 2])
            let some = try await client.infer(
                model: "multi_out", inputs: [x],
                outputs: [RequestedOutput("argmax", binary: false), RequestedOutput("total")])
            #expect(some.outputs.names == ["argmax", "total"])
            #expect(some.outputs["argmax"]?.parameters["binary_data_size"] == nil)
            #expect(some.outputs["total"]?.parameters["binary_data_size"] != nil)
        }
    }

    @Test func scalarInput() async throws {
        let x = InferInput(name: "x", shape: [], data: .fp32([2]))
        for binary in [true, false] {
            let response = try await withSharedClient {
                try await $0.infer(model: "scalar_mul", inputs: [x], binary: binary)
            }
            #expect(response.outputs["y"]?.shape == [])
            #expect(response.outputs["y"]?.floats == [5])
        }
    }

    @Test func mnistDigits() async throws {
        let sample = ClientTestServer.root.appendingPathComponent("Examples/MNIST/sample")
        let images = try [UInt8](Data(contentsOf: sample.appendingPathComponent("t10k-images.idx3-ubyte")))
        let expected =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: sample.appendingPathComponent("expected.json"))) as? [String: Any]
        let predictions = try #require(expected?["predictions"] as? [Int])
        let count = 16
        let pixels = images[16..<(16 + count * 784)].map { Float($0) / 255 }
        let input = InferInput(name: "input", shape: [count, 1, 28, 28], data: .fp32(pixels))
        let response = try await withSharedClient { client async throws in
            try await client.infer(model: "mnist", inputs: [input], outputs: [RequestedOutput("probabilities")])
        }
        let probabilities = try #require(response.outputs["probabilities"]?.floats)
        #expect(response.outputs["probabilities"]?.shape == [count, 10])
        let digits = (0..<count).map { row in
            (0..<10).max { probabilities[row * 10 + $0] < probabilities[row * 10 + $1] }!
        }
        #expect(digits == Array(predictions.prefix(count)))

        // The same first image as its top 2 classes (the shared MNIST does not batch: one row of 10).
        let first = InferInput(name: "input", shape: [1, 1, 28, 28], data: .fp32(Array(pixels.prefix(784))))
        for binary in [true, false] {
            let top = try await withSharedClient { client async throws in
                try await client.infer(
                    model: "mnist", inputs: [first], outputs: [.classification("probabilities", count: 2)],
                    binary: binary)
            }
            let row = Array(probabilities.prefix(10))
            let ranked = row.indices.sorted { row[$0] > row[$1] }.prefix(2)
            #expect(top.outputs["probabilities"]?.strings == ranked.map { "\(row[$0]):\($0)" })
            #expect(ranked.first == predictions[0])
        }
    }

    @Test func concurrentRequestsShareOneClient() async throws {
        try await withSharedClient { client async throws in
            try await withThrowingTaskGroup(of: [Int64]?.self) { group in
                for index in 0..<24 {
                    group.addTask {
                        let x = InferInput(
                            name: "x", shape: [2, 3], data: .int64((0..<6).map { Int64(index * 10 + $0) }))
                        return try await client.infer(model: "identity_int64", inputs: [x], binary: index % 2 == 0)
                            .outputs["y"]?.int64s
                    }
                }
                var results: [[Int64]?] = []
                for try await result in group { results.append(result) }
                let firsts: Set<Int64> = Set(results.compactMap { $0?.first })
                let expected: Set<Int64> = Set((0..<24).map { Int64($0) * 10 })
                #expect(firsts == expected)
            }
        }
    }

    // MARK: - Statistics

    @Test func statistics() async throws {
        try await withSharedClient { client async throws in
            let model = "identity_uint16"
            let before = try await client.statistics(model: model).first?.success.count ?? 0
            let x = InferInput(name: "x", shape: [2, 3], data: .uint16([1, 2, 3, 4, 5, 6]))
            for _ in 0..<3 { _ = try await client.infer(model: model, inputs: [x]) }
            let statistics = try await client.statistics(model: model)
            #expect(statistics.count == 1)
            let entry = try #require(statistics.first)
            #expect(entry.name == model)
            #expect(entry.version == "1")
            #expect(entry.success.count >= before + 3)
            #expect(entry.success.ns > 0)
            #expect(entry.inferenceCount >= 3)
            #expect(entry.executionCount >= 3)
            #expect(entry.lastInference > 1_600_000_000_000)  // milliseconds since 1970, after 2020
            let versioned = try await client.statistics(model: model, version: "1")
            #expect(versioned.map(\.name) == [model])
            let all = try await client.statistics()
            #expect(Set(ClientTestServer.identityModels).isSubset(of: Set(all.map(\.name))))
        }
    }

    // MARK: - Protocol errors

    @Test func unknownModel() async throws {
        try await withSharedClient { client async throws in
            let x = InferInput(name: "x", shape: [1], data: .fp32([1]))
            await ClientChecks.expectServerError([404]) { try await client.infer(model: "no_such_model", inputs: [x]) }
            await ClientChecks.expectServerError([404]) { try await client.modelMetadata("no_such_model") }
            await ClientChecks.expectServerError([404]) { try await client.modelConfig("no_such_model") }
            await ClientChecks.expectServerError([404]) { try await client.statistics(model: "no_such_model") }
            await ClientChecks.expectServerError([404]) {
                try await client.modelMetadata("identity_float32", version: "9")
            }
        }
    }

    @Test func wrongDatatype() async throws {
        try await withSharedClient { client async throws in
            let x = InferInput(name: "x", shape: [2, 3], data: .int64([1, 2, 3, 4, 5, 6]))
            for binary in [true, false] {
                await ClientChecks.expectServerError([400]) {
                    try await client.infer(model: "identity_float32", inputs: [x], binary: binary)
                }
            }
        }
    }

    @Test func wrongShape() async throws {
        try await withSharedClient { client async throws in
            for shape in [[3, 2], [6], [1, 2, 3]] {
                let x = InferInput(name: "x", shape: shape, data: .fp32([1, 2, 3, 4, 5, 6]))
                await ClientChecks.expectServerError([400]) {
                    try await client.infer(model: "identity_float32", inputs: [x])
                }
            }
        }
    }

    @Test func missingUnknownAndDuplicateInputs() async throws {
        try await withSharedClient { client async throws in
            let a = InferInput(name: "A", shape: [1, 3], data: .fp32([1, 2, 3]))
            let message = await ClientChecks.expectServerError([400]) {
                try await client.infer(model: "add_f32", inputs: [a])
            }
            #expect(message.contains("B"))
            let z = InferInput(name: "Z", shape: [1, 3], data: .fp32([1, 2, 3]))
            await ClientChecks.expectServerError([400]) { try await client.infer(model: "add_f32", inputs: [a, a]) }
            await ClientChecks.expectServerError([400]) {
                try await client.infer(model: "add_f32", inputs: [a, a.renamed("B"), z])
            }
        }
    }

    @Test func unknownOutput() async throws {
        try await withSharedClient { client async throws in
            let x = InferInput(name: "x", shape: [2, 3], data: .fp32([1, 2, 3, 4, 5, 6]))
            let message = await ClientChecks.expectServerError([400]) {
                try await client.infer(model: "identity_float32", inputs: [x], outputs: [RequestedOutput("nope")])
            }
            #expect(message.contains("nope"))
        }
    }

    @Test func malformedBodies() async throws {
        try await withSharedClient { client async throws in
            let path = "/v2/models/identity_float32/infer"
            for body in ["{", "not json", "", "[]", #"{"inputs":5}"#, #"{"inputs":[{"name":"x"}]}"#] {
                let response = try await client.rawRequest(method: "POST", path: path, body: Array(body.utf8))
                #expect(response.status == 400, "\(body): \(response.status) \(response.text)")
                #expect(!response.errorMessage.isEmpty)
                #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
            }
        }
    }

    @Test func binaryByteCountMismatch() async throws {
        try await withSharedClient { client async throws in
            let path = "/v2/models/identity_float32/infer"
            func send(declared: Int, actual: Int) async throws -> RawResponse {
                let json = Array(
                    #"{"inputs":[{"name":"x","shape":[2,3],"datatype":"FP32","parameters":{"binary_data_size":\#(declared)}}]}"#
                        .utf8)
                return try await client.rawRequest(
                    method: "POST", path: path,
                    headers: [("Inference-Header-Content-Length", String(json.count))],
                    body: json + Array(repeating: 0, count: actual))
            }
            #expect(try await send(declared: 24, actual: 24).status == 200)
            for (declared, actual) in [(20, 20), (24, 20), (24, 28), (28, 28)] {
                let response = try await send(declared: declared, actual: actual)
                #expect(response.status == 400, "\(declared)/\(actual): \(response.status) \(response.text)")
                #expect(!response.errorMessage.isEmpty)
            }
        }
    }

    @Test func traversalInModelNames() async throws {
        try await withSharedClient { client async throws in
            for name in ["..", "../identity_float32", "a/b", ".hidden", "x\\..\\y", "\u{0}"] {
                await ClientChecks.expectServerError([400, 404]) { try await client.modelMetadata(name) }
                #expect(try await !client.isModelReady(name))
            }
            let response = try await client.rawRequest(method: "GET", path: "/v2/models/../../etc/passwd")
            #expect([400, 404].contains(response.status))
        }
    }

    @Test func clientSideChecksSendNothing() async throws {
        try await withSharedClient { client async throws in
            let x = InferInput(name: "x", shape: [2, 3], data: .fp32([1, 2, 3]))
            let error = await ClientChecks.clientError {
                try await client.infer(model: "identity_float32", inputs: [x])
            }
            guard error?.code == .invalidRequest else {
                Issue.record("expected invalidRequest, got \(String(describing: error))")
                return
            }
        }
    }
}

extension InferTensor {
    /// The same tensor under another name.
    func renamed(_ name: String) -> InferTensor {
        var copy = self
        copy.name = name
        return copy
    }
}

/// Load and unload, the repository token, the request size limit, and transport errors: each with a server (or
/// none) of its own.
@Suite("Client and the model repository")
struct ClientRepositoryTests {
    @Test func loadUnloadIndexAndToken() async throws {
        let options = ClientTestServer.Options(
            models: ["identity_float32", "scalar_mul"], startupModels: ["identity_float32"], token: "s3cret")
        try await ClientTestServer.withServer(options) { baseURL in
            try await InferenceClient.withClient(baseURL: baseURL, token: "s3cret") { client async throws in
                let index = try await client.repositoryIndex()
                let states = Dictionary(index.map { ($0.name, $0.state) }, uniquingKeysWith: { a, _ in a })
                #expect(states["identity_float32"] == "READY")
                #expect(states["scalar_mul"] != nil && states["scalar_mul"] != "READY")
                #expect(try await client.repositoryIndex(readyOnly: true).map(\.name) == ["identity_float32"])
                #expect(try await !client.isModelReady("scalar_mul"))

                try await client.loadModel("scalar_mul")
                #expect(try await client.isModelReady("scalar_mul"))
                let x = InferInput(name: "x", shape: [], data: .fp32([4]))
                #expect(try await client.infer(model: "scalar_mul", inputs: [x]).outputs["y"]?.floats == [10])
                #expect(
                    Set(try await client.repositoryIndex(readyOnly: true).map(\.name)) == [
                        "identity_float32", "scalar_mul",
                    ])

                try await client.unloadModel("scalar_mul")
                #expect(try await !client.isModelReady("scalar_mul"))
                await ClientChecks.expectServerError([400, 404, 503]) {
                    try await client.infer(model: "scalar_mul", inputs: [x])
                }

                // Reloading a loaded model keeps it serving.
                try await client.loadModel("identity_float32")
                #expect(try await client.isModelReady("identity_float32"))
                await ClientChecks.expectServerError([400, 404]) { try await client.loadModel("no_such_model") }
                await ClientChecks.expectServerError([400, 404]) { try await client.loadModel("../identity_float32") }
            }
            try await InferenceClient.withClient(baseURL: baseURL) { client async throws in
                await ClientChecks.expectServerError([401]) { try await client.repositoryIndex() }
                await ClientChecks.expectServerError([401]) { try await client.loadModel("scalar_mul") }
                await ClientChecks.expectServerError([401]) { try await client.unloadModel("identity_float32") }
                // Inference needs no token.
                #expect(try await client.isModelReady("identity_float32"))
            }
            try await InferenceClient.withClient(baseURL: baseURL, token: "wrong") { client async throws in
                await ClientChecks.expectServerError([403]) { try await client.repositoryIndex() }
                await ClientChecks.expectServerError([403]) { try await client.unloadModel("identity_float32") }
            }
        }
    }

    @Test func loadParameters() async throws {
        let options = ClientTestServer.Options(models: ["identity_int32"], startupModels: [])
        try await ClientTestServer.withServer(options) { baseURL in
            try await InferenceClient.withClient(baseURL: baseURL) { client async throws in
                #expect(try await !client.isModelReady("identity_int32"))
                // Triton's `config` parameter: a configuration as JSON for this load; a broken one is a 400.
                let message = await ClientChecks.expectServerError([400]) {
                    try await client.loadModel("identity_int32", config: #"{"max_batch_size": "many"}"#)
                }
                #expect(message.contains("the load parameter 'config' is not a model configuration"), "\(message)")
                try await client.loadModel(
                    "identity_int32", config: #"{"version_policy": {"latest": {"num_versions": 1}}}"#)
                #expect(try await client.isModelReady("identity_int32"))
                try await client.loadModel("identity_int32")
                #expect(try await client.isModelReady("identity_int32"))
                try await client.unloadModel("identity_int32", unloadDependents: true)
                #expect(try await !client.isModelReady("identity_int32"))
            }
        }
    }

    @Test func oversizeBody() async throws {
        let options = ClientTestServer.Options(models: ["add_f32"], maxRequestBytes: 64 * 1024)
        try await ClientTestServer.withServer(options) { baseURL in
            try await InferenceClient.withClient(baseURL: baseURL) { client async throws in
                let rows = 6000  // 2 x 6000 x 3 floats = 144 KB
                let a = InferInput(name: "A", shape: [rows, 3], data: .fp32(Array(repeating: 1, count: rows * 3)))
                await ClientChecks.expectServerError([413]) {
                    try await client.infer(model: "add_f32", inputs: [a, a.renamed("B")])
                }
                let small = InferInput(name: "A", shape: [1, 3], data: .fp32([1, 2, 3]))
                let response = try await client.infer(model: "add_f32", inputs: [small, small.renamed("B")])
                #expect(response.outputs["C"]?.floats == [2, 4, 6])
            }
        }
    }

    @Test func transportErrors() async throws {
        // Port 1 on loopback: nothing listens there, the connection is refused.
        let error = await ClientChecks.clientError {
            try await InferenceClient.withClient(baseURL: "http://127.0.0.1:1/", timeout: .seconds(5)) {
                client async throws in
                try await client.isServerLive()
            }
        }
        guard error?.code == .transport else {
            Issue.record("expected a transport error, got \(String(describing: error))")
            return
        }
    }

    @Test func explicitLifecycle() async throws {
        let baseURL = try await ClientTestServer.shared()
        let client = InferenceClient(baseURL: baseURL + "/")
        #expect(client.baseURL == baseURL)
        #expect(try await client.isServerLive())
        try await client.shutdown()
        let error = await ClientChecks.clientError { try await client.isServerLive() }
        guard error?.code == .transport else {
            Issue.record("expected a transport error after shutdown, got \(String(describing: error))")
            return
        }
    }
}
#endif
