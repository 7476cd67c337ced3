import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

/// A transport that answers from a script and records when (on the test clock) each request came.
final class ScriptedTransport: HTTPTransport, @unchecked Sendable {
    // Safe: `log` and `index` are read and written only while `lock` is held.
    private let lock = NSLock()
    private let clock: any ResilienceClock
    private let script: @Sendable (Int, TransportRequest) async throws -> TransportResponse
    private var log: [(time: Duration, request: TransportRequest)] = []

    init(
        clock: any ResilienceClock,
        script: @escaping @Sendable (Int, TransportRequest) async throws -> TransportResponse
    ) {
        self.clock = clock
        self.script = script
    }

    /// Answers every request with `status` and `fields`.
    convenience init(clock: any ResilienceClock, status: Int, fields: HTTPFields = [:]) {
        self.init(clock: clock) { _, _ in
            TransportResponse(head: HTTPResponse(status: .init(code: status), headerFields: fields))
        }
    }

    var times: [Duration] { lock.withLock { log.map(\.time) } }
    var requests: [TransportRequest] { lock.withLock { log.map(\.request) } }
    var count: Int { lock.withLock { log.count } }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let index: Int = lock.withLock {
            log.append((clock.now(), request))
            return log.count - 1
        }
        return try await script(index, request)
    }
}

/// Another transport that says whether it enforces the timeout.
struct EnforcingTransport: HTTPTransport {
    let base: any HTTPTransport
    let enforcesTimeout: Bool

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        try await base.send(request)
    }
}

/// Middleware that only calls the rest of the pipeline.
struct PassThrough: Middleware {
    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        try await next(request)
    }
}

/// Counts the random numbers drawn; each is 0.5.
final class CountingRandom: RandomSource {
    private let count = Locked(0)
    var draws: Int { count.current }

    func nextUnit() -> Double {
        count.withLock { $0 += 1 }
        return 0.5
    }
}

/// Waits until cancelled.
func hang() async throws -> TransportResponse {
    while true { try await Task.sleep(for: .seconds(3600)) }
}

/// The secrets of a client without credentials.
let noSecrets = SecretFields(credentials: Credentials(), redacting: [])

/// A pipeline of the given stages over `transport`, as the runtime builds it.
func pipeline(
    _ state: ResilienceState, _ kinds: [String], transport: any HTTPTransport,
    observability: Observability = Observability(), cache: ResponseCache = ResponseCache(),
    flights: Coalescer = Coalescer(), secrets: SecretFields = noSecrets
) -> Pipeline {
    let observer = CallObserver(observability, secrets: secrets)
    let stages: [any Middleware] = kinds.map { kind in
        switch kind {
        case "observe": ObserveCallStage(observer: observer, clock: state.clock)
        case "cache": CacheStage(cache: cache, state: state, observer: observer)
        case "coalesce": CoalescingStage(flights: flights)
        case "retry": RetryStage(state: state, observer: observer)
        case "breaker": CircuitBreakerStage(state: state, observer: observer)
        case "observe-attempt": ObserveAttemptStage(observer: observer, clock: state.clock)
        case "rate": RateLimitStage(state: state)
        case "bulkhead": BulkheadStage(state: state)
        default: AttemptTimeoutStage(state: state, transportEnforcesTimeout: transport.enforcesTimeout)
        }
    }
    return Pipeline(stages: stages, transport: transport)
}

func request(
    _ method: HTTPRequest.Method = .get, host: String = "a.example", path: String = "/x", endpoint: String = "op",
    policy: ResiliencePolicy = .standard, idempotencyKey: Bool = false, fields: HTTPFields = [:],
    secrets: SecretFields = noSecrets
) -> PipelineRequest {
    let head = HTTPRequest(method: method, scheme: "https", authority: host, path: path, headerFields: fields)
    return PipelineRequest(
        transportRequest: TransportRequest(head: head, timeout: .seconds(10), maxResponseBodySize: 1 << 20),
        service: "S", endpoint: endpoint, policy: policy,
        isIdempotent: idempotencyKey || ServiceRuntime.idempotentMethods.contains(method), secrets: secrets)
}

/// Runs `body` in a task while advancing `clock` to each sleeper's deadline until the task ends.
func drive<T: Sendable>(_ clock: ManualClock, _ body: @escaping @Sendable () async throws -> T) async -> Result<
    T, any Error
> {
    let task = Task { try await body() }
    let done = Locked(false)
    let driver = Task {
        while !done.withLock({ $0 }) {
            if clock.sleeperCount > 0 { clock.advanceToNextDeadline() }
            await Task.yield()
        }
    }
    let result = await task.result
    done.withLock { $0 = true }
    await driver.value
    return result
}

@Suite("Retry")
struct RetryTests {
    @Test("503 with Retry-After: 2 is tried 3 times, 2 s apart, within the deadline")
    func retryAfterSpacing() async throws {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock, random: SeededRandom(seed: 1))
        let transport = ScriptedTransport(clock: clock, status: 503, fields: [.retryAfter: "2"])
        let run = pipeline(state, ["retry"], transport: transport)
        let response = try await drive(clock) { try await run.run(request()) }.get()
        #expect(response.head.status.code == 503)
        #expect(transport.times == [.zero, .seconds(2), .seconds(4)])
    }

    @Test("Retry-After over the limit ends the call at once, and the error reports the wait")
    func retryAfterTooLong() async throws {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let transport = ScriptedTransport(clock: clock, status: 503, fields: [.retryAfter: "120"])
        let response = try await pipeline(state, ["retry"], transport: transport).run(request())
        #expect(transport.count == 1)
        let error = ClientError<NoErrors>.unexpectedStatus(UnexpectedResponse(head: response.head, body: Data()))
        #expect(error.retryAfter == .seconds(120))
    }

    @Test("a Retry-After past the deadline ends the call at once")
    func retryAfterPastDeadline() async throws {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let transport = ScriptedTransport(clock: clock, status: 503, fields: [.retryAfter: "20"])
        let policy = ResiliencePolicy(timeouts: Timeouts(total: .seconds(10), attempt: .seconds(5)))
        _ = try await pipeline(state, ["retry"], transport: transport).run(request(policy: policy))
        #expect(transport.count == 1)
    }

    @Test("a POST that may have reached the server is not re-sent without an idempotency key; with one it is")
    func idempotency() async throws {
        for key in [false, true] {
            let clock = ManualClock()
            let state = ResilienceState(clock: clock, random: SeededRandom(seed: 2))
            let transport = ScriptedTransport(clock: clock, status: 503)
            let run = pipeline(state, ["retry"], transport: transport)
            _ = try await drive(clock) { try await run.run(request(.post, idempotencyKey: key)) }.get()
            #expect(transport.count == (key ? 3 : 1))
        }
        for kind in [TransportError.Kind.connectionLost, .timedOut] {
            let clock = ManualClock()
            let transport = ScriptedTransport(clock: clock) { _, _ in throw TransportError(kind, detail: "") }
            let run = pipeline(ResilienceState(clock: clock), ["retry"], transport: transport)
            _ = await drive(clock) { try await run.run(request(.post)) }
            #expect(transport.count == 1, "\(kind) after sending is not retried for a POST")
        }
    }

    @Test("a request that never reached the server is retried whatever its method")
    func connectionFailures() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport(clock: clock) { index, _ in
            if index < 2 { throw TransportError(.connectionFailed, detail: "refused") }
            return TransportResponse(head: HTTPResponse(status: .created))
        }
        let run = pipeline(
            ResilienceState(clock: clock, random: SeededRandom(seed: 3)), ["retry"], transport: transport)
        let response = try await drive(clock) { try await run.run(request(.post)) }.get()
        #expect(response.head.status == .created)
        #expect(transport.count == 3)
    }

    @Test("4xx other than 408 and 429 are not retried; cancellation is not retried")
    func notRetried() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport(clock: clock, status: 404)
        _ = try await pipeline(ResilienceState(clock: clock), ["retry"], transport: transport).run(request())
        #expect(transport.count == 1)
    }

    @Test("jitter is drawn only for a retry: a call that succeeds, or fails for good, draws none")
    func jitterOnlyWhenRetrying() async throws {
        let clock = ManualClock()
        let random = CountingRandom()
        let state = ResilienceState(clock: clock, random: random)
        _ = try await pipeline(state, ["retry"], transport: ScriptedTransport(clock: clock, status: 200)).run(request())
        _ = try await pipeline(state, ["retry"], transport: ScriptedTransport(clock: clock, status: 404)).run(request())
        #expect(random.draws == 0)
        let flaky = ScriptedTransport(clock: clock) { index, _ in
            TransportResponse(head: HTTPResponse(status: index == 0 ? .serviceUnavailable : .ok))
        }
        _ = try await drive(clock) { try await pipeline(state, ["retry"], transport: flaky).run(request()) }.get()
        #expect(flaky.count == 2)
        #expect(random.draws == 1)
    }

    @Test("full jitter stays within [0, min(max, initial × 2^n)] and is repeatable with a seed")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 10, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1))
        #expect(
            (1...6).map(policy.baseDelay(beforeRetry:)) == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ])
        let first = (1...6).map { policy.delay(beforeRetry: $0, random: SeededRandom(seed: 9)) }
        let second = (1...6).map { policy.delay(beforeRetry: $0, random: SeededRandom(seed: 9)) }
        #expect(first == second)
        for (retry, delay) in zip(1..., first) {
            #expect(delay >= .zero && delay <= policy.baseDelay(beforeRetry: retry))
        }
        var equal = policy
        equal.jitter = .equal
        let delay = equal.delay(beforeRetry: 3, random: SeededRandom(seed: 4))
        #expect(delay >= .milliseconds(200) && delay <= .milliseconds(400))
    }

    @Test("the per-host budget stops retries once spent, and only for that host")
    func budget() async throws {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock, random: SeededRandom(seed: 5))
        var budgeted = ResiliencePolicy.standard
        budgeted.retry.budget = RetryBudgetPolicy(ratio: 0, perSecond: 2)
        let policy = budgeted
        let transport = ScriptedTransport(clock: clock, status: 503)
        let run = pipeline(state, ["retry"], transport: transport)
        _ = try await drive(clock) { try await run.run(request(policy: policy)) }.get()
        _ = try await drive(clock) { try await run.run(request(policy: policy)) }.get()
        // The reserve holds 2 retries, both spent by the first call; well under a second later (two
        // jittered backoffs of at most 100 and 200 ms) it has not refilled, so the second call is not retried.
        #expect(transport.count == 3 + 1)
        let before = transport.count
        _ = try await drive(clock) { try await run.run(request(host: "b.example", policy: policy)) }.get()
        #expect(transport.count - before == 3, "another host has its own budget")
    }

    @Test("Retry-After dates: IMF-fixdate, RFC 850, asctime, measured from the response's Date")
    func retryAfterParsing() throws {
        let now = try #require(RetryAfter.parseDate("Sat, 21 Nov 2026 10:00:00 GMT"))
        #expect(RetryAfter.parse("7", now: now) == .seconds(7))
        #expect(RetryAfter.parse("Sat, 21 Nov 2026 10:00:30 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Saturday, 21-Nov-26 10:01:00 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.parse("Sat Nov 21 10:00:05 2026", now: now) == .seconds(5))
        #expect(RetryAfter.parse("Sat, 21 Nov 2026 09:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse("-3", now: now) == nil)
        let response = HTTPResponse(
            status: .serviceUnavailable,
            headerFields: [.retryAfter: "Sat, 21 Nov 2026 10:00:10 GMT", .date: "Sat, 21 Nov 2026 10:00:00 GMT"])
        #expect(RetryAfter.wait(in: response, now: .distantPast) == .seconds(10))
    }
}

@Suite("Timeouts and cancellation")
struct TimeoutTests {
    @Test("an attempt timeout cancels the transport call and is retried; the total deadline ends the call")
    func attemptTimeout() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport(clock: clock) { _, _ in try await hang() }
        let policy = ResiliencePolicy(
            timeouts: Timeouts(total: .seconds(25), attempt: .seconds(10)),
            retry: RetryPolicy(maxAttempts: 5, jitter: .none))
        let run = pipeline(ResilienceState(clock: clock), ["retry", "attempt"], transport: transport)
        let result = await drive(clock) { try await run.run(request(policy: policy)) }
        guard case .failure(PipelineFailure.deadlineExceeded(let total)) = result else {
            Issue.record("expected the deadline, got \(result)")
            return
        }
        #expect(total == .seconds(25))
        // Attempts at 0 s and 10.1 s (after 100 ms backoff); the third starts at 20.3 s and is cut at 25 s.
        #expect(transport.times == [.zero, .milliseconds(10_100), .milliseconds(20_300)])
        #expect(clock.now() == .seconds(25), "the call ended exactly at the deadline")
        #expect(transport.requests.map(\.timeout) == [.seconds(10), .seconds(10), .milliseconds(4_700)])
    }

    @Test(
        "a transport that enforces the timeout runs in the caller's task with the limit, and its timeout ends the attempt"
    )
    func transportEnforcedTimeout() async throws {
        let clock = ManualClock()
        let policy = ResiliencePolicy(
            timeouts: Timeouts(total: .seconds(25), attempt: .seconds(10)),
            retry: RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(100), jitter: .none))
        /// Runs a call whose attempts each take their whole limit on the test clock and then time
        /// out, as a transport would; returns the outcome, the limits the transport was given, and
        /// for each attempt whether it ran in the task that called the pipeline.
        func run(enforcing: Bool) async -> (Result<TransportResponse, any Error>, [Duration], inCallerTask: [Bool]) {
            // Tasks compared by identity; the caller's lives throughout, so no other task shares it.
            let caller = Locked<Int?>(nil)
            let inCaller = Locked<[Bool]>([])
            let scripted = ScriptedTransport(clock: clock) { _, request in
                let same = withUnsafeCurrentTask { current in current.map(\.hashValue) == caller.current }
                inCaller.withLock { $0.append(same) }
                clock.advance(by: request.timeout)
                throw TransportError(.timedOut, detail: "took \(request.timeout)")
            }
            let transport = EnforcingTransport(base: scripted, enforcesTimeout: enforcing)
            let stages = pipeline(ResilienceState(clock: clock), ["retry", "attempt"], transport: transport)
            let result = await drive(clock) {
                let current = withUnsafeCurrentTask { $0?.hashValue }
                caller.withLock { $0 = current }
                return try await stages.run(request(policy: policy))
            }
            return (result, scripted.requests.map(\.timeout), inCaller.current)
        }

        let start = clock.now()
        let (result, timeouts, inCallerTask) = await run(enforcing: true)
        guard case .failure(PipelineFailure.deadlineExceeded(let total)) = result else {
            Issue.record("expected the deadline, got \(result)")
            return
        }
        #expect(total == .seconds(25))
        // Attempts at 0 s, 10.1 s and 20.3 s; the last gets what is left of the deadline.
        #expect(timeouts == [.seconds(10), .seconds(10), .milliseconds(4_700)])
        #expect(clock.now() - start == .seconds(25))
        #expect(inCallerTask == [true, true, true], "no task of its own per attempt")

        let (timerResult, _, timerInCallerTask) = await run(enforcing: false)
        guard case .failure(PipelineFailure.deadlineExceeded) = timerResult else {
            Issue.record("expected the deadline, got \(timerResult)")
            return
        }
        #expect(timerInCallerTask == [false, false, false], "the runtime's timer cancels a task of the attempt's own")
    }

    @Test("middleware inside the attempt keeps the runtime's timer even over a transport that enforces the timeout")
    func middlewareKeepsTheTimer() {
        func enforced(_ middleware: [any Middleware]) -> Bool? {
            let transport = EnforcingTransport(
                base: ScriptedTransport(clock: ManualClock(), status: 200), enforcesTimeout: true)
            var configuration = ClientConfiguration(server: "https://a.example", transport: transport)
            configuration.middleware = middleware
            let stages = ServiceRuntime(configuration: configuration).pipeline.stages
            return stages.lazy.compactMap { $0 as? AttemptTimeoutStage }.first?.transportEnforcesTimeout
        }
        #expect(enforced([]) == true)
        #expect(enforced([PassThrough()]) == false)
    }

    @Test("cancelling the caller stops every attempt and is reported as cancellation")
    func cancellation() async throws {
        let transport = ScriptedTransport(clock: SystemClock()) { _, _ in try await hang() }
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(server: "https://a.example", transport: transport))
        let operation = Operation<Void, NoErrors>(name: "op", authSchemes: [], output: .empty, errors: [])
        let task = Task { () -> ClientError<NoErrors>? in
            do throws(ClientError<NoErrors>) {
                _ = try await runtime.send(operation, RequestBuilder(.get, path: "/"), options: RequestOptions())
                return nil
            } catch {
                return error
            }
        }
        while transport.count == 0 { await Task.yield() }
        task.cancel()
        #expect(await task.value == .cancelled)
        #expect(transport.count == 1, "no attempt after cancellation")
    }
}

@Suite("Pipeline")
struct PipelineTests {
    @Test("a stage is stepped over only where it would just pass the request on; then it passes it on unchanged")
    func passThroughStages() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport(clock: clock, status: 200)
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://a.example", transport: transport, resilienceState: ResilienceState(clock: clock)))
        let conditional = runtime.pipeline.conditional.compactMap { $0 }
        #expect(conditional.count == 5, "cache, coalescing, breaker, rate limiter, bulkhead")

        let idle = ResiliencePolicy(circuitBreaker: .disabled, bulkhead: BulkheadPolicy(maxConcurrent: .max))
        let busy = ResiliencePolicy(
            circuitBreaker: CircuitBreakerPolicy(), bulkhead: BulkheadPolicy(maxConcurrent: 4),
            rateLimit: RateLimitPolicy(requests: 10, per: .seconds(1)), cache: CachePolicy(ttl: .seconds(60)))
        for stage in conditional {
            #expect(stage.passesThrough(request(.get, policy: idle)), "\(type(of: stage)) has nothing to do")
            #expect(!stage.passesThrough(request(.get, policy: busy)), "\(type(of: stage)) has work")
            // What a skipped stage would have done: call next once with the request as it came.
            let seen = Locked<[String]>([])
            let response = try await stage.intercept(
                request(.get, path: "/idle", policy: idle),
                next: PipelineNext { passed in
                    seen.withLock { $0.append(passed.transportRequest.head.path ?? "") }
                    return TransportResponse(head: HTTPResponse(status: .accepted))
                })
            #expect(seen.current == ["/idle"] && response.head.status == .accepted, "\(type(of: stage))")
        }
        let cache = try #require(conditional.first { $0 is CacheStage })
        #expect(!cache.passesThrough(request(.post, policy: idle)), "a POST may invalidate cached responses")
    }
}

@Suite("Circuit breaker")
struct CircuitBreakerTests {
    static let policy = CircuitBreakerPolicy(
        failureRate: 0.5, minimumCalls: 4, window: .seconds(30), consecutiveFailures: 3,
        openFor: .seconds(5), maxOpenFor: .seconds(12), halfOpenProbes: 2)

    @Test(
        "an open circuit refuses a call before it is built, as the pipeline would; a call due for a probe goes through")
    func refusedBeforeBuilding() async throws {
        /// Three failing calls open the circuit; then calls are refused until the open period ends.
        func run(observed: Bool) async throws -> [String] {
            let clock = ManualClock()
            let transport = ScriptedTransport(clock: clock, status: 500)
            let observability =
                observed
                ? Observability(logger: Logger(label: "courier-test") { _ in SwiftLogNoOpLogHandler() })
                : Observability()
            let state = ResilienceState(clock: clock)
            let runtime = ServiceRuntime(
                configuration: ClientConfiguration(
                    server: "https://a.example", transport: transport, resilienceState: state,
                    observability: observability))
            let policy = ResiliencePolicy(
                retry: RetryPolicy(maxAttempts: 1, budget: RetryBudgetPolicy(ratio: 1, perSecond: 0)),
                circuitBreaker: Self.policy)
            let operation = Operation<Void, NoErrors>(
                name: "op", authSchemes: [], output: .empty, errors: [], resilience: policy)
            var outcomes: [String] = []
            for _ in 0..<5 {
                do throws(ClientError<NoErrors>) {
                    _ = try await runtime.send(operation, RequestBuilder(.get, path: "/"), options: RequestOptions())
                    outcomes.append("ok")
                } catch {
                    outcomes.append("\(error)")
                }
                clock.advance(by: .seconds(1))
            }
            clock.advance(by: .seconds(2))
            _ = try? await runtime.send(operation, RequestBuilder(.get, path: "/"), options: RequestOptions())
            outcomes.append("sent \(transport.count)")
            // Every call earned the host's retry budget a token (ratio 1), refused ones included.
            let budget = state.budget(for: "a.example")
            outcomes.append(
                "budget \((0..<10).filter { _ in budget.withdraw(policy: RetryBudgetPolicy(ratio: 1, perSecond: 0), now: clock.now()) }.count)"
            )
            return outcomes
        }
        let fast = try await run(observed: false)
        #expect(
            fast == [
                "unexpected status 500, 0 bytes", "unexpected status 500, 0 bytes", "unexpected status 500, 0 bytes",
                "circuit open for a.example; retry in 4.0 seconds", "circuit open for a.example; retry in 3.0 seconds",
                "sent 4", "budget 6",
            ])
        #expect(try await run(observed: true) == fast, "the observed path, through the pipeline, ends the same")
    }

    func call(_ run: Pipeline, host: String = "a.example") async -> Result<TransportResponse, any Error> {
        var policy = ResiliencePolicy(retry: .disabled, circuitBreaker: Self.policy)
        policy.bulkhead = .unlimited
        let pipelineRequest = request(host: host, policy: policy)
        do {
            return .success(try await run.run(pipelineRequest))
        } catch {
            return .failure(error)
        }
    }

    func isRejected(_ result: Result<TransportResponse, any Error>) -> Bool {
        if case .failure(PipelineFailure.circuitOpen) = result { return true }
        return false
    }

    @Test("closed below the minimum calls; opens at the failure rate; sends nothing while open")
    func failureRate() async {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let statuses = Locked([200, 500, 200, 500])
        let transport = ScriptedTransport(clock: clock) { index, _ in
            TransportResponse(
                head: HTTPResponse(status: .init(code: statuses.withLock { index < $0.count ? $0[index] : 200 })))
        }
        let run = pipeline(state, ["breaker"], transport: transport)
        for _ in 0..<3 { _ = await call(run) }
        #expect(
            state.circuitState(for: "a.example", policy: Self.policy) == .closed, "3 calls are below the minimum of 4")
        _ = await call(run)
        #expect(state.circuitState(for: "a.example", policy: Self.policy) == .open, "2 failures in 4 calls is 50 %")
        #expect(isRejected(await call(run)))
        #expect(transport.count == 4, "nothing is sent while open")
    }

    @Test("consecutive failures open it; probes are limited; success closes; a failed probe re-opens for longer")
    func lifecycle() async {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let events = Locked<[CircuitBreakerEvent]>([])
        state.onCircuitStateChange { event in events.withLock { $0.append(event) } }
        let fail = Locked(true)
        let release = Locked<[CheckedContinuation<Void, Never>]>([])
        let transport = ScriptedTransport(clock: clock) { _, _ in
            if fail.withLock({ $0 }) { return TransportResponse(head: HTTPResponse(status: .serviceUnavailable)) }
            await withCheckedContinuation { continuation in release.withLock { $0.append(continuation) } }
            return TransportResponse(head: HTTPResponse(status: .ok))
        }
        let run = pipeline(state, ["breaker"], transport: transport)
        for _ in 0..<3 { _ = await call(run) }
        #expect(state.circuitState(for: "a.example", policy: Self.policy) == .open)

        // Half-open after 5 s: a failed probe re-opens for 10 s.
        clock.advance(by: .seconds(5))
        _ = await call(run)
        #expect(isRejected(await call(run)))
        clock.advance(by: .seconds(9))
        #expect(isRejected(await call(run)), "still open after 9 of 10 s")
        clock.advance(by: .seconds(1))

        // Exactly 2 probes go through; the third call is rejected while they are in flight.
        fail.withLock { $0 = false }
        let probes = (0..<2).map { _ in Task { await call(run) } }
        while release.withLock({ $0.count }) < 2 { await Task.yield() }
        #expect(isRejected(await call(run)))
        for continuation in release.withLock({ $0 }) { continuation.resume() }
        for probe in probes { _ = await probe.value }
        #expect(state.circuitState(for: "a.example", policy: Self.policy) == .closed)

        #expect(events.withLock { $0.map(\.to) } == [.open, .halfOpen, .open, .halfOpen, .closed])
        #expect(events.withLock { $0.compactMap(\.openFor) } == [.seconds(5), .seconds(10)])
        #expect(transport.count == 3 + 1 + 2)
    }

    @Test("one host's failures do not affect another; forced open and disabled")
    func isolationAndModes() async {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let transport = ScriptedTransport(clock: clock) { _, request in
            TransportResponse(
                head: HTTPResponse(status: request.head.authority == "bad.example" ? .internalServerError : .ok))
        }
        let run = pipeline(state, ["breaker"], transport: transport)
        for _ in 0..<3 { _ = await call(run, host: "bad.example") }
        #expect(isRejected(await call(run, host: "bad.example")))
        guard case .success = await call(run, host: "good.example") else {
            Issue.record("the other host's breaker must be closed")
            return
        }

        var forced = ResiliencePolicy(retry: .disabled, circuitBreaker: CircuitBreakerPolicy(mode: .forcedOpen))
        forced.bulkhead = .unlimited
        await #expect(throws: PipelineFailure.self) { try await run.run(request(host: "good.example", policy: forced)) }
        var disabled = forced
        disabled.circuitBreaker = .disabled
        let allowed = disabled
        await #expect(throws: Never.self) { try await run.run(request(host: "bad.example", policy: allowed)) }
    }
}

@Suite("Bulkhead and rate limiter")
struct LimiterTests {
    @Test("the 101st concurrent call over a bulkhead of 100 is rejected at once")
    func bulkheadRejects() async throws {
        let state = ResilienceState()
        let started = Locked(0)
        let transport = ScriptedTransport(clock: SystemClock()) { _, _ in
            started.withLock { $0 += 1 }
            return try await hang()
        }
        let run = pipeline(state, ["bulkhead"], transport: transport)
        let calls = (0..<100).map { _ in Task { try await run.run(request()) } }
        while started.withLock({ $0 }) < 100 { await Task.yield() }
        await #expect(throws: PipelineFailure.self) { try await run.run(request()) }
        #expect(state.bulkheadPermitsInUse(for: "a.example") == 100)
        for call in calls { call.cancel() }
        for call in calls { _ = await call.result }
        #expect(state.bulkheadPermitsInUse(for: "a.example") == 0)
    }

    @Test("after thousands of random cancellations, waits and completions, every permit is back")
    func bulkheadNeverLeaks() async {
        let state = ResilienceState()
        let random = SeededRandom(seed: 42)
        let transport = ScriptedTransport(clock: SystemClock()) { _, _ in
            if random.nextUnit() < 0.5 { await Task.yield() }
            return TransportResponse(head: HTTPResponse(status: .ok))
        }
        let run = pipeline(state, ["bulkhead"], transport: transport)
        var policy = ResiliencePolicy.standard
        policy.bulkhead = BulkheadPolicy(maxConcurrent: 8, maxWait: .seconds(5))
        let waiting = policy
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<3000 {
                let task = Task { _ = try? await run.run(request(policy: waiting)) }
                if index % 3 == 0 { task.cancel() }
                group.addTask { await task.value }
            }
        }
        #expect(state.bulkheadPermitsInUse(for: "a.example") == 0)
    }

    @Test("the token bucket lets a burst through, then refuses with the wait, then refills")
    func rateLimit() async throws {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let transport = ScriptedTransport(clock: clock, status: 200)
        let run = pipeline(state, ["rate"], transport: transport)
        var policy = ResiliencePolicy.standard
        policy.rateLimit = RateLimitPolicy(requests: 2, per: .seconds(1))
        for _ in 0..<2 { _ = try await run.run(request(policy: policy)) }
        do {
            _ = try await run.run(request(policy: policy))
            Issue.record("the third call must be refused")
        } catch PipelineFailure.rateLimited(_, let retryIn) {
            #expect(retryIn == .milliseconds(500))
        }
        clock.advance(by: .milliseconds(500))
        _ = try await run.run(request(policy: policy))
        #expect(transport.count == 3)

        policy.rateLimit?.maxWait = .seconds(1)
        let waiting = policy
        _ = try await drive(clock) { try await run.run(request(policy: waiting)) }.get()
        #expect(transport.times.last == .seconds(1), "waited for the next token instead of failing")
    }
}

@Suite("Resilience configuration")
struct ResilienceConfigurationTests {
    @Test("spec → client → endpoint → call: later levels win")
    func layering() {
        let operation = Operation<Void, NoErrors>(
            name: "op", authSchemes: [], output: .empty, errors: [],
            resilience: ResiliencePolicy(retry: RetryPolicy(maxAttempts: 4)))
        var configuration = ClientConfiguration(server: "https://a.example", timeout: .seconds(20))
        configuration.endpointResilience["op"] = ResilienceOverrides(maxAttempts: 2)
        let runtime = ServiceRuntime(configuration: configuration)
        let policy = runtime.effectivePolicy(for: operation, options: RequestOptions(timeout: .seconds(5)))
        #expect(policy.retry.maxAttempts == 2)
        #expect(policy.timeouts == Timeouts(total: .seconds(5), attempt: .seconds(5)))
        #expect(
            runtime.effectivePolicy(for: operation, options: RequestOptions()).timeouts
                == Timeouts(total: .seconds(20), attempt: .seconds(10)))
    }

    @Test("invalid combinations are refused with a message before anything is sent")
    func invalid() async {
        #expect(
            ResiliencePolicy(timeouts: Timeouts(total: .seconds(1), attempt: .seconds(2))).problem
                == "the attempt timeout (2.0 seconds) is longer than the total timeout (1.0 seconds)")
        #expect(ResiliencePolicy(retry: RetryPolicy(maxAttempts: 0)).problem == "retry maxAttempts must be at least 1")
        #expect(
            ResiliencePolicy(circuitBreaker: CircuitBreakerPolicy(failureRate: 1.5)).problem
                == "the breaker failureRate must be in (0, 1]")
        #expect(ResiliencePolicy.standard.problem == nil)

        let transport = ScriptedTransport(clock: SystemClock(), status: 200)
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(server: "https://a.example", transport: transport))
        let operation = Operation<Void, NoErrors>(name: "op", authSchemes: [], output: .empty, errors: [])
        do throws(ClientError<NoErrors>) {
            _ = try await runtime.send(
                operation, RequestBuilder(.get, path: "/"),
                options: RequestOptions(resilience: ResilienceOverrides(maxAttempts: 0)))
            Issue.record("must be refused")
        } catch {
            #expect(error == .invalidRequest("resilience settings of 'op': retry maxAttempts must be at least 1"))
        }
        #expect(transport.count == 0)
    }
}

@Suite("Attempt deadlines")
struct DeadlinesTests {
    @Test("actions run at their instants in order, an earlier one scheduled later included; cancelled ones never run")
    func ordering() async {
        let clock = ManualClock()
        let deadlines = Deadlines(clock: clock)
        let fired = Locked<[String]>([])
        _ = deadlines.schedule(at: .seconds(10)) { fired.withLock { $0.append("late") } }
        await eventually { clock.sleeperCount >= 1 }
        // The service now sleeps until 10 s; these come in earlier.
        let cancelled = deadlines.schedule(at: .seconds(5)) { fired.withLock { $0.append("cancelled") } }
        _ = deadlines.schedule(at: .seconds(2)) { fired.withLock { $0.append("early") } }
        deadlines.cancel(cancelled)
        await eventually { clock.sleeperCount >= 2 }
        clock.advance(by: .seconds(2))
        await eventually { fired.current == ["early"] }
        clock.advance(by: .seconds(8))
        await eventually { fired.current == ["early", "late"] }
        clock.advance(by: .seconds(100))
        await Task.yield()
        #expect(fired.current == ["early", "late"])
    }
}
