import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

@Suite("Resilience configuration", .timeLimit(.minutes(3)))
struct ResilienceConfigurationTests {
    @Test("spec → client → endpoint → call: later levels win")
    func layering() {
        let operation = Operation<Void, NoErrors>(
            name: "op", authSchemes: [], output: .empty, errors: [],
            resilience: ResiliencePolicy(retry: RetryPolicy(maxAttempts: 4)))
        var configuration = ClientConfiguration(server: "https://a.example", timeout: .seconds(20))
        configuration.endpointResilience["op"] = ResilienceOverrides(maxAttempts: 2)
        let runtime = ServiceRuntime(configuration: configuration)
        let policy = runtime.effectivePolicy(for: operation, options: RequestOptions(timeout: .seconds(5)))
        #expect(policy.retry.maxAttempts == 2)
        #expect(policy.timeouts == Timeouts(total: .seconds(5), attempt: .seconds(5)))
        #expect(
            runtime.effectivePolicy(for: operation, options: RequestOptions()).timeouts
                == Timeouts(total: .seconds(20), attempt: .seconds(10)))
    }

    @Test("a call's options know whether they override anything, through every way of changing them")
    func optionsOverride() {
        var options = RequestOptions()
        #expect(!options.overridesResilience)
        options.resilience.maxAttempts = 1
        #expect(options.overridesResilience)
        options.resilience.maxAttempts = nil
        #expect(!options.overridesResilience)
        options.timeout = .seconds(1)
        #expect(options.overridesResilience)
        options.timeout = nil
        options.cache = .off
        #expect(options.overridesResilience)
        options.resilience = ResilienceOverrides()
        #expect(!options.overridesResilience)
        #expect(RequestOptions(resilience: ResilienceOverrides(hedge: .off)).overridesResilience)
        #expect(RequestOptions(timeout: .seconds(2)).overridesResilience)
        #expect(!RequestOptions(headerFields: [.accept: "text/plain"]).overridesResilience)
    }

    @Test("invalid combinations are refused with a message before anything is sent")
    func invalid() async {
        #expect(
            ResiliencePolicy(timeouts: Timeouts(total: .seconds(1), attempt: .seconds(2))).problem
                == "the attempt timeout (2.0 seconds) is longer than the total timeout (1.0 seconds)")
        #expect(ResiliencePolicy(retry: RetryPolicy(maxAttempts: 0)).problem == "retry maxAttempts must be at least 1")
        #expect(
            ResiliencePolicy(circuitBreaker: CircuitBreakerPolicy(failureRate: 1.5)).problem
                == "the breaker failureRate must be in (0, 1]")
        #expect(ResiliencePolicy.standard.problem == nil)

        let transport = ScriptedTransport(clock: SystemClock(), status: 200)
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(server: "https://a.example", transport: transport))
        let operation = Operation<Void, NoErrors>(name: "op", authSchemes: [], output: .empty, errors: [])
        do throws(ClientError<NoErrors>) {
            _ = try await runtime.send(
                operation, RequestBuilder(.get, path: "/"),
                options: RequestOptions(resilience: ResilienceOverrides(maxAttempts: 0)))
            Issue.record("must be refused")
        } catch {
            #expect(error == .invalidRequest("resilience settings of 'op': retry maxAttempts must be at least 1"))
        }
        #expect(transport.count == 0)
    }
}
