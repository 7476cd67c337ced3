import Foundation

/// What a generated service says about itself, so the runtime can configure its client.
public struct ServiceDescription: Sendable {
    /// The spec's `service:` name.
    public var name: String
    /// What the service's environment variables start with: `PAYMENTS` for `PAYMENTS_BASE_URL`.
    public var environmentPrefix: String
    /// The spec's first server, used when the environment names none; `nil` when the spec names
    /// no server and the environment must.
    public var defaultServer: ServerURL?
    /// The spec's `discovery:`, `loadBalancing:` and `outlierDetection:`; `nil` when the spec
    /// declares no discovery and every call goes to the server.
    public var discovery: Discovery?

    /// The base URL of calls whose client names no server: the spec's first server, else one naming
    /// the service after its discovery (``Discovery/serviceURL``), else an empty URL with which
    /// every call fails saying so.
    public var defaultURL: ServerURL { defaultServer ?? discovery?.serviceURL ?? ServerURL("") }

    /// Describes a service.
    public init(name: String, environmentPrefix: String, defaultServer: ServerURL?, discovery: Discovery? = nil) {
        self.name = name
        self.environmentPrefix = environmentPrefix
        self.defaultServer = defaultServer
        self.discovery = discovery
    }
}

/// The credentials type of a generated service: one optional credential per auth scheme, each
/// readable from the environment variables the spec names.
public protocol ServiceCredentials: Sendable {
    /// The credentials the environment holds; variables that are unset leave theirs `nil`.
    init(environment: EnvironmentReader)
    /// The credentials as the runtime applies them.
    var credentials: Credentials { get }
}

/// The credentials of a service without auth schemes: none.
public struct NoCredentials: ServiceCredentials, Hashable {
    /// No credentials.
    public init() {}
    /// No credentials; the environment is not read.
    public init(environment: EnvironmentReader) {}
    /// Empty.
    public var credentials: Credentials { Credentials() }
}

/// A generated client. What is the same for every service lives here, so a generated client
/// declares only what its spec says: its description, its credentials type and its calls.
public protocol ServiceClient: Sendable {
    /// The service's credentials.
    associatedtype Auth: ServiceCredentials = NoCredentials

    /// The service: its name, environment prefix and default server.
    static var service: ServiceDescription { get }

    /// Builds, sends and interprets the requests, with the configuration the client was created with.
    var runtime: ServiceRuntime { get }

    /// Creates a client from a complete configuration.
    init(configuration: ClientConfiguration)
}

extension ServiceClient {
    /// The configuration every call starts from.
    public var configuration: ClientConfiguration { runtime.configuration }

    /// Creates a client configured by environment variables, named from the service's
    /// ``ServiceDescription/environmentPrefix`` (`PREFIX` below); the generated client's
    /// ``service`` lists its own.
    ///
    /// - `PREFIX_BASE_URL`: the base URL; unset, the spec's first server (an error when the spec
    ///   names none).
    /// - the variables the spec's auth schemes name (`env:`), for their credentials.
    /// - `PREFIX_TIMEOUT`: how long a call may take in all, such as `10s` or `500ms`; unset, the
    ///   spec's total timeout.
    /// - `PREFIX_MAX_ATTEMPTS`: attempts per call, the first included; unset, the spec's.
    /// - `PREFIX_INSTANCES` (comma-separated URLs), `PREFIX_DNS_SRV` (an SRV name) or `PREFIX_DNS`
    ///   (`host:port`, every A and AAAA address): where the instances are, replacing the spec's
    ///   `discovery:` (at most one of the three). With none of them, `PREFIX_BASE_URL` alone sends
    ///   every call to that URL; with neither, the spec's discovery, if any, is used.
    /// - `PREFIX_DNS_SERVER`: the name server DNS look-ups ask (`127.0.0.1:5353`), instead of the
    ///   system's.
    ///
    /// - Throws: `ConfigurationError` naming the variable whose value cannot be used.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport = URLSessionTransport()
    ) throws(ConfigurationError) -> Self {
        let reader = EnvironmentReader(environment)
        let prefix = service.environmentPrefix
        let baseURL = try reader.server(prefix + "_BASE_URL")
        let discovery = try reader.discovery(
            prefix: prefix, base: service.discovery, scheme: (baseURL ?? service.defaultServer)?.scheme ?? "http")
        guard let server = baseURL ?? service.defaultServer ?? (discovery ?? service.discovery)?.serviceURL else {
            throw ConfigurationError(
                variable: prefix + "_BASE_URL", message: "is not set, and the spec names no server")
        }
        var configuration = ClientConfiguration(
            server: server,
            transport: transport,
            credentials: Auth(environment: reader).credentials,
            timeout: try reader.duration(prefix + "_TIMEOUT"))
        configuration.resilience.maxAttempts = try reader.positiveInteger(prefix + "_MAX_ATTEMPTS")
        configuration.discovery = discovery ?? (baseURL == nil ? service.discovery : nil)
        if let nameServer = try reader.nameServer(prefix + "_DNS_SERVER") {
            configuration.discovery = configuration.discovery?.askingNameServer(nameServer)
        }
        return Self(configuration: configuration)
    }

    /// How the service's instances stand, or `nil` when the client sends every call to its server.
    /// (Not `health()`: that is a common endpoint name.)
    public func instanceHealth() -> ServiceHealth? { runtime.instanceHealth() }

    /// Changes to the service's instances from now on, until the client shuts down.
    public var instanceChanges: AsyncStream<InstanceEvent> { runtime.instanceChanges }

    /// Shuts the client down at once (see ``ServiceRuntime/shutdown()``): new calls are refused
    /// with ``ClientError/shutDown``, channels close, background work ends.
    public func shutdown() { runtime.shutdown() }

    /// Shuts the client down gracefully (see ``ServiceRuntime/shutdown(gracePeriod:)``): new calls
    /// are refused, and those in flight get up to `gracePeriod` to finish.
    public func shutdown(gracePeriod: Duration) async { await runtime.shutdown(gracePeriod: gracePeriod) }
}
