#if Server && Client
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A TCP proxy on 127.0.0.1 that forwards every connection to a port and counts the bytes each way: how the tests
/// see what really crossed the wire (compressed or not) without trusting either end.
final class ByteCountingProxy: Sendable {
    /// The port to connect to instead of the target's.
    let port: Int
    private let channel: any Channel
    private let counts = NIOLockedValueBox<(up: Int, down: Int)>((0, 0))

    /// Bytes sent by clients towards the target, and by the target back, so far.
    var bytes: (up: Int, down: Int) { counts.withLockedValue { $0 } }

    private init(port: Int, channel: any Channel) {
        self.port = port
        self.channel = channel
    }

    /// Runs `body` with a proxy to `targetPort`, closed afterwards.
    static func with<T: Sendable>(
        targetPort: Int, _ body: @Sendable (ByteCountingProxy) async throws -> T
    ) async throws -> T {
        let counter = NIOLockedValueBox<ByteCountingProxy?>(nil)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { inbound in
                ClientBootstrap(group: inbound.eventLoop)
                    .connect(host: "127.0.0.1", port: targetPort)
                    .flatMap { outbound in
                        let proxy = counter.withLockedValue { $0 }!
                        let up = Relay(partner: outbound) { count in proxy.counts.withLockedValue { $0.up += count } }
                        let down = Relay(partner: inbound) { count in
                            proxy.counts.withLockedValue { $0.down += count }
                        }
                        // The accepted connection is registered, and read, only once this future completes.
                        return inbound.pipeline.addHandler(up).flatMap { outbound.pipeline.addHandler(down) }
                    }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let proxy = ByteCountingProxy(port: channel.localAddress!.port!, channel: channel)
        counter.withLockedValue { $0 = proxy }
        do {
            let result = try await body(proxy)
            try await channel.close()
            return result
        } catch {
            try? await channel.close()
            throw error
        }
    }

    /// Forwards what one side reads to the other, and closes the other when this side closes.
    private final class Relay: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        let partner: any Channel
        let count: @Sendable (Int) -> Void

        init(partner: any Channel, count: @escaping @Sendable (Int) -> Void) {
            self.partner = partner
            self.count = count
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            count(buffer.readableBytes)
            partner.writeAndFlush(buffer, promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            partner.close(promise: nil)
            context.fireChannelInactive()
        }
    }
}
#endif
