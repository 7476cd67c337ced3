import Foundation
import HTTPTypes

/// One request on its way through the pipeline, with what the stages need to know about it.
public struct PipelineRequest: Sendable {
    /// The request as the transport will send it; middleware may change its header fields.
    public var transportRequest: TransportRequest
    /// What is the same for every call of an endpoint on one client (names, policy, secrets),
    /// shared between them: copying a request from stage to stage copies one reference for it.
    let context: CallContext
    /// The attempt number, from 1; set by the retry stage.
    public internal(set) var attempt: Int = 1
    /// When the whole call must end, on the registry's clock; set by the retry stage.
    public internal(set) var deadline: Duration?
    /// What the observation stages gather about the call; set by the call observation stage.
    var facts: Locked<CallFacts>?
    /// The instances the call's attempts have gone to, when the client balances over instances
    /// and the call is retried or hedged.
    var routing: CallRouting?
    /// The head's `:authority` before an attempt was routed to an instance; `nil` until then.
    var routedFrom: String?

    /// The client's instances, when it balances over them.
    var instances: InstancePool? { context.instances ?? routing?.pool }

    /// The service, as the spec names it.
    public var service: String { context.service }
    /// The endpoint, as the spec names it.
    public var endpoint: String { context.endpoint }
    /// The effective policy of this call.
    public var policy: ResiliencePolicy { context.policy }
    /// Whether sending the request twice is safe: an idempotent method or an idempotency key.
    public var isIdempotent: Bool { context.isIdempotent }
    /// The endpoint's `tags:` in the spec, which select middleware made with
    /// ``Middleware/forEndpoints(tagged:)``.
    public var tags: [String] { context.tags }
    /// The header fields and query items that carry secrets.
    var secrets: SecretFields { context.secrets }

    /// The state of the request's host without a lookup by name, when the client found it.
    var knownHost: ResilienceState.HostState? {
        guard let hostState = context.hostState, hostState.host == host else { return nil }
        return hostState
    }

    /// The host whose state (circuit breaker, bulkhead, rate limit, retry budget) the request
    /// uses: the authority it was built with, the server's. An attempt routed to one of the
    /// service's instances has the instance's address in its head's `:authority`, and still this
    /// host.
    public var host: String { routedFrom ?? transportRequest.head.authority ?? "" }

    init(transportRequest: TransportRequest, context: CallContext) {
        self.transportRequest = transportRequest
        self.context = context
    }

    init(
        transportRequest: TransportRequest, service: String, endpoint: String, policy: ResiliencePolicy,
        isIdempotent: Bool,
        tags: [String] = [],
        secrets: SecretFields
    ) {
        self.init(
            transportRequest: transportRequest,
            context: CallContext(
                service: service, endpoint: endpoint, policy: policy, isIdempotent: isIdempotent, tags: tags,
                secrets: secrets, hostState: nil))
    }
}

/// What the stages need to know about a call that does not change from one call of an endpoint
/// on a client to the next, unless the call overrides its policy.
final class CallContext: Sendable {
    /// The service, as the spec names it.
    let service: String
    /// The endpoint, as the spec names it.
    let endpoint: String
    /// The effective policy of the calls.
    let policy: ResiliencePolicy
    /// Whether sending a request twice is safe: an idempotent method or an idempotency key.
    let isIdempotent: Bool
    /// The endpoint's `tags:` in the spec.
    let tags: [String]
    /// The header fields and query items that carry secrets.
    let secrets: SecretFields
    /// The client's host state, found when the client was made; `nil` for requests made otherwise.
    let hostState: ResilienceState.HostState?
    /// `service.endpoint`: the name of the call's span.
    let spanName: String
    /// The client's instances, when it balances over them.
    let instances: InstancePool?

    init(
        service: String, endpoint: String, policy: ResiliencePolicy, isIdempotent: Bool, tags: [String],
        secrets: SecretFields, hostState: ResilienceState.HostState?, instances: InstancePool? = nil
    ) {
        self.instances = instances
        self.service = service
        self.endpoint = endpoint
        self.policy = policy
        self.isIdempotent = isIdempotent
        self.tags = tags
        self.secrets = secrets
        self.hostState = hostState
        self.spanName = service + "." + endpoint
    }

    /// The same context with another policy: a call's own resilience overrides.
    func with(policy: ResiliencePolicy) -> CallContext {
        CallContext(
            service: service, endpoint: endpoint, policy: policy, isIdempotent: isIdempotent, tags: tags,
            secrets: secrets, hostState: hostState, instances: instances)
    }
}

/// The rest of the pipeline, as seen from one stage: `try await next(request)` sends the request
/// on through the stages after it and the transport.
///
/// A value, not a closure, so that linking a call through the stages allocates nothing. To test
/// your own middleware alone, make one from a closure that stands for the rest of the pipeline.
public struct PipelineNext: Sendable {
    private enum Rest: Sendable {
        case stages(Pipeline, from: Int)
        case closure(@Sendable (PipelineRequest) async throws -> TransportResponse)
    }

    private let rest: Rest

    /// The stages of `pipeline` from `index` on, then its transport.
    init(_ pipeline: Pipeline, from index: Int) {
        rest = .stages(pipeline, from: index)
    }

    /// A stand-in for the rest of a pipeline that answers with `send`, for testing middleware.
    public init(_ send: @escaping @Sendable (PipelineRequest) async throws -> TransportResponse) {
        rest = .closure(send)
    }

    /// Sends `request` through the rest of the pipeline and returns its response.
    @inline(__always)
    public func callAsFunction(_ request: consuming PipelineRequest) async throws -> TransportResponse {
        switch rest {
        case .stages(let pipeline, var index):
            // Stages with nothing to do for this request are stepped over, and the next stage is
            // called from here rather than through a function of the pipeline: each costs an
            // async frame.
            while index < pipeline.stages.count, pipeline.conditional[index]?.passesThrough(request) == true {
                index += 1
            }
            guard index < pipeline.stages.count else {
                return try await pipeline.transport.send(request.transportRequest)
            }
            return try await pipeline.stages[index].intercept(
                consume request, next: PipelineNext(pipeline, from: index + 1))
        case .closure(let send):
            return try await send(request)
        }
    }
}

/// One stage of the call pipeline: it may change the request, decide whether and how often to
/// call `next`, and change or replace the response.
///
/// Courier's own stages run in this order, outermost first: observe call → cache → coalesce
/// identical GETs → retry within the total deadline → hedge → circuit breaker → rate limiter →
/// bulkhead → choose an instance (with ``Discovery``) → attempt timeout → observe attempt → **your middleware** → transport. Yours
/// (``ClientConfiguration/middleware``, first in the list is outermost) therefore runs once per
/// attempt, inside the attempt timeout and the attempt's span, with the final header fields
/// (trace context included): the place to sign requests or add per-attempt headers. Throw a
/// ``TransportError`` to fail the attempt the way a transport would
/// (``TransportError/Kind/connectionFailed`` is retried for any method).
public protocol Middleware: Sendable {
    /// Handles `request`, usually by calling `next` once.
    ///
    /// The request is the stage's own (`consuming`), so that a stage may change it without
    /// copying what it holds; an implementation may still take it borrowed, as
    /// `func intercept(_ request: PipelineRequest, next: PipelineNext)`.
    func intercept(_ request: consuming PipelineRequest, next: PipelineNext) async throws -> TransportResponse
}

extension Middleware {
    /// This middleware for the endpoints whose spec lists `tag` under `tags:` only; the others
    /// skip it.
    ///
    /// ```swift
    /// configuration.middleware = [RequestSigner(key: key).forEndpoints(tagged: "writes")]
    /// ```
    public func forEndpoints(tagged tag: String) -> TaggedMiddleware<Self> {
        TaggedMiddleware(tag: tag, self)
    }
}

/// Middleware that runs for the endpoints with a tag only; make one with
/// ``Middleware/forEndpoints(tagged:)``.
public struct TaggedMiddleware<Wrapped: Middleware>: Middleware, ConditionalStage {
    /// The tag an endpoint must list for ``wrapped`` to run.
    public let tag: String
    /// The middleware that runs for tagged endpoints.
    public let wrapped: Wrapped

    /// `wrapped`, for the endpoints tagged `tag`.
    public init(tag: String, _ wrapped: Wrapped) {
        self.tag = tag
        self.wrapped = wrapped
    }

    /// Runs ``wrapped`` when the request's endpoint is tagged ``tag``; otherwise passes it on.
    public func intercept(_ request: consuming PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        guard request.tags.contains(tag) else { return try await next(consume request) }
        return try await wrapped.intercept(consume request, next: next)
    }

    func passesThrough(_ request: PipelineRequest) -> Bool { !request.tags.contains(tag) }
}

/// A stage of Courier's that, for some requests, would only pass the request on and return the
/// response unchanged; the pipeline then skips it.
protocol ConditionalStage: Middleware {
    /// Whether ``Middleware/intercept(_:next:)`` would do nothing but call `next` with `request`.
    func passesThrough(_ request: PipelineRequest) -> Bool
}

/// Why a stage refused or ended a call; turned into ``ClientError`` cases by the runtime.
enum PipelineFailure: Error, Sendable {
    /// The circuit for `host` is open; it may close after `retryIn`.
    case circuitOpen(host: String, retryIn: Duration)
    /// The bulkhead for `host` is full.
    case bulkheadFull(host: String, limit: Int)
    /// The rate limiter for `host` has no token within the allowed wait.
    case rateLimited(host: String, retryIn: Duration)
    /// One attempt took longer than its limit.
    case attemptTimedOut(Duration)
    /// The whole call took longer than its total timeout.
    case deadlineExceeded(Duration)
}

/// Runs a request through the stages, outermost first, then the transport.
///
/// A class, so that each stage's ``PipelineNext`` holds one reference rather than a copy of the
/// stage list.
final class Pipeline: Sendable {
    let stages: [any Middleware]
    /// For each stage, itself when it may pass requests through, found once here rather than by a
    /// cast on every call.
    let conditional: [(any ConditionalStage)?]
    let transport: any HTTPTransport

    init(stages: [any Middleware], transport: any HTTPTransport) {
        self.stages = stages
        self.conditional = stages.map { $0 as? any ConditionalStage }
        self.transport = transport
    }

    @inline(__always)
    func run(_ request: consuming PipelineRequest) async throws -> TransportResponse {
        try await PipelineNext(self, from: 0)(consume request)
    }
}
