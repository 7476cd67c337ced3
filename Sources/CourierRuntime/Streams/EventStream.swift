import Foundation
import HTTPTypes
import Tracing

/// One event of a server-sent event stream: a value the spec describes, or an event whose name
/// it does not list, kept instead of failing the stream so that a server can add event kinds
/// without breaking its clients.
public enum StreamEvent<Value: Sendable>: Sendable {
    /// An event the spec describes, decoded.
    case value(Value)
    /// An event whose name the spec does not list, with its data as sent.
    case unknown(name: String, data: String)

    /// The decoded value, or `nil` for an unknown event.
    public var value: Value? {
        if case .value(let value) = self { return value }
        return nil
    }
}

extension StreamEvent: Equatable where Value: Equatable {}
extension StreamEvent: Hashable where Value: Hashable {}

/// A stream of server-sent events whose data decodes to `Value`: what a generated client's
/// `stream: { format: sse }` endpoint returns.
public typealias ServerSentEventStream<Value: Sendable, Declared: DeclaredError> =
    EventStream<StreamEvent<Value>, Declared>

/// How one event's data becomes a stream's element: which event names a stream knows and how
/// each one's data decodes. Generated code makes one per streaming endpoint.
///
/// The constructors are inlined into the generated code, so that decoding is specialised for the
/// concrete event types there rather than going through generic metadata on every event.
@_spi(Generated)
public struct EventDecoding<Element: Sendable>: Sendable {
    /// Decodes one event's data; each stream passes the decoder it made for itself.
    @usableFromInline
    let decode: @Sendable (_ name: String, _ data: Data, _ decoder: JSONDecoder) throws -> Element

    @usableFromInline
    init(decode: @escaping @Sendable (_ name: String, _ data: Data, _ decoder: JSONDecoder) throws -> Element) {
        self.decode = decode
    }

    /// Server-sent events: each listed name (`message` for events that name none) with how its
    /// data decodes; any other name becomes ``StreamEvent/unknown(name:data:)``.
    ///
    /// Up to eight names are found by comparing each event's name with them in turn, rather than
    /// by hashing it: a stream has few event names, and short names compare in a word or two.
    @inlinable
    public static func serverSentEvents<Value>(_ cases: [String: EventCase<Value>]) -> EventDecoding
    where Element == StreamEvent<Value> {
        guard cases.count <= 8 else {
            return EventDecoding { name, data, decoder in
                guard let match = cases[name] else {
                    return .unknown(name: name, data: String(decoding: data, as: UTF8.self))
                }
                return .value(try match.decode(data, decoder))
            }
        }
        let list = cases.sorted { $0.key < $1.key }
        return EventDecoding { name, data, decoder in
            for (caseName, match) in list where caseName == name {
                return .value(try match.decode(data, decoder))
            }
            return .unknown(name: name, data: String(decoding: data, as: UTF8.self))
        }
    }

    /// JSON Lines: every line is one JSON value of the element's type.
    @inlinable
    public static func jsonLines() -> EventDecoding where Element: Decodable {
        EventDecoding { _, data, decoder in try decoder.decode(Element.self, from: data) }
    }
}

/// How the data of one named server-sent event decodes.
@_spi(Generated)
public struct EventCase<Value: Sendable>: Sendable {
    @usableFromInline
    let decode: @Sendable (Data, JSONDecoder) throws -> Value

    @usableFromInline
    init(decode: @escaping @Sendable (Data, JSONDecoder) throws -> Value) {
        self.decode = decode
    }

    /// The data is the value, as JSON.
    @inlinable
    public static func json(_ type: Value.Type) -> EventCase where Value: Decodable {
        EventCase { data, decoder in try decoder.decode(Value.self, from: data) }
    }

    /// The data is one variant of the value, as JSON: `.json(OrderShipped.self, OrderEvent.shipped)`.
    @inlinable
    public static func json<Variant: Decodable & Sendable>(
        _ type: Variant.Type, _ make: @escaping @Sendable (Variant) -> Value
    ) -> EventCase {
        EventCase { data, decoder in make(try decoder.decode(Variant.self, from: data)) }
    }
}

/// What a generated client knows about one streaming endpoint: the parts of an ``Operation`` a
/// stream needs, how its body is framed and resumed, and how its events decode.
@_spi(Generated)
public struct StreamOperation<Element: Sendable, Declared: DeclaredError>: Sendable {
    /// The endpoint's name in the spec, such as `watchOrders`.
    public let name: String
    /// The spec's auth schemes this endpoint accepts, in order of preference; empty for none.
    public let authSchemes: [String]
    /// The declared error statuses.
    public let errors: [ErrorRoute<Declared>]
    /// The service, as the spec names it.
    public let service: String
    /// The endpoint's resilience settings: the attempt timeout bounds the wait for each
    /// connection's response head; the circuit breaker and the retry budget govern reconnections;
    /// the retried statuses are the ones worth reconnecting after.
    public internal(set) var resilience: ResiliencePolicy
    /// How the body is framed and when the stream reconnects.
    public let stream: StreamPolicy
    /// How events decode.
    public let events: EventDecoding<Element>
    /// The `User-Agent` its requests carry unless the configuration or the call sets one.
    public let userAgent: String

    /// Describes a streaming endpoint.
    public init(
        name: String, authSchemes: [String], errors: [ErrorRoute<Declared>], service: String,
        resilience: ResiliencePolicy = .standard, stream: StreamPolicy, events: EventDecoding<Element>
    ) {
        self.name = name
        self.authSchemes = authSchemes
        self.errors = errors
        self.service = service
        self.resilience = resilience
        self.stream = stream
        self.events = events
        self.userAgent = defaultUserAgent(service: service)
    }
}

/// The events of a streaming endpoint, read as they arrive: `for try await event in stream { … }`.
///
/// Iterating connects; the stream then stays connected on its own. A lost connection is opened
/// again after a wait that backs off with jitter and honours the server's `retry:` field and
/// `Retry-After` up to the retry policy's `maxRetryAfter` (a longer `Retry-After` ends the stream
/// with its response; a longer `retry:` counts as `maxRetryAfter`); a
/// server-sent event stream resends the last event ID so that the server resumes after it, and
/// an event is delivered only once it has arrived whole, so none is delivered twice. Each
/// reconnection draws from the host's retry budget and is refused while the host's circuit is
/// open. The stream ends at the spec's terminator or when the server answers 204; it fails with
/// a typed error on a status not worth retrying (such as 401), when reconnection gives up, or
/// with ``ClientError/cancelled`` when the consuming task is cancelled, which closes the
/// connection at once. Leaving the loop closes it too.
///
/// Each iteration is a connection of its own, starting after ``lastEventID``.
///
/// A mock hands out a scripted stream instead: ``scripted(_:then:)`` or ``scripted(_:)``.
public struct EventStream<Element: Sendable, Declared: DeclaredError>: AsyncSequence, Sendable {
    /// Why the stream failed.
    public typealias Failure = ClientError<Declared>

    @usableFromInline
    enum Source: Sendable {
        case live(StreamConnector<Element, Declared>)
        case scripted(@Sendable () -> AsyncStream<Result<Element, ClientError<Declared>>>)
    }

    @usableFromInline
    let source: Source

    init(connector: StreamConnector<Element, Declared>) {
        self.source = .live(connector)
    }

    /// A stream that yields `elements` and then ends, or fails with `failure`: what a mock
    /// returns to script a stream. Every iteration yields the same elements.
    public static func scripted(_ elements: [Element], then failure: ClientError<Declared>? = nil) -> EventStream {
        EventStream(
            source: .scripted {
                AsyncStream { continuation in
                    for element in elements { continuation.yield(.success(element)) }
                    if let failure { continuation.yield(.failure(failure)) }
                    continuation.finish()
                }
            })
    }

    /// A stream that yields what `results` delivers, as a test feeds it: a failure ends the
    /// stream with that error, and the end of `results` ends it cleanly. Iterate it once.
    public static func scripted(_ results: AsyncStream<Result<Element, ClientError<Declared>>>) -> EventStream {
        EventStream(source: .scripted { results })
    }

    private init(source: Source) {
        self.source = source
    }

    /// The ID of the last event delivered (or the one the stream was asked to start after), which
    /// a new iteration or reconnection resumes from; `nil` before any, and for a scripted stream.
    public var lastEventID: String? {
        guard case .live(let connector) = source else { return nil }
        return connector.lastEventID.current
    }

    /// Starts reading: the first call to `next()` connects.
    @inlinable
    public func makeAsyncIterator() -> AsyncIterator {
        switch source {
        case .live(let connector): AsyncIterator(.live(LiveReader(connector: connector)))
        case .scripted(let make): AsyncIterator(.scripted(make().makeAsyncIterator()))
        }
    }

    /// Reads a stream's events, reconnecting as its policy says.
    public struct AsyncIterator: AsyncIteratorProtocol {
        @usableFromInline
        enum Reader {
            case live(LiveReader)
            case scripted(AsyncStream<Result<Element, ClientError<Declared>>>.AsyncIterator)
            case finished
        }

        @usableFromInline
        var reader: Reader

        @usableFromInline
        init(_ reader: Reader) {
            self.reader = reader
        }

        /// The next event, connecting or reconnecting as needed; `nil` once the stream has ended.
        ///
        /// Inlined into the caller, with the reader's per-event path, so that it is specialised
        /// for the stream's element type.
        @inlinable
        public mutating func next() async throws(ClientError<Declared>) -> Element? {
            switch reader {
            case .live(let live):
                // An event already framed is decoded without another async frame.
                if let element = try live.takePending() { return element }
                return try await live.next()
            case .scripted(var results):
                switch await results.next() {
                case .success(let element)?:
                    reader = .scripted(results)
                    return element
                case .failure(let error)?:
                    reader = .finished
                    throw error
                case nil:
                    reader = .finished
                    return nil
                }
            case .finished:
                return nil
            }
        }
    }

    /// Reads a live stream: connects, frames and decodes what arrives, and reconnects. A class,
    /// so that the iterator reaches its state without moving it on every event; one iterator,
    /// and so one task, uses it at a time.
    @usableFromInline
    final class LiveReader {
        @usableFromInline
        let connector: StreamConnector<Element, Declared>
        /// The operation's policy, format, terminator and decoding, read once: they are
        /// needed for every event.
        @usableFromInline
        let policy: StreamPolicy
        @usableFromInline
        let format: StreamPolicy.Format
        @usableFromInline
        let terminator: [UInt8]?
        @usableFromInline
        let decodeEvent: @Sendable (String, Data, JSONDecoder) throws -> Element
        @usableFromInline
        var body: TransportBodyStream.AsyncIterator?
        @usableFromInline
        var status: HTTPResponse.Status = .ok
        /// What the last chunk completed and the consumer has not taken yet, decoded one at a
        /// time as it is asked for: server-sent event items, or JSON Lines values.
        @usableFromInline
        var pendingEvents: [ServerSentEventItem] = []
        @usableFromInline
        var pendingLines: [[UInt8]] = []
        @usableFromInline
        var pendingIndex = 0
        @usableFromInline
        var events: ServerSentEventParser
        @usableFromInline
        var lines: JSONLinesFramer
        /// The stream's own decoder, made once rather than per event.
        @usableFromInline
        let decoder = JSONCoding.makeDecoder()
        @usableFromInline
        var lastEventID: String?
        /// Connections opened so far.
        @usableFromInline
        var connections = 0
        /// Reconnections made since a connection last opened.
        @usableFromInline
        var reconnections = 0
        /// The server's `retry:` field, the base of the reconnection wait.
        @usableFromInline
        var serverRetry: Duration?
        /// A `Retry-After` the last failed attempt asked for.
        @usableFromInline
        var retryAfter: Duration?
        /// The longest wait a server may ask for, with `Retry-After` or `retry:`: the retry
        /// policy's `maxRetryAfter`.
        @usableFromInline
        let maxServerWait: Duration
        /// Why the last connection ended, thrown if the stream gives up reconnecting.
        @usableFromInline
        var lastFailure: ClientError<Declared>?
        /// The span of the open connection, ended when the connection ends.
        @usableFromInline
        var connectionSpan: (any Span)?
        /// Whether a JSON Lines value has arrived, after which the stream cannot resume.
        @usableFromInline
        var delivered = false
        @usableFromInline
        var finished = false

        @usableFromInline
        init(connector: StreamConnector<Element, Declared>) {
            self.connector = connector
            self.policy = connector.operation.stream
            self.format = connector.operation.stream.format
            self.terminator = connector.operation.stream.terminator.map { Array($0.utf8) }
            self.decodeEvent = connector.operation.events.decode
            self.maxServerWait = connector.operation.resilience.retry.maxRetryAfter
            let start = connector.lastEventID.current
            let limit = connector.operation.stream.maxEventSize
            self.lastEventID = start
            self.events = ServerSentEventParser(lastEventID: start ?? "", maxEventSize: limit)
            self.lines = JSONLinesFramer(maxLineSize: limit)
        }

        /// The next event, connecting or reconnecting as needed; `nil` once the stream has ended.
        @inlinable
        func next() async throws(ClientError<Declared>) -> Element? {
            while true {
                if let element = try takePending() { return element }
                if finished { return nil }
                if Task.isCancelled { try fail(.cancelled) }
                if body == nil {
                    try await connect()
                } else {
                    try await read()
                }
            }
        }

        @inlinable
        func record(_ id: String) {
            lastEventID = id
            connector.lastEventID.withLock { $0 = id }
        }

        /// Ends the stream with `error`.
        @usableFromInline
        func fail(_ error: ClientError<Declared>) throws(ClientError<Declared>) -> Never {
            finished = true
            body = nil
            endConnectionSpan(error: error)
            throw error
        }

        /// Ends the open connection's span, if there is one.
        @usableFromInline
        func endConnectionSpan(error: ClientError<Declared>?) {
            connector.observer.endStreamSpan(connectionSpan, status: status, error: error)
            connectionSpan = nil
        }

        /// A reader dropped mid-stream (the consumer left its loop) ends its connection's span.
        deinit {
            connector.observer.endStreamSpan(connectionSpan, status: status, error: nil)
        }

        // MARK: Connecting

        @usableFromInline
        func connect() async throws(ClientError<Declared>) {
            if connections > 0 || lastFailure != nil {
                reconnections += 1
                let attempt = reconnections
                let failure = lastFailure ?? .transport(TransportError(.connectionLost, detail: "the stream ended"))
                if let limit = policy.reconnect.maxAttempts, attempt > limit { try fail(failure) }
                guard connector.withdrawFromBudget() else { try fail(failure) }
                let backoff = policy.reconnect.delay(
                    beforeAttempt: attempt, base: serverRetry, random: connector.state.random)
                let wait = Swift.max(backoff, retryAfter ?? .zero)
                connector.observer.streamReconnecting(connector.operation, attempt: attempt, after: wait)
                do {
                    try await connector.state.clock.sleep(for: wait)
                } catch {
                    try fail(.cancelled)
                }
            } else {
                connector.recordRequest()
            }
            switch await connector.open(resumingAfter: policy.resumesFromLastEventID ? lastEventID : nil) {
            case .open(let head, let stream, let span):
                status = head.status
                connectionSpan = span
                body = stream.makeAsyncIterator()
                connections += 1
                reconnections = 0
                retryAfter = nil
                events = ServerSentEventParser(lastEventID: lastEventID ?? "", maxEventSize: policy.maxEventSize)
                lines = JSONLinesFramer(maxLineSize: policy.maxEventSize)
            case .ended:
                finished = true
            case .failed(let error, let retryable, let wait):
                guard retryable, !(format == .jsonLines && delivered) else { try fail(error) }
                // A server asking for a longer wait than the policy allows is not waited for: the
                // stream ends with its response, whose error reports the wait.
                if let wait, wait > maxServerWait { try fail(error) }
                lastFailure = error
                retryAfter = wait
            }
        }

        // MARK: Reading

        @usableFromInline
        func read() async throws(ClientError<Declared>) {
            guard var reader = body else { return }
            let chunk: [UInt8]?
            do {
                chunk = try await reader.next()
            } catch {
                body = nil
                if Task.isCancelled || error is CancellationError { try fail(.cancelled) }
                let failure = ClientError<Declared>.transport(
                    error as? TransportError ?? TransportError(.connectionLost, detail: String(describing: error)))
                try lost(failure)
                return
            }
            guard let chunk else {
                body = nil
                try endOfBody()
                return
            }
            body = reader
            try frame(chunk)
        }

        /// The connection failed mid-stream.
        private func lost(_ failure: ClientError<Declared>) throws(ClientError<Declared>) {
            if format == .jsonLines && delivered { try fail(failure) }
            endConnectionSpan(error: failure)
            connector.observer.streamLost(connector.operation, failure)
            lastFailure = failure
        }

        /// The server closed the stream.
        private func endOfBody() throws(ClientError<Declared>) {
            endConnectionSpan(error: nil)
            switch format {
            case .serverSentEvents:
                // An event still open is dropped, as the standard says; the stream reconnects.
                events.finish()
                lastFailure = .transport(TransportError(.connectionLost, detail: "the server closed the event stream"))
            case .jsonLines:
                if let line = lines.finish() { pendingLines.append(line) }
                finished = true
            }
        }

        /// Frames a chunk into the pending events or lines.
        private func frame(_ chunk: [UInt8]) throws(ClientError<Declared>) {
            pendingIndex = 0
            do {
                switch format {
                case .serverSentEvents: pendingEvents = try events.parse(chunk)
                case .jsonLines: pendingLines = try lines.parse(chunk)
                }
            } catch {
                try fail(.decoding(DecodingFailure(error, status: status, body: Data())))
            }
        }

        /// Decodes the next pending event, applying the `retry:` and ID items before it; `nil`
        /// when none is pending, or at the terminator, which ends the stream.
        @inlinable
        func takePending() throws(ClientError<Declared>) -> Element? {
            switch format {
            case .serverSentEvents:
                while pendingIndex < pendingEvents.count {
                    let item = pendingEvents[pendingIndex]
                    pendingIndex += 1
                    switch item {
                    case .event(let event):
                        guard let element = try decode(name: event.type, data: Data(event.data.utf8)) else {
                            return nil
                        }
                        record(event.id)
                        return element
                    case .retry(let milliseconds):
                        serverRetry = Swift.min(.milliseconds(milliseconds), maxServerWait)
                    case .lastEventID(let id):
                        record(id)
                    }
                }
            case .jsonLines:
                if pendingIndex < pendingLines.count {
                    let line = pendingLines[pendingIndex]
                    pendingIndex += 1
                    return try decode(name: "message", data: Data(line))
                }
            }
            return nil
        }

        /// Decodes one event, or ends the stream at the terminator (returning `nil`).
        @inlinable
        func decode(name: String, data: Data) throws(ClientError<Declared>) -> Element? {
            if let terminator, data.elementsEqual(terminator) {
                finished = true
                body = nil
                endConnectionSpan(error: nil)
                pendingEvents.removeAll()
                pendingLines.removeAll()
                return nil
            }
            do {
                let element = try decodeEvent(name, data, decoder)
                delivered = true
                return element
            } catch {
                try fail(.decoding(DecodingFailure(error, status: status, body: data)))
            }
        }
    }
}

/// How a stream connects: the prepared request, the resilience state it shares with calls, and
/// the last event ID its iterations share.
@usableFromInline
final class StreamConnector<Element: Sendable, Declared: DeclaredError>: Sendable {
    let operation: StreamOperation<Element, Declared>
    /// The request, or why it could not be built, thrown by the first connection.
    let request: Result<TransportRequest, ClientError<Declared>>
    /// The client's gate: once it closes, the stream connects no more.
    let gate: CallGate
    let transport: any HTTPTransport
    let state: ResilienceState
    let host: ResilienceState.HostState
    let observer: CallObserver
    /// The service's instances, when the client balances over them: each connection goes to one,
    /// a reconnection elsewhere when another can take it.
    let routing: CallRouting?
    @usableFromInline
    let lastEventID: Locked<String?>

    init(
        operation: StreamOperation<Element, Declared>, request: Result<TransportRequest, ClientError<Declared>>,
        gate: CallGate, transport: any HTTPTransport, state: ResilienceState, host: ResilienceState.HostState,
        observer: CallObserver,
        instances: InstancePool?, lastEventID: String?
    ) {
        self.operation = operation
        self.request = request
        self.gate = gate
        self.transport = transport
        self.state = state
        self.host = host
        self.observer = observer
        self.routing = instances.map(CallRouting.init)
        self.lastEventID = Locked(lastEventID)
    }

    /// How a connection attempt went.
    enum Opening {
        /// The server is sending the stream; the span lasts as long as the connection.
        case open(HTTPResponse, TransportBodyStream, span: (any Span)?)
        /// The server answered 204: there is nothing more to stream.
        case ended
        /// The attempt failed; `retryable` says whether another is worth making, after at least `wait`.
        case failed(ClientError<Declared>, retryable: Bool, wait: Duration?)
    }

    /// The most of an error response's body kept for its typed error.
    static var errorBodyLimit: Int { 64 << 10 }

    /// The header a reconnection names the last event it received in.
    static var lastEventIDField: HTTPField.Name? { HTTPField.Name("Last-Event-ID") }

    /// Counts a first connection toward the host's retry budget, as a call's first attempt is.
    func recordRequest() {
        if let budget = operation.resilience.retry.budget { host.budget.recordRequest(policy: budget) }
    }

    /// Takes a reconnection from the host's retry budget; `false` when it is spent.
    func withdrawFromBudget() -> Bool {
        guard let budget = operation.resilience.retry.budget else { return true }
        return host.budget.withdraw(policy: budget, now: state.clock.now())
    }

    /// Sends the request, resuming after `lastEventID`, and reads the response head.
    func open(resumingAfter lastEventID: String?) async -> Opening {
        var request: TransportRequest
        switch self.request {
        case .success(let prepared): request = prepared
        case .failure(let error): return .failed(error, retryable: false, wait: nil)
        }
        if !gate.isOpen { return .failed(.shutDown, retryable: false, wait: nil) }
        if let lastEventID, !lastEventID.isEmpty, let field = Self.lastEventIDField {
            request.head.headerFields[field] = lastEventID
        }
        let breakerPolicy = operation.resilience.circuitBreaker
        let key = breakerPolicy.key(host: host.host, endpoint: operation.name)
        let breaker = breakerPolicy.scope == .host ? host.breaker : state.breaker(for: key)
        let (admission, transition) = breaker.admit(policy: breakerPolicy, clock: state.clock)
        publish(transition)
        let probe: Bool
        switch admission {
        case .rejected(let retryIn):
            return .failed(.circuitOpen(host: key, retryIn: retryIn), retryable: false, wait: nil)
        case .allowed(let isProbe): probe = isProbe
        }
        var pick: InstancePool.Pick?
        if let routing {
            do {
                pick = try await routing.pool.pick(avoiding: routing, timeout: request.timeout)
            } catch {
                breaker.release(probe: probe)
                if Task.isCancelled || error is CancellationError {
                    return .failed(.cancelled, retryable: false, wait: nil)
                }
                let failure = error as? TransportError ?? TransportError(.other, detail: String(describing: error))
                return .failed(
                    .transport(failure), retryable: operation.resilience.retry.retriesConnectionFailures, wait: nil)
            }
            if let pick {
                routing.record(pick)
                request.head.scheme = pick.instance.scheme
                request.head.authority = pick.instance.authority
            }
        }
        let span = observer.startStreamSpan(operation, request: &request)
        observer.streamConnecting(operation, request: request)
        let response: StreamingTransportResponse
        do {
            response = try await transport.stream(request)
        } catch {
            observer.endStreamSpan(span, status: nil, error: error)
            let cancelled = Task.isCancelled || error is CancellationError
            if let pick { routing?.pool.finish(pick, failed: cancelled ? nil : true) }
            if cancelled {
                breaker.release(probe: probe)
                return .failed(.cancelled, retryable: false, wait: nil)
            }
            if routing?.pool.hasHealthyInstance == true {
                breaker.release(probe: probe)
            } else {
                publish(
                    breaker.record(failure: true, probe: probe, policy: breakerPolicy, started: nil, clock: state.clock)
                )
            }
            let failure = error as? TransportError ?? TransportError(.other, detail: String(describing: error))
            let retry = operation.resilience.retry
            if failure.kind == .timedOut {
                return .failed(.timeout(request.timeout), retryable: retry.retriesTimeouts, wait: nil)
            }
            return .failed(.transport(failure), retryable: retry.retriesConnectionFailures, wait: nil)
        }
        let head = response.head
        let failed = head.status.code >= 500
        if let pick { routing?.pool.finish(pick, failed: failed) }
        if failed, routing?.pool.hasHealthyInstance == true {
            breaker.release(probe: probe)
        } else {
            publish(
                breaker.record(failure: failed, probe: probe, policy: breakerPolicy, started: nil, clock: state.clock))
        }
        if head.status.kind == .successful {
            if head.status.code == 204 {
                observer.endStreamSpan(span, status: head.status, error: nil)
                return .ended
            }
            if let problem = unexpectedMediaType(head) {
                observer.endStreamSpan(span, status: head.status, error: nil)
                return .failed(
                    .decoding(DecodingFailure(codingPath: "", message: problem, status: head.status, bodyExcerpt: "")),
                    retryable: false, wait: nil)
            }
            observer.streamOpened(operation, status: head.status)
            return .open(head, response.body, span: span)
        }
        let body = await Self.collect(response.body, limit: Self.errorBodyLimit)
        let error = failure(for: head, body: body)
        observer.endStreamSpan(span, status: head.status, error: error)
        let retryable = operation.resilience.retry.statuses.contains(head.status.code)
        return .failed(error, retryable: retryable, wait: RetryAfter.wait(in: head, now: state.clock.date()))
    }

    /// Why a successful response is not the stream the endpoint declares, or `nil` when it is
    /// (or names no media type, which is trusted).
    private func unexpectedMediaType(_ head: HTTPResponse) -> String? {
        guard let contentType = head.headerFields[.contentType] else { return nil }
        let expected = operation.stream.format.mediaType
        let essence = contentType.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        }
        if essence == expected { return nil }
        if operation.stream.format == .jsonLines, essence == "application/jsonl" || essence == "application/json-seq" {
            return nil
        }
        return "expected a \(expected) stream, got \(contentType)"
    }

    /// A declared error for a declared status, otherwise an unexpected status, keeping the body.
    private func failure(for head: HTTPResponse, body: Data) -> ClientError<Declared> {
        guard let route = operation.errors.first(where: { $0.status == head.status.code }) else {
            return .unexpectedStatus(UnexpectedResponse(head: head, body: body))
        }
        do {
            return .declared(try route.make(body), response: head)
        } catch {
            return .decoding(DecodingFailure(error, status: head.status, body: body))
        }
    }

    /// Up to `limit` bytes of `body`; the rest is not waited for.
    private static func collect(_ body: TransportBodyStream, limit: Int) async -> Data {
        var data = Data()
        do {
            for try await chunk in body {
                data.append(contentsOf: chunk.prefix(limit - data.count))
                if data.count >= limit { break }
            }
        } catch {
            // What arrived before the failure is what the error keeps.
        }
        return data
    }

    private func publish(_ event: CircuitBreakerEvent?) {
        guard let event else { return }
        observer.breakerChanged(event)
        state.publish(event)
    }
}
