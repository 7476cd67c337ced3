import Foundation
import HTTPTypes

/// Runs the calls of one generated client: builds the HTTP request, applies credentials, sends it
/// through the resilience pipeline and the transport, and turns the response into a result or a
/// ``ClientError``.
///
/// The pipeline, outermost first: observe call → cache → coalesce identical GETs → retry within
/// the total deadline → hedge → circuit breaker → rate limiter → bulkhead → choose an instance (with
/// ``ClientConfiguration/discovery``) → attempt timeout → observe attempt → the configuration's
/// ``Middleware`` → transport.
///
/// A generated client holds one and shares it between its copies.
public final class ServiceRuntime: Sendable {
    /// The configuration the client was created with. The settings a running client can change
    /// (``settings``: the base URL, the resilience overrides, the instances) may differ since.
    public let configuration: ClientConfiguration
    /// The settings calls start with now; each call reads them once, when it starts.
    private let live: Locked<LiveSettings>
    /// Held by ``update(_:)`` from reading the settings to replacing them.
    private let updating = Locked(())
    let pipeline: Pipeline
    /// Reports calls and streams to the configured logger, metrics and tracer.
    let observer: CallObserver
    private let secrets: SecretFields
    /// Whether the observation stages run; without them an open circuit can refuse a call before
    /// it is built.
    private let observing: Bool
    /// The resilience state of the server's host, found once.
    /// Each credential as requests carry it, by scheme name, made once instead of on every call.
    private let appliedCredentials: [String: AppliedCredential]
    /// The service's instances, when the configuration has ``ClientConfiguration/discovery``.
    let instances: InstancePool?
    /// The calls in flight, and whether new ones are let in.
    let gate = CallGate()
    /// The channels this client opened, closed when it shuts down.
    let channels = OpenChannels()
    /// Clients of the spec's other servers that fallbacks call, by URL, made when first needed.
    private let fallbackRuntimes = Locked<[ServerURL: ServiceRuntime]>([:])

    /// A credential ready to add to a request. Its description and mirror name the kind only.
    private enum AppliedCredential: Sendable, CustomStringConvertible, CustomReflectable {
        /// A header field: `Authorization` or an API key's.
        case field(HTTPField)
        /// A query item, already percent-encoded.
        case queryItem(String)
        /// A credential that cannot be sent, and why.
        case invalid(String)

        /// HTTPTypes would quietly turn a line break in a value into a space; a credential with one
        /// is refused instead, since it is certainly not what the server expects.
        init(_ credential: Credential) {
            if let problem = Self.lineBreakProblem(in: credential) {
                self = .invalid(problem)
                return
            }
            switch credential {
            case .bearer(let token):
                self = .field(HTTPField(name: .authorization, value: "Bearer \(token.value)"))
            case .basic(let username, let password):
                let pair = Data("\(username):\(password.value)".utf8).base64EncodedString()
                self = .field(HTTPField(name: .authorization, value: "Basic \(pair)"))
            case .apiKeyHeader(let name, let key):
                guard let fieldName = HTTPField.Name(name) else {
                    self = .invalid("'\(name)' is not a valid header field name for an API key")
                    return
                }
                self = .field(HTTPField(name: fieldName, value: key.value))
            case .apiKeyQuery(let name, let key):
                self = .queryItem(
                    PercentEncoding.queryComponent(name) + "=" + PercentEncoding.queryComponent(key.value))
            }
        }

        /// `header field Authorization`, `query item`, or why it is invalid; never the value.
        var description: String {
            switch self {
            case .field(let field): "header field \(field.name.canonicalName)"
            case .queryItem: "query item"
            case .invalid(let problem): "invalid: \(problem)"
            }
        }

        /// No children: the field or item holds the secret.
        var customMirror: Mirror { Mirror(self, children: [:], displayStyle: .enum) }

        /// Why `credential` cannot go into a header field, if it cannot. (A query item is
        /// percent-encoded, so any value can.)
        private static func lineBreakProblem(in credential: Credential) -> String? {
            switch credential {
            case .basic(let username, _) where !HeaderValidation.isSafe(username):
                "the basic credential's username contains a line break or NUL"
            case .bearer(let secret), .basic(_, let secret), .apiKeyHeader(_, let secret):
                HeaderValidation.isSafe(secret.value)
                    ? nil : "the \(credential) credential contains a line break or NUL"
            case .apiKeyQuery:
                nil
            }
        }
    }

    /// Creates the runtime for a client.
    public init(configuration: ClientConfiguration) {
        self.configuration = configuration
        let state = configuration.resilienceState
        let secrets = SecretFields(
            credentials: configuration.credentials, redacting: configuration.observability.redactedHeaderFields)
        let observer = CallObserver(configuration.observability, secrets: secrets)
        // With no logger, metrics backend or tracer, the observation stages would only make spans
        // and metrics that go nowhere; they are left out.
        let observing = !observer.isSilent
        var stages: [any Middleware] = observing ? [ObserveCallStage(observer: observer, clock: state.clock)] : []
        let instances = configuration.discovery.map {
            InstancePool(
                discovery: $0, service: configuration.server.authority, clock: state.clock, random: state.random,
                deadlines: state.deadlines, observer: observer, transport: configuration.transport,
                headerFields: configuration.headerFields, pathPrefix: configuration.server.pathPrefix)
        }
        stages += [
            CacheStage(cache: configuration.responseCache, state: state, observer: observer),
            CoalescingStage(flights: Coalescer()),
            ResilienceStage(
                retry: RetryStage(state: state, observer: observer),
                hedge: HedgeStage(state: state, observer: observer, latencies: LatencyWindows()),
                breaker: CircuitBreakerStage(state: state, observer: observer),
                rateLimit: RateLimitStage(state: state),
                bulkhead: BulkheadStage(state: state),
                balancing: instances.map(BalancingStage.init(pool:)),
                // The transport's own bound suffices only if nothing else runs inside the attempt.
                timeout: AttemptTimeoutStage(
                    state: state,
                    transportEnforcesTimeout: configuration.transport.enforcesTimeout
                        && configuration.middleware.isEmpty)),
        ]
        if observing { stages.append(ObserveAttemptStage(observer: observer, clock: state.clock)) }
        self.pipeline = Pipeline(stages: stages + configuration.middleware, transport: configuration.transport)
        self.observer = observer
        self.secrets = secrets
        self.observing = observing
        self.appliedCredentials = configuration.credentials.byName.mapValues(AppliedCredential.init)
        self.live = Locked(
            LiveSettings(
                RuntimeSettings(
                    server: configuration.server, resilience: configuration.resilience,
                    endpointResilience: configuration.endpointResilience,
                    instances: (configuration.discovery?.resolver as? StaticInstanceResolver)?.instances),
                state: state))
        self.instances = instances
    }

    /// The settings new calls start with.
    public var settings: RuntimeSettings { live.current.settings }

    /// Changes the settings of the running client: calls that start afterwards use the new ones;
    /// calls in flight finish with those they started with. The change is logged (notice).
    ///
    /// `instances` replaces the instances of a client whose discovery is a list
    /// (`Discovery.instances`); a client that finds its instances through DNS keeps looking them
    /// up, and one without discovery has none to replace.
    ///
    /// Updates run one at a time, so two at once both apply; `change` may read ``settings`` but
    /// must not call `update` itself.
    public func update(_ change: (inout RuntimeSettings) -> Void) {
        let state = configuration.resilienceState
        let listed = instances.map { $0.discovery.resolver is StaticInstanceResolver } ?? false
        let (before, after, ignored) = updating.withLock { _ -> (RuntimeSettings, RuntimeSettings, Bool) in
            let before = live.current.settings
            var after = before
            change(&after)
            let ignored = !listed && after.instances != nil
            if !listed { after.instances = nil }
            let next = LiveSettings(after, state: state)
            live.withLock { $0 = next }
            // Under the same lock, so that the pool ends with the instances of the last update.
            if let instances = after.instances, instances != before.instances { self.instances?.replace(instances) }
            return (before, after, ignored)
        }
        if ignored { observer.settingsIgnored("instances", service: configuration.server.authority) }
        observer.settingsChanged(before.changes(to: after), service: configuration.server.authority)
    }

    /// How the service's instances stand, or `nil` when the client sends every call to its server.
    public func instanceHealth() -> ServiceHealth? {
        instances?.health()
    }

    /// Changes to the service's instances (found, gone, ejected, back, a failed look-up) from now
    /// on; the sequence ends when the client shuts down. Empty when the client has no
    /// ``ClientConfiguration/discovery``.
    public var instanceChanges: AsyncStream<InstanceEvent> {
        guard let instances else { return AsyncStream { $0.finish() } }
        return instances.changes()
    }

    /// Chooses an instance as an attempt would, and hands it back as if the attempt succeeded,
    /// waiting for the first look-up if need be. `nil` without discovery.
    @_spi(Benchmarks)
    public func chooseInstance() async throws -> ServiceInstance? {
        guard let instances else { return nil }
        let pick: InstancePool.Pick
        if let now = try instances.pickNow(avoiding: nil) {
            pick = now
        } else {
            pick = try await instances.pick(avoiding: nil, timeout: .seconds(10))
        }
        instances.finish(pick, failed: false)
        return pick.instance
    }

    /// Chooses an instance and hands it back as ``chooseInstance()`` does, without suspending,
    /// as an attempt's balancing step does: what the benchmarks measure of balancing alone.
    /// `nil` without discovery or before the first look-up has found instances.
    @_spi(Benchmarks)
    public func chooseInstanceNow() throws -> ServiceInstance? {
        // Reached through the optional rather than bound, so that the pool is not retained: the
        // weak references its background tasks hold make its reference counting slow.
        guard let pick = try instances?.pickNow(avoiding: nil) else { return nil }
        instances?.finish(pick, failed: false)
        return pick.instance
    }

    /// Starts looking the service's instances up now rather than with the first call.
    public func start() {
        instances?.start()
    }

    /// Shuts the client down at once: new calls, streams and channels are refused with
    /// ``ClientError/shutDown``, open channels close (code 1001, going away), and instance look-ups
    /// and health checks end. Calls in flight go on; streams end at their next reconnection.
    /// Releasing the last copy of a client ends its background work too.
    public func shutdown() {
        gate.close()
        instances?.stop()
        let channels = self.channels
        Task { await channels.closeAll(WebSocketClose(code: .goingAway, reason: "the client shut down")) }
    }

    /// Shuts the client down gracefully: new calls are refused with ``ClientError/shutDown`` at
    /// once, open channels close (code 1001), and the calls in flight get up to `gracePeriod` to
    /// finish before instance look-ups and health checks end. Returns when they have finished or
    /// the period is over.
    public func shutdown(gracePeriod: Duration) async {
        gate.close()
        await channels.closeAll(WebSocketClose(code: .goingAway, reason: "the client is shutting down"))
        await gate.drain(within: gracePeriod, clock: configuration.resilienceState.clock)
        instances?.stop()
    }

    /// Calls let in and not yet finished.
    public var callsInFlight: Int { gate.callsInFlight }

    /// Whether new calls are let in: `false` once the client has begun shutting down.
    public var acceptsCalls: Bool { gate.isOpen }

    /// Sends `request` for `operation` and returns its decoded result with the response's
    /// metadata. Generated clients call it; other code calls their methods.
    ///
    /// Inlinable, so that the generated client's module specializes it for the endpoint's output
    /// and errors: unspecialized generic async code would look their metadata up and allocate
    /// room for their values on every call. All of a call up to its response is in
    /// ``prepareCall(_:_:options:)`` and ``transmit(_:)``, which are not generic.
    @_spi(Generated)
    @inlinable
    public func send<Output, Declared>(
        _ operation: Operation<Output, Declared>,
        _ request: RequestBuilder,
        options: RequestOptions
    ) async throws(ClientError<Declared>) -> Response<Output> {
        guard enterCall() else { throw .shutDown }
        defer { leaveCall() }
        do {
            return try await sendOnce(operation, request, options: options)
        } catch {
            guard operation.endpoint.hasFallback else { throw error }
            return try await fallingBack(operation, request, options: options, after: error)
        }
    }

    /// Lets a call in, unless the client is shutting down.
    @usableFromInline
    func enterCall() -> Bool { gate.enter() }

    /// Counts a call let in by ``enterCall()`` as finished.
    @usableFromInline
    func leaveCall() { gate.leave() }

    /// The decoded result of a call, checked against the spec's constraints as configured.
    /// Inlinable, as ``send(_:_:options:)`` is.
    @_spi(Generated)
    @inlinable
    public func result<Output, Declared>(
        of operation: Operation<Output, Declared>, _ response: TransportResponse, to method: HTTPRequest.Method,
        options: RequestOptions
    ) throws(ClientError<Declared>) -> Response<Output> {
        let value = try interpret(response, to: method, for: operation)
        let validation = options.responseValidation ?? configuration.responseValidation
        if validation != .off { try check(value, of: response, for: operation, validation) }
        let metadata = ResponseMetadata(
            status: response.head.status, headerFields: response.head.headerFields, attempts: response.attempts,
            source: response.source)
        return Response(value: value, metadata: metadata)
    }

    /// The answer of the endpoint's fallback to a call that failed with `failure`, when the
    /// failure allows one; otherwise `failure` again.
    @_spi(Generated)
    public func fallingBack<Output, Declared>(
        _ operation: Operation<Output, Declared>, _ request: RequestBuilder, options: RequestOptions,
        after failure: ClientError<Declared>
    ) async throws(ClientError<Declared>) -> Response<Output> {
        guard let fallback = operation.fallback, FallbackPolicy.answers(failure), !Task.isCancelled else {
            throw failure
        }
        return try await answer(operation, request, options: options, with: fallback, after: failure)
    }

    /// One call through the pipeline, without its fallback: what ``send(_:_:options:)`` tries
    /// first, and a fallback's call to its own server. Inlinable, as `send` is.
    @_spi(Generated)
    @inlinable
    public func sendOnce<Output, Declared>(
        _ operation: Operation<Output, Declared>,
        _ request: RequestBuilder,
        options: RequestOptions
    ) async throws(ClientError<Declared>) -> Response<Output> {
        let response: TransportResponse
        do {
            // Prepared without suspending, so that a call refused before it is sent (an open
            // circuit, an invalid request) costs no async frame of its own.
            let prepared = try prepareCall(operation.endpoint, request, options: options)
            response = try await transmit(consume prepared)
        } catch {
            throw error.declaring(Declared.self)
        }
        return try result(of: operation, response, to: request.method, options: options)
    }

    /// Sends a request made by ``prepareCall(_:_:options:)`` through the pipeline.
    @_spi(Generated)
    public func transmit(
        _ request: consuming PipelineRequest
    ) async throws(ClientError<NoDeclaredError>) -> TransportResponse {
        try await exchange(consume request, as: NoDeclaredError.self)
    }

    /// One call of `endpoint` ready for the pipeline: its plan, policy and request; throws when
    /// the call is refused before it is sent (an invalid request, an open circuit).
    @_spi(Generated)
    public func prepareCall(
        _ endpoint: EndpointInfo, _ request: RequestBuilder, options: RequestOptions
    ) throws(ClientError<NoDeclaredError>) -> PipelineRequest {
        let live = live.current
        let plan = plan(for: endpoint, method: request.method, live)
        let context = try context(of: endpoint, request, options: options, plan)
        if let refusal = openCircuitRefusal(endpoint, request, context: context, live) { throw refusal }
        let server = live.settings.server
        let timeout = context.policy.timeouts.attempt
        let transportRequest: TransportRequest
        if let planned = try self.request(from: plan, request, options: options, timeout: timeout, server: server) {
            transportRequest = planned
        } else {
            transportRequest = try prepare(endpoint, request, options: options, timeout: timeout, server: server)
        }
        return PipelineRequest(transportRequest: transportRequest, context: context)
    }

    /// The stages' context of a call: its plan's, unless the call overrides the policy or is sent
    /// with another method than the endpoint's.
    private func context(
        of operation: EndpointInfo, _ request: RequestBuilder, options: RequestOptions, _ plan: EndpointPlan
    ) throws(ClientError<NoDeclaredError>) -> CallContext {
        var context = plan.context
        if !options.overridesResilience {
            if let problem = plan.policyProblem {
                throw .invalidRequest("resilience settings of '\(operation.name)': \(problem)")
            }
        } else {
            let policy = plan.policy.applying(options.resilience)
            if let problem = policy.problem {
                throw .invalidRequest("resilience settings of '\(operation.name)': \(problem)")
            }
            context = context.with(policy: policy)
        }
        if request.method != plan.method {
            context = CallContext(
                service: context.service, endpoint: context.endpoint, policy: context.policy,
                isIdempotent: operation.hasIdempotencyKey || Self.idempotentMethods.contains(request.method),
                tags: context.tags, secrets: context.secrets, hostState: context.hostState,
                instances: context.instances)
        }
        return context
    }

    /// The events of a streaming endpoint, connecting when iteration starts and resuming after
    /// `lastEventID` when one is given. Generated clients call it; other code calls their methods.
    @_spi(Generated)
    public func events<Element, Declared>(
        _ operation: StreamOperation<Element, Declared>,
        _ request: RequestBuilder,
        lastEventID: String? = nil,
        options: RequestOptions
    ) -> EventStream<Element, Declared> {
        let live = live.current
        var resilience = operation.resilience.applying(live.settings.resilience)
        if let endpoint = live.settings.endpointResilience[operation.name] {
            resilience = resilience.applying(endpoint)
        }
        resilience = resilience.applying(options.resilience)
        var effective = operation
        effective.resilience = resilience
        let prepared: Result<TransportRequest, ClientError<Declared>>
        if let problem = resilience.problem ?? operation.stream.reconnect.problem {
            prepared = .failure(.invalidRequest("resilience settings of '\(operation.name)': \(problem)"))
        } else {
            prepared = Result { () throws(ClientError<Declared>) in
                try prepare(
                    operation, request, options: options, timeout: resilience.timeouts.attempt,
                    server: live.settings.server)
            }
        }
        let connector = StreamConnector(
            operation: effective, request: prepared, gate: gate, transport: configuration.transport,
            state: configuration.resilienceState, host: live.hostState, observer: observer, instances: instances,
            lastEventID: lastEventID)
        return EventStream(connector: connector)
    }

    /// The policy of one call: the spec's, then the client's, the client's for this endpoint, and the call's.
    func effectivePolicy<Output, Declared>(
        for operation: Operation<Output, Declared>, options: RequestOptions, _ live: LiveSettings? = nil
    ) -> ResiliencePolicy {
        effectivePolicy(for: operation.endpoint, options: options, live)
    }

    /// The policy of one call of `operation`: the spec's, then the client's, the client's for this
    /// endpoint, and the call's.
    func effectivePolicy(
        for operation: EndpointInfo, options: RequestOptions, _ live: LiveSettings? = nil
    ) -> ResiliencePolicy {
        let live = live ?? self.live.current
        var policy = operation.resilience.applying(live.settings.resilience)
        if let endpoint = live.settings.endpointResilience[operation.name] { policy = policy.applying(endpoint) }
        return policy.applying(options.resilience)
    }

    /// The refusal of a call whose circuit is open, decided before the request is built: failing
    /// fast is what an open circuit is for. It applies only where the pipeline would refuse the
    /// call the same way and nothing else would see it: no observation stages, no cache (which may
    /// serve a stale copy instead), and a request that is otherwise valid. The call still counts
    /// toward the host's retry budget, as in the pipeline.
    private func openCircuitRefusal(
        _ operation: EndpointInfo, _ request: RequestBuilder, context: CallContext, _ live: LiveSettings
    ) -> ClientError<NoDeclaredError>? {
        let breakerPolicy = context.policy.circuitBreaker
        guard !observing, context.policy.cache == nil, breakerPolicy.mode != .disabled,
            live.settings.server.problem == nil, request.problem == nil
        else { return nil }
        let state = configuration.resilienceState
        let hostState = live.hostState
        let breaker =
            breakerPolicy.scope == .host
            ? hostState.breaker
            : state.breaker(for: breakerPolicy.key(host: live.settings.server.authority, endpoint: operation.name))
        guard let retryIn = breaker.refusal(policy: breakerPolicy, clock: state.clock) else { return nil }
        if let budget = context.policy.retry.budget { hostState.budget.recordRequest(policy: budget) }
        return .circuitOpen(host: breaker.key, retryIn: retryIn)
    }

    /// Methods whose requests may be sent twice without changing the outcome (RFC 9110 §9.2.2).
    static let idempotentMethods: Set<HTTPRequest.Method> = [.get, .head, .options, .put, .delete, .trace]

    /// Methods that change nothing on the server (RFC 9110 §9.2.1); any other invalidates cached responses.
    static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options, .trace]

    // MARK: - Building

    func prepare<Endpoint: EndpointDescription>(
        _ operation: Endpoint,
        _ request: RequestBuilder,
        options: RequestOptions = RequestOptions(),
        timeout: Duration = .seconds(10),
        server: ServerURL? = nil
    ) throws(ClientError<Endpoint.Declared>) -> TransportRequest {
        let server = server ?? live.current.settings.server
        if let problem = server.problem { throw .invalidRequest("base URL \(problem)") }
        if let problem = configuration.discovery?.problem { throw .invalidRequest(problem) }
        if let problem = request.problem { throw .invalidRequest(problem, violation: request.violation) }

        let fields: HTTPFields
        let credentialItem: String?
        do {
            (fields, credentialItem) = try headerFields(
                for: operation, request: request.headerFields, options: options.headerFields)
        } catch {
            throw .invalidRequest(error.message)
        }
        let head = HTTPRequest(
            method: request.method, scheme: server.scheme, authority: server.authority,
            path: Self.path(server.pathPrefix, request, credentialItem), headerFields: fields)
        var prepared = TransportRequest(
            head: head, body: request.body, timeout: timeout,
            maxResponseBodySize: configuration.maxResponseBodySize)
        if let streamed = request.streamedBody {
            if configuration.transport.streamsRequestBodies {
                prepared.streamedBody = streamed
            } else {
                do {
                    prepared.body = try streamed.collected()
                } catch {
                    throw .invalidRequest(error.detail)
                }
            }
        }
        prepared.redaction = secrets
        return prepared
    }

    /// The header fields of a request of `operation`: the configuration's, the request's own
    /// (`request`), `Accept`, the credential, `User-Agent` and the call's (`options`), each later
    /// one replacing an earlier field of the same name except that `Accept` and `User-Agent` only
    /// fill in. A credential sent in the query is returned apart, as an encoded query item.
    private func headerFields<Endpoint: EndpointDescription>(
        for operation: Endpoint, request: HTTPFields, options: HTTPFields
    ) throws(PlanProblem) -> (HTTPFields, credentialItem: String?) {
        var fields = configuration.headerFields
        for field in request {
            fields[field.name] = field.value
        }
        if let accept = operation.accept, fields[.accept] == nil {
            fields[.accept] = accept
        }
        var credentialItem: String?
        if let credential = operation.authSchemes.lazy.compactMap({ self.appliedCredentials[$0] }).first {
            switch credential {
            case .field(let field): fields[field.name] = field.value
            case .queryItem(let item): credentialItem = item
            case .invalid(let problem): throw PlanProblem(message: problem, isCredential: true)
            }
        }
        if fields[.userAgent] == nil {
            fields[.userAgent] = operation.userAgent
        }
        for field in options {
            fields[field.name] = field.value
        }
        return (fields, credentialItem)
    }

    /// The request target: the server's path prefix, the request's path and its query, with a
    /// credential's query item last. Written into one buffer of the right size.
    private static func path(_ prefix: String, _ request: RequestBuilder, _ credentialItem: String?) -> String {
        func forEachPiece(_ body: (String) -> Void) {
            body(prefix)
            body(request.path)
            var separator = "?"
            for item in request.queryItems {
                body(separator)
                body(item)
                separator = "&"
            }
            if let credentialItem {
                body(separator)
                body(credentialItem)
            }
        }
        var length = 0
        forEachPiece { length += $0.utf8.count }
        return String(unsafeUninitializedCapacity: length) { buffer in
            var written = 0
            forEachPiece { piece in
                var piece = piece
                piece.withUTF8 { bytes in
                    let count = min(bytes.count, buffer.count - written)
                    guard count > 0, let source = bytes.baseAddress, let target = buffer.baseAddress else { return }
                    (target + written).initialize(from: source, count: count)
                    written += count
                }
            }
            return written
        }
    }

    /// The plan of `operation`'s calls with `live` (made on the first of them).
    private func plan(
        for operation: EndpointInfo, method: HTTPRequest.Method, _ live: LiveSettings
    ) -> EndpointPlan {
        operation.plans.plan(for: live) {
            let policy = effectivePolicy(for: operation, options: RequestOptions(), live)
            let context = CallContext(
                service: operation.service, endpoint: operation.name, policy: policy,
                isIdempotent: operation.hasIdempotencyKey || Self.idempotentMethods.contains(method),
                tags: operation.tags, secrets: secrets, hostState: live.hostState, instances: instances)
            let server = live.settings.server
            let fields: Result<HTTPFields, PlanProblem>
            var credentialItem: String?
            if let problem = server.problem {
                fields = .failure(PlanProblem(message: "base URL \(problem)"))
            } else if let problem = configuration.discovery?.problem {
                fields = .failure(PlanProblem(message: problem))
            } else {
                do throws(PlanProblem) {
                    let planned = try headerFields(for: operation, request: [:], options: [:])
                    credentialItem = planned.credentialItem
                    fields = .success(planned.0)
                } catch {
                    fields = .failure(error)
                }
            }
            return EndpointPlan(
                policy: policy, context: context, method: method, headerFields: fields,
                credentialQueryItem: credentialItem)
        }
    }

    /// The request of a call with `plan`, when the call brings no header fields of its own and
    /// its body is not streamed: the plan's header fields with the call's path. `nil` otherwise, when the
    /// whole head is built by ``prepare(_:_:options:timeout:server:)``.
    private func request(
        from plan: EndpointPlan, _ request: RequestBuilder, options: RequestOptions, timeout: Duration,
        server: ServerURL
    ) throws(ClientError<NoDeclaredError>) -> TransportRequest? {
        guard request.headerFields.isEmpty, options.headerFields.isEmpty, request.streamedBody == nil else {
            return nil
        }
        let fields: HTTPFields
        switch plan.headerFields {
        case .success(let planned):
            fields = planned
        case .failure(let problem):
            // The same order as ``prepare(_:_:options:timeout:server:)``: the request's own problem
            // before the credential's.
            if problem.isCredential, let problem = request.problem {
                throw .invalidRequest(problem, violation: request.violation)
            }
            throw .invalidRequest(problem.message)
        }
        if let problem = request.problem { throw .invalidRequest(problem, violation: request.violation) }
        let head = HTTPRequest(
            method: request.method, scheme: server.scheme, authority: server.authority,
            path: Self.path(server.pathPrefix, request, plan.credentialQueryItem), headerFields: fields)
        var prepared = TransportRequest(
            head: head, body: request.body, timeout: timeout, maxResponseBodySize: configuration.maxResponseBodySize)
        prepared.redaction = secrets
        return prepared
    }

    // MARK: - Sending

    /// Sends `request` through the pipeline; inlined into its callers, as are the calls it makes,
    /// so that a call costs one async frame here rather than one per function.
    ///
    /// The request is handed over, not lent: a stage can then change it (route it to an instance)
    /// without copying the head it holds.
    @inline(__always)
    func exchange<Declared>(
        _ request: consuming PipelineRequest,
        as declared: Declared.Type
    ) async throws(ClientError<Declared>) -> TransportResponse {
        let context = request.context
        do {
            return try await pipeline.run(consume request)
        } catch {
            throw Self.clientError(for: error, context: context)
        }
    }

    /// What a failure in the pipeline of a call with `context` means to the caller.
    static func clientError<Declared>(for error: any Error, context: CallContext) -> ClientError<Declared> {
        if Task.isCancelled || error is CancellationError { return .cancelled }
        switch error {
        case let failure as PipelineFailure:
            switch failure {
            case .circuitOpen(let host, let retryIn): return .circuitOpen(host: host, retryIn: retryIn)
            case .bulkheadFull(let host, let limit): return .bulkheadFull(host: host, limit: limit)
            case .rateLimited(let host, let retryIn): return .rateLimited(host: host, retryIn: retryIn)
            case .attemptTimedOut(let limit): return .timeout(limit)
            case .deadlineExceeded(let limit): return .timeout(limit)
            }
        case let error as TransportError:
            return error.kind == .timedOut ? .timeout(context.policy.timeouts.attempt) : .transport(error)
        default:
            return .transport(TransportError(.other, detail: String(describing: error)))
        }
    }

    // MARK: - Fallbacks

    /// The answer of `fallback` to a call that failed with `failure`: a stored copy, however
    /// stale, then the same call on the fallback server. When neither answers, the call fails
    /// with `failure`.
    private func answer<Output, Declared>(
        _ operation: Operation<Output, Declared>, _ request: RequestBuilder, options: RequestOptions,
        with fallback: FallbackPolicy, after failure: ClientError<Declared>
    ) async throws(ClientError<Declared>) -> Response<Output> {
        let reason = failure.description
        if fallback.staleCache, let stored = storedResponse(operation, request, options: options) {
            do {
                let value = try interpret(stored, to: request.method, for: operation)
                let answer = FallbackAnswer(kind: .staleCache, reason: reason)
                observer.fellBack(service: operation.service, endpoint: operation.name, answer)
                let metadata = ResponseMetadata(
                    status: stored.head.status, headerFields: stored.head.headerFields, attempts: 0,
                    source: .staleCache, fallback: answer)
                return Response(value: value, metadata: metadata)
            } catch {
                // A stored copy that no longer decodes is no answer; the server may still give one.
            }
        }
        guard let name = fallback.server, let url = configuration.fallbackServers[name] ?? fallback.serverURL else {
            throw failure
        }
        do {
            var response = try await fallbackRuntime(for: url).sendOnce(operation, request, options: options)
            let answer = FallbackAnswer(kind: .server(name), reason: reason)
            observer.fellBack(service: operation.service, endpoint: operation.name, answer)
            response.metadata.fallback = answer
            return response
        } catch {
            observer.fallbackFailed(
                service: operation.service, endpoint: operation.name, server: name, error.description)
            throw failure
        }
    }

    /// The response the cache holds for this call, however stale, or `nil`.
    private func storedResponse<Output, Declared>(
        _ operation: Operation<Output, Declared>, _ request: RequestBuilder, options: RequestOptions
    ) -> TransportResponse? {
        let live = live.current
        let policy = effectivePolicy(for: operation, options: options, live)
        let prepared: TransportRequest
        do {
            prepared = try prepare(
                operation, request, options: options, timeout: policy.timeouts.attempt, server: live.settings.server)
        } catch {
            return nil
        }
        let pipelineRequest = PipelineRequest(
            transportRequest: prepared, service: operation.service, endpoint: operation.name, policy: policy,
            isIdempotent: true, secrets: secrets)
        guard let key = CacheKey(pipelineRequest),
            let entry = configuration.responseCache.entry(for: key, matching: prepared.head.headerFields)
        else { return nil }
        return entry.served(at: configuration.resilienceState.clock.now(), as: .staleCache)
    }

    /// The client of another server of the spec: this configuration, with that server and no
    /// discovery. It shares the resilience state (its host keeps its own breaker), the cache and
    /// the observability.
    private func fallbackRuntime(for url: ServerURL) -> ServiceRuntime {
        fallbackRuntimes.withLock { runtimes in
            if let runtime = runtimes[url] { return runtime }
            var configuration = configuration
            let settings = live.current.settings
            configuration.server = url
            configuration.resilience = settings.resilience
            configuration.endpointResilience = settings.endpointResilience
            configuration.discovery = nil
            let runtime = ServiceRuntime(configuration: configuration)
            runtimes[url] = runtime
            return runtime
        }
    }

    // MARK: - Interpreting

    /// Checks a decoded response against the spec's constraints: a violation is logged, or fails
    /// the call as a body that does not match the spec.
    @_spi(Generated)
    public func check<Output, Declared>(
        _ value: Output, of response: TransportResponse, for operation: Operation<Output, Declared>,
        _ validation: ResponseValidation
    ) throws(ClientError<Declared>) {
        guard let value = value as? any Validatable else { return }
        do {
            try value.validate()
        } catch {
            let status = response.head.status
            switch validation {
            case .off:
                return
            case .warn:
                observer.responseBroke(error, service: operation.service, endpoint: operation.name, status: status)
            case .error:
                throw .decoding(
                    DecodingFailure(
                        codingPath: error.pathDescription, message: error.rule.description, status: status,
                        bodyExcerpt: DecodingFailure.excerpt(of: response.body)))
            }
        }
    }

    /// A successful response becomes the output; a declared status becomes `.declared`, except for
    /// HEAD, whose responses have no body to decode, where a declared error with a body is reported
    /// as `.unexpectedStatus`; anything else becomes `.unexpectedStatus`.
    @_spi(Generated)
    public func interpret<Output, Declared>(
        _ response: TransportResponse,
        to method: HTTPRequest.Method,
        for operation: Operation<Output, Declared>
    ) throws(ClientError<Declared>) -> Output {
        let status = response.head.status
        if status.kind == .successful {
            do {
                return try operation.output.decode(response.body, status)
            } catch is UndeclaredSuccess {
                throw .unexpectedStatus(UnexpectedResponse(head: response.head, body: response.body))
            } catch {
                throw .decoding(DecodingFailure(error, status: status, body: response.body))
            }
        }
        if let route = operation.errors.first(where: { $0.status == status.code }),
            !(method == .head && route.hasBody && response.body.isEmpty)
        {
            let declared: Declared
            do {
                declared = try route.make(response.body)
            } catch {
                throw .decoding(DecodingFailure(error, status: status, body: response.body))
            }
            throw .declared(declared, response: response.head)
        }
        throw .unexpectedStatus(UnexpectedResponse(head: response.head, body: response.body))
    }
}

/// What building a request needs to know about its endpoint, whether it is called or streamed.
protocol EndpointDescription {
    /// The errors the service declares.
    associatedtype Declared: DeclaredError
    /// The spec's auth schemes the endpoint accepts, in order of preference.
    var authSchemes: [String] { get }
    /// The media type sent in `Accept`, or `nil` for none.
    var accept: String? { get }
    /// The `User-Agent` its requests carry unless the configuration or the call sets one.
    var userAgent: String { get }
}

extension EndpointInfo: EndpointDescription {
    typealias Declared = NoDeclaredError
}

extension Operation: EndpointDescription {
    var accept: String? { output.accept }
}

extension StreamOperation: EndpointDescription {
    var accept: String? { stream.format.mediaType }
}
