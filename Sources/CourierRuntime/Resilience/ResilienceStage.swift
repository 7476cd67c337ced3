import Foundation

/// Retry, hedging and the guards of each attempt (circuit breaker, rate limiter, bulkhead, the
/// choice of an instance, the attempt timeout) as the one stage a client's pipeline runs for them.
///
/// Each guard but the choice of an instance is a stage of its own too (``CircuitBreakerStage``,
/// ``RateLimitStage``, ``BulkheadStage``, ``AttemptTimeoutStage``; the choice's steps are
/// ``BalancingStage``'s), and this stage runs the same steps of theirs in the same order: what
/// they do is unchanged. What changes is the cost. On the
/// common path no guard suspends: a closed breaker admits and records, a bucket with a token hands
/// it over, a bulkhead with a free permit grants it, the pool has an instance, and a transport that
/// enforces the timeout needs only to be told it. Run as synchronous steps before and after the one
/// call to the rest of the pipeline, they cost no async frame each; a guard suspends only when it
/// must wait (for a token, a permit or the first instances), or runs the attempt in a task of its
/// own when the transport leaves the timeout to the runtime.
struct ResilienceStage: Middleware {
    let retry: RetryStage
    let hedge: HedgeStage
    let breaker: CircuitBreakerStage
    let rateLimit: RateLimitStage
    let bulkhead: BulkheadStage
    /// With ``ClientConfiguration/discovery``: the choice of an instance for each attempt.
    let balancing: BalancingStage?
    let timeout: AttemptTimeoutStage

    func intercept(_ request: consuming PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        // A balanced call's attempts avoid the instances its earlier attempts went to. The first
        // attempt's instance is noted here; the record the attempts share is made only once a
        // second attempt or a hedge needs it, so that a call answered at once allocates none.
        var firstInstance: String?
        return try await retry.run(request) { request, now in
            let hedged = !hedge.passesThrough(request)
            if let pool = balancing?.pool, request.routing == nil, request.attempt > 1 || hedged {
                let shared = CallRouting(pool: pool)
                if let firstInstance { shared.record(key: firstInstance) }
                request.routing = shared
            }
            return try await attempts(&request, hedged: hedged, now: now, noting: &firstInstance, next: next)
        }
    }

    /// One attempt, or hedged copies of it when `hedged`.
    @inline(__always)
    private func attempts(
        _ request: inout PipelineRequest, hedged: Bool, now: Duration?, noting instance: inout String?,
        next: PipelineNext
    ) async throws -> TransportResponse {
        if !hedged { return try await attempt(&request, now: now, noting: &instance, next: next) }
        return try await hedge.run(request) { copy in
            var copy = copy
            var unnoted: String?
            return try await attempt(&copy, now: nil, noting: &unnoted, next: next)
        }
    }

    /// One attempt (or one hedged copy) through the guards, outermost first, then the rest of the
    /// pipeline. Inlined into ``intercept(_:next:)``, which then costs one async frame. `now` is
    /// the clock's reading the retry stage has just made, if it made one.
    @inline(__always)
    private func attempt(
        _ request: inout PipelineRequest, now: Duration?, noting instance: inout String?, next: PipelineNext
    ) async throws -> TransportResponse {
        let admitted = try breaker.admit(request, now: now)
        let response: TransportResponse
        do {
            response = try await limited(&request, now: now, noting: &instance, next: next)
        } catch {
            if let admitted { breaker.record(admitted, of: request, failure: error) }
            throw error
        }
        if let admitted { breaker.record(admitted, of: request, response: response) }
        return response
    }

    /// The attempt past the breaker: a token, a permit, an instance, then the rest of the pipeline
    /// within the attempt's time. Inlined into ``attempt(_:now:noting:next:)``. `instance` is set
    /// to the key of the instance chosen, when the call has no shared record of its attempts'
    /// instances yet.
    ///
    /// The request is changed in place, where the retry stage keeps it: its head is then not
    /// shared, and routing it to an instance copies nothing. The next attempt routes it again;
    /// its guards key their state by ``PipelineRequest/host``, the server's host, not by the
    /// instance the head was last routed to.
    @inline(__always)
    private func limited(
        _ request: inout PipelineRequest, now: Duration?, noting instance: inout String?, next: PipelineNext
    ) async throws -> TransportResponse {
        // After any wait, the attempt's time is counted from a new reading of the clock.
        var now = now
        if let reservation = try rateLimit.reserve(request, now: now), reservation.wait > .zero {
            try await rateLimit.wait(for: reservation)
            now = nil
        }
        let permits = bulkhead.bulkhead(for: request)
        if let permits, !permits.tryAcquire(limit: request.policy.bulkhead.maxConcurrent) {
            try await bulkhead.wait(for: permits, request)
            now = nil
        }
        defer { permits?.release() }

        var pick: InstancePool.Pick?
        // The stage is reached through the optional rather than bound, so that its pool is not
        // retained: the weak references of the pool's background tasks make that slow.
        if balancing != nil {
            pick = try balancing?.routeNow(&request)
            if pick == nil {
                pick = try await balancing?.route(&request)
                now = nil
            }
            if request.routing == nil, let pick { instance = pick.key }
        }
        let response: TransportResponse
        do {
            let bound = try timeout.bound(request, now: now)
            if request.transportRequest.timeout != bound.limit { request.transportRequest.timeout = bound.limit }
            response = try await transmit(request, within: bound, next: next)
        } catch {
            if let pick { balancing?.finish(pick, failure: error) }
            throw error
        }
        if let pick { balancing?.finish(pick, response: response) }
        return response
    }

    /// The rest of the pipeline within `bound`: left to a transport that enforces it, or run in a
    /// task the runtime's timer cancels.
    @inline(__always)
    private func transmit(
        _ request: PipelineRequest, within bound: AttemptTimeoutStage.Bound, next: PipelineNext
    ) async throws -> TransportResponse {
        guard timeout.transportEnforcesTimeout else { return try await timeout.timed(request, bound, next: next) }
        do {
            return try await next(request)
        } catch let error as TransportError where error.kind == .timedOut {
            throw bound.failure
        }
    }
}
