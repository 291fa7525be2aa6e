#if Server
import HTTPTypes
import Hummingbird
import NIOCore

/// `GET /metrics`: the engine's Prometheus metrics in the text format, served on the metrics port (Triton's layout:
/// a port of its own, 8002 by default).
struct MetricsRoutes<Context: RequestContext>: Sendable {
    let metrics: PrometheusMetrics

    func register(on router: Router<Context>) {
        router.get("/metrics") { _, _ in
            let bytes = metrics.exposition()
            var headers = HTTPFields()
            headers[.contentType] = PrometheusMetrics.contentType
            return Response(
                status: .ok, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
        }
    }
}
#endif
