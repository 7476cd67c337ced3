import CourierRuntime
import Foundation

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
    /// Sleepers cancelled before they registered: their registration wakes them at once.
    private var cancelledEarly: Set<UInt64> = []

    /// Creates a clock at time zero whose wall date starts at `date`.
    public init(date: Date = Date(timeIntervalSince1970: 1_800_000_000)) {
        self.wallOrigin = date
    }

    /// The current reading.
    public func now() -> Duration { lock.withLock { current } }

    /// The start date plus the time advanced so far.
    public func date() -> Date {
        lock.withLock {
            let (seconds, attoseconds) = current.components
            return wallOrigin.addingTimeInterval(Double(seconds) + Double(attoseconds) / 1e18)
        }
    }

    /// How many tasks are sleeping on this clock.
    public var sleeperCount: Int { lock.withLock { sleepers.count } }

    /// When each sleeping task wakes, earliest first, for tests that wait for one particular
    /// sleeper rather than for any.
    public var sleeperDeadlines: [Duration] { lock.withLock { sleepers.values.map(\.deadline).sorted() } }

    /// Sleeps until the clock has advanced by `duration`.
    public func sleep(for duration: Duration) async throws {
        try Task.checkCancellation()
        let id = lock.withLock { () -> UInt64 in
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                enum Outcome { case sleep, wake, cancelled }
                let outcome: Outcome = lock.withLock {
                    if cancelledEarly.remove(id) != nil { return .cancelled }
                    if duration <= .zero { return .wake }
                    sleepers[id] = (current + duration, continuation)
                    return .sleep
                }
                switch outcome {
                case .sleep: break
                case .wake: continuation.resume()
                case .cancelled: continuation.resume(throwing: CancellationError())
                }
            }
        } onCancel: {
            // The handler can run before the continuation registers; it then leaves a mark that
            // the registration finds, so a cancelled sleeper never sleeps until its deadline.
            let continuation: CheckedContinuation<Void, any Error>? = lock.withLock {
                guard let sleeper = sleepers.removeValue(forKey: id) else {
                    cancelledEarly.insert(id)
                    return nil
                }
                return sleeper.continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Moves time forward and wakes the sleepers whose deadline has come.
    public func advance(by duration: Duration) {
        let due: [CheckedContinuation<Void, any Error>] = lock.withLock {
            current += duration
            let ready = sleepers.filter { $0.value.deadline <= current }.sorted {
                $0.value.deadline < $1.value.deadline
            }
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
