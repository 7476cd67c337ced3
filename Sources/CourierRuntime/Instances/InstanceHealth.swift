import Foundation

/// How the instances of a service stand: `client.instanceHealth()`.
public struct ServiceHealth: Sendable, Hashable {
    /// Every instance known now, in the order found.
    public var instances: [InstanceHealth]
    /// Why the last look-up failed, when it did; the instances are then the last good set.
    public var lastResolutionError: String?
    /// Whether more instances are ejected than the panic threshold allows, so that every
    /// instance takes calls.
    public var panicking: Bool

    /// The instances that take calls now.
    public var serving: [ServiceInstance] {
        instances.filter { panicking || $0.state == .serving }.map(\.instance)
    }
}

/// How one instance stands.
public struct InstanceHealth: Sendable, Hashable {
    /// Whether the instance takes calls.
    public enum State: Sendable, Hashable {
        /// It takes calls.
        case serving
        /// Outlier detection took it out of rotation for `remaining` more.
        case ejected(remaining: Duration)
        /// Its active health checks fail; it takes calls again once enough pass.
        case unhealthy
    }

    /// The instance.
    public var instance: ServiceInstance
    /// Whether it takes calls.
    public var state: State
    /// Attempts sent to it and not yet answered.
    public var outstanding: Int
    /// Failures in a row, by the circuit breaker's rules.
    public var consecutiveFailures: Int
    /// How many times it has been ejected lately (the next ejection lasts one more `ejectFor`).
    public var ejections: Int
}

/// A change to the instances of a service: `client.instanceChanges`.
public enum InstanceEvent: Sendable, Hashable {
    /// A look-up found a new instance.
    case added(ServiceInstance)
    /// A look-up no longer finds an instance.
    case removed(ServiceInstance)
    /// Outlier detection took an instance out of rotation, for the duration given.
    case ejected(ServiceInstance, for: Duration)
    /// An ejected instance is back in rotation.
    case returned(ServiceInstance)
    /// An instance failed `unhealthyAfter` active health checks in a row: out of rotation.
    case unhealthy(ServiceInstance)
    /// An unhealthy instance passed `healthyAfter` checks in a row: back in rotation.
    case healthy(ServiceInstance)
    /// A look-up failed; the last good set stays in use.
    case resolutionFailed(String)
}
