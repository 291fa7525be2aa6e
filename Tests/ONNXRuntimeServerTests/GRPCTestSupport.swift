#if Server && Client
import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2
import KServeGRPCProtocol
import Logging
import NIOCore
import NIOPosix
import ONNXRuntimeServer
import ONNXRuntimeServing
import ServiceLifecycle
import SwiftProtobuf

/// Live gRPC servers on 127.0.0.1 and a free port for the gRPC tests, and the NumPy-computed cases of
/// Tests/Models/*.json.
enum GRPCTestServer {
    /// Every model the gRPC tests use.
    static let models =
        ["add_f32", "add_float16", "add_float64", "add_int8", "add_int16", "add_int32", "add_int64", "add_uint8"]
        + ["add_uint16", "add_uint32", "add_uint64", "identity_bool", "identity_string", "identity_bfloat16", "mnist"]

    /// Runs `body` with a client of a fresh server (REST on a free port too, which loads the models), stopped after.
    static func withClient<T: Sendable>(
        models: [String] = GRPCTestServer.models, startupModels: [String]? = nil, token: String? = nil,
        access: RepositoryAccess? = nil, maxRequestBytes: Int = ServingLimits().maxRequestBytes,
        busyPoll: Duration? = nil, clientEventLoopGroup: any EventLoopGroup = .singletonMultiThreadedEventLoopGroup,
        logSettings: LogSettings? = nil,
        _ body: @Sendable (Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>, Int) async throws -> T
    ) async throws -> T {
        let repository = try ClientTestServer.makeRepository(models, prefix: "ort-grpc-")
        defer { try? FileManager.default.removeItem(atPath: repository) }
        return try await withServer(
            repository: repository, startupModels: startupModels, token: token, access: access,
            maxRequestBytes: maxRequestBytes, busyPoll: busyPoll, clientEventLoopGroup: clientEventLoopGroup,
            logSettings: logSettings
        ) { _, client, port in
            try await body(client, port)
        }
    }

    /// Runs `body` with a fresh server over `repository` (REST on a free port too, which loads the models) and a
    /// client of it, stopped after.
    static func withServer<T: Sendable>(
        repository: String, startupModels: [String]? = nil, token: String? = nil, access: RepositoryAccess? = nil,
        maxRequestBytes: Int = ServingLimits().maxRequestBytes, busyPoll: Duration? = nil,
        clientEventLoopGroup: any EventLoopGroup = .singletonMultiThreadedEventLoopGroup,
        logSettings: LogSettings? = nil,
        _ body:
            @Sendable (InferenceServer, Inference_GRPCInferenceService.Client<HTTP2ClientTransport.Posix>, Int)
            async throws -> T
    ) async throws -> T {
        let serving = ServingConfiguration(
            repositories: [repository], controlMode: startupModels == nil ? .none : .explicit,
            startupModels: startupModels ?? [], limits: ServingLimits(maxRequestBytes: maxRequestBytes))
        var configuration = ServerConfiguration(
            host: "127.0.0.1", port: 0, grpcPort: 0, serving: serving,
            repositoryAccess: access ?? token.map { .token($0) } ?? .open)
        configuration.busyPoll = busyPoll
        let server = InferenceServer(
            configuration: configuration, logger: ClientTestServer.logger, logSettings: logSettings)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [server.makeApplication(), server.makeGRPCService { continuation.yield($0) }],
                logger: ClientTestServer.logger))
        return try await withThrowingTaskGroup(of: T?.self) { tasks in
            tasks.addTask {
                try await group.run()
                return nil
            }
            var iterator = ports.makeAsyncIterator()
            guard let port = await iterator.next() else { throw ClientTestServerError(message: "no gRPC port") }
            try await ClientTestServer.waitUntilReady(server)
            let result = try await withGRPCClient(
                transport: try .http2NIOPosix(
                    target: .ipv4(address: "127.0.0.1", port: port), transportSecurity: .plaintext,
                    config: .defaults { $0.http2.targetWindowSize = 8 * 1024 * 1024 },
                    eventLoopGroup: clientEventLoopGroup)
            ) { client in
                try await body(server, Inference_GRPCInferenceService.Client(wrapping: client), port)
            }
            await group.triggerGracefulShutdown()
            for try await _ in tasks {}
            return result
        }
    }
}

/// One NumPy-computed case of a test model (`Tests/Models/<model>.json`).
struct ModelCase: Sendable, CustomStringConvertible {
    /// One tensor of the case.
    struct Tensor: Sendable {
        var name: String
        var datatype: String
        var shape: [Int64]
        /// The elements as JSON numbers, Booleans or strings.
        var values: [JSONScalar]
        /// The raw bit patterns of FP16 and BF16 elements.
        var bits: [UInt16]?
    }

    /// A JSON element.
    enum JSONScalar: Sendable {
        case number(Double, exact: Int64?, unsigned: UInt64?)
        case bool(Bool)
        case string(String)
    }

    var model: String
    var inputs: [Tensor]
    var outputs: [Tensor]

    var description: String { model }

    static let datatypes: [String: String] = [
        "bool": "BOOL", "uint8": "UINT8", "uint16": "UINT16", "uint32": "UINT32", "uint64": "UINT64", "int8": "INT8",
        "int16": "INT16", "int32": "INT32", "int64": "INT64", "float16": "FP16", "float32": "FP32", "float64": "FP64",
        "string": "BYTES", "bfloat16": "BF16",
    ]

    /// The first case of a model's JSON file. Read with `JSONDecoder`, which keeps 64-bit integers exact and
    /// parses doubles to the nearest value.
    static func load(_ model: String) throws -> ModelCase {
        let url = ClientTestServer.root.appendingPathComponent("Tests/Models/\(model).json")
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        func tensors(_ entries: [String: File.Tensor]) -> [Tensor] {
            entries.keys.sorted().map { name in
                let tensor = entries[name]!
                return Tensor(
                    name: name, datatype: datatypes[tensor.dtype]!, shape: tensor.shape,
                    values: tensor.data.map(\.scalar), bits: tensor.bits)
            }
        }
        let first = file.cases[0]
        return ModelCase(model: model, inputs: tensors(first.inputs), outputs: tensors(first.outputs))
    }

    private struct File: Decodable {
        struct Tensor: Decodable {
            var dtype: String
            var shape: [Int64]
            var data: [Element]
            var bits: [UInt16]?
        }

        struct Case: Decodable {
            var inputs: [String: Tensor]
            var outputs: [String: Tensor]
        }

        enum Element: Decodable {
            case bool(Bool)
            case string(String)
            case int(Int64)
            case uint(UInt64)
            case double(Double)

            init(from decoder: any Swift.Decoder) throws {
                let value = try decoder.singleValueContainer()
                if let flag = try? value.decode(Bool.self) {
                    self = .bool(flag)
                } else if let text = try? value.decode(String.self) {
                    self = .string(text)
                } else if let number = try? value.decode(Int64.self) {
                    self = .int(number)
                } else if let number = try? value.decode(UInt64.self) {
                    self = .uint(number)
                } else {
                    self = .double(try value.decode(Double.self))
                }
            }

            var scalar: JSONScalar {
                switch self {
                case .bool(let flag): .bool(flag)
                case .string(let text): .string(text)
                case .int(let number): .number(Double(number), exact: number, unsigned: UInt64(exactly: number))
                case .uint(let number): .number(Double(number), exact: Int64(exactly: number), unsigned: number)
                case .double(let number): .number(number, exact: nil, unsigned: nil)
                }
            }
        }

        var cases: [Case]
    }
}

extension ModelCase.Tensor {
    /// The elements in the raw layout (little-endian; BOOL one byte; BYTES length-prefixed).
    var raw: Data {
        var data = Data()
        func put<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) }
        }
        if let bits {
            for bit in bits { put(bit) }
            return data
        }
        for value in values {
            switch (datatype, value) {
            case ("BOOL", .bool(let flag)): data.append(flag ? 1 : 0)
            case ("BYTES", .string(let text)):
                put(UInt32(text.utf8.count))
                data.append(contentsOf: Array(text.utf8))
            case ("FP32", .number(let number, _, _)): put(Float(number).bitPattern)
            case ("FP64", .number(let number, _, _)): put(number.bitPattern)
            case ("INT8", .number(_, let exact?, _)): put(Int8(exact))
            case ("INT16", .number(_, let exact?, _)): put(Int16(exact))
            case ("INT32", .number(_, let exact?, _)): put(Int32(exact))
            case ("INT64", .number(_, let exact?, _)): put(exact)
            case ("UINT8", .number(_, _, let unsigned?)): put(UInt8(unsigned))
            case ("UINT16", .number(_, _, let unsigned?)): put(UInt16(unsigned))
            case ("UINT32", .number(_, _, let unsigned?)): put(UInt32(unsigned))
            case ("UINT64", .number(_, _, let unsigned?)): put(unsigned)
            default: fatalError("no raw form for \(datatype) \(value)")
            }
        }
        return data
    }

    /// The elements as typed contents, or `nil` for FP16 and BF16, which have none.
    var typed: Inference_InferTensorContents? {
        var contents = Inference_InferTensorContents()
        for value in values {
            switch (datatype, value) {
            case ("BOOL", .bool(let flag)): contents.boolContents.append(flag)
            case ("BYTES", .string(let text)): contents.bytesContents.append(Data(text.utf8))
            case ("FP32", .number(let number, _, _)): contents.fp32Contents.append(Float(number))
            case ("FP64", .number(let number, _, _)): contents.fp64Contents.append(number)
            case ("INT8", .number(_, let exact?, _)), ("INT16", .number(_, let exact?, _)),
                ("INT32", .number(_, let exact?, _)):
                contents.intContents.append(Int32(exact))
            case ("INT64", .number(_, let exact?, _)): contents.int64Contents.append(exact)
            case ("UINT8", .number(_, _, let unsigned?)), ("UINT16", .number(_, _, let unsigned?)),
                ("UINT32", .number(_, _, let unsigned?)):
                contents.uintContents.append(UInt32(unsigned))
            case ("UINT64", .number(_, _, let unsigned?)): contents.uint64Contents.append(unsigned)
            default: return nil
            }
        }
        return contents
    }

    /// An input tensor message with this tensor's name, datatype and shape.
    var inputMessage: Inference_ModelInferRequest.InferInputTensor {
        .with {
            $0.name = name
            $0.datatype = datatype
            $0.shape = shape
        }
    }
}
#endif
