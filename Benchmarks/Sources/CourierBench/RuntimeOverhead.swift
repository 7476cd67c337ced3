import CMallocCounter
import CatalogClient
@_spi(Generated) @_spi(Benchmarks) import CourierRuntime
import Foundation
import HTTPTypes
import Logging

/// Answers every request at once with the same response: the network taken out of the measurement.
///
/// Answering at once, it trivially gives up within any timeout, so it may say that it enforces
/// the timeout, as `AsyncHTTPClientTransport` does; the runtime then starts no timer task per
/// attempt. With `enforcesTimeout` false it stands for transports that leave that to the runtime.
struct InMemoryTransport: HTTPTransport {
    let response = TransportResponse(head: HTTPResponse(status: .ok, headerFields: [.contentType: "application/json"]))
    var enforcesTimeout = true

    func send(_ request: TransportRequest) async throws -> TransportResponse { response }
}

enum BenchErrors: DeclaredError {
    var name: String { switch self {} }
}

/// The time and allocations of one call, averaged over many.
struct PerCall {
    var nanoseconds: Double
    var allocations: Double
}

/// Runtime overhead: the same call through the bare transport and through a generated-style
/// client's full default pipeline (every stage on, cache off), plus an open-circuit rejection and
/// a cache hit.
enum RuntimeOverhead {
    static let operation = Operation<Void, BenchErrors>(name: "getThing", authSchemes: ["bearer"], output: .empty, errors: [],
                                                        service: "Bench")

    static func client(_ resilience: ResilienceOverrides = ResilienceOverrides(),
                       observability: Observability = Observability(), transportEnforcesTimeout: Bool = true,
                       instances: Int? = nil) -> ServiceRuntime {
        var credentials = Credentials()
        credentials[scheme: "bearer"] = .bearer("token")
        let discovery = instances.map { count in
            Discovery.instances((0..<count).map { ServiceInstance(host: "10.0.\($0 / 256).\($0 % 256)", port: 8080) })
        }
        return ServiceRuntime(configuration: ClientConfiguration(
            server: "https://api.example.com/v1", transport: InMemoryTransport(enforcesTimeout: transportEnforcesTimeout),
            credentials: credentials, resilience: resilience, observability: observability, discovery: discovery))
    }

    /// One call of a row, set up and ready to repeat.
    typealias Call = () async throws -> Void

    /// Choosing an instance (p2c) among `count`, alone: a pick and its release.
    static func choice(among count: Int) -> Call {
        let balanced = client(instances: count)
        return {
            // The step an attempt runs, without suspending, once the first look-up is done.
            if try balanced.chooseInstanceNow() == nil { _ = try await balanced.chooseInstance() }
        }
    }

    /// Checking a valid body of 10 constrained fields, two of them with patterns, as a generated
    /// client does before sending it.
    static func validation() -> Call {
        let order = Order(
            id: "ord_8fJ2kQ9xLm", currency: "EUR", amount: 2_500, quantity: 3, note: "Leave at the door",
            tags: ["gift", "express", "fragile"], customer: "Ada Lovelace", discount: 0.1,
            metadata: ["channel": "web", "campaign": "winter"], country: "GB")
        return { try order.validate() }
    }

    /// The same body with length checks instead of its two patterns.
    static func plainValidation() -> Call {
        let order = PlainOrder(
            id: "ord_8fJ2kQ9xLm", currency: "EUR", amount: 2_500, quantity: 3, note: "Leave at the door",
            tags: ["gift", "express", "fragile"], customer: "Ada Lovelace", discount: 0.1,
            metadata: ["channel": "web", "campaign": "winter"], country: "GB")
        return { try order.validate() }
    }

    static func request() -> RequestBuilder {
        var request = RequestBuilder(.get, path: "/things/\(42)")
        request.query("limit", 20)
        return request
    }

    /// Bare transport: the request the client would build, sent straight to the transport.
    static func bare() -> Call {
        let transport = InMemoryTransport()
        let head = HTTPRequest(method: .get, scheme: "https", authority: "api.example.com", path: "/v1/things/42?limit=20",
                               headerFields: [.authorization: "Bearer token"])
        let request = TransportRequest(head: head, timeout: .seconds(10), maxResponseBodySize: 16 << 20)
        return { _ = try await transport.send(request) }
    }

    /// The full default pipeline: build, credentials, observe, cache lookup (off), deadline, retry,
    /// breaker, bulkhead, attempt timeout, transport, interpretation.
    static func pipeline(options: RequestOptions = RequestOptions(), client: ServiceRuntime = client()) -> Call {
        let builder = request()
        return {
            do throws(ClientError<BenchErrors>) {
                _ = try await client.send(operation, builder, options: options)
            } catch {
                guard case .circuitOpen = error else { throw error }
            }
        }
    }

    /// The full pipeline with the observation stages on: a logger that discards what it gets
    /// (swift-log's no-op handler), so the call and attempt spans, the task-local trace context and
    /// the metric lookups all run, as they do once any backend is configured.
    static func observed() -> Call {
        let logger = Logger(label: "courier-bench") { _ in SwiftLogNoOpLogHandler() }
        return pipeline(client: client(observability: Observability(logger: logger)))
    }

    /// The full pipeline with a logger at info level whose handler takes every line and drops it:
    /// each call's report (its log line with metadata, the call span) is made, then discarded.
    static func observedAtInfo() -> Call {
        let logger = Logger(label: "courier-bench") { _ in DiscardingLogHandler(logLevel: .info) }
        return pipeline(client: client(observability: Observability(logger: logger)))
    }

    static func openCircuit() -> Call {
        let forcedOpen = ResilienceOverrides(circuitBreaker: CircuitBreakerPolicy(mode: .forcedOpen))
        return pipeline(client: client(forcedOpen))
    }

    /// A call answered from the cache, whose policy the client's configuration sets (as the spec's
    /// `cache:` would): the first call stores the response, and the measured ones find it.
    static func cacheHit() async throws -> Call {
        let cached = client(ResilienceOverrides(cache: .use(CachePolicy(ttl: .seconds(3600)))))
        _ = try await cached.send(operation, request(), options: RequestOptions())
        return pipeline(client: cached)
    }

    /// A stage measured on its own.
    enum Stage {
        case breaker, retry, bulkhead, rateLimit
    }

    /// A whole call with every stage switched off but `stage`: with `nil`, the baseline the stage
    /// rows are compared with.
    static func stage(_ stage: Stage?) -> Call {
        var resilience = ResilienceOverrides(
            retry: RetryPolicy(maxAttempts: 1, budget: nil), circuitBreaker: .disabled, bulkhead: .unlimited,
            rateLimit: .off)
        switch stage {
        case nil: break
        case .breaker: resilience.circuitBreaker = CircuitBreakerPolicy()
        case .retry: resilience.retry = RetryPolicy()
        case .bulkhead: resilience.bulkhead = BulkheadPolicy()
        case .rateLimit:
            resilience.rateLimit = .use(RateLimitPolicy(requests: 1_000_000_000, per: .seconds(1), burst: 1_000_000_000))
        }
        return pipeline(client: client(resilience))
    }

    /// The time and allocations per call of each of `calls`, the fastest of 5 batches of
    /// `iterations / 5` calls each after a warm-up: on a shared machine the fastest batch is the
    /// one least disturbed by other work, and allocations do not vary between batches. The
    /// batches take turns (one of each call per round), so that a busy moment slows every call's
    /// batch of that round rather than all of one call's: the differences between calls are what
    /// the rows report.
    static func perCall(iterations: Int, _ calls: [Call]) async throws -> [PerCall] {
        for body in calls {
            for _ in 0..<min(iterations, 1000) { try await body() }
        }
        let batch = max(iterations / 5, 1)
        var best = [PerCall](repeating: PerCall(nanoseconds: .infinity, allocations: 0), count: calls.count)
        for _ in 0..<5 {
            for (index, body) in calls.enumerated() {
                let allocationsBefore = courier_bench_allocations()
                let started = ContinuousClock.now
                for _ in 0..<batch { try await body() }
                let elapsed = ContinuousClock.now - started
                let allocations = courier_bench_allocations() - allocationsBefore
                let (seconds, attoseconds) = elapsed.components
                let nanoseconds = (Double(seconds) * 1e9 + Double(attoseconds) / 1e9) / Double(batch)
                if nanoseconds < best[index].nanoseconds {
                    best[index] = PerCall(nanoseconds: nanoseconds, allocations: Double(allocations) / Double(batch))
                }
            }
        }
        return best
    }
}

/// A log handler that takes the lines at its level and above, and drops them.
struct DiscardingLogHandler: LogHandler {
    var logLevel: Logger.Level
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {}
}
