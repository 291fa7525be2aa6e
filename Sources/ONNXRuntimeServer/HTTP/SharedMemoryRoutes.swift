#if Server
import Foundation
import Hummingbird
import ONNXRuntimeServing

/// Triton's shared memory extension over REST: `GET /v2/systemsharedmemory[/region/NAME]/status`,
/// `POST /v2/systemsharedmemory/region/NAME/register` and `POST /v2/systemsharedmemory[/region/NAME]/unregister`, and
/// the same under `/v2/cudasharedmemory`, where status lists no region, register is refused and unregister has
/// nothing to do (this server has no GPU memory to share).
struct SharedMemoryRoutes<Context: RequestContext>: Sendable {
    let engine: InferenceEngine

    func register(on router: Router<Context>) {
        let system = router.group("/v2/systemsharedmemory")
        system.get("status") { _, _ in try status(nil) }
        system.get("region/:region/status") { _, context in try status(try region(context)) }
        system.post("register") { _, _ -> Response in
            throw ServingError.badRequest("'region name' is necessary to register system shared memory region")
        }
        system.post("region/:region/register") { request, context in
            let name = try region(context)
            let registration = try SharedMemoryRegistration(json: try await HTTPMessages.jsonObject(of: request))
            try engine.registerSystemSharedMemory(
                name: name, key: registration.key, offset: registration.offset, byteSize: registration.byteSize)
            return HTTPMessages.empty()
        }
        system.post("unregister") { _, _ in
            try engine.unregisterSystemSharedMemory(region: nil)
            return HTTPMessages.empty()
        }
        system.post("region/:region/unregister") { _, context in
            try engine.unregisterSystemSharedMemory(region: try region(context))
            return HTTPMessages.empty()
        }

        let cuda = router.group("/v2/cudasharedmemory")
        cuda.get("status") { _, _ in
            try engine.checkCUDASharedMemoryStatus(region: nil)
            return HTTPMessages.json(.array([]))
        }
        cuda.get("region/:region/status") { _, context in
            try engine.checkCUDASharedMemoryStatus(region: try region(context))
            return HTTPMessages.json(.array([]))
        }
        cuda.post("register") { _, _ -> Response in
            throw ServingError.badRequest("'region name' is necessary to register cuda shared memory region")
        }
        cuda.post("region/:region/register") { _, context in
            try engine.registerCUDASharedMemory(name: try region(context))
            return HTTPMessages.empty()
        }
        cuda.post("unregister") { _, _ in
            try engine.unregisterCUDASharedMemory(region: nil)
            return HTTPMessages.empty()
        }
        cuda.post("region/:region/unregister") { _, context in
            try engine.unregisterCUDASharedMemory(region: try region(context))
            return HTTPMessages.empty()
        }
    }

    private func status(_ region: String?) throws -> Response {
        HTTPMessages.json(.array(try engine.systemSharedMemoryStatus(region: region).map(\.json)))
    }

    /// The region name from the path, percent-decoded.
    private func region(_ context: Context) throws(ServingError) -> String {
        guard let raw = context.parameters.get("region") else { throw .badRequest("the path has no region name") }
        guard let decoded = raw.utf8.contains(UInt8(ascii: "%")) ? raw.removingPercentEncoding : raw else {
            throw .badRequest("the region name in the path is not valid percent-encoding")
        }
        return decoded
    }
}
#endif
