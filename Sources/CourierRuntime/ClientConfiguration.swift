import Foundation
import HTTPTypes

/// Where and how a generated client sends requests: server, transport, credentials, and the
/// client's changes to the spec's resilience settings.
public struct ClientConfiguration: Sendable {
    /// The service's base URL.
    public var server: ServerURL
    /// Sends the requests.
    public var transport: any HTTPTransport
    /// Credentials by the spec's scheme names.
    public var credentials: Credentials
    /// Header fields added to every request, such as `User-Agent`.
    public var headerFields: HTTPFields
    /// Changes to the spec's resilience settings for every call of this client.
    public var resilience: ResilienceOverrides
    /// Changes for single endpoints, by the spec's endpoint name; applied after ``resilience``.
    public var endpointResilience: [String: ResilienceOverrides]
    /// Circuit breakers, bulkheads, rate limiters and retry budgets, with their clock. Share one
    /// instance between clients to share per-host state.
    public var resilienceState: ResilienceState
    /// The responses kept for endpoints that cache (see ``CachePolicy``). Share one instance
    /// between clients to share entries; its `maxBytes` bounds its memory.
    public var responseCache: ResponseCache
    /// The logger, metrics factory and tracer the client reports to; by default nothing is logged
    /// and the bootstrapped metrics and tracing systems are used.
    public var observability: Observability
    /// Your middleware, run once per attempt just before the transport; the first is outermost.
    /// See ``Middleware`` for where it sits in the pipeline.
    public var middleware: [any Middleware]
    /// The largest response body accepted, in bytes. 16 MiB by default.
    public var maxResponseBodySize: Int
    /// Opens the connections of the spec's `channels:`; `nil` (the default) until you set one,
    /// such as `SwiftWebSocketTransport()` from product `CourierWebSocket`. A channel opened
    /// without one closes at once with ``WebSocketChannelError/invalidRequest(_:)``.
    public var webSocketTransport: (any WebSocketTransport)?
    /// Where the service's instances are found and how calls are spread over them; `nil` (the
    /// default unless the spec declares `discovery:`) sends every call to ``server``. With it,
    /// ``server`` still gives the path prefix and names the service's breaker, bulkhead and rate
    /// limiter, but its host is not called.
    public var discovery: Discovery?
    /// Whether responses are checked against the spec's constraints: `.off` (the default),
    /// `.warn` (logged, the value returned) or `.error` (the call fails with `.decoding`).
    public var responseValidation: ResponseValidation = .off
    /// Where the spec's servers are, by name, for endpoints whose `fallback:` names one; a server
    /// missing here is at its URL in the spec.
    public var fallbackServers: [String: ServerURL] = [:]

    /// The total timeout of every call, overriding the spec's; `nil` keeps the spec's (30 s unless it says).
    public var timeout: Duration? {
        get { resilience.totalTimeout }
        set { resilience.totalTimeout = newValue }
    }

    /// Creates a configuration.
    public init(
        server: ServerURL,
        transport: any HTTPTransport = URLSessionTransport(),
        credentials: Credentials = Credentials(),
        headerFields: HTTPFields = [:],
        timeout: Duration? = nil,
        resilience: ResilienceOverrides = ResilienceOverrides(),
        endpointResilience: [String: ResilienceOverrides] = [:],
        resilienceState: ResilienceState = ResilienceState(),
        responseCache: ResponseCache = ResponseCache(),
        observability: Observability = Observability(),
        middleware: [any Middleware] = [],
        maxResponseBodySize: Int = 16 << 20,
        webSocketTransport: (any WebSocketTransport)? = nil,
        discovery: Discovery? = nil
    ) {
        self.server = server
        self.transport = transport
        self.credentials = credentials
        self.headerFields = headerFields
        self.resilience = resilience
        self.endpointResilience = endpointResilience
        self.resilienceState = resilienceState
        self.responseCache = responseCache
        self.observability = observability
        self.middleware = middleware
        self.maxResponseBodySize = maxResponseBodySize
        self.webSocketTransport = webSocketTransport
        self.discovery = discovery
        if let timeout { self.resilience.totalTimeout = timeout }
    }
}

/// Settings for one call, overriding the client's.
public struct RequestOptions: Sendable {
    /// Changes to the resilience settings for this call; they win over the client's and the spec's.
    public var resilience: ResilienceOverrides {
        didSet { overridesResilience = !resilience.isEmpty }
    }
    /// Whether ``resilience`` changes anything, kept as it changes: most calls override nothing,
    /// and a call asks this before anything else.
    private(set) var overridesResilience = false
    /// Header fields added to this request; they replace fields of the same name.
    public var headerFields: HTTPFields
    /// Whether this call's response is checked against the spec's constraints; `nil` keeps the
    /// client's ``ClientConfiguration/responseValidation``.
    public var responseValidation: ResponseValidation?

    /// How long this call may take in all; `nil` keeps the client's or the spec's.
    public var timeout: Duration? {
        get { resilience.totalTimeout }
        set { resilience.totalTimeout = newValue }
    }

    /// Whether this call uses the response cache: `.use(CachePolicy(...))` caches a GET the spec
    /// does not, `.off` neither reads nor stores, `.inherit` keeps the client's or the spec's.
    public var cache: ResilienceOverrides.Setting<CachePolicy> {
        get { resilience.cache }
        set { resilience.cache = newValue }
    }

    /// Creates options; the defaults change nothing.
    public init(
        timeout: Duration? = nil, cache: ResilienceOverrides.Setting<CachePolicy> = .inherit,
        resilience: ResilienceOverrides = ResilienceOverrides(), headerFields: HTTPFields = [:],
        responseValidation: ResponseValidation? = nil
    ) {
        self.resilience = resilience
        self.headerFields = headerFields
        self.responseValidation = responseValidation
        if let timeout { self.resilience.totalTimeout = timeout }
        if cache != .inherit { self.resilience.cache = cache }
        overridesResilience = !self.resilience.isEmpty
    }
}

/// Whether responses are checked against the constraints of the spec.
///
/// A server is the authority on what it sends, so checking is off by default; turn it on to catch
/// a server that drifts from the spec, in tests or staging (`.error`) or in production (`.warn`).
public enum ResponseValidation: String, Sendable, Hashable, CaseIterable {
    /// Responses are not checked.
    case off
    /// A violation is logged at warning level, with its path, and the value is returned.
    case warn
    /// A violation fails the call with ``ClientError/decoding(_:)``, whose coding path is the
    /// violation's.
    case error
}

/// A configuration value from the environment that cannot be used.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The variable, such as `PAYMENTS_TIMEOUT`.
    public var variable: String
    /// What is wrong with its value.
    public var message: String

    /// Creates an error.
    public init(variable: String, message: String) {
        self.variable = variable
        self.message = message
    }

    /// `"<variable>: <message>"`.
    public var description: String { "\(variable): \(message)" }
}

/// Reads client settings from environment variables, for generated `fromEnvironment()` functions.
public struct EnvironmentReader: Sendable {
    /// The variables to read.
    public let variables: [String: String]

    /// Reads from `variables`, by default the process environment.
    public init(_ variables: [String: String] = ProcessInfo.processInfo.environment) {
        self.variables = variables
    }

    /// The variable's value, or `nil` when it is unset or empty.
    public func string(_ name: String) -> String? {
        guard let value = variables[name], !value.isEmpty else { return nil }
        return value
    }

    /// The variable's value as a secret, or `nil` when it is unset or empty.
    public func secret(_ name: String) -> Secret? {
        string(name).map { Secret($0) }
    }

    /// The variable as a base URL; an unusable URL is an error.
    public func server(_ name: String) throws(ConfigurationError) -> ServerURL? {
        guard let text = string(name) else { return nil }
        let server = ServerURL(text)
        if let problem = server.problem {
            throw ConfigurationError(variable: name, message: problem)
        }
        return server
    }

    /// The variable as a duration: `250ms`, `5s`, `2m`, `1h`, or a plain number of seconds.
    public func duration(_ name: String) throws(ConfigurationError) -> Duration? {
        guard let text = string(name) else { return nil }
        guard let duration = Self.parseDuration(text) else {
            throw ConfigurationError(variable: name, message: "'\(text)' is not a duration such as 250ms, 5s or 2m")
        }
        return duration
    }

    /// The variable as a positive whole number.
    public func positiveInteger(_ name: String) throws(ConfigurationError) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), value > 0 else {
            throw ConfigurationError(variable: name, message: "'\(text)' is not a positive whole number")
        }
        return value
    }

    /// The discovery `PREFIX_INSTANCES`, `PREFIX_DNS_SRV` or `PREFIX_DNS` names, with `base`'s
    /// refresh, balancing and outlier detection; `nil` when none is set. Instances found through
    /// DNS use `base`'s scheme, else `scheme`.
    public func discovery(prefix: String, base: Discovery?, scheme: String) throws(ConfigurationError) -> Discovery? {
        let names = [prefix + "_INSTANCES", prefix + "_DNS_SRV", prefix + "_DNS"]
        let set = names.filter { string($0) != nil }
        guard let name = set.first else { return nil }
        if set.count > 1 {
            throw ConfigurationError(
                variable: name, message: "set together with \(set.dropFirst().joined(separator: " and ")); set one")
        }
        var discovery = base ?? Discovery(resolver: StaticInstanceResolver([]))
        let dnsScheme = (base?.resolver as? DNSInstanceResolver)?.scheme ?? scheme
        let text = string(name) ?? ""
        switch name {
        case prefix + "_INSTANCES":
            var instances: [ServiceInstance] = []
            for item in text.split(separator: ",") {
                let url = item.trimmingCharacters(in: .whitespaces)
                guard let instance = ServiceInstance(url: url) else {
                    throw ConfigurationError(
                        variable: name, message: "'\(url)' is not an http or https URL of an instance")
                }
                instances.append(instance)
            }
            if instances.isEmpty { throw ConfigurationError(variable: name, message: "lists no instance") }
            discovery.resolver = StaticInstanceResolver(instances)
        case prefix + "_DNS_SRV":
            discovery.resolver = DNSInstanceResolver(.service(text), scheme: dnsScheme)
        default:
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
                (1...65535).contains(port), colon > text.startIndex
            else {
                throw ConfigurationError(variable: name, message: "'\(text)' is not host:port")
            }
            discovery.resolver = DNSInstanceResolver(
                .addresses(host: String(text[..<colon]), port: port), scheme: dnsScheme)
        }
        return discovery
    }

    /// The variable as a name server, `address:port` or `address`.
    public func nameServer(_ name: String) throws(ConfigurationError) -> DNSNameServer? {
        guard let text = string(name) else { return nil }
        guard let server = DNSNameServer(text) else {
            throw ConfigurationError(variable: name, message: "'\(text)' is not an IPv4 address with an optional port")
        }
        return server
    }

    static func parseDuration(_ text: String) -> Duration? {
        let units: [(suffix: String, scale: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where text.hasSuffix(suffix) {
            guard let number = Double(text.dropLast(suffix.count)), number >= 0, number.isFinite else { return nil }
            return .milliseconds(Int64((number * scale * 1000).rounded()))
        }
        guard let seconds = Double(text), seconds >= 0, seconds.isFinite else { return nil }
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
