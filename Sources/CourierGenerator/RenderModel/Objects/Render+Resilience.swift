import CourierSpec
import Foundation

extension Render {
    /// Resilience settings: the spec's defaults, or an endpoint's effective policy. Durations and
    /// numbers are Swift literals (`.seconds(30)`, `2.0`), placed by the `resilience` partial.
    struct Policy: RenderObject {
        var policy: ResiliencePolicy

        static let keys = RenderKeys<Self>(
            .policy,
            """
            Resilience settings, as the `resilience` partial writes them. Durations are Swift literals \
            (`.seconds(30)`); a part the spec turns off is absent.
            """,
            [
                .text("totalTimeout", "How long a call may take in all.") { Literal.duration($0.policy.timeout.total) },
                .text("attemptTimeout", "How long one attempt may take.") {
                    Literal.duration($0.policy.timeout.attempt)
                },
                .optional("retry", "Retries.") { $0.policy.retry.map(Retry.init) },
                .optional("circuitBreaker", "The circuit breaker.") {
                    $0.policy.circuitBreaker.map(CircuitBreaker.init)
                },
                .optional("bulkhead", "The concurrency limit.") { $0.policy.bulkhead.map(Bulkhead.init) },
                .optional("rateLimit", "The rate limit.") { $0.policy.rateLimit.map(RateLimit.init) },
                .optional("cache", "The response cache.") { $0.policy.cache.map(Cache.init) },
                .optional("hedge", "Hedged requests.") { $0.policy.hedge.map(Hedge.init) },
            ])
    }

    /// Hedged requests of a policy.
    struct Hedge: RenderObject {
        var hedge: HedgePolicy

        static let keys = RenderKeys<Self>(
            .hedgePolicy, "Hedged requests: a further copy after `delay` with no answer.",
            [
                .flag("isFixed", "Whether the delay is a fixed duration rather than a percentile.") {
                    if case .fixed = $0.hedge.delay { true } else { false }
                },
                .text("delay", "The fixed delay, when `isFixed`.") {
                    if case .fixed(let delay) = $0.hedge.delay { Literal.duration(delay) } else { ".zero" }
                },
                .text("quantile", "The quantile of observed latency (0 to 1), when not `isFixed`.") {
                    if case .percentile(let quantile) = $0.hedge.delay { Literal.number(quantile) } else { "0.0" }
                },
                .text("maxAttempts", "Copies in all, the first included.") { String($0.hedge.maxAttempts) },
            ])
    }

    /// Retries of a policy.
    struct Retry: RenderObject {
        var retry: RetryPolicy

        static let keys = RenderKeys<Self>(
            .retryPolicy, "Retries.",
            [
                .text("maxAttempts", "Attempts per call, the first included.") { String($0.retry.maxAttempts) },
                .text("initialBackoff", "The first backoff.") { Literal.duration($0.retry.backoff.initial) },
                .text("maxBackoff", "The longest backoff.") { Literal.duration($0.retry.backoff.max) },
                .text("multiplier", "How much each backoff grows, a `Double` literal.") {
                    Literal.number($0.retry.backoff.multiplier)
                },
                .text("jitter", "The `JitterMode` case.") { $0.retry.backoff.jitter.rawValue },
                .flag("retriesConnectionFailures", "Whether connection failures are retried.") {
                    $0.retry.on.connection
                },
                .flag("retriesTimeouts", "Whether attempt timeouts are retried.") { $0.retry.on.timeout },
                .list("statuses", "The statuses that are retried.") { $0.retry.on.statuses.map(Status.init(code:)) },
                .text("maxRetryAfter", "The longest `Retry-After` honoured.") {
                    Literal.duration($0.retry.maxRetryAfter)
                },
                .flag("hasBudget", "Whether retries draw from a budget.") { $0.retry.budget != nil },
                .text("budgetRatio", "Retries allowed per call, a `Double` literal.") {
                    $0.retry.budget.map { Literal.number($0.ratio) } ?? ""
                },
                .text("budgetPerSecond", "Retries always allowed per second.") {
                    $0.retry.budget.map { String($0.perSecond) } ?? ""
                },
            ])
    }

    /// The circuit breaker of a policy.
    struct CircuitBreaker: RenderObject {
        var breaker: CircuitBreakerPolicy

        static let keys = RenderKeys<Self>(
            .circuitBreakerPolicy, "The circuit breaker.",
            [
                .text("failureRate", "The failure rate that opens it, a `Double` literal.") {
                    Literal.number($0.breaker.failureRate)
                },
                .text("minimumCalls", "Calls in the window before the rate counts.") {
                    String($0.breaker.minimumCalls)
                },
                .text("window", "The window the rate is measured over.") { Literal.duration($0.breaker.window) },
                .flag("hasConsecutiveFailures", "Whether a run of failures also opens it.") {
                    $0.breaker.consecutiveFailures != nil
                },
                .text("consecutiveFailures", "The run of failures that opens it.") {
                    $0.breaker.consecutiveFailures.map(String.init) ?? ""
                },
                .text("openFor", "How long it first stays open.") { Literal.duration($0.breaker.openFor) },
                .text("maxOpenFor", "The longest it stays open.") { Literal.duration($0.breaker.maxOpenFor) },
                .text("halfOpenProbes", "Trial calls while half open.") { String($0.breaker.halfOpenProbes) },
                .text("scope", "The `CircuitBreakerScope` case.") { $0.breaker.scope.rawValue },
            ])
    }

    /// The bulkhead of a policy.
    struct Bulkhead: RenderObject {
        var bulkhead: BulkheadPolicy

        static let keys = RenderKeys<Self>(
            .bulkheadPolicy, "The concurrency limit.",
            [
                .text("maxConcurrent", "Calls in flight at once.") { String($0.bulkhead.maxConcurrent) },
                .text("maxWait", "How long a call waits for a place.") { Literal.duration($0.bulkhead.maxWait) },
            ])
    }

    /// The rate limit of a policy.
    struct RateLimit: RenderObject {
        var limit: RateLimitPolicy

        static let keys = RenderKeys<Self>(
            .rateLimitPolicy, "The token-bucket rate limit.",
            [
                .text("requests", "Requests per period.") { String($0.limit.requests) },
                .text("per", "The period.") { Literal.duration($0.limit.per) },
                .text("burst", "Requests allowed at once.") { String($0.limit.burst) },
                .text("maxWait", "How long a call waits for a token.") { Literal.duration($0.limit.maxWait) },
            ])
    }

    /// The response cache settings of a policy.
    struct Cache: RenderObject {
        var cache: CachePolicy

        static let keys = RenderKeys<Self>(
            .cachePolicy, "The response cache settings.",
            [
                .text("ttl", "How long a response stays fresh.") { Literal.duration($0.cache.ttl) },
                .text("staleWhileRevalidate", "How long a stale response is served while it is refreshed.") {
                    Literal.duration($0.cache.staleWhileRevalidate)
                },
                .text("staleIfError", "How long a stale response is served when the call fails.") {
                    Literal.duration($0.cache.staleIfError)
                },
            ])
    }

    /// An HTTP status code in a list.
    struct Status: RenderObject {
        var code: Int

        static let keys = RenderKeys<Self>(
            .status, "An HTTP status code.",
            [
                .text("code", "The code.") { String($0.code) }
            ])
    }

    /// Swift literals of spec values.
    enum Literal {
        /// `.seconds(30)`, `.milliseconds(250)`: the largest whole unit.
        static func duration(_ duration: Duration) -> String {
            let (seconds, attoseconds) = duration.components
            if duration == .zero { return ".zero" }
            if attoseconds == 0 { return ".seconds(\(seconds))" }
            let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
            if nanoseconds % 1_000_000 == 0 { return ".milliseconds(\(nanoseconds / 1_000_000))" }
            return ".nanoseconds(\(nanoseconds))"
        }

        /// A `Double` literal: `2.0`, `0.25`.
        static func number(_ value: Double) -> String {
            value == value.rounded() && abs(value) < 1e15 ? String(format: "%.1f", value) : "\(value)"
        }
    }
}
