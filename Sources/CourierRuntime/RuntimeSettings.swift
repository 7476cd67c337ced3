/// The settings a running client can change with ``ServiceRuntime/update(_:)``: where it sends
/// calls and how resilient they are. Calls in flight keep the settings they started with.
///
/// The rest of ``ClientConfiguration`` (transport, credentials, observability, middleware, cache)
/// is fixed when the client is made.
public struct RuntimeSettings: Sendable, Hashable {
    /// The service's base URL.
    public var server: ServerURL
    /// Changes to the spec's resilience settings for every call: timeouts, retries, breaker,
    /// bulkhead, rate limit, cache.
    public var resilience: ResilienceOverrides
    /// Changes for single endpoints, by the spec's endpoint name.
    public var endpointResilience: [String: ResilienceOverrides]
    /// The instances of a client whose discovery is a list; `nil` for other clients.
    public var instances: [ServiceInstance]?

    /// Settings with these values.
    public init(
        server: ServerURL, resilience: ResilienceOverrides = ResilienceOverrides(),
        endpointResilience: [String: ResilienceOverrides] = [:], instances: [ServiceInstance]? = nil
    ) {
        self.server = server
        self.resilience = resilience
        self.endpointResilience = endpointResilience
        self.instances = instances
    }

    /// What differs in `other`, in words for a log line: `server https://a → https://b; resilience`.
    func changes(to other: RuntimeSettings) -> String {
        var changes: [String] = []
        if server != other.server { changes.append("server \(server) → \(other.server)") }
        if resilience != other.resilience { changes.append("resilience") }
        let endpoints = Set(endpointResilience.keys).union(other.endpointResilience.keys).filter {
            endpointResilience[$0] != other.endpointResilience[$0]
        }
        if !endpoints.isEmpty { changes.append("resilience of \(endpoints.sorted().joined(separator: ", "))") }
        if let instances = other.instances, instances != self.instances {
            changes.append("instances (\(instances.count))")
        }
        return changes.isEmpty ? "nothing" : changes.joined(separator: "; ")
    }
}

/// One generation of a runtime's settings with the host state they need: what a call reads, once,
/// when it starts. Immutable, so that a call holds one reference.
final class LiveSettings: Sendable {
    let settings: RuntimeSettings
    /// The resilience state of the server's host.
    let hostState: ResilienceState.HostState

    init(_ settings: RuntimeSettings, state: ResilienceState) {
        self.settings = settings
        self.hostState = state.hostState(for: settings.server.authority)
    }
}
