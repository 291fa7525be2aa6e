#if Server && Client
import ONNXRuntimeClient
import Testing

/// The clients' `compression`: answers are right, and a proxy between client and server counts the bytes that
/// crossed, so the tests see the compression itself (1.5 MiB of inputs that repeat every 16 values, and 768 KiB of
/// output, each compress to a few KiB).
@Suite("Client compression")
struct ClientCompressionTests {
    static let rows = 1 << 16
    static let a = (0..<(rows * 3)).map { Float($0 % 16) }
    static let inputs = [
        InferInput(name: "A", shape: [rows, 3], data: .fp32(a)),
        InferInput(name: "B", shape: [rows, 3], data: .fp32(Array(repeating: 0.5, count: rows * 3))),
    ]
    static let expected = a.map { $0 + 0.5 }
    static let tensorBytes = rows * 3 * 4

    /// Without compression both inputs went up and the output came down whole; with it, a twentieth of one tensor
    /// each way is plenty.
    static func checkWire(_ proxy: ByteCountingProxy, _ compression: MessageCompression?) {
        let (up, down) = proxy.bytes
        if compression == nil {
            #expect(up > 2 * tensorBytes && down > tensorBytes, "\(up) up, \(down) down")
        } else {
            #expect(up < tensorBytes / 20 && down < tensorBytes / 20, "\(up) up, \(down) down")
        }
    }

    @Test(
        "REST: requests and answers compressed on the wire, none without it",
        arguments: [nil, .gzip, .deflate] as [MessageCompression?])
    func rest(compression: MessageCompression?) async throws {
        try await ClientTestServer.withServer(.init(models: ["add_f32"])) { baseURL in
            let port = Int(baseURL.split(separator: ":").last!)!
            try await ByteCountingProxy.with(targetPort: port) { proxy in
                try await InferenceClient.withClient(
                    baseURL: "http://127.0.0.1:\(proxy.port)", compression: compression
                ) { client in
                    let sum = try await client.infer(model: "add_f32", inputs: Self.inputs)
                    #expect(sum.outputs["C"]?.shape == [Self.rows, 3])
                    let right = sum.outputs["C"]?.floats == Self.expected
                    #expect(right)
                }
                Self.checkWire(proxy, compression)
            }
        }
    }

    @Test(
        "gRPC: requests and answers compressed on the wire, none without it",
        arguments: [nil, .gzip, .deflate] as [MessageCompression?])
    func grpc(compression: MessageCompression?) async throws {
        try await GRPCTestServer.withClient(models: ["add_f32"]) { _, port in
            try await ByteCountingProxy.with(targetPort: port) { proxy in
                try await GRPCInferenceClient.withClient(
                    host: "127.0.0.1", port: proxy.port, compression: compression
                ) { client in
                    let sum = try await client.infer(model: "add_f32", inputs: Self.inputs)
                    let right = sum.outputs["C"]?.floats == Self.expected
                    #expect(right)
                }
                Self.checkWire(proxy, compression)
            }
        }
    }
}
#endif
