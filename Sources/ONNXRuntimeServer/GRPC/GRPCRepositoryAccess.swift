#if Server
import GRPCCore
import Hummingbird
import ONNXRuntimeServing

/// Guards the model repository RPCs (`RepositoryIndex`, `RepositoryModelLoad`, `RepositoryModelUnload`) as the REST
/// server guards `/v2/repository/...`: open; disabled (`PERMISSION_DENIED`); or requiring the metadata
/// `authorization: Bearer <token>` (`UNAUTHENTICATED` without it, `PERMISSION_DENIED` with a wrong token).
struct GRPCRepositoryAccess: Sendable {
    let access: RepositoryAccess

    /// Checks the `authorization` metadata of a call to a guarded method.
    /// - Parameter authorization: The metadata's value, `nil` when the call has none.
    /// - Throws: The status to answer with when the call may not proceed.
    func check(authorization header: String?) throws(RPCError) {
        switch access {
        case .open:
            return
        case .disabled:
            throw ServingError(.forbidden, "the model repository API is disabled on this server").rpcError
        case .token(let expected):
            guard let header else {
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
#endif
