#if Server
import Hummingbird
import Logging
import ONNXRuntimeServing

/// Turns every failure into the protocol's error body (`{"error": "..."}`) with the right status, including the
/// router's own 404 and 405, and logs each request with its status and duration.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        let start = ContinuousClock.now
        var response: Response
        var message: String?
        do {
            response = try await next(request, context)
        } catch let error as ServingError {
            response = HTTPMessages.error(error)
            message = error.message
        } catch let error as HTTPError {
            let text =
                switch error.status {
                case .notFound: "no endpoint \(request.method) \(request.uri.path)"
                case .methodNotAllowed: "method \(request.method) is not allowed on \(request.uri.path)"
                default: error.body ?? error.status.reasonPhrase
                }
            response = HTTPMessages.error(ServingError(Self.kind(error.status), text))
            response.status = error.status
            message = text
        } catch let error as any HTTPResponseError {
            let text = error.status == .contentTooLarge ? "the request body is too large" : "\(error)"
            response = HTTPMessages.error(ServingError(Self.kind(error.status), text))
            response.status = error.status
            message = text
        } catch {
            let failure = ServingError.internal("internal error: \(error)")
            response = HTTPMessages.error(failure)
            message = failure.message
        }
        RequestLog.record(
            context.logger, method: request.method, path: request.uri.path, status: response.status, since: start,
            error: message)
        return response
    }

    private static func kind(_ status: HTTPResponse.Status) -> ServingError.Kind {
        switch status.code {
        case 401: .unauthorized
        case 403: .forbidden
        case 404, 405: .notFound
        case 413: .payloadTooLarge
        case 400..<500: .badRequest
        case 503: .unavailable
        default: .internal
        }
    }
}
/// The line logged for each HTTP request, by ``ErrorMiddleware`` and by ``RESTInferenceHandler``.
enum RequestLog {
    /// Logs a request's method, path, status and duration (and its error), at a level that follows the status:
    /// debug for success, info for a client's error, warning for 503, error for other server errors. The path and
    /// the duration are worked out only when the line is logged.
    static func record(
        _ logger: Logger, method: HTTPRequest.Method, path: @autoclosure () -> some StringProtocol,
        status: HTTPResponse.Status, since start: ContinuousClock.Instant, error message: String?
    ) {
        let level: Logger.Level =
            switch status.code {
            case 503: .warning
            case 500...: .error
            case 400..<500: .info
            default: .debug
            }
        guard logger.logLevel <= level else { return }
        let elapsed = ContinuousClock.now - start
        let milliseconds = Double(elapsed.components.seconds) * 1e3 + Double(elapsed.components.attoseconds) / 1e15
        var metadata: Logger.Metadata = [
            "method": "\(method)", "path": "\(path())", "status": "\(status.code)",
            "duration_ms": "\((milliseconds * 1000).rounded() / 1000)",
        ]
        if let message { metadata["error"] = "\(message)" }
        logger.log(level: level, "request", metadata: metadata)
    }
}
#endif
