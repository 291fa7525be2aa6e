#if Server
import GRPCCore
import ONNXRuntimeServing

extension ServingError {
    /// The gRPC status code for the error, as Triton's gRPC endpoint maps its errors: a bad request is
    /// `INVALID_ARGUMENT`, a shared memory region registered twice `ALREADY_EXISTS`, an unknown model `NOT_FOUND`, a model that is not ready, a full queue or a timeout
    /// `UNAVAILABLE`, a request over the size limit `RESOURCE_EXHAUSTED`, an unknown coding `UNIMPLEMENTED`, missing
    /// or wrong credentials `UNAUTHENTICATED` or `PERMISSION_DENIED`, and a failure inside the server `INTERNAL`.
    public var grpcCode: RPCError.Code {
        switch kind.known {
        case .badRequest: .invalidArgument
        case .alreadyExists: .alreadyExists
        case .unauthorized: .unauthenticated
        case .forbidden: .permissionDenied
        case .notFound: .notFound
        case .payloadTooLarge: .resourceExhausted
        case .unsupportedMediaType: .unimplemented
        case .internal: .internalError
        case .unavailable: .unavailable
        }
    }

    /// The error as a gRPC status to send.
    var rpcError: RPCError {
        RPCError(code: grpcCode, message: message)
    }
}
#endif
