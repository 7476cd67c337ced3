import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Testing

@_spi(Generated) @testable import CourierRuntime

/// When an event stream reconnects, on the injected clock: the server's `retry:` field sets the
/// wait, failures back off from it, a connection that opens resets the count, and an open
/// circuit refuses the reconnection.
@Suite("Event stream reconnection", .timeLimit(.minutes(3)))
struct EventStreamReconnectionTests {
    struct Tick: Decodable, Sendable, Hashable {
        var n: Int
    }

    let clock = ManualClock()

    func stream(
        _ transport: ScriptedStreams, reconnect: ReconnectPolicy, breaker: CircuitBreakerPolicy = .disabled,
        budget: RetryBudgetPolicy? = RetryBudgetPolicy()
    ) -> EventStream<StreamEvent<Tick>, NoErrors> {
        let state = ResilienceState(clock: clock, random: SeededRandom(seed: 7))
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: ServerURL("https://events.example.com"), transport: transport, resilienceState: state))
        let operation = StreamOperation<StreamEvent<Tick>, NoErrors>(
            name: "ticks", authSchemes: [], errors: [], service: "Ticks",
            resilience: ResiliencePolicy(retry: RetryPolicy(budget: budget), circuitBreaker: breaker),
            stream: StreamPolicy(reconnect: reconnect), events: .serverSentEvents(["message": .json(Tick.self)]))
        return runtime.events(operation, RequestBuilder(.get, path: "/ticks"), options: RequestOptions())
    }

    /// Yields until `condition` holds; the stream's task runs on the same pool, so this waits
    /// for its progress without sleeping.
    func until(_ condition: () -> Bool) async {
        for _ in 0..<100_000 where !condition() { await Task.yield() }
    }

    /// Advances the clock to just before `wait` and checks the stream has not reconnected, then
    /// to `wait` and checks it has.
    func expectWait(
        _ wait: Duration, on transport: ScriptedStreams, sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        await until { clock.sleeperCount == 1 }
        #expect(clock.sleeperCount == 1, "the stream waits to reconnect", sourceLocation: sourceLocation)
        let sent = transport.resumedAfter.current.count
        clock.advance(by: wait - .milliseconds(1))
        for _ in 0..<100 { await Task.yield() }
        #expect(transport.resumedAfter.current.count == sent, "not yet", sourceLocation: sourceLocation)
        clock.advance(by: .milliseconds(1))
        await until { transport.resumedAfter.current.count > sent }
        #expect(
            transport.resumedAfter.current.count == sent + 1, "reconnected after \(wait)",
            sourceLocation: sourceLocation)
    }

    @Test("the server's retry: field sets the wait, and a connection that opened resets the backoff")
    func serverRetry() async throws {
        let transport = ScriptedStreams([
            .events("retry: 2500\n\nid: 1\ndata: {\"n\": 1}\n\n", breaks: false),
            .status(503),
            .events("id: 2\ndata: {\"n\": 2}\n\n", breaks: true),
        ])
        let events = stream(transport, reconnect: ReconnectPolicy(initial: .milliseconds(100), jitter: .none))
        let reader = Task { try await events.reduce(into: [Int]()) { $0.append($1.value?.n ?? -1) } }
        await expectWait(.milliseconds(2500), on: transport)  // after the clean end of the first connection
        await expectWait(.milliseconds(5000), on: transport)  // after the 503: backing off from the server's wait
        await expectWait(.milliseconds(2500), on: transport)  // after the break: the count starts again
        #expect(try await reader.value == [1, 2])
        #expect(transport.resumedAfter.current == [nil, "1", "1", "2"])
    }

    @Test("without retry:, waits grow from initial to max")
    func backoff() async throws {
        let transport = ScriptedStreams([.status(503), .status(503), .status(503), .status(503)])
        let events = stream(
            transport, reconnect: ReconnectPolicy(initial: .milliseconds(400), max: .seconds(1), jitter: .none))
        let reader = Task { try await events.reduce(into: 0) { count, _ in count += 1 } }
        await expectWait(.milliseconds(400), on: transport)
        await expectWait(.milliseconds(800), on: transport)
        await expectWait(.seconds(1), on: transport)
        await expectWait(.seconds(1), on: transport)
        #expect(try await reader.value == 0, "the 204 that follows ends the stream")
    }

    @Test(
        "a server's wait beyond maxRetryAfter: a longer retry: counts as the bound, a longer Retry-After ends the stream"
    )
    func boundedServerWaits() async throws {
        let transport = ScriptedStreams([
            .events("retry: 999999999999\n\nid: 1\ndata: {\"n\": 1}\n\n", breaks: true),
            .status(503, headers: ["Retry-After": "3600"]),
        ])
        let events = stream(transport, reconnect: ReconnectPolicy(initial: .milliseconds(100), jitter: .none))
        let reader = Task { () async throws(ClientError<NoErrors>) -> Int in
            var count = 0
            for try await _ in events { count += 1 }
            return count
        }
        await expectWait(.seconds(60), on: transport)  // the default maxRetryAfter
        let result = await reader.result
        guard case .failure(ClientError<NoErrors>.unexpectedStatus(let response)) = result else {
            Issue.record("expected the 503, got \(result)")
            return
        }
        #expect(response.status.code == 503)
        #expect(transport.resumedAfter.current.count == 2, "the hour was not waited for")
        #expect(clock.sleeperCount == 0)
    }

    @Test("a spent retry budget ends the stream with the failure that needed the reconnection")
    func spentBudget() async throws {
        let transport = ScriptedStreams([.events("id: 1\ndata: {\"n\": 1}\n\n", breaks: true)])
        let events = stream(
            transport, reconnect: ReconnectPolicy(initial: .milliseconds(10), jitter: .none),
            budget: RetryBudgetPolicy(ratio: 0, perSecond: 0))
        var ticks: [Int] = []
        do throws(ClientError<NoErrors>) {
            for try await event in events { ticks.append(event.value?.n ?? -1) }
            Issue.record("the stream should have failed")
        } catch {
            guard case .transport(let failure) = error else {
                Issue.record("expected the lost connection, got \(error)")
                return
            }
            #expect(failure.kind == .connectionLost)
        }
        #expect(ticks == [1])
        #expect(transport.resumedAfter.current.count == 1, "no reconnection was sent")
    }

    @Test("reconnection waits stay finite whatever the policy and the attempt")
    func extremeWaits() {
        let huge = ReconnectPolicy(initial: .seconds(1), max: .seconds(Int64.max / 2), jitter: .none, maxAttempts: nil)
        #expect(huge.delay(beforeAttempt: 10_000, random: SeededRandom(seed: 1)) == .seconds(365 * 86_400))
        let small = ReconnectPolicy(initial: .milliseconds(500), max: .seconds(30), jitter: .none)
        #expect(small.delay(beforeAttempt: 1, random: SeededRandom(seed: 1)) == .milliseconds(500))
        #expect(small.delay(beforeAttempt: 3, random: SeededRandom(seed: 1)) == .seconds(2))
        #expect(small.delay(beforeAttempt: 1_000, random: SeededRandom(seed: 1)) == .seconds(30))
    }

    @Test("an open circuit refuses the reconnection with .circuitOpen")
    func openCircuit() async throws {
        let transport = ScriptedStreams([.status(503), .status(503)])
        let breaker = CircuitBreakerPolicy(consecutiveFailures: 2, openFor: .seconds(30))
        let events = stream(
            transport, reconnect: ReconnectPolicy(initial: .milliseconds(10), jitter: .none), breaker: breaker)
        let reader = Task { () async throws(ClientError<NoErrors>) -> Int in
            var count = 0
            for try await _ in events { count += 1 }
            return count
        }
        await expectWait(.milliseconds(10), on: transport)
        // The second 503 opened the circuit: the next reconnection is refused without a request.
        await until { clock.sleeperCount == 1 }
        clock.advance(by: .milliseconds(20))
        let result = await reader.result
        guard case .failure(ClientError<NoErrors>.circuitOpen) = result else {
            Issue.record("expected an open circuit, got \(result)")
            return
        }
        #expect(transport.resumedAfter.current.count == 2, "the third attempt was never sent")
    }
}
