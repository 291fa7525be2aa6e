#if Server
import GRPCCore
import KServeGRPCProtocol
import NIOCore
import SwiftProtobuf

/// The gRPC methods the server answers, by HTTP/2 `:path` (`/<service>/<method>`, from the generated descriptors).
///
/// Every method takes one serialized message and answers one: unary methods once per call, a streaming method once
/// per message of the stream, in order.
struct GRPCRoutes: Sendable {
    /// Answers one message: its serialized response behind a gRPC prefix, or the status to end the call with.
    typealias Handler = @Sendable (ByteBuffer) async throws(RPCError) -> GRPCMessageBytes

    /// One method.
    struct Route: Sendable {
        /// Whether the method takes a stream of messages (ModelStreamInfer) instead of one.
        var streaming: Bool
        /// Whether the repository access check runs before the call.
        var guarded: Bool
        var handler: Handler
    }

    private let routes: [String: Route]
    /// The access check for the guarded (repository) methods.
    let access: GRPCRepositoryAccess

    /// The route for a `:path`, `nil` for a method the server does not have.
    func route(_ path: String) -> Route? { routes[path] }

    /// A table of routes given directly (the tests' own methods).
    init(routes: [String: Route], access: GRPCRepositoryAccess) {
        self.routes = routes
        self.access = access
    }

    init(service: KServeGRPCService, health: GRPCHealthService, access: GRPCRepositoryAccess) {
        typealias Methods = Inference_GRPCInferenceService.Method
        var routes: [String: Route] = [:]
        func add<Request: Message, Response: Message>(
            _ descriptor: MethodDescriptor, streaming: Bool = false, guarded: Bool = false,
            _ body: @escaping @Sendable (Request) async throws(RPCError) -> Response
        ) {
            routes["/" + descriptor.fullyQualifiedMethod] = Route(
                streaming: streaming, guarded: guarded, handler: Self.handler(body))
        }
        add(Methods.ServerLive.descriptor, service.serverLive)
        add(Methods.ServerReady.descriptor, service.serverReady)
        add(Methods.ModelReady.descriptor, service.modelReady)
        add(Methods.ServerMetadata.descriptor, service.serverMetadata)
        add(Methods.ModelMetadata.descriptor, service.modelMetadata)
        add(Methods.ModelInfer.descriptor, service.modelInfer)
        add(Methods.ModelStreamInfer.descriptor, streaming: true, service.modelStreamInfer)
        add(Methods.ModelConfig.descriptor, service.modelConfig)
        add(Methods.ModelStatistics.descriptor, service.modelStatistics)
        add(Methods.RepositoryIndex.descriptor, guarded: true, service.repositoryIndex)
        add(Methods.RepositoryModelLoad.descriptor, guarded: true, service.repositoryModelLoad)
        add(Methods.RepositoryModelUnload.descriptor, guarded: true, service.repositoryModelUnload)
        add(Methods.SystemSharedMemoryStatus.descriptor, service.systemSharedMemoryStatus)
        add(Methods.SystemSharedMemoryRegister.descriptor, service.systemSharedMemoryRegister)
        add(Methods.SystemSharedMemoryUnregister.descriptor, service.systemSharedMemoryUnregister)
        add(Methods.CudaSharedMemoryStatus.descriptor, service.cudaSharedMemoryStatus)
        add(Methods.CudaSharedMemoryRegister.descriptor, service.cudaSharedMemoryRegister)
        add(Methods.CudaSharedMemoryUnregister.descriptor, service.cudaSharedMemoryUnregister)
        add(Methods.TraceSetting.descriptor, service.traceSetting)
        // Without live log settings the method is unknown, as it is to a server without the extension.
        if service.logSettings != nil {
            add(Methods.LogSettings.descriptor, service.updateLogSettings)
        }
        add(Grpc_Health_V1_Health.Method.Check.descriptor, health.check)
        self.routes = routes
        self.access = access
    }

    /// Decodes the request, calls `body`, encodes the response behind its gRPC prefix.
    private static func handler<Request: Message, Response: Message>(
        _ body: @escaping @Sendable (Request) async throws(RPCError) -> Response
    ) -> Handler {
        { bytes throws(RPCError) in
            let request: Request
            do {
                request = try Request(serializedBytes: GRPCMessageBytes(message: bytes))
            } catch {
                throw RPCError(
                    code: .invalidArgument, message: "the request is not a valid \(Request.protoMessageName): \(error)")
            }
            let response = try await body(request)
            do {
                return try response.serializedBytes()
            } catch {
                throw RPCError(code: .internalError, message: "could not encode the response: \(error)")
            }
        }
    }
}
#endif
