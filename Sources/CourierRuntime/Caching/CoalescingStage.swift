import Foundation
import HTTPTypes

/// Sends identical concurrent GET and HEAD requests of caching calls upstream once and hands every
/// caller the same response.
///
/// Identical means the same method, URL and header fields, in the same order. The shared request
/// runs in a task of its own: a caller that is cancelled stops waiting, and the request goes on for
/// the others; it is cancelled only when every caller has gone.
struct CoalescingStage: ConditionalStage {
    let flights: Coalescer

    func passesThrough(_ request: PipelineRequest) -> Bool { request.policy.cache == nil }

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        let head = request.transportRequest.head
        guard request.policy.cache != nil, head.method == .get || head.method == .head,
            request.transportRequest.body == nil,
            let url = head.cacheURL
        else {
            return try await next(request)
        }
        let key = Coalescer.Key(
            method: head.method, url: url, fields: head.headerFields.map { [$0.name.rawName, $0.value] })
        return try await flights.join(key) { try await next(request) }
    }
}

/// The requests in flight that later identical requests may join.
final class Coalescer: @unchecked Sendable {
    // Safe: `flights` and every `Flight`'s mutable fields are read and written only while `lock` is held.
    private let lock = NSLock()
    private var flights: [Key: Flight] = [:]
    private var nextWaiter = 0

    struct Key: Hashable, Sendable {
        var method: HTTPRequest.Method
        var url: String
        var fields: [[String]]
    }

    // Safe: a flight's fields are read and written only while the coalescer's `lock` is held.
    private final class Flight: @unchecked Sendable {
        var waiters: [Int: CheckedContinuation<TransportResponse, any Error>] = [:]
        var task: Task<Void, Never>?
    }

    /// Requests in flight now.
    var count: Int { lock.withLock { flights.count } }

    /// Callers waiting for a request in flight now.
    var waiting: Int { lock.withLock { flights.values.reduce(0) { $0 + $1.waiters.count } } }

    /// The response of the flight for `key`, started with `send` when none is in flight.
    func join(_ key: Key, send: @escaping @Sendable () async throws -> TransportResponse) async throws
        -> TransportResponse
    {
        let id = lock.withLock {
            nextWaiter += 1
            return nextWaiter
        }
        let response: TransportResponse = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                lock.withLock {
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                        return
                    }
                    if let flight = flights[key] {
                        flight.waiters[id] = continuation
                        return
                    }
                    let flight = Flight()
                    flight.waiters[id] = continuation
                    flights[key] = flight
                    flight.task = Task { [self] in
                        let result: Result<TransportResponse, any Error>
                        do {
                            result = .success(try await send())
                        } catch {
                            result = .failure(error)
                        }
                        finish(key, flight: flight, with: result)
                    }
                }
            }
        } onCancel: {
            leave(key, waiter: id)
        }
        // When the flight ends before this task has suspended, the concurrency runtime hands the
        // response over on its fast path, which the thread sanitizer cannot see (it reported the
        // response's storage as raced). Taking the lock that `finish` released before resuming
        // shows it the ordering, which is real either way.
        lock.withLock {}
        return response
    }

    private func finish(_ key: Key, flight: Flight, with result: Result<TransportResponse, any Error>) {
        let waiters = lock.withLock {
            if flights[key] === flight { flights[key] = nil }
            let waiters = flight.waiters
            flight.waiters = [:]
            return waiters
        }
        for continuation in waiters.values { continuation.resume(with: result) }
    }

    /// Stops `waiter` waiting; cancels the flight when nobody is left.
    private func leave(_ key: Key, waiter: Int) {
        let (continuation, abandoned): (CheckedContinuation<TransportResponse, any Error>?, Task<Void, Never>?) =
            lock.withLock {
                guard let flight = flights[key], let continuation = flight.waiters.removeValue(forKey: waiter) else {
                    return (nil, nil)
                }
                guard flight.waiters.isEmpty else { return (continuation, nil) }
                flights[key] = nil
                return (continuation, flight.task)
            }
        continuation?.resume(throwing: CancellationError())
        abandoned?.cancel()
    }
}
