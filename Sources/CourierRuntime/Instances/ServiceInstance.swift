import Foundation

/// One instance of a service: where calls to it go, and the SRV priority and weight it was found
/// with.
public struct ServiceInstance: Sendable, Hashable, CustomStringConvertible {
    /// `http` or `https`.
    public var scheme: String
    /// An address (`10.0.0.7`, `fd00::7`) or a host name, without brackets.
    public var host: String
    /// The TCP port.
    public var port: Int
    /// The share of calls among instances of the same priority, from an SRV record's weight; 1
    /// unless a record says otherwise. Zero is the smallest share, not none.
    public var weight: Int
    /// Lower is preferred: instances of a higher priority get calls only when every instance of
    /// the lowest one is ejected. 0 unless an SRV record says otherwise.
    public var priority: Int

    /// Creates an instance.
    public init(scheme: String = "http", host: String, port: Int, weight: Int = 1, priority: Int = 0) {
        self.scheme = scheme
        self.host = host
        self.port = port
        self.weight = weight
        self.priority = priority
    }

    /// Parses `http://10.0.0.1:8080` or `https://[fd00::1]` (the scheme's port when none is
    /// given); `nil` for anything else, including a URL with a path, query or user.
    public init?(url: String) {
        guard let components = URLComponents(string: url),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            var host = components.host, !host.isEmpty,
            components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil,
            components.user == nil
        else { return nil }
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        self.init(scheme: scheme, host: host, port: components.port ?? (scheme == "https" ? 443 : 80))
    }

    /// `host:port`, with an IPv6 address in brackets: what a request's authority holds.
    public var authority: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    /// `scheme://authority`.
    public var description: String { "\(scheme)://\(authority)" }
}
