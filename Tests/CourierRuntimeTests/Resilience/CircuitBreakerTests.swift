import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Circuit breaker", .timeLimit(.minutes(3)))
struct CircuitBreakerTests {
    static let policy = CircuitBreakerPolicy(
        failureRate: 0.5, minimumCalls: 4, window: .seconds(30), consecutiveFailures: 3,
        openFor: .seconds(5), maxOpenFor: .seconds(12), halfOpenProbes: 2)

    @Test(
        "an open circuit refuses a call before it is built, as the pipeline would; a call due for a probe goes through")
    func refusedBeforeBuilding() async throws {
        /// Three failing calls open the circuit; then calls are refused until the open period ends.
        func run(observed: Bool) async throws -> [String] {
            let clock = ManualClock()
            let transport = ScriptedTransport(clock: clock, status: 500)
            let observability =
                observed
                ? Observability(logger: Logger(label: "courier-test") { _ in SwiftLogNoOpLogHandler() })
                : Observability()
            let state = ResilienceState(clock: clock)
            let runtime = ServiceRuntime(
                configuration: ClientConfiguration(
                    server: "https://a.example", transport: transport, resilienceState: state,
                    observability: observability))
            let policy = ResiliencePolicy(
                retry: RetryPolicy(maxAttempts: 1, budget: RetryBudgetPolicy(ratio: 1, perSecond: 0)),
                circuitBreaker: Self.policy)
            let operation = Operation<Void, NoErrors>(
                name: "op", authSchemes: [], output: .empty, errors: [], resilience: policy)
            var outcomes: [String] = []
            for _ in 0..<5 {
                do throws(ClientError<NoErrors>) {
                    _ = try await runtime.send(operation, RequestBuilder(.get, path: "/"), options: RequestOptions())
                    outcomes.append("ok")
                } catch {
                    outcomes.append("\(error)")
                }
                clock.advance(by: .seconds(1))
            }
            clock.advance(by: .seconds(2))
            _ = try? await runtime.send(operation, RequestBuilder(.get, path: "/"), options: RequestOptions())
            outcomes.append("sent \(transport.count)")
            // Every call earned the host's retry budget a token (ratio 1), refused ones included.
            let budget = state.budget(for: "a.example")
            outcomes.append(
                "budget \((0..<10).filter { _ in budget.withdraw(policy: RetryBudgetPolicy(ratio: 1, perSecond: 0), now: clock.now()) }.count)"
            )
            return outcomes
        }
        let fast = try await run(observed: false)
        #expect(
            fast == [
                "unexpected status 500, 0 bytes", "unexpected status 500, 0 bytes", "unexpected status 500, 0 bytes",
                "circuit open for a.example; retry in 4.0 seconds", "circuit open for a.example; retry in 3.0 seconds",
                "sent 4", "budget 6",
            ])
        #expect(try await run(observed: true) == fast, "the observed path, through the pipeline, ends the same")
    }

    func call(_ run: Pipeline, host: String = "a.example") async -> Result<TransportResponse, any Error> {
        var policy = ResiliencePolicy(retry: .disabled, circuitBreaker: Self.policy)
        policy.bulkhead = .unlimited
        let pipelineRequest = request(host: host, policy: policy)
        do {
            return .success(try await run.run(pipelineRequest))
        } catch {
            return .failure(error)
        }
    }

    func isRejected(_ result: Result<TransportResponse, any Error>) -> Bool {
        if case .failure(PipelineFailure.circuitOpen) = result { return true }
        return false
    }

    @Test("closed below the minimum calls; opens at the failure rate; sends nothing while open")
    func failureRate() async {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let statuses = Locked([200, 500, 200, 500])
        let transport = ScriptedTransport(clock: clock) { index, _ in
            TransportResponse(
                head: HTTPResponse(status: .init(code: statuses.withLock { index < $0.count ? $0[index] : 200 })))
        }
        let run = pipeline(state, ["breaker"], transport: transport)
        for _ in 0..<3 { _ = await call(run) }
        #expect(
            state.circuitState(for: "a.example", policy: Self.policy) == .closed, "3 calls are below the minimum of 4")
        _ = await call(run)
        #expect(state.circuitState(for: "a.example", policy: Self.policy) == .open, "2 failures in 4 calls is 50 %")
        #expect(isRejected(await call(run)))
        #expect(transport.count == 4, "nothing is sent while open")
    }

    @Test("consecutive failures open it; probes are limited; success closes; a failed probe re-opens for longer")
    func lifecycle() async {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let events = Locked<[CircuitBreakerEvent]>([])
        state.onCircuitStateChange { event in events.withLock { $0.append(event) } }
        let fail = Locked(true)
        let release = Locked<[CheckedContinuation<Void, Never>]>([])
        let transport = ScriptedTransport(clock: clock) { _, _ in
            if fail.withLock({ $0 }) { return TransportResponse(head: HTTPResponse(status: .serviceUnavailable)) }
            await withCheckedContinuation { continuation in release.withLock { $0.append(continuation) } }
            return TransportResponse(head: HTTPResponse(status: .ok))
        }
        let run = pipeline(state, ["breaker"], transport: transport)
        for _ in 0..<3 { _ = await call(run) }
        #expect(state.circuitState(for: "a.example", policy: Self.policy) == .open)

        // Half-open after 5 s: a failed probe re-opens for 10 s.
        clock.advance(by: .seconds(5))
        _ = await call(run)
        #expect(isRejected(await call(run)))
        clock.advance(by: .seconds(9))
        #expect(isRejected(await call(run)), "still open after 9 of 10 s")
        clock.advance(by: .seconds(1))

        // Exactly 2 probes go through; the third call is rejected while they are in flight.
        fail.withLock { $0 = false }
        let probes = (0..<2).map { _ in Task { await call(run) } }
        while release.withLock({ $0.count }) < 2 { await Task.yield() }
        #expect(isRejected(await call(run)))
        for continuation in release.withLock({ $0 }) { continuation.resume() }
        for probe in probes { _ = await probe.value }
        #expect(state.circuitState(for: "a.example", policy: Self.policy) == .closed)

        #expect(events.withLock { $0.map(\.to) } == [.open, .halfOpen, .open, .halfOpen, .closed])
        #expect(events.withLock { $0.compactMap(\.openFor) } == [.seconds(5), .seconds(10)])
        #expect(transport.count == 3 + 1 + 2)
    }

    @Test("one host's failures do not affect another; forced open and disabled")
    func isolationAndModes() async {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let transport = ScriptedTransport(clock: clock) { _, request in
            TransportResponse(
                head: HTTPResponse(status: request.head.authority == "bad.example" ? .internalServerError : .ok))
        }
        let run = pipeline(state, ["breaker"], transport: transport)
        for _ in 0..<3 { _ = await call(run, host: "bad.example") }
        #expect(isRejected(await call(run, host: "bad.example")))
        guard case .success = await call(run, host: "good.example") else {
            Issue.record("the other host's breaker must be closed")
            return
        }

        var forced = ResiliencePolicy(retry: .disabled, circuitBreaker: CircuitBreakerPolicy(mode: .forcedOpen))
        forced.bulkhead = .unlimited
        await #expect(throws: PipelineFailure.self) { try await run.run(request(host: "good.example", policy: forced)) }
        var disabled = forced
        disabled.circuitBreaker = .disabled
        let allowed = disabled
        await #expect(throws: Never.self) { try await run.run(request(host: "bad.example", policy: allowed)) }
    }

    @Test(
        "an outcome counts when its call began, in the newest bucket once that is older than the window; the breaker then opens for its full time"
    )
    func lateOutcome() async throws {
        let clock = ManualClock()
        let release = Locked<CheckedContinuation<Void, Never>?>(nil)
        let transport = ScriptedTransport(clock: clock) { index, _ in
            if index == 0 { await withCheckedContinuation { continuation in release.withLock { $0 = continuation } } }
            return TransportResponse(head: HTTPResponse(status: .serviceUnavailable))
        }
        let state = ResilienceState(clock: clock)
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://a.example", transport: transport, resilienceState: state))
        // Buckets of 3 s; four calls at least, half of them failures, open the circuit.
        let breaker = CircuitBreakerPolicy(
            failureRate: 0.5, minimumCalls: 4, window: .seconds(30), consecutiveFailures: nil, openFor: .seconds(5),
            maxOpenFor: .seconds(20))
        var policy = ResiliencePolicy(retry: .disabled, circuitBreaker: breaker)
        policy.timeouts = Timeouts(total: .seconds(100), attempt: .seconds(100))
        let operation = Operation<Void, NoErrors>(
            name: "op", authSchemes: [], output: .empty, errors: [], resilience: policy)
        func send() async -> String {
            do throws(ClientError<NoErrors>) {
                _ = try await runtime.send(operation, RequestBuilder(.get, path: "/"), options: RequestOptions())
                return "ok"
            } catch {
                return "\(error)"
            }
        }

        // A call starts at 0 s and answers at 31 s, after three failures of calls made at 31 s:
        // its bucket (0 s) has been reused by theirs (30 s), so it counts with them.
        let slow = Task { await send() }
        while release.withLock({ $0 == nil }) { await Task.yield() }
        clock.advance(by: .seconds(31))
        for _ in 0..<3 { #expect(await send() == "unexpected status 503, 0 bytes") }
        #expect(state.circuitState(for: "a.example", policy: breaker) == .closed, "3 calls are below the minimum of 4")
        release.withLock { $0?.resume() }
        #expect(await slow.value == "unexpected status 503, 0 bytes")
        #expect(state.circuitState(for: "a.example", policy: breaker) == .open)
        // Open for 5 s from the failure that opened it (31 s), not from when that call began (0 s).
        #expect(await send() == "circuit open for a.example; retry in 5.0 seconds")
        #expect(transport.count == 4)
    }
}
