import Foundation
import HTTPTypes

/// What generated code knows about one of the spec's `channels:`: its name, auth and policy.
public struct ChannelOperation<Outgoing: Encodable & Sendable, Incoming: Decodable & Sendable>: Sendable {
    /// The channel's name in the spec, such as `prices`.
    public let name: String
    /// The spec's auth schemes the handshake accepts, in order of preference; empty for none.
    public let authSchemes: [String]
    /// The service, as the spec names it.
    public let service: String
    /// Reconnection, keepalive and buffering, as the spec and its defaults say.
    public let policy: ChannelPolicy
    /// The `User-Agent` its handshake carries unless the configuration sets one.
    public let userAgent: String

    /// Describes a channel.
    public init(name: String, authSchemes: [String], service: String, policy: ChannelPolicy) {
        self.name = name
        self.authSchemes = authSchemes
        self.service = service
        self.policy = policy
        self.userAgent = defaultUserAgent(service: service)
    }
}

/// The errors of what declares none: a channel's handshake, and the part of a call that comes
/// before its response is read. It has no cases.
@_spi(Generated)
public enum NoDeclaredError: DeclaredError {
    /// Never asked: there is no value to name.
    public var name: String {
        switch self {}
    }
}

extension ChannelOperation: EndpointDescription {
    typealias Declared = NoDeclaredError
    var accept: String? { nil }
}

extension ServiceRuntime {
    /// Opens `operation`'s channel with the handshake `request` describes (its path, query and
    /// header fields), over the configuration's ``ClientConfiguration/webSocketTransport``.
    ///
    /// - Parameters:
    ///   - policy: replaces the spec's policy for this channel, or `nil` to keep it.
    ///   - onConnect: runs after every connection opens, before queued messages are sent.
    @_spi(Generated)
    public func channel<Outgoing, Incoming>(
        _ operation: ChannelOperation<Outgoing, Incoming>, _ request: RequestBuilder, policy: ChannelPolicy? = nil,
        onConnect: ChannelConnectHook<Outgoing>? = nil
    ) -> WebSocketChannel<Outgoing, Incoming> {
        let policy = policy ?? operation.policy
        var head = HTTPRequest(method: .get, scheme: "ws", authority: nil, path: nil)
        let prepared: Result<WebSocketRequest, WebSocketChannelError>
        if let transport = configuration.webSocketTransport {
            do throws(ClientError<NoDeclaredError>) {
                let built = try prepare(operation, request)
                head = built.head
                prepared = Self.webSocketRequest(built.head, policy: policy)
            } catch {
                prepared = .failure(.invalidRequest(error.description))
            }
            if !gate.isOpen {
                return WebSocketChannel(
                    core: ChannelCore(
                        name: operation.name, service: operation.service,
                        request: .failure(.invalidRequest(ClientError<NoDeclaredError>.shutDown.description)),
                        transport: ScriptedWebSocketTransport([]), policy: policy, onConnect: nil))
            }
            let core = ChannelCore<Outgoing, Incoming>(
                name: operation.name, service: operation.service, request: prepared, transport: transport,
                policy: policy, onConnect: onConnect, clock: configuration.resilienceState.clock,
                random: configuration.resilienceState.random,
                observer: ChannelObserver(observer, service: operation.service, channel: operation.name, head: head),
                route: instances.map(ChannelRoute.init))
            channels.add(core)
            return WebSocketChannel(core: core)
        }
        return WebSocketChannel(
            core: ChannelCore(
                name: operation.name, service: operation.service,
                request: .failure(
                    .invalidRequest(
                        "no WebSocket transport: set ClientConfiguration.webSocketTransport, such as "
                            + "SwiftWebSocketTransport() from product CourierWebSocket")),
                transport: ScriptedWebSocketTransport([]), policy: policy, onConnect: nil))
    }

    /// The handshake of `head`'s request: its URL with `ws` for `http` and `wss` for `https`.
    static func webSocketRequest(_ head: HTTPRequest, policy: ChannelPolicy) -> Result<
        WebSocketRequest, WebSocketChannelError
    > {
        let scheme: String
        switch head.scheme?.lowercased() {
        case "http", "ws": scheme = "ws"
        case "https", "wss": scheme = "wss"
        default: return .failure(.invalidRequest("a channel needs an http or https base URL"))
        }
        guard let authority = head.authority, let path = head.path,
            let url = URL(string: scheme + "://" + authority + path)
        else { return .failure(.invalidRequest("the channel's URL is not valid")) }
        var fields = head.headerFields
        fields[.accept] = nil
        return .success(
            WebSocketRequest(
                url: url, headerFields: fields, keepalive: policy.keepalive, maxMessageSize: policy.maxMessageSize))
    }
}

/// The message type of a channel that sends nothing: its spec has `receive` but no `send`.
/// It has no values, so `send(_:)` cannot be called.
public enum NoMessage: Encodable, Sendable {
    /// Never called: there is no value to encode.
    public func encode(to encoder: any Encoder) throws {
        switch self {}
    }
}
