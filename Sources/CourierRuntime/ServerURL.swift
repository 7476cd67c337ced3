import Foundation

/// The base URL of a service: scheme, authority and an optional path prefix.
///
/// Spec servers become `ServerURL` literals in generated code. A string that is not an absolute
/// `http` or `https` URL does not crash: every request through it fails with
/// ``ClientError/invalidRequest(_:violation:)`` naming the string.
public struct ServerURL: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// `http` or `https`.
    public let scheme: String
    /// Host and optional port, such as `api.example.com:8443`.
    public let authority: String
    /// A path prefix without a trailing slash, such as `/gateway`; empty for none.
    public let pathPrefix: String
    /// Why the string given is unusable, or `nil` when it is fine.
    public let problem: String?

    /// Parses a base URL such as `https://api.example.com/gateway`.
    public init(_ string: String) {
        guard let components = URLComponents(string: string),
            let scheme = components.scheme?.lowercased(), scheme == "http" || scheme == "https",
            let host = components.percentEncodedHost, !host.isEmpty,
            components.query == nil, components.fragment == nil, components.user == nil
        else {
            self.scheme = "https"
            self.authority = ""
            self.pathPrefix = ""
            self.problem = "'\(string)' is not an absolute http or https URL without query, fragment or user"
            return
        }
        self.scheme = scheme
        self.authority = components.port.map { "\(host):\($0)" } ?? host
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.pathPrefix = path
        self.problem = nil
    }

    /// Uses a `URL`, such as one read from configuration.
    public init(_ url: URL) {
        self.init(url.absoluteString)
    }

    /// Parses a literal base URL.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// The URL as text.
    public var description: String { "\(scheme)://\(authority)\(pathPrefix)" }
}
