import Foundation
import HTTPTypes

/// A secret string (token, password, API key) that never shows itself in descriptions, dumps or logs.
public struct Secret: Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible,
    CustomDebugStringConvertible, CustomReflectable
{
    /// The secret itself. Read it only to send it.
    public let value: String

    /// Wraps a secret.
    public init(_ value: String) {
        self.value = value
    }

    /// Wraps a secret written as a literal (tests and examples; real secrets come from configuration).
    public init(stringLiteral value: String) {
        self.value = value
    }

    /// Always `<redacted>`.
    public var description: String { "<redacted>" }

    /// Always `<redacted>`.
    public var debugDescription: String { "<redacted>" }

    /// A mirror without children, so `dump` and reflection cannot reveal the value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// How a credential travels: the auth schemes a spec can declare.
public enum Credential: Sendable, Hashable, CustomStringConvertible {
    /// `Authorization: Bearer <token>`.
    case bearer(Secret)
    /// `Authorization: Basic <base64(username:password)>`.
    case basic(username: String, password: Secret)
    /// An API key in a header field.
    case apiKeyHeader(name: String, key: Secret)
    /// An API key in a query item.
    case apiKeyQuery(name: String, key: Secret)

    /// The scheme, without the secret: `bearer`, `basic`, `apiKey header X-API-Key`…
    public var description: String {
        switch self {
        case .bearer: "bearer"
        case .basic: "basic"
        case .apiKeyHeader(let name, _): "apiKey header \(name)"
        case .apiKeyQuery(let name, _): "apiKey query \(name)"
        }
    }
}

/// The credentials a client holds, by the spec's scheme name.
///
/// An endpoint lists the schemes it accepts; the client sends the first of them it holds
/// credentials for, and none when it holds none (the server then answers 401).
public struct Credentials: Sendable, Hashable, CustomStringConvertible {
    private var byScheme: [String: Credential]

    /// No credentials.
    public init() {
        byScheme = [:]
    }

    /// The credential for the spec's scheme `name`.
    public subscript(scheme name: String) -> Credential? {
        get { byScheme[name] }
        set { byScheme[name] = newValue }
    }

    /// The first credential held among `schemes`, in their order.
    public func first(of schemes: [String]) -> Credential? {
        for scheme in schemes {
            if let credential = byScheme[scheme] { return credential }
        }
        return nil
    }

    /// Every credential held, by scheme name.
    var byName: [String: Credential] { byScheme }

    /// Every credential held, in scheme-name order.
    var all: [Credential] { byScheme.sorted { $0.key < $1.key }.map(\.value) }

    /// The scheme names held, without secrets.
    public var description: String {
        "Credentials(\(byScheme.keys.sorted().joined(separator: ", ")))"
    }
}

/// A user name and password for HTTP basic auth.
public struct BasicCredentials: Sendable, Hashable, CustomStringConvertible {
    /// The user name.
    public var username: String
    /// The password.
    public var password: Secret

    /// Creates the pair.
    public init(username: String, password: Secret) {
        self.username = username
        self.password = password
    }

    /// The user name, never the password.
    public var description: String { "BasicCredentials(username: \(username), password: <redacted>)" }
}
