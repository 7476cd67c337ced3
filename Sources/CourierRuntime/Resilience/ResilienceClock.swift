import Foundation

/// The time source of the resilience stages: a monotonic reading and a cancellable sleep.
///
/// Every timing decision (backoff, deadlines, breaker windows, token refills) reads this clock,
/// so tests drive time with `ManualClock` (product `CourierRuntimeTesting`) instead of sleeping. ``SystemClock`` is the default.
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

/// Where the retry stage draws its jitter from.
///
/// The default is the system generator; tests pass `SeededRandom` (product `CourierRuntimeTesting`)
/// for repeatable delays.
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
