import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Testing

@testable import CourierRuntime

/// A transport whose n-th request (from 0) waits `delays[n]` on the clock, then answers with
/// `statuses[n]`; it records which requests were cancelled while waiting.
private final class PacedTransport: HTTPTransport {
    let clock: ManualClock
    let delays: [Duration]
    let statuses: [Int]
    let sent = Locked(0)
    let cancelled = Locked<[Int]>([])

    init(clock: ManualClock, delays: [Duration], statuses: [Int] = []) {
        self.clock = clock
        self.delays = delays
        self.statuses = statuses
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let index = sent.withLock {
            $0 += 1
            return $0 - 1
        }
        do {
            try await clock.sleep(for: delays[min(index, delays.count - 1)])
        } catch {
            cancelled.withLock { $0.append(index) }
            throw error
        }
        let status = statuses.isEmpty ? 200 : statuses[min(index, statuses.count - 1)]
        var response = TransportResponse(head: HTTPResponse(status: .init(code: status)))
        response.body = Data("\(index)".utf8)
        return response
    }
}

@Suite("Hedged requests", .timeLimit(.minutes(3)))
struct HedgeTests {
    let clock = ManualClock()

    private func policy(_ delay: HedgePolicy.Delay, maxAttempts: Int = 2, budget: RetryBudgetPolicy? = nil)
        -> ResiliencePolicy
    {
        var policy = ResiliencePolicy.standard
        policy.hedge = HedgePolicy(delay: delay, maxAttempts: maxAttempts)
        policy.retry.budget = budget
        return policy
    }

    /// Runs one call, moving the clock by `step` whenever something sleeps on it.
    private func run(_ pipeline: Pipeline, _ request: PipelineRequest, step: Duration = .milliseconds(10)) async
        -> Result<TransportResponse, any Error>
    {
        let task = Task { try await pipeline.run(request) }
        let done = Locked(false)
        let driver = Task {
            while !done.current {
                if clock.sleeperCount > 0 { clock.advance(by: step) }
                await Task.yield()
            }
        }
        let result = await task.result
        done.withLock { $0 = true }
        await driver.value
        return result
    }

    /// Waits until exactly `sleepers` tasks sleep on the clock (every copy and wait of this moment
    /// has started), then moves the clock by `duration`. Moving it sooner would race the stage:
    /// a wait that starts late would find the clock already past its copy's answer.
    private func step(when sleepers: Int, by duration: Duration) async {
        while clock.sleeperCount != sleepers { await Task.yield() }
        clock.advance(by: duration)
    }

    @Test("a slow first copy: after the delay a second goes out, wins, and the first is cancelled")
    func slowFirstCopy() async throws {
        let transport = PacedTransport(clock: clock, delays: [.seconds(5), .milliseconds(20)])
        let state = ResilienceState(clock: clock)
        let run = pipeline(state, ["hedge"], transport: transport)
        let call = Task { try await run.run(request(policy: policy(.fixed(.milliseconds(50))))) }
        await step(when: 2, by: .milliseconds(50))  // the first copy and the wait
        await step(when: 2, by: .milliseconds(20))  // the first copy and the second
        let response = try await call.value
        #expect(String(decoding: response.body, as: UTF8.self) == "1")
        #expect(transport.sent.current == 2)
        #expect(transport.cancelled.current == [0])
        #expect(clock.now() == .milliseconds(70), "the call ended with the second copy, not the first")
    }

    @Test("an answer before the delay sends no copy; a POST without a key never hedges")
    func noCopy() async throws {
        let fast = PacedTransport(clock: clock, delays: [.milliseconds(20)])
        let state = ResilienceState(clock: clock)
        let fastRun = pipeline(state, ["hedge"], transport: fast)
        let answered = Task { try await fastRun.run(request(policy: policy(.fixed(.milliseconds(50))))) }
        await step(when: 2, by: .milliseconds(20))  // the copy and the wait; the copy answers first
        _ = try await answered.value
        #expect(fast.sent.current == 1)

        let slowPost = PacedTransport(clock: clock, delays: [.milliseconds(200)])
        let postRun = pipeline(state, ["hedge"], transport: slowPost)
        let post = Task { try await postRun.run(request(.post, policy: policy(.fixed(.milliseconds(50))))) }
        await step(when: 1, by: .milliseconds(200))  // the copy alone: a POST gets no wait
        _ = try await post.value
        #expect(slowPost.sent.current == 1)
    }

    @Test("a failing copy waits for the others; when every copy fails, a failure is the outcome")
    func failures() async throws {
        let transport = PacedTransport(
            clock: clock, delays: [.milliseconds(100), .milliseconds(300), .milliseconds(10)],
            statuses: [503, 200, 502])
        let state = ResilienceState(clock: clock)
        let run = pipeline(state, ["hedge"], transport: transport)
        let call = Task { try await run.run(request(policy: policy(.fixed(.milliseconds(50)), maxAttempts: 3))) }
        await step(when: 2, by: .milliseconds(50))  // copy 0 (due at 100 ms) and the wait
        await step(when: 3, by: .milliseconds(50))  // copy 0, copy 1 (due at 350 ms), the next wait
        await step(when: 2, by: .milliseconds(10))  // copy 0 answered 503; copy 1, copy 2 (due at 110 ms)
        await step(when: 1, by: .milliseconds(240))  // copy 2 answered 502; copy 1
        let response = try await call.value
        #expect(response.head.status.code == 200, "the 503 and the 502 did not end the call while a copy was out")
        #expect(transport.sent.current == 3)

        let failing = PacedTransport(
            clock: clock, delays: [.milliseconds(100), .milliseconds(100)], statuses: [503, 500])
        let failingRun = pipeline(state, ["hedge"], transport: failing)
        let failingCall = Task { try await failingRun.run(request(policy: policy(.fixed(.milliseconds(50))))) }
        await step(when: 2, by: .milliseconds(50))  // copy 0 (due at 100 ms from its start) and the wait
        await step(when: 2, by: .milliseconds(50))  // copy 0 and copy 1 (due 50 ms later)
        await step(when: 1, by: .milliseconds(50))  // copy 0 answered 503; copy 1
        // Which failure is last depends on which answer the stage reads last; either is a failure.
        let last = try await failingCall.value.head.status.code
        #expect(last == 500 || last == 503)
        #expect(failing.sent.current == 2)
    }

    @Test("copies draw from the host's retry budget; a spent budget sends none")
    func budget() async throws {
        let transport = PacedTransport(clock: clock, delays: [.milliseconds(200)])
        let state = ResilienceState(clock: clock)
        let spent = RetryBudgetPolicy(ratio: 0, perSecond: 0)
        let run = pipeline(state, ["hedge"], transport: transport)
        let call = Task { try await run.run(request(policy: policy(.fixed(.milliseconds(50)), budget: spent))) }
        await step(when: 2, by: .milliseconds(50))  // the copy and the wait, which finds the budget spent
        await step(when: 1, by: .milliseconds(150))  // the copy alone
        _ = try await call.value
        #expect(transport.sent.current == 1)
    }

    @Test("a percentile delay waits for 20 answers, then hedges past the observed quantile")
    func percentile() async throws {
        // Answers of 10, 20, … 200 ms: the median is 100 ms.
        let delays = (1...20).map { Duration.milliseconds(10 * $0) } + [.seconds(5), .milliseconds(10)]
        let transport = PacedTransport(clock: clock, delays: delays)
        let state = ResilienceState(clock: clock)
        let latencies = LatencyWindows()
        let run = pipeline(state, ["hedge"], transport: transport, latencies: latencies)
        for _ in 0..<20 { _ = try await self.run(run, request(policy: policy(.percentile(0.5)))).get() }
        #expect(transport.sent.current == 20, "no copy before 20 answers")
        #expect(latencies.quantile(0.5, of: "op") == .milliseconds(100))
        let started = clock.now()
        let call = Task { try await run.run(request(policy: policy(.percentile(0.5)))) }
        await step(when: 2, by: .milliseconds(100))  // the slow copy and the wait of the median
        await step(when: 2, by: .milliseconds(10))  // the slow copy and the second
        let response = try await call.value
        #expect(String(decoding: response.body, as: UTF8.self) == "21")
        #expect(clock.now() - started == .milliseconds(110), "the copy went out after the median, 100 ms")
    }

    @Test("a hedge that cannot work fails the call before sending")
    func invalid() {
        var policy = ResiliencePolicy.standard
        policy.hedge = HedgePolicy(delay: .fixed(.zero))
        #expect(policy.problem != nil)
        policy.hedge = HedgePolicy(delay: .percentile(1.5))
        #expect(policy.problem != nil)
        policy.hedge = HedgePolicy(delay: .fixed(.seconds(1)), maxAttempts: 1)
        #expect(policy.problem != nil)
    }
}
