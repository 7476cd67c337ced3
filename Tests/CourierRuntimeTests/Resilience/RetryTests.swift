import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Retry", .timeLimit(.minutes(3)))
struct RetryTests {
    @Test("503 with Retry-After: 2 is tried 3 times, 2 s apart, within the deadline")
    func retryAfterSpacing() async throws {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock, random: SeededRandom(seed: 1))
        let transport = ScriptedTransport(clock: clock, status: 503, fields: [.retryAfter: "2"])
        let run = pipeline(state, ["retry"], transport: transport)
        let response = try await drive(clock) { try await run.run(request()) }.get()
        #expect(response.head.status.code == 503)
        #expect(transport.times == [.zero, .seconds(2), .seconds(4)])
    }

    @Test("Retry-After over the limit ends the call at once, and the error reports the wait")
    func retryAfterTooLong() async throws {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let transport = ScriptedTransport(clock: clock, status: 503, fields: [.retryAfter: "120"])
        let response = try await pipeline(state, ["retry"], transport: transport).run(request())
        #expect(transport.count == 1)
        let error = ClientError<NoErrors>.unexpectedStatus(UnexpectedResponse(head: response.head, body: Data()))
        #expect(error.retryAfter == .seconds(120))
    }

    @Test("a Retry-After past the deadline ends the call at once")
    func retryAfterPastDeadline() async throws {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock)
        let transport = ScriptedTransport(clock: clock, status: 503, fields: [.retryAfter: "20"])
        let policy = ResiliencePolicy(timeouts: Timeouts(total: .seconds(10), attempt: .seconds(5)))
        _ = try await pipeline(state, ["retry"], transport: transport).run(request(policy: policy))
        #expect(transport.count == 1)
    }

    @Test("a POST that may have reached the server is not re-sent without an idempotency key; with one it is")
    func idempotency() async throws {
        for key in [false, true] {
            let clock = ManualClock()
            let state = ResilienceState(clock: clock, random: SeededRandom(seed: 2))
            let transport = ScriptedTransport(clock: clock, status: 503)
            let run = pipeline(state, ["retry"], transport: transport)
            _ = try await drive(clock) { try await run.run(request(.post, idempotencyKey: key)) }.get()
            #expect(transport.count == (key ? 3 : 1))
        }
        for kind in [TransportError.Kind.connectionLost, .timedOut] {
            let clock = ManualClock()
            let transport = ScriptedTransport(clock: clock) { _, _ in throw TransportError(kind, detail: "") }
            let run = pipeline(ResilienceState(clock: clock), ["retry"], transport: transport)
            _ = await drive(clock) { try await run.run(request(.post)) }
            #expect(transport.count == 1, "\(kind) after sending is not retried for a POST")
        }
    }

    @Test("a request that never reached the server is retried whatever its method")
    func connectionFailures() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport(clock: clock) { index, _ in
            if index < 2 { throw TransportError(.connectionFailed, detail: "refused") }
            return TransportResponse(head: HTTPResponse(status: .created))
        }
        let run = pipeline(
            ResilienceState(clock: clock, random: SeededRandom(seed: 3)), ["retry"], transport: transport)
        let response = try await drive(clock) { try await run.run(request(.post)) }.get()
        #expect(response.head.status == .created)
        #expect(transport.count == 3)
    }

    @Test("4xx other than 408 and 429 are not retried; cancellation is not retried")
    func notRetried() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport(clock: clock, status: 404)
        _ = try await pipeline(ResilienceState(clock: clock), ["retry"], transport: transport).run(request())
        #expect(transport.count == 1)
    }

    @Test("jitter is drawn only for a retry: a call that succeeds, or fails for good, draws none")
    func jitterOnlyWhenRetrying() async throws {
        let clock = ManualClock()
        let random = CountingRandom()
        let state = ResilienceState(clock: clock, random: random)
        _ = try await pipeline(state, ["retry"], transport: ScriptedTransport(clock: clock, status: 200)).run(request())
        _ = try await pipeline(state, ["retry"], transport: ScriptedTransport(clock: clock, status: 404)).run(request())
        #expect(random.draws == 0)
        let flaky = ScriptedTransport(clock: clock) { index, _ in
            TransportResponse(head: HTTPResponse(status: index == 0 ? .serviceUnavailable : .ok))
        }
        _ = try await drive(clock) { try await pipeline(state, ["retry"], transport: flaky).run(request()) }.get()
        #expect(flaky.count == 2)
        #expect(random.draws == 1)
    }

    @Test("full jitter stays within [0, min(max, initial × 2^n)] and is repeatable with a seed")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 10, initialBackoff: .milliseconds(100), maxBackoff: .seconds(1))
        #expect(
            (1...6).map(policy.baseDelay(beforeRetry:)) == [
                .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1),
                .seconds(1),
            ])
        let first = (1...6).map { policy.delay(beforeRetry: $0, random: SeededRandom(seed: 9)) }
        let second = (1...6).map { policy.delay(beforeRetry: $0, random: SeededRandom(seed: 9)) }
        #expect(first == second)
        for (retry, delay) in zip(1..., first) {
            #expect(delay >= .zero && delay <= policy.baseDelay(beforeRetry: retry))
        }
        var equal = policy
        equal.jitter = .equal
        let delay = equal.delay(beforeRetry: 3, random: SeededRandom(seed: 4))
        #expect(delay >= .milliseconds(200) && delay <= .milliseconds(400))
    }

    @Test("extreme backoff settings give delays within their bounds, never an overflow")
    func extremeBackoff() {
        let centuries = Duration.seconds(Int64(1) << 40)
        let huge = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: centuries, multiplier: 1e300)
        #expect(huge.baseDelay(beforeRetry: 1) == .seconds(1))
        #expect(huge.baseDelay(beforeRetry: 2) == centuries, "1e300 s is past the maximum")
        #expect(huge.baseDelay(beforeRetry: 50) == centuries, "past Double's range: infinity")
        let zero = RetryPolicy(initialBackoff: .zero, maxBackoff: .seconds(5), multiplier: 1e300)
        #expect(zero.baseDelay(beforeRetry: 40) == .seconds(5), "0 × infinity is not a number: the maximum")
        #expect(zero.baseDelay(beforeRetry: 1) == .zero)
        let long = RetryPolicy(initialBackoff: .seconds(1), maxBackoff: centuries, multiplier: 2)
        #expect(
            long.baseDelay(beforeRetry: 35) == .seconds(Int64(1) << 34), "2^34 s: more nanoseconds than an Int64 holds")
        for retry in [1, 10, 60, Int.max] {
            let delay = huge.delay(beforeRetry: retry, random: SeededRandom(seed: 1))
            #expect(delay >= .zero && delay <= centuries)
        }
    }

    @Test("the per-host budget stops retries once spent, and only for that host")
    func budget() async throws {
        let clock = ManualClock()
        let state = ResilienceState(clock: clock, random: SeededRandom(seed: 5))
        var budgeted = ResiliencePolicy.standard
        budgeted.retry.budget = RetryBudgetPolicy(ratio: 0, perSecond: 2)
        let policy = budgeted
        let transport = ScriptedTransport(clock: clock, status: 503)
        let run = pipeline(state, ["retry"], transport: transport)
        _ = try await drive(clock) { try await run.run(request(policy: policy)) }.get()
        _ = try await drive(clock) { try await run.run(request(policy: policy)) }.get()
        // The reserve holds 2 retries, both spent by the first call; well under a second later (two
        // jittered backoffs of at most 100 and 200 ms) it has not refilled, so the second call is not retried.
        #expect(transport.count == 3 + 1)
        let before = transport.count
        _ = try await drive(clock) { try await run.run(request(host: "b.example", policy: policy)) }.get()
        #expect(transport.count - before == 3, "another host has its own budget")
    }

    @Test("Retry-After dates: IMF-fixdate, RFC 850, asctime, measured from the response's Date")
    func retryAfterParsing() throws {
        let now = try #require(RetryAfter.parseDate("Sat, 21 Nov 2026 10:00:00 GMT"))
        #expect(RetryAfter.parse("7", now: now) == .seconds(7))
        #expect(RetryAfter.parse("Sat, 21 Nov 2026 10:00:30 GMT", now: now) == .seconds(30))
        #expect(RetryAfter.parse("Saturday, 21-Nov-26 10:01:00 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.parse("Sat Nov 21 10:00:05 2026", now: now) == .seconds(5))
        #expect(RetryAfter.parse("Sat, 21 Nov 2026 09:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.parse("soon", now: now) == nil)
        #expect(RetryAfter.parse("-3", now: now) == nil)
        let response = HTTPResponse(
            status: .serviceUnavailable,
            headerFields: [.retryAfter: "Sat, 21 Nov 2026 10:00:10 GMT", .date: "Sat, 21 Nov 2026 10:00:00 GMT"])
        #expect(RetryAfter.wait(in: response, now: .distantPast) == .seconds(10))
    }
}
