#if Server && Client
import ContentCoding
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

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
    /// - Parameters:
    ///   - coding: Compresses the body with it (`Content-Encoding`).
    ///   - acceptEncoding: The `Accept-Encoding` header to send.
    func infer(
        _ model: String, _ request: InferenceTestRequest, version: Int? = nil, coding: ContentCoding? = nil,
        acceptEncoding: String? = nil
    ) async throws -> InferenceTestResponse {
        let uri = "/v2/models/\(model)" + (version.map { "/versions/\($0)" } ?? "") + "/infer"
        var (body, headerLength) = request.encoded()
        var headers = HTTPFields()
        if let headerLength { headers[HTTPField.Name("Inference-Header-Content-Length")!] = String(headerLength) }
        if let coding {
            body = Array(coding.compressed(body).readableBytesView)
            headers[.contentEncoding] = coding.rawValue
        }
        if let acceptEncoding { headers[.acceptEncoding] = acceptEncoding }
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
    /// The response's `Content-Encoding`; the body is decompressed before it is read.
    let contentEncoding: String?

    init(_ response: TestResponse) throws {
        status = response.status
        contentType = response.headers[.contentType]
        contentEncoding = response.headers[.contentEncoding]
        var bytes = response.bytes
        if let encoding = contentEncoding {
            let coding = try #require(ContentCoding(name: encoding), "unknown Content-Encoding \(encoding)")
            bytes = Array(try coding.decompressed(response.body, limit: 1 << 30).readableBytesView)
        }
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
#endif
