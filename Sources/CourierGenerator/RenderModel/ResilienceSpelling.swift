import CourierSpec

/// Spells a spec's resilience settings as the `CourierRuntime` values a generated client passes
/// to the runtime, every field written out so the generated code documents the effective policy.
enum ResilienceSpelling {
    /// A `CourierRuntime.ResiliencePolicy(...)` expression; continuation lines start with `indent`.
    static func policy(_ policy: ResiliencePolicy, indent: String) -> String {
        let inner = indent + "    "
        var fields = [
            "timeouts: CourierRuntime.Timeouts(total: \(duration(policy.timeout.total)), attempt: \(duration(policy.timeout.attempt)))",
            "retry: " + retry(policy.retry),
            "circuitBreaker: " + circuitBreaker(policy.circuitBreaker),
            "bulkhead: " + bulkhead(policy.bulkhead),
        ]
        if let limit = policy.rateLimit {
            fields.append("rateLimit: CourierRuntime.RateLimitPolicy(requests: \(limit.requests), per: \(duration(limit.per)), burst: \(limit.burst), maxWait: \(duration(limit.maxWait)))")
        }
        if let cache = policy.cache {
            fields.append("cache: CourierRuntime.CachePolicy(ttl: \(duration(cache.ttl)), staleWhileRevalidate: \(duration(cache.staleWhileRevalidate)), staleIfError: \(duration(cache.staleIfError)))")
        }
        return "CourierRuntime.ResiliencePolicy(\n" + fields.map { inner + $0 }.joined(separator: ",\n") + "\n" + indent + ")"
    }

    private static func retry(_ retry: RetryPolicy?) -> String {
        guard let retry else { return "CourierRuntime.RetryPolicy.disabled" }
        let budget = retry.budget.map { "CourierRuntime.RetryBudgetPolicy(ratio: \(number($0.ratio)), perSecond: \($0.perSecond))" } ?? "nil"
        let arguments = [
            "maxAttempts: \(retry.maxAttempts)",
            "initialBackoff: \(duration(retry.backoff.initial))",
            "maxBackoff: \(duration(retry.backoff.max))",
            "multiplier: \(number(retry.backoff.multiplier))",
            "jitter: .\(retry.backoff.jitter.rawValue)",
            "retriesConnectionFailures: \(retry.on.connection)",
            "retriesTimeouts: \(retry.on.timeout)",
            "statuses: [\(retry.on.statuses.map(String.init).joined(separator: ", "))]",
            "maxRetryAfter: \(duration(retry.maxRetryAfter))",
            "budget: \(budget)",
        ]
        return "CourierRuntime.RetryPolicy(" + arguments.joined(separator: ", ") + ")"
    }

    private static func circuitBreaker(_ breaker: CircuitBreakerPolicy?) -> String {
        guard let breaker else { return "CourierRuntime.CircuitBreakerPolicy.disabled" }
        let arguments = [
            "failureRate: \(number(breaker.failureRate))",
            "minimumCalls: \(breaker.minimumCalls)",
            "window: \(duration(breaker.window))",
            "consecutiveFailures: \(breaker.consecutiveFailures.map(String.init) ?? "nil")",
            "openFor: \(duration(breaker.openFor))",
            "maxOpenFor: \(duration(breaker.maxOpenFor))",
            "halfOpenProbes: \(breaker.halfOpenProbes)",
            "scope: .\(breaker.scope.rawValue)",
        ]
        return "CourierRuntime.CircuitBreakerPolicy(" + arguments.joined(separator: ", ") + ")"
    }

    private static func bulkhead(_ bulkhead: BulkheadPolicy?) -> String {
        guard let bulkhead else { return "CourierRuntime.BulkheadPolicy.unlimited" }
        return "CourierRuntime.BulkheadPolicy(maxConcurrent: \(bulkhead.maxConcurrent), maxWait: \(duration(bulkhead.maxWait)))"
    }

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
