import CourierSpec

extension Render {
    /// A WebSocket channel: the `channel` of each of the service's `channels`, which are
    /// endpoints describing the handshake.
    struct Channel: RenderObject {
        /// What the client sends: the `send` type, or `CourierRuntime.NoMessage`.
        var sendType: String
        /// What the server sends.
        var receiveType: String
        /// Whether the operation's generic type is too long for one line.
        var hasLongOperationType: Bool
        var keepalive: KeepaliveSpec?
        var reconnect: ReconnectPolicy

        static let keys = RenderKeys<Self>(
            .channel,
            """
            A WebSocket channel. Inside it, the handshake endpoint's keys (`name`, `parameters`, \
            `authSchemes`, …) still apply.
            """,
            [
                .text("sendType", "What the client sends; `CourierRuntime.NoMessage` when the spec has no `send`.") {
                    $0.sendType
                },
                .text("receiveType", "What the server sends.") { $0.receiveType },
                .text("channelType", "The `CourierRuntime.Channel` the methods return.") {
                    "CourierRuntime.WebSocketChannel<\($0.sendType), \($0.receiveType)>"
                },
                .flag(
                    "hasLongOperationType",
                    "Whether the operation's type is too long for one line (over 120 columns), to break its generic arguments."
                ) {
                    $0.hasLongOperationType
                },
                .flag("hasKeepalive", "Whether the channel pings (not `keepalive: none`).") { $0.keepalive != nil },
                .text("keepaliveInterval", "The time between pings.") {
                    Literal.duration($0.keepalive?.interval ?? .zero)
                },
                .text("keepaliveTimeout", "How long a ping may go unanswered.") {
                    Literal.duration($0.keepalive?.timeout ?? .zero)
                },
                .text("reconnectInitial", "The first reconnection wait.") { Literal.duration($0.reconnect.initial) },
                .text("reconnectMax", "The longest reconnection wait.") { Literal.duration($0.reconnect.max) },
                .text("reconnectJitter", "The jitter, as a `RetryPolicy.Jitter` member.") {
                    $0.reconnect.jitter.rawValue
                },
                .text("reconnectMaxAttempts", "Failed reconnections in a row allowed, or `nil` for unlimited.") {
                    $0.reconnect.maxAttempts.map(String.init) ?? "nil"
                },
            ])
    }
}
