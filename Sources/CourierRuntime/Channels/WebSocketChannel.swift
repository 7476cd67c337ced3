import Foundation
import HTTPTypes

/// Where a ``WebSocketChannel`` is in its life. ``WebSocketChannel/states`` reports each change.
public enum ChannelState: Hashable, Sendable {
    /// Opening a connection: the first, or the next after ``reconnecting(attempt:delay:after:)``.
    case connecting
    /// Connected: the `onConnect` hook has run and queued messages have been sent.
    case open
    /// The connection ended as `after` says; reconnection `attempt` (1 for the first since the
    /// channel was last open) starts after `delay`.
    case reconnecting(attempt: Int, delay: Duration, after: WebSocketClose)
    /// The channel is closed for good, as `close` says: by ``WebSocketChannel/close(code:reason:)``, by
    /// the server with a final code, or after the last reconnection failed.
    case closed(WebSocketClose)
}

/// Why a channel operation failed, or why its messages ended.
public enum WebSocketChannelError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The channel is closed: the server closed it with a final code (1008 by default; 1000
    /// ends the messages without an error), or it was closed by ``WebSocketChannel/close(code:reason:)``.
    case closed(WebSocketClose)
    /// Every reconnection the policy allows failed; `last` is how the last one ended.
    case gaveUp(attempts: Int, last: WebSocketClose)
    /// The server refused the handshake with `status`, one that asking again would not change
    /// (a 4xx other than 408 and 429, such as 401 for a missing or rejected credential).
    case rejected(HTTPResponse.Status)
    /// The channel cannot connect at all: a bad base URL, an invalid policy, or no WebSocket
    /// transport in the client's configuration.
    case invalidRequest(String)
    /// The channel is not connected and its policy says to fail sends until it is.
    case notConnected
    /// The channel is not connected and `limit` messages already wait to be sent.
    case sendQueueFull(limit: Int)
    /// The connection broke while the message was being written; it may not have arrived.
    case sendFailed(String)
    /// The message could not be encoded as JSON.
    case encodingFailed(String)
    /// This subscriber fell `limit` messages behind under ``ChannelPolicy/Overflow/endSubscriber``.
    case subscriberOverflow(limit: Int)
    /// The sending task was cancelled while its message waited in the queue; it was not sent.
    case cancelled

    /// A short description, without message contents.
    public var description: String {
        switch self {
        case .closed(let close): "channel closed (\(close.code)\(close.reason.isEmpty ? "" : ": \(close.reason)"))"
        case .gaveUp(let attempts, let last):
            "channel gave up after \(attempts) reconnection\(attempts == 1 ? "" : "s") (last: \(last.code) \(last.reason))"
        case .rejected(let status):
            "channel refused: the server answered the handshake with \(status.code) \(status.reasonPhrase)"
        case .invalidRequest(let problem): "channel cannot connect: \(problem)"
        case .notConnected: "channel not connected"
        case .sendQueueFull(let limit): "channel not connected and its send queue is full (\(limit) messages)"
        case .sendFailed(let problem): "channel send failed: \(problem)"
        case .encodingFailed(let problem): "channel message could not be encoded: \(problem)"
        case .subscriberOverflow(let limit): "channel subscriber fell more than \(limit) messages behind"
        case .cancelled: "channel send cancelled"
        }
    }
}

/// A snapshot of a channel's connection and traffic: what ``WebSocketChannel/health`` returns.
///
/// swift-websocket answers and checks pings inside its connection handler and does not report
/// pongs, so there is no round-trip time here: a ping left unanswered past the keepalive timeout
/// shows as a connection that ended without a close frame, and a reconnection.
public struct ChannelHealth: Hashable, Sendable {
    /// The channel's state.
    public var state: ChannelState
    /// Connections opened so far.
    public var connections: Int
    /// When the current connection opened, or `nil` when none is open.
    public var connectedSince: Date?
    /// When the last message arrived, or `nil` before the first.
    public var lastMessageReceived: Date?
    /// Messages received and decoded.
    public var messagesReceived: Int
    /// Messages sent.
    public var messagesSent: Int
    /// Messages received that did not decode as the channel's message type; they are logged and skipped.
    public var undecodableMessages: Int
    /// Messages dropped from slow subscribers' buffers, over all subscribers.
    public var droppedMessages: Int
    /// How the connection is kept alive, or `nil` without pings.
    public var keepalive: KeepalivePolicy?
}

/// The sending side of a connection that has just opened: what a channel's `onConnect` hook gets,
/// to subscribe again before anything else is sent.
public struct ChannelConnection<Outgoing: Encodable & Sendable>: Sendable {
    let writer: WebSocketWriter
    let sent: @Sendable () -> Void

    /// Sends `message` on this connection at once, ahead of messages queued while disconnected.
    public func send(_ message: Outgoing) async throws(WebSocketChannelError) {
        let encoded = try encodeChannelMessage(message)
        do {
            try await writer.send(encoded)
        } catch {
            throw .sendFailed(String(describing: error))
        }
        sent()
    }
}

/// A hook run after every connection opens, before the channel reports ``ChannelState/open``.
public typealias ChannelConnectHook<Outgoing: Encodable & Sendable> =
    @Sendable (ChannelConnection<Outgoing>) async throws -> Void

/// A WebSocket channel that stays connected: what a generated client's `channels:` entry returns.
///
/// ```swift
/// let prices = client.prices(symbols: ["ACME"]) { connection in
///     try await connection.send(.subscribe(symbols: ["ACME"]))   // after every (re)connection
/// }
/// for try await update in prices.messages { … }
/// ```
///
/// The channel connects when it is first used (``messages``, ``states``, ``send(_:)`` or
/// ``connect()``) and reconnects on its own as its ``ChannelPolicy`` says: after a failed
/// attempt, a dropped connection, a close code that is not final, or pings left unanswered.
/// Every subscriber of ``messages`` sees every message that arrives after it subscribed, in order;
/// each has its own bounded buffer, so a slow one never holds up the others.
/// ``close(code:reason:)`` ends it; so does releasing the last reference to it.
///
/// (Named `WebSocketChannel`, and its error `WebSocketChannelError`, so that apps that also
/// import SwiftNIO, whose `Channel` and `ChannelError` are everywhere, need not qualify either.)
public final class WebSocketChannel<Outgoing: Encodable & Sendable, Incoming: Decodable & Sendable>: Sendable {
    private let core: ChannelCore<Outgoing, Incoming>

    init(core: ChannelCore<Outgoing, Incoming>) {
        self.core = core
    }

    deinit {
        core.release()
    }

    /// A channel that plays `script` instead of connecting, for mocks and tests: each connection
    /// attempt takes the next scripted connection, and the channel reconnects between them as
    /// `policy` says. By default it reconnects at once after a connection that opened, and gives
    /// up after a refused one, so a spent script ends the channel with ``WebSocketChannelError/gaveUp(attempts:last:)``;
    /// end the script with `.close(.normalClosure)` to end it cleanly.
    public static func scripted(
        _ script: [ScriptedWebSocketTransport.Connection], name: String = "channel",
        policy: ChannelPolicy = ChannelPolicy(
            reconnect: ReconnectPolicy(initial: .zero, max: .zero, maxAttempts: 1), keepalive: nil),
        onConnect: ChannelConnectHook<Outgoing>? = nil
    ) -> WebSocketChannel {
        WebSocketChannel(
            core: ChannelCore(
                name: name, service: "mock", request: .success(WebSocketRequest(url: URL(fileURLWithPath: "/"))),
                transport: ScriptedWebSocketTransport(script), policy: policy, onConnect: onConnect))
    }

    /// A new subscriber: every message decoded from now on, in order, until the channel closes.
    ///
    /// The sequence ends without an error when the channel is closed by ``close(code:reason:)``
    /// or by the server with 1000, and with a ``WebSocketChannelError`` otherwise. Messages that arrive
    /// while nobody subscribes are not kept.
    public var messages: AsyncThrowingStream<Incoming, any Error> {
        core.subscribe()
    }

    /// A new observer of the channel's state: the current state, then each change, until
    /// ``ChannelState/closed(_:)``. An observer that falls 64 changes behind skips the oldest.
    public var states: AsyncStream<ChannelState> {
        core.observeStates()
    }

    /// The current state.
    public var state: ChannelState {
        core.health.state
    }

    /// The connection's state and traffic counts.
    public var health: ChannelHealth {
        core.health
    }

    /// Starts connecting, if the channel has not yet.
    public func connect() {
        core.startIfNeeded()
    }

    /// Sends `message` as a JSON text message.
    ///
    /// While the channel is open, this writes at once. Otherwise it waits in the send queue
    /// until the channel opens, or fails, as ``ChannelPolicy/sendWhileDisconnected`` says.
    public func send(_ message: Outgoing) async throws(WebSocketChannelError) {
        try await core.send(encodeChannelMessage(message))
    }

    /// Closes the channel with `code` and `reason` and waits until its connection has ended. Its
    /// subscribers' sequences end, and queued sends fail with ``WebSocketChannelError/closed(_:)``.
    public func close(code: WebSocketCloseCode = .normalClosure, reason: String = "") async {
        await core.close(WebSocketClose(code: code, reason: reason))
    }
}

func encodeChannelMessage(_ message: some Encodable) throws(WebSocketChannelError) -> WebSocketMessage {
    do {
        return .text(String(decoding: try JSONCoding.makeEncoder().encode(message), as: UTF8.self))
    } catch {
        throw .encodingFailed(String(describing: error))
    }
}
