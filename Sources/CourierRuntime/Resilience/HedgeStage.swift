import Foundation

/// Sends further copies of an idempotent request when the first is slow to answer: after the
/// policy's delay with no answer, another copy goes out (to another instance when the client
/// balances over several), up to `maxAttempts` copies. The first answer that is not a server
/// failure wins and the other copies are cancelled; when every copy fails, the last failure is
/// the attempt's outcome, for the retry stage to judge. Each copy beyond the first draws from the
/// host's retry budget, so hedges and retries together cannot multiply the load.
struct HedgeStage: ConditionalStage {
    let state: ResilienceState
    let observer: CallObserver
    let latencies: LatencyWindows

    func passesThrough(_ request: PipelineRequest) -> Bool { request.policy.hedge == nil || !request.isIdempotent }

    private enum Event: Sendable {
        case answered(Result<TransportResponse, any Error>, took: Duration)
        case waited
    }

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        try await run(request) { try await next($0) }
    }

    /// Sends `request` through `attempt`, and further copies of it while the earlier ones are slow
    /// to answer, as the policy says; a request the policy does not hedge is sent once.
    func run(
        _ request: PipelineRequest, attempt: @escaping @Sendable (PipelineRequest) async throws -> TransportResponse
    ) async throws -> TransportResponse {
        guard let hedge = request.policy.hedge, request.isIdempotent else { return try await attempt(request) }
        let delay: Duration? =
            switch hedge.delay {
            case .fixed(let delay): delay
            case .percentile(let quantile): latencies.quantile(quantile, of: request.endpoint)
            }
        let clock = state.clock
        let budget = request.policy.retry.budget.map {
            (policy: $0, bucket: request.knownHost?.budget ?? state.budget(for: request.host))
        }
        return try await withThrowingTaskGroup(of: Event.self) { group in
            func send() {
                group.addTask {
                    let started = clock.now()
                    do {
                        let response = try await attempt(request)
                        return .answered(.success(response), took: clock.now() - started)
                    } catch {
                        return .answered(.failure(error), took: clock.now() - started)
                    }
                }
            }
            func wait() {
                guard let delay else { return }
                group.addTask {
                    // Cancelled when an answer wins; a cancelled wait sends nothing.
                    try? await clock.sleep(for: delay)
                    return .waited
                }
            }
            send()
            var sent = 1
            var inFlight = 1
            if sent < hedge.maxAttempts { wait() }
            var lastFailure: Result<TransportResponse, any Error>?
            while let event = try await group.next() {
                switch event {
                case .waited:
                    guard inFlight > 0, sent < hedge.maxAttempts, !Task.isCancelled else { continue }
                    if let budget, !budget.bucket.withdraw(policy: budget.policy, now: clock.now()) { continue }
                    observer.hedging(request, copy: sent + 1)
                    send()
                    sent += 1
                    inFlight += 1
                    if sent < hedge.maxAttempts { wait() }
                case .answered(let result, let took):
                    inFlight -= 1
                    if case .success(let response) = result, response.head.status.code < 500 {
                        latencies.record(took, for: request.endpoint)
                        group.cancelAll()
                        return response
                    }
                    lastFailure = result
                    if inFlight == 0 {
                        group.cancelAll()
                        return try result.get()
                    }
                }
            }
            // Every child has ended without an answer that won (cancellation ends the waits).
            return try (lastFailure ?? .failure(CancellationError())).get()
        }
    }
}

/// The recent latency of each endpoint's successful attempts, for hedges whose delay is a
/// percentile: the last 256 per endpoint, with the quantiles asked for kept until 32 more arrive.
final class LatencyWindows: @unchecked Sendable {
    // Safe: `windows` is read and written only while `lock` is held.
    private let lock = NSLock()
    private var windows: [String: Window] = [:]

    /// Fewer answers than this give no quantile: too few to say what is slow.
    static let minimumSamples = 20
    private static let capacity = 256
    private static let recomputeEvery = 32

    private struct Window {
        var samples: [Duration] = []
        var next = 0
        var sinceComputed = 0
        var quantiles: [Double: Duration] = [:]
    }

    func record(_ latency: Duration, for endpoint: String) {
        lock.withLock {
            var window = windows[endpoint] ?? Window()
            if window.samples.count < Self.capacity {
                window.samples.append(latency)
            } else {
                window.samples[window.next] = latency
                window.next = (window.next + 1) % Self.capacity
            }
            window.sinceComputed += 1
            if window.sinceComputed >= Self.recomputeEvery { window.quantiles = [:] }
            windows[endpoint] = window
        }
    }

    /// The `quantile` (0...1) of the endpoint's recent latency, or `nil` with too few answers.
    func quantile(_ quantile: Double, of endpoint: String) -> Duration? {
        lock.withLock {
            guard var window = windows[endpoint], window.samples.count >= Self.minimumSamples else { return nil }
            if let known = window.quantiles[quantile] { return known }
            let sorted = window.samples.sorted()
            let index = min(sorted.count - 1, Int((Double(sorted.count) * quantile).rounded(.up)) - 1)
            let value = sorted[max(0, index)]
            window.quantiles[quantile] = value
            window.sinceComputed = 0
            windows[endpoint] = window
            return value
        }
    }
}
