import Foundation
import GRPCCore
import KServeGRPCProtocol
import Logging
import ONNXRuntimeServing
import ONNXRuntimeServingGRPC
import SwiftProtobuf

/// The `inference.GRPCInferenceService` over the serving core: each RPC maps to one ``InferenceEngine`` method, as
/// each REST endpoint does, and a ``ServingError`` becomes the gRPC status Triton sends for it (see
/// ``ServingError/grpcCode``). The repository RPCs are guarded by ``GRPCRepositoryAccessInterceptor``.
struct KServeGRPCService: Inference_GRPCInferenceService.SimpleServiceProtocol {
    let engine: InferenceEngine
    let access: RepositoryAccess
    let logger: Logger

    // MARK: - Health and metadata

    func serverLive(request: Inference_ServerLiveRequest, context: ServerContext) async throws
        -> Inference_ServerLiveResponse
    {
        .with { $0.live = engine.isLive }
    }

    func serverReady(request: Inference_ServerReadyRequest, context: ServerContext) async throws
        -> Inference_ServerReadyResponse
    {
        let ready = await engine.isReady
        return .with { $0.ready = ready }
    }

    func modelReady(request: Inference_ModelReadyRequest, context: ServerContext) async throws
        -> Inference_ModelReadyResponse
    {
        // As Triton: an unknown or unloaded model is simply not ready; only a malformed name or version is an error.
        let (name, version) = try Self.model(request.name, request.version)
        let ready = (try? engine.model(name, version: version)) != nil
        return .with { $0.ready = ready }
    }

    func serverMetadata(request: Inference_ServerMetadataRequest, context: ServerContext) async throws
        -> Inference_ServerMetadataResponse
    {
        .with {
            $0.name = engine.configuration.serverName
            $0.version = engine.configuration.serverVersion
            $0.extensions = ServerExtensions.names(access: access)
        }
    }

    func modelMetadata(request: Inference_ModelMetadataRequest, context: ServerContext) async throws
        -> Inference_ModelMetadataResponse
    {
        let (name, version) = try Self.model(request.name, request.version)
        let model = try Self.call { () throws(ServingError) in try engine.model(name, version: version) }
        let versions = version.map { [$0] } ?? engine.loadedVersions(of: name)
        return .with {
            $0.name = name
            $0.versions = versions.map(String.init)
            $0.platform = ModelConfig.platformName
            $0.inputs = model.signature.inputs.map(Self.tensorMetadata)
            $0.outputs = model.signature.outputs.map(Self.tensorMetadata)
        }
    }

    private static func tensorMetadata(_ spec: TensorSpec) -> Inference_ModelMetadataResponse.TensorMetadata {
        .with {
            $0.name = spec.name
            $0.datatype = spec.datatype.rawValue
            $0.shape = spec.shape.map(Int64.init)
        }
    }

    // MARK: - Inference

    func modelInfer(request: Inference_ModelInferRequest, context: ServerContext) async throws
        -> Inference_ModelInferResponse
    {
        try await Self.call { () async throws(ServingError) in try await infer(request) }
    }

    func modelStreamInfer(
        request: RPCAsyncSequence<Inference_ModelInferRequest, any Error>,
        response: RPCWriter<Inference_ModelStreamInferResponse>, context: ServerContext
    ) async throws {
        // One response per request, in order; a failed request is answered with its message and the stream goes on.
        for try await message in request {
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
            try await response.write(answer)
        }
    }

    private func infer(_ message: Inference_ModelInferRequest) async throws(ServingError)
        -> Inference_ModelInferResponse
    {
        let (name, version) = try Self.checkedModel(message.modelName, message.modelVersion)
        let maximumElements = engine.configuration.limits.maxTensorElements
        let result = try await engine.inferResult(model: name, version: version, logger: logger) {
            model throws(ServingError) in
            try GRPCInferRequestDecoder.request(
                from: message, outputNames: model.signature.outputs.map(\.name), maximumElements: maximumElements)
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
                }
            }
            $0.rawOutputContents = result.outputs.map { Data($0.data) }
        }
    }

    // MARK: - Configuration and statistics

    func modelConfig(request: Inference_ModelConfigRequest, context: ServerContext) async throws
        -> Inference_ModelConfigResponse
    {
        let (name, version) = try Self.model(request.name, request.version)
        let config = try Self.call { () throws(ServingError) in try engine.config(model: name, version: version) }
        return .with { $0.config = GRPCModelConfig.message(config) }
    }

    func modelStatistics(request: Inference_ModelStatisticsRequest, context: ServerContext) async throws
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
        return .with { $0.modelStats = statistics.map(GRPCModelConfig.statistics) }
    }

    // MARK: - Model repository

    func repositoryIndex(request: Inference_RepositoryIndexRequest, context: ServerContext) async throws
        -> Inference_RepositoryIndexResponse
    {
        let entries = await engine.repositoryIndex(readyOnly: request.ready)
        return .with {
            $0.models = entries.map { entry in
                .with {
                    $0.name = entry.name
                    $0.version = entry.version ?? ""
                    $0.state = entry.state?.rawValue ?? ""
                    $0.reason = entry.reason
                }
            }
        }
    }

    func repositoryModelLoad(request: Inference_RepositoryModelLoadRequest, context: ServerContext) async throws
        -> Inference_RepositoryModelLoadResponse
    {
        try await Self.call { () async throws(ServingError) in
            let name = try ModelName.validate(request.modelName)
            var parameters = JSONObject()
            for key in request.parameters.keys.sorted() { parameters[key] = .bool(true) }
            try await engine.loadModel(name, parameters: parameters.isEmpty ? nil : parameters)
        }
        return Inference_RepositoryModelLoadResponse()
    }

    func repositoryModelUnload(request: Inference_RepositoryModelUnloadRequest, context: ServerContext) async throws
        -> Inference_RepositoryModelUnloadResponse
    {
        try await Self.call { () async throws(ServingError) in
            try await engine.unloadModel(try ModelName.validate(request.modelName))
        }
        return Inference_RepositoryModelUnloadResponse()
    }

    // MARK: - Helpers

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
