#if Server
import GRPCCore
import KServeGRPCProtocol
import ONNXRuntimeServing
import SwiftProtobuf

/// `grpc.health.v1.Health/Check`: `SERVING` when the server is ready (the empty service name, or
/// `inference.GRPCInferenceService`), `NOT_SERVING` while it starts or drains, `SERVICE_UNKNOWN` for other names.
struct GRPCHealthService: Sendable {
    let engine: InferenceEngine

    /// The service names Check knows.
    static let knownServices: Set<String> = ["", "inference.GRPCInferenceService"]

    func check(_ request: Grpc_Health_V1_HealthCheckRequest) async -> Grpc_Health_V1_HealthCheckResponse {
        guard Self.knownServices.contains(request.service) else {
            return .with { $0.status = .serviceUnknown }
        }
        let ready = await engine.isReady
        return .with { $0.status = ready ? .serving : .notServing }
    }
}
#endif
