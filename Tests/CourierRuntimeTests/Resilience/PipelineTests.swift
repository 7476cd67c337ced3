import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Pipeline", .timeLimit(.minutes(3)))
struct PipelineTests {
    @Test("a stage is stepped over only where it would just pass the request on; then it passes it on unchanged")
    func passThroughStages() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport(clock: clock, status: 200)
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://a.example", transport: transport, resilienceState: ResilienceState(clock: clock)))
        // The pipeline steps over cache and coalescing; the resilience stage skips the guards it runs.
        let resilience = try #require(runtime.pipeline.stages.lazy.compactMap { $0 as? ResilienceStage }.first)
        let guards: [any ConditionalStage] = [
            resilience.hedge, resilience.breaker, resilience.rateLimit, resilience.bulkhead,
        ]
        let conditional = runtime.pipeline.conditional.compactMap { $0 } + guards
        #expect(conditional.count == 6, "cache, coalescing, hedge, breaker, rate limiter, bulkhead")

        let idle = ResiliencePolicy(circuitBreaker: .disabled, bulkhead: BulkheadPolicy(maxConcurrent: .max))
        let busy = ResiliencePolicy(
            circuitBreaker: CircuitBreakerPolicy(), bulkhead: BulkheadPolicy(maxConcurrent: 4),
            rateLimit: RateLimitPolicy(requests: 10, per: .seconds(1)), cache: CachePolicy(ttl: .seconds(60)),
            hedge: HedgePolicy(delay: .fixed(.milliseconds(50))))
        for stage in conditional {
            #expect(stage.passesThrough(request(.get, policy: idle)), "\(type(of: stage)) has nothing to do")
            #expect(!stage.passesThrough(request(.get, policy: busy)), "\(type(of: stage)) has work")
            // What a skipped stage would have done: call next once with the request as it came.
            let seen = Locked<[String]>([])
            let response = try await stage.intercept(
                request(.get, path: "/idle", policy: idle),
                next: PipelineNext { passed in
                    seen.withLock { $0.append(passed.transportRequest.head.path ?? "") }
                    return TransportResponse(head: HTTPResponse(status: .accepted))
                })
            #expect(seen.current == ["/idle"] && response.head.status == .accepted, "\(type(of: stage))")
        }
        let cache = try #require(conditional.first { $0 is CacheStage })
        #expect(!cache.passesThrough(request(.post, policy: idle)), "a POST may invalidate cached responses")
    }

    @Test(
        "an endpoint's plan serves its calls until the settings change; a call's own method, fields and overrides apply"
    )
    func endpointPlans() async throws {
        let clock = ManualClock()
        let transport = ScriptedTransport(clock: clock, status: 503)
        var credentials = Credentials()
        credentials[scheme: "key"] = .apiKeyQuery(name: "api_key", key: "k1")
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://a.example/v1", transport: transport, credentials: credentials,
                resilience: ResilienceOverrides(
                    retry: RetryPolicy(maxAttempts: 2, initialBackoff: .zero, maxBackoff: .zero)),
                resilienceState: ResilienceState(clock: clock)))
        let operation = Operation<Void, NoErrors>(
            name: "op", authSchemes: ["key"], output: .empty, errors: [], service: "S")
        func call(
            _ method: HTTPRequest.Method, _ path: PathTemplate, fields: HTTPFields = [:], maxAttempts: Int? = nil
        ) async {
            var request = RequestBuilder(method, path: path)
            request.headerFields = fields
            request.query("q", 1)
            let options = RequestOptions(resilience: ResilienceOverrides(maxAttempts: maxAttempts))
            _ = try? await runtime.send(operation, request, options: options)
        }

        await call(.get, "/a")
        #expect(
            transport.requests.map(\.head.path) == ["/v1/a?q=1&api_key=k1", "/v1/a?q=1&api_key=k1"], "GET is retried")
        await call(.post, "/b")
        #expect(transport.count == 3, "the same endpoint sent with POST is not retried")
        #expect(transport.requests.last?.head.method == .post)
        await call(.get, "/c", fields: [.accept: "text/plain"], maxAttempts: 1)
        #expect(transport.count == 4, "the call's own override: one attempt")
        #expect(transport.requests.last?.head.headerFields[.accept] == "text/plain")
        #expect(transport.requests.last?.head.path == "/v1/c?q=1&api_key=k1")

        runtime.update { $0.server = "https://b.example" }
        await call(.get, "/d", maxAttempts: 1)
        #expect(transport.requests.last?.head.authority == "b.example")
        #expect(transport.requests.last?.head.path == "/d?q=1&api_key=k1")
        #expect(transport.count == 5)
    }
}
