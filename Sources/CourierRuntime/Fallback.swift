import HTTPTypes

/// What answers a call of an endpoint when the call fails after its retries: the spec's
/// `fallback:`. Generated code makes one per endpoint that declares it.
public struct FallbackPolicy: Sendable, Hashable {
    /// The spec's name of the server that answers instead (an older version of the service).
    public let server: String?
    /// That server's URL in the spec; ``ClientConfiguration/fallbackServers`` can replace it.
    public let serverURL: ServerURL?
    /// Whether a stored copy of the response answers, however stale; tried before ``server``.
    public let staleCache: Bool

    /// The same call on `server`, found at `url` unless the client's configuration says otherwise;
    /// with `staleCache`, a stored copy first.
    public init(server: String, at url: ServerURL, staleCache: Bool = false) {
        self.server = server
        self.serverURL = url
        self.staleCache = staleCache
    }

    /// A stored copy of the response, however stale.
    public init(staleCache: Bool) {
        self.server = nil
        self.serverURL = nil
        self.staleCache = staleCache
    }

    /// Whether `error` is a failure a fallback answers: the service could not answer (an open
    /// circuit, a full bulkhead, a rate limit, a timeout, a connection failure, a 5xx) or asked
    /// for time (408, 429). A request the server refused (other 4xx), a response that does not
    /// match the spec, a cancelled call and a client shutting down are not.
    static func answers<Declared>(_ error: ClientError<Declared>) -> Bool { error.allowsFallback }
}

extension ClientError {
    /// Whether a fallback answers this failure: the service could not answer (an open circuit, a
    /// full bulkhead, a rate limit, a timeout, a connection failure, a 5xx) or asked for time
    /// (408, 429). A request the server refused (other 4xx), a response that does not match the
    /// spec, a cancelled call and a client shutting down are not.
    public var allowsFallback: Bool {
        func isUnavailable(_ status: HTTPResponse.Status) -> Bool {
            status.code >= 500 || status.code == 408 || status.code == 429
        }
        switch self {
        case .circuitOpen, .bulkheadFull, .rateLimited, .timeout: return true
        case .transport(let failure): return failure.kind != .invalidRequest
        case .unexpectedStatus(let response): return isUnavailable(response.status)
        case .declared(_, let response): return isUnavailable(response.status)
        case .invalidRequest, .cancelled, .decoding, .shutDown: return false
        }
    }
}

extension ResponseMetadata {
    /// The metadata of an answer a fallback in code gave after `failure`: status 200, no header
    /// fields, no attempt of its own, source ``ResponseSource/fallback``.
    public static func answeredInCode<Declared>(after failure: ClientError<Declared>) -> ResponseMetadata {
        ResponseMetadata(
            status: .ok, attempts: 0, source: .fallback,
            fallback: FallbackAnswer(kind: .code, reason: failure.description))
    }
}

/// How a fallback answered a call: which one, and why the call needed it.
public struct FallbackAnswer: Sendable, Hashable, CustomStringConvertible {
    /// What answered.
    public enum Kind: Sendable, Hashable {
        /// The same call on another server of the spec, by its name there.
        case server(String)
        /// A stored copy of the response, however stale.
        case staleCache
        /// The client's fallback in code for the endpoint.
        case code
    }

    /// What answered.
    public var kind: Kind
    /// Why: the failure of the call, as ``ClientError/description`` says it (`timed out after 2 s`,
    /// `unexpected status 503, …`).
    public var reason: String

    /// Describes a fallback's answer.
    public init(kind: Kind, reason: String) {
        self.kind = kind
        self.reason = reason
    }

    /// `fallback server legacy, after: timed out after 2 s`.
    public var description: String {
        switch kind {
        case .server(let name): "fallback server \(name), after: \(reason)"
        case .staleCache: "stale cache, after: \(reason)"
        case .code: "fallback in code, after: \(reason)"
        }
    }
}
