import Foundation

/// The state of one circuit breaker.
public enum CircuitState: String, Hashable, Sendable {
    /// Calls go through; failures are counted.
    case closed
    /// Calls are rejected without being sent until the open time passes.
    case open
    /// A few probe calls go through; their outcome closes or re-opens the breaker.
    case halfOpen
    /// Calls are rejected until the policy's mode changes.
    case forcedOpen
    /// Calls go through and nothing is counted.
    case disabled
}

/// A breaker changed state.
public struct CircuitBreakerEvent: Hashable, Sendable {
    /// What the breaker guards: a host, or `host endpoint` for per-endpoint breakers.
    public var key: String
    /// The state before.
    public var from: CircuitState
    /// The state now.
    public var to: CircuitState
    /// For a transition to open: how long it stays open.
    public var openFor: Duration?
}

/// One breaker: its state machine and a sliding window of outcomes in ten fixed buckets, so
/// admitting or rejecting a call allocates nothing.
final class CircuitBreaker: @unchecked Sendable {
    // Safe: `machine` is read and written only while `lock` is held.
    private let lock = NSLock()
    /// All the breaker's mutable state, in one value, so that each decision reaches it through
    /// one access of one property.
    private var machine: Machine
    /// What the breaker guards: a host, or `host endpoint` for per-endpoint breakers.
    let key: String

    private static let bucketCount = 10

    /// Whether a call may go.
    enum Admission {
        /// Yes; `probe` when it is one of the half-open probes.
        case allowed(probe: Bool)
        /// No; the breaker may let calls through after `retryIn`.
        case rejected(retryIn: Duration)
    }

    init(key: String) {
        self.key = key
        machine = Machine(key: key)
    }

    /// The state as callers see it.
    func currentState(policy: CircuitBreakerPolicy, now: Duration) -> CircuitState {
        switch policy.mode {
        case .forcedOpen: return .forcedOpen
        case .disabled: return .disabled
        case .automatic: break
        }
        return lock.withLock { machine.currentState(now: now) }
    }

    /// Decides whether a call may go; an open breaker whose time has passed turns half-open.
    ///
    /// The clock is read only for an open breaker: a closed one admits every call without it.
    func admit(policy: CircuitBreakerPolicy, clock: any ResilienceClock) -> (Admission, CircuitBreakerEvent?) {
        switch policy.mode {
        case .forcedOpen: return (.rejected(retryIn: policy.openFor), nil)
        case .disabled: return (.allowed(probe: false), nil)
        case .automatic: break
        }
        return lock.withLock { machine.admit(policy: policy, clock: clock) }
    }

    /// How much longer the breaker refuses calls, when ``admit(policy:clock:)`` would refuse one
    /// now without changing any state: forced open, or open and not yet due for a probe. `nil`
    /// otherwise, half-open included, where only `admit` decides.
    ///
    /// The clock is read only for an open breaker: this runs before every call.
    func refusal(policy: CircuitBreakerPolicy, clock: any ResilienceClock) -> Duration? {
        switch policy.mode {
        case .forcedOpen: return policy.openFor
        case .disabled: return nil
        case .automatic: break
        }
        return lock.withLock { machine.refusal(clock: clock) }
    }

    /// Records the outcome of an admitted call; returns the transition it caused, if any.
    ///
    /// The outcome is counted in the window's bucket of `started`, the clock's reading when the
    /// call began, when the caller has one: reading the clock again would cost more than the rest
    /// of recording a success. Buckets are a tenth of the window wide, so that moves an outcome by
    /// at most the call's duration; an outcome older than the window counts in its newest bucket.
    /// Opening the breaker reads the clock, so that it stays open for its full time from now.
    func record(
        failure: Bool, probe: Bool, policy: CircuitBreakerPolicy, started: Duration?, clock: any ResilienceClock
    ) -> CircuitBreakerEvent? {
        guard policy.mode == .automatic else { return nil }
        return lock.withLock {
            machine.record(failure: failure, probe: probe, policy: policy, started: started, clock: clock)
        }
    }

    /// Gives back a probe slot of a call that ended without an outcome (cancelled, or refused by a later stage).
    func release(probe: Bool) {
        guard probe else { return }
        lock.withLock { machine.release() }
    }
}

extension CircuitBreaker {
    /// The breaker's state and window, changed only under its lock.
    private struct Machine {
        let key: String
        var state: State = .closed
        var openDuration: Duration?
        var consecutiveFailures = 0
        var window = Window()
        /// The last policy's window and a tenth of it: the width of a bucket.
        var bucketWidth: (window: Duration, width: Duration) = (.zero, .zero)
        /// The bucket last counted in and the readings it covers, `start..<end`: outcomes of calls
        /// that start close together fall in the same bucket, found without dividing.
        var lastBucket: (start: Duration, end: Duration, epoch: Int64) = (.zero, .zero, 0)

        enum State {
            case closed
            case open(until: Duration)
            case halfOpen(inFlight: Int, succeeded: Int)
        }

        init(key: String) { self.key = key }

        func currentState(now: Duration) -> CircuitState {
            switch state {
            case .closed: .closed
            case .open(let until): now >= until ? .halfOpen : .open
            case .halfOpen: .halfOpen
            }
        }

        mutating func admit(
            policy: CircuitBreakerPolicy, clock: any ResilienceClock
        ) -> (Admission, CircuitBreakerEvent?) {
            switch state {
            case .closed:
                return (.allowed(probe: false), nil)
            case .open(let until):
                let now = clock.now()
                guard now >= until else { return (.rejected(retryIn: until - now), nil) }
                state = .halfOpen(inFlight: 1, succeeded: 0)
                return (.allowed(probe: true), CircuitBreakerEvent(key: key, from: .open, to: .halfOpen))
            case .halfOpen(let inFlight, let succeeded):
                guard inFlight + succeeded < policy.halfOpenProbes else { return (.rejected(retryIn: .zero), nil) }
                state = .halfOpen(inFlight: inFlight + 1, succeeded: succeeded)
                return (.allowed(probe: true), nil)
            }
        }

        func refusal(clock: any ResilienceClock) -> Duration? {
            guard case .open(let until) = state else { return nil }
            let now = clock.now()
            return now < until ? until - now : nil
        }

        mutating func record(
            failure: Bool, probe: Bool, policy: CircuitBreakerPolicy, started: Duration?, clock: any ResilienceClock
        ) -> CircuitBreakerEvent? {
            switch state {
            case .halfOpen(let inFlight, let succeeded) where probe:
                if failure {
                    let next = min((openDuration ?? policy.openFor) * 2, policy.maxOpenFor)
                    return open(for: next, now: clock.now(), from: .halfOpen)
                }
                if succeeded + 1 >= policy.halfOpenProbes {
                    state = .closed
                    openDuration = nil
                    consecutiveFailures = 0
                    window = Window()
                    return CircuitBreakerEvent(key: key, from: .halfOpen, to: .closed)
                }
                state = .halfOpen(inFlight: inFlight - 1, succeeded: succeeded + 1)
                return nil
            case .closed:
                window.count(failure: failure, epoch: epoch(started ?? clock.now(), policy))
                consecutiveFailures = failure ? consecutiveFailures + 1 : 0
                if let limit = policy.consecutiveFailures, consecutiveFailures >= limit {
                    return open(for: policy.openFor, now: clock.now(), from: .closed)
                }
                let (calls, failures) = window.totals()
                if calls >= policy.minimumCalls, Double(failures) >= policy.failureRate * Double(calls) {
                    return open(for: policy.openFor, now: clock.now(), from: .closed)
                }
                return nil
            case .open, .halfOpen:
                // A call admitted before the breaker opened finished late: it no longer counts.
                return nil
            }
        }

        mutating func release() {
            if case .halfOpen(let inFlight, let succeeded) = state {
                state = .halfOpen(inFlight: max(0, inFlight - 1), succeeded: succeeded)
            }
        }

        private mutating func open(for duration: Duration, now: Duration, from: CircuitState) -> CircuitBreakerEvent {
            state = .open(until: now + duration)
            openDuration = duration
            consecutiveFailures = 0
            window = Window()
            return CircuitBreakerEvent(key: key, from: from, to: .open, openFor: duration)
        }

        /// The bucket `now` falls in: the window's tenth it belongs to, counted from the clock's origin.
        /// The tenth is worked out once per window length; a reading in the last bucket's span needs
        /// no division, and the division otherwise is of two durations, which costs no split of `now`
        /// into seconds and attoseconds.
        private mutating func epoch(_ now: Duration, _ policy: CircuitBreakerPolicy) -> Int64 {
            if bucketWidth.window != policy.window {
                bucketWidth = (policy.window, policy.window / CircuitBreaker.bucketCount)
                lastBucket = (.zero, .zero, 0)
            }
            if now >= lastBucket.start, now < lastBucket.end { return lastBucket.epoch }
            let width = bucketWidth.width
            let buckets = (now / width).rounded(.down)
            // A width of zero or a clock of centuries would leave `Int64`: such readings share the edge.
            guard buckets.isFinite, let epoch = Int64(exactly: buckets) else {
                return buckets < 0 ? .min + 1 : .max
            }
            // Kept only when the span agrees with the division at `now` (rounding may move an edge).
            let start = width * epoch
            if width > .zero, now >= start, now < start + width { lastBucket = (start, start + width, epoch) }
            return epoch
        }
    }
}

extension CircuitBreaker {
    /// The outcomes of the last window, in ten buckets of a tenth of it each.
    fileprivate struct Window {
        /// One bucket: the outcomes of the calls of one tenth of the window.
        private struct Bucket {
            /// Which tenth, counted from the clock's origin; `.min` for a bucket never used.
            var epoch: Int64 = .min
            var calls = 0
            var failures = 0
        }

        private var buckets = [Bucket](repeating: Bucket(), count: CircuitBreaker.bucketCount)
        /// The newest bucket counted in: the window ends there.
        private var latest: Int64 = .min

        /// Counts an outcome in the bucket of `epoch`, emptying it first if it held an older one.
        /// An outcome whose bucket has since been reused for a newer one is older than the window:
        /// it counts in the newest bucket.
        mutating func count(failure: Bool, epoch: Int64) {
            var current = epoch
            var slot = Self.slot(of: current)
            if buckets[slot].epoch > current {
                current = latest
                slot = Self.slot(of: current)
            }
            latest = max(latest, current)
            buckets.withUnsafeMutableBufferPointer { buckets in
                if buckets[slot].epoch != current { buckets[slot] = Bucket(epoch: current) }
                buckets[slot].calls += 1
                if failure { buckets[slot].failures += 1 }
            }
        }

        /// The slot of the buckets of `epoch`.
        private static func slot(of epoch: Int64) -> Int {
            let count = Int64(CircuitBreaker.bucketCount)
            return Int((epoch % count + count) % count)
        }

        /// The calls and failures of the buckets still in the window that ends at the newest one.
        func totals() -> (calls: Int, failures: Int) {
            var totalCalls = 0
            var totalFailures = 0
            for bucket in buckets where bucket.epoch != .min {
                let (age, overflow) = latest.subtractingReportingOverflow(bucket.epoch)
                guard !overflow, age < Int64(CircuitBreaker.bucketCount) else { continue }
                totalCalls += bucket.calls
                totalFailures += bucket.failures
            }
            return (totalCalls, totalFailures)
        }
    }
}

extension CircuitBreakerPolicy {
    /// The breaker a call to `endpoint` on `host` uses: the host's, or with the endpoint scope
    /// `host endpoint`.
    func key(host: String, endpoint: String) -> String {
        scope == .host ? host : host + " " + endpoint
    }
}
