#if Server
import Hummingbird
import ONNXRuntimeServing

/// Guards the model repository endpoints: open, disabled (403), or requiring `Authorization: Bearer <token>`
/// (401 without credentials, 403 with wrong ones).
struct RepositoryAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let access: RepositoryAccess

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        switch access {
        case .open:
            break
        case .disabled:
            throw ServingError(.forbidden, "the model repository API is disabled on this server")
        case .token(let expected):
            guard let header = request.headers[.authorization] else {
                throw ServingError(
                    .unauthorized, "the model repository API needs an 'Authorization: Bearer <token>' header")
            }
            let prefix = "bearer "
            guard header.count > prefix.count, header.prefix(prefix.count).lowercased() == prefix else {
                throw ServingError(.unauthorized, "the Authorization header must use the Bearer scheme")
            }
            let given = header.dropFirst(prefix.count).trimmingPrefix(while: { $0 == " " })
            guard Self.constantTimeEqual(Array(given.utf8), Array(expected.utf8)) else {
                throw ServingError(.forbidden, "the repository token is not valid")
            }
        }
        return try await next(request, context)
    }

    /// Compares without stopping at the first difference, so timing does not reveal how much of a guess is right.
    static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: lhs.count ^ rhs.count)
        for index in 0..<max(lhs.count, rhs.count) {
            let left = index < lhs.count ? lhs[index] : 0
            let right = index < rhs.count ? rhs[index] : 0
            difference |= left ^ right
        }
        return difference == 0 && lhs.count == rhs.count
    }
}
#endif
