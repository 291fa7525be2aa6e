import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// Paths, temporary repositories and servers shared by the server tests.
enum ServerFixtures {
    /// The package root.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Models/NAME.onnx`.
    static func model(_ name: String) -> String {
        root.appendingPathComponent("Tests/Models/\(name).onnx").path
    }

    /// The MNIST example model.
    static let mnist = root.appendingPathComponent("Examples/MNIST/mnist-mlp.onnx").path

    /// A logger that prints warnings and worse (set `SERVER_TEST_LOG=debug` to see more).
    static let logger: Logger = {
        let level =
            ProcessInfo.processInfo.environment["SERVER_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        var logger = Logger(label: "server-tests") { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        logger.logLevel = level
        return logger
    }()

    /// The identity models, one per datatype, by datatype.
    static let identityModels: [DataType: String] = [
        .bool: "identity_bool", .uint8: "identity_uint8", .uint16: "identity_uint16", .uint32: "identity_uint32",
        .uint64: "identity_uint64", .int8: "identity_int8", .int16: "identity_int16", .int32: "identity_int32",
        .int64: "identity_int64", .fp16: "identity_float16", .fp32: "identity_float32", .fp64: "identity_float64",
        .bytes: "identity_string", .bf16: "identity_bfloat16",
    ]

    /// A server over a temporary repository, started (models loaded), with its repository directory.
    static func server(
        _ repository: TemporaryRepository, controlMode: ModelControlMode = .none, startupModels: [String] = [],
        limits: ServingLimits = ServingLimits(), access: RepositoryAccess = .open, models: [String: String] = [:],
        start: Bool = true
    ) async -> InferenceServer {
        let serving = ServingConfiguration(
            repositories: [repository.path], models: models, controlMode: controlMode, startupModels: startupModels,
            pollInterval: .milliseconds(200), limits: limits)
        let server = InferenceServer(
            configuration: ServerConfiguration(port: 0, serving: serving, repositoryAccess: access), logger: logger)
        if start { await server.engine.start() }
        return server
    }

    /// Runs `body` with a router-level test client for `server`.
    static func withClient<T: Sendable>(
        _ server: InferenceServer, _ body: @Sendable (any TestClientProtocol) async throws -> T
    ) async throws -> T {
        let app = Application(router: server.makeRouter(), logger: logger)
        return try await app.test(.router, body)
    }

    /// The shared server with every identity model, MNIST, and a few others, loaded once for all tests that only
    /// read.
    static func shared() async throws -> InferenceServer {
        try await SharedServer.instance.server()
    }
}

/// Loads the shared server once.
actor SharedServer {
    static let instance = SharedServer()
    private var task: Task<InferenceServer, any Error>?
    /// Kept so the repository directory outlives the server.
    private var repository: TemporaryRepository?

    func server() async throws -> InferenceServer {
        if let task { return try await task.value }
        let repository = try TemporaryRepository()
        self.repository = repository
        let task = Task {
            for name in ServerFixtures.identityModels.values.sorted() {
                try repository.add(name, file: ServerFixtures.model(name))
            }
            for name in ["add_f32", "multi_out", "string_ops", "scalar_mul", "bad_shape", "empty"] {
                try repository.add(name, file: ServerFixtures.model(name))
            }
            try repository.add("mnist", file: ServerFixtures.mnist)
            return await ServerFixtures.server(repository)
        }
        self.task = task
        return try await task.value
    }
}

/// A model repository in a temporary directory.
final class TemporaryRepository: Sendable {
    /// The repository directory.
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ort-serve-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        path = url.path
    }

    /// Adds `<name>/<version>/<fileName>` copied from `file`, and a `config.pbtxt` if given.
    func add(_ name: String, version: Int = 1, file: String, config: String? = nil, fileName: String = "model.onnx")
        throws
    {
        let directory = "\(path)/\(name)/\(version)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let destination = "\(directory)/\(fileName)"
        if FileManager.default.fileExists(atPath: destination) {
            try FileManager.default.removeItem(atPath: destination)
        }
        try FileManager.default.copyItem(atPath: file, toPath: destination)
        if let config { try writeConfig(name, config) }
    }

    /// Adds a version whose model file holds `bytes` (for broken models).
    func add(_ name: String, version: Int = 1, bytes: [UInt8]) throws {
        let directory = "\(path)/\(name)/\(version)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/model.onnx"))
    }

    /// Writes `<name>/config.pbtxt`.
    func writeConfig(_ name: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: "\(path)/\(name)", withIntermediateDirectories: true)
        try text.write(toFile: "\(path)/\(name)/config.pbtxt", atomically: true, encoding: .utf8)
    }

    /// Removes a model directory or a version directory.
    func remove(_ name: String, version: Int? = nil) throws {
        try FileManager.default.removeItem(atPath: version.map { "\(path)/\(name)/\($0)" } ?? "\(path)/\(name)")
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

// MARK: - Requests and responses

/// Helpers for sending KServe requests through a test client and reading the answers.
extension TestClientProtocol {
    /// Sends a GET and returns status and JSON body.
    func getJSON(_ uri: String, headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, JSONValue) {
        let response = try await execute(uri: uri, method: .get, headers: headers)
        return (response.status, try response.json())
    }

    /// Sends a POST with a JSON body and returns status and JSON body (`null` for an empty body).
    func postJSON(_ uri: String, _ body: JSONValue?, headers: HTTPFields = [:]) async throws -> (
        HTTPResponse.Status, JSONValue
    ) {
        var bytes: [UInt8] = []
        if let body {
            var writer = JSONWriter()
            writer.write(body)
            bytes = writer.bytes
        }
        let response = try await execute(
            uri: uri, method: .post, headers: headers, body: body == nil ? nil : ByteBuffer(bytes: bytes))
        return (response.status, try response.json())
    }

    /// Sends a raw POST.
    func post(_ uri: String, bytes: [UInt8], headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(bytes: bytes))
    }

    /// Sends an inference request (JSON and optional binary part) and decodes the response.
    func infer(_ model: String, _ request: InferenceTestRequest, version: Int? = nil) async throws
        -> InferenceTestResponse
    {
        let uri = "/v2/models/\(model)" + (version.map { "/versions/\($0)" } ?? "") + "/infer"
        let (body, headerLength) = request.encoded()
        var headers = HTTPFields()
        if let headerLength { headers[HTTPField.Name("Inference-Header-Content-Length")!] = String(headerLength) }
        let response = try await post(uri, bytes: body, headers: headers)
        return try InferenceTestResponse(response)
    }
}

extension TestResponse {
    /// The body as bytes.
    var bytes: [UInt8] { Array(body.readableBytesView) }

    /// The body parsed as JSON (`null` if empty).
    func json() throws -> JSONValue {
        let bytes = self.bytes
        if bytes.isEmpty { return .null }
        return try JSONParser.parse(bytes)
    }

    /// The `error` message of an error body.
    var errorMessage: String {
        ((try? json())?["error"]?.stringValue) ?? "<no error message: \(String(decoding: bytes, as: UTF8.self))>"
    }
}

/// An inference request under construction: inputs as JSON data or binary data, and requested outputs.
struct InferenceTestRequest: Sendable {
    struct Input: Sendable {
        var name: String
        var datatype: String
        var shape: [Int]
        var json: JSONValue?
        var binary: [UInt8]?
        var extraParameters: JSONObject = [:]
    }

    var id: String?
    var parameters: JSONObject?
    var inputs: [Input] = []
    var outputs: [(name: String, parameters: JSONObject?)]?

    init(id: String? = nil, parameters: JSONObject? = nil) {
        self.id = id
        self.parameters = parameters
    }

    /// Adds an input with JSON data.
    mutating func add(_ name: String, _ datatype: String, _ shape: [Int], json: JSONValue) {
        inputs.append(Input(name: name, datatype: datatype, shape: shape, json: json))
    }

    /// Adds an input with binary data.
    mutating func add(_ name: String, _ datatype: String, _ shape: [Int], binary: [UInt8]) {
        inputs.append(Input(name: name, datatype: datatype, shape: shape, binary: binary))
    }

    /// Asks for an output, optionally as binary data.
    mutating func output(_ name: String, binary: Bool? = nil) {
        outputs = (outputs ?? []) + [(name, binary.map { ["binary_data": .bool($0)] })]
    }

    /// The JSON header and binary part.
    func encoded() -> (body: [UInt8], headerLength: Int?) {
        var object = JSONObject()
        if let id { object["id"] = .string(id) }
        if let parameters { object["parameters"] = .object(parameters) }
        var binary: [UInt8] = []
        var hasBinary = false
        object["inputs"] = .array(
            inputs.map { input in
                var entry: JSONObject = [
                    "name": .string(input.name), "shape": .array(input.shape.map { .number(.int(Int64($0))) }),
                    "datatype": .string(input.datatype),
                ]
                var parameters = input.extraParameters
                if let data = input.binary {
                    parameters["binary_data_size"] = .number(.int(Int64(data.count)))
                    binary += data
                    hasBinary = true
                }
                if !parameters.isEmpty { entry["parameters"] = .object(parameters) }
                if let json = input.json { entry["data"] = json }
                return .object(entry)
            })
        if let outputs {
            object["outputs"] = .array(
                outputs.map { output in
                    var entry: JSONObject = ["name": .string(output.name)]
                    if let parameters = output.parameters { entry["parameters"] = .object(parameters) }
                    return .object(entry)
                })
        }
        var writer = JSONWriter()
        writer.write(.object(object))
        guard hasBinary else { return (writer.bytes, nil) }
        return (writer.bytes + binary, writer.bytes.count)
    }
}

/// A decoded inference response.
struct InferenceTestResponse: Sendable {
    let status: HTTPResponse.Status
    let json: JSONValue
    let binary: [String: [UInt8]]
    let headerLength: Int?
    let contentType: String?

    init(_ response: TestResponse) throws {
        status = response.status
        contentType = response.headers[.contentType]
        let bytes = response.bytes
        headerLength = response.headers[HTTPField.Name("Inference-Header-Content-Length")!].flatMap { Int($0) }
        let jsonEnd = headerLength ?? bytes.count
        json = bytes.isEmpty ? .null : try JSONParser.parse(Array(bytes[0..<jsonEnd]))
        var binary: [String: [UInt8]] = [:]
        var offset = jsonEnd
        for output in json["outputs"]?.arrayValue ?? [] {
            if let size = output["parameters"]?["binary_data_size"]?.int64Value, let name = output["name"]?.stringValue
            {
                binary[name] = Array(bytes[offset..<(offset + Int(size))])
                offset += Int(size)
            }
        }
        self.binary = binary
    }

    /// The output object with this name.
    func output(_ name: String) -> JSONValue? {
        json["outputs"]?.arrayValue?.first { $0["name"]?.stringValue == name }
    }

    /// The `error` message.
    var errorMessage: String { json["error"]?.stringValue ?? "<no error: \(json.jsonText)>" }
}

// MARK: - Byte helpers

/// Little-endian bytes of fixed-width values, and BYTES elements in the binary extension's form.
enum LittleEndian {
    static func bytes<T: FixedWidthInteger>(_ values: [T]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    }

    static func values<T: FixedWidthInteger>(_ bytes: [UInt8], as type: T.Type) -> [T] {
        let size = MemoryLayout<T>.size
        return stride(from: 0, to: bytes.count, by: size).map { offset in
            bytes[offset..<(offset + size)].reversed().reduce(T.zero) { $0 << 8 | T($1) }
        }
    }

    static func strings(_ strings: [String]) -> [UInt8] {
        strings.flatMap { string -> [UInt8] in
            let utf8 = Array(string.utf8)
            return bytes([UInt32(utf8.count)]) + utf8
        }
    }

    static func decodeStrings(_ bytes: [UInt8]) -> [String] {
        var result: [String] = []
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(values(Array(bytes[offset..<(offset + 4)]), as: UInt32.self)[0])
            offset += 4
            result.append(String(decoding: bytes[offset..<(offset + length)], as: UTF8.self))
            offset += length
        }
        return result
    }
}

extension JSONValue {
    /// A JSON array of integers.
    static func ints(_ values: [Int64]) -> JSONValue { .array(values.map { .number(.int($0)) }) }
    /// A JSON array of numbers.
    static func doubles(_ values: [Double]) -> JSONValue { .array(values.map { .number(.double($0)) }) }
    /// A JSON array of strings.
    static func strings(_ values: [String]) -> JSONValue { .array(values.map { .string($0) }) }
    /// The elements of a JSON array as doubles.
    var doubles: [Double] { arrayValue?.compactMap(\.doubleValue) ?? [] }
    /// The elements of a JSON array as integers.
    var int64s: [Int64] { arrayValue?.compactMap(\.int64Value) ?? [] }
}
