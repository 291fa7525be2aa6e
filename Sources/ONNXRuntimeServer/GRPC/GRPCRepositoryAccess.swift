import GRPCCore
import Hummingbird
import KServeGRPCProtocol
import ONNXRuntimeServing

/// Guards the model repository RPCs (`RepositoryIndex`, `RepositoryModelLoad`, `RepositoryModelUnload`) as the REST
/// server guards `/v2/repository/...`: open; disabled (`PERMISSION_DENIED`); or requiring the metadata
/// `authorization: Bearer <token>` (`UNAUTHENTICATED` without it, `PERMISSION_DENIED` with a wrong token).
struct GRPCRepositoryAccessInterceptor: ServerInterceptor {
    let access: RepositoryAccess

    /// The guarded methods.
    static let guardedMethods: Set<String> = ["RepositoryIndex", "RepositoryModelLoad", "RepositoryModelUnload"]

    /// The guarded methods' descriptors, for the server's interceptor pipeline.
    static let guardedDescriptors: Set<MethodDescriptor> = [
        Inference_GRPCInferenceService.Method.RepositoryIndex.descriptor,
        Inference_GRPCInferenceService.Method.RepositoryModelLoad.descriptor,
        Inference_GRPCInferenceService.Method.RepositoryModelUnload.descriptor,
    ]

    func intercept<Input: Sendable, Output: Sendable>(
        request: StreamingServerRequest<Input>, context: ServerContext,
        next: @Sendable (StreamingServerRequest<Input>, ServerContext) async throws -> StreamingServerResponse<Output>
    ) async throws -> StreamingServerResponse<Output> {
        if Self.guardedMethods.contains(context.descriptor.method) {
            try check(request.metadata)
        }
        return try await next(request, context)
    }

    private func check(_ metadata: Metadata) throws(RPCError) {
        switch access {
        case .open:
            return
        case .disabled:
            throw ServingError(.forbidden, "the model repository API is disabled on this server").rpcError
        case .token(let expected):
            guard let header = metadata[stringValues: "authorization"].first(where: { _ in true }) else {
                throw ServingError(
                    .unauthorized, "the model repository API needs 'authorization: Bearer <token>' metadata"
                ).rpcError
            }
            let prefix = "bearer "
            guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else {
                throw ServingError(.unauthorized, "the authorization metadata must use the Bearer scheme").rpcError
            }
            let given = header.dropFirst(prefix.count).trimmingPrefix(while: { $0 == " " })
            guard
                RepositoryAccessMiddleware<BasicRequestContext>.constantTimeEqual(
                    Array(given.utf8), Array(expected.utf8))
            else {
                throw ServingError(.forbidden, "the repository token is not valid").rpcError
            }
        }
    }
}
