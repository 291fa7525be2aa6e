#if Server
import Logging
import ONNXRuntimeServing
import ServiceLifecycle

/// Runs the engine's lifecycle beside the HTTP server: loads the models at start, rescans the repositories in poll
/// mode, and on graceful shutdown marks the server not ready.
struct EngineService: Service, CustomStringConvertible {
    let engine: InferenceEngine
    let logger: Logger

    var description: String { "EngineService" }

    func run() async throws {
        await engine.start()
        if engine.configuration.controlMode == .poll {
            let interval = engine.configuration.pollInterval
            logger.info("polling the model repositories", metadata: ["interval": "\(interval)"])
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
                } catch {
                    break
                }
                guard !Task.isShuttingDownGracefully else { break }
                await engine.pollRepository()
            }
        } else {
            try? await gracefulShutdown()
        }
        engine.beginShutdown()
        logger.info("shutting down: finishing requests in progress")
    }
}
#endif
