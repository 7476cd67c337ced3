import CourierRuntimeTesting
import Foundation
import Testing

@_spi(Generated) @testable import CourierRuntime

/// A channel's life on scripted connections and the injected clock: reconnection and its waits,
/// final close codes, giving up, the send queue, subscribers' buffers, closing and releasing.
@Suite("Channels", .timeLimit(.minutes(3)))
struct ChannelTests {
    struct Tick: Codable, Sendable, Hashable {
        var n: Int
    }

    let clock = ManualClock()

    func channel(
        _ transport: any WebSocketTransport, policy: ChannelPolicy,
        onConnect: ChannelConnectHook<String>? = nil
    ) -> WebSocketChannel<String, Tick> {
        let state = ResilienceState(clock: clock, random: SeededRandom(seed: 3))
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: ServerURL("https://ticks.example.com/v1"), resilienceState: state, webSocketTransport: transport
            ))
        let operation = ChannelOperation<String, Tick>(
            name: "ticks", authSchemes: [], service: "Ticks", policy: policy)
        var request = RequestBuilder(.get, path: "/ws/ticks")
        request.query("room", "a b")
        return runtime.channel(operation, request, onConnect: onConnect)
    }

    func policy(
        maxAttempts: Int? = nil, send: ChannelPolicy.SendWhileDisconnected = .queue(limit: 100),
        buffer: Int = 1_024, overflow: ChannelPolicy.Overflow = .dropOldest
    ) -> ChannelPolicy {
        ChannelPolicy(
            reconnect: ReconnectPolicy(
                initial: .seconds(1), max: .seconds(30), jitter: .none, maxAttempts: maxAttempts),
            keepalive: KeepalivePolicy(interval: .seconds(20), timeout: .seconds(10)), sendWhileDisconnected: send,
            subscriberBuffer: buffer, overflow: overflow)
    }

    /// Yields until `condition` holds: the channel's task runs on the same pool.
    func until(_ condition: () -> Bool) async {
        for _ in 0..<100_000 where !condition() { await Task.yield() }
    }

    func ticks(_ values: Int...) -> [Tick] { values.map(Tick.init) }

    @Test("a close code worth retrying and a refused handshake reconnect after growing waits; 1000 ends the channel")
    func reconnects() async throws {
        let transport = ScriptedWebSocketTransport([
            .json(ticks(1, 2), then: .close(.internalError, reason: "restarting")),
            .refused("connection refused"),
            .json(ticks(3), then: .close(.normalClosure)),
        ])
        let connects = Locked(0)
        let channel = channel(transport, policy: policy()) { _ in connects.withLock { $0 += 1 } }
        let states = channel.states
        let messages = channel.messages
        let reader = Task { try await messages.reduce(into: [Int]()) { $0.append($1.n) } }

        await until { clock.sleeperCount == 1 }
        #expect(
            channel.state
                == .reconnecting(
                    attempt: 1, delay: .seconds(1), after: WebSocketClose(code: .internalError, reason: "restarting")))
        clock.advance(by: .milliseconds(999))
        for _ in 0..<100 { await Task.yield() }
        #expect(transport.requests.count == 1, "not before the wait")
        clock.advance(by: .milliseconds(1))
        await until { transport.requests.count == 2 && clock.sleeperCount == 1 }
        guard case .reconnecting(2, .seconds(2), let after) = channel.state else {
            Issue.record("expected the second reconnection, got \(channel.state)")
            return
        }
        #expect(after.code == .abnormalClosure && after.reason.contains("connection refused"))
        clock.advance(by: .seconds(2))

        #expect(try await reader.value == [1, 2, 3])
        #expect(channel.state == .closed(WebSocketClose(code: .normalClosure)))
        #expect(connects.current == 2, "onConnect runs after every connection that opens")
        #expect(transport.requests.count == 3)
        #expect(transport.requests[0].url.absoluteString == "wss://ticks.example.com/v1/ws/ticks?room=a%20b")
        #expect(transport.requests[0].keepalive == KeepalivePolicy(interval: .seconds(20), timeout: .seconds(10)))
        let seen = await states.reduce(into: [String]()) { seen, state in
            switch state {
            case .connecting: seen.append("connecting")
            case .open: seen.append("open")
            case .reconnecting(let attempt, _, let after): seen.append("reconnecting \(attempt) after \(after.code)")
            case .closed(let close): seen.append("closed \(close.code)")
            }
        }
        #expect(
            seen == [
                "connecting", "open", "reconnecting 1 after 1011", "connecting", "reconnecting 2 after 1006",
                "connecting", "open", "closed 1000",
            ])
        let health = channel.health
        #expect(health.connections == 2 && health.messagesReceived == 3 && health.connectedSince == nil)
    }

    @Test("a final close code other than 1000 ends the messages with the close")
    func finalCode() async throws {
        let transport = ScriptedWebSocketTransport([
            .json(ticks(1), then: .close(.policyViolation, reason: "bad subscription")), .json(ticks(2), then: .drop),
        ])
        let channel = channel(transport, policy: policy())
        let received = Locked<[Int]>([])
        await #expect(
            throws: WebSocketChannelError.closed(WebSocketClose(code: .policyViolation, reason: "bad subscription"))
        ) {
            for try await tick in channel.messages { received.withLock { $0.append(tick.n) } }
        }
        #expect(received.current == [1])
        #expect(transport.requests.count == 1, "no reconnection after a final code")
    }

    @Test("reconnections stop after maxAttempts failures in a row, with the last close")
    func givesUp() async throws {
        let transport = ScriptedWebSocketTransport([.refused("down"), .refused("down"), .refused("still down")])
        let channel = channel(transport, policy: policy(maxAttempts: 2))
        let messages = channel.messages
        let reader = Task { try await messages.reduce(into: 0) { count, _ in count += 1 } }
        await until { clock.sleeperCount == 1 }
        clock.advance(by: .seconds(1))
        await until { transport.requests.count == 2 && clock.sleeperCount == 1 }
        clock.advance(by: .seconds(2))
        await #expect {
            _ = try await reader.value
        } throws: { error in
            guard case .gaveUp(2, let last) = error as? WebSocketChannelError else { return false }
            return last.code == .abnormalClosure && last.reason.contains("still down")
        }
        #expect(transport.requests.count == 3)
    }

    @Test("a handshake refused with 401 ends the channel at once; a 503 is retried after its Retry-After")
    func rejectedHandshakes() async throws {
        let unauthorized = ScriptedWebSocketTransport([
            .rejected(.unauthorized, headerFields: [.wwwAuthenticate: "Bearer"]), .json(ticks(1), then: .drop),
        ])
        let refused = channel(unauthorized, policy: policy())
        await #expect(throws: WebSocketChannelError.rejected(.unauthorized)) {
            for try await _ in refused.messages {}
        }
        #expect(unauthorized.requests.count == 1, "a 401 is not asked again")

        let unavailable = ScriptedWebSocketTransport([
            .rejected(.serviceUnavailable, headerFields: [.retryAfter: "5"]),
            .rejected(.tooManyRequests, headerFields: [.retryAfter: "120"]),
            .json(ticks(7), then: .close(.normalClosure)),
        ])
        let retried = channel(unavailable, policy: policy())
        let messages = retried.messages
        let reader = Task { try await messages.reduce(into: [Int]()) { $0.append($1.n) } }
        await until { clock.sleeperCount == 1 }
        guard case .reconnecting(1, .seconds(5), let after) = retried.state else {
            Issue.record("expected the Retry-After wait of 5 s, longer than the policy's 1 s, got \(retried.state)")
            return
        }
        #expect(after.reason.contains("503"))
        clock.advance(by: .seconds(5))
        await until { unavailable.requests.count == 2 && clock.sleeperCount == 1 }
        #expect(
            retried.state.isReconnecting(attempt: 2, delay: .seconds(30)),
            "a Retry-After longer than the policy's longest wait (30 s) waits that long")
        clock.advance(by: .seconds(30))
        #expect(try await reader.value == [7])
        #expect(unavailable.requests.count == 3)
    }

    @Test("sends wait in a bounded queue while disconnected and go out after onConnect's, in order")
    func sendQueue() async throws {
        let transport = ScriptedWebSocketTransport([.refused("down"), .open([], then: .stayOpen)])
        let channel = channel(transport, policy: policy(send: .queue(limit: 2))) { connection in
            try await connection.send("hello")
        }
        channel.connect()
        await until { clock.sleeperCount == 1 }
        let first = Task { try await channel.send("one") }
        await until { channel.health.state != .open && transport.sent.isEmpty }
        for _ in 0..<100 { await Task.yield() }
        let second = Task { try await channel.send("two") }
        for _ in 0..<100 { await Task.yield() }
        await #expect(throws: WebSocketChannelError.sendQueueFull(limit: 2)) { try await channel.send("three") }
        clock.advance(by: .seconds(1))
        try await first.value
        try await second.value
        #expect(transport.sent == [.text(#""hello""#), .text(#""one""#), .text(#""two""#)])
        try await channel.send("four")
        #expect(transport.sent.last == .text(#""four""#))
        #expect(channel.health.messagesSent == 4)
        await channel.close(code: .normalClosure, reason: "bye")
        #expect(channel.state == .closed(WebSocketClose(code: .normalClosure, reason: "bye")))
        await #expect(throws: WebSocketChannelError.closed(WebSocketClose(code: .normalClosure, reason: "bye"))) {
            try await channel.send("five")
        }
    }

    @Test("with the fail policy, a send while disconnected fails at once; a cancelled queued send is not sent")
    func sendFailures() async throws {
        let failing = channel(ScriptedWebSocketTransport([.refused("down")]), policy: policy(send: .fail))
        failing.connect()
        await until { clock.sleeperCount == 1 }
        await #expect(throws: WebSocketChannelError.notConnected) { try await failing.send("x") }

        let transport = ScriptedWebSocketTransport([.refused("down"), .open([], then: .stayOpen)])
        let queued = channel(transport, policy: policy())
        queued.connect()
        await until { clock.sleeperCount == 2 }
        let waiting = Task { try await queued.send("cancelled") }
        for _ in 0..<100 { await Task.yield() }
        waiting.cancel()
        await #expect(throws: WebSocketChannelError.cancelled) { try await waiting.value }
        clock.advance(by: .seconds(1))
        await until { queued.state == .open }
        try await queued.send("sent")
        #expect(transport.sent == [.text(#""sent""#)])
        await queued.close()
        await failing.close()
    }

    @Test("a subscriber that does not read loses its oldest messages, or ends, and never holds up delivery")
    func slowSubscribers() async throws {
        let values = Array(1...50)
        for overflow in [ChannelPolicy.Overflow.dropOldest, .dropNewest, .endSubscriber] {
            let transport = ScriptedWebSocketTransport([.json(values.map(Tick.init), then: .stayOpen)])
            let channel = channel(transport, policy: policy(buffer: 4, overflow: overflow))
            let slow = channel.messages
            await until { channel.health.messagesReceived == 50 }
            #expect(channel.health.messagesReceived == 50, "delivery went on while the subscriber read nothing")
            await channel.close()
            var slowValues: [Int] = []
            var slowError: WebSocketChannelError?
            do {
                for try await tick in slow { slowValues.append(tick.n) }
            } catch {
                slowError = error as? WebSocketChannelError
            }
            switch overflow {
            case .dropOldest:
                #expect(slowValues == [47, 48, 49, 50])
                #expect(slowError == nil)
                #expect(channel.health.droppedMessages == 46)
            case .dropNewest:
                #expect(slowValues == [1, 2, 3, 4])
                #expect(slowError == nil)
                #expect(channel.health.droppedMessages == 46)
            case .endSubscriber:
                #expect(slowValues == [1, 2, 3, 4])
                #expect(slowError == .subscriberOverflow(limit: 4))
                #expect(channel.health.droppedMessages == 1, "the subscriber ended at its first overflow")
            }
        }
    }

    @Test("every subscriber sees every message in order")
    func subscribersShareMessages() async throws {
        let values = Array(1...500)
        let transport = GatedTransport(
            ScriptedWebSocketTransport([.json(values.map(Tick.init), then: .close(.normalClosure))]))
        let channel = channel(transport, policy: policy(buffer: 500))
        // The first subscriber starts the channel; the connection opens once all three listen.
        let streams = (0..<3).map { _ in channel.messages }
        transport.open()
        for stream in streams {
            #expect(try await stream.reduce(into: [Int]()) { $0.append($1.n) } == values)
        }
    }

    @Test("a message that does not decode is counted and skipped")
    func undecodable() async throws {
        let transport = ScriptedWebSocketTransport([
            .open(
                [.text(#"{"n":1}"#), .text("not json"), .binary(Data(#"{"n":2}"#.utf8))], then: .close(.normalClosure))
        ])
        let channel = channel(transport, policy: policy())
        #expect(try await channel.messages.reduce(into: [Int]()) { $0.append($1.n) } == [1, 2])
        #expect(channel.health.undecodableMessages == 1)
    }

    @Test("a scripted channel plays its connections in turn, reconnecting at once, and records what was sent")
    func scripted() async throws {
        let clean = WebSocketChannel<String, Tick>.scripted(
            [.json(ticks(1, 2), then: .close(.internalError)), .json(ticks(3), then: .close(.normalClosure))],
            onConnect: { connection in try await connection.send("subscribe") })
        #expect(try await clean.messages.reduce(into: [Int]()) { $0.append($1.n) } == [1, 2, 3])
        #expect(clean.health.connections == 2 && clean.health.messagesSent == 2)

        let spent = WebSocketChannel<String, Tick>.scripted([.json(ticks(1), then: .drop)])
        await #expect {
            for try await _ in spent.messages {}
        } throws: { error in
            guard case .gaveUp(1, let last) = error as? WebSocketChannelError else { return false }
            return last.reason.contains("no more connections")
        }
    }

    @Test("releasing the channel closes its connection")
    func release() async throws {
        let transport = ScriptedWebSocketTransport([.open([], then: .stayOpen)])
        var channel: WebSocketChannel<String, Tick>? = channel(transport, policy: policy())
        let states = try #require(channel?.states)
        await until { channel?.state == .open }
        channel = nil
        var last: ChannelState?
        for await state in states { last = state }
        #expect(last == .closed(WebSocketClose(code: .goingAway, reason: "the channel was released")))
    }

    @Test("without a WebSocket transport, or with an invalid policy, the channel says why at once")
    func cannotConnect() async throws {
        let runtime = ServiceRuntime(configuration: ClientConfiguration(server: ServerURL("https://ticks.example.com")))
        let operation = ChannelOperation<String, Tick>(
            name: "ticks", authSchemes: [], service: "Ticks", policy: policy())
        let unconfigured = runtime.channel(operation, RequestBuilder(.get, path: "/ws"))
        await #expect {
            for try await _ in unconfigured.messages {}
        } throws: { error in
            guard case .invalidRequest(let problem) = error as? WebSocketChannelError else { return false }
            return problem.contains("webSocketTransport")
        }
        var invalid = policy()
        invalid.subscriberBuffer = 0
        let misconfigured = channel(ScriptedWebSocketTransport([]), policy: invalid)
        await #expect(
            throws: WebSocketChannelError.invalidRequest("the subscriber buffer must hold at least one message")
        ) {
            for try await _ in misconfigured.messages {}
        }
    }
}

/// A transport whose connections open only after ``open()``, so that a test can set up every
/// subscriber of a channel before anything arrives.
private final class GatedTransport: WebSocketTransport {
    let inner: ScriptedWebSocketTransport
    private let opened = Locked(false)

    init(_ inner: ScriptedWebSocketTransport) {
        self.inner = inner
    }

    func open() { opened.withLock { $0 = true } }

    func connect(_ request: WebSocketRequest, handler: some WebSocketConnectionHandler) async throws -> WebSocketClose?
    {
        while !opened.current { try await Task.sleep(for: .milliseconds(1)) }
        return try await inner.connect(request, handler: handler)
    }
}

extension ChannelState {
    /// Whether the state is a reconnection's `attempt`, waiting `delay`.
    fileprivate func isReconnecting(attempt expected: Int, delay expectedDelay: Duration) -> Bool {
        guard case .reconnecting(let attempt, let delay, _) = self else { return false }
        return attempt == expected && delay == expectedDelay
    }
}
