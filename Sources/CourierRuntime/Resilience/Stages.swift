import Foundation
import HTTPTypes

/// Starts the call's total deadline, then tries again what the policy allows, after a jittered
/// backoff or the server's `Retry-After`, within the deadline and the host's retry budget.
struct RetryStage: Middleware {
    let state: ResilienceState
    let observer: CallObserver

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        let policy = request.policy.retry
        let clock = state.clock
        let budget = policy.budget.map {
            (policy: $0, bucket: request.knownHost?.budget ?? state.budget(for: request.host))
        }
        if let budget { budget.bucket.recordRequest(policy: budget.policy) }
        var attempt = request
        if attempt.deadline == nil { attempt.deadline = clock.now() + request.policy.timeouts.total }
        while true {
            let outcome: Result<TransportResponse, any Error>
            do {
                outcome = .success(try await next(attempt))
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
        let policy = request.policy.circuitBreaker
        if policy.mode == .disabled { return try await next(request) }
        let key = policy.key(host: request.host, endpoint: request.endpoint)
        let breaker =
            policy.scope == .host ? request.knownHost?.breaker ?? state.breaker(for: key) : state.breaker(for: key)
        let (admission, transition) = breaker.admit(policy: policy, now: state.clock.now())
        publish(transition)
        let probe: Bool
        switch admission {
        case .rejected(let retryIn): throw PipelineFailure.circuitOpen(host: key, retryIn: retryIn)
        case .allowed(let isProbe): probe = isProbe
        }
        do {
            let response = try await next(request)
            let failed = response.head.status.code >= 500
            // With instances, a failure counts only when no instance is healthy: one bad instance
            // is outlier detection's to eject, not a reason to refuse calls the others would take.
            if failed, request.routing?.pool.hasHealthyInstance == true {
                breaker.release(probe: probe)
            } else {
                publish(breaker.record(failure: failed, probe: probe, policy: policy, now: state.clock.now()))
            }
            return response
        } catch {
            if Self.countsAsFailure(error), request.routing?.pool.hasHealthyInstance != true {
                publish(breaker.record(failure: true, probe: probe, policy: policy, now: state.clock.now()))
            } else {
                breaker.release(probe: probe)
            }
            throw error
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
        guard let policy = request.policy.rateLimit else { return try await next(request) }
        let bucket = request.knownHost?.bucket ?? state.bucket(for: request.host)
        switch bucket.take(policy: policy, now: state.clock.now()) {
        case .refused(let retryIn):
            throw PipelineFailure.rateLimited(host: request.host, retryIn: retryIn)
        case .after(let wait):
            if wait > .zero {
                do {
                    try await state.clock.sleep(for: wait)
                } catch {
                    bucket.giveBack(policy: policy)
                    throw error
                }
            }
            return try await next(request)
        }
    }
}

/// Limits the attempts in flight to a host.
struct BulkheadStage: ConditionalStage {
    let state: ResilienceState

    func passesThrough(_ request: PipelineRequest) -> Bool { request.policy.bulkhead.maxConcurrent == .max }

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        let policy = request.policy.bulkhead
        if policy.maxConcurrent == .max { return try await next(request) }
        let bulkhead = request.knownHost?.bulkhead ?? state.bulkhead(for: request.host)
        guard try await bulkhead.acquire(limit: policy.maxConcurrent, maxWait: policy.maxWait, clock: state.clock)
        else {
            throw PipelineFailure.bulkheadFull(host: request.host, limit: policy.maxConcurrent)
        }
        defer { bulkhead.release() }
        return try await next(request)
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
        let timeouts = request.policy.timeouts
        let now = state.clock.now()
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
        if transportEnforcesTimeout {
            do {
                // The request goes on as it came when its timeout is already the limit, as on a
                // first attempt far from the deadline: no copy.
                if request.transportRequest.timeout == limit { return try await next(request) }
                var bounded = request
                bounded.transportRequest.timeout = limit
                return try await next(bounded)
            } catch let error as TransportError where error.kind == .timedOut {
                throw failure
            }
        }
        var bounded = request
        bounded.transportRequest.timeout = limit
        let attempt = bounded
        let operation = Self.start { try await next(attempt) }
        let expired = Locked(false)
        let timer = state.deadlines.schedule(at: now + limit) {
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
            if expired.current { throw failure }
            if let error = error as? TransportError, error.kind == .timedOut { throw failure }
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
