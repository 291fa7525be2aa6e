#if Server && Client
import Foundation
import GRPCCore
import HTTPTypes
import KServeGRPCProtocol
import ONNXRuntimeClient
import ONNXRuntimeServing
import SwiftProtobuf
import Testing

/// BYTES are byte strings end to end: REST binary data and gRPC (raw and typed contents) carry any bytes through
/// `identity_string` unchanged, and JSON, which carries text only, says so clearly. The expected bytes are the inputs
/// (an identity), and the sizes are counted by hand.
@Suite("BYTES as bytes")
struct BytesTests {
    /// Six elements for identity_string ([2, 3] strings): a lone NUL, a NUL inside, an empty element, bytes 0x80-0xFF
    /// that are not UTF-8, a truncated UTF-8 sequence, and a trailing NUL.
    static let elements: [[UInt8]] = [
        [0x00], [0x61, 0x00, 0x62], [], [0xFF, 0xFE, 0x80], [0xC3], [0x7F, 0x80, 0x00],
    ]
    /// The elements in the binary layout: 6 length prefixes and 1 + 3 + 0 + 3 + 1 + 3 = 11 bytes of data.
    static let layout = LittleEndian.byteStrings(elements)

    @Test("REST: binary data in and out keeps every byte")
    func restBinary() async throws {
        #expect(Self.layout.count == 35)
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("x", "BYTES", [2, 3], binary: Self.layout)
            request.output("y", binary: true)
            let response = try await client.infer("identity_string", request)
            #expect(response.status == .ok, "\(response.errorMessage)")
            #expect(response.output("y")?["datatype"] == .string("BYTES"))
            #expect(response.output("y")?["parameters"]?["binary_data_size"]?.int64Value == 35)
            #expect(response.binary["y"] == Self.layout)
        }
    }

    @Test("REST: JSON output is text; BYTES that are not UTF-8 asked for as JSON get a 400 naming binary data")
    func restJSONOutput() async throws {
        let server = try await ServerFixtures.shared()
        try await ServerFixtures.withClient(server) { (client) async throws in
            var request = InferenceTestRequest()
            request.add("x", "BYTES", [2, 3], binary: Self.layout)
            request.output("y", binary: false)
            let refused = try await client.infer("identity_string", request)
            #expect(refused.status == .badRequest)
            #expect(refused.errorMessage.contains("output 'y'"), "\(refused.errorMessage)")
            // Element 0 (a NUL) is UTF-8; element 3 (0xFF 0xFE 0x80) is the first that is not.
            #expect(refused.errorMessage.contains("element 3 is not valid UTF-8"), "\(refused.errorMessage)")
            #expect(refused.errorMessage.contains("binary_data"), "\(refused.errorMessage)")

            // UTF-8 with NULs travels as JSON both ways (NUL as \u0000), and as binary data it is those bytes.
            var text = InferenceTestRequest()
            text.add("x", "BYTES", [2, 3], json: .strings(["a\u{0}b", "", "é", "\u{0}", "x", "\u{0}\u{0}"]))
            text.output("y", binary: false)
            let json = try await client.infer("identity_string", text)
            #expect(json.status == .ok, "\(json.errorMessage)")
            #expect(json.output("y")?["data"] == .strings(["a\u{0}b", "", "é", "\u{0}", "x", "\u{0}\u{0}"]))
            text.outputs = nil
            text.output("y", binary: true)
            let binary = try await client.infer("identity_string", text)
            #expect(
                binary.binary["y"]
                    == LittleEndian.byteStrings([[0x61, 0x00, 0x62], [], [0xC3, 0xA9], [0x00], [0x78], [0x00, 0x00]]))
        }
    }

    @Test("gRPC: raw and typed contents keep every byte; the Swift gRPC client sends and receives them")
    func grpc() async throws {
        try await GRPCTestServer.withClient(models: ["identity_string"]) { client, port in
            let input = Inference_ModelInferRequest.InferInputTensor.with {
                $0.name = "x"
                $0.datatype = "BYTES"
                $0.shape = [2, 3]
            }
            let raw = try await client.modelInfer(
                .with {
                    $0.modelName = "identity_string"
                    $0.inputs = [input]
                    $0.rawInputContents = [Data(Self.layout)]
                })
            #expect(raw.outputs.map(\.datatype) == ["BYTES"])
            #expect(raw.outputs.first?.shape == [2, 3])
            #expect(raw.rawOutputContents == [Data(Self.layout)])

            var typedInput = input
            typedInput.contents = .with { $0.bytesContents = Self.elements.map { Data($0) } }
            let typed = try await client.modelInfer(
                .with {
                    $0.modelName = "identity_string"
                    $0.inputs = [typedInput]
                })
            #expect(typed.rawOutputContents == [Data(Self.layout)])

            // A typed element count that does not fit the shape is still refused.
            var five = input
            five.contents = .with { $0.bytesContents = Self.elements.prefix(5).map { Data($0) } }
            await GRPCServerTests.expectError(.invalidArgument, containing: "'bytes_contents' has 5") {
                _ = try await client.modelInfer(
                    .with {
                        $0.modelName = "identity_string"
                        $0.inputs = [five]
                    })
            }

            try await GRPCInferenceClient.withClient(host: "127.0.0.1", port: port) { grpc in
                let x = InferInput(name: "x", shape: [2, 3], data: .bytes(Self.elements))
                let response = try await grpc.infer(model: "identity_string", inputs: [x])
                #expect(response.outputs["y"]?.bytes == Self.elements)
                #expect(response.outputs["y"]?.strings == nil)
            }
        }
    }
}
#endif
