import Foundation
import HTTPTypes

/// One WebSocket message: text or binary, whole (a transport joins fragmented frames).
public enum WebSocketMessage: Hashable, Sendable {
    /// A text message.
    case text(String)
    /// A binary message.
    case binary(Data)

    /// The message's bytes: UTF-8 for text.
    public var data: Data {
        switch self {
        case .text(let text): Data(text.utf8)
        case .binary(let data): data
        }
    }
}

/// What a channel asks a ``WebSocketTransport`` to open.
public struct WebSocketRequest: Sendable {
    /// The `ws://` or `wss://` URL, query included.
    public var url: URL
    /// The handshake's header fields: credentials, `User-Agent`, the endpoint's declared headers.
    public var headerFields: HTTPFields
    /// Protocol pings the transport sends, or `nil` for none.
    public var keepalive: KeepalivePolicy?
    /// The largest message to accept, in bytes.
    public var maxMessageSize: Int

    /// Describes a connection to open.
    public init(
        url: URL, headerFields: HTTPFields = [:], keepalive: KeepalivePolicy? = nil, maxMessageSize: Int = 1 << 20
    ) {
        self.url = url
        self.headerFields = headerFields
        self.keepalive = keepalive
        self.maxMessageSize = maxMessageSize
    }
}

/// How a connection ended, as its close frame said.
public struct WebSocketClose: Hashable, Sendable {
    /// The close code; ``WebSocketCloseCode/abnormalClosure`` when the connection ended without one.
    public var code: WebSocketCloseCode
    /// The reason the close frame gave, or a description of what ended the connection.
    public var reason: String

    /// Describes a close.
    public init(code: WebSocketCloseCode, reason: String = "") {
        self.code = code
        self.reason = reason
    }
}

/// The server answered a channel's handshake with an HTTP response instead of switching
/// protocols: what a ``WebSocketTransport`` throws when it can tell the response's status.
///
/// The channel then reconnects only for a status worth retrying (408, 429 and 5xx), waiting at
/// least as long as the response's `Retry-After` asks, up to its policy's longest wait; any other
/// status (401, 403, 404, …) ends it with ``WebSocketChannelError/rejected(_:)``, since asking
/// again would get the same answer.
public struct WebSocketHandshakeRejection: Error, Hashable, Sendable, CustomStringConvertible {
    /// The response's status.
    public var status: HTTPResponse.Status
    /// The response's header fields (`Retry-After`, `WWW-Authenticate`, …).
    public var headerFields: HTTPFields

    /// Describes a refused handshake.
    public init(status: HTTPResponse.Status, headerFields: HTTPFields = [:]) {
        self.status = status
        self.headerFields = headerFields
    }

    /// Whether asking again may get another answer: 408, 429 or a server error.
    public var isWorthRetrying: Bool { status.code == 408 || status.code == 429 || status.kind == .serverError }

    /// `the server refused the WebSocket handshake with 401 Unauthorized`.
    public var description: String {
        "the server refused the WebSocket handshake with \(status.code) \(status.reasonPhrase)"
    }
}

/// The sending half of an open connection, handed to ``WebSocketConnectionHandler/opened(_:)``.
///
/// Both operations may be called from any task while the connection is open; after it ends they throw.
public struct WebSocketWriter: Sendable {
    private let sendMessage: @Sendable (WebSocketMessage) async throws -> Void
    private let sendClose: @Sendable (WebSocketCloseCode, String) async throws -> Void

    /// Wraps a transport's writer.
    public init(
        send: @escaping @Sendable (WebSocketMessage) async throws -> Void,
        close: @escaping @Sendable (WebSocketCloseCode, String) async throws -> Void
    ) {
        sendMessage = send
        sendClose = close
    }

    /// Sends one message.
    public func send(_ message: WebSocketMessage) async throws {
        try await sendMessage(message)
    }

    /// Starts the closing handshake; the connection ends when the server answers it (or the
    /// transport's close timeout passes).
    public func close(code: WebSocketCloseCode, reason: String) async throws {
        try await sendClose(code, reason)
    }
}

/// What a transport tells about one connection while it is open. A ``WebSocketChannel`` is one.
public protocol WebSocketConnectionHandler: Sendable {
    /// The handshake succeeded; `writer` sends on this connection. The transport reads no message
    /// until this returns.
    func opened(_ writer: WebSocketWriter) async

    /// One message arrived. The transport reads the next one once this returns, so it must not wait long.
    func received(_ message: WebSocketMessage) async
}

/// Opens WebSocket connections for channels.
///
/// The runtime depends on no WebSocket library: product `CourierWebSocket` has
/// `SwiftWebSocketTransport`, on hummingbird-project/swift-websocket (SwiftNIO, every platform).
/// ``ScriptedWebSocketTransport`` plays scripted connections, for tests and mocks.
public protocol WebSocketTransport: Sendable {
    /// Opens a connection, tells `handler` when it is open and what arrives, and returns when it ends.
    ///
    /// - Returns: the close frame that ended the connection, or `nil` when it ended without one
    ///   (a network failure, or pings left unanswered past the keepalive timeout).
    /// - Throws: when the connection could not be opened (refused, the handshake rejected), or
    ///   broke with an error; ``WebSocketHandshakeRejection`` when the server answered the
    ///   handshake with another status than 101 and the transport can tell which. Cancelling the
    ///   calling task closes the connection.
    func connect(_ request: WebSocketRequest, handler: some WebSocketConnectionHandler) async throws -> WebSocketClose?
}
