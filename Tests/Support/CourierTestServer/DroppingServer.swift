import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A server on 127.0.0.1 that closes its first connections as soon as a request arrives, without
/// answering a byte, and answers later ones with a fixed response: a server that crashed or
/// restarted under the client, as load balancers and restarting pods show it.
public final class DroppingServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    private let channel: any Channel
    private let state: State

    final class State: Sendable {
        let drops: Int
        let response: [UInt8]
        private let counts = NIOLockedValueBox((requests: 0, connections: 0))

        init(drops: Int, response: [UInt8]) {
            self.drops = drops
            self.response = response
        }

        /// Counts a request; whether its connection is to be dropped.
        func takeRequest() -> Bool {
            counts.withLockedValue { counts in
                counts.requests += 1
                return counts.requests <= drops
            }
        }

        var requests: Int { counts.withLockedValue { $0.requests } }
    }

    private init(port: Int, channel: any Channel, state: State) {
        self.port = port
        self.channel = channel
        self.state = state
    }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// How many requests arrived, dropped ones included.
    public var requests: Int { state.requests }

    /// Starts a server that drops the connections of its first `drops` requests and answers the
    /// rest with `status` and the JSON `body`.
    public static func start(drops: Int, status: Int = 200, body: Data = Data("{}".utf8)) async throws -> DroppingServer
    {
        var head = "HTTP/1.1 \(status) Status\r\ncontent-type: application/json\r\n"
        head += "content-length: \(body.count)\r\nconnection: close\r\n\r\n"
        let state = State(drops: drops, response: Array(head.utf8) + Array(body))
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Handler(state: state))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        guard let port = channel.localAddress?.port else { throw ChannelError.unknownLocalAddress }
        return DroppingServer(port: port, channel: channel, state: state)
    }

    /// Stops listening.
    public func stop() async throws {
        try await channel.close()
    }

    /// Reads a request head, then drops the connection or answers.
    final class Handler: ChannelInboundHandler, Sendable {
        typealias InboundIn = ByteBuffer
        typealias OutboundOut = ByteBuffer
        let state: State
        private let received = NIOLockedValueBox([UInt8]())

        init(state: State) { self.state = state }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let bytes = Array(unwrapInboundIn(data).readableBytesView)
            let complete = received.withLockedValue { buffer -> Bool in
                buffer += bytes
                return buffer.count >= 4
                    && (0...(buffer.count - 4)).contains { buffer[$0..<($0 + 4)].elementsEqual([13, 10, 13, 10]) }
            }
            guard complete else { return }
            received.withLockedValue { $0.removeAll() }
            if state.takeRequest() {
                context.close(promise: nil)
                return
            }
            let channel = context.channel
            let buffer = channel.allocator.buffer(bytes: state.response)
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
