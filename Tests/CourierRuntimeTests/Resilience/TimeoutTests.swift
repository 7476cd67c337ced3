import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Timeouts and cancellation", .timeLimit(.minutes(3)))
struct TimeoutTests {
    @Test("an attempt timeout cancels the transport call and is retried; the total deadline ends the call")
    func attemptTimeout() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport(clock: clock) { _, _ in try await hang() }
        let policy = ResiliencePolicy(
            timeouts: Timeouts(total: .seconds(25), attempt: .seconds(10)),
            retry: RetryPolicy(maxAttempts: 5, jitter: .none))
        let run = pipeline(ResilienceState(clock: clock), ["retry", "attempt"], transport: transport)
        let result = await drive(clock) { try await run.run(request(policy: policy)) }
        guard case .failure(PipelineFailure.deadlineExceeded(let total)) = result else {
            Issue.record("expected the deadline, got \(result)")
            return
        }
        #expect(total == .seconds(25))
        // Attempts at 0 s and 10.1 s (after 100 ms backoff); the third starts at 20.3 s and is cut at 25 s.
        #expect(transport.times == [.zero, .milliseconds(10_100), .milliseconds(20_300)])
        #expect(clock.now() == .seconds(25), "the call ended exactly at the deadline")
        #expect(transport.requests.map(\.timeout) == [.seconds(10), .seconds(10), .milliseconds(4_700)])
    }

    @Test(
        "a transport that enforces the timeout runs in the caller's task with the limit, and its timeout ends the attempt"
    )
    func transportEnforcedTimeout() async throws {
        let clock = ManualClock()
        let policy = ResiliencePolicy(
            timeouts: Timeouts(total: .seconds(25), attempt: .seconds(10)),
            retry: RetryPolicy(maxAttempts: 5, initialBackoff: .milliseconds(100), jitter: .none))
        /// Runs a call whose attempts each take their whole limit on the test clock and then time
        /// out, as a transport would; returns the outcome, the limits the transport was given, and
        /// for each attempt whether it ran in the task that called the pipeline.
        func run(enforcing: Bool) async -> (Result<TransportResponse, any Error>, [Duration], inCallerTask: [Bool]) {
            // Tasks compared by identity; the caller's lives throughout, so no other task shares it.
            let caller = Locked<Int?>(nil)
            let inCaller = Locked<[Bool]>([])
            let scripted = ScriptedTransport(clock: clock) { _, request in
                let same = withUnsafeCurrentTask { current in current.map(\.hashValue) == caller.current }
                inCaller.withLock { $0.append(same) }
                clock.advance(by: request.timeout)
                throw TransportError(.timedOut, detail: "took \(request.timeout)")
            }
            let transport = EnforcingTransport(base: scripted, enforcesTimeout: enforcing)
            let stages = pipeline(ResilienceState(clock: clock), ["retry", "attempt"], transport: transport)
            let result = await drive(clock) {
                let current = withUnsafeCurrentTask { $0?.hashValue }
                caller.withLock { $0 = current }
                return try await stages.run(request(policy: policy))
            }
            return (result, scripted.requests.map(\.timeout), inCaller.current)
        }

        let start = clock.now()
        let (result, timeouts, inCallerTask) = await run(enforcing: true)
        guard case .failure(PipelineFailure.deadlineExceeded(let total)) = result else {
            Issue.record("expected the deadline, got \(result)")
            return
        }
        #expect(total == .seconds(25))
        // Attempts at 0 s, 10.1 s and 20.3 s; the last gets what is left of the deadline.
        #expect(timeouts == [.seconds(10), .seconds(10), .milliseconds(4_700)])
        #expect(clock.now() - start == .seconds(25))
        #expect(inCallerTask == [true, true, true], "no task of its own per attempt")

        let (timerResult, _, timerInCallerTask) = await run(enforcing: false)
        guard case .failure(PipelineFailure.deadlineExceeded) = timerResult else {
            Issue.record("expected the deadline, got \(timerResult)")
            return
        }
        #expect(timerInCallerTask == [false, false, false], "the runtime's timer cancels a task of the attempt's own")
    }

    @Test("middleware inside the attempt keeps the runtime's timer even over a transport that enforces the timeout")
    func middlewareKeepsTheTimer() {
        func enforced(_ middleware: [any Middleware]) -> Bool? {
            let transport = EnforcingTransport(
                base: ScriptedTransport(clock: ManualClock(), status: 200), enforcesTimeout: true)
            var configuration = ClientConfiguration(server: "https://a.example", transport: transport)
            configuration.middleware = middleware
            let stages = ServiceRuntime(configuration: configuration).pipeline.stages
            return stages.lazy.compactMap { $0 as? ResilienceStage }.first?.timeout.transportEnforcesTimeout
        }
        #expect(enforced([]) == true)
        #expect(enforced([PassThrough()]) == false)
    }

    @Test("cancelling the caller stops every attempt and is reported as cancellation")
    func cancellation() async throws {
        let transport = ScriptedTransport(clock: SystemClock()) { _, _ in try await hang() }
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(server: "https://a.example", transport: transport))
        let operation = Operation<Void, NoErrors>(name: "op", authSchemes: [], output: .empty, errors: [])
        let task = Task { () -> ClientError<NoErrors>? in
            do throws(ClientError<NoErrors>) {
                _ = try await runtime.send(operation, RequestBuilder(.get, path: "/"), options: RequestOptions())
                return nil
            } catch {
                return error
            }
        }
        while transport.count == 0 { await Task.yield() }
        task.cancel()
        #expect(await task.value == .cancelled)
        #expect(transport.count == 1, "no attempt after cancellation")
    }
}
