import Foundation

/// What a resolver found: the instances of a service now, and how long the answer may be kept.
public struct InstanceResolution: Sendable, Hashable {
    /// The instances, in the order the source gave them.
    public var instances: [ServiceInstance]
    /// How long the answer stays true, such as the smallest TTL of DNS records; `nil` when the
    /// source does not say, and ``Discovery/refresh`` alone spaces look-ups.
    public var timeToLive: Duration?

    /// Creates a resolution.
    public init(instances: [ServiceInstance], timeToLive: Duration? = nil) {
        self.instances = instances
        self.timeToLive = timeToLive
    }
}

/// Finds the instances of a service. Courier asks again when an answer's time to live has passed
/// (at least once per ``Discovery/refresh``), keeps the last good answer when a look-up fails or
/// finds nothing, and backs off while look-ups fail.
///
/// A source that pushes changes (a watch or a blocking query, such as Consul's HTTP catalog with
/// `?index=`) fits too: let ``resolve()`` wait until the set changes and return it with a time to
/// live of zero, and Courier asks again at once. Calls are cancelled through task cancellation
/// when the client shuts down.
///
/// The README's "Instances" section shows one for Consul's HTTP catalog.
public protocol InstanceResolver: Sendable, CustomStringConvertible {
    /// The instances now. Throw when the source cannot be asked; return an empty list when it
    /// says there are none (Courier keeps the last good set either way).
    func resolve() async throws -> InstanceResolution
}

/// A fixed list of instances, from the spec's `instances:` or `NAME_INSTANCES`.
public struct StaticInstanceResolver: InstanceResolver {
    /// The instances.
    public let instances: [ServiceInstance]

    /// Resolves to `instances`, always.
    public init(_ instances: [ServiceInstance]) {
        self.instances = instances
    }

    /// The instances, with no time to live: they never change.
    public func resolve() async throws -> InstanceResolution {
        InstanceResolution(instances: instances)
    }

    /// `instances http://10.0.0.1:8080, http://10.0.0.2:8080`.
    public var description: String { "instances " + instances.map(\.description).joined(separator: ", ") }
}
