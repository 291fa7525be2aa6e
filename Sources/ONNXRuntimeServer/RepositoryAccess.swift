#if Server
/// Who may call the model repository endpoints (`/v2/repository/...`: index, load, unload).
public enum RepositoryAccess: Sendable, Hashable {
    /// Anyone who can reach the server.
    case open
    /// Only requests with `Authorization: Bearer <token>`; no credentials get 401, wrong ones 403.
    case token(String)
    /// Nobody: the endpoints answer 403 and the server metadata does not list `model_repository`.
    case disabled
}
#endif
