#if Server
import Foundation
import GRPCCore
import KServeGRPCProtocol
import Logging
import ONNXRuntimeServing
import ONNXRuntimeServingGRPC
import SwiftProtobuf

/// The `inference.GRPCInferenceService` over the serving core: each RPC maps to one ``InferenceEngine`` method, as
/// each REST endpoint does, and a ``ServingError`` becomes the gRPC status Triton sends for it (see
/// ``ServingError/grpcCode``). ``GRPCRoutes`` maps the methods' paths here; the repository RPCs are guarded there.
struct KServeGRPCService: Sendable {
    let engine: InferenceEngine
    let access: RepositoryAccess
    let logger: Logger
    /// The live log settings, for the logging extension.
    var logSettings: LogSettings? = nil
    /// The trace extension's settings and exporter.
    var tracing: RequestTracing? = nil

    // MARK: - Health and metadata

    func serverLive(_ request: Inference_ServerLiveRequest) async throws(RPCError) -> Inference_ServerLiveResponse {
        .with { $0.live = engine.isLive }
    }

    func serverReady(_ request: Inference_ServerReadyRequest) async throws(RPCError) -> Inference_ServerReadyResponse {
        let ready = await engine.isReady
        return .with { $0.ready = ready }
    }

    func modelReady(_ request: Inference_ModelReadyRequest) async throws(RPCError) -> Inference_ModelReadyResponse {
        // As Triton: an unknown or unloaded model is simply not ready; only a malformed name or version is an error.
        let (name, version) = try Self.model(request.name, request.version)
        let ready = (try? engine.model(name, version: version)) != nil
        return .with { $0.ready = ready }
    }

    func serverMetadata(_ request: Inference_ServerMetadataRequest) async throws(RPCError)
        -> Inference_ServerMetadataResponse
    {
        ServerMetadata(
            name: engine.configuration.serverName, version: engine.configuration.serverVersion,
            extensions: ServerExtensions.names(
                access: access, sharedMemory: engine.isSharedMemoryEnabled, logging: logSettings != nil,
                trace: tracing != nil)
        ).message
    }

    func modelMetadata(_ request: Inference_ModelMetadataRequest) async throws(RPCError)
        -> Inference_ModelMetadataResponse
    {
        let (name, version) = try Self.model(request.name, request.version)
        let model = try Self.call { () throws(ServingError) in try engine.model(name, version: version) }
        let versions = version.map { [$0] } ?? engine.loadedVersions(of: name)
        return ModelMetadata(
            name: name, versions: versions.map(String.init), platform: model.config.platform,
            inputs: model.signature.inputs.map(\.metadata), outputs: model.signature.outputs.map(\.metadata)
        ).message
    }

    // MARK: - Inference

    func modelInfer(_ request: Inference_ModelInferRequest) async throws(RPCError) -> Inference_ModelInferResponse {
        try await Self.call { () async throws(ServingError) in try await infer(request) }
    }

    /// One message of `ModelStreamInfer`: every request gets one response, in order; a failed request is answered
    /// with its message in `error_message` and the stream goes on.
    func modelStreamInfer(_ message: Inference_ModelInferRequest) async -> Inference_ModelStreamInferResponse {
        var answer = Inference_ModelStreamInferResponse()
        do {
            answer.inferResponse = try await infer(message)
        } catch {
            answer.errorMessage = error.message
            answer.inferResponse = .with {
                $0.modelName = message.modelName
                $0.modelVersion = message.modelVersion
                $0.id = message.id
            }
        }
        return answer
    }

    private func infer(_ message: Inference_ModelInferRequest) async throws(ServingError)
        -> Inference_ModelInferResponse
    {
        let (name, version) = try Self.checkedModel(message.modelName, message.modelVersion)
        let maximumElements = engine.configuration.limits.maxTensorElements
        let infer = { () async throws(ServingError) -> InferenceResult in
            try await engine.inferResult(model: name, version: version, logger: logger) {
                model throws(ServingError) in
                try GRPCInferRequestDecoder.request(
                    from: message, outputNames: model.signature.outputs.map(\.name), maximumElements: maximumElements)
            }
        }
        let result: InferenceResult
        if let tracing {
            let headers = GRPCTraceHeaders.current
            do {
                result = try await tracing.run(
                    model: name, traceparent: headers?.traceparent ?? [], tracestate: headers?.tracestate ?? [],
                    receive: .grpcReceiveEnd, send: .grpcSendStart
                ) { try await infer() }
            } catch let error as ServingError {
                throw error
            } catch {
                throw .internal("\(error)")
            }
        } else {
            result = try await infer()
        }
        return .with {
            $0.modelName = result.modelName
            $0.modelVersion = result.modelVersion
            $0.id = result.id ?? ""
            $0.outputs = result.outputs.map { output in
                .with {
                    $0.name = output.name
                    $0.datatype = output.datatype.rawValue
                    $0.shape = output.shape.map(Int64.init)
                    if let parameters = output.parameters { $0.parameters = Self.message(parameters) }
                }
            }
            $0.rawOutputContents = result.outputs.map { Data($0.data) }
        }
    }

    // MARK: - Trace extension

    /// Triton's `TraceSetting`: reads the global or a model's trace settings, after applying the request's changes
    /// (a setting with no values goes back to the global value, or the start-up one).
    func traceSetting(_ request: Inference_TraceSettingRequest) async throws(RPCError) -> Inference_TraceSettingResponse
    {
        guard let tracing else {
            throw RPCError(code: .unimplemented, message: "the server has no trace settings")
        }
        let model = request.modelName.isEmpty ? nil : request.modelName
        try Self.call { () throws(ServingError) in
            if let model, engine.loadedVersions(of: model).isEmpty {
                throw ServingError.badRequest("Request for unknown model : \(model)")
            }
            if !request.settings.isEmpty {
                try tracing.settings.update(
                    model: model,
                    request.settings.sorted { $0.key < $1.key }.map { name, value in
                        (name, value.value.isEmpty ? .clear : .values(value.value))
                    })
            }
        }
        return .with { response in
            for setting in tracing.settings.settings(model: model) {
                response.settings[setting.name] = .with { $0.value = setting.values }
            }
        }
    }

    // MARK: - Configuration and statistics

    func modelConfig(_ request: Inference_ModelConfigRequest) async throws(RPCError) -> Inference_ModelConfigResponse {
        let (name, version) = try Self.model(request.name, request.version)
        let config = try Self.call { () throws(ServingError) in try engine.config(model: name, version: version) }
        return .with { $0.config = GRPCModelConfig.message(config) }
    }

    func modelStatistics(_ request: Inference_ModelStatisticsRequest) async throws(RPCError)
        -> Inference_ModelStatisticsResponse
    {
        let statistics = try Self.call { () throws(ServingError) in
            if request.name.isEmpty {
                guard request.version.isEmpty else {
                    throw ServingError.badRequest("a version was given without a model name")
                }
                return try engine.statistics(model: nil, version: nil)
            }
            let (name, version) = try Self.checkedModel(request.name, request.version)
            return try engine.statistics(model: name, version: version)
        }
        return .with { $0.modelStats = statistics.map(\.message) }
    }

    // MARK: - Model repository

    func repositoryIndex(_ request: Inference_RepositoryIndexRequest) async throws(RPCError)
        -> Inference_RepositoryIndexResponse
    {
        let entries = await engine.repositoryIndex(readyOnly: request.ready)
        return .with { $0.models = entries.map(\.message) }
    }

    func repositoryModelLoad(_ request: Inference_RepositoryModelLoadRequest) async throws(RPCError)
        -> Inference_RepositoryModelLoadResponse
    {
        try await Self.call { () async throws(ServingError) in
            let name = try ModelName.validate(request.modelName)
            var configOverride: String?
            var parameters = JSONObject()
            var files: [String: [UInt8]] = [:]
            for (key, parameter) in request.parameters.sorted(by: { $0.key < $1.key }) {
                if key == "config", case .stringParam(let json)? = parameter.parameterChoice {
                    configOverride = try ConfigOverride.textFormat(json, model: name)
                } else if key.hasPrefix(ModelUpload.parameterPrefix) {
                    let file = try UploadParameters.file(key, parameter, model: name)
                    files[file.path] = file.bytes
                } else {
                    parameters[key] = .bool(true)
                }
            }
            try await engine.loadModel(
                name, parameters: parameters.isEmpty ? nil : parameters, configOverride: configOverride,
                upload: files.isEmpty ? nil : ModelUpload(files: files))
        }
        return Inference_RepositoryModelLoadResponse()
    }

    func repositoryModelUnload(_ request: Inference_RepositoryModelUnloadRequest) async throws(RPCError)
        -> Inference_RepositoryModelUnloadResponse
    {
        try await Self.call { () async throws(ServingError) in
            let name = try ModelName.validate(request.modelName)
            var parameters = JSONObject()
            if let dependents = request.parameters["unload_dependents"] {
                guard case .boolParam(let flag)? = dependents.parameterChoice else {
                    throw .badRequest(
                        "failed to unload '\(name)': the parameter 'unload_dependents' must be a boolean (bool_param)")
                }
                parameters["unload_dependents"] = .bool(flag)
            }
            try await engine.unloadModel(name, parameters: parameters)
        }
        return Inference_RepositoryModelUnloadResponse()
    }

    // MARK: - Shared memory

    func systemSharedMemoryStatus(_ request: Inference_SystemSharedMemoryStatusRequest) async throws(RPCError)
        -> Inference_SystemSharedMemoryStatusResponse
    {
        let regions = try Self.call { () throws(ServingError) in
            try engine.systemSharedMemoryStatus(region: request.name.isEmpty ? nil : request.name)
        }
        return .with { message in
            for region in regions { message.regions[region.name] = region.message }
        }
    }

    func systemSharedMemoryRegister(_ request: Inference_SystemSharedMemoryRegisterRequest) async throws(RPCError)
        -> Inference_SystemSharedMemoryRegisterResponse
    {
        try Self.call { () throws(ServingError) in
            guard let offset = Int(exactly: request.offset), let byteSize = Int(exactly: request.byteSize) else {
                throw ServingError.badRequest(
                    "failed to register shared memory region '\(request.name)': invalid args: offset "
                        + "\(request.offset) or byte_size \(request.byteSize) is too large")
            }
            try engine.registerSystemSharedMemory(
                name: request.name, key: request.key, offset: offset, byteSize: byteSize)
        }
        return Inference_SystemSharedMemoryRegisterResponse()
    }

    func systemSharedMemoryUnregister(_ request: Inference_SystemSharedMemoryUnregisterRequest) async throws(RPCError)
        -> Inference_SystemSharedMemoryUnregisterResponse
    {
        try Self.call { () throws(ServingError) in
            try engine.unregisterSystemSharedMemory(region: request.name.isEmpty ? nil : request.name)
        }
        return Inference_SystemSharedMemoryUnregisterResponse()
    }

    func cudaSharedMemoryStatus(_ request: Inference_CudaSharedMemoryStatusRequest) async throws(RPCError)
        -> Inference_CudaSharedMemoryStatusResponse
    {
        try Self.call { () throws(ServingError) in
            try engine.checkCUDASharedMemoryStatus(region: request.name)
        }
        return Inference_CudaSharedMemoryStatusResponse()
    }

    func cudaSharedMemoryRegister(_ request: Inference_CudaSharedMemoryRegisterRequest) async throws(RPCError)
        -> Inference_CudaSharedMemoryRegisterResponse
    {
        try Self.call { () throws(ServingError) in try engine.registerCUDASharedMemory(name: request.name) }
        return Inference_CudaSharedMemoryRegisterResponse()
    }

    func cudaSharedMemoryUnregister(_ request: Inference_CudaSharedMemoryUnregisterRequest) async throws(RPCError)
        -> Inference_CudaSharedMemoryUnregisterResponse
    {
        try Self.call { () throws(ServingError) in
            try engine.unregisterCUDASharedMemory(region: request.name.isEmpty ? nil : request.name)
        }
        return Inference_CudaSharedMemoryUnregisterResponse()
    }

    // MARK: - Logging

    /// Triton's logging extension: applies the settings given (all or none, as ``LogSettings/update(_:)`` does,
    /// with its messages) and answers every setting. ``GRPCRoutes`` has the method only when the server has live
    /// log settings.
    func updateLogSettings(_ request: Inference_LogSettingsRequest) async throws(RPCError)
        -> Inference_LogSettingsResponse
    {
        guard let logSettings else {
            throw RPCError(code: .unimplemented, message: "the server has no logging extension")
        }
        let values = try Self.call { () throws(ServingError) in
            // Sorted, so that of several bad settings the same one is named every time.
            try logSettings.update(
                request.settings.sorted { $0.key < $1.key }.map { entry in
                    let value: LogSettings.SettingValue =
                        switch entry.value.parameterChoice {
                        case .boolParam(let flag): .bool(flag)
                        case .uint32Param(let level): .integer(UInt64(level))
                        case .stringParam(let text): .string(text)
                        case nil: .other("no value")
                        }
                    return (entry.key, value)
                })
        }
        // Triton's answer: all six, log_file and log_format as strings, log_verbose_level as a uint32.
        typealias Value = Inference_LogSettingsResponse.SettingValue
        return .with {
            $0.settings = [
                "log_file": Value.with { $0.stringParam = "" },
                "log_info": Value.with { $0.boolParam = values.info },
                "log_warning": Value.with { $0.boolParam = values.warning },
                "log_error": Value.with { $0.boolParam = values.error },
                "log_verbose_level": Value.with { $0.uint32Param = UInt32(clamping: values.verboseLevel) },
                "log_format": Value.with { $0.stringParam = values.format.rawValue },
            ]
        }
    }

    // MARK: - Helpers

    /// Response parameters as protobuf parameters (integers as `int64_param`, as Triton sends them).
    static func message(_ parameters: JSONObject) -> [String: Inference_InferParameter] {
        var map: [String: Inference_InferParameter] = [:]
        for (key, value) in parameters {
            switch value {
            case .bool(let flag): map[key] = .with { $0.boolParam = flag }
            case .string(let text): map[key] = .with { $0.stringParam = text }
            case .number(.int(let number)): map[key] = .with { $0.int64Param = number }
            case .number(.uint(let number)): map[key] = .with { $0.uint64Param = number }
            case .number(.double(let number)): map[key] = .with { $0.doubleParam = number }
            default: continue
            }
        }
        return map
    }

    /// Checks a model name and an optional version ("" for none).
    static func model(_ name: String, _ version: String) throws(RPCError) -> (String, Int?) {
        try call { () throws(ServingError) in try checkedModel(name, version) }
    }

    /// Checks a model name and an optional version ("" for none).
    static func checkedModel(_ name: String, _ version: String) throws(ServingError) -> (String, Int?) {
        (try ModelName.validate(name), version.isEmpty ? nil : try ModelName.validateVersion(version))
    }

    /// Runs `body`, turning a ``ServingError`` into the gRPC status for it.
    static func call<T>(_ body: () throws(ServingError) -> T) throws(RPCError) -> T {
        do {
            return try body()
        } catch {
            throw error.rpcError
        }
    }

    /// Runs `body`, turning a ``ServingError`` into the gRPC status for it.
    static func call<T>(_ body: () async throws(ServingError) -> T) async throws(RPCError) -> T {
        do {
            return try await body()
        } catch {
            throw error.rpcError
        }
    }
}
#endif
