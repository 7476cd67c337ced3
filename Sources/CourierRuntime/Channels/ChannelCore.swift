import Foundation
import HTTPTypes
import Tracing

/// What ``ChannelCore/close(_:)`` does, decided under the lock.
private enum ChannelClosePlan {
    /// Already closed or closing: wait for the loop.
    case done(Task<Void, Never>?)
    /// Open: start the closing handshake, then wait for the loop.
    case closeConnection(WebSocketWriter, Task<Void, Never>?)
    /// Connecting or waiting to reconnect: cancel the loop.
    case cancel(Task<Void, Never>?)
    /// Never started: close at once.
    case finishNow
}

/// The state and connection loop behind a ``WebSocketChannel``: the loop task and the subscribers hold
/// this, not the channel, so that releasing the channel closes it.
final class ChannelCore<Outgoing: Encodable & Sendable, Incoming: Decodable & Sendable>: WebSocketConnectionHandler {
    typealias Subscriber = AsyncThrowingStream<Incoming, any Error>.Continuation
    typealias StateObserver = AsyncStream<ChannelState>.Continuation
    typealias QueuedSend = (
        id: Int, message: WebSocketMessage, waiter: CheckedContinuation<WebSocketWriter?, any Error>
    )

    private struct State {
        var started = false
        var task: Task<Void, Never>?
        var health: ChannelHealth
        var writer: WebSocketWriter?
        var openedThisAttempt = false
        /// The close asked for by ``close(_:)`` or by releasing the channel.
        var closeRequest: WebSocketClose?
        /// What ended the subscribers' sequences once closed; `nil` for a clean end.
        var finalError: WebSocketChannelError?
        var subscribers: [Int: Subscriber] = [:]
        var stateObservers: [Int: StateObserver] = [:]
        var queue: [QueuedSend] = []
        var nextID = 0

        var isClosed: Bool {
            if case .closed = health.state { return true }
            return false
        }

        mutating func makeID() -> Int {
            nextID += 1
            return nextID
        }
    }

    let name: String
    let service: String
    private let request: Result<WebSocketRequest, WebSocketChannelError>
    private let transport: any WebSocketTransport
    private let policy: ChannelPolicy
    private let onConnect: ChannelConnectHook<Outgoing>?
    private let clock: any ResilienceClock
    private let random: any RandomSource
    private let observer: ChannelObserver?
    /// Sends each connection to one of the service's instances, when the client has several.
    private let route: ChannelRoute?
    private let decoder = JSONCoding.makeDecoder()
    private let state: Locked<State>

    init(
        name: String, service: String, request: Result<WebSocketRequest, WebSocketChannelError>,
        transport: any WebSocketTransport, policy: ChannelPolicy, onConnect: ChannelConnectHook<Outgoing>?,
        clock: any ResilienceClock = SystemClock(), random: any RandomSource = SystemRandom(),
        observer: ChannelObserver? = nil, route: ChannelRoute? = nil
    ) {
        self.route = route
        self.name = name
        self.service = service
        self.request = request
        self.transport = transport
        self.policy = policy
        self.onConnect = onConnect
        self.clock = clock
        self.random = random
        self.observer = observer
        state = Locked(
            State(
                health: ChannelHealth(
                    state: .connecting, connections: 0, messagesReceived: 0, messagesSent: 0, undecodableMessages: 0,
                    droppedMessages: 0, keepalive: policy.keepalive)))
    }

    var health: ChannelHealth { state.withLock { $0.health } }

    // MARK: - Starting and closing

    func startIfNeeded() {
        // The task is stored with the flag, so that `close` and `release` always find it once
        // the channel has started; creating it does not run it, so the lock is held only briefly.
        state.withLock { state in
            guard !state.started else { return }
            state.started = true
            state.task = Task { await self.run() }
        }
    }

    func close(_ close: WebSocketClose) async {
        let plan = state.withLock { state -> ChannelClosePlan in
            if state.isClosed || state.closeRequest != nil { return .done(state.task) }
            state.closeRequest = close
            if !state.started {
                state.started = true
                return .finishNow
            }
            if let writer = state.writer { return .closeConnection(writer, state.task) }
            return .cancel(state.task)
        }
        let task: Task<Void, Never>?
        switch plan {
        case .finishNow:
            finish(close, error: nil)
            return
        case .done(let running):
            task = running
        case .cancel(let running):
            running?.cancel()
            task = running
        case .closeConnection(let writer, let running):
            do {
                try await writer.close(code: close.code, reason: close.reason)
            } catch {
                running?.cancel()
            }
            task = running
        }
        await withTaskCancellationHandler {
            await task?.value
        } onCancel: {
            task?.cancel()
        }
    }

    /// The channel was released: close without waiting.
    func release() {
        let (writer, task) = state.withLock { state -> (WebSocketWriter?, Task<Void, Never>?) in
            guard !state.isClosed, state.closeRequest == nil else { return (nil, nil) }
            state.closeRequest = WebSocketClose(code: .goingAway, reason: "the channel was released")
            if !state.started {
                state.started = true
                return (nil, nil)
            }
            return (state.writer, state.task)
        }
        task?.cancel()
        if writer == nil, task == nil {
            finish(WebSocketClose(code: .goingAway, reason: "the channel was released"), error: nil)
        }
    }

    // MARK: - The connection loop

    private func run() async {
        let request: WebSocketRequest
        switch self.request.flatMap({ request in
            policy.problem.map { .failure(.invalidRequest($0)) } ?? .success(request)
        }) {
        case .success(let valid): request = valid
        case .failure(let error):
            finish(WebSocketClose(code: .abnormalClosure, reason: error.description), error: error)
            return
        }
        var failures = 0
        while true {
            let closeRequest = state.withLock { state -> WebSocketClose? in
                state.openedThisAttempt = false
                return state.closeRequest
            }
            if let requested = closeRequest {
                finish(requested, error: nil)
                return
            }
            publish(.connecting)
            var attempt = request
            let close: WebSocketClose
            var failure: (any Error)?
            var span: (any Span)?
            do {
                if let route { attempt = try await route.instance(for: attempt) }
                observer?.connecting(attempt)
                span = observer?.startSpan(&attempt)
                close =
                    try await transport.connect(attempt, handler: self)
                    ?? WebSocketClose(code: .abnormalClosure, reason: "the connection ended without a close frame")
            } catch {
                failure = error
                close = WebSocketClose(code: .abnormalClosure, reason: String(describing: error))
            }
            let (opened, requested) = state.withLock { state in
                state.writer = nil
                state.health.connectedSince = nil
                return (state.openedThisAttempt, state.closeRequest)
            }
            observer?.endSpan(span, close: close, error: failure)
            if let requested {
                finish(requested, error: nil)
                return
            }
            observer?.ended(close, opened: opened)
            if policy.finalCloseCodes.contains(close.code) {
                finish(close, error: close.code == .normalClosure ? nil : .closed(close))
                return
            }
            // A refused handshake says whether asking again can help, and may say when.
            var serverWait: Duration?
            if let rejection = failure as? WebSocketHandshakeRejection {
                guard rejection.isWorthRetrying else {
                    finish(close, error: .rejected(rejection.status))
                    return
                }
                serverWait = RetryAfter.wait(
                    in: HTTPResponse(status: rejection.status, headerFields: rejection.headerFields), now: clock.date())
            }
            failures = opened ? 1 : failures + 1
            if let maxAttempts = policy.reconnect.maxAttempts, failures > maxAttempts {
                finish(close, error: .gaveUp(attempts: failures - 1, last: close))
                return
            }
            var delay = policy.reconnect.delay(beforeAttempt: failures, random: self.random)
            if let serverWait { delay = max(delay, min(serverWait, policy.reconnect.max)) }
            publish(.reconnecting(attempt: failures, delay: delay, after: close))
            observer?.reconnecting(attempt: failures, after: delay)
            do {
                try await clock.sleep(for: delay)
            } catch {
                let requested = state.withLock { $0.closeRequest }
                finish(requested ?? WebSocketClose(code: .goingAway, reason: "cancelled"), error: nil)
                return
            }
        }
    }

    func opened(_ writer: WebSocketWriter) async {
        let now = clock.date()
        let requested = state.withLock { state -> WebSocketClose? in
            if let requested = state.closeRequest { return requested }
            state.writer = writer
            state.openedThisAttempt = true
            state.health.connections += 1
            state.health.connectedSince = now
            return nil
        }
        if let requested {
            // Closed while the handshake was under way: close with what the caller asked for.
            try? await writer.close(code: requested.code, reason: requested.reason)
            return
        }
        observer?.opened()
        if let onConnect {
            do {
                try await onConnect(ChannelConnection(writer: writer, sent: { [weak self] in self?.countSent() }))
            } catch {
                observer?.hookFailed(error)
                try? await writer.close(code: .internalError, reason: "onConnect failed")
                return
            }
        }
        // Messages queued while disconnected, in order; the channel reports open once none is left,
        // so that a send racing with the flush queues behind it rather than overtaking it.
        while let next = state.withLock({ state -> QueuedSend? in
            guard !state.queue.isEmpty else {
                if state.closeRequest == nil, state.writer != nil { setState(.open, in: &state) }
                return nil
            }
            return state.queue.removeFirst()
        }) {
            do {
                try await writer.send(next.message)
                countSent()
                next.waiter.resume(returning: nil)
            } catch {
                next.waiter.resume(throwing: WebSocketChannelError.sendFailed(String(describing: error)))
            }
        }
    }

    func received(_ message: WebSocketMessage) async {
        let value: Incoming
        do {
            value = try decoder.decode(Incoming.self, from: message.data)
        } catch {
            state.withLock { $0.health.undecodableMessages += 1 }
            observer?.undecodable(message, error: error)
            return
        }
        let now = clock.date()
        let subscribers = state.withLock { state in
            state.health.messagesReceived += 1
            state.health.lastMessageReceived = now
            return state.subscribers
        }
        observer?.received()
        var dropped = 0
        var overflowed: [Int] = []
        for (id, subscriber) in subscribers {
            switch subscriber.yield(value) {
            case .enqueued: break
            case .dropped:
                dropped += 1
                if policy.overflow == .endSubscriber {
                    subscriber.finish(
                        throwing: WebSocketChannelError.subscriberOverflow(limit: policy.subscriberBuffer))
                    overflowed.append(id)
                }
            case .terminated: overflowed.append(id)
            @unknown default: break
            }
        }
        if dropped > 0 || !overflowed.isEmpty {
            state.withLock { state in
                state.health.droppedMessages += dropped
                for id in overflowed { state.subscribers[id] = nil }
            }
        }
    }

    // MARK: - Subscribers

    func subscribe() -> AsyncThrowingStream<Incoming, any Error> {
        let buffering: AsyncThrowingStream<Incoming, any Error>.Continuation.BufferingPolicy =
            policy.overflow == .dropOldest
            ? .bufferingNewest(policy.subscriberBuffer) : .bufferingOldest(policy.subscriberBuffer)
        let (stream, subscriber) = AsyncThrowingStream.makeStream(of: Incoming.self, bufferingPolicy: buffering)
        let (id, ended) = state.withLock { state -> (Int, WebSocketChannelError??) in
            let id = state.makeID()
            if state.isClosed { return (id, .some(state.finalError)) }
            state.subscribers[id] = subscriber
            return (id, nil)
        }
        if let ended {
            subscriber.finish(throwing: ended)
            return stream
        }
        subscriber.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers.removeValue(forKey: id) }
        }
        startIfNeeded()
        return stream
    }

    func observeStates() -> AsyncStream<ChannelState> {
        let (stream, observer) = AsyncStream.makeStream(of: ChannelState.self, bufferingPolicy: .bufferingNewest(64))
        let id = state.withLock { state -> Int? in
            observer.yield(state.health.state)
            if state.isClosed { return nil }
            let id = state.makeID()
            state.stateObservers[id] = observer
            return id
        }
        guard let id else {
            observer.finish()
            return stream
        }
        observer.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.stateObservers.removeValue(forKey: id) }
        }
        startIfNeeded()
        return stream
    }

    // MARK: - Sending

    func send(_ message: WebSocketMessage) async throws(WebSocketChannelError) {
        startIfNeeded()
        let id = state.withLock { $0.makeID() }
        let writer: WebSocketWriter?
        do {
            writer = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation {
                    (waiter: CheckedContinuation<WebSocketWriter?, any Error>) in
                    let refusal = state.withLock { state -> WebSocketChannelError? in
                        if state.isClosed { return state.finalError ?? .closed(closedState(state)) }
                        if state.health.state == .open, let writer = state.writer {
                            waiter.resume(returning: writer)
                            return nil
                        }
                        guard case .queue(let limit) = policy.sendWhileDisconnected else { return .notConnected }
                        if Task.isCancelled { return .cancelled }
                        if state.queue.count >= limit { return .sendQueueFull(limit: limit) }
                        state.queue.append((id, message, waiter))
                        return nil
                    }
                    if let refusal { waiter.resume(throwing: refusal) }
                }
            } onCancel: {
                let waiter = state.withLock { state -> CheckedContinuation<WebSocketWriter?, any Error>? in
                    guard let index = state.queue.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.queue.remove(at: index).waiter
                }
                waiter?.resume(throwing: WebSocketChannelError.cancelled)
            }
        } catch let error as WebSocketChannelError {
            throw error
        } catch {
            throw .sendFailed(String(describing: error))
        }
        // Sent by the flush after a reconnection.
        guard let writer else { return }
        do {
            try await writer.send(message)
        } catch {
            throw .sendFailed(String(describing: error))
        }
        countSent()
    }

    private func countSent() {
        state.withLock { $0.health.messagesSent += 1 }
        observer?.sent()
    }

    // MARK: - State changes

    private func closedState(_ state: State) -> WebSocketClose {
        if case .closed(let close) = state.health.state { return close }
        return WebSocketClose(code: .abnormalClosure)
    }

    private func setState(_ new: ChannelState, in state: inout State) {
        guard state.health.state != new else { return }
        state.health.state = new
        for observer in state.stateObservers.values { observer.yield(new) }
    }

    private func publish(_ new: ChannelState) {
        state.withLock { setState(new, in: &$0) }
    }

    /// Ends the channel: its state, its subscribers, its queued sends. Continuations are finished
    /// outside the lock, since finishing runs their termination handlers, which take it.
    private func finish(_ close: WebSocketClose, error: WebSocketChannelError?) {
        let (subscribers, observers, queue, alreadyClosed) = state.withLock { state in
            let alreadyClosed = state.isClosed
            if !alreadyClosed {
                setState(.closed(close), in: &state)
                state.finalError = error
            }
            state.writer = nil
            defer {
                state.subscribers = [:]
                state.stateObservers = [:]
                state.queue = []
            }
            return (state.subscribers, state.stateObservers, state.queue, alreadyClosed)
        }
        for subscriber in subscribers.values {
            if let error { subscriber.finish(throwing: error) } else { subscriber.finish() }
        }
        for observer in observers.values { observer.finish() }
        for queued in queue { queued.waiter.resume(throwing: error ?? .closed(close)) }
        if !alreadyClosed { observer?.closed(close, error: error) }
    }
}
