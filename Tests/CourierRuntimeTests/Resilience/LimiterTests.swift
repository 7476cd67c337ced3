import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Bulkhead and rate limiter")
struct LimiterTests {
    @Test("the 101st concurrent call over a bulkhead of 100 is rejected at once")
    func bulkheadRejects() async throws {
        let state = ResilienceState()
        let started = Locked(0)
        let transport = ScriptedTransport(clock: SystemClock()) { _, _ in
            started.withLock { $0 += 1 }
            return try await hang()
        }
        let run = pipeline(state, ["bulkhead"], transport: transport)
        let calls = (0..<100).map { _ in Task { try await run.run(request()) } }
        while started.withLock({ $0 }) < 100 { await Task.yield() }
        await #expect(throws: PipelineFailure.self) { try await run.run(request()) }
        #expect(state.bulkheadPermitsInUse(for: "a.example") == 100)
        for call in calls { call.cancel() }
        for call in calls { _ = await call.result }
        #expect(state.bulkheadPermitsInUse(for: "a.example") == 0)
    }

    @Test("after thousands of random cancellations, waits and completions, every permit is back")
    func bulkheadNeverLeaks() async {
        let state = ResilienceState()
        let random = SeededRandom(seed: 42)
        let transport = ScriptedTransport(clock: SystemClock()) { _, _ in
            if random.nextUnit() < 0.5 { await Task.yield() }
            return TransportResponse(head: HTTPResponse(status: .ok))
        }
        let run = pipeline(state, ["bulkhead"], transport: transport)
        var policy = ResiliencePolicy.standard
        policy.bulkhead = BulkheadPolicy(maxConcurrent: 8, maxWait: .seconds(5))
        let waiting = policy
        await withTaskGroup(of: Void.self) { group in
            for index in 0..<3000 {
                let task = Task { _ = try? await run.run(request(policy: waiting)) }
                if index % 3 == 0 { task.cancel() }
                group.addTask { await task.value }
            }
        }
        #expect(state.bulkheadPermitsInUse(for: "a.example") == 0)
    }

    @Test("the token bucket lets a burst through, then refuses with the wait, then refills")
    func rateLimit() async throws {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let transport = ScriptedTransport(clock: clock, status: 200)
        let run = pipeline(state, ["rate"], transport: transport)
        var policy = ResiliencePolicy.standard
        policy.rateLimit = RateLimitPolicy(requests: 2, per: .seconds(1))
        for _ in 0..<2 { _ = try await run.run(request(policy: policy)) }
        do {
            _ = try await run.run(request(policy: policy))
            Issue.record("the third call must be refused")
        } catch PipelineFailure.rateLimited(_, let retryIn) {
            #expect(retryIn == .milliseconds(500))
        }
        clock.advance(by: .milliseconds(500))
        _ = try await run.run(request(policy: policy))
        #expect(transport.count == 3)

        policy.rateLimit?.maxWait = .seconds(1)
        let waiting = policy
        _ = try await drive(clock) { try await run.run(request(policy: waiting)) }.get()
        #expect(transport.times.last == .seconds(1), "waited for the next token instead of failing")
    }
}
