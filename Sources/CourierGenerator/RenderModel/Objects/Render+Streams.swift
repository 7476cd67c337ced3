import CourierSpec

extension Render {
    /// How a streaming endpoint's events arrive, decode and resume: the `stream` of an endpoint
    /// with `stream:` in the spec.
    struct Stream: RenderObject {
        /// The type each event decodes to.
        var eventType: String
        /// What the stream yields: `CourierRuntime.StreamEvent<OrderEvent>` for server-sent
        /// events, the event type itself for JSON Lines.
        var elementType: String
        /// The stream's whole type.
        var streamType: String
        /// Whether the operation's generic type is too long for one line.
        var hasLongOperationType: Bool
        var isServerSentEvents: Bool
        var resumesFromLastEventID: Bool
        /// The terminator, escaped for a string literal.
        var terminator: String?
        /// Whether the stream may reconnect; not when its method must not be sent twice.
        var reconnects: Bool
        var reconnect: ReconnectPolicy
        var eventCases: RenderList<EventCase>

        static let keys = RenderKeys<Self>(
            .stream,
            """
            How a streaming endpoint's events arrive and resume. Inside it, the endpoint's keys \
            (`name`, `parameters`, …) still apply.
            """,
            [
                .text("eventType", "The model or union each event decodes to.") { $0.eventType },
                .text("elementType", "What the stream yields.") { $0.elementType },
                .text("streamType", "The `CourierRuntime.EventStream` the methods return.") { $0.streamType },
                .flag(
                    "hasLongOperationType",
                    "Whether the operation's type is too long for one line (over 120 columns), to break its generic arguments."
                ) {
                    $0.hasLongOperationType
                },
                .flag("isServerSentEvents", "Server-sent events, rather than JSON Lines.") { $0.isServerSentEvents },
                .text("format", "The `StreamPolicy.Format` member: `serverSentEvents` or `jsonLines`.") {
                    $0.isServerSentEvents ? "serverSentEvents" : "jsonLines"
                },
                .text("resumesFromLastEventID", "`true` when a reconnection sends `Last-Event-ID`.") {
                    String($0.resumesFromLastEventID)
                },
                .flag("hasTerminator", "Whether a data value ends the stream.") { $0.terminator != nil },
                .text("terminator", "That value, escaped for a string literal.") { $0.terminator ?? "" },
                .flag("reconnects", "Whether the stream reconnects (not for a POST without an idempotency key).") {
                    $0.reconnects
                },
                .text("reconnectInitial", "The first reconnection wait.") { Literal.duration($0.reconnect.initial) },
                .text("reconnectMax", "The longest reconnection wait.") { Literal.duration($0.reconnect.max) },
                .text("reconnectJitter", "The jitter, as a `RetryPolicy.Jitter` member.") {
                    $0.reconnect.jitter.rawValue
                },
                .text("reconnectMaxAttempts", "Failed reconnections in a row allowed, or `nil` for unlimited.") {
                    $0.reconnect.maxAttempts.map(String.init) ?? "nil"
                },
                .list("eventCases", "The event names a server-sent event stream knows, and how each decodes.") {
                    $0.eventCases
                },
            ])
    }

    /// An event name a server-sent event stream knows, and the type its data decodes to.
    struct EventCase: RenderObject {
        /// The event name, escaped for a string literal.
        var eventName: String
        /// The type the data decodes to.
        var payloadType: String
        /// The union case the payload is wrapped in (`.shipped`), or `nil` when the payload is
        /// the event type itself.
        var variantCase: String?

        static let keys = RenderKeys<Self>(
            .eventCase,
            """
            An event name a stream knows: `message` (no `event:` field) and the model's name for a model; \
            also each variant's tag for a union, whose data is that variant.
            """,
            [
                .text("eventName", "The event name, escaped for a string literal.") { $0.eventName },
                .text("payloadType", "The Swift type the event's data decodes to.") { $0.payloadType },
                .flag("hasVariant", "Whether the payload is one variant of a union.") { $0.variantCase != nil },
                .text("variantCase", "The union's case for that variant, escaped.") { $0.variantCase ?? "" },
            ])
    }
}
