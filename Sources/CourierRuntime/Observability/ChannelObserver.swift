import CoreMetrics
import Foundation
import HTTPTypes
import Logging
import Tracing

/// Reports one channel's connections, reconnections and messages to the client's logger, metrics
/// factory and tracer, with secrets redacted as for calls. `nil` in a channel when nothing observes.
struct ChannelObserver: Sendable {
    private let base: CallObserver
    private let service: String
    private let channel: String
    /// The handshake request as built, for the redacted URL and header fields in logs and spans.
    private let head: HTTPRequest
    private let messagesIn: Counter
    private let messagesOut: Counter

    init?(_ base: CallObserver, service: String, channel: String, head: HTTPRequest) {
        guard !base.isSilent else { return nil }
        self.base = base
        self.service = service
        self.channel = channel
        self.head = head
        let dimensions: KeyValuePairs = ["service": service, "channel": channel, "direction": "in"]
        messagesIn = base.counter("courier_channel_messages_total", dimensions)
        messagesOut = base.counter(
            "courier_channel_messages_total", ["service": service, "channel": channel, "direction": "out"])
    }

    /// The handshake's URL as connected to (`ws`/`wss`), with secrets redacted.
    private var url: String {
        let url = base.secrets.url(of: head)
        if url.hasPrefix("https://") { return "wss://" + url.dropFirst(8) }
        if url.hasPrefix("http://") { return "ws://" + url.dropFirst(7) }
        return url
    }

    private var metadata: Logger.Metadata {
        ["courier.service": "\(service)", "courier.channel": "\(channel)"]
    }

    /// A connection attempt is starting.
    func connecting(_ request: WebSocketRequest) {
        guard let logger = base.logger, logger.logLevel <= .debug else { return }
        var metadata = self.metadata
        metadata["http.request.headers"] = base.secrets.describe(request.headerFields)
        logger.debug("channel \(channel): connecting to \(url)", metadata: metadata)
    }

    /// Starts the span of one connection, from its handshake until it ends, and injects its
    /// context into the handshake's header fields.
    func startSpan(_ request: inout WebSocketRequest) -> any Span {
        let span = base.tracer.startSpan(
            service + "." + channel, context: InstrumentationContext.current ?? .topLevel, ofKind: .client)
        if span.isRecording {
            span.attributes["courier.service"] = service
            span.attributes["courier.channel"] = channel
            span.attributes["server.address"] = head.authority ?? ""
            span.attributes["url.full"] = url
        }
        base.tracer.inject(span.context, into: &request.headerFields, using: HTTPFieldsInjector())
        return span
    }

    /// Ends a connection's span with how the connection ended.
    func endSpan(_ span: (any Span)?, close: WebSocketClose, error: (any Error)?) {
        guard let span else { return }
        if span.isRecording {
            span.attributes["websocket.close.code"] = Int(close.code.rawValue)
            if let error {
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
            } else if close.code == .abnormalClosure {
                span.setStatus(SpanStatus(code: .error, message: close.reason))
            }
        }
        span.end()
    }

    /// A connection opened.
    func opened() {
        base.counter("courier_channel_connections_total", ["service": service, "channel": channel]).increment()
        base.logger?.debug("channel \(channel): open", metadata: metadata)
    }

    /// A connection ended, not at the channel's request.
    func ended(_ close: WebSocketClose, opened: Bool) {
        let what = opened ? "connection closed" : "connection failed"
        let how = close.reason.isEmpty ? "\(close.code)" : "\(close.code) \(close.reason)"
        base.logger?.info("channel \(channel): \(what) (\(how))", metadata: metadata)
    }

    /// The channel waits `wait` before reconnection `attempt`.
    func reconnecting(attempt: Int, after wait: Duration) {
        base.counter("courier_channel_reconnects_total", ["service": service, "channel": channel]).increment()
        var metadata = self.metadata
        metadata["courier.attempt"] = "\(attempt)"
        let milliseconds = wait.components.seconds * 1_000 + wait.components.attoseconds / 1_000_000_000_000_000
        base.logger?.notice(
            "channel \(channel): reconnecting (attempt \(attempt)) in \(milliseconds) ms", metadata: metadata)
    }

    /// The `onConnect` hook threw; the connection is closed and opened again.
    func hookFailed(_ error: any Error) {
        base.logger?.error(
            "channel \(channel): onConnect failed: \(String(describing: error))", metadata: metadata)
    }

    /// A message arrived and decoded.
    func received() { messagesIn.increment() }

    /// A message was sent.
    func sent() { messagesOut.increment() }

    /// A message arrived that does not decode as the channel's message type. Its size is logged,
    /// not its contents, which may carry personal data.
    func undecodable(_ message: WebSocketMessage, error: any Error) {
        base.counter("courier_channel_undecodable_total", ["service": service, "channel": channel]).increment()
        base.logger?.warning(
            "channel \(channel): a message of \(message.data.count) bytes did not decode: \(String(describing: error))",
            metadata: metadata)
    }

    /// The channel closed for good.
    func closed(_ close: WebSocketClose, error: WebSocketChannelError?) {
        if let error {
            base.logger?.warning("channel \(channel): \(error.description)", metadata: metadata)
        } else {
            base.logger?.debug("channel \(channel): closed (\(close.code))", metadata: metadata)
        }
    }
}
