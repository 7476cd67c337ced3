import Configuration
import CourierRuntime
import Foundation

/// The keys a client reads from swift-configuration, under the service's name in lower camel
/// case (`payments.baseURL`). Durations are strings such as `250ms`, `5s` or `2m`, or numbers of
/// seconds; instances are a list of URLs, or one string of comma-separated URLs.
///
/// | key | what it sets | `fromEnvironment()` reads |
/// |---|---|---|
/// | `baseURL` | the base URL | `NAME_BASE_URL` |
/// | `timeout.total` | the total timeout of a call (the attempt timeout shrinks to fit) | `NAME_TIMEOUT` |
/// | `retry.maxAttempts` | attempts per call, the first included | `NAME_MAX_ATTEMPTS` |
/// | `rateLimit.requests`, `rateLimit.per`, `rateLimit.burst` | a client-side rate limit | – |
/// | `instances` | the instances of a client whose discovery is a list | `NAME_INSTANCES` |
public enum ConfigurationKeys {
    /// The key every setting of `service` is under: its name in lower camel case (`payments`).
    public static func scope(of service: ServiceDescription) -> String {
        guard let first = service.name.first else { return service.name }
        return first.lowercased() + service.name.dropFirst()
    }

    /// `base` with what `snapshot` (scoped to the service) sets; keys it lacks keep `base`'s value,
    /// so removing a key restores the setting the client was made with.
    @available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
    public static func settings(
        from snapshot: ConfigSnapshotReader, over base: RuntimeSettings, scope: String
    ) throws(ConfigurationError) -> RuntimeSettings {
        var settings = base
        func name(_ key: String) -> String { scope + "." + key }
        if let text = snapshot.string(forKey: "baseURL") {
            let server = ServerURL(text)
            if let problem = server.problem { throw ConfigurationError(variable: name("baseURL"), message: problem) }
            settings.server = server
        }
        if let total = try duration(snapshot, "timeout.total", name) {
            guard total > .zero else { throw ConfigurationError(variable: name("timeout.total"), message: "is zero") }
            settings.resilience.totalTimeout = total
        }
        if let attempts = snapshot.int(forKey: "retry.maxAttempts") {
            guard attempts > 0 else {
                throw ConfigurationError(variable: name("retry.maxAttempts"), message: "\(attempts) is not positive")
            }
            settings.resilience.maxAttempts = attempts
        }
        if let requests = snapshot.int(forKey: "rateLimit.requests") {
            guard requests > 0, let per = try duration(snapshot, "rateLimit.per", name), per > .zero else {
                throw ConfigurationError(
                    variable: name("rateLimit"), message: "needs positive 'requests' and 'per', such as 100 per 1s")
            }
            let burst = snapshot.int(forKey: "rateLimit.burst")
            settings.resilience.rateLimit = .use(RateLimitPolicy(requests: requests, per: per, burst: burst))
        }
        if let instances = try instances(snapshot, name("instances")) { settings.instances = instances }
        return settings
    }

    @available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
    private static func duration(
        _ snapshot: ConfigSnapshotReader, _ key: String, _ name: (String) -> String
    ) throws(ConfigurationError) -> Duration? {
        if let seconds = snapshot.double(forKey: ConfigKey(key)) {
            guard seconds >= 0, seconds.isFinite else {
                throw ConfigurationError(variable: name(key), message: "\(seconds) is not a duration")
            }
            return .milliseconds(Int64((seconds * 1000).rounded()))
        }
        guard let text = snapshot.string(forKey: ConfigKey(key)) else { return nil }
        return try EnvironmentReader([name(key): text]).duration(name(key))
    }

    @available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
    private static func instances(
        _ snapshot: ConfigSnapshotReader, _ name: String
    ) throws(ConfigurationError) -> [ServiceInstance]? {
        let urls: [String]
        if let list = snapshot.stringArray(forKey: "instances") {
            urls = list
        } else if let text = snapshot.string(forKey: "instances") {
            urls = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        } else {
            return nil
        }
        var instances: [ServiceInstance] = []
        for url in urls {
            guard let instance = ServiceInstance(url: url) else {
                throw ConfigurationError(variable: name, message: "'\(url)' is not an http or https URL of an instance")
            }
            instances.append(instance)
        }
        guard !instances.isEmpty else { throw ConfigurationError(variable: name, message: "lists no instance") }
        return instances
    }
}

@available(macOS 15, iOS 18, tvOS 18, watchOS 11, visionOS 2, *)
extension ServiceClient {
    /// A client whose settings come from `config`, under the service's name (see
    /// ``ConfigurationKeys``), over `configuration` (by default the spec's server, discovery and
    /// settings). As with `fromEnvironment()`, a `baseURL` without `instances` turns the spec's
    /// discovery off.
    public static func configured(
        from config: ConfigReader, over configuration: ClientConfiguration? = nil
    ) throws(ConfigurationError) -> Self {
        var configuration =
            configuration ?? ClientConfiguration(server: service.defaultURL, discovery: service.discovery)
        let scope = ConfigurationKeys.scope(of: service)
        let base = RuntimeSettings(
            server: configuration.server, resilience: configuration.resilience,
            endpointResilience: configuration.endpointResilience)
        let settings = try ConfigurationKeys.settings(
            from: config.scoped(to: ConfigKey(scope)).snapshot(), over: base, scope: scope)
        // A base URL of its own names the one place to call.
        if settings.server != base.server, settings.instances == nil { configuration.discovery = nil }
        configuration.server = settings.server
        configuration.resilience = settings.resilience
        if let instances = settings.instances {
            var discovery = configuration.discovery ?? Discovery(resolver: StaticInstanceResolver(instances))
            discovery.resolver = StaticInstanceResolver(instances)
            configuration.discovery = discovery
        }
        return Self(configuration: configuration)
    }

    /// Applies the settings `config` holds under the service's name now, and again at every
    /// change, until the calling task is cancelled: with a reloading provider, a rewritten file
    /// changes the base URL, timeouts, retries, rate limit or instances of the running client.
    /// Calls in flight finish with the settings they started with. A change that cannot be used
    /// (a value of the wrong kind) is logged and skipped; the client keeps its settings.
    public func follow(_ config: ConfigReader) async throws {
        let scope = ConfigurationKeys.scope(of: Self.service)
        let base = runtime.settings
        let logger = runtime.configuration.observability.logger
        try await config.scoped(to: ConfigKey(scope)).watchSnapshot { snapshots in
            for await snapshot in snapshots {
                do {
                    let settings = try ConfigurationKeys.settings(from: snapshot, over: base, scope: scope)
                    guard settings != runtime.settings else { continue }
                    runtime.update { $0 = settings }
                } catch {
                    logger?.warning(
                        "\(Self.service.name): configuration not applied: \(error)",
                        metadata: ["courier.service": "\(Self.service.name)"])
                }
            }
        }
    }
}
