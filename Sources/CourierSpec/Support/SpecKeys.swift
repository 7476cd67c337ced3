/// The keys each mapping of the spec language accepts.
///
/// The decoder rejects any other key (suggesting the closest), and a test checks that the JSON
/// Schema in `Docs/` and the language reference name exactly these keys, so the three cannot
/// drift apart.
public enum SpecKeys {
    /// The top level of a spec or shared model file.
    public static let root = [
        "courier", "service", "description", "basePath", "servers", "auth", "headers", "defaults",
        "errors", "models", "endpoints", "channels", "imports", "discovery", "loadBalancing", "outlierDetection",
        "health",
    ]
    /// Keys that only a service spec may have; a shared model file (no `service:`) may not.
    public static let serviceOnly = [
        "basePath", "servers", "auth", "headers", "defaults", "endpoints", "channels", "discovery", "loadBalancing",
        "outlierDetection", "health",
    ]
    /// `health:`; exactly one of `endpoint` and `path` says what is checked.
    public static let health = ["endpoint", "path", "interval", "timeout", "unhealthyAfter", "healthyAfter"]
    /// `discovery:`; exactly one of `dnsSrv`, `dns` and `instances` says where instances are.
    public static let discovery = ["dnsSrv", "dns", "instances", "scheme", "refresh"]
    /// `loadBalancing:`.
    public static let loadBalancing = ["policy", "panicThreshold"]
    /// `outlierDetection:`.
    public static let outlierDetection = ["consecutiveFailures", "ejectFor", "maxEjectFor", "maxEjected"]
    /// A server written as a mapping instead of a bare URL.
    public static let server = ["url", "description"]
    /// An auth scheme; which keys apply depends on `type`.
    public static let authScheme = ["type", "description", "env", "usernameEnv", "passwordEnv", "in", "name"]
    /// A parameter (path, query, header, service-wide header) written as a mapping.
    public static let parameter = ["type", "default", "description", "deprecated", "swiftName"] + constraints
    /// `defaults:`.
    public static let defaults = [
        "timeout", "retry", "circuitBreaker", "bulkhead", "rateLimit", "cache", "stream", "channel", "keepalive",
    ]
    /// `defaults.stream:`: what every stream inherits.
    public static let streamDefaults = ["reconnect"]
    /// An endpoint's `stream:`.
    public static let stream = ["format", "event", "resume", "terminator", "reconnect"]
    /// `reconnect:`.
    public static let reconnect = ["initial", "max", "jitter", "maxAttempts"]
    /// `defaults.channel`.
    public static let channelDefaults = ["reconnect"]
    /// An entry of `channels:`.
    public static let channel = [
        "path", "description", "deprecated", "params", "query", "headers", "auth", "send", "receive", "keepalive",
        "reconnect",
    ]
    /// `keepalive:` of a channel or of `defaults`.
    public static let keepalive = ["interval", "timeout"]
    /// `timeout:`.
    public static let timeout = ["total", "attempt"]
    /// `retry:`.
    public static let retry = ["maxAttempts", "backoff", "on", "maxRetryAfter", "budget"]
    /// `retry.backoff:`.
    public static let backoff = ["initial", "max", "multiplier", "jitter"]
    /// `retry.budget:`.
    public static let budget = ["ratio", "perSecond"]
    /// `circuitBreaker:`.
    public static let circuitBreaker = [
        "failureRate", "minimumCalls", "window", "consecutiveFailures", "openFor",
        "maxOpenFor", "halfOpenProbes", "scope",
    ]
    /// `bulkhead:`.
    public static let bulkhead = ["maxConcurrent", "maxWait"]
    /// `rateLimit:`.
    public static let rateLimit = ["requests", "per", "burst", "maxWait"]
    /// `cache:`.
    public static let cache = ["ttl", "staleWhileRevalidate", "staleIfError"]
    /// An entry of `errors:`.
    public static let error = ["status", "body", "description"]
    /// An entry of `models:`; exactly one of `properties`, `enum`, `oneOf`, `type` says what it is.
    public static let model = ["description", "deprecated", "properties", "enum", "oneOf", "type"]
    /// A property written as a mapping.
    public static let property = ["type", "json", "default", "description", "deprecated"] + constraints
    /// The constraint keywords of properties and parameters.
    public static let constraints = [
        "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "format",
        "minItems", "maxItems", "uniqueItems", "minProperties", "maxProperties",
    ]
    /// `oneOf:`.
    public static let oneOf = ["discriminator", "variants"]
    /// An endpoint.
    public static let endpoint = [
        "method", "path", "description", "deprecated", "params", "query", "headers", "body",
        "response", "responses", "errors", "pagination", "cache", "idempotencyKey", "auth",
        "timeout", "retry", "circuitBreaker", "bulkhead", "rateLimit", "stream", "hedge", "tags",
        "fallback",
    ]
    /// An endpoint's `fallback:`.
    public static let fallback = ["server", "staleCache"]
    /// An endpoint's `hedge:`.
    public static let hedge = ["delay", "maxAttempts"]
    /// `body:` written as a mapping.
    public static let body = ["type", "contentType", "description"]
    /// `response:` written as a mapping.
    public static let response = ["type", "status", "contentType", "description"]
    /// An entry of `responses:` written as a mapping; its key is the status.
    public static let responseCase = ["type", "contentType", "description"]
    /// `pagination:`.
    public static let pagination = ["cursor", "next", "items"]

    /// Every table by the name the JSON Schema's `definitions` use for it.
    public static let all: [String: [String]] = [
        "root": root, "server": server, "authScheme": authScheme, "parameter": parameter, "defaults": defaults,
        "timeout": timeout, "retry": retry, "backoff": backoff, "budget": budget, "circuitBreaker": circuitBreaker,
        "bulkhead": bulkhead, "rateLimit": rateLimit, "cache": cache, "error": error, "model": model,
        "property": property, "oneOf": oneOf, "endpoint": endpoint, "body": body, "response": response,
        "responseCase": responseCase, "pagination": pagination, "stream": stream, "streamDefaults": streamDefaults,
        "reconnect": reconnect, "channel": channel, "channelDefaults": channelDefaults, "keepalive": keepalive,
        "discovery": discovery, "loadBalancing": loadBalancing, "outlierDetection": outlierDetection,
        "hedge": hedge, "health": health, "fallback": fallback,
    ]

    /// Whether a key is an extension (`x-…`), which every mapping of the spec ignores.
    public static func isExtension(_ key: String) -> Bool { key.hasPrefix("x-") }

    /// The auth scheme types.
    public static let authTypes = ["bearer", "basic", "apiKey"]
    /// The retry conditions other than status codes.
    public static let retryConditions = ["connection", "timeout"]
}
