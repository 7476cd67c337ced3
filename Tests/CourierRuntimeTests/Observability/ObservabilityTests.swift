import CourierRuntimeTesting
import Foundation
import HTTPTypes
import InMemoryLogging
import InMemoryTracing
import Logging
import MetricsTestKit
import Testing
import Tracing

@_spi(Generated) @testable import CourierRuntime

@Suite("Observability", .timeLimit(.minutes(3)))
struct ObservabilityTests {
    let clock = ManualClock()
    let logs = InMemoryLogHandler()
    let metrics = TestMetrics()
    let tracer = InMemoryTracer()

    /// A client runtime holding three kinds of credentials, reporting to the in-memory backends.
    func runtime(_ transport: any HTTPTransport, level: Logger.Level = .debug, logsBodies: Bool = false)
        -> ServiceRuntime
    {
        var credentials = Credentials()
        credentials[scheme: "bearer"] = .bearer("tok-secret")
        credentials[scheme: "header"] = .apiKeyHeader(name: "X-API-Key", key: "key-secret")
        credentials[scheme: "query"] = .apiKeyQuery(name: "api_key", key: "query-secret")
        var logger = Logger(label: "courier-test") { _ in logs }
        logger.logLevel = level
        let observability = Observability(
            logger: logger, metricsFactory: metrics, tracer: tracer,
            redactedHeaderFields: [HTTPField.Name("X-Session")!],
            logsBodies: logsBodies)
        return ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://api.example/v1", transport: transport, credentials: credentials,
                resilienceState: ResilienceState(clock: clock, random: SeededRandom(seed: 9)),
                observability: observability))
    }

    func operation(_ name: String, scheme: String, cache: CachePolicy? = nil)
        -> CourierRuntime.Operation<Data, NoErrors>
    {
        CourierRuntime.Operation(
            name: name, authSchemes: [scheme], output: .bytes(accept: "application/octet-stream"), errors: [],
            service: "Things", resilience: ResiliencePolicy(retry: Self.immediateRetry, cache: cache))
    }

    /// Retries without backoff, so that calls need no clock driving (which would race the attempt timeout).
    static let immediateRetry = RetryPolicy(initialBackoff: .zero, maxBackoff: .zero)

    func send(_ runtime: ServiceRuntime, _ operation: CourierRuntime.Operation<Data, NoErrors>, path: PathTemplate)
        async -> ClientError<NoErrors>?
    {
        do throws(ClientError<NoErrors>) {
            _ = try await runtime.send(operation, RequestBuilder(.get, path: path), options: RequestOptions())
            return nil
        } catch {
            return error
        }
    }

    func send(_ runtime: ServiceRuntime, _ operation: CourierRuntime.Operation<Data, NoErrors>) async throws {
        var request = RequestBuilder(.get, path: "/things")
        request.query("q", "x")
        let builder = request
        let options = RequestOptions(headerFields: [HTTPField.Name("X-Session")!: "sess-secret"])
        _ = try await runtime.send(operation, builder, options: options)
    }

    @Test("logs carry one line per call and attempt detail at debug, and no secret")
    func logsHaveNoSecrets() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in
            index == 0 ? numbered(index, status: 503, [.setCookie: "session=cookie-secret"]) : numbered(index)
        }
        let runtime = runtime(transport, logsBodies: true)
        try await send(runtime, operation("getWithBearer", scheme: "bearer"))
        try await send(runtime, operation("getWithHeader", scheme: "header"))
        try await send(runtime, operation("getWithQuery", scheme: "query"))

        let entries = logs.entries
        let calls = entries.filter { $0.level == .info }
        #expect(calls.count == 3)
        #expect(calls.first?.message.description == "GET https://api.example/v1/things?q=x → 200")
        #expect(calls.first?.metadata["courier.attempts"] == "2")
        #expect(calls.last?.message.description == "GET https://api.example/v1/things?q=x&api_key=<redacted> → 200")
        #expect(
            entries.filter { $0.level == .debug }.count == 4,
            "two attempts for the first call, one for each other: \(entries.map(\.message))")

        let sent = transport.requests.map { "\($0.head.headerFields)" + ($0.head.path ?? "") }.joined()
        for secret in ["tok-secret", "key-secret", "query-secret", "sess-secret"] {
            #expect(sent.contains(secret), "the secret was really sent")
        }
        let written = entries.map { "\($0.message) \($0.metadata)" }.joined(separator: "\n")
        for secret in ["tok-secret", "key-secret", "query-secret", "sess-secret", "cookie-secret"] {
            #expect(!written.contains(secret), "\(secret) appears in the logs")
        }
        #expect(written.contains("<redacted>"))
        #expect(written.contains("response 1"), "bodies appear when asked for")
    }

    @Test("bodies are not logged by default, and nothing below info without debug")
    func quietByDefault() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in numbered(index) }
        try await send(runtime(transport, level: .info), operation("get", scheme: "bearer"))
        #expect(logs.entries.count == 1)
        #expect(!"\(logs.entries)".contains("response 0"))
    }

    @Test("at warning, calls that got a response are not logged and failures are")
    func warningLevelLogsFailuresOnly() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in
            if index == 0 { return numbered(index) }
            throw TransportError(.invalidResponse, detail: "garbage")
        }
        let runtime = runtime(transport, level: .warning)
        try await send(runtime, operation("get", scheme: "bearer"))
        #expect(logs.entries.isEmpty)
        await #expect(throws: ClientError<NoErrors>.self) {
            try await send(runtime, operation("get", scheme: "bearer"))
        }
        #expect(logs.entries.map(\.level) == [.warning])
        #expect(logs.entries.first?.metadata["courier.outcome"] == "transport_error")
    }

    @Test("metrics count calls by outcome, retries, cache lookups and breaker states")
    func metricsRecordWhatHappened() async throws {
        let transport = ScriptedTransport(clock: clock) { index, request in
            if request.head.path?.hasPrefix("/v1/broken") == true { return numbered(index, status: 500) }
            return index == 0 ? numbered(index, status: 503) : numbered(index, [.cacheControl: "max-age=60"])
        }
        let runtime = runtime(transport)
        let cached = operation("getCached", scheme: "bearer", cache: CachePolicy())
        try await send(runtime, cached)
        try await send(runtime, cached)

        let dimensions = [("service", "Things"), ("endpoint", "getCached"), ("outcome", "success")]
        #expect(try metrics.expectCounter("courier_requests_total", dimensions).totalValue == 2)
        #expect(try metrics.expectTimer("courier_request_duration_seconds", dimensions).values.count == 2)
        #expect(
            try metrics.expectCounter("courier_retries_total", [("service", "Things"), ("endpoint", "getCached")])
                .totalValue == 1)
        let lookups = { (result: String) in
            try metrics.expectCounter(
                "courier_cache_lookups_total", [("service", "Things"), ("endpoint", "getCached"), ("result", result)])
        }
        #expect(try lookups("miss").totalValue == 1)
        #expect(try lookups("hit").totalValue == 1)

        let broken = CourierRuntime.Operation<Data, NoErrors>(
            name: "getBroken", authSchemes: [], output: .bytes(accept: "*/*"), errors: [],
            service: "Things", resilience: ResiliencePolicy(retry: .disabled))
        for _ in 0..<5 { _ = await send(runtime, broken, path: "/broken") }
        #expect(try metrics.expectGauge("courier_circuit_breaker_state", [("breaker", "api.example")]).lastValue == 2)
        #expect(
            try metrics.expectCounter(
                "courier_circuit_breaker_transitions_total", [("breaker", "api.example"), ("state", "open")]
            ).totalValue == 1)
        #expect(
            try metrics.expectCounter(
                "courier_requests_total",
                [("service", "Things"), ("endpoint", "getBroken"), ("outcome", "server_error")]
            ).totalValue == 5, "\(metrics.counters.map { ($0.label, $0.dimensions, $0.totalValue) })")
    }

    @Test("with no logger, metrics backend or tracer the observation stages are left out; any one brings them back")
    func silentClientsSkipObservation() {
        func observes(_ observability: Observability) -> Bool {
            let runtime = ServiceRuntime(
                configuration: ClientConfiguration(
                    server: "https://api.example", transport: ScriptedTransport(clock: clock, status: 200),
                    observability: observability))
            let stages = runtime.pipeline.stages
            return stages.contains { $0 is ObserveCallStage } && stages.contains { $0 is ObserveAttemptStage }
        }
        #expect(!observes(Observability()))
        #expect(observes(Observability(logger: Logger(label: "courier-test") { _ in logs })))
        #expect(observes(Observability(metricsFactory: metrics)))
        #expect(observes(Observability(tracer: tracer)))
    }

    @Test("with only a logger above warning the stages are stepped over; lowering its level brings the reports back")
    func reportsFollowTheLoggersLevel() async throws {
        let level = Locked(Logger.Level.error)
        let logger = Logger(label: "courier-test") { _ in LevelFollowingHandler(logs, level: level) }
        let transport = ScriptedTransport(clock: clock, status: 200)
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://api.example", transport: transport, observability: Observability(logger: logger)))
        let stages = runtime.pipeline.stages.compactMap { $0 as? any ConditionalStage }
        let observing = stages.filter { $0 is ObserveCallStage || $0 is ObserveAttemptStage }
        #expect(observing.count == 2)
        let plain = request()
        #expect(observing.allSatisfy { $0.passesThrough(plain) }, "an error-level logger takes no call line")
        let operation = CourierRuntime.Operation<Void, NoErrors>(
            name: "read", authSchemes: [], output: .empty, errors: [], service: "Things")
        _ = try await runtime.send(operation, RequestBuilder(.get, path: "/a"), options: RequestOptions())
        #expect(logs.entries.isEmpty)

        level.withLock { $0 = .info }
        #expect(!observing[0].passesThrough(plain), "an info logger takes the call's line")
        #expect(observing[1].passesThrough(plain), "but not the attempt's, which is at debug")
        _ = try await runtime.send(operation, RequestBuilder(.get, path: "/b"), options: RequestOptions())
        #expect(logs.entries.map(\.level) == [.info])
        level.withLock { $0 = .debug }
        _ = try await runtime.send(operation, RequestBuilder(.get, path: "/c"), options: RequestOptions())
        #expect(logs.entries.map(\.level) == [.info, .debug, .info])
    }

    @Test("a span per call and per attempt, with the resend count, and the attempt's context injected")
    func spans() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in
            index == 0 ? numbered(index, status: 503) : numbered(index)
        }
        try await send(runtime(transport), operation("getThing", scheme: "bearer"))

        let spans = tracer.finishedSpans
        let call = try #require(spans.first { $0.operationName == "Things.getThing" })
        let attempts = spans.filter { $0.operationName == "GET" }
        #expect(attempts.count == 2)
        #expect(
            attempts.allSatisfy { $0.parentSpanID == call.spanID && $0.traceID == call.traceID && $0.kind == .client })
        #expect(attempts.map { $0.attributes["http.request.resend_count"]?.toSpanAttribute() } == [nil, .int64(1)])
        #expect(
            attempts.map { $0.attributes["http.response.status_code"]?.toSpanAttribute() } == [
                .int64(503), .int64(200),
            ])
        #expect(call.attributes["courier.attempts"]?.toSpanAttribute() == .int64(2))
        #expect(call.attributes["courier.outcome"]?.toSpanAttribute() == .string("success"))
        let injected = transport.requests.map { $0.head.headerFields[HTTPField.Name(InMemoryTracer.spanIDKey)!] }
        #expect(injected == attempts.map(\.spanID))
        #expect(!"\(attempts.map(\.attributes))".contains("tok-secret"))
    }
}

/// Hands lines to `base`, at a level that can change while a client runs.
private struct LevelFollowingHandler: LogHandler {
    var base: InMemoryLogHandler
    let level: Locked<Logger.Level>

    init(_ base: InMemoryLogHandler, level: Locked<Logger.Level>) {
        self.base = base
        self.level = level
    }

    var logLevel: Logger.Level {
        get { level.current }
        set { level.withLock { $0 = newValue } }
    }

    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        base.log(event: event)
    }
}
