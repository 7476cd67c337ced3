import Foundation

/// The time source of the resilience stages: a monotonic reading and a cancellable sleep.
///
/// Every timing decision (backoff, deadlines, breaker windows, token refills) reads this clock,
/// so tests drive time with ``ManualClock`` instead of sleeping. ``SystemClock`` is the default.
public protocol ResilienceClock: Sendable {
    /// The time elapsed since some fixed point; only differences between readings mean anything.
    func now() -> Duration

    /// Suspends for `duration`; throws `CancellationError` when the task is cancelled first.
    func sleep(for duration: Duration) async throws

    /// The wall-clock date, for HTTP dates such as `Retry-After: Fri, 20 Nov 2026 10:00:00 GMT`.
    func date() -> Date
}

/// Real time: `ContinuousClock` for readings and sleeps, the system date for HTTP dates.
public struct SystemClock: ResilienceClock {
    private static let origin = ContinuousClock.now

    /// Creates the system clock.
    public init() {}

    /// The time elapsed since the process first read this clock.
    public func now() -> Duration { ContinuousClock.now - Self.origin }

    /// Sleeps on `ContinuousClock`.
    public func sleep(for duration: Duration) async throws {
        try await Task.sleep(for: duration, clock: .continuous)
    }

    /// The system date.
    public func date() -> Date { Date() }
}

/// A clock that moves only when told to, for tests of timing logic without sleeps.
///
/// Sleepers wake, in deadline order, when ``advance(by:)`` moves time past their deadline;
/// a cancelled sleeper wakes at once with `CancellationError`.
public final class ManualClock: ResilienceClock, @unchecked Sendable {
    // Safe: every stored property is read and written only while `lock` is held.
    private let lock = NSLock()
    private var current: Duration = .zero
    private var wallOrigin: Date
    private var sleepers: [UInt64: (deadline: Duration, continuation: CheckedContinuation<Void, any Error>)] = [:]
    private var nextID: UInt64 = 0

    /// Creates a clock at time zero whose wall date starts at `date`.
    public init(date: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.wallOrigin = date
    }

    /// The current reading.
    public func now() -> Duration { lock.withLock { current } }

    /// The start date plus the time advanced so far.
    public func date() -> Date {
        lock.withLock { wallOrigin.addingTimeInterval(current.seconds) }
    }

    /// How many tasks are sleeping on this clock.
    public var sleeperCount: Int { lock.withLock { sleepers.count } }

    /// Sleeps until the clock has advanced by `duration`.
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        let id = lock.withLock { () -> UInt64 in
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = lock.withLock {
                    if duration <= .zero { return true }
                    sleepers[id] = (current + duration, continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = lock.withLock { sleepers.removeValue(forKey: id)?.continuation }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes the sleepers whose deadline has come.
    public func advance(by duration: Duration) {
        let due: [CheckedContinuation<Void, any Error>] = lock.withLock {
            current += duration
            let ready = sleepers.filter { $0.value.deadline <= current }.sorted { $0.value.deadline < $1.value.deadline }
            for (id, _) in ready { sleepers.removeValue(forKey: id) }
            return ready.map(\.value.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    /// Moves time to the earliest sleeper's deadline and wakes it; does nothing when none sleeps.
    public func advanceToNextDeadline() {
        let next = lock.withLock { sleepers.values.map(\.deadline).min().map { $0 - current } }
        if let next { advance(by: max(.zero, next)) }
    }

}

/// Where the retry stage draws its jitter from.
///
/// The default is the system generator; tests pass ``SeededRandom`` for repeatable delays.
public protocol RandomSource: Sendable {
    /// A value in `0..<1`.
    func nextUnit() -> Double
}

/// The system random number generator.
public struct SystemRandom: RandomSource {
    /// Creates the source.
    public init() {}

    /// A uniformly distributed value in `0..<1`.
    public func nextUnit() -> Double { Double.random(in: 0..<1) }
}

/// A repeatable sequence (SplitMix64) for tests.
public final class SeededRandom: RandomSource, @unchecked Sendable {
    // Safe: `state` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var state: UInt64

    /// Creates a source whose sequence depends only on `seed`.
    public init(seed: UInt64) { self.state = seed }

    /// The next value of the sequence, in `0..<1`.
    public func nextUnit() -> Double {
        let bits: UInt64 = lock.withLock {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        return Double(bits >> 11) / Double(1 << 53)
    }
}
