import Foundation

/// A WebSocket close code (RFC 6455 §7.4): why a connection ended.
public struct WebSocketCloseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The code as sent in the close frame.
    public var rawValue: UInt16

    /// Wraps a code.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// 1000: the purpose of the connection was fulfilled.
    public static let normalClosure = WebSocketCloseCode(rawValue: 1000)
    /// 1001: the server is going down, or a client is navigating away (or its pings went unanswered).
    public static let goingAway = WebSocketCloseCode(rawValue: 1001)
    /// 1002: a protocol error.
    public static let protocolError = WebSocketCloseCode(rawValue: 1002)
    /// 1003: a kind of data the endpoint cannot accept.
    public static let unsupportedData = WebSocketCloseCode(rawValue: 1003)
    /// 1006: never sent; the connection ended without a close frame.
    public static let abnormalClosure = WebSocketCloseCode(rawValue: 1006)
    /// 1007: a message's data did not match its type (text that is not UTF-8).
    public static let invalidPayload = WebSocketCloseCode(rawValue: 1007)
    /// 1008: a message violated the endpoint's policy.
    public static let policyViolation = WebSocketCloseCode(rawValue: 1008)
    /// 1009: a message was too big to process.
    public static let messageTooBig = WebSocketCloseCode(rawValue: 1009)
    /// 1011: the server met an unexpected condition.
    public static let internalError = WebSocketCloseCode(rawValue: 1011)
    /// 1012: the server is restarting.
    public static let serviceRestart = WebSocketCloseCode(rawValue: 1012)
    /// 1013: the server is overloaded; try again later.
    public static let tryAgainLater = WebSocketCloseCode(rawValue: 1013)

    /// The code as a number.
    public var description: String { String(rawValue) }
}

/// How a channel checks that its connection is alive: protocol pings, and how long an answer may take.
///
/// The transport sends the pings. `SwiftWebSocketTransport` checks a ping's answer when the next
/// ping is due, so it pings every `min(interval, timeout)`: more often than `interval` when
/// `timeout` is shorter, and never later than `timeout` to notice a missing answer.
public struct KeepalivePolicy: Hashable, Sendable {
    /// The time between pings.
    public var interval: Duration
    /// How long a ping may go unanswered before the connection counts as dead and is closed
    /// (then reconnected, as the channel's ``ChannelPolicy/reconnect`` says).
    public var timeout: Duration

    /// Creates a policy: a ping every `interval`, each answered within `timeout`.
    public init(interval: Duration = .seconds(20), timeout: Duration = .seconds(10)) {
        self.interval = interval
        self.timeout = timeout
    }

    /// Why the policy cannot be used, or `nil` when it can.
    public var problem: String? {
        interval > .zero && timeout > .zero ? nil : "keepalive interval and timeout must be positive"
    }
}

/// How a channel connects, stays connected, and buffers messages on both sides.
public struct ChannelPolicy: Hashable, Sendable {
    /// What ``WebSocketChannel/send(_:)`` does while the channel is not connected.
    public enum SendWhileDisconnected: Hashable, Sendable {
        /// Waits in a queue of at most `limit` messages, sent in order once the channel is open
        /// again (after the `onConnect` hook). A send beyond the limit fails at once with
        /// ``WebSocketChannelError/sendQueueFull(limit:)``; a waiting send fails when the channel closes
        /// for good, and leaves the queue when its task is cancelled.
        case queue(limit: Int)
        /// Fails at once with ``WebSocketChannelError/notConnected``.
        case fail
    }

    /// What happens to a subscriber of ``WebSocketChannel/messages`` that falls `subscriberBuffer`
    /// messages behind. The reader never waits for a subscriber, so a slow one never holds up the
    /// others or the connection.
    public enum Overflow: Hashable, Sendable {
        /// The subscriber's oldest unread message is dropped for the new one (the default: a
        /// subscriber that cares about the latest state, such as prices, keeps up by skipping).
        case dropOldest
        /// The new message is dropped; the subscriber reads what it had.
        case dropNewest
        /// The subscriber's sequence ends with ``WebSocketChannelError/subscriberOverflow(limit:)``
        /// after the messages it had; the other subscribers go on.
        case endSubscriber
    }

    /// When and how often the channel connects again after a failed attempt or a lost connection.
    public var reconnect: ReconnectPolicy
    /// Protocol pings, or `nil` for none.
    public var keepalive: KeepalivePolicy?
    /// Close codes from the server that end the channel instead of reconnecting. Default 1000
    /// (normal closure) and 1008 (policy violation); any other code, and a connection that ends
    /// without a close frame, is reconnected.
    public var finalCloseCodes: Set<WebSocketCloseCode>
    /// What sending does while the channel is not connected.
    public var sendWhileDisconnected: SendWhileDisconnected
    /// How many messages each subscriber may fall behind. Default 1,024.
    public var subscriberBuffer: Int
    /// What happens to a subscriber that falls further behind.
    public var overflow: Overflow
    /// The largest message accepted, in bytes; a larger one closes the connection with 1009.
    /// Default 1 MiB.
    public var maxMessageSize: Int

    /// Creates a policy. The defaults are a channel's: reconnect from 1 s to 30 s with full jitter
    /// for as long as the channel is open, a ping every 20 s answered within 10 s, a queue of 100
    /// sends while disconnected, and 1,024 messages per subscriber, oldest dropped first.
    public init(
        reconnect: ReconnectPolicy = ReconnectPolicy(initial: .seconds(1), max: .seconds(30), maxAttempts: nil),
        keepalive: KeepalivePolicy? = KeepalivePolicy(),
        finalCloseCodes: Set<WebSocketCloseCode> = [.normalClosure, .policyViolation],
        sendWhileDisconnected: SendWhileDisconnected = .queue(limit: 100),
        subscriberBuffer: Int = 1_024,
        overflow: Overflow = .dropOldest,
        maxMessageSize: Int = 1 << 20
    ) {
        self.reconnect = reconnect
        self.keepalive = keepalive
        self.finalCloseCodes = finalCloseCodes
        self.sendWhileDisconnected = sendWhileDisconnected
        self.subscriberBuffer = subscriberBuffer
        self.overflow = overflow
        self.maxMessageSize = maxMessageSize
    }

    /// Why the policy cannot be used, or `nil` when it can.
    public var problem: String? {
        if let problem = reconnect.problem ?? keepalive?.problem { return problem }
        if subscriberBuffer < 1 { return "the subscriber buffer must hold at least one message" }
        if maxMessageSize < 1 { return "the largest message must be at least one byte" }
        if case .queue(let limit) = sendWhileDisconnected, limit < 0 {
            return "the send queue limit must not be negative"
        }
        return nil
    }
}
