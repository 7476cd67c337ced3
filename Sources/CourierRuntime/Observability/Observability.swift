import CoreMetrics
import Foundation
import HTTPTypes
import Logging
import Tracing

/// Where a client reports what its calls do: logs (swift-log), metrics (swift-metrics) and spans
/// (swift-distributed-tracing).
///
/// - **Logs**: one line per call at `info` (`warning` when no response came back), and one line
///   per attempt at `debug` with the request's header fields. Nothing is logged without a
///   ``logger``: swift-log cannot tell a bootstrapped logging system from its default one, which
///   writes to standard error, so Courier never makes a logger of its own.
/// - **Metrics**, on ``metricsFactory`` or else the factory `MetricsSystem.bootstrap` installed
///   (which does nothing until bootstrapped):
///   - `courier_requests_total` and `courier_request_duration_seconds` (timer) by `service`,
///     `endpoint` and `outcome`;
///   - `courier_retries_total` by `service` and `endpoint`;
///   - `courier_cache_lookups_total` by `service`, `endpoint` and `result` (`hit`, `stale`,
///     `revalidated`, `miss`);
///   - `courier_circuit_breaker_state` (gauge: 0 closed, 1 half-open, 2 open, 3 forced open) and
///     `courier_circuit_breaker_transitions_total` by `breaker` (the host, or host and endpoint) and `state`.
/// - **Spans**, on ``tracer`` or else `InstrumentationSystem.tracer`: an `internal` span per call
///   named `Service.endpoint`, and a `client` span per attempt with `http.request.resend_count`.
///   The attempt's context is injected into the request's header fields by the tracer (W3C
///   `traceparent` and `tracestate` with an OpenTelemetry tracer), so the server's span joins the trace.
///
/// `outcome` is `success` (1xx–3xx), `client_error` (4xx), `server_error` (5xx), `timeout`,
/// `circuit_open`, `bulkhead_full`, `rate_limited`, `cancelled` or `transport_error`.
///
/// Secrets never appear: `Authorization`, `Proxy-Authorization`, `Cookie`, `Set-Cookie`, the
/// header and query names of API keys, and ``redactedHeaderFields`` are written as `<redacted>` in
/// logs and span attributes. Bodies are not logged unless ``logsBodies`` is set.
///
/// Bootstrap swift-metrics and swift-distributed-tracing before creating clients: a client looks
/// the global factory and tracer up once, when it is created.
public struct Observability: Sendable {
    /// Receives the call and attempt lines; `nil` (the default) logs nothing.
    public var logger: Logger?
    /// Makes the metrics; `nil` uses the bootstrapped `MetricsSystem` factory.
    public var metricsFactory: (any MetricsFactory)?
    /// Starts the spans; `nil` uses the bootstrapped `InstrumentationSystem` tracer.
    public var tracer: (any Tracer)?
    /// More header fields whose values are secret, beyond the credentials Courier knows of.
    public var redactedHeaderFields: Set<HTTPField.Name>
    /// Whether attempt lines carry request and response bodies (up to 2 KiB each, as UTF-8). Off
    /// by default: bodies may hold personal data that no redaction can find.
    public var logsBodies: Bool

    /// Creates the settings; the defaults log nothing and use the bootstrapped metrics and tracing.
    public init(
        logger: Logger? = nil, metricsFactory: (any MetricsFactory)? = nil, tracer: (any Tracer)? = nil,
        redactedHeaderFields: Set<HTTPField.Name> = [], logsBodies: Bool = false
    ) {
        self.logger = logger
        self.metricsFactory = metricsFactory
        self.tracer = tracer
        self.redactedHeaderFields = redactedHeaderFields
        self.logsBodies = logsBodies
    }
}

/// The header fields and query items that carry secrets: redacted wherever a request is described,
/// and (for credentials) part of a cached response's key.
///
/// Made once per client and referenced by each of its requests: a class, so that copying a
/// request copies one reference for it rather than three sets.
final class SecretFields: Sendable {
    /// Fields that say who the caller is.
    let credentialHeaders: Set<HTTPField.Name>
    /// The same names as a list: a few names are found faster by comparison than by hashing.
    private let credentialHeaderList: [HTTPField.Name]
    /// Fields never written out: the credentials, `Set-Cookie` and the configured ones.
    let redactedHeaders: Set<HTTPField.Name>
    /// Query items never written out: API keys sent in the query.
    let redactedQueryItems: Set<String>

    init(credentials: Credentials, redacting extra: Set<HTTPField.Name>) {
        var headers: Set<HTTPField.Name> = [.authorization, .proxyAuthorization, .cookie]
        var query: Set<String> = []
        for credential in credentials.all {
            switch credential {
            case .apiKeyHeader(let name, _): if let field = HTTPField.Name(name) { headers.insert(field) }
            case .apiKeyQuery(let name, _): query.insert(name)
            case .bearer, .basic: continue
            }
        }
        credentialHeaders = headers
        credentialHeaderList = headers.sorted { $0.canonicalName < $1.canonicalName }
        redactedHeaders = headers.union(extra).union([.setCookie])
        redactedQueryItems = query
    }

    func isCredential(_ name: HTTPField.Name) -> Bool { credentialHeaderList.contains(name) }

    /// `fields` as `name: value` pairs, secrets replaced by `<redacted>`.
    func describe(_ fields: HTTPFields) -> Logger.MetadataValue {
        .dictionary(
            Dictionary(
                fields.map { field in
                    (
                        field.name.canonicalName,
                        Logger.MetadataValue.string(redactedHeaders.contains(field.name) ? "<redacted>" : field.value)
                    )
                }, uniquingKeysWith: { first, second in .string("\(first), \(second)") }))
    }

    /// `path` with the values of secret query items replaced by `<redacted>`.
    func redact(path: String) -> String {
        guard !redactedQueryItems.isEmpty, let question = path.firstIndex(of: "?") else { return path }
        let items = path[path.index(after: question)...].split(separator: "&", omittingEmptySubsequences: false).map {
            item in
            let name = item.split(separator: "=", maxSplits: 1).first.map(String.init) ?? ""
            let decoded = name.removingPercentEncoding ?? name
            return redactedQueryItems.contains(decoded) ? name + "=<redacted>" : String(item)
        }
        return path[..<question] + "?" + items.joined(separator: "&")
    }

    /// The request's URL for logs and spans, secrets redacted.
    func url(of head: HTTPRequest) -> String {
        url(head.scheme, head.authority, head.path)
    }

    /// The URL of a request with these pseudo-header fields, its query's credentials redacted.
    func url(_ scheme: String?, _ authority: String?, _ path: String?) -> String {
        (scheme ?? "") + "://" + (authority ?? "") + redact(path: path ?? "")
    }
}
