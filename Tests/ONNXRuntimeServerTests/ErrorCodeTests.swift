#if Server && Client
import GRPCCore
import ONNXRuntimeClient
import ONNXRuntimeServer
import ONNXRuntimeServing
import Testing

/// The error kinds of the server and the codes of the client are structs: they compare with `==`, print a name,
/// and each server kind keeps its HTTP and gRPC status.
@Suite("Error codes")
struct ErrorCodeTests {
    @Test func servingErrorKinds() {
        // The table from the protocol: kind, its words, HTTP status, gRPC status.
        let table: [(ServingError.Kind, String, Int, RPCError.Code)] = [
            (.badRequest, "bad request", 400, .invalidArgument),
            (.alreadyExists, "already exists", 400, .alreadyExists),
            (.unauthorized, "unauthorized", 401, .unauthenticated),
            (.forbidden, "forbidden", 403, .permissionDenied),
            (.notFound, "not found", 404, .notFound),
            (.payloadTooLarge, "payload too large", 413, .resourceExhausted),
            (.unsupportedMediaType, "unsupported media type", 415, .unimplemented),
            (.internal, "internal error", 500, .internalError),
            (.unavailable, "unavailable", 503, .unavailable),
        ]
        for (kind, words, status, grpc) in table {
            let error = ServingError(kind, "m")
            #expect(error.kind == kind)
            #expect("\(kind)" == words)
            #expect(kind.statusCode == status)
            #expect(error.statusCode == status)
            #expect(error.grpcCode == grpc, "\(kind)")
            #expect(error.description == "\(status): m")
        }
        #expect(Set(table.map(\.0)).count == 9)
        #expect(ServingError.notFound("x").kind == .notFound)
        #expect(ServingError.notFound("x").kind != .badRequest)
        #expect(ServingError.badRequest("x") == ServingError(.badRequest, "x"))
        #expect(ServingError.internal("x").kind == ServingError.Kind.internal)
        #expect(ServingError.unavailable("x").statusCode == 503)
    }

    @Test func clientErrorCodes() {
        let server = ClientError.server(status: 404, message: "unknown model 'nope'")
        #expect(server.code == .server)
        #expect(server.code != .transport)
        #expect(server.status == 404)
        #expect(server.message == "unknown model 'nope'")
        #expect(server.underlying == nil)
        #expect(server.description == "server error 404: unknown model 'nope'")

        let invalid = ClientError.invalidRequest("input 'x' has 3 elements, shape [2, 2] needs 4")
        #expect(invalid.code == .invalidRequest)
        #expect(invalid.status == nil)
        #expect(invalid.description == "invalid request: input 'x' has 3 elements, shape [2, 2] needs 4")

        let decoding = ClientError.decoding("response is not a JSON object")
        #expect(decoding.code == .decoding)
        #expect(decoding.description == "cannot decode the server's response: response is not a JSON object")

        struct Refused: Error, CustomStringConvertible {
            var description: String { "connection refused" }
        }
        let transport = ClientError.transport(Refused())
        #expect(transport.code == .transport)
        #expect(transport.status == nil)
        #expect(transport.message == "connection refused")
        #expect(transport.underlying is Refused)
        #expect(transport.description == "HTTP transport error: connection refused")

        let codes: [ClientError.Code] = [.server, .invalidRequest, .decoding, .transport]
        #expect(codes.map(\.description) == ["server", "invalidRequest", "decoding", "transport"])
        #expect(Set(codes).count == 4)

        // What a caller writes instead of an exhaustive switch.
        let kind =
            switch server.code {
            case .server: "server"
            default: "other"
            }
        #expect(kind == "server")
    }
}
#endif
