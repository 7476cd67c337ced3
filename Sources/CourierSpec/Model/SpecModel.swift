/// A type expression as written in a spec, with where it was written.
public struct TypeReference: Hashable, Sendable, CustomStringConvertible {
    /// The parsed expression.
    public var expression: TypeExpression
    /// Where the expression starts.
    public var location: SourceLocation

    /// Creates a type reference.
    public init(_ expression: TypeExpression, at location: SourceLocation) {
        self.expression = expression
        self.location = location
    }

    /// The expression as a spec writes it.
    public var description: String { expression.description }
}

/// A `deprecated:` marker: `true`, or a message saying what to use instead.
public struct Deprecation: Hashable, Sendable {
    /// What to use instead, if the spec says.
    public var message: String?

    /// Creates a deprecation.
    public init(message: String? = nil) { self.message = message }
}

/// A literal default value of a property or parameter, already checked against its type.
public indirect enum DefaultValue: Hashable, Sendable {
    /// Text (also enum values, dates, UUIDs and URLs, which stay in their textual form).
    case string(String)
    /// A whole number.
    case integer(Int64)
    /// A number with a fraction, kept as written so decimals lose nothing.
    case number(String)
    /// `true` or `false`.
    case bool(Bool)
    /// A list of values.
    case list([DefaultValue])
    /// A map of values, in source order.
    case map([String: DefaultValue], order: [String])
}

/// A named base URL.
public struct Server: Hashable, Sendable {
    /// The name (`production`), which becomes a case of the client's server enum.
    public var name: String
    /// The absolute base URL, without the spec's `basePath`.
    public var url: String
    /// What the server is.
    public var description: String?
    /// Where the server is declared.
    public var location: SourceLocation
}

/// An authentication scheme a service accepts.
public struct AuthScheme: Hashable, Sendable {
    /// Where an API key travels.
    public enum KeyPlacement: String, Hashable, Sendable, CaseIterable {
        /// In a request header.
        case header
        /// In a query parameter.
        case query
    }

    /// What kind of credential the scheme takes.
    public enum Kind: Hashable, Sendable {
        /// `Authorization: Bearer <token>`; the token may come from the environment variable `env`.
        case bearer(env: String?)
        /// `Authorization: Basic …`; user name and password may come from environment variables.
        case basic(usernameEnv: String?, passwordEnv: String?)
        /// An API key in a header or query parameter named `name`.
        case apiKey(in: KeyPlacement, name: String, env: String?)
    }

    /// The scheme's name in the spec (`bearer`, `apiKey`).
    public var name: String
    /// What it takes.
    public var kind: Kind
    /// What it is.
    public var description: String?
    /// Where it is declared.
    public var location: SourceLocation
}

/// A path, query or header parameter (also a service-wide header).
public struct Parameter: Hashable, Sendable {
    /// The name on the wire: the placeholder, query key or header field name.
    public var name: String
    /// A Swift name chosen by the spec (`swiftName:`), overriding the one derived from `name`.
    public var swiftName: String?
    /// The value's type.
    public var type: TypeReference
    /// The value used when the caller gives none.
    public var defaultValue: DefaultValue?
    /// Where the default value is written.
    public var defaultLocation: SourceLocation?
    /// What the parameter means.
    public var description: String?
    /// Whether and why the parameter is deprecated.
    public var deprecation: Deprecation?
    /// Where the parameter is declared.
    public var location: SourceLocation
    /// The values the parameter accepts, checked before a request is sent.
    public var constraints = Constraints()

    /// Whether the caller may leave the parameter out (optional type or a default).
    public var isRequired: Bool { !type.expression.isOptional && defaultValue == nil }
}

/// A model property.
public struct Property: Hashable, Sendable {
    /// The name in the spec, from which the Swift name is derived.
    public var name: String
    /// The JSON key (`json:`), or the name when the spec gives none.
    public var jsonName: String
    /// The value's type.
    public var type: TypeReference
    /// The value used when the JSON lacks the key.
    public var defaultValue: DefaultValue?
    /// Where the default value is written.
    public var defaultLocation: SourceLocation?
    /// What the property means.
    public var description: String?
    /// Whether and why the property is deprecated.
    public var deprecation: Deprecation?
    /// Where the property is declared.
    public var location: SourceLocation
    /// The values the property accepts, checked before a request is sent.
    public var constraints = Constraints()
}

/// One value of an enum model.
public struct EnumCase: Hashable, Sendable {
    /// The value on the wire.
    public var value: String
    /// What the value means.
    public var description: String?
    /// Where the value is declared.
    public var location: SourceLocation
}

/// One variant of a one-of union.
public struct UnionVariant: Hashable, Sendable {
    /// The discriminator value that selects this variant.
    public var tag: String
    /// The variant's model.
    public var model: TypeReference
    /// Where the variant is declared.
    public var location: SourceLocation
}

/// A named type of the spec.
public struct Model: Hashable, Sendable {
    /// What kind of type a model is.
    public enum Kind: Hashable, Sendable {
        /// A JSON object with named properties.
        case object([Property])
        /// A string enum; decoding keeps values the spec does not list.
        case enumeration([EnumCase])
        /// A tagged union: the `discriminator` property's value picks the variant.
        case oneOf(discriminator: String, discriminatorLocation: SourceLocation, variants: [UnionVariant])
        /// Another name for a type expression.
        case alias(TypeReference)
    }

    /// The model's name, an UpperCamel Swift type name once generated.
    public var name: String
    /// What the model is.
    public var kind: Kind
    /// Its documentation.
    public var description: String?
    /// Whether and why it is deprecated.
    public var deprecation: Deprecation?
    /// Where it is declared (its key in `models:`).
    public var location: SourceLocation
}

/// A named error body an endpoint may answer with.
public struct ErrorDefinition: Hashable, Sendable {
    /// The error's name.
    public var name: String
    /// The HTTP status that signals it, 400–599.
    public var status: Int
    /// The body's type, or `nil` when the body is not decoded.
    public var body: TypeReference?
    /// What the error means.
    public var description: String?
    /// Where it is declared.
    public var location: SourceLocation
}

/// A request body.
public struct RequestBody: Hashable, Sendable {
    /// The body's type: a JSON type, `string` for text, `bytes` for raw data, or an object model
    /// for a form.
    public var type: TypeReference
    /// The media type sent in `Content-Type` unless the caller picks another of ``contentTypes``.
    public var contentType: String
    /// Every media type the body may be sent as, ``contentType`` first: one, unless the spec
    /// lists several and the caller picks.
    public var contentTypes: [String]
    /// What the body is.
    public var description: String?
    /// Where it is declared.
    public var location: SourceLocation
}

/// A successful response.
public struct ResponseBody: Hashable, Sendable {
    /// The body's type, or `nil` when no body is expected (`204`).
    public var type: TypeReference?
    /// The success status. Default 200 (204 when there is no body type).
    public var status: Int
    /// The expected media type.
    public var contentType: String
    /// What the response is.
    public var description: String?
    /// Where it is declared.
    public var location: SourceLocation
}

/// Cursor pagination: the endpoint is called again with `cursor` set from `next` until `next` is null.
public struct Pagination: Hashable, Sendable {
    /// The query parameter that carries the cursor.
    public var cursorParameter: String
    /// The path to the next cursor in the response (`["nextCursor"]` for `response.nextCursor`), as JSON-side property names.
    public var nextPath: [String]
    /// The path to the page's items in the response.
    public var itemsPath: [String]
    /// The type of one item; set by validation (always present in a validated ``Spec``).
    public var itemType: TypeExpression?
    /// Where `cursor`, `next` and `items` are written, for diagnostics.
    public var cursorLocation: SourceLocation, nextLocation: SourceLocation, itemsLocation: SourceLocation
    /// Where the pagination is declared.
    public var location: SourceLocation
}

/// A streaming endpoint's response (`stream:`): events read as they arrive, over a connection
/// that is opened again when it drops.
public struct StreamSpec: Hashable, Sendable {
    /// How the body is framed.
    public enum Format: String, Hashable, Sendable, CaseIterable {
        /// Server-sent events (`text/event-stream`).
        case sse
        /// Newline-delimited JSON (`application/x-ndjson`).
        case ndjson
    }

    /// How a reconnection picks up where the stream left off.
    public enum Resume: String, Hashable, Sendable, CaseIterable {
        /// The last event's ID is sent as `Last-Event-ID` (server-sent events only).
        case lastEventId
        /// Nothing is sent; the server decides where to start.
        case none
    }

    /// How the body is framed.
    public var format: Format
    /// The model, or `oneOf` union, each event's data decodes to.
    public var event: TypeReference
    /// How a reconnection resumes. Default `lastEventId` for `sse`, `none` for `ndjson`.
    public var resume: Resume
    /// A data value that ends the stream, such as `[DONE]`.
    public var terminator: String?
    /// When the stream connects again: the spec's `defaults.stream.reconnect` with this stream's
    /// overrides.
    public var reconnect: ReconnectPolicy
    /// Whether the stream may be reconnected at all: not for a method that is not idempotent
    /// (POST, PATCH without `idempotencyKey`), since sending it again would repeat its effect.
    public var reconnects: Bool
    /// Where `stream:` is written.
    public var location: SourceLocation
}

/// How a channel checks that its connection is alive (`keepalive:`): a protocol ping every
/// `interval`, each answered within `timeout`.
public struct KeepaliveSpec: Hashable, Sendable {
    /// The time between pings. Default 20 s.
    public var interval: Duration
    /// How long a ping may go unanswered before the connection counts as dead. Default 10 s.
    public var timeout: Duration

    /// Creates a keepalive; the defaults are a channel's.
    public init(interval: Duration = .seconds(20), timeout: Duration = .seconds(10)) {
        self.interval = interval
        self.timeout = timeout
    }
}

/// A WebSocket channel (`channels:`): a connection that stays open, with JSON messages both ways.
public struct ChannelSpec: Hashable, Sendable {
    /// The name, which becomes the client's method name.
    public var name: String
    /// The opening handshake as an endpoint: `GET` of the channel's path with its parameters and
    /// auth, no body and no response. Validation checks it as it checks endpoints.
    public var handshake: Endpoint
    /// What the client sends, or `nil` for a channel that only receives.
    public var send: TypeReference?
    /// What the server sends.
    public var receive: TypeReference
    /// Pings: the spec's `defaults.keepalive` with this channel's overrides, or `nil` for `keepalive: none`.
    public var keepalive: KeepaliveSpec?
    /// When the channel connects again: `defaults.channel.reconnect` with this channel's overrides.
    public var reconnect: ReconnectPolicy
    /// Where the channel is declared.
    public var location: SourceLocation
}

/// Which auth schemes an endpoint uses.
public enum AuthRequirement: Hashable, Sendable {
    /// Whatever credentials the client was given (the default).
    case inherited
    /// None: credentials are never sent to this endpoint.
    case none
    /// Only these schemes.
    case schemes([String])
}

/// An HTTP method.
public enum HTTPMethod: String, Hashable, Sendable, CaseIterable {
    /// GET.
    case get = "GET"
    /// HEAD.
    case head = "HEAD"
    /// POST.
    case post = "POST"
    /// PUT.
    case put = "PUT"
    /// PATCH.
    case patch = "PATCH"
    /// DELETE.
    case delete = "DELETE"
    /// OPTIONS.
    case options = "OPTIONS"

    /// Whether sending the request twice has the effect of sending it once (RFC 9110 §9.2.2).
    public var isIdempotent: Bool { self != .post && self != .patch }

    /// Whether responses may be cached by Courier's response cache.
    public var isCacheable: Bool { self == .get || self == .head }
}

/// One piece of a path template.
public enum PathSegment: Hashable, Sendable {
    /// Text sent as written.
    case literal(String)
    /// `{name}`: a path parameter, percent-encoded as one segment.
    case parameter(String)
}

/// One operation of a service.
public struct Endpoint: Hashable, Sendable {
    /// The name, which becomes the client's method name.
    public var name: String
    /// The HTTP method.
    public var method: HTTPMethod
    /// The path template as written (`/payments/{id}`), without the service's `basePath`.
    public var path: String
    /// The path template in pieces.
    public var pathSegments: [PathSegment]
    /// What the endpoint does.
    public var description: String?
    /// Whether and why the endpoint is deprecated.
    public var deprecation: Deprecation?
    /// Path parameters, in the order of their placeholders.
    public var pathParameters: [Parameter]
    /// Query parameters.
    public var queryParameters: [Parameter]
    /// Header parameters.
    public var headerParameters: [Parameter]
    /// The request body.
    public var body: RequestBody?
    /// The successful response.
    public var response: ResponseBody
    /// Names of the declared errors this endpoint may answer with.
    public var errors: [String]
    /// Cursor pagination, if the endpoint pages.
    public var pagination: Pagination?
    /// The header that carries a generated idempotency key, same on every attempt.
    public var idempotencyKey: String?
    /// Which auth schemes apply.
    public var auth: AuthRequirement
    /// Where each of the endpoint's own keys is written, for diagnostics about them.
    public var keyLocations: [String: SourceLocation]
    /// The effective resilience settings: built-in defaults, then the spec's `defaults:`, then this endpoint's overrides.
    public var resilience: ResiliencePolicy
    /// Where the endpoint is declared.
    public var location: SourceLocation
    /// Whether the method and path could be read. When not, the decoder reported why, the
    /// endpoint's other keys are still checked, and checks that need its route are skipped.
    public var hasRoute = true
    /// With `responses:`, each success status and its body, by status; ``response`` is then the
    /// first. Empty with `response:`.
    public var responseCases: [ResponseBody] = []
    /// With `stream:`, how the events arrive; the endpoint then has no ``response``.
    public var stream: StreamSpec?
    /// Group names (`tags: [reads]`) that select middleware registered for them.
    public var tags: [String] = []
    /// What answers when the call fails after its retries, if anything.
    public var fallback: FallbackSpec?
}

/// An endpoint's `fallback:`: what answers a call that failed after its retries with an open
/// circuit, a 5xx, 408 or 429, a timeout or a connection failure.
public struct FallbackSpec: Hashable, Sendable {
    /// The same call on this server of the spec (an older version of the service), by name.
    public var server: String?
    /// Where `server` is written.
    public var serverLocation: SourceLocation?
    /// Whether a stored copy of the response answers, however stale; tried before `server`.
    public var staleCache: Bool
    /// Where `fallback` is written.
    public var location: SourceLocation
}

/// An `imports:` entry.
public struct Import: Hashable, Sendable {
    /// The path as written, relative to the importing file.
    public var path: String
    /// The path resolved against the importing file's folder, as used for reading and in diagnostics.
    public var resolvedPath: String
    /// Where the import is written.
    public var location: SourceLocation
}

/// One spec file as read: a service spec (with `service:`) or a shared model file (without).
public struct SpecFile: Hashable, Sendable {
    /// The path the file was read from, as the user (or an import) gave it.
    public var path: String
    /// The `courier:` format version.
    public var formatVersion: Int
    /// The service name, or `nil` for a shared model file.
    public var service: String?
    /// What the service (or model file) is.
    public var description: String?
    /// A prefix of every endpoint path (`/v1`), or empty.
    public var basePath: String
    /// Named base URLs; the first is the default.
    public var servers: [Server]
    /// Auth schemes.
    public var authSchemes: [AuthScheme]
    /// Headers sent with every request.
    public var headers: [Parameter]
    /// The service-wide resilience settings (built-in defaults with the spec's `defaults:` applied).
    public var defaults: ResiliencePolicy
    /// How streams reconnect unless they say otherwise: `defaults.stream.reconnect` over the built-in policy.
    public var streamReconnect = ReconnectPolicy()
    /// How channels reconnect unless they say otherwise: `defaults.channel.reconnect` over a
    /// channel's built-in policy (1 s to 30 s, full jitter, unlimited).
    public var channelReconnect = ReconnectPolicy.channel
    /// How channels keep their connections alive unless they say otherwise (`defaults.keepalive`);
    /// `nil` for `none`.
    public var keepalive: KeepaliveSpec? = KeepaliveSpec()
    /// Named errors.
    public var errors: [ErrorDefinition]
    /// Models, in source order.
    public var models: [Model]
    /// Endpoints, in source order.
    public var endpoints: [Endpoint]
    /// Imported model files.
    public var imports: [Import]
    /// WebSocket channels, in source order.
    public var channels: [ChannelSpec] = []
    /// Where the service's instances are (`discovery:`), or `nil` for the server URL alone.
    public var discovery: DiscoverySpec?

    /// Whether this file describes a service (rather than only shared models).
    public var isService: Bool { service != nil }
}

/// A validated service spec with everything it imports.
public struct Spec: Hashable, Sendable {
    /// The spec file itself.
    public var file: SpecFile
    /// Every file it imports, directly or not, each once, dependencies first.
    public var imported: [SpecFile]

    /// Creates a spec.
    public init(file: SpecFile, imported: [SpecFile]) {
        self.file = file
        self.imported = imported
    }

    /// Every model visible to the spec: the imported ones first, then its own.
    public var allModels: [Model] { imported.flatMap(\.models) + file.models }

    /// Every error visible to the spec: the imported ones first, then its own.
    public var allErrors: [ErrorDefinition] { imported.flatMap(\.errors) + file.errors }

    /// The model with this name, if any is visible.
    public func model(named name: String) -> Model? { allModels.first { $0.name == name } }

    /// The error with this name, if any is visible.
    public func error(named name: String) -> ErrorDefinition? { allErrors.first { $0.name == name } }
}

/// Where a service's instances are and how calls spread over them: `discovery:`, with
/// `loadBalancing:` and `outlierDetection:` beside it.
public struct DiscoverySpec: Hashable, Sendable {
    /// Where the instances come from.
    public enum Source: Hashable, Sendable {
        /// The SRV records of a name (`dnsSrv:`).
        case dnsSRV(String)
        /// Every A and AAAA address of a host, on a port (`dns: host:port`).
        case dns(host: String, port: Int)
        /// A fixed list of base URLs (`instances:`).
        case instances([String])
    }

    /// How an instance is chosen for each attempt (`loadBalancing.policy`).
    public enum Policy: String, Hashable, Sendable, CaseIterable {
        case p2c, roundRobin, pickFirst
    }

    /// Where the instances come from.
    public var source: Source
    /// The scheme of instances found through DNS; `nil` takes the first server's, else `http`.
    public var scheme: String?
    /// The longest gap between look-ups. Default 30 s.
    public var refresh: Duration = .seconds(30)
    /// How an instance is chosen. Default p2c.
    public var policy: Policy = .p2c
    /// With a larger share of instances ejected than this, ejections are ignored. Default 50 %.
    public var panicThreshold: Double = 0.5
    /// Passive outlier ejection, or `nil` for `outlierDetection: none`.
    public var outlierDetection: OutlierDetectionSpec? = OutlierDetectionSpec()
    /// Active health checks (`health:`), or `nil` for none.
    public var healthCheck: HealthCheckSpec?
    /// Where `discovery:` is written.
    public var location: SourceLocation

    /// Creates discovery settings with the defaults.
    public init(source: Source, location: SourceLocation) {
        self.source = source
        self.location = location
    }
}

/// `outlierDetection:`: failures in a row that eject an instance, and for how long.
public struct OutlierDetectionSpec: Hashable, Sendable {
    /// Failures in a row that eject an instance. Default 5.
    public var consecutiveFailures = 5
    /// The first ejection's length, growing with each ejection. Default 30 s.
    public var ejectFor: Duration = .seconds(30)
    /// The longest ejection. Default 5 min.
    public var maxEjectFor: Duration = .seconds(300)
    /// The largest share of instances ejected at once. Default 50 %.
    public var maxEjected: Double = 0.5

    /// Creates the defaults.
    public init() {}
}

/// `health:`: the active check of every instance.
public struct HealthCheckSpec: Hashable, Sendable {
    /// The path checked, as an endpoint's path is written (the spec's `basePath` goes before it):
    /// the path of the endpoint `endpoint:` names, or `path:`.
    public var path: String
    /// The time between checks. Default 10 s.
    public var interval: Duration = .seconds(10)
    /// How long a check may take. Default 2 s.
    public var timeout: Duration = .seconds(2)
    /// Failed checks in a row that take an instance out of rotation. Default 3.
    public var unhealthyAfter = 3
    /// Passed checks in a row that bring it back. Default 2.
    public var healthyAfter = 2

    /// Creates a check of `path` with the defaults.
    public init(path: String) {
        self.path = path
    }
}
