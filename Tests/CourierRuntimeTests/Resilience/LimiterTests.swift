import CourierRuntimeTesting
import CourierTestSupport
import Foundation
import HTTPTypes
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Bulkhead and rate limiter", .timeLimit(.minutes(3)))
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

    @Test("a burst or a period beyond any clock's range neither traps nor refuses")
    func extremePolicies() {
        let bucket = TokenBucket()
        let deep = RateLimitPolicy(requests: 1, per: .seconds(Int64.max / 4), burst: .max)
        for step in 0..<3 {
            guard case .after(.zero) = bucket.take(policy: deep, now: .seconds(step)) else {
                Issue.record("a burst of Int.max has a token at once")
                return
            }
        }
        // One token an era, two at once, a wait of one era allowed: two at once, a third after
        // an era, and a fourth refused.
        let era = Duration.seconds(Int64.max / 4)
        let slow = RateLimitPolicy(requests: 1, per: era, burst: 2, maxWait: era)
        let slowBucket = TokenBucket()
        var answers: [String] = []
        for _ in 0..<4 {
            switch slowBucket.take(policy: slow, now: .zero) {
            case .after(let wait): answers.append(wait == .zero ? "now" : wait == era ? "after an era" : "\(wait)")
            case .refused: answers.append("refused")
            }
        }
        #expect(answers == ["now", "now", "after an era", "refused"])
    }

    @Test(
        "the bucket decides as counting tokens would: random takes, waits, refusals and give-backs",
        arguments: [1, 2, 3])
    func bucketMatchesTokenCounting(seed: UInt64) {
        /// Tokens counted as a number that refills with time: the plain algorithm the bucket's
        /// arrival times must agree with.
        struct CountedTokens {
            var tokens: Double
            var last: Duration = .zero

            mutating func take(_ policy: RateLimitPolicy, now: Duration) -> Duration? {
                let rate = Double(policy.requests) / policy.per.seconds
                tokens = min(Double(policy.burst), tokens + (now - last).seconds * rate)
                last = now
                let wait = tokens >= 1 ? 0 : (1 - tokens) / rate
                guard wait <= policy.maxWait.seconds + 1e-9 else { return nil }
                tokens -= 1
                return .seconds(wait)
            }
        }
        var random = SeededGenerator(state: seed)
        let policy = RateLimitPolicy(
            requests: Int.random(in: 1...50, using: &random),
            per: .milliseconds(Int.random(in: 1...3000, using: &random)),
            burst: Int.random(in: 1...20, using: &random),
            maxWait: .milliseconds(Int.random(in: 0...500, using: &random)))
        let bucket = TokenBucket()
        var counted = CountedTokens(tokens: Double(policy.burst))
        var now = Duration.seconds(1000)
        counted.last = now
        for step in 0..<2000 {
            now += .microseconds(
                Int.random(in: 0...(2 * Int(policy.per.seconds * 1e6) / policy.requests), using: &random))
            let grant = bucket.take(policy: policy, now: now)
            let expected = counted.take(policy, now: now)
            switch (grant, expected) {
            case (.after(let wait), let expected?):
                #expect(abs((wait - expected).seconds) < 1e-6, "step \(step): waits \(wait), counting says \(expected)")
                if Bool.random(using: &random), wait > .zero {
                    bucket.giveBack(policy: policy)
                    counted.tokens = min(Double(policy.burst), counted.tokens + 1)
                }
            case (.refused(let retryIn), nil):
                #expect(retryIn > policy.maxWait, "step \(step)")
            default:
                Issue.record("step \(step): the bucket says \(grant), counting says \(String(describing: expected))")
                return
            }
        }
    }
}
