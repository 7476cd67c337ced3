import Foundation
import HTTPTypes

/// A ``WebSocketTransport`` that plays a script instead of connecting: for a service mock's
/// channels, and for tests of code that uses channels.
///
/// Each connection attempt takes the next ``Connection`` of the script; once the script is spent,
/// attempts are refused. What the channel sent, and the requests it made, are recorded.
public final class ScriptedWebSocketTransport: WebSocketTransport {
    /// One scripted connection attempt.
    public enum Connection: Sendable {
        /// The handshake fails with `reason`, as when the server cannot be reached.
        case refused(String)
        /// The server answers the handshake with `status` and `headerFields` instead of switching
        /// protocols: the attempt throws ``WebSocketHandshakeRejection``.
        case rejected(HTTPResponse.Status, headerFields: HTTPFields = [:])
        /// The connection opens, delivers `messages` in order, then ends as `end` says.
        case open([WebSocketMessage], then: End)

        /// The connection opens and delivers `values`, each encoded as a JSON text message, then
        /// ends as `end` says. Values that do not encode are left out.
        public static func json(_ values: [some Encodable & Sendable], then end: End) -> Connection {
            let encoder = JSONCoding.makeEncoder()
            let messages = values.compactMap { value in
                (try? encoder.encode(value)).map { WebSocketMessage.text(String(decoding: $0, as: UTF8.self)) }
            }
            return .open(messages, then: end)
        }
    }

    /// How a scripted connection ends.
    public enum End: Sendable {
        /// The server closes with `code` and `reason`.
        case close(WebSocketCloseCode, reason: String = "")
        /// The connection drops without a close frame.
        case drop
        /// The connection stays open until the channel closes it.
        case stayOpen
    }

    private struct State {
        var script: [Connection]
        var sent: [WebSocketMessage] = []
        var requests: [WebSocketRequest] = []
    }

    private let state: Locked<State>

    /// Creates a transport that plays `script`, one connection per attempt.
    public init(_ script: [Connection]) {
        state = Locked(State(script: script))
    }

    /// The messages channels sent, in order, over every connection.
    public var sent: [WebSocketMessage] { state.withLock { $0.sent } }

    /// The connection requests made, in order.
    public var requests: [WebSocketRequest] { state.withLock { $0.requests } }

    /// Plays the next scripted connection.
    public func connect(_ request: WebSocketRequest, handler: some WebSocketConnectionHandler) async throws
        -> WebSocketClose?
    {
        let next = state.withLock { state -> Connection? in
            state.requests.append(request)
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        let messages: [WebSocketMessage]
        let end: End
        switch next {
        case .open(let scripted, let then):
            (messages, end) = (scripted, then)
        case .refused(let reason):
            throw ScriptedConnectionError(reason: reason)
        case .rejected(let status, let headerFields):
            throw WebSocketHandshakeRejection(status: status, headerFields: headerFields)
        case nil:
            throw ScriptedConnectionError(reason: "the script has no more connections")
        }
        let (closes, closing) = AsyncStream.makeStream(of: WebSocketClose.self, bufferingPolicy: .bufferingNewest(1))
        let open = Locked(true)
        let writer = WebSocketWriter(
            send: { [state] message in
                guard open.current else { throw ScriptedConnectionError(reason: "the connection is closed") }
                state.withLock { $0.sent.append(message) }
            },
            close: { code, reason in
                open.withLock { $0 = false }
                closing.yield(WebSocketClose(code: code, reason: reason))
                closing.finish()
            })
        defer { open.withLock { $0 = false } }
        await handler.opened(writer)
        for message in messages {
            guard open.current, !Task.isCancelled else { break }
            await handler.received(message)
        }
        switch end {
        case .close(let code, let reason):
            return WebSocketClose(code: code, reason: reason)
        case .drop:
            return nil
        case .stayOpen:
            // The channel's close, answered as a server would; cancellation ends the wait too.
            for await close in closes { return close }
            return nil
        }
    }
}

/// Why a scripted connection failed.
public struct ScriptedConnectionError: Error, CustomStringConvertible {
    /// What the script said.
    public var reason: String
    /// The reason.
    public var description: String { reason }
}
