import CourierRuntime
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import NIOWebSocket
import WSClient

/// Opens channel connections with hummingbird-project/swift-websocket's client, on SwiftNIO:
/// Linux and Apple platforms, `ws://` and `wss://`.
///
/// ```swift
/// var configuration = try InventoryClient.Configuration.fromEnvironment()
/// configuration.webSocketTransport = SwiftWebSocketTransport()
/// ```
///
/// swift-websocket reports a refused handshake without the server's answer, so after a refusal
/// the transport sends the handshake once more through SwiftNIO's HTTP/1.1 codec to read the
/// status, and throws ``WebSocketHandshakeRejection`` with it: the channel then stops on a 401
/// and reconnects after a 503. The second handshake is not upgraded.
///
/// Keepalive uses swift-websocket's automatic pings, which check each ping's answer when the next
/// ping is due; so pings go out every `min(interval, timeout)`, and a ping unanswered for that long
/// ends the connection without a close frame, which the channel then reconnects.
public struct SwiftWebSocketTransport: WebSocketTransport {
    private let eventLoopGroup: any EventLoopGroup
    private let tlsConfiguration: TLSConfiguration?
    private let closeTimeout: Duration
    private let logger: Logger

    /// Creates the transport.
    ///
    /// - Parameters:
    ///   - eventLoopGroup: where connections run; the shared NIO singleton by default.
    ///   - tlsConfiguration: for `wss://`; the system's trust roots by default.
    ///   - closeTimeout: how long a closing handshake waits for the server's answer before the
    ///     connection is dropped. Default 5 s.
    ///   - logger: swift-websocket's own frame-level log; silent by default. The channel's events
    ///     go to the client's logger.
    public init(
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        tlsConfiguration: TLSConfiguration? = nil,
        closeTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "courier.websocket", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        self.eventLoopGroup = eventLoopGroup
        self.tlsConfiguration = tlsConfiguration
        self.closeTimeout = closeTimeout
        self.logger = logger
    }

    /// Opens the connection and runs it until it ends.
    public func connect(_ request: WebSocketRequest, handler: some WebSocketConnectionHandler) async throws
        -> WebSocketClose?
    {
        var fields = request.headerFields
        // swift-websocket writes its own handshake fields.
        for name in [HTTPField.Name.connection, .upgrade, .secWebSocketKey, .secWebSocketVersion] { fields[name] = nil }
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: request.maxMessageSize,
            additionalHeaders: fields,
            closeTimeout: closeTimeout,
            autoPing: request.keepalive.map { .enabled(timePeriod: min($0.interval, $0.timeout)) } ?? .disabled,
            validateUTF8: true)
        let maxMessageSize = request.maxMessageSize
        let client = WebSocketClient(
            url: request.url.absoluteString, configuration: configuration, tlsConfiguration: tlsConfiguration,
            eventLoopGroup: eventLoopGroup, logger: logger
        ) { inbound, outbound, _ in
            // Once the channel has sent its close frame, reading stops and swift-websocket waits
            // for the server's answer for at most `closeTimeout`: a server that no longer reads
            // (the very one keepalive is for) cannot hold the close up.
            let (closing, closed) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            let writer = WebSocketWriter(
                send: { message in
                    switch message {
                    case .text(let text): try await outbound.write(.text(text))
                    case .binary(let data): try await outbound.write(.binary(ByteBuffer(bytes: data)))
                    }
                },
                close: { code, reason in
                    defer { closed.yield() }
                    try await outbound.close(WebSocketErrorCode(codeNumber: Int(code.rawValue)), reason: reason)
                })
            await handler.opened(writer)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for try await message in inbound.messages(maxSize: maxMessageSize) {
                        switch message {
                        case .text(let text): await handler.received(.text(text))
                        case .binary(let buffer): await handler.received(.binary(Data(buffer.readableBytesView)))
                        }
                    }
                }
                group.addTask {
                    for await _ in closing { return }
                }
                try await group.next()
                group.cancelAll()
            }
        }
        let frame: WebSocketCloseFrame?
        do {
            frame = try await client.run()
        } catch let error as WebSocketClientError where error == .webSocketUpgradeFailed {
            // swift-websocket does not say what the server answered; whether to reconnect does.
            let probe = HandshakeProbe(
                eventLoopGroup: eventLoopGroup, tlsConfiguration: tlsConfiguration, timeout: .seconds(10))
            guard let response = await probe.response(to: request.url, fields: fields) else { throw error }
            throw WebSocketHandshakeRejection(status: response.status, headerFields: response.headerFields)
        }
        guard let frame else { return nil }
        return WebSocketClose(
            code: WebSocketCloseCode(rawValue: UInt16(webSocketErrorCode: frame.closeCode)),
            reason: frame.reason ?? "")
    }
}
