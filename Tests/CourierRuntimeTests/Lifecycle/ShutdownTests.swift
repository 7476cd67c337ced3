import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Testing

@_spi(Generated) @testable import CourierRuntime

/// A transport whose answers wait until the test lets them go.
private final class HeldTransport: HTTPTransport {
    let released = Locked(false)
    let received = Locked(0)

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        received.withLock { $0 += 1 }
        while !released.current {
            try await Task.sleep(for: .milliseconds(1))
        }
        return TransportResponse(head: HTTPResponse(status: .noContent))
    }
}

private struct Tick: Codable, Sendable, Hashable {
    var n: Int
}

@Suite("Shutting a client down", .timeLimit(.minutes(3)))
struct ShutdownTests {
    let clock = ManualClock()

    private func runtime(_ transport: any HTTPTransport, webSockets: ScriptedWebSocketTransport? = nil)
        -> ServiceRuntime
    {
        ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://a.example", transport: transport, resilienceState: ResilienceState(clock: clock),
                webSocketTransport: webSockets))
    }

    @Test("after shutdown() new calls are refused with .shutDown and nothing is sent")
    func refusesNewCalls() async throws {
        let transport = HeldTransport()
        transport.released.withLock { $0 = true }
        let runtime = runtime(transport)
        #expect(await call(runtime) == nil)
        runtime.shutdown()
        let refused = await call(runtime)
        #expect(refused.map { if case .shutDown = $0 { true } else { false } } == true)
        #expect(refused?.kind == "shut_down")
        #expect(transport.received.current == 1)
    }

    @Test("a graceful shutdown lets the calls in flight finish, refusing new ones meanwhile")
    func gracefulDrain() async throws {
        let transport = HeldTransport()
        let runtime = runtime(transport)
        let inFlight = (0..<3).map { _ in Task { await call(runtime) } }
        while transport.received.current < 3 { await Task.yield() }
        #expect(runtime.callsInFlight == 3)
        let shutdown = Task { await runtime.shutdown(gracePeriod: .seconds(30)) }
        while runtime.acceptsCalls { await Task.yield() }
        let refused = await call(runtime)
        #expect(refused.map { if case .shutDown = $0 { true } else { false } } == true)
        transport.released.withLock { $0 = true }
        for call in inFlight { #expect(await call.value == nil, "the calls in flight finished normally") }
        await shutdown.value
        #expect(runtime.callsInFlight == 0)
    }

    @Test("a graceful shutdown waits no longer than its grace period")
    func gracePeriodEnds() async throws {
        let transport = HeldTransport()
        let runtime = runtime(transport)
        let stuck = Task { await call(runtime) }
        while transport.received.current < 1 { await Task.yield() }
        let shutdown = Task { await runtime.shutdown(gracePeriod: .seconds(5)) }
        // The grace period's sleeper (the stuck attempt's 10 s timeout sleeps too).
        while !clock.sleeperDeadlines.contains(.seconds(5)) { await Task.yield() }
        clock.advance(by: .seconds(5))
        await shutdown.value
        #expect(runtime.callsInFlight == 1, "the stuck call is still going; shutdown did not wait for it")
        transport.released.withLock { $0 = true }
        _ = await stuck.value
    }

    @Test("with instances, each channel connection goes to one, a reconnection to another")
    func channelsOverInstances() async throws {
        let webSockets = ScriptedWebSocketTransport([
            .json([Tick(n: 1)], then: .drop), .json([Tick(n: 2)], then: .close(.normalClosure)),
        ])
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://ticks.example.com/v1", transport: HeldTransport(),
                resilienceState: ResilienceState(clock: clock), webSocketTransport: webSockets,
                discovery: .instances([
                    ServiceInstance(scheme: "https", host: "10.0.0.1", port: 8443),
                    ServiceInstance(scheme: "https", host: "fd00::2", port: 8443),
                ])))
        let operation = ChannelOperation<String, Tick>(
            name: "ticks", authSchemes: [], service: "Ticks",
            policy: ChannelPolicy(reconnect: ReconnectPolicy(initial: .zero, max: .zero, jitter: .none, maxAttempts: 3))
        )
        let channel = runtime.channel(operation, RequestBuilder(.get, path: "/ws"))
        let ticks = try await channel.messages.reduce(into: [Int]()) { $0.append($1.n) }
        #expect(ticks == [1, 2])
        let urls = webSockets.requests.map(\.url.absoluteString)
        #expect(Set(urls) == ["wss://10.0.0.1:8443/v1/ws", "wss://[fd00::2]:8443/v1/ws"], "\(urls)")
    }

    @Test("shutdown closes the open channels with 1001; a channel opened afterwards is refused")
    func channelsClose() async throws {
        let webSockets = ScriptedWebSocketTransport([.open([], then: .stayOpen)])
        let runtime = runtime(HeldTransport(), webSockets: webSockets)
        let operation = ChannelOperation<String, Tick>(
            name: "ticks", authSchemes: [], service: "Ticks", policy: ChannelPolicy())
        let channel = runtime.channel(operation, RequestBuilder(.get, path: "/ws"))
        var states = channel.states.makeAsyncIterator()
        channel.connect()
        while let state = await states.next(), state != .open {}
        await runtime.shutdown(gracePeriod: .seconds(1))
        var last: ChannelState?
        while let state = await states.next() { last = state }
        #expect(last == .closed(WebSocketClose(code: .goingAway, reason: "the client is shutting down")))

        let late = runtime.channel(operation, RequestBuilder(.get, path: "/ws"))
        await #expect(throws: WebSocketChannelError.self) {
            for try await _ in late.messages {}
        }
    }
}
