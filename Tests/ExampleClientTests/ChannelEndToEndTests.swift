@_spi(Generated) import CourierRuntime
import CourierTestServer
import CourierWebSocket
import Foundation
import HTTPTypes
import Testing

/// Channels over swift-websocket against the test server's WebSocket routes: close codes worth
/// retrying and final ones, pings left unanswered, dropped connections, refused handshakes, many
/// subscribers, a slow subscriber, and connections that are closed leaving nothing open.
@Suite("Channels against the test server", .timeLimit(.minutes(3)))
struct ChannelEndToEndTests {
    struct Number: Codable, Sendable, Hashable {
        var n: Int
    }

    typealias Numbers = WebSocketChannel<String, Number>

    /// Whether to run the tests that keep both cores busy for seconds. Beside the real-time
    /// resilience tests of a parallel run they starve those tests' timers, so CI runs them in its
    /// one-test-at-a-time sanitizer pass, with `COURIER_STRESS=1`.
    static let stress = ProcessInfo.processInfo.environment["COURIER_STRESS"] == "1"

    /// A channel to `path` with `query`, reconnecting after 10 ms (no jitter).
    func channel(
        _ server: ExampleServer, _ path: String, _ query: KeyValuePairs<String, String> = [:],
        keepalive: KeepalivePolicy? = nil, maxAttempts: Int? = nil, buffer: Int = 1_024,
        credentials: Credentials = Credentials(), headers: HTTPFields = [:],
        onConnect: ChannelConnectHook<String>? = nil, name: String = #function
    ) -> Numbers {
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: ServerURL(server.baseURL + "/"), credentials: credentials,
                webSocketTransport: SwiftWebSocketTransport(closeTimeout: .seconds(2))))
        let operation = ChannelOperation<String, Number>(
            name: name, authSchemes: ["token"], service: "Numbers",
            policy: ChannelPolicy(
                reconnect: ReconnectPolicy(
                    initial: .milliseconds(10), max: .milliseconds(10), jitter: .none, maxAttempts: maxAttempts),
                keepalive: keepalive, subscriberBuffer: buffer))
        var request = RequestBuilder(.get, path: PathTemplate(stringLiteral: path))
        for (name, value) in query { request.query(name, value) }
        for field in headers { request.header(field.name.rawName, field.value) }
        return runtime.channel(operation, request, onConnect: onConnect)
    }

    /// Waits, in real time, until `condition` holds (`true`) or `limit` passes (`false`).
    func eventually(within limit: Duration = .seconds(20), _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    @Test("a server that closes with 1011 is reconnected and onConnect runs again; 1000 ends the channel")
    func internalErrorThenNormal() async throws {
        let server = try await ExampleServer.start()
        defer { server.stop() }
        let connects = Locked(0)
        let channel = channel(server, "/ws/sequence", ["per": "3", "connections": "2"]) { _ in
            connects.withLock { $0 += 1 }
        }
        let states = channel.states
        let received = try await channel.messages.reduce(into: [Int]()) { $0.append($1.n) }
        #expect(received == [1, 2, 3, 4, 5, 6])
        #expect(connects.current == 3)
        #expect(channel.state == .closed(WebSocketClose(code: .normalClosure, reason: "done")))
        var reconnections: [WebSocketClose] = []
        for await state in states {
            if case .reconnecting(_, _, let after) = state { reconnections.append(after) }
        }
        #expect(reconnections == Array(repeating: WebSocketClose(code: .internalError, reason: "restarting"), count: 2))
        #expect(server.webSockets.allHandshakes.count == 3)
    }

    @Test("a server that closes with 1000 ends the messages cleanly, without a reconnection")
    func normalClosure() async throws {
        let server = try await ExampleServer.start()
        defer { server.stop() }
        let channel = channel(server, "/ws/numbers", ["count": "3", "close": "1000", "reason": "finished"])
        #expect(try await channel.messages.reduce(into: [Int]()) { $0.append($1.n) } == [1, 2, 3])
        #expect(channel.state == .closed(WebSocketClose(code: .normalClosure, reason: "finished")))
        #expect(server.webSockets.allHandshakes.count == 1)
    }

    @Test("a server that stops answering pings is detected, the channel reconnects and onConnect runs again")
    func unansweredPings() async throws {
        let server = try await ExampleServer.start()
        defer { server.stop() }
        let connects = Locked(0)
        let channel = channel(
            server, "/ws/silent", ["after": "1"],
            keepalive: KeepalivePolicy(interval: .milliseconds(200), timeout: .milliseconds(200))
        ) { _ in connects.withLock { $0 += 1 } }
        let states = channel.states
        let lost = Task { () -> WebSocketClose? in
            for await state in states {
                if case .reconnecting(_, _, let after) = state { return after }
            }
            return nil
        }
        #expect(await eventually { connects.current >= 2 }, "reconnected after the pings went unanswered")
        let after = try #require(await lost.value)
        #expect(after.code == .abnormalClosure)
        #expect(await eventually { channel.health.messagesReceived >= 2 }, "each connection delivers its message")
        await channel.close()
        #expect(await server.webSockets.waitForNoOpenConnections())
    }

    @Test("a connection dropped without a close frame is reconnected")
    func dropped() async throws {
        let server = try await ExampleServer.start()
        defer { server.stop() }
        let channel = channel(server, "/ws/numbers", ["count": "2", "close": "drop"])
        var received: [Int] = []
        for try await number in channel.messages {
            received.append(number.n)
            if received.count == 6 { break }
        }
        #expect(received == [1, 2, 1, 2, 1, 2])
        await channel.close()
    }

    @Test("a refused handshake ends the channel with its status (400, 401), or is retried as the policy says (503)")
    func refusedHandshake() async throws {
        // hummingbird-websocket answers 400 to a handshake it does not upgrade.
        let server = try await ExampleServer.start()
        defer { server.stop() }
        let notUpgraded = channel(server, "/ws/denied", maxAttempts: 2)
        await #expect(throws: WebSocketChannelError.rejected(.badRequest)) {
            for try await _ in notUpgraded.messages {}
        }
        // The refused handshake, and the one that reads its status.
        #expect(server.webSockets.allHandshakes.filter { $0.path == "/ws/denied" }.count == 2)

        // Behind a gateway that answers handshakes itself: 401, then 503 with Retry-After.
        let gateway = try await ExampleServer.start(webSockets: false)
        defer { gateway.stop() }
        func handshakes(to path: String) -> [RecordedRequest] {
            gateway.requests.filter { $0.target.hasPrefix(path) }
        }
        let denied = channel(gateway, "/ws/denied", maxAttempts: 2)
        await #expect(throws: WebSocketChannelError.rejected(.unauthorized)) {
            for try await _ in denied.messages {}
        }
        #expect(handshakes(to: "/ws/denied").count == 2)
        #expect(handshakes(to: "/ws/denied").allSatisfy { $0.headers["upgrade"] == "websocket" })

        let unavailable = channel(gateway, "/ws/unavailable", maxAttempts: 2)
        await #expect {
            for try await _ in unavailable.messages {}
        } throws: { error in
            guard case .gaveUp(2, let last) = error as? WebSocketChannelError else { return false }
            return last.code == .abnormalClosure && last.reason.contains("503")
        }
        #expect(
            handshakes(to: "/ws/unavailable").count == 6,
            "three attempts, each with the handshake that reads its status")
    }

    @Test("the handshake carries the query, the declared header fields and the credential")
    func handshake() async throws {
        let server = try await ExampleServer.start()
        defer { server.stop() }
        var credentials = Credentials()
        credentials[scheme: "token"] = .bearer("s3cret")
        let channel = channel(
            server, "/ws/numbers", ["symbols": "ACME,INIT"], credentials: credentials,
            headers: [.init("X-Tenant")!: "blue"])
        channel.connect()
        #expect(await eventually { channel.state == .open })
        let handshake = try #require(server.webSockets.allHandshakes.last)
        #expect(handshake.query["symbols"] == "ACME,INIT")
        #expect(handshake.headers["x-tenant"] == "blue")
        #expect(handshake.headers["authorization"] == "Bearer s3cret")
        #expect(handshake.headers["user-agent"]?.hasPrefix("Numbers Courier/") == true)
        try await channel.send("ping me")
        #expect(await eventually { server.webSockets.receivedMessages == [#""ping me""#] })
        #expect(await eventually { channel.health.undecodableMessages == 1 }, "the echo is not a Number")
        await channel.close()
    }

    @Test(
        "three subscribers see the same 10,000 messages in order",
        .enabled(if: stress, "keeps both cores busy; runs with COURIER_STRESS=1, as in CI's serial pass"))
    func threeSubscribers() async throws {
        let server = try await ExampleServer.start()
        defer { server.stop() }
        let channel = channel(server, "/ws/numbers", ["count": "10000", "await": "1"], buffer: 10_000)
        let readers = (0..<3).map { _ in
            let messages = channel.messages
            return Task { try await messages.prefix(10_000).reduce(into: [Int]()) { $0.append($1.n) } }
        }
        try await channel.send("go")
        for reader in readers {
            #expect(try await reader.value == Array(1...10_000))
        }
        #expect(channel.health.droppedMessages == 0)
        await channel.close()
    }

    @Test("a slow subscriber does not hold up the others")
    func slowSubscriber() async throws {
        let server = try await ExampleServer.start()
        defer { server.stop() }
        let channel = channel(server, "/ws/numbers", ["count": "2000", "await": "1"], buffer: 2_000)
        let slowCount = Locked(0)
        let slowMessages = channel.messages
        let slow = Task {
            for try await _ in slowMessages {
                slowCount.withLock { $0 += 1 }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
        let fastMessages = channel.messages
        let fast = Task { try await fastMessages.prefix(2_000).reduce(into: 0) { count, _ in count += 1 } }
        try await channel.send("go")
        #expect(try await fast.value == 2_000)
        #expect(slowCount.current < 2_000, "the fast subscriber finished while the slow one was still reading")
        slow.cancel()
        await channel.close()
    }

    @Test(
        "1,000 channels opened and closed leave no connection open",
        .enabled(if: stress, "keeps both cores busy; runs with COURIER_STRESS=1, as in CI's serial pass"))
    func connectCloseCycles() async throws {
        let server = try await ExampleServer.start()
        defer { server.stop() }
        for _ in 0..<1_000 {
            let channel = channel(server, "/ws/numbers")
            try await channel.send("hello")
            await channel.close()
            guard case .closed = channel.state else {
                Issue.record("a closed channel reports \(channel.state)")
                return
            }
        }
        #expect(await server.webSockets.waitForNoOpenConnections())
        #expect(server.webSockets.receivedMessages.count == 1_000)
    }

    @Test("a released channel closes its connection")
    func released() async throws {
        let server = try await ExampleServer.start()
        defer { server.stop() }
        var channel: Numbers? = channel(server, "/ws/numbers")
        channel?.connect()
        #expect(await eventually { server.webSockets.openConnections == 1 && channel?.state == .open })
        channel = nil
        #expect(await server.webSockets.waitForNoOpenConnections())
    }
}
