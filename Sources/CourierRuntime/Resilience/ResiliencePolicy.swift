import Foundation

/// How long a call may take: all attempts and backoff together, and each attempt alone.
public struct Timeouts: Hashable, Sendable {
    /// The deadline for the whole call, across attempts and backoff. Default 30 s.
    public var total: Duration
    /// The limit for one attempt, which is cancelled when it passes and may be retried. Default 10 s.
    public var attempt: Duration

    /// Creates timeouts.
    public init(total: Duration = .seconds(30), attempt: Duration = .seconds(10)) {
        self.total = total
        self.attempt = attempt
    }
}

/// How a failed call is tried again.
///
/// Retried, when attempts remain: connection failures before the request was sent (any
/// method); attempt timeouts, lost connections and the listed statuses only when repeating the
/// request is safe: an idempotent method (GET, HEAD, OPTIONS, PUT, DELETE) or an endpoint with an
/// idempotency key, which is the same on every attempt. Never retried: cancellation, an open
/// circuit, a full bulkhead, the rate limiter, other statuses.
public struct RetryPolicy: Hashable, Sendable {
    /// How much of each delay is randomised.
    public enum Jitter: String, Hashable, Sendable, CaseIterable {
        /// `random(0, delay)`: the best spread when many clients retry together.
        case full
        /// `delay / 2 + random(0, delay / 2)`.
        case equal
        /// Exactly `delay`.
        case none
    }

    /// Attempts in all, the first included; 1 means no retry. Default 3.
    public var maxAttempts: Int
    /// The delay before the first retry, before jitter. Default 100 ms.
    public var initialBackoff: Duration
    /// The largest delay before jitter. Default 20 s.
    public var maxBackoff: Duration
    /// The factor from one delay to the next. Default 2.
    public var multiplier: Double
    /// How delays are randomised. Default full.
    public var jitter: Jitter
    /// Whether connection failures are retried. Default true.
    public var retriesConnectionFailures: Bool
    /// Whether attempt timeouts are retried (idempotent calls only). Default true.
    public var retriesTimeouts: Bool
    /// The statuses retried (idempotent calls only). Default 408, 429, 500, 502, 503, 504.
    public var statuses: Set<Int>
    /// The longest `Retry-After` honoured; a longer one, or one past the deadline, ends the call at
    /// once with the response, whose error reports the wait (``ClientError/retryAfter``). Default 60 s.
    public var maxRetryAfter: Duration
    /// The per-host limit on retries, or `nil` for none.
    public var budget: RetryBudgetPolicy?

    /// Creates a retry policy; the defaults are Courier's.
    public init(
        maxAttempts: Int = 3,
        initialBackoff: Duration = .milliseconds(100),
        maxBackoff: Duration = .seconds(20),
        multiplier: Double = 2,
        jitter: Jitter = .full,
        retriesConnectionFailures: Bool = true,
        retriesTimeouts: Bool = true,
        statuses: Set<Int> = [408, 429, 500, 502, 503, 504],
        maxRetryAfter: Duration = .seconds(60),
        budget: RetryBudgetPolicy? = RetryBudgetPolicy()
    ) {
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.multiplier = multiplier
        self.jitter = jitter
        self.retriesConnectionFailures = retriesConnectionFailures
        self.retriesTimeouts = retriesTimeouts
        self.statuses = statuses
        self.maxRetryAfter = maxRetryAfter
        self.budget = budget
    }

    /// One attempt, no retry.
    public static let disabled = RetryPolicy(maxAttempts: 1)

    /// The delay before retry number `retry` (1 for the first retry), before jitter:
    /// `min(maxBackoff, initialBackoff × multiplier^(retry - 1))`.
    ///
    /// Any policy gives a delay: growth past what a `Double` holds, a zero initial delay times an
    /// infinite factor, or a maximum of centuries all end at `maxBackoff` (or zero) rather than in
    /// an overflow.
    public func baseDelay(beforeRetry retry: Int) -> Duration {
        let seconds = initialBackoff.seconds * pow(multiplier, Double(max(0, retry - 1)))
        guard !seconds.isNaN, seconds > 0 else { return seconds.isNaN ? maxBackoff : .zero }
        guard seconds < maxBackoff.seconds else { return maxBackoff }
        // Below `maxBackoff`, itself a `Duration`, so the whole seconds fit in an `Int64`.
        let whole = seconds.rounded(.down)
        return .seconds(Int64(whole)) + .nanoseconds(Int64(((seconds - whole) * 1e9).rounded()))
    }

    /// The delay before retry number `retry`, with jitter drawn from `random`.
    public func delay(beforeRetry retry: Int, random: some RandomSource) -> Duration {
        let base = baseDelay(beforeRetry: retry)
        switch jitter {
        case .none: return base
        case .full: return base * random.nextUnit()
        case .equal: return base / 2 + (base / 2) * random.nextUnit()
        }
    }
}

/// A per-host limit on retries: at most `ratio` of requests, plus `perSecond` retries each second,
/// so a struggling host is not buried under retries.
public struct RetryBudgetPolicy: Hashable, Sendable {
    /// The share of requests that may be retries. Default 0.2.
    public var ratio: Double
    /// Retries allowed each second whatever the ratio. Default 10.
    public var perSecond: Int

    /// Creates a retry budget.
    public init(ratio: Double = 0.2, perSecond: Int = 10) {
        self.ratio = ratio
        self.perSecond = perSecond
    }
}

/// When calls to a failing host (or endpoint) stop being sent for a while.
public struct CircuitBreakerPolicy: Hashable, Sendable {
    /// What one breaker guards.
    public enum Scope: String, Hashable, Sendable, CaseIterable {
        /// One breaker per host: every endpoint on it shares it.
        case host
        /// One breaker per endpoint.
        case endpoint
    }

    /// How the breaker behaves.
    public enum Mode: String, Hashable, Sendable, CaseIterable {
        /// Opens and closes by the rules of the policy.
        case automatic
        /// Rejects every call, as if open, until the mode changes (for maintenance windows).
        case forcedOpen
        /// Lets every call through and records nothing.
        case disabled
    }

    /// The failure share in the window that opens the breaker, once `minimumCalls` were seen. Default 0.5.
    public var failureRate: Double
    /// Calls seen in the window before the failure rate counts. Default 20.
    public var minimumCalls: Int
    /// The sliding window over which calls count. Default 30 s.
    public var window: Duration
    /// Consecutive failures that open the breaker whatever the rate, or `nil` for no such trigger. Default 5.
    public var consecutiveFailures: Int?
    /// How long the breaker stays open the first time. Default 5 s.
    public var openFor: Duration
    /// The longest open time; each failed probe doubles the open time up to this. Default 60 s.
    public var maxOpenFor: Duration
    /// Calls let through while half-open; all must succeed to close. Default 1.
    public var halfOpenProbes: Int
    /// What one breaker guards. Default host.
    public var scope: Scope
    /// Automatic, forced open or disabled. Default automatic.
    public var mode: Mode

    /// Creates a circuit-breaker policy; the defaults are Courier's.
    public init(
        failureRate: Double = 0.5, minimumCalls: Int = 20, window: Duration = .seconds(30),
        consecutiveFailures: Int? = 5, openFor: Duration = .seconds(5), maxOpenFor: Duration = .seconds(60),
        halfOpenProbes: Int = 1, scope: Scope = .host, mode: Mode = .automatic
    ) {
        self.failureRate = failureRate
        self.minimumCalls = minimumCalls
        self.window = window
        self.consecutiveFailures = consecutiveFailures
        self.openFor = openFor
        self.maxOpenFor = maxOpenFor
        self.halfOpenProbes = halfOpenProbes
        self.scope = scope
        self.mode = mode
    }

    /// No breaker: every call goes through.
    public static let disabled = CircuitBreakerPolicy(mode: .disabled)
}

/// A limit on concurrent attempts per host.
public struct BulkheadPolicy: Hashable, Sendable {
    /// Attempts in flight at once. Default 100.
    public var maxConcurrent: Int
    /// How long a call may wait for a free slot; zero rejects at once. Default 0.
    public var maxWait: Duration

    /// Creates a bulkhead policy; the defaults are Courier's.
    public init(maxConcurrent: Int = 100, maxWait: Duration = .zero) {
        self.maxConcurrent = maxConcurrent
        self.maxWait = maxWait
    }

    /// No limit.
    public static let unlimited = BulkheadPolicy(maxConcurrent: .max)
}

/// A token-bucket limit on how fast requests leave, per host.
public struct RateLimitPolicy: Hashable, Sendable {
    /// Requests allowed per `per`.
    public var requests: Int
    /// The period `requests` refers to.
    public var per: Duration
    /// The most requests that may leave at once after a quiet spell. Defaults to `requests`.
    public var burst: Int
    /// How long a call may wait for a token; zero rejects at once. Default 0.
    public var maxWait: Duration

    /// Creates a rate-limit policy.
    public init(requests: Int, per: Duration, burst: Int? = nil, maxWait: Duration = .zero) {
        self.requests = requests
        self.per = per
        self.burst = burst ?? requests
        self.maxWait = maxWait
    }
}

/// How responses of a GET or HEAD endpoint are kept and reused.
///
/// The server's `Cache-Control` and `Expires` decide first; these values fill in what it leaves
/// out. See ``ResponseCache`` for the rules.
public struct CachePolicy: Hashable, Sendable {
    /// How long a response stays fresh when the server sends neither `max-age` nor `Expires`.
    /// Default 0: such a response is kept only when it carries `ETag` or `Last-Modified`, to be
    /// revalidated before each use.
    public var ttl: Duration
    /// How long past freshness a response may still be served while it is refreshed in the
    /// background, unless the server sends `stale-while-revalidate`. Default 0.
    public var staleWhileRevalidate: Duration
    /// How long past freshness a response may still be served when the server fails (a 5xx or no
    /// answer) or the circuit is open, unless the server sends `stale-if-error`. Default 0.
    public var staleIfError: Duration

    /// Creates a cache policy.
    public init(ttl: Duration = .zero, staleWhileRevalidate: Duration = .zero, staleIfError: Duration = .zero) {
        self.ttl = ttl
        self.staleWhileRevalidate = staleWhileRevalidate
        self.staleIfError = staleIfError
    }
}

/// Hedged requests: after `delay` with no answer, the same idempotent request is sent again (to
/// another instance when the client has several); the first answer wins and the other copies are
/// cancelled. Each copy beyond the first draws from the host's retry budget.
public struct HedgePolicy: Hashable, Sendable {
    /// How long to wait for an answer before sending the next copy.
    public enum Delay: Hashable, Sendable {
        /// A fixed wait.
        case fixed(Duration)
        /// The given quantile (0...1) of the endpoint's recent latency, as this client observed
        /// it; no copy is sent until 20 answers have been seen.
        case percentile(Double)
    }

    /// How long to wait before each further copy.
    public var delay: Delay
    /// Copies in all, the first included; at least 2.
    public var maxAttempts: Int

    /// Creates a policy.
    public init(delay: Delay, maxAttempts: Int = 2) {
        self.delay = delay
        self.maxAttempts = maxAttempts
    }
}

/// Every resilience setting of one call.
///
/// A generated client holds one per endpoint, made from the spec's `defaults` and the endpoint's
/// overrides; ``ResilienceOverrides`` in the client configuration and in ``RequestOptions`` change
/// it, in that order.
public struct ResiliencePolicy: Hashable, Sendable {
    /// Timeouts.
    public var timeouts: Timeouts
    /// Retries; ``RetryPolicy/disabled`` for a single attempt.
    public var retry: RetryPolicy
    /// The circuit breaker; ``CircuitBreakerPolicy/disabled`` for none.
    public var circuitBreaker: CircuitBreakerPolicy
    /// The bulkhead; ``BulkheadPolicy/unlimited`` for none.
    public var bulkhead: BulkheadPolicy
    /// The rate limit, or `nil` for none (the default).
    public var rateLimit: RateLimitPolicy?
    /// The response cache, or `nil` for none (the default). Applies to GET and HEAD only.
    public var cache: CachePolicy?
    /// Hedged requests, or `nil` for none (the default). Applies to idempotent requests only.
    public var hedge: HedgePolicy?

    /// Creates a policy; the defaults are Courier's.
    public init(
        timeouts: Timeouts = Timeouts(), retry: RetryPolicy = RetryPolicy(),
        circuitBreaker: CircuitBreakerPolicy = CircuitBreakerPolicy(), bulkhead: BulkheadPolicy = BulkheadPolicy(),
        rateLimit: RateLimitPolicy? = nil, cache: CachePolicy? = nil, hedge: HedgePolicy? = nil
    ) {
        self.timeouts = timeouts
        self.retry = retry
        self.circuitBreaker = circuitBreaker
        self.bulkhead = bulkhead
        self.rateLimit = rateLimit
        self.cache = cache
        self.hedge = hedge
    }

    /// Courier's defaults.
    public static let standard = ResiliencePolicy()

    /// This policy with `overrides` laid over it.
    public func applying(_ overrides: ResilienceOverrides) -> ResiliencePolicy {
        var policy = self
        if let timeouts = overrides.timeouts { policy.timeouts = timeouts }
        if let total = overrides.totalTimeout {
            // An attempt cannot outlast the call: a shorter total shortens the attempt timeout too.
            policy.timeouts = Timeouts(total: total, attempt: min(policy.timeouts.attempt, total))
        }
        if let retry = overrides.retry { policy.retry = retry }
        if let attempts = overrides.maxAttempts { policy.retry.maxAttempts = attempts }
        if let breaker = overrides.circuitBreaker { policy.circuitBreaker = breaker }
        if let bulkhead = overrides.bulkhead { policy.bulkhead = bulkhead }
        policy.rateLimit = overrides.rateLimit.applied(to: policy.rateLimit)
        policy.cache = overrides.cache.applied(to: policy.cache)
        policy.hedge = overrides.hedge.applied(to: policy.hedge)
        return policy
    }

    /// What is wrong with this policy, or `nil` when every value is usable.
    public var problem: String? {
        func positive(_ duration: Duration) -> Bool { duration > .zero }
        if !positive(timeouts.total) { return "the total timeout must be positive" }
        if !positive(timeouts.attempt) { return "the attempt timeout must be positive" }
        if timeouts.attempt > timeouts.total {
            return "the attempt timeout (\(timeouts.attempt)) is longer than the total timeout (\(timeouts.total))"
        }
        if retry.maxAttempts < 1 { return "retry maxAttempts must be at least 1" }
        if retry.initialBackoff < .zero || retry.maxBackoff < retry.initialBackoff {
            return "retry backoff must satisfy 0 ≤ initial ≤ max"
        }
        if !(retry.multiplier >= 1) || !retry.multiplier.isFinite { return "the retry multiplier must be at least 1" }
        if retry.maxRetryAfter < .zero { return "retry maxRetryAfter must not be negative" }
        if let budget = retry.budget, !(0...1).contains(budget.ratio) || budget.perSecond < 0 {
            return "the retry budget needs a ratio between 0 and 1 and a non-negative perSecond"
        }
        let breaker = circuitBreaker
        if !(breaker.failureRate > 0 && breaker.failureRate <= 1) { return "the breaker failureRate must be in (0, 1]" }
        if breaker.minimumCalls < 1 { return "the breaker minimumCalls must be at least 1" }
        if !positive(breaker.window) { return "the breaker window must be positive" }
        if let consecutive = breaker.consecutiveFailures, consecutive < 1 {
            return "the breaker consecutiveFailures must be at least 1"
        }
        if !positive(breaker.openFor) || breaker.maxOpenFor < breaker.openFor {
            return "the breaker needs 0 < openFor ≤ maxOpenFor"
        }
        if breaker.halfOpenProbes < 1 { return "the breaker halfOpenProbes must be at least 1" }
        if bulkhead.maxConcurrent < 1 { return "the bulkhead maxConcurrent must be at least 1" }
        if bulkhead.maxWait < .zero { return "the bulkhead maxWait must not be negative" }
        if let limit = rateLimit {
            if limit.requests < 1 || !positive(limit.per) {
                return "the rate limit needs at least 1 request per positive period"
            }
            if limit.burst < 1 { return "the rate limit burst must be at least 1" }
            if limit.maxWait < .zero { return "the rate limit maxWait must not be negative" }
        }
        if let cache, cache.ttl < .zero || cache.staleWhileRevalidate < .zero || cache.staleIfError < .zero {
            return "the cache durations must not be negative"
        }
        if let hedge {
            if hedge.maxAttempts < 2 { return "hedging needs maxAttempts of at least 2" }
            switch hedge.delay {
            case .fixed(let delay) where delay <= .zero: return "the hedge delay must be positive"
            case .percentile(let quantile) where !(quantile > 0 && quantile < 1):
                return "the hedge percentile must be between 0 and 1"
            default: break
            }
        }
        return nil
    }
}

/// Changes to a ``ResiliencePolicy``: `nil` keeps what the level below says.
///
/// Used at two levels: ``ClientConfiguration/resilience`` (every call of a client, or
/// ``ClientConfiguration/endpointResilience`` for one endpoint) and ``RequestOptions/resilience``
/// (one call). Later levels win: spec → client → endpoint in the client → call.
public struct ResilienceOverrides: Hashable, Sendable {
    /// How a level changes a policy that can be switched off, such as the rate limit or the cache.
    public enum Setting<Value: Hashable & Sendable>: Hashable, Sendable {
        /// Keep the level below's.
        case inherit
        /// None at this level, whatever the level below says.
        case off
        /// This value.
        case use(Value)

        /// The value after this setting is laid over `inherited`.
        func applied(to inherited: Value?) -> Value? {
            switch self {
            case .inherit: inherited
            case .off: nil
            case .use(let value): value
            }
        }
    }

    /// Both timeouts.
    public var timeouts: Timeouts?
    /// The total timeout alone, applied after ``timeouts``; the attempt timeout shrinks to fit it.
    public var totalTimeout: Duration?
    /// Retries.
    public var retry: RetryPolicy?
    /// The number of attempts alone, applied after ``retry``.
    public var maxAttempts: Int?
    /// The circuit breaker.
    public var circuitBreaker: CircuitBreakerPolicy?
    /// The bulkhead.
    public var bulkhead: BulkheadPolicy?
    /// The rate limit.
    public var rateLimit: Setting<RateLimitPolicy>
    /// The response cache: `.use(CachePolicy())` caches a GET endpoint the spec does not cache,
    /// `.off` bypasses the cache for this level (nothing read, nothing stored).
    public var cache: Setting<CachePolicy>
    /// Hedged requests: `.use(HedgePolicy(...))` hedges an idempotent endpoint the spec does not,
    /// `.off` sends one copy at a time.
    public var hedge: Setting<HedgePolicy>

    /// Creates overrides; the defaults change nothing.
    public init(
        timeouts: Timeouts? = nil, totalTimeout: Duration? = nil, retry: RetryPolicy? = nil, maxAttempts: Int? = nil,
        circuitBreaker: CircuitBreakerPolicy? = nil, bulkhead: BulkheadPolicy? = nil,
        rateLimit: Setting<RateLimitPolicy> = .inherit, cache: Setting<CachePolicy> = .inherit,
        hedge: Setting<HedgePolicy> = .inherit
    ) {
        self.timeouts = timeouts
        self.totalTimeout = totalTimeout
        self.retry = retry
        self.maxAttempts = maxAttempts
        self.circuitBreaker = circuitBreaker
        self.bulkhead = bulkhead
        self.rateLimit = rateLimit
        self.cache = cache
        self.hedge = hedge
    }

    /// Whether these overrides change nothing.
    var isEmpty: Bool {
        guard timeouts == nil, totalTimeout == nil, retry == nil, maxAttempts == nil, circuitBreaker == nil,
            bulkhead == nil, case .inherit = rateLimit, case .inherit = cache, case .inherit = hedge
        else { return false }
        return true
    }
}
