#if Server
import HTTPTypes
import Hummingbird
import ONNXRuntimeServing

/// The KServe V2 REST endpoints and Triton's extensions (binary tensor data, model repository, statistics, model
/// configuration), each mapped to the `InferenceEngine`.
struct KServeRoutes<Context: RequestContext>: Sendable {
    let engine: InferenceEngine
    let access: RepositoryAccess
    /// The live log settings, for the logging extension.
    let logSettings: LogSettings?
    /// The trace extension's settings and exporter.
    var tracing: RequestTracing? = nil

    /// The extensions listed in the server metadata.
    var extensions: [String] {
        ServerExtensions.names(
            access: access, sharedMemory: engine.isSharedMemoryEnabled, logging: logSettings != nil,
            trace: tracing != nil)
    }

    func register(on router: Router<Context>) {
        router.get("/v2/health/live") { _, _ in
            HTTPMessages.json(.object(["live": .bool(engine.isLive)]))
        }
        router.get("/v2/health/ready") { _, _ in
            let ready = await engine.isReady
            return HTTPMessages.json(.object(["ready": .bool(ready)]), status: ready ? .ok : .serviceUnavailable)
        }
        router.get("/v2") { _, _ in serverMetadata() }
        if let logSettings {
            router.get("/v2/logging") { _, _ in HTTPMessages.json(logSettings.json) }
            router.post("/v2/logging") { request, _ in
                try logSettings.update(json: .object(try await HTTPMessages.jsonObject(of: request)))
                return HTTPMessages.json(logSettings.json)
            }
        }

        if let tracing {
            router.get("/v2/trace/setting") { _, _ in HTTPMessages.json(tracing.settings.json(model: nil)) }
            router.post("/v2/trace/setting") { request, _ in
                try tracing.settings.update(model: nil, json: try await HTTPMessages.jsonObject(of: request))
                return HTTPMessages.json(tracing.settings.json(model: nil))
            }
            router.get("/v2/models/:model/trace/setting") { _, context in
                let name = try traceModel(context)
                return HTTPMessages.json(tracing.settings.json(model: name))
            }
            router.post("/v2/models/:model/trace/setting") { request, context in
                let name = try traceModel(context)
                try tracing.settings.update(model: name, json: try await HTTPMessages.jsonObject(of: request))
                return HTTPMessages.json(tracing.settings.json(model: name))
            }
        }

        router.get("/v2/models/stats") { _, _ in
            HTTPMessages.json(ModelStatistics.responseJSON(try engine.statistics(model: nil, version: nil)))
        }
        for prefix in ["/v2/models/:model", "/v2/models/:model/versions/:version"] {
            router.get(RouterPath(prefix)) { _, context in
                let name = try HTTPMessages.modelName(context)
                return HTTPMessages.json(try engine.metadata(model: name, version: try HTTPMessages.version(context)))
            }
            router.get(RouterPath(prefix + "/ready")) { _, context in
                try modelReady(context)
            }
            router.get(RouterPath(prefix + "/config")) { _, context in
                let name = try HTTPMessages.modelName(context)
                return HTTPMessages.json(
                    try engine.config(model: name, version: try HTTPMessages.version(context)).json)
            }
            router.get(RouterPath(prefix + "/stats")) { _, context in
                let name = try HTTPMessages.modelName(context)
                let statistics = try engine.statistics(model: name, version: try HTTPMessages.version(context))
                return HTTPMessages.json(ModelStatistics.responseJSON(statistics))
            }
            router.post(RouterPath(prefix + "/infer")) { request, context in
                try await infer(request, context)
            }
        }

        let repository = router.group("/v2/repository").add(middleware: RepositoryAccessMiddleware(access: access))
        repository.post("index") { request, _ in
            let body = try await HTTPMessages.jsonObject(of: request)
            var readyOnly = false
            switch body["ready"] {
            case nil: break
            case .bool(let flag)?: readyOnly = flag
            case let other?: throw ServingError.badRequest("'ready' must be a boolean, got \(other.kindDescription)")
            }
            let entries = await engine.repositoryIndex(readyOnly: readyOnly)
            return HTTPMessages.json(.array(entries.map(\.json)))
        }
        repository.post("models/:model/load") { request, context in
            let name = try HTTPMessages.modelName(context)
            let body = try await HTTPMessages.jsonObject(of: request)
            var parameters = try parameters(body)
            let configOverride = try ConfigOverride.take(&parameters, model: name)
            let upload = try UploadParameters.take(&parameters, model: name)
            try await engine.loadModel(name, parameters: parameters, configOverride: configOverride, upload: upload)
            return HTTPMessages.empty()
        }
        repository.post("models/:model/unload") { request, context in
            let name = try HTTPMessages.modelName(context)
            let parameters = try parameters(try await HTTPMessages.jsonObject(of: request))
            try await engine.unloadModel(name, parameters: parameters)
            return HTTPMessages.empty()
        }
    }

    private func serverMetadata() -> Response {
        HTTPMessages.json(
            ServerMetadata(
                name: engine.configuration.serverName, version: engine.configuration.serverVersion,
                extensions: extensions
            ).json)
    }

    private func modelReady(_ context: Context) throws -> Response {
        let name = try HTTPMessages.modelName(context)
        let version = try HTTPMessages.version(context)
        do {
            _ = try engine.model(name, version: version)
            return HTTPMessages.json(.object(["name": .string(name), "ready": .bool(true)]))
        } catch  where error.kind == .unavailable {
            return HTTPMessages.json(
                .object(["name": .string(name), "ready": .bool(false), "error": .string(error.message)]),
                status: .serviceUnavailable)
        }
    }

    private func infer(_ request: Request, _ context: Context) async throws -> Response {
        let name = try HTTPMessages.modelName(context)
        let version = try HTTPMessages.version(context)
        // Resolve first, so an unknown model is a 404 before the body is read.
        _ = try engine.model(name, version: version)
        let headerLength = try HTTPMessages.headerLength(request)
        guard let tracing else {
            let body = try await HTTPMessages.body(of: request, limit: engine.configuration.limits.maxRequestBytes)
            let encoded = try await engine.infer(
                model: name, version: version, body: body, headerLength: headerLength, logger: context.logger)
            return HTTPMessages.inference(encoded, coding: HTTPMessages.responseCoding(request))
        }
        return try await tracing.run(
            model: name, traceparent: request.headers[values: RequestTracing.traceparent],
            tracestate: request.headers[values: RequestTracing.tracestate], receive: .httpReceiveStart,
            send: .httpSendStart
        ) {
            let body = try await HTTPMessages.body(of: request, limit: engine.configuration.limits.maxRequestBytes)
            RequestTrace.current?.record(.httpReceiveEnd)
            let encoded = try await engine.infer(
                model: name, version: version, body: body, headerLength: headerLength, logger: context.logger)
            return HTTPMessages.inference(encoded, coding: HTTPMessages.responseCoding(request))
        }
    }

    /// The model of a per-model trace setting request: one the repository has (Triton's error otherwise).
    private func traceModel(_ context: Context) throws -> String {
        let name = try HTTPMessages.modelName(context)
        guard !engine.loadedVersions(of: name).isEmpty else {
            throw ServingError.badRequest("Request for unknown model : \(name)")
        }
        return name
    }

    private func parameters(_ body: JSONObject) throws(ServingError) -> JSONObject? {
        switch body["parameters"] {
        case nil, .null?: return nil
        case .object(let object)?: return object
        case let other?: throw .badRequest("'parameters' must be an object, got \(other.kindDescription)")
        }
    }
}
#endif
