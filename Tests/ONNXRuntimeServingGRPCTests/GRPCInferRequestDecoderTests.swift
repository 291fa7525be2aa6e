#if Server
import Foundation
import KServeGRPCProtocol
import ONNXRuntimeServing
import ONNXRuntimeServingGRPC
import SwiftProtobuf
import Testing

/// The gRPC request decoder on its own, with the seeds of the `grpc-infer-request` fuzz harness
/// (`Fuzz/Corpus/grpc-infer-request/`, encoded by hand in `scripts/make-fuzz-corpus.py`): the seeds must be real
/// `ModelInferRequest` messages, or the fuzzer would start from garbage. Expected bytes are written out by hand.
@Suite("gRPC request decoder and its fuzz seeds")
struct GRPCInferRequestDecoderTests {
    /// `Fuzz/Corpus/grpc-infer-request/`, found from this file (Tests/ONNXRuntimeServingGRPCTests/).
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus/grpc-infer-request")

    static func seed(_ name: String) throws -> Inference_ModelInferRequest {
        try Inference_ModelInferRequest(serializedBytes: [UInt8](Data(contentsOf: corpus.appendingPathComponent(name))))
    }

    static func decode(_ message: Inference_ModelInferRequest, outputs: [String] = ["y"]) throws(ServingError)
        -> InferenceRequest
    {
        try GRPCInferRequestDecoder.request(from: message, outputNames: outputs, maximumElements: 4096)
    }

    /// The bytes of the input's binary range.
    static func bytes(_ request: InferenceRequest, _ index: Int) -> [UInt8] {
        guard case .binary(let range) = request.inputs[index].data else { return [] }
        return Array(request.body[range])
    }

    @Test("every seed is a ModelInferRequest message")
    func allSeedsDecode() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".pb") }
        #expect(names.count == 58)  // as many as scripts/make-fuzz-corpus.py writes
        for name in names {
            let message = try Self.seed(name)
            #expect(!message.modelName.isEmpty, "\(name)")
        }
    }

    @Test("a typed batch request: ids, parameters of every kind, FP32 and BYTES contents, requested outputs")
    func batchTyped() throws {
        let message = try Self.seed("batch_typed.pb")
        #expect(message.modelName == "batch")
        #expect(message.modelVersion == "1")
        let request = try Self.decode(message, outputs: ["y", "t", "h"])
        #expect(request.id == "r1")
        #expect(
            request.parameters
                == [
                    "flag": .bool(false), "priority": .number(.uint(2)), "scale": .number(.double(0.5)),
                    "sequence_id": .string("s"), "timeout": .number(.int(1000)),
                ])
        #expect(request.inputs.map(\.name) == ["a", "s"])
        #expect(request.inputs.map(\.shape) == [[2, 3], [2]])
        #expect(request.inputs.map(\.datatype) == [.fp32, .bytes])
        // 1.0 ... 6.0 as little-endian float32.
        #expect(
            Self.bytes(request, 0) == [
                0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x40, 0x40,
                0x00, 0x00, 0x80, 0x40, 0x00, 0x00, 0xA0, 0x40, 0x00, 0x00, 0xC0, 0x40,
            ])
        // "p" and "q", each after a 4-byte little-endian length.
        #expect(Self.bytes(request, 1) == [1, 0, 0, 0, 0x70, 1, 0, 0, 0, 0x71])
        #expect(request.outputs?.map(\.name) == ["t", "h"])
        #expect(request.outputs?.allSatisfy { $0.parameters["binary_data"] == .bool(true) } == true)
    }

    @Test("raw contents and the unpacked shape encoding")
    func raw() throws {
        let int64 = try Self.decode(try Self.seed("raw_int64.pb"))
        #expect(int64.inputs[0].shape == [2])
        #expect(Self.bytes(int64, 0) == [0, 0, 0, 0, 0, 0, 0, 0x80, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F])
        let unpacked = try Self.decode(try Self.seed("shape_unpacked.pb"))
        #expect(unpacked.inputs[0].shape == [1, 2])
        #expect(Self.bytes(unpacked, 0) == [7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0])
        // Typed INT8 at both ends of the range, narrowed to one byte each.
        let int8 = try Self.decode(try Self.seed("typed_int8.pb"))
        #expect(Self.bytes(int8, 0) == [0x80, 0x7F])
    }

    @Test(
        "hostile seeds are refused with the reason",
        arguments: [
            ("shape_overflow_raw.pb", "more than the 4096 elements"),
            ("shape_overflow_typed.pb", "more than the 4096 elements"),
            ("shape_max_int64.pb", "more than the 4096 elements"),
            ("shape_negative.pb", "non-negative"),
            ("mismatch_raw_entries.pb", "1 raw_input_contents entries"),
            ("mismatch_raw_bytes.pb", "takes 12 bytes, but its raw_input_contents entry has 8"),
            ("mismatch_typed_count.pb", "holds 3 elements, but 'int64_contents' has 2"),
            ("mismatch_typed_and_raw.pb", "also has raw_input_contents"),
            ("mismatch_other_field.pb", "'fp64_contents' is set"),
            ("mismatch_narrow_range.pb", "element 1 is 300, outside the range of INT8 (-128...127)"),
            ("typed_fp16.pb", "no typed contents field"),
            ("duplicate_input.pb", "input 'x' is given more than once"),
            ("duplicate_output.pb", "output 'y' is requested more than once"),
            ("unknown_datatype.pb", "unknown datatype 'FP8'"),
            ("no_contents.pb", "has no contents"),
        ])
    func refused(seed: String, reason: String) throws {
        let message = try Self.seed(seed)
        #expect {
            _ = try Self.decode(message)
        } throws: { error in
            (error as? ServingError)?.message.contains(reason) == true
        }
    }
}
#endif
