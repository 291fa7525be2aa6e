#if Server
import ContentCoding
import Foundation
import HTTPTypes
import Hummingbird
import ONNXRuntimeServing

/// Building responses and reading requests the way the KServe V2 REST protocol needs.
enum HTTPMessages {
    /// `Inference-Header-Content-Length`: the size of the JSON part of a body with binary tensor data.
    static let inferenceHeaderContentLength = HTTPField.Name("Inference-Header-Content-Length")!

    /// A JSON response.
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        var writer = JSONWriter()
        writer.write(value)
        return bytes(writer.bytes, status: status, contentType: "application/json")
    }

    /// A response with a body of bytes.
    static func bytes(_ bytes: [UInt8], status: HTTPResponse.Status = .ok, contentType: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// An empty 200 response (load and unload answer this way).
    static func empty() -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: ResponseBody())
    }

    /// The protocol's error response: `{"error": "<message>"}` with the error's status.
    static func error(_ error: ServingError) -> Response {
        let (status, headers, body) = errorParts(error)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// An inference response, with `Inference-Header-Content-Length` when it carries binary data, compressed when
    /// `coding` is given (the request's `Accept-Encoding` asked for it) and the body is not tiny
    /// (``ContentCoding/minimumCompressedSize``). The header length stays that of the
    /// uncompressed body, as Triton's clients expect.
    static func inference(_ encoded: EncodedInferenceResponse, coding: ContentCoding? = nil) -> Response {
        let (headers, body) = inferenceParts(encoded, coding: coding)
        return Response(status: .ok, headers: headers, body: ResponseBody(byteBuffer: body))
    }

    /// The headers (without `Content-Length`) and body of an inference response: see
    /// ``inference(_:coding:)``. Both HTTP paths (the router and ``RESTInferenceHandler``) answer with these.
    static func inferenceParts(_ encoded: EncodedInferenceResponse, coding: ContentCoding?) -> (HTTPFields, ByteBuffer)
    {
        var headers = HTTPFields()
        headers[.contentType] = encoded.contentType
        let body: ByteBuffer
        if let coding, encoded.body.count >= ContentCoding.minimumCompressedSize {
            headers[.contentEncoding] = coding.rawValue
            body = coding.compressed(encoded.body, level: ContentCoding.responseLevel)
        } else {
            body = ByteBuffer(bytes: encoded.body)
        }
        if encoded.hasBinaryData {
            headers[inferenceHeaderContentLength] = String(encoded.jsonLength)
        }
        return (headers, body)
    }

    /// The status, headers (without `Content-Length`) and body of the protocol's error response: see ``error(_:)``.
    static func errorParts(_ error: ServingError) -> (HTTPResponse.Status, HTTPFields, ByteBuffer) {
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        if error.kind == .unauthorized {
            headers[.wwwAuthenticate] = "Bearer"
        }
        return (HTTPResponse.Status(code: error.statusCode), headers, ByteBuffer(bytes: error.jsonBody))
    }

    /// The coding to compress a response with, from the request's `Accept-Encoding`; `nil` for none.
    static func responseCoding(_ request: Request) -> ContentCoding? {
        responseCoding(request.headers)
    }

    /// The coding to compress a response with, from a request's `Accept-Encoding`; `nil` for none.
    static func responseCoding(_ headers: HTTPFields) -> ContentCoding? {
        responseCoding(acceptEncoding: headers[.acceptEncoding])
    }

    /// The coding to compress a response with, from the value of a request's `Accept-Encoding`; `nil` for none.
    static func responseCoding(acceptEncoding: String?) -> ContentCoding? {
        acceptEncoding.flatMap { ContentCoding.preferred(acceptEncoding: $0) }
    }

    /// Reads the whole body, refusing (413) one larger than `limit`: at once from `Content-Length` when the client
    /// sends it, otherwise as soon as the bytes received pass the limit. A body sent with `Content-Encoding` gzip or
    /// deflate is decompressed, and its decompressed size is held to the same limit (a bomb is cut off there); other
    /// codings are refused (415).
    static func body(of request: Request, limit: Int) async throws(ServingError) -> [UInt8] {
        let coding = try requestCoding(request.headers, limit: limit)
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw tooLarge(nil, limit)
        } catch {
            throw .badRequest("could not read the request body: \(error)")
        }
        return try decoded(buffer, coding: coding, limit: limit)
    }

    /// Checks a request's headers before its body is read: its `Content-Encoding` (gzip, deflate or identity, 415
    /// otherwise) and its `Content-Length` against `limit` (413).
    /// - Returns: The coding the body must be decompressed with; `nil` for none.
    static func requestCoding(_ headers: HTTPFields, limit: Int) throws(ServingError) -> ContentCoding? {
        try requestCoding(
            contentEncoding: headers[.contentEncoding], contentLength: headers[.contentLength], limit: limit)
    }

    /// ``requestCoding(_:limit:)`` from the values of the `Content-Encoding` and `Content-Length` headers.
    static func requestCoding(contentEncoding: String?, contentLength: String?, limit: Int) throws(ServingError)
        -> ContentCoding?
    {
        var coding: ContentCoding?
        if let encoding = contentEncoding, encoding.lowercased() != "identity" {
            guard let known = ContentCoding(name: encoding) else {
                throw ServingError(
                    .unsupportedMediaType,
                    "Content-Encoding '\(encoding)' is not supported; send the body as gzip, deflate or identity")
            }
            coding = known
        }
        if let text = contentLength, let length = Int(text), length > limit {
            throw tooLarge(length, limit)
        }
        return coding
    }

    /// A whole body's bytes, decompressed with `coding` if it is given; the decompressed size is held to `limit`
    /// (a bomb is cut off there).
    static func decoded(_ buffer: ByteBuffer, coding: ContentCoding?, limit: Int) throws(ServingError) -> [UInt8] {
        guard let coding else { return Array(buffer.readableBytesView) }
        do {
            return Array(try coding.decompressed(buffer, limit: limit).readableBytesView)
        } catch  where error.kind == .tooLarge {
            throw ServingError(
                .payloadTooLarge,
                "the request body decompresses to more than the \(limit) bytes this server accepts "
                    + "(--max-request-size)")
        } catch {
            throw .badRequest("the request body is not valid \(coding) (Content-Encoding): \(error.message)")
        }
    }

    /// The error for a body larger than `limit` (`length` when `Content-Length` said so).
    static func tooLarge(_ length: Int?, _ limit: Int) -> ServingError {
        ServingError(
            .payloadTooLarge,
            "the request body\(length.map { " (\($0) bytes)" } ?? "") is larger than the \(limit) bytes this server "
                + "accepts (--max-request-size)")
    }

    /// The `Inference-Header-Content-Length` header as a number, if present.
    static func headerLength(_ request: Request) throws(ServingError) -> Int? {
        try headerLength(request.headers)
    }

    /// The `Inference-Header-Content-Length` header of a request's headers as a number, if present.
    static func headerLength(_ headers: HTTPFields) throws(ServingError) -> Int? {
        try headerLength(text: headers[inferenceHeaderContentLength])
    }

    /// The value of an `Inference-Header-Content-Length` header as a number, if there is one.
    static func headerLength(text: String?) throws(ServingError) -> Int? {
        guard let text else { return nil }
        guard let value = Int(text) ?? Int(text.split(whereSeparator: \.isWhitespace).joined()), value >= 0 else {
            throw .badRequest("Inference-Header-Content-Length must be a non-negative integer, got '\(text)'")
        }
        return value
    }

    /// A small JSON body (index, load, unload requests): empty means `{}`.
    static func jsonObject(of request: Request, limit: Int = 1 << 20) async throws(ServingError) -> JSONObject {
        let bytes = try await body(of: request, limit: limit)
        guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) else {
            return JSONObject()
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(bytes)
        } catch {
            throw .badRequest("the request body is not valid JSON: \(error)")
        }
        guard let object = value.objectValue else {
            throw .badRequest("the request body must be a JSON object, got \(value.kindDescription)")
        }
        return object
    }

    /// A model name from the path: percent-decoded, then checked so it can never name a path outside the
    /// repository.
    static func modelName(_ context: some RequestContext) throws(ServingError) -> String {
        try modelName(raw: context.parameters.get("model"))
    }

    /// A model name from a path segment: see ``modelName(_:)``.
    static func modelName(raw: String?) throws(ServingError) -> String {
        guard let raw else { throw .badRequest("the path has no model name") }
        guard let decoded = raw.utf8.contains(UInt8(ascii: "%")) ? raw.removingPercentEncoding : raw else {
            throw .badRequest("the model name in the path is not valid percent-encoding")
        }
        return try ModelName.validate(decoded)
    }

    /// The version from the path, if the route has one.
    static func version(_ context: some RequestContext) throws(ServingError) -> Int? {
        try version(raw: context.parameters.get("version"))
    }

    /// The version from a path segment, if there is one: see ``version(_:)``.
    static func version(raw: String?) throws(ServingError) -> Int? {
        guard let raw else { return nil }
        guard let decoded = raw.utf8.contains(UInt8(ascii: "%")) ? raw.removingPercentEncoding : raw else {
            throw .badRequest("the model version in the path is not valid percent-encoding")
        }
        return try ModelName.validateVersion(decoded)
    }
}
#endif
