import CourierSpec

/// The render objects of a spec's resilience settings: every field of the effective policy, each
/// value spelled as the Swift literal the `resilience` partial places (`.seconds(30)`, `2.0`).
enum ResilienceSpelling {
    /// The policy as a `policy` object. Absent parts (`retry: none`, no rate limit) are empty lists,
    /// so templates write `{{#retry}}…{{/retry}}{{^retry}}…{{/retry}}`.
    static func policy(_ policy: ResiliencePolicy) -> RenderNode {
        RenderNode(.policy, [
            "totalTimeout": .text(duration(policy.timeout.total)),
            "attemptTimeout": .text(duration(policy.timeout.attempt)),
            "retry": .items(policy.retry.map { [retry($0)] } ?? []),
            "circuitBreaker": .items(policy.circuitBreaker.map { [circuitBreaker($0)] } ?? []),
            "bulkhead": .items(policy.bulkhead.map { bulkhead in
                [RenderNode(.bulkheadPolicy, [
                    "maxConcurrent": .text(String(bulkhead.maxConcurrent)),
                    "maxWait": .text(duration(bulkhead.maxWait)),
                ])]
            } ?? []),
            "rateLimit": .items(policy.rateLimit.map { limit in
                [RenderNode(.rateLimitPolicy, [
                    "requests": .text(String(limit.requests)),
                    "per": .text(duration(limit.per)),
                    "burst": .text(String(limit.burst)),
                    "maxWait": .text(duration(limit.maxWait)),
                ])]
            } ?? []),
            "cache": .items(policy.cache.map { cache in
                [RenderNode(.cachePolicy, [
                    "ttl": .text(duration(cache.ttl)),
                    "staleWhileRevalidate": .text(duration(cache.staleWhileRevalidate)),
                    "staleIfError": .text(duration(cache.staleIfError)),
                ])]
            } ?? []),
        ])
    }

    private static func retry(_ retry: RetryPolicy) -> RenderNode {
        RenderNode(.retryPolicy, [
            "maxAttempts": .text(String(retry.maxAttempts)),
            "initialBackoff": .text(duration(retry.backoff.initial)),
            "maxBackoff": .text(duration(retry.backoff.max)),
            "multiplier": .text(number(retry.backoff.multiplier)),
            "jitter": .text(retry.backoff.jitter.rawValue),
            "retriesConnectionFailures": .flag(retry.on.connection),
            "retriesTimeouts": .flag(retry.on.timeout),
            "statuses": .items(retry.on.statuses.map { RenderNode(.status, ["code": .text(String($0))]) }),
            "maxRetryAfter": .text(duration(retry.maxRetryAfter)),
            "hasBudget": .flag(retry.budget != nil),
            "budgetRatio": .text(retry.budget.map { number($0.ratio) } ?? ""),
            "budgetPerSecond": .text(retry.budget.map { String($0.perSecond) } ?? ""),
        ])
    }

    private static func circuitBreaker(_ breaker: CircuitBreakerPolicy) -> RenderNode {
        RenderNode(.circuitBreakerPolicy, [
            "failureRate": .text(number(breaker.failureRate)),
            "minimumCalls": .text(String(breaker.minimumCalls)),
            "window": .text(duration(breaker.window)),
            "hasConsecutiveFailures": .flag(breaker.consecutiveFailures != nil),
            "consecutiveFailures": .text(breaker.consecutiveFailures.map(String.init) ?? ""),
            "openFor": .text(duration(breaker.openFor)),
            "maxOpenFor": .text(duration(breaker.maxOpenFor)),
            "halfOpenProbes": .text(String(breaker.halfOpenProbes)),
            "scope": .text(breaker.scope.rawValue),
        ])
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
