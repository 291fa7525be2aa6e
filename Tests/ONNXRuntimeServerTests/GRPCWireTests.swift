#if Server && Client
import Foundation
import GRPCCore
import KServeGRPCProtocol
import NIOCore
import SwiftProtobuf
import Testing

@testable import ONNXRuntimeServer

@Suite("gRPC framing: messages, limits, timeouts, status messages")
struct GRPCWireTests {
    /// A gRPC frame written by hand: flag, big-endian length, bytes.
    static func frame(_ bytes: [UInt8], flag: UInt8 = 0) -> [UInt8] {
        let length = UInt32(bytes.count)
        return [flag, UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)]
            + bytes
    }

    @Test("messages split across DATA frames, and several in one frame, come out whole and in order")
    func reassembly() throws {
        var reader = GRPCMessageReader(maximumLength: 1_000)
        let first = Array(1...200).map { UInt8($0) }
        let second: [UInt8] = [7, 8, 9]
        let stream = Self.frame(first) + Self.frame(second) + Self.frame([])
        // Fed 1, 2, 3, ... bytes at a time.
        var messages: [[UInt8]] = []
        var offset = 0
        var size = 1
        while offset < stream.count {
            let end = min(stream.count, offset + size)
            reader.append(ByteBuffer(bytes: stream[offset..<end]))
            while let message = try reader.next() { messages.append(Array(message.readableBytesView)) }
            offset = end
            size += 1
        }
        #expect(messages == [first, second, []])
        #expect(reader.bufferedBytes == 0)
    }

    @Test("a message over the limit is refused from its prefix alone, with RESOURCE_EXHAUSTED")
    func oversize() throws {
        var reader = GRPCMessageReader(maximumLength: 100)
        // Only the 5-byte prefix of a 4 GiB - 1 message: nothing else has arrived.
        reader.append(ByteBuffer(bytes: [0, 0xFF, 0xFF, 0xFF, 0xFF]))
        #expect {
            _ = try reader.next()
        } throws: { error in
            let error = error as? RPCError
            return error?.code == .resourceExhausted && error?.message.contains("4294967295 bytes") == true
                && error?.message.contains("limit of 100 bytes") == true
        }
        var exact = GRPCMessageReader(maximumLength: 3)
        exact.append(ByteBuffer(bytes: Self.frame([1, 2, 3])))
        #expect(try exact.next().map { Array($0.readableBytesView) } == [1, 2, 3])
    }

    @Test("a compressed message is refused on a call without grpc-encoding")
    func compressedFlag() {
        var reader = GRPCMessageReader(maximumLength: 100)
        reader.append(ByteBuffer(bytes: Self.frame([1, 2], flag: 1)))
        #expect {
            _ = try reader.next()
        } throws: { error in
            (error as? RPCError)?.code == .internalError
        }
    }

    @Test("a partial prefix or message waits for more bytes")
    func partial() throws {
        var reader = GRPCMessageReader(maximumLength: 100)
        reader.append(ByteBuffer(bytes: [0, 0, 0]))
        #expect(try reader.next() == nil)
        reader.append(ByteBuffer(bytes: [0, 4, 1, 2]))
        #expect(try reader.next() == nil)
        #expect(reader.bufferedBytes == 7)
        reader.append(ByteBuffer(bytes: [3, 4]))
        #expect(try reader.next().map { Array($0.readableBytesView) } == [1, 2, 3, 4])
    }

    @Test(
        "grpc-timeout values",
        arguments: [
            ("1S", TimeAmount.seconds(1)), ("250m", .milliseconds(250)), ("99999999u", .microseconds(99_999_999)),
            ("5n", .nanoseconds(5)), ("2M", .minutes(2)), ("1H", .hours(1)),
        ])
    func timeouts(value: String, expected: TimeAmount) {
        #expect(GRPCWire.timeout(value[...]) == expected)
    }

    @Test("malformed grpc-timeout values", arguments: ["", "S", "1", "1s", "-1S", "123456789S", "1.5S", "½S", " 1S"])
    func malformedTimeouts(value: String) {
        #expect(GRPCWire.timeout(value[...]) == nil)
    }

    @Test("grpc-message is percent-encoded outside printable ASCII and for '%'")
    func statusMessages() {
        #expect(GRPCWire.percentEncoded("shape [2, 3] is wrong") == "shape [2, 3] is wrong")
        #expect(GRPCWire.percentEncoded("100% é\n") == "100%25 %C3%A9%0A")
    }

    @Test("a response is encoded behind its gRPC prefix, byte for byte what SwiftProtobuf encodes")
    func encoding() throws {
        var response = Inference_ModelInferResponse()
        response.modelName = "mnist"
        response.id = "7"
        response.rawOutputContents = [Data([1, 2, 3, 4])]
        let framed: GRPCMessageBytes = try response.serializedBytes()
        let expected: [UInt8] = try response.serializedBytes()
        #expect(Array(framed.buffer.readableBytesView) == Self.frame(expected))
        // And decoding reads a buffer in place.
        let decoded = try Inference_ModelInferResponse(
            serializedBytes: GRPCMessageBytes(message: ByteBuffer(bytes: expected)))
        #expect(decoded == response)
    }
}
#endif
