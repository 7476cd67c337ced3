import Foundation

/// Counts a client's calls in flight and refuses new ones once the client shuts down, so that a
/// graceful shutdown can wait for the calls it let in.
final class CallGate: @unchecked Sendable {
    // Safe: every stored `var` is read and written only while `lock` is held; waiters are resumed
    // after it is released.
    private let lock = NSLock()
    private var inFlight = 0
    private var open = true
    private var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    private var nextID: UInt64 = 0

    /// Whether new calls are let in.
    var isOpen: Bool { lock.withLock { open } }

    /// Calls in flight now.
    var callsInFlight: Int { lock.withLock { inFlight } }

    /// Lets a call in, or refuses it once the gate has closed.
    func enter() -> Bool {
        lock.withLock {
            guard open else { return false }
            inFlight += 1
            return true
        }
    }

    /// A call let in has ended.
    func leave() {
        let drained: [CheckedContinuation<Void, Never>] = lock.withLock {
            inFlight -= 1
            guard inFlight == 0, !waiters.isEmpty else { return [] }
            defer { waiters = [:] }
            return Array(waiters.values)
        }
        for waiter in drained { waiter.resume() }
    }

    /// Refuses new calls from now on.
    func close() {
        lock.withLock { open = false }
    }

    /// Waits until no call is in flight, or `limit` has passed on `clock`.
    func drain(within limit: Duration, clock: any ResilienceClock) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForNoCalls() }
            group.addTask { try? await clock.sleep(for: limit) }
            await group.next()
            group.cancelAll()
        }
    }

    private func waitForNoCalls() async {
        let id = lock.withLock {
            nextID += 1
            return nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let done: Bool = lock.withLock {
                    if inFlight == 0 || Task.isCancelled { return true }
                    waiters[id] = continuation
                    return false
                }
                if done { continuation.resume() }
            }
        } onCancel: {
            let waiter = lock.withLock { waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }
}

/// What a client closes when it shuts down: its open channels, held weakly.
final class OpenChannels: Sendable {
    private final class Entry: Sendable {
        weak let channel: (any ClosableChannel)?
        init(_ channel: any ClosableChannel) { self.channel = channel }
    }

    private let entries = Locked<[Entry]>([])

    /// Remembers `channel`, forgetting channels already released.
    func add(_ channel: any ClosableChannel) {
        entries.withLock { entries in
            entries.removeAll { $0.channel == nil }
            entries.append(Entry(channel))
        }
    }

    /// Closes every channel still open with `close`, and waits until they have closed.
    func closeAll(_ close: WebSocketClose) async {
        let open = entries.withLock { entries in
            defer { entries = [] }
            return entries.compactMap(\.channel)
        }
        await withTaskGroup(of: Void.self) { group in
            for channel in open { group.addTask { await channel.close(close) } }
        }
    }
}

/// A channel a client can close when it shuts down.
protocol ClosableChannel: AnyObject, Sendable {
    /// Closes the channel with `close` and waits until it has.
    func close(_ close: WebSocketClose) async
}

extension ChannelCore: ClosableChannel {}
