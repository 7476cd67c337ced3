import CoreMetrics
import Foundation
import HTTPTypes
import Logging
import Tracing

/// What the observation stages learn about one call as it runs: attempts made and the cache's answer.
struct CallFacts: Sendable {
    var attempts = 0
    var cache: CacheLookup?
}

/// How the cache answered a call.
enum CacheLookup: String, Sendable {
    /// A fresh entry was served; nothing was sent.
    case hit
    /// A stale entry was served and refreshed in the background.
    case stale
    /// An entry was revalidated with a conditional request.
    case revalidated
    /// Nothing usable was stored.
    case miss
}

/// Reports calls, attempts, retries, breaker changes and cache lookups to the configured logger,
/// metrics factory and tracer. One per ``ServiceRuntime``.
final class CallObserver: Sendable {
    let logger: Logger?
    let metrics: any MetricsFactory
    let tracer: any Tracer
    let secrets: SecretFields
    let logsBodies: Bool
    private let counters = Locked<[MetricKey: Counter]>([:])
    private let timers = Locked<[MetricKey: CoreMetrics.Timer]>([:])
    private let gauges = Locked<[MetricKey: Gauge]>([:])

    /// Whether nothing is listening: no logger, and the metrics factory and tracer are the no-op
    /// ones the systems start with. The runtime then leaves the observation stages out and reports
    /// no metrics, so that calls pay nothing for observation nobody receives.
    let isSilent: Bool
    /// Whether the metrics factory records anything: not the no-op one. Without it no metric is
    /// looked up, and no dimension worked out.
    let recordsMetrics: Bool
    /// Whether the tracer records spans: not the no-op one, whose spans carry the context they
    /// were started in and nothing more.
    let traces: Bool

    /// Whether anything would receive the report of a call now: a metrics backend, a tracer, or a
    /// logger that takes its line (info, or warning for a failure). Asked per call, since a log
    /// handler's level may change while the client runs.
    var reportsCalls: Bool { reports(at: .warning) }

    /// Whether anything would receive the report of an attempt now; its log line is at debug.
    var reportsAttempts: Bool { reports(at: .debug) }

    /// Whether a metrics backend or a tracer is there, or the logger takes lines at `level`. The
    /// logger's level is read in place: a copy of the logger would retain what it holds.
    private func reports(at level: Logger.Level) -> Bool {
        if recordsMetrics || traces { return true }
        guard let current = logger?.logLevel else { return false }
        return current <= level
    }

    init(_ observability: Observability, secrets: SecretFields) {
        logger = observability.logger
        metrics = observability.metricsFactory ?? MetricsSystem.factory
        tracer = observability.tracer ?? InstrumentationSystem.tracer
        self.secrets = secrets
        logsBodies = observability.logsBodies
        recordsMetrics = !(metrics is NOOPMetricsHandler)
        traces = !(tracer is NoOpTracer)
        isSilent = logger == nil && !recordsMetrics && !traces
    }

    /// A metric's label and dimension values; the dimension names are fixed per label. Up to
    /// ``maxDimensions`` values, held inline so that a lookup allocates nothing.
    private struct MetricKey: Hashable {
        var label: String
        var values: (String, String, String, String, String)

        static let maxDimensions = 5

        static func == (lhs: MetricKey, rhs: MetricKey) -> Bool { lhs.label == rhs.label && lhs.values == rhs.values }
        func hash(into hasher: inout Hasher) {
            hasher.combine(label)
            hasher.combine(values.0)
            hasher.combine(values.1)
            hasher.combine(values.2)
            hasher.combine(values.3)
            hasher.combine(values.4)
        }
    }

    func counter(_ label: String, _ dimensions: KeyValuePairs<String, String>) -> Counter {
        guard recordsMetrics else { return Self.silentCounter }
        return metric(counters, label, dimensions) { Counter(label: $0, dimensions: $1, factory: $2) }
    }

    private func timer(_ label: String, _ dimensions: KeyValuePairs<String, String>) -> CoreMetrics.Timer {
        guard recordsMetrics else { return Self.silentTimer }
        return metric(timers, label, dimensions) { CoreMetrics.Timer(label: $0, dimensions: $1, factory: $2) }
    }

    private func gauge(_ label: String, _ dimensions: KeyValuePairs<String, String>) -> Gauge {
        guard recordsMetrics else { return Self.silentGauge }
        return metric(gauges, label, dimensions) { Gauge(label: $0, dimensions: $1, factory: $2) }
    }

    /// What a client whose metrics factory is the no-op one records into, found without a lookup.
    private static let silentCounter = Counter(label: "", dimensions: [], factory: NOOPMetricsHandler.instance)
    private static let silentTimer = CoreMetrics.Timer(label: "", dimensions: [], factory: NOOPMetricsHandler.instance)
    private static let silentGauge = Gauge(label: "", dimensions: [], factory: NOOPMetricsHandler.instance)

    /// The metric for `label` and `dimensions` from `table`, made on first use: metric objects are
    /// made once per label and dimension values, not once per call.
    private func metric<Metric: Sendable>(
        _ table: Locked<[MetricKey: Metric]>, _ label: String, _ dimensions: KeyValuePairs<String, String>,
        make: (String, [(String, String)], any MetricsFactory) -> Metric
    ) -> Metric {
        let key = Self.key(label, dimensions)
        return table.withLock { table in
            if let existing = table[key] { return existing }
            let made = make(label, dimensions.map { ($0.key, $0.value) }, metrics)
            table[key] = made
            return made
        }
    }

    private static func key(_ label: String, _ dimensions: KeyValuePairs<String, String>) -> MetricKey {
        assert(dimensions.count <= MetricKey.maxDimensions, "\(label) has more dimensions than a metric key holds")
        func value(_ index: Int) -> String { index < dimensions.count ? dimensions[index].value : "" }
        return MetricKey(label: label, values: (value(0), value(1), value(2), value(3), value(4)))
    }

    // MARK: - Events

    /// A call ended with `result` after `duration`.
    func callEnded(
        _ request: CalledRequest, facts: CallFacts, result: Result<TransportResponse, any Error>, duration: Duration,
        span: any Span
    ) {
        let outcome = Self.outcome(of: result)
        let dimensions: KeyValuePairs = ["service": request.service, "endpoint": request.endpoint, "outcome": outcome]
        counter("courier_requests_total", dimensions).increment()
        timer("courier_request_duration_seconds", dimensions).recordNanoseconds(Self.nanoseconds(duration))

        if span.isRecording {
            span.attributes["courier.outcome"] = outcome
            span.attributes["courier.attempts"] = facts.attempts
            if let cache = facts.cache { span.attributes["courier.cache"] = cache.rawValue }
            switch result {
            case .success(let response):
                span.attributes["http.response.status_code"] = Int(response.head.status.code)
                if response.head.status.code >= 500 { span.setStatus(SpanStatus(code: .error)) }
            case .failure(let error):
                span.attributes["error.type"] = outcome
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error, message: outcome))
            }
        }

        // A call that got a response, or was cancelled, is logged at info; any other failure at
        // warning. The metadata is built only when the logger takes that level.
        guard let logger else { return }
        let level: Logger.Level
        if case .failure = result, outcome != "cancelled" { level = .warning } else { level = .info }
        guard logger.logLevel <= level else { return }
        var metadata: Logger.Metadata = [
            "courier.service": "\(request.service)", "courier.endpoint": "\(request.endpoint)",
            "courier.outcome": "\(outcome)", "courier.attempts": "\(facts.attempts)",
            "courier.duration_ms": "\(Self.milliseconds(duration))",
        ]
        if let cache = facts.cache { metadata["courier.cache"] = "\(cache.rawValue)" }
        let line = "\(request.method.rawValue) \(secrets.url(request.scheme, request.authority, request.path))"
        switch result {
        case .success(let response):
            metadata["http.response.status_code"] = "\(response.head.status.code)"
            logger.info("\(line) → \(response.head.status.code)", metadata: metadata)
        case .failure(let error):
            metadata["error.type"] = "\(outcome)"
            if outcome == "cancelled" {
                logger.info("\(line) → cancelled", metadata: metadata)
            } else {
                logger.warning("\(line) → \(outcome): \(String(describing: error))", metadata: metadata)
            }
        }
    }

    /// An attempt ended; `request` carries the header fields as sent.
    func attemptEnded(
        _ request: PipelineRequest, result: Result<TransportResponse, any Error>, duration: Duration, span: any Span
    ) {
        if recordsMetrics {
            let (address, port) = Self.addressAndPort(of: request.transportRequest.head)
            counter(
                "courier_attempts_total",
                [
                    "service": request.service, "endpoint": request.endpoint, "server.address": address,
                    "server.port": port.map(String.init) ?? "", "outcome": Self.outcome(of: result),
                ]
            ).increment()
        }
        if span.isRecording {
            switch result {
            case .success(let response):
                span.attributes["http.response.status_code"] = Int(response.head.status.code)
                if response.head.status.code >= 500 { span.setStatus(SpanStatus(code: .error)) }
            case .failure(let error):
                span.attributes["error.type"] = Self.outcome(of: result)
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
            }
        }
        guard let logger, logger.logLevel <= .debug else { return }
        let head = request.transportRequest.head
        let (address, port) = Self.addressAndPort(of: head)
        var metadata: Logger.Metadata = [
            "courier.service": "\(request.service)", "courier.endpoint": "\(request.endpoint)",
            "courier.attempt": "\(request.attempt)", "courier.duration_ms": "\(Self.milliseconds(duration))",
            "http.request.headers": secrets.describe(head.headerFields),
        ]
        metadata["server.address"] = "\(address)"
        if let port { metadata["server.port"] = "\(port)" }
        if logsBodies, let body = request.transportRequest.body { metadata["http.request.body"] = Self.excerpt(body) }
        let line = "attempt \(request.attempt): \(head.method.rawValue) \(secrets.url(of: head))"
        switch result {
        case .success(let response):
            metadata["http.response.status_code"] = "\(response.head.status.code)"
            metadata["http.response.headers"] = secrets.describe(response.head.headerFields)
            if logsBodies { metadata["http.response.body"] = Self.excerpt(response.body) }
            logger.debug("\(line) → \(response.head.status.code)", metadata: metadata)
        case .failure(let error):
            logger.debug("\(line) → \(Self.outcome(of: result)): \(String(describing: error))", metadata: metadata)
        }
    }

    /// The instances of a service changed: an ejection or a return, a look-up's change or failure.
    func instanceChanged(_ event: InstanceEvent, service: String) {
        guard !isSilent else { return }
        switch event {
        case .ejected(let instance, let length):
            counter(
                "courier_instance_ejections_total",
                ["service": service, "server.address": instance.host, "server.port": "\(instance.port)"]
            ).increment()
            logger?.warning(
                "\(service): instance \(instance) ejected for \(Self.milliseconds(length)) ms after failures in a row",
                metadata: Self.instanceMetadata(service, instance))
        case .returned(let instance):
            logger?.notice(
                "\(service): instance \(instance) is back in rotation",
                metadata: Self.instanceMetadata(service, instance))
        case .unhealthy(let instance):
            healthChanged(instance, of: service, healthy: false)
        case .healthy(let instance):
            healthChanged(instance, of: service, healthy: true)
        case .added(let instance):
            logger?.info("\(service): instance \(instance) found", metadata: Self.instanceMetadata(service, instance))
        case .removed(let instance):
            logger?.info("\(service): instance \(instance) gone", metadata: Self.instanceMetadata(service, instance))
        case .resolutionFailed(let reason):
            counter("courier_instance_resolution_failures_total", ["service": service]).increment()
            logger?.warning(
                "\(service): looking instances up failed, keeping the last good set: \(reason)",
                metadata: ["courier.service": "\(service)"])
        }
    }

    /// An instance's active health checks took it out of rotation, or brought it back.
    private func healthChanged(_ instance: ServiceInstance, of service: String, healthy: Bool) {
        let state = healthy ? "healthy" : "unhealthy"
        counter(
            "courier_instance_health_changes_total",
            ["service": service, "server.address": instance.host, "server.port": "\(instance.port)", "state": state]
        ).increment()
        let metadata = Self.instanceMetadata(service, instance)
        if healthy {
            logger?.notice("\(service): instance \(instance) passes its health checks again", metadata: metadata)
        } else {
            logger?.warning(
                "\(service): instance \(instance) fails its health checks; out of rotation", metadata: metadata)
        }
    }

    private static func instanceMetadata(_ service: String, _ instance: ServiceInstance) -> Logger.Metadata {
        ["courier.service": "\(service)", "server.address": "\(instance.host)", "server.port": "\(instance.port)"]
    }

    /// The hedge stage is about to send copy `copy` of `request`'s attempt.
    func hedging(_ request: PipelineRequest, copy: Int) {
        guard !isSilent else { return }
        counter("courier_hedges_total", ["service": request.service, "endpoint": request.endpoint]).increment()
        logger?.debug(
            "\(request.service).\(request.endpoint): no answer yet, sending copy \(copy)",
            metadata: ["courier.service": "\(request.service)", "courier.endpoint": "\(request.endpoint)"])
    }

    /// A response broke a constraint of the spec, and the client logs such responses.
    func responseBroke(_ violation: ConstraintViolation, service: String, endpoint: String, status: HTTPResponse.Status)
    {
        guard !isSilent else { return }
        counter("courier_response_violations_total", ["service": service, "endpoint": endpoint]).increment()
        logger?.warning(
            "\(service).\(endpoint): the response (\(status.code)) breaks the spec at \(OneLine.bounded(violation.description))",
            metadata: ["courier.service": "\(service)", "courier.endpoint": "\(endpoint)"])
    }

    /// The running client's settings changed.
    func settingsChanged(_ changes: String, service: String) {
        logger?.notice("\(service): settings changed: \(changes)", metadata: ["courier.service": "\(service)"])
    }

    /// A setting was changed that this client cannot apply.
    func settingsIgnored(_ setting: String, service: String) {
        logger?.warning(
            "\(service): '\(setting)' cannot change on this client (it needs discovery from a list of instances)",
            metadata: ["courier.service": "\(service)"])
    }

    /// A call failed and its fallback answered.
    func fellBack(service: String, endpoint: String, _ answer: FallbackAnswer) {
        guard !isSilent else { return }
        let kind: String
        switch answer.kind {
        case .server: kind = "server"
        case .staleCache: kind = "stale_cache"
        case .code: kind = "code"
        }
        counter("courier_fallbacks_total", ["service": service, "endpoint": endpoint, "fallback": kind]).increment()
        logger?.notice(
            "\(service).\(endpoint): answered by the \(OneLine.bounded(answer.description))",
            metadata: ["courier.service": "\(service)", "courier.endpoint": "\(endpoint)"])
    }

    /// A call failed and so did its fallback server.
    func fallbackFailed(service: String, endpoint: String, server: String, _ reason: String) {
        guard !isSilent else { return }
        logger?.warning(
            "\(service).\(endpoint): the fallback server \(server) failed too: \(OneLine.bounded(reason))",
            metadata: ["courier.service": "\(service)", "courier.endpoint": "\(endpoint)"])
    }

    /// The retry stage is about to send attempt `request.attempt + 1`.
    func retrying(_ request: PipelineRequest) {
        guard !isSilent else { return }
        counter("courier_retries_total", ["service": request.service, "endpoint": request.endpoint]).increment()
    }

    /// The cache answered a lookup.
    func cacheLookup(_ request: PipelineRequest, result: CacheLookup) {
        request.facts?.withLock { $0.cache = result }
        guard !isSilent else { return }
        counter(
            "courier_cache_lookups_total",
            ["service": request.service, "endpoint": request.endpoint, "result": result.rawValue]
        )
        .increment()
    }

    /// A breaker changed state.
    func breakerChanged(_ event: CircuitBreakerEvent) {
        guard !isSilent else { return }
        let value: Int64
        switch event.to {
        case .closed, .disabled: value = 0
        case .halfOpen: value = 1
        case .open: value = 2
        case .forcedOpen: value = 3
        }
        gauge("courier_circuit_breaker_state", ["breaker": event.key]).record(value)
        counter("courier_circuit_breaker_transitions_total", ["breaker": event.key, "state": event.to.rawValue])
            .increment()
        logger?.notice(
            "circuit \(event.key): \(event.from.rawValue) → \(event.to.rawValue)",
            metadata: ["courier.breaker": "\(event.key)", "courier.breaker_state": "\(event.to.rawValue)"])
    }

    // MARK: - Streams

    /// A stream is sending its request; `request` carries the header fields as sent.
    func streamConnecting<Element, Declared>(_ operation: StreamOperation<Element, Declared>, request: TransportRequest)
    {
        guard let logger, logger.logLevel <= .debug else { return }
        let head = request.head
        logger.debug(
            "stream \(operation.name): \(head.method.rawValue) \(secrets.url(of: head))",
            metadata: [
                "courier.service": "\(operation.service)", "courier.endpoint": "\(operation.name)",
                "http.request.headers": secrets.describe(head.headerFields),
            ])
    }

    /// Starts the span of one stream connection, from its request until the connection ends,
    /// and injects its context into the request; `nil` when nothing observes.
    func startStreamSpan<Element, Declared>(
        _ operation: StreamOperation<Element, Declared>, request: inout TransportRequest
    ) -> (any Span)? {
        guard !isSilent else { return nil }
        let head = request.head
        let span = tracer.startSpan(
            operation.service + "." + operation.name, context: InstrumentationContext.current ?? .topLevel,
            ofKind: .client)
        if span.isRecording {
            span.attributes["courier.service"] = operation.service
            span.attributes["courier.endpoint"] = operation.name
            span.attributes["http.request.method"] = head.method.rawValue
            span.attributes["server.address"] = head.authority ?? ""
            span.attributes["url.full"] = secrets.url(of: head)
        }
        tracer.inject(span.context, into: &request.head.headerFields, using: HTTPFieldsInjector())
        return span
    }

    /// Ends a stream connection's span: with the response status it opened with, and the
    /// error that ended it, if one did.
    func endStreamSpan(_ span: (any Span)?, status: HTTPResponse.Status?, error: (any Error)?) {
        guard let span else { return }
        if span.isRecording {
            if let status { span.attributes["http.response.status_code"] = Int(status.code) }
            if let error {
                span.recordError(error)
                span.setStatus(SpanStatus(code: .error))
            }
        }
        span.end()
    }

    /// A stream's connection opened.
    func streamOpened<Element, Declared>(_ operation: StreamOperation<Element, Declared>, status: HTTPResponse.Status) {
        guard !isSilent else { return }
        counter("courier_stream_connections_total", ["service": operation.service, "endpoint": operation.name])
            .increment()
        logger?.debug(
            "stream \(operation.name): open (\(status.code))",
            metadata: ["courier.service": "\(operation.service)", "courier.endpoint": "\(operation.name)"])
    }

    /// A stream's connection broke or the server closed it.
    func streamLost<Element, Declared>(_ operation: StreamOperation<Element, Declared>, _ error: ClientError<Declared>)
    {
        logger?.info(
            "stream \(operation.name): connection lost: \(String(describing: error))",
            metadata: ["courier.service": "\(operation.service)", "courier.endpoint": "\(operation.name)"])
    }

    /// A stream is about to reconnect, attempt `attempt` since its last open connection.
    func streamReconnecting<Element, Declared>(
        _ operation: StreamOperation<Element, Declared>, attempt: Int, after wait: Duration
    ) {
        guard !isSilent else { return }
        counter("courier_stream_reconnects_total", ["service": operation.service, "endpoint": operation.name])
            .increment()
        logger?.notice(
            "stream \(operation.name): reconnecting (attempt \(attempt)) in \(Self.milliseconds(wait)) ms",
            metadata: [
                "courier.service": "\(operation.service)", "courier.endpoint": "\(operation.name)",
                "courier.attempt": "\(attempt)",
            ])
    }

    // MARK: - Formatting

    static func outcome(of result: Result<TransportResponse, any Error>) -> String {
        switch result {
        case .success(let response):
            switch response.head.status.code {
            case ..<400: return "success"
            case ..<500: return "client_error"
            default: return "server_error"
            }
        case .failure(let error):
            if Task.isCancelled || error is CancellationError { return "cancelled" }
            switch error {
            case PipelineFailure.circuitOpen: return "circuit_open"
            case PipelineFailure.bulkheadFull: return "bulkhead_full"
            case PipelineFailure.rateLimited: return "rate_limited"
            case PipelineFailure.attemptTimedOut, PipelineFailure.deadlineExceeded: return "timeout"
            case let error as TransportError: return error.kind == .timedOut ? "timeout" : "transport_error"
            default: return "transport_error"
            }
        }
    }

    /// The request's host and port, as OpenTelemetry's `server.address` and `server.port` hold
    /// them: the host without IPv6 brackets, and the port the authority names or the scheme's.
    static func addressAndPort(of head: HTTPRequest) -> (address: String, port: Int?) {
        let authority = head.authority ?? ""
        var host = Substring(authority)
        var port: Int?
        if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]"),
            let number = Int(authority[authority.index(after: colon)...])
        {
            host = authority[..<colon]
            port = number
        }
        if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
        if port == nil { port = head.scheme == "https" ? 443 : head.scheme == "http" ? 80 : nil }
        return (String(host), port)
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }

    private static func milliseconds(_ duration: Duration) -> String {
        String(format: "%.1f", Double(nanoseconds(duration)) / 1e6)
    }

    private static func excerpt(_ body: Data) -> Logger.MetadataValue {
        let limit = 2048
        let text = String(decoding: body.prefix(limit), as: UTF8.self)
        return .string(body.count > limit ? text + "… (\(body.count) bytes)" : text)
    }
}

/// Writes a tracer's propagation fields into a request's header fields.
struct HTTPFieldsInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout HTTPFields) {
        guard let name = HTTPField.Name(key) else { return }
        carrier[name] = value
    }
}

/// What the report of a call names: its endpoint and where its request went.
struct CalledRequest {
    let service: String
    let endpoint: String
    let method: HTTPRequest.Method
    let scheme: String?
    let authority: String?
    let path: String?

    init(_ request: borrowing PipelineRequest) {
        let head = request.transportRequest.head
        service = request.service
        endpoint = request.endpoint
        method = head.method
        scheme = head.scheme
        authority = head.authority
        path = head.path
    }
}

/// Reports the whole call: one log line, the request metrics and the call span.
struct ObserveCallStage: ConditionalStage {
    let observer: CallObserver
    let clock: any ResilienceClock

    /// With nothing to receive the report (a logger above warning, no-op metrics and tracer), the
    /// call is not timed, traced or followed, and the pipeline steps over the stage.
    func passesThrough(_ request: PipelineRequest) -> Bool { !observer.reportsCalls }

    func intercept(_ request: consuming PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        guard observer.reportsCalls else { return try await next(request) }
        let start = clock.now()
        let facts = Locked(CallFacts())
        request.facts = facts
        let called = CalledRequest(request)
        let span = observer.tracer.startSpan(
            request.context.spanName, context: InstrumentationContext.current ?? .topLevel,
            ofKind: .internal)
        defer { span.end() }
        if span.isRecording {
            span.attributes["courier.service"] = called.service
            span.attributes["courier.endpoint"] = called.endpoint
            span.attributes["http.request.method"] = called.method.rawValue
            span.attributes["server.address"] = called.authority ?? ""
        }
        let result: Result<TransportResponse, any Error>
        // Handed on, not copied, so that the stages within may change the request without
        // copying its head (the report keeps what it needs in `called`).
        var sent = Optional(consume request)
        do {
            result = .success(
                try await InstrumentationContext.withValue(span.context) {
                    guard let request = sent.take() else { throw CancellationError() }
                    return try await next(request)
                })
        } catch {
            result = .failure(error)
        }
        observer.callEnded(called, facts: facts.current, result: result, duration: clock.now() - start, span: span)
        return try result.get()
    }
}

/// Reports one attempt: its span, with the trace context injected into the request, and a debug line.
struct ObserveAttemptStage: ConditionalStage {
    let observer: CallObserver
    let clock: any ResilienceClock

    /// Stepped over when nothing would receive the attempt's report and the call gathers no facts.
    func passesThrough(_ request: PipelineRequest) -> Bool { request.facts == nil && !observer.reportsAttempts }

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        request.facts?.withLock { $0.attempts = max($0.attempts, request.attempt) }
        guard observer.reportsAttempts else { return try await next(request) }
        let start = clock.now()
        let head = request.transportRequest.head
        let span = observer.tracer.startSpan(
            head.method.rawValue, context: InstrumentationContext.current ?? .topLevel, ofKind: .client)
        defer { span.end() }
        if span.isRecording {
            let (address, port) = CallObserver.addressAndPort(of: head)
            span.attributes["http.request.method"] = head.method.rawValue
            span.attributes["server.address"] = address
            if let port { span.attributes["server.port"] = port }
            span.attributes["url.full"] = observer.secrets.url(of: head)
            if request.attempt > 1 { span.attributes["http.request.resend_count"] = request.attempt - 1 }
        }
        var traced = request
        observer.tracer.inject(
            span.context, into: &traced.transportRequest.head.headerFields, using: HTTPFieldsInjector())
        let result: Result<TransportResponse, any Error>
        do {
            let sent = traced
            result = .success(try await InstrumentationContext.withValue(span.context) { try await next(sent) })
        } catch {
            result = .failure(error)
        }
        observer.attemptEnded(traced, result: result, duration: clock.now() - start, span: span)
        return try result.get()
    }
}
