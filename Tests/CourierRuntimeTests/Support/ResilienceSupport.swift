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
    flights: Coalescer = Coalescer(), secrets: SecretFields = noSecrets, latencies: LatencyWindows = LatencyWindows()
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
        case "hedge": HedgeStage(state: state, observer: observer, latencies: latencies)
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
