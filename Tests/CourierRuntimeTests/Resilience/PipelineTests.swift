import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Pipeline")
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
}
