import Foundation

/// Actions to run at points in time on a ``ResilienceClock``, served by one task that sleeps until
/// the earliest: an attempt timeout costs a dictionary entry, not a sleeping task of its own.
final class Deadlines: @unchecked Sendable {
    // Safe: every stored property but `clock` is read and written only while `lock` is held;
    // actions run after the lock is released.
    private let lock = NSLock()
    private let clock: any ResilienceClock
    private var entries: [UInt64: (at: Duration, action: @Sendable () -> Void)] = [:]
    private var nextID: UInt64 = 0
    /// The instant the serving task sleeps until, and that task's generation; `nil` when none runs.
    private var wake: (at: Duration, generation: UInt64)?
    private var generation: UInt64 = 0

    init(clock: any ResilienceClock) {
        self.clock = clock
    }

    /// Runs `action` once `clock` reaches `instant`, unless cancelled first. Returns the handle for ``cancel(_:)``.
    func schedule(at instant: Duration, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        let (id, start): (UInt64, UInt64?) = lock.withLock {
            nextID += 1
            entries[nextID] = (instant, action)
            if let wake, wake.at <= instant { return (nextID, nil) }
            // No serving task, or it sleeps past this instant: a new one takes over.
            generation += 1
            wake = (instant, generation)
            return (nextID, generation)
        }
        // Detached: the service outlives the call that started it and must not keep its task-locals.
        if let start { Task.detached { await self.serve(generation: start) } }
        return id
    }

    /// Drops the action of `id` if it has not run.
    func cancel(_ id: UInt64) {
        lock.withLock { _ = entries.removeValue(forKey: id) }
    }

    private func serve(generation mine: UInt64) async {
        while true {
            let target: Duration? = lock.withLock {
                guard wake?.generation == mine else { return nil }
                guard let earliest = entries.values.map(\.at).min() else {
                    wake = nil
                    return nil
                }
                wake = (earliest, mine)
                return earliest
            }
            guard let target else { return }
            let now = clock.now()
            if target > now {
                do {
                    try await clock.sleep(for: target - now)
                } catch {
                    // Not expected (nothing cancels this task), but never leave entries unserved:
                    // the next `schedule` starts a new service.
                    lock.withLock { if wake?.generation == mine { wake = nil } }
                    return
                }
            }
            let due: [@Sendable () -> Void] = lock.withLock {
                guard wake?.generation == mine else { return [] }
                let now = clock.now()
                let expired = entries.filter { $0.value.at <= now }
                for id in expired.keys { entries[id] = nil }
                return expired.values.map(\.action)
            }
            for action in due { action() }
        }
    }
}
