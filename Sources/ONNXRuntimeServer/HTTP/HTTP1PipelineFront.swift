#if Server
import NIOCore
import NIOHTTPTypesHTTP1

/// Puts handlers in front of the codec that turns SwiftNIO's HTTP/1 parts into swift-http-types ones, where they
/// see the HTTP/1 decoder's own parts.
///
/// Hummingbird adds a server's extra handlers behind that codec, which converts every request head: it parses the
/// path as a URL and copies the headers into new storage. ``RESTInferenceHandler`` answers inference requests without
/// either, so it (and the handlers that must see its requests: the read timeout and busy polling's activity) goes in
/// front. This handler is the one Hummingbird adds; when it is added, it moves its handlers in front of the codec
/// and removes itself.
final class HTTP1PipelineFront: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let handlers: [any ChannelHandler]

    /// - Parameter handlers: The handlers to put in front of the codec, in pipeline order.
    init(_ handlers: [any ChannelHandler]) {
        self.handlers = handlers
    }

    func handlerAdded(context: ChannelHandlerContext) {
        let pipeline = context.pipeline.syncOperations
        do {
            let codec = try pipeline.handler(type: HTTP1ToHTTPServerCodec.self)
            for handler in handlers {
                try pipeline.addHandler(handler, position: .before(codec))
            }
        } catch {
            // Without the codec (Hummingbird changed its pipeline), the handlers go where this one is: the
            // router's requests would reach them as the wrong type, so the connection is refused instead.
            context.fireErrorCaught(error)
            context.close(promise: nil)
            return
        }
        pipeline.removeHandler(context: context, promise: nil)
    }
}
#endif
