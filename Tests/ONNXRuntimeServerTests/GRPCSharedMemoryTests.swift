#if Server && Client
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import KServeGRPCProtocol
import ONNXRuntimeServer
import ONNXRuntimeServing
import SwiftProtobuf
import Testing

/// Triton's system shared memory extension over gRPC (`SystemSharedMemory*`, `CudaSharedMemory*`, and the
/// `shared_memory_*` tensor parameters), with grpc-swift's client on a live server. Expected values by hand.
@Suite("System shared memory (gRPC)")
struct GRPCSharedMemoryTests {
    static let models = ["add_int32", "identity_string"]

    static func parameter(_ text: String) -> Inference_InferParameter { .with { $0.stringParam = text } }
    static func parameter(_ number: Int64) -> Inference_InferParameter { .with { $0.int64Param = number } }

    static func register(
        _ client: Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>, _ name: String, _ key: String,
        offset: UInt64 = 0, byteSize: UInt64
    ) async throws {
        _ = try await client.systemSharedMemoryRegister(
            .with {
                $0.name = name
                $0.key = key
                $0.offset = offset
                $0.byteSize = byteSize
            })
    }

    @Test("register, status and unregister; x from shared memory, y raw, z written to shared memory")
    func inference() async throws {
        let inputs = try SharedMemoryObject(size: 24)
        let outputs = try SharedMemoryObject(size: 64)
        inputs.write(LittleEndian.bytes([3, -1, 4, 1, -5, 9] as [Int32]))
        try await GRPCTestServer.withClient(models: Self.models) { client, _ in
            try await Self.register(client, "in", inputs.key, byteSize: 24)
            try await Self.register(client, "out", outputs.key, offset: 0, byteSize: 64)
            let status = try await client.systemSharedMemoryStatus(.with { _ in })
            #expect(Set(status.regions.keys) == ["in", "out"])
            #expect(status.regions["in"]?.key == inputs.key)
            #expect(status.regions["in"]?.byteSize == 24)
            #expect(status.regions["out"]?.byteSize == 64)
            let one = try await client.systemSharedMemoryStatus(.with { $0.name = "out" })
            #expect(Array(one.regions.keys) == ["out"])

            let response = try await client.modelInfer(
                .with {
                    $0.modelName = "add_int32"
                    $0.inputs = [
                        .with {
                            $0.name = "x"
                            $0.datatype = "INT32"
                            $0.shape = [2, 3]
                            $0.parameters = [
                                "shared_memory_region": Self.parameter("in"),
                                "shared_memory_byte_size": Self.parameter(24),
                            ]
                        },
                        .with {
                            $0.name = "y"
                            $0.datatype = "INT32"
                            $0.shape = [2, 3]
                        },
                    ]
                    // One raw entry: for y, the only input not in shared memory.
                    $0.rawInputContents = [Data(LittleEndian.bytes([10, 10, 10, 10, 10, 10] as [Int32]))]
                    $0.outputs = [
                        .with {
                            $0.name = "z"
                            $0.parameters = [
                                "shared_memory_region": Self.parameter("out"),
                                "shared_memory_offset": Self.parameter(16),
                                "shared_memory_byte_size": Self.parameter(48),
                            ]
                        }
                    ]
                })
            #expect(response.outputs.count == 1)
            #expect(response.outputs.first?.shape == [2, 3])
            #expect(response.outputs.first?.parameters["shared_memory_region"]?.stringParam == "out")
            #expect(response.outputs.first?.parameters["shared_memory_offset"]?.int64Param == 16)
            #expect(response.outputs.first?.parameters["shared_memory_byte_size"]?.int64Param == 24)
            // One (empty) raw entry per output, as Triton sends, so clients index them by output.
            #expect(response.rawOutputContents == [Data()])
            #expect(LittleEndian.values(outputs.read(24, at: 16), as: Int32.self) == [13, 9, 14, 11, 5, 19])

            _ = try await client.systemSharedMemoryUnregister(.with { $0.name = "in" })
            let after = try await client.systemSharedMemoryStatus(.with { _ in })
            #expect(Array(after.regions.keys) == ["out"])
            _ = try await client.systemSharedMemoryUnregister(.with { _ in })
            #expect(try await client.systemSharedMemoryStatus(.with { _ in }).regions.isEmpty)
        }
    }

    @Test("BYTES from and to shared memory over gRPC")
    func bytes() async throws {
        let strings = ["", "gRPC", "ß", "a b", "\u{1F600}", "z"]
        let layout: [UInt8] = strings.flatMap { [UInt8($0.utf8.count), 0, 0, 0] + Array($0.utf8) }
        let object = try SharedMemoryObject(size: 128)
        object.write(layout)
        try await GRPCTestServer.withClient(models: Self.models) { client, _ in
            try await Self.register(client, "strings", object.key, byteSize: 128)
            let response = try await client.modelInfer(
                .with {
                    $0.modelName = "identity_string"
                    $0.inputs = [
                        .with {
                            $0.name = "x"
                            $0.datatype = "BYTES"
                            $0.shape = [2, 3]
                            $0.parameters = [
                                "shared_memory_region": Self.parameter("strings"),
                                "shared_memory_byte_size": Self.parameter(Int64(layout.count)),
                            ]
                        }
                    ]
                    $0.outputs = [
                        .with {
                            $0.name = "y"
                            $0.parameters = [
                                "shared_memory_region": Self.parameter("strings"),
                                "shared_memory_offset": Self.parameter(64),
                                "shared_memory_byte_size": Self.parameter(64),
                            ]
                        }
                    ]
                })
            #expect(response.outputs.first?.parameters["shared_memory_byte_size"]?.int64Param == Int64(layout.count))
            #expect(object.read(layout.count, at: 64) == layout)
        }
    }

    @Test("registration errors carry Triton's codes: ALREADY_EXISTS, NOT_FOUND, INTERNAL, INVALID_ARGUMENT")
    func registrationErrors() async throws {
        let object = try SharedMemoryObject(size: 32)
        try await GRPCTestServer.withClient(models: Self.models) { client, _ in
            try await Self.register(client, "r", object.key, byteSize: 32)
            await GRPCServerTests.expectError(.alreadyExists, containing: "shared memory region 'r' already in manager")
            {
                try await Self.register(client, "r", object.key, byteSize: 8)
            }
            await GRPCServerTests.expectError(.notFound, containing: "Unable to find system shared memory region: 'q'")
            {
                _ = try await client.systemSharedMemoryStatus(.with { $0.name = "q" })
            }
            await GRPCServerTests.expectError(.internalError, containing: "Unable to open shared memory region") {
                try await Self.register(client, "q", "/ort-test-missing-\(getpid())", byteSize: 8)
            }
            await GRPCServerTests.expectError(.invalidArgument, containing: "invalid args") {
                try await Self.register(client, "q", object.key, offset: 16, byteSize: 17)
            }
            await GRPCServerTests.expectError(.invalidArgument, containing: "is too large") {
                try await Self.register(client, "q", object.key, offset: .max, byteSize: 1)
            }
            await GRPCServerTests.expectError(.invalidArgument, containing: "'region name' is necessary") {
                try await Self.register(client, "", object.key, byteSize: 8)
            }
            // CUDA: an empty status, a refused registration, nothing to unregister.
            #expect(try await client.cudaSharedMemoryStatus(.with { _ in }).regions.isEmpty)
            await GRPCServerTests.expectError(.notFound, containing: "is registered as system shared memory") {
                _ = try await client.cudaSharedMemoryStatus(.with { $0.name = "r" })
            }
            await GRPCServerTests.expectError(.invalidArgument, containing: "GPUs not supported") {
                _ = try await client.cudaSharedMemoryRegister(.with { $0.name = "g" })
            }
            _ = try await client.cudaSharedMemoryUnregister(.with { _ in })
        }
    }

    @Test("inference errors: raw entries, contents with shared memory, bad parameters, an output too small")
    func inferenceErrors() async throws {
        let object = try SharedMemoryObject(size: 64)
        try await GRPCTestServer.withClient(models: Self.models) { client, _ in
            try await Self.register(client, "r", object.key, byteSize: 64)
            func request(
                x: [String: Inference_InferParameter], raw: Int = 1, contents: Bool = false,
                z: [String: Inference_InferParameter] = [:]
            ) -> Inference_ModelInferRequest {
                .with {
                    $0.modelName = "add_int32"
                    $0.inputs = [
                        .with {
                            $0.name = "x"
                            $0.datatype = "INT32"
                            $0.shape = [2, 3]
                            $0.parameters = x
                            if contents { $0.contents = .with { $0.intContents = [1, 2, 3, 4, 5, 6] } }
                        },
                        .with {
                            $0.name = "y"
                            $0.datatype = "INT32"
                            $0.shape = [2, 3]
                        },
                    ]
                    $0.rawInputContents = Array(repeating: Data(count: 24), count: raw)
                    if !z.isEmpty {
                        $0.outputs = [
                            .with {
                                $0.name = "z"; $0.parameters = z
                            }
                        ]
                    }
                }
            }
            let inRegion = ["shared_memory_region": Self.parameter("r"), "shared_memory_byte_size": Self.parameter(24)]
            await GRPCServerTests.expectError(.invalidArgument, containing: "(1 in shared memory) but 2") {
                _ = try await client.modelInfer(request(x: inRegion, raw: 2))
            }
            await GRPCServerTests.expectError(.invalidArgument, containing: "unexpected 'content' provided") {
                _ = try await client.modelInfer(request(x: inRegion, raw: 0, contents: true))
            }
            await GRPCServerTests.expectError(.invalidArgument, containing: "Invalid offset for shared memory region") {
                var x = inRegion
                x["shared_memory_offset"] = Self.parameter(64)
                _ = try await client.modelInfer(request(x: x))
            }
            await GRPCServerTests.expectError(.invalidArgument, containing: "Unable to parse 'shared_memory_offset'") {
                var x = inRegion
                x["shared_memory_offset"] = Self.parameter(-4)
                _ = try await client.modelInfer(request(x: x))
            }
            await GRPCServerTests.expectError(.invalidArgument, containing: "Unable to parse 'shared_memory_region'") {
                _ = try await client.modelInfer(
                    request(x: [
                        "shared_memory_region": Self.parameter(3), "shared_memory_byte_size": Self.parameter(24),
                    ]))
            }
            await GRPCServerTests.expectError(.notFound, containing: "Unable to find shared memory region: 'gone'") {
                _ = try await client.modelInfer(
                    request(x: [
                        "shared_memory_region": Self.parameter("gone"), "shared_memory_byte_size": Self.parameter(24),
                    ]))
            }
            await GRPCServerTests.expectError(
                .invalidArgument, containing: "output 'z' (8 bytes) should be at least 24 bytes"
            ) {
                _ = try await client.modelInfer(
                    request(
                        x: inRegion,
                        z: ["shared_memory_region": Self.parameter("r"), "shared_memory_byte_size": Self.parameter(8)]))
            }
        }
    }
}
#endif
