/// How long a call may take: all attempts and backoff together, and each attempt alone.
public struct TimeoutPolicy: Hashable, Sendable {
    /// The deadline for the whole call, across attempts and backoff. Default 30 s.
    public var total: Duration
    /// The limit for one attempt; the attempt is cancelled when it passes. Default 10 s.
    public var attempt: Duration

    /// Creates a timeout policy.
    public init(total: Duration = .seconds(30), attempt: Duration = .seconds(10)) {
        self.total = total
        self.attempt = attempt
    }
}

/// How a failed call is tried again.
public struct RetryPolicy: Hashable, Sendable {
    /// How retry delays grow.
    public struct Backoff: Hashable, Sendable {
        /// How much of each delay is randomised.
        public enum Jitter: String, Hashable, Sendable, CaseIterable {
            /// `random(0, delay)`: the best spread for many clients.
            case full
            /// `delay / 2 + random(0, delay / 2)`.
            case equal
            /// Exactly `delay`.
            case none
        }

        /// The first delay (before any multiplication). Default 100 ms.
        public var initial: Duration
        /// The largest delay. Default 20 s.
        public var max: Duration
        /// The factor from one delay to the next. Default 2.
        public var multiplier: Double
        /// How the delay is randomised. Default full.
        public var jitter: Jitter

        /// Creates a backoff.
        public init(
            initial: Duration = .milliseconds(100), max: Duration = .seconds(20), multiplier: Double = 2,
            jitter: Jitter = .full
        ) {
            self.initial = initial
            self.max = max
            self.multiplier = multiplier
            self.jitter = jitter
        }
    }

    /// Which failures may be retried (idempotency rules still apply to all but `connection`).
    public struct Conditions: Hashable, Sendable {
        /// Connection failures before the request was sent.
        public var connection: Bool
        /// Attempt timeouts.
        public var timeout: Bool
        /// HTTP statuses, ascending.
        public var statuses: [Int]

        /// Creates retry conditions.
        public init(connection: Bool = true, timeout: Bool = true, statuses: [Int] = [408, 429, 500, 502, 503, 504]) {
            self.connection = connection
            self.timeout = timeout
            self.statuses = statuses
        }
    }

    /// A per-host limit on retries: at most `ratio` of requests plus `perSecond` retries each second.
    public struct Budget: Hashable, Sendable {
        /// The share of requests that may be retries. Default 20 %.
        public var ratio: Double
        /// Retries allowed each second whatever the ratio. Default 10.
        public var perSecond: Int

        /// Creates a retry budget.
        public init(ratio: Double = 0.2, perSecond: Int = 10) {
            self.ratio = ratio
            self.perSecond = perSecond
        }
    }

    /// Attempts in all, the first included. Default 3.
    public var maxAttempts: Int
    /// How delays grow between attempts.
    public var backoff: Backoff
    /// What is retried.
    public var on: Conditions
    /// The longest `Retry-After` honoured; a longer one fails the call at once, reporting the wait. Default 60 s.
    public var maxRetryAfter: Duration
    /// The per-host budget, or `nil` for none.
    public var budget: Budget?

    /// Creates a retry policy.
    public init(
        maxAttempts: Int = 3, backoff: Backoff = Backoff(), on: Conditions = Conditions(),
        maxRetryAfter: Duration = .seconds(60), budget: Budget? = Budget()
    ) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.on = on
        self.maxRetryAfter = maxRetryAfter
        self.budget = budget
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

    /// The failure share that opens the breaker, once `minimumCalls` were seen. Default 50 %.
    public var failureRate: Double
    /// Calls seen in the window before the failure rate counts. Default 20.
    public var minimumCalls: Int
    /// The sliding window over which calls count. Default 30 s.
    public var window: Duration
    /// Consecutive failures that open the breaker whatever the rate, or `nil` for no such trigger. Default 5.
    public var consecutiveFailures: Int?
    /// How long the breaker stays open the first time. Default 5 s.
    public var openFor: Duration
    /// The longest open time; each failed probe doubles it up to this. Default 60 s.
    public var maxOpenFor: Duration
    /// Calls let through while half-open to probe the host. Default 1.
    public var halfOpenProbes: Int
    /// What one breaker guards. Default host.
    public var scope: Scope

    /// Creates a circuit-breaker policy.
    public init(
        failureRate: Double = 0.5, minimumCalls: Int = 20, window: Duration = .seconds(30),
        consecutiveFailures: Int? = 5,
        openFor: Duration = .seconds(5), maxOpenFor: Duration = .seconds(60), halfOpenProbes: Int = 1,
        scope: Scope = .host
    ) {
        self.failureRate = failureRate
        self.minimumCalls = minimumCalls
        self.window = window
        self.consecutiveFailures = consecutiveFailures
        self.openFor = openFor
        self.maxOpenFor = maxOpenFor
        self.halfOpenProbes = halfOpenProbes
        self.scope = scope
    }
}

/// A limit on concurrent attempts per host.
public struct BulkheadPolicy: Hashable, Sendable {
    /// Attempts in flight at once. Default 100.
    public var maxConcurrent: Int
    /// How long a call may wait for a free slot; zero rejects at once. Default 0.
    public var maxWait: Duration

    /// Creates a bulkhead policy.
    public init(maxConcurrent: Int = 100, maxWait: Duration = .zero) {
        self.maxConcurrent = maxConcurrent
        self.maxWait = maxWait
    }
}

/// A token-bucket limit on how fast requests leave.
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

/// How responses of a GET or HEAD endpoint are cached.
public struct CachePolicy: Hashable, Sendable {
    /// How long a response stays fresh when the server says nothing (`Cache-Control` wins). Default 0: only what the server allows.
    public var ttl: Duration
    /// How long a stale response may be served while it is refreshed in the background. Default 0.
    public var staleWhileRevalidate: Duration
    /// How long a stale response may be served when the server fails or the circuit is open. Default 0.
    public var staleIfError: Duration

    /// Creates a cache policy.
    public init(ttl: Duration = .zero, staleWhileRevalidate: Duration = .zero, staleIfError: Duration = .zero) {
        self.ttl = ttl
        self.staleWhileRevalidate = staleWhileRevalidate
        self.staleIfError = staleIfError
    }
}

/// Every resilience setting of an endpoint, with spec defaults and endpoint overrides already applied.
///
/// A `nil` policy is switched off (`none` in the spec).
public struct ResiliencePolicy: Hashable, Sendable {
    /// Timeouts; always present.
    public var timeout: TimeoutPolicy
    /// Retries, or `nil` for a single attempt.
    public var retry: RetryPolicy?
    /// The circuit breaker, or `nil` for none.
    public var circuitBreaker: CircuitBreakerPolicy?
    /// The bulkhead, or `nil` for none.
    public var bulkhead: BulkheadPolicy?
    /// The rate limit, or `nil` for none (the default).
    public var rateLimit: RateLimitPolicy?
    /// The response cache, or `nil` for none (the default; only GET and HEAD may cache).
    public var cache: CachePolicy?
    /// Hedged requests, or `nil` for none (the default; only idempotent endpoints may hedge).
    public var hedge: HedgePolicy?

    /// Creates a policy; the defaults are Courier's built-in ones.
    public init(
        timeout: TimeoutPolicy = TimeoutPolicy(), retry: RetryPolicy? = RetryPolicy(),
        circuitBreaker: CircuitBreakerPolicy? = CircuitBreakerPolicy(), bulkhead: BulkheadPolicy? = BulkheadPolicy(),
        rateLimit: RateLimitPolicy? = nil, cache: CachePolicy? = nil
    ) {
        self.timeout = timeout
        self.retry = retry
        self.circuitBreaker = circuitBreaker
        self.bulkhead = bulkhead
        self.rateLimit = rateLimit
        self.cache = cache
    }

    /// Courier's built-in defaults, used where a spec says nothing.
    public static let builtIn = ResiliencePolicy()
}

/// Hedged requests (`hedge:`): after `delay` with no answer, the same request goes to another
/// instance; the first answer wins.
public struct HedgePolicy: Hashable, Sendable {
    /// How long to wait for an answer before sending the next copy.
    public enum Delay: Hashable, Sendable {
        /// A fixed wait (`delay: 50ms`).
        case fixed(Duration)
        /// The given quantile (0...1) of the endpoint's observed latency (`delay: p95`).
        case percentile(Double)
    }

    /// How long to wait before each further copy.
    public var delay: Delay
    /// Copies in all, the first included. Default 2.
    public var maxAttempts: Int

    /// Creates a policy.
    public init(delay: Delay, maxAttempts: Int = 2) {
        self.delay = delay
        self.maxAttempts = maxAttempts
    }
}

/// When a stream connects again after losing its connection (`reconnect:`).
public struct ReconnectPolicy: Hashable, Sendable {
    /// The first wait, before jitter (or the server's `retry:` for server-sent events). Default 500 ms.
    public var initial: Duration
    /// The longest wait, before jitter. Default 30 s.
    public var max: Duration
    /// How each wait is randomised. Default full.
    public var jitter: RetryPolicy.Backoff.Jitter
    /// Failed reconnections in a row before the stream gives up, or `nil` for `unlimited`. Default 10.
    public var maxAttempts: Int?

    /// Creates a reconnect policy; the defaults are a stream's.
    public init(
        initial: Duration = .milliseconds(500), max: Duration = .seconds(30),
        jitter: RetryPolicy.Backoff.Jitter = .full, maxAttempts: Int? = 10
    ) {
        self.initial = initial
        self.max = max
        self.jitter = jitter
        self.maxAttempts = maxAttempts
    }

    /// A channel's built-in policy: 1 s growing to 30 s, full jitter, for as long as the channel is open.
    public static let channel = ReconnectPolicy(initial: .seconds(1), max: .seconds(30), maxAttempts: nil)
}
