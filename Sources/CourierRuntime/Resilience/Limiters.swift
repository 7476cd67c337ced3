import Foundation

/// A counting semaphore for the concurrent attempts to one host, with an optional bounded,
/// first-come-first-served wait. A permit is handed straight from a finishing attempt to the
/// oldest waiter, so none is ever lost, whatever is cancelled.
final class Bulkhead: @unchecked Sendable {
    // Safe: every stored property below `lock` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var inUse = 0
    private var waiters: [(id: UInt64, continuation: CheckedContinuation<Bool, any Error>)] = []
    private var nextID: UInt64 = 0

    /// The permits taken now.
    var permitsInUse: Int { lock.withLock { inUse } }

    /// Takes a permit if one is free.
    func tryAcquire(limit: Int) -> Bool {
        lock.withLock {
            guard inUse < limit else { return false }
            inUse += 1
            return true
        }
    }

    /// Takes a permit, waiting up to `maxWait` on `clock`; `false` when the wait ran out.
    /// Throws `CancellationError` when the task is cancelled while waiting (holding no permit).
    func acquire(limit: Int, maxWait: Duration, clock: any ResilienceClock) async throws -> Bool {
        if tryAcquire(limit: limit) { return true }
        guard maxWait > .zero else { return false }
        let id = lock.withLock { () -> UInt64 in
            nextID += 1
            return nextID
        }
        let timer = Task {
            try await clock.sleep(for: maxWait)
            self.expire(id, with: .success(false))
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
                let granted: Bool = lock.withLock {
                    // A permit may have come free since the first try.
                    if inUse < limit {
                        inUse += 1
                        return true
                    }
                    waiters.append((id, continuation))
                    return false
                }
                if granted { continuation.resume(returning: true) }
            }
        } onCancel: {
            self.expire(id, with: .failure(CancellationError()))
        }
    }

    /// Returns a permit, handing it to the oldest waiter if there is one.
    func release() {
        let waiter: CheckedContinuation<Bool, any Error>? = lock.withLock {
            if waiters.isEmpty {
                inUse -= 1
                return nil
            }
            return waiters.removeFirst().continuation
        }
        waiter?.resume(returning: true)
    }

    /// Ends the wait of `id`, if it is still waiting.
    private func expire(_ id: UInt64, with result: Result<Bool, any Error>) {
        let waiter: CheckedContinuation<Bool, any Error>? = lock.withLock {
            guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return waiters.remove(at: index).continuation
        }
        waiter?.resume(with: result)
    }
}

/// A token bucket: `burst` tokens at most, refilled at `requests / per`.
///
/// The bucket keeps no count of tokens: it keeps the time at which it will be full again (the
/// generic cell rate algorithm's "theoretical arrival time"). Taking a token moves that time one
/// interval (`per / requests`) later; the bucket holds `burst - 1` tokens beyond the one a call
/// takes while that time is at most `(burst - 1)` intervals away. The same decisions as counting
/// tokens, made with additions and comparisons of durations: no division or conversion to
/// floating point per call, and exact to the attosecond.
final class TokenBucket: @unchecked Sendable {
    // Safe: every stored property below `lock` is read and written only while `lock` is held.
    private let lock = NSLock()
    /// When the tokens taken so far will all have come back; `nil` for a bucket never used (full).
    private var fullAgainAt: Duration?
    /// The last policy's pace, worked out once per policy.
    private var pace = Pace(requests: 0, per: .zero, burst: 0)

    /// What taking a token costs.
    enum Grant {
        /// A token is taken; wait this long before sending (zero when one was there).
        case after(Duration)
        /// No token within `maxWait`; one will be there after `retryIn`.
        case refused(retryIn: Duration)
    }

    /// A policy's rate as durations: the time one token takes to come back, and how far ahead of
    /// now the bucket's refill may run while a token is still there.
    private struct Pace {
        let requests: Int
        let per: Duration
        let burst: Int
        let interval: Duration
        let tolerance: Duration

        init(requests: Int, per: Duration, burst: Int) {
            self.requests = requests
            self.per = per
            self.burst = burst
            interval = requests > 0 ? per / requests : per
            // A burst whose refill would outlast any clock (about 146 billion years) is capped
            // there: the product would leave `Duration`'s range.
            let extra = burst - 1
            tolerance =
                extra > 0 && Double(extra) * interval.seconds >= Self.longest.seconds
                ? Self.longest : interval * extra
        }

        /// The longest tolerance kept.
        private static let longest = Duration.seconds(Int64.max / 2)

        func matches(_ policy: RateLimitPolicy) -> Bool {
            requests == policy.requests && per == policy.per && burst == policy.burst
        }
    }

    /// Takes a token now or reserves the next one, unless that means waiting longer than `maxWait`.
    func take(policy: RateLimitPolicy, now: Duration) -> Grant {
        lock.withLock {
            if !pace.matches(policy) { pace = Pace(requests: policy.requests, per: policy.per, burst: policy.burst) }
            let fullAgain = max(fullAgainAt ?? now, now)
            let wait = max(.zero, fullAgain - now - pace.tolerance)
            guard wait <= policy.maxWait else { return .refused(retryIn: wait) }
            fullAgainAt = fullAgain + pace.interval
            return .after(wait)
        }
    }

    /// Gives back a reserved token whose call was cancelled while waiting for it.
    func giveBack(policy: RateLimitPolicy) {
        lock.withLock {
            if let fullAgain = fullAgainAt { fullAgainAt = fullAgain - pace.interval }
        }
    }
}

/// The per-host retry budget: each request adds `ratio` of a token (up to a cap), a reserve refills
/// at `perSecond`, and each retry spends one token.
final class RetryBudget: @unchecked Sendable {
    // Safe: every stored property below `lock` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var earned: Double = 0
    private var reserve: Double?
    private var lastRefill: Duration = .zero

    /// The most tokens requests can bank, so a long quiet success streak does not allow a storm.
    static let earnedCap: Double = 100

    /// Counts a first attempt.
    func recordRequest(policy: RetryBudgetPolicy) {
        lock.withLock { earned = min(Self.earnedCap, earned + policy.ratio) }
    }

    /// Spends a token for a retry; `false` when the budget is exhausted.
    func withdraw(policy: RetryBudgetPolicy, now: Duration) -> Bool {
        lock.withLock {
            let perSecond = Double(policy.perSecond)
            var available = reserve ?? perSecond
            available = min(perSecond, available + (now - lastRefill).seconds * perSecond)
            lastRefill = now
            if available >= 1 {
                reserve = available - 1
                return true
            }
            reserve = available
            guard earned >= 1 else { return false }
            earned -= 1
            return true
        }
    }
}
