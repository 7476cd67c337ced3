import Foundation

/// The state the resilience stages keep between calls: circuit breakers, bulkheads, rate limiters
/// and retry budgets, keyed by host (or by host and endpoint for per-endpoint breakers), plus the
/// clock and randomness they read.
///
/// Each client configuration gets its own by default. Pass one instance to several clients to
/// make them share per-host state, for example two services on one host.
public final class ResilienceState: @unchecked Sendable {
    // Safe: the dictionaries and `observers` are read and written only while `lock` is held; the
    // objects they hold are themselves thread-safe, and `clock` and `random` are immutable.
    private let lock = NSLock()
    private var breakers: [String: CircuitBreaker] = [:]
    private var bulkheads: [String: Bulkhead] = [:]
    private var buckets: [String: TokenBucket] = [:]
    private var budgets: [String: RetryBudget] = [:]
    private var observers: [@Sendable (CircuitBreakerEvent) -> Void] = []

    /// The time source of every stage.
    public let clock: any ResilienceClock
    /// The source of retry jitter.
    public let random: any RandomSource
    /// Attempt timeouts, on `clock`.
    let deadlines: Deadlines

    /// Creates empty state on `clock` with jitter from `random`.
    public init(clock: any ResilienceClock = SystemClock(), random: any RandomSource = SystemRandom()) {
        self.clock = clock
        self.random = random
        self.deadlines = Deadlines(clock: clock)
    }

    /// Calls `observer` on every circuit-breaker state change, on the task that caused it.
    public func onCircuitStateChange(_ observer: @escaping @Sendable (CircuitBreakerEvent) -> Void) {
        lock.withLock { observers.append(observer) }
    }

    /// The state of the breaker for `key` (a host, or `host endpoint`) under `policy`.
    public func circuitState(for key: String, policy: CircuitBreakerPolicy = CircuitBreakerPolicy()) -> CircuitState {
        if let breaker = lock.withLock({ breakers[key] }) {
            return breaker.currentState(policy: policy, now: clock.now())
        }
        switch policy.mode {
        case .automatic: return .closed
        case .forcedOpen: return .forcedOpen
        case .disabled: return .disabled
        }
    }

    /// Attempts holding a bulkhead permit for `host` now.
    public func bulkheadPermitsInUse(for host: String) -> Int {
        lock.withLock { bulkheads[host] }?.permitsInUse ?? 0
    }

    /// The state of one host, found once by a client for its server's host, so that calls to it
    /// skip four locked lookups by name.
    final class HostState: Sendable {
        let host: String
        let breaker: CircuitBreaker
        let bulkhead: Bulkhead
        let bucket: TokenBucket
        let budget: RetryBudget

        init(host: String, breaker: CircuitBreaker, bulkhead: Bulkhead, bucket: TokenBucket, budget: RetryBudget) {
            self.host = host
            self.breaker = breaker
            self.bulkhead = bulkhead
            self.bucket = bucket
            self.budget = budget
        }
    }

    /// The entries of `host`: the same objects ``breaker(for:)`` and the others return for it.
    func hostState(for host: String) -> HostState {
        HostState(
            host: host, breaker: breaker(for: host), bulkhead: bulkhead(for: host), bucket: bucket(for: host),
            budget: budget(for: host))
    }

    func breaker(for key: String) -> CircuitBreaker {
        lock.withLock { Self.entry(in: &breakers, key) { CircuitBreaker(key: key) } }
    }
    func bulkhead(for host: String) -> Bulkhead { lock.withLock { Self.entry(in: &bulkheads, host) { Bulkhead() } } }
    func bucket(for host: String) -> TokenBucket { lock.withLock { Self.entry(in: &buckets, host) { TokenBucket() } } }
    func budget(for host: String) -> RetryBudget { lock.withLock { Self.entry(in: &budgets, host) { RetryBudget() } } }

    /// The entry of `table` for `key`, created on first use; call with `lock` held.
    private static func entry<Value>(in table: inout [String: Value], _ key: String, make: () -> Value) -> Value {
        if let existing = table[key] { return existing }
        let created = make()
        table[key] = created
        return created
    }

    func publish(_ event: CircuitBreakerEvent?) {
        guard let event else { return }
        let current = lock.withLock { observers }
        for observer in current { observer(event) }
    }
}
