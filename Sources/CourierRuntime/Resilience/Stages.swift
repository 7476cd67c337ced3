import Foundation
import HTTPTypes

/// Starts the call's total deadline, then tries again what the policy allows, after a jittered
/// backoff or the server's `Retry-After`, within the deadline and the host's retry budget.
struct RetryStage: Middleware {
    let state: ResilienceState
    let observer: CallObserver

    func intercept(_ request: consuming PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        try await run(request) { attempt, _ in try await next(attempt) }
    }

    /// Runs `send` for the first attempt and again for each retry the policy allows. Inlined into
    /// its callers, so that the loop and the attempt share one async frame.
    ///
    /// `send` is also given the clock's reading that started the deadline, on the first attempt
    /// of a call whose deadline this stage set, so that it need not read the clock again.
    ///
    /// `send` gets the stage's own request to change (route it, bound its timeout) without
    /// copying it; what it changes stays for the next attempt, which changes it again.
    @inline(__always)
    func run(
        _ request: consuming PipelineRequest,
        attempt send: (inout PipelineRequest, _ now: Duration?) async throws -> TransportResponse
    ) async throws -> TransportResponse {
        var attempt = consume request
        let policy = attempt.policy.retry
        let clock = state.clock
        let budget = policy.budget.map {
            (policy: $0, bucket: attempt.knownHost?.budget ?? state.budget(for: attempt.host))
        }
        if let budget { budget.bucket.recordRequest(policy: budget.policy) }
        var started: Duration?
        if attempt.deadline == nil {
            let now = clock.now()
            attempt.deadline = now + attempt.policy.timeouts.total
            started = now
        }
        while true {
            let outcome: Result<TransportResponse, any Error>
            do {
                let now = attempt.attempt == 1 ? started : nil
                outcome = .success(try await send(&attempt, now))
            } catch {
                outcome = .failure(error)
            }
            guard attempt.attempt < policy.maxAttempts,
                let delay = retryDelay(after: outcome, of: attempt, policy: policy)
            else {
                return try answer(outcome, attempts: attempt.attempt)
            }
            if let deadline = attempt.deadline, clock.now() + delay >= deadline {
                return try answer(outcome, attempts: attempt.attempt)
            }
            if let budget, !budget.bucket.withdraw(policy: budget.policy, now: clock.now()) {
                return try answer(outcome, attempts: attempt.attempt)
            }
            observer.retrying(attempt)
            try await clock.sleep(for: delay)
            attempt.attempt += 1
        }
    }

    /// The outcome that ends the call, its response marked with the attempts made.
    private func answer(_ outcome: Result<TransportResponse, any Error>, attempts: Int) throws -> TransportResponse {
        var response = try outcome.get()
        response.attempts = attempts
        return response
    }

    /// How long to wait before retrying after `outcome`, or `nil` when it must not be retried. The
    /// backoff (and its random jitter) is computed only for an outcome that is retried.
    private func retryDelay(
        after outcome: Result<TransportResponse, any Error>, of request: PipelineRequest, policy: RetryPolicy
    ) -> Duration? {
        var backoff: Duration { policy.delay(beforeRetry: request.attempt, random: state.random) }
        switch outcome {
        case .success(let response):
            guard request.isIdempotent, policy.statuses.contains(response.head.status.code) else { return nil }
            guard let wait = RetryAfter.wait(in: response.head, now: state.clock.date()) else { return backoff }
            return wait <= policy.maxRetryAfter ? wait : nil
        case .failure(let error):
            if Task.isCancelled { return nil }
            switch error {
            case let error as TransportError:
                switch error.kind {
                case .connectionFailed:
                    return policy.retriesConnectionFailures ? backoff : nil
                case .connectionLost:
                    return policy.retriesConnectionFailures && request.isIdempotent ? backoff : nil
                case .timedOut:
                    return policy.retriesTimeouts && request.isIdempotent ? backoff : nil
                case .responseTooLarge, .tooManyRedirects, .invalidResponse, .invalidRequest, .other:
                    return nil
                }
            case PipelineFailure.attemptTimedOut:
                return policy.retriesTimeouts && request.isIdempotent ? backoff : nil
            default:
                return nil
            }
        }
    }
}

/// Rejects calls while the host's (or endpoint's) breaker is open, and feeds it outcomes. With
/// instances (``Discovery``), a failed attempt counts only when no instance is healthy.
struct CircuitBreakerStage: ConditionalStage {
    let state: ResilienceState
    let observer: CallObserver

    func passesThrough(_ request: PipelineRequest) -> Bool { request.policy.circuitBreaker.mode == .disabled }

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        guard let admitted = try admit(request, now: nil) else { return try await next(request) }
        let response: TransportResponse
        do {
            response = try await next(request)
        } catch {
            record(admitted, of: request, failure: error)
            throw error
        }
        record(admitted, of: request, response: response)
        return response
    }

    /// A call the breaker let through, whose outcome it must be told.
    struct Admitted {
        let breaker: CircuitBreaker
        /// Whether the call is one of a half-open breaker's probes.
        let probe: Bool
        /// The clock's reading when the call began, if the caller had one.
        let started: Duration?
    }

    /// Asks the request's breaker whether it may go: `nil` when the policy has no breaker, and a
    /// ``PipelineFailure/circuitOpen(host:retryIn:)`` thrown when the circuit refuses it. `now`
    /// is a reading of the clock just made, if the caller has one: the outcome is counted at it.
    func admit(_ request: PipelineRequest, now: Duration?) throws -> Admitted? {
        let policy = request.policy.circuitBreaker
        if policy.mode == .disabled { return nil }
        let breaker =
            if policy.scope == .host, let known = request.knownHost {
                known.breaker
            } else {
                state.breaker(for: policy.key(host: request.host, endpoint: request.endpoint))
            }
        let (admission, transition) = breaker.admit(policy: policy, clock: state.clock)
        publish(transition)
        switch admission {
        case .rejected(let retryIn): throw PipelineFailure.circuitOpen(host: breaker.key, retryIn: retryIn)
        case .allowed(let probe): return Admitted(breaker: breaker, probe: probe, started: now)
        }
    }

    /// Tells the breaker how an admitted call answered: a server failure (5xx) counts against it.
    /// With instances, a failure counts only when no instance is healthy: one bad instance is
    /// outlier detection's to eject, not a reason to refuse calls the others would take.
    func record(_ admitted: Admitted, of request: PipelineRequest, response: TransportResponse) {
        let failed = response.head.status.code >= 500
        if failed, request.instances?.hasHealthyInstance == true {
            admitted.breaker.release(probe: admitted.probe)
        } else {
            let policy = request.policy.circuitBreaker
            publish(
                admitted.breaker.record(
                    failure: failed, probe: admitted.probe, policy: policy, started: admitted.started,
                    clock: state.clock))
        }
    }

    /// Tells the breaker that an admitted call failed with `error`, which counts against it when it
    /// is the host's failure (``countsAsFailure(_:)``).
    func record(_ admitted: Admitted, of request: PipelineRequest, failure error: any Error) {
        if Self.countsAsFailure(error), request.instances?.hasHealthyInstance != true {
            let policy = request.policy.circuitBreaker
            publish(
                admitted.breaker.record(
                    failure: true, probe: admitted.probe, policy: policy, started: admitted.started,
                    clock: state.clock))
        } else {
            admitted.breaker.release(probe: admitted.probe)
        }
    }

    private func publish(_ event: CircuitBreakerEvent?) {
        guard let event else { return }
        observer.breakerChanged(event)
        state.publish(event)
    }

    /// Failures of the host count; cancellation and refusals by later stages do not.
    static func countsAsFailure(_ error: any Error) -> Bool {
        if Task.isCancelled { return false }
        switch error {
        case let error as TransportError: return error.kind != .invalidRequest
        case PipelineFailure.attemptTimedOut, PipelineFailure.deadlineExceeded: return true
        default: return false
        }
    }
}

/// Spaces requests to a host by a token bucket.
struct RateLimitStage: ConditionalStage {
    let state: ResilienceState

    func passesThrough(_ request: PipelineRequest) -> Bool { request.policy.rateLimit == nil }

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        if let reservation = try reserve(request), reservation.wait > .zero { try await wait(for: reservation) }
        return try await next(request)
    }

    /// A token taken from a host's bucket, to be sent after `wait`.
    struct Reservation {
        let bucket: TokenBucket
        let policy: RateLimitPolicy
        let wait: Duration
    }

    /// Takes a token for `request`, or reserves the next one: `nil` when the policy has no rate
    /// limit, and a ``PipelineFailure/rateLimited(host:retryIn:)`` thrown when no token comes within
    /// the policy's wait.
    ///
    /// `now` is a reading of the clock just made, if the caller has one.
    func reserve(_ request: PipelineRequest, now: Duration? = nil) throws -> Reservation? {
        guard let policy = request.policy.rateLimit else { return nil }
        let bucket = request.knownHost?.bucket ?? state.bucket(for: request.host)
        switch bucket.take(policy: policy, now: now ?? state.clock.now()) {
        case .refused(let retryIn): throw PipelineFailure.rateLimited(host: request.host, retryIn: retryIn)
        case .after(let wait): return Reservation(bucket: bucket, policy: policy, wait: wait)
        }
    }

    /// Waits until a reserved token is due; a call cancelled while waiting gives its token back.
    func wait(for reservation: Reservation) async throws {
        do {
            try await state.clock.sleep(for: reservation.wait)
        } catch {
            reservation.bucket.giveBack(policy: reservation.policy)
            throw error
        }
    }
}

/// Limits the attempts in flight to a host.
struct BulkheadStage: ConditionalStage {
    let state: ResilienceState

    func passesThrough(_ request: PipelineRequest) -> Bool { request.policy.bulkhead.maxConcurrent == .max }

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        guard let bulkhead = bulkhead(for: request) else { return try await next(request) }
        if !bulkhead.tryAcquire(limit: request.policy.bulkhead.maxConcurrent) { try await wait(for: bulkhead, request) }
        defer { bulkhead.release() }
        return try await next(request)
    }

    /// The bulkhead `request` must take a permit of, or `nil` when the policy sets no limit.
    func bulkhead(for request: PipelineRequest) -> Bulkhead? {
        if request.policy.bulkhead.maxConcurrent == .max { return nil }
        return request.knownHost?.bulkhead ?? state.bulkhead(for: request.host)
    }

    /// Takes a permit of a full `bulkhead`, waiting as long as the policy allows; a
    /// ``PipelineFailure/bulkheadFull(host:limit:)`` is thrown when none comes free in time.
    func wait(for bulkhead: Bulkhead, _ request: PipelineRequest) async throws {
        let policy = request.policy.bulkhead
        guard try await bulkhead.acquire(limit: policy.maxConcurrent, maxWait: policy.maxWait, clock: state.clock)
        else {
            throw PipelineFailure.bulkheadFull(host: request.host, limit: policy.maxConcurrent)
        }
    }
}

/// Bounds one attempt by the attempt timeout and what is left of the deadline, cancelling the
/// transport call when the time is up.
///
/// The attempt runs in a task of its own, which a shared timer (``Deadlines``) cancels; the
/// caller's cancellation is passed on to it. When the transport enforces the timeout itself and
/// nothing else runs inside the attempt, the stage only hands it the limit and names its timeout.
struct AttemptTimeoutStage: Middleware {
    let state: ResilienceState
    /// Whether the transport bounds the whole exchange by `TransportRequest.timeout`, and is all
    /// that runs inside this stage, so that the timer and its task would add nothing.
    let transportEnforcesTimeout: Bool

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        let bound = try bound(request)
        var bounded = request
        bounded.transportRequest.timeout = bound.limit
        if transportEnforcesTimeout {
            do {
                return try await next(bounded)
            } catch let error as TransportError where error.kind == .timedOut {
                throw bound.failure
            }
        }
        return try await timed(bounded, bound, next: next)
    }

    /// How long one attempt may take, and what its running out means.
    struct Bound {
        /// The attempt timeout, or what is left of the call's deadline when that is shorter.
        let limit: Duration
        /// ``PipelineFailure/attemptTimedOut(_:)``, or ``PipelineFailure/deadlineExceeded(_:)``
        /// when the deadline set the limit.
        let failure: PipelineFailure
        /// When the limit was found, on the registry's clock.
        let now: Duration
    }

    /// The bound of `request`'s attempt, from `now` when the caller has just read the clock; its
    /// failure is thrown when no time is left.
    func bound(_ request: PipelineRequest, now known: Duration? = nil) throws -> Bound {
        let timeouts = request.policy.timeouts
        let now = known ?? state.clock.now()
        var limit = timeouts.attempt
        var boundByDeadline = false
        if let deadline = request.deadline {
            let remaining = deadline - now
            if remaining <= limit {
                limit = remaining
                boundByDeadline = true
            }
        }
        let failure =
            boundByDeadline ? PipelineFailure.deadlineExceeded(timeouts.total) : PipelineFailure.attemptTimedOut(limit)
        guard limit > .zero else { throw failure }
        return Bound(limit: limit, failure: failure, now: now)
    }

    /// Runs the attempt in a task of its own that the shared timer cancels when `bound` runs out,
    /// for transports that do not enforce the timeout themselves.
    func timed(_ request: PipelineRequest, _ bound: Bound, next: PipelineNext) async throws -> TransportResponse {
        let operation = Self.start { try await next(request) }
        let expired = Locked(false)
        let timer = state.deadlines.schedule(at: bound.now + bound.limit) {
            expired.withLock { $0 = true }
            operation.cancel()
        }
        defer { state.deadlines.cancel(timer) }
        do {
            return try await withTaskCancellationHandler {
                try await operation.value
            } onCancel: {
                operation.cancel()
            }
        } catch {
            if Task.isCancelled { throw error }
            if expired.current { throw bound.failure }
            if let error = error as? TransportError, error.kind == .timedOut { throw bound.failure }
            throw error
        }
    }

    /// Starts the attempt in a task of its own, which the timer can cancel and the stage can stop
    /// waiting for. Where the runtime has `Task.immediate`, the attempt runs on the calling thread
    /// until it first suspends: an attempt that needs no waiting (a cached or in-memory answer)
    /// then costs no thread hop.
    private static func start(
        _ attempt: sending @escaping @isolated(any) () async throws -> TransportResponse
    ) -> Task<TransportResponse, any Error> {
        if #available(macOS 26, iOS 26, tvOS 26, watchOS 26, visionOS 26, *) {
            return Task.immediate(operation: attempt)
        }
        return Task(operation: attempt)
    }
}
