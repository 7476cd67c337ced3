import Foundation

/// How a client finds the instances of its service and spreads calls over them: the spec's
/// `discovery:`, `loadBalancing:` and `outlierDetection:`.
///
/// The client's ``ClientConfiguration/server`` still gives the path prefix and names the service's
/// circuit breaker, bulkhead and rate limiter; its host is not called.
public struct Discovery: Sendable {
    /// Finds the instances.
    public var resolver: any InstanceResolver
    /// The longest gap between look-ups; shorter when an answer's time to live says so.
    public var refresh: Duration
    /// How an instance is chosen for each attempt.
    public var loadBalancing: LoadBalancingPolicy
    /// When an instance that keeps failing is taken out of rotation; `nil` never ejects one.
    public var outlierDetection: OutlierDetectionPolicy?
    /// Active health checks of every instance; `nil` (the default) for none.
    public var healthCheck: HealthCheckPolicy?

    /// Creates settings with any resolver.
    public init(
        resolver: any InstanceResolver, refresh: Duration = .seconds(30),
        loadBalancing: LoadBalancingPolicy = LoadBalancingPolicy(),
        outlierDetection: OutlierDetectionPolicy? = OutlierDetectionPolicy(), healthCheck: HealthCheckPolicy? = nil
    ) {
        self.resolver = resolver
        self.refresh = refresh
        self.loadBalancing = loadBalancing
        self.outlierDetection = outlierDetection
        self.healthCheck = healthCheck
    }

    /// A fixed list of instances.
    public static func instances(
        _ instances: [ServiceInstance], loadBalancing: LoadBalancingPolicy = LoadBalancingPolicy(),
        outlierDetection: OutlierDetectionPolicy? = OutlierDetectionPolicy()
    ) -> Discovery {
        Discovery(
            resolver: StaticInstanceResolver(instances), loadBalancing: loadBalancing,
            outlierDetection: outlierDetection)
    }

    /// Every A and AAAA address of `host`, on `port`: a Kubernetes headless service
    /// (`payments.default.svc.cluster.local`) or Consul (`payments.service.consul`).
    public static func dns(
        host: String, port: Int, scheme: String = "http", nameServer: DNSNameServer? = nil,
        refresh: Duration = .seconds(30), loadBalancing: LoadBalancingPolicy = LoadBalancingPolicy(),
        outlierDetection: OutlierDetectionPolicy? = OutlierDetectionPolicy()
    ) -> Discovery {
        Discovery(
            resolver: DNSInstanceResolver(.addresses(host: host, port: port), scheme: scheme, nameServer: nameServer),
            refresh: refresh, loadBalancing: loadBalancing, outlierDetection: outlierDetection)
    }

    /// The SRV records of `name`, with their priorities, weights and ports:
    /// `_http._tcp.payments.default.svc.cluster.local` or `payments.service.consul`.
    public static func dnsSRV(
        _ name: String, scheme: String = "http", nameServer: DNSNameServer? = nil,
        refresh: Duration = .seconds(30), loadBalancing: LoadBalancingPolicy = LoadBalancingPolicy(),
        outlierDetection: OutlierDetectionPolicy? = OutlierDetectionPolicy()
    ) -> Discovery {
        Discovery(
            resolver: DNSInstanceResolver(.service(name), scheme: scheme, nameServer: nameServer),
            refresh: refresh, loadBalancing: loadBalancing, outlierDetection: outlierDetection)
    }

    /// The same settings with DNS look-ups sent to `nameServer` (no change for other resolvers).
    public func askingNameServer(_ nameServer: DNSNameServer) -> Discovery {
        guard var dns = resolver as? DNSInstanceResolver else { return self }
        dns.nameServer = nameServer
        var changed = self
        changed.resolver = dns
        return changed
    }

    /// A base URL naming the service, for a client whose spec names no server: the DNS name
    /// (without an SRV name's `_service._proto.` labels) or the first instance. Its host is never
    /// called; it names the breaker, bulkhead and rate limiter.
    public var serviceURL: ServerURL? {
        switch resolver {
        case let dns as DNSInstanceResolver:
            switch dns.query {
            case .addresses(let host, let port): return ServerURL("\(dns.scheme)://\(host):\(port)")
            case .service(let name):
                let labels = name.split(separator: ".").drop { $0.hasPrefix("_") }
                return ServerURL("\(dns.scheme)://" + labels.joined(separator: "."))
            }
        case let listed as StaticInstanceResolver:
            return listed.instances.first.map { ServerURL($0.description) }
        default:
            return nil
        }
    }

    /// Why these settings cannot be used, or `nil`.
    var problem: String? {
        if refresh <= .zero { return "discovery refresh must be positive" }
        if let problem = loadBalancing.problem ?? outlierDetection?.problem ?? healthCheck?.problem { return problem }
        return nil
    }
}

/// Active health checks: every `interval`, a `GET` of `path` to each instance, without
/// credentials. An instance whose checks fail (no 2xx within `timeout`) `unhealthyAfter` times in a
/// row takes no calls until `healthyAfter` checks in a row pass.
public struct HealthCheckPolicy: Sendable, Hashable {
    /// The path checked, after the server URL's path as a call's path is, such as `/v1/health`.
    public var path: String
    /// The time between checks of an instance.
    public var interval: Duration
    /// How long a check may take.
    public var timeout: Duration
    /// Failed checks in a row that take an instance out of rotation.
    public var unhealthyAfter: Int
    /// Passed checks in a row that bring it back.
    public var healthyAfter: Int

    /// Creates a policy: every 10 s, 2 s each, out after 3 failures, back after 2 passes.
    public init(
        path: String, interval: Duration = .seconds(10), timeout: Duration = .seconds(2), unhealthyAfter: Int = 3,
        healthyAfter: Int = 2
    ) {
        self.path = path
        self.interval = interval
        self.timeout = timeout
        self.unhealthyAfter = unhealthyAfter
        self.healthyAfter = healthyAfter
    }

    var problem: String? {
        if !path.hasPrefix("/") { return "the health check path must start with '/'" }
        if interval <= .zero || timeout <= .zero { return "the health check interval and timeout must be positive" }
        if unhealthyAfter < 1 || healthyAfter < 1 { return "unhealthyAfter and healthyAfter must be at least 1" }
        return nil
    }
}

/// How an instance is chosen for each attempt.
public struct LoadBalancingPolicy: Sendable, Hashable {
    /// The choice.
    public enum Strategy: String, Sendable, Hashable, CaseIterable {
        /// Power of two choices: two instances drawn at random (by weight), the one with fewer
        /// calls in flight taken. Steers away from slow instances without a global scan.
        case p2c
        /// Each instance in turn, as often as its weight says (smooth weighted round robin).
        case roundRobin
        /// The first instance that can take the call, in the order found; the others are spares.
        case pickFirst
    }

    /// The choice.
    public var strategy: Strategy
    /// With a larger share of instances ejected than this (0...1), ejections are ignored and every
    /// instance takes calls: better some calls to a bad instance than all calls to a few. 0.5 by
    /// default; 1 never ignores them.
    public var panicThreshold: Double

    /// Creates a policy: p2c with a 50 % panic threshold unless told otherwise.
    public init(_ strategy: Strategy = .p2c, panicThreshold: Double = 0.5) {
        self.strategy = strategy
        self.panicThreshold = panicThreshold
    }

    var problem: String? {
        (0...1).contains(panicThreshold) ? nil : "the panic threshold must be between 0 % and 100 %"
    }
}

/// Passive outlier detection: an instance that fails `consecutiveFailures` calls in a row (by the
/// circuit breaker's rules: a 5xx status, a connection failure, a timeout) is ejected for
/// `ejectFor`, longer each time it is ejected again, up to `maxEjectFor`.
public struct OutlierDetectionPolicy: Sendable, Hashable {
    /// Failures in a row that eject an instance.
    public var consecutiveFailures: Int
    /// How long the first ejection lasts; the n-th lasts n times as long.
    public var ejectFor: Duration
    /// The longest ejection.
    public var maxEjectFor: Duration
    /// The largest share of instances (0...1) ejected at once; past it, failing instances stay.
    public var maxEjected: Double

    /// Creates a policy: 5 failures, 30 s growing to 5 min, at most half the instances.
    public init(
        consecutiveFailures: Int = 5, ejectFor: Duration = .seconds(30), maxEjectFor: Duration = .seconds(300),
        maxEjected: Double = 0.5
    ) {
        self.consecutiveFailures = consecutiveFailures
        self.ejectFor = ejectFor
        self.maxEjectFor = maxEjectFor
        self.maxEjected = maxEjected
    }

    var problem: String? {
        if consecutiveFailures < 1 { return "outlier detection needs at least one failure" }
        if ejectFor <= .zero || maxEjectFor < ejectFor { return "ejectFor must be positive and at most maxEjectFor" }
        if !(0...1).contains(maxEjected) { return "maxEjected must be between 0 % and 100 %" }
        return nil
    }
}
