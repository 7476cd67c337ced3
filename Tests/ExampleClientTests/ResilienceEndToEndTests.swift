import CourierRuntime
import CourierRuntimeTesting
import CourierTestServer
import Foundation
import HTTPTypes
import Testing

/// Counts the attempts that reach the transport: user middleware runs once per attempt.
final class AttemptCounter: Middleware, @unchecked Sendable {
    // Safe: `count` is only touched under `lock`.
    private let lock = NSLock()
    private var count = 0
    var attempts: Int { lock.withLock { count } }

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        lock.withLock { count += 1 }
        return try await next(request)
    }
}

/// Generated clients under faults the real server scripts: statuses, `Retry-After`, slow headers,
/// refused connections. These use real time, so their waits are kept short.
@Suite("Resilience against the example server", .timeLimit(.minutes(3)))
struct ResilienceEndToEndTests {
    static let id = UUID(uuidString: "6f1c3f5e-54a4-4c4e-9d7e-1f0b2a3c4d5e") ?? UUID()
    /// The path of the payment `id`, as the client sends it (UUIDs in lower case).
    static let paymentPath = "/v1/payments/" + id.uuidString.lowercased()

    func client(
        _ baseURL: String, _ transport: TransportKind, counter: AttemptCounter? = nil,
        resilience: ResilienceOverrides = ResilienceOverrides()
    ) -> PaymentsClient {
        let configuration = ClientConfiguration(
            server: ServerURL(baseURL), transport: transport.make(),
            credentials: PaymentsAuth.bearer("secret-token").credentials,
            resilience: resilience, middleware: counter.map { [$0] } ?? [])
        return PaymentsClient(configuration: configuration)
    }

    @Test("100 % 503 with Retry-After: 2 makes exactly 3 requests, 2 s apart, within the deadline")
    func retryAfterIsHonoured() async throws {
        try await withServer { server in
            server.inject([.status(503, headers: ["Retry-After": "2"])], forPathPrefix: "/v1/payments/")
            let payments = client(server.baseURL, .asyncHTTPClient)
            let started = Date()
            let error = await failure { () async throws(PaymentsError) in try await payments.getPayment(id: Self.id) }
            let elapsed = Date().timeIntervalSince(started)

            #expect(error?.status?.code == 503)
            #expect(error?.retryAfter == .seconds(2))
            let times = server.requests.map(\.receivedAt)
            #expect(times.count == 3)
            for (earlier, later) in zip(times, times.dropFirst()) {
                #expect(later.timeIntervalSince(earlier) >= 1.95, "spaced by the header")
            }
            #expect(elapsed < 30, "within the 30 s deadline")
        }
    }

    @Test(
        "Retry-After: 120 ends the call after one request, and the error carries the wait",
        arguments: TransportKind.allCases)
    func longRetryAfterFailsAtOnce(transport: TransportKind) async throws {
        try await withServer { server in
            server.inject([.status(503, headers: ["Retry-After": "120"])], forPathPrefix: "/v1/payments/")
            let error = await failure { () async throws(PaymentsError) in
                try await client(server.baseURL, transport).getPayment(id: Self.id)
            }
            #expect(server.requests.count == 1)
            #expect(error?.retryAfter == .seconds(120))
        }
    }

    @Test(
        "a POST without an idempotency key that reached the server is never re-sent; with one it is, with the same key",
        arguments: TransportKind.allCases)
    func idempotency(transport: TransportKind) async throws {
        try await withServer { server in
            let body = CreatePayment(amount: Money(amount: 100, currency: .eur), source: "tok")
            let fast = ResilienceOverrides(
                retry: RetryPolicy(initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5)))
            let payments = client(server.baseURL, transport, resilience: fast)

            server.inject([.status(503)], forPathPrefix: Self.paymentPath + "/capture")
            _ = await failure { () async throws(PaymentsError) in try await payments.capturePayment(id: Self.id) }
            #expect(server.requests.count == 1, "capturePayment has no idempotency key")

            server.inject([.status(503), .status(503), .pass], forPathPrefix: "/v1/payments")
            let payment = try await payments.createPayment(body: body)
            #expect(payment.amount.amount == 100)
            let keys = server.requests.dropFirst().map { $0.headers["idempotency-key"] }
            #expect(keys.count == 3)
            #expect(Set(keys).count == 1 && keys.first != nil, "the same key on every attempt")
        }
    }

    @Test("a request that never reached the server is retried whatever its method", arguments: TransportKind.allCases)
    func refusedConnectionsAreRetried(transport: TransportKind) async throws {
        let counter = AttemptCounter()
        let fast = ResilienceOverrides(
            retry: RetryPolicy(initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5)))
        let payments = client("http://127.0.0.1:1", transport, counter: counter, resilience: fast)
        let error = await failure { () async throws(PaymentsError) in try await payments.capturePayment(id: Self.id) }
        guard case .transport(let failure)? = error else {
            Issue.record("expected a transport failure, got \(String(describing: error))")
            return
        }
        #expect(failure.kind == .connectionFailed)
        #expect(counter.attempts == 3)
    }

    @Test(
        "slow headers time the attempt out; the attempt is retried; the total deadline ends the call",
        arguments: TransportKind.allCases)
    func attemptTimeouts(transport: TransportKind) async throws {
        try await withServer { server in
            server.inject([.delay(.seconds(8))], forPathPrefix: "/v1/payments/")
            // The total leaves the retries seconds to reach the server: under the thread sanitizer,
            // on two busy cores, a new connection can take that long.
            let overrides = ResilienceOverrides(
                timeouts: Timeouts(total: .milliseconds(3000), attempt: .milliseconds(400)),
                retry: RetryPolicy(initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5)))
            let counter = AttemptCounter()
            let payments = client(server.baseURL, transport, counter: counter, resilience: overrides)
            let started = ContinuousClock.now
            let error = await failure { () async throws(PaymentsError) in try await payments.getPayment(id: Self.id) }
            let elapsed = ContinuousClock.now - started
            guard case .timeout? = error else {
                Issue.record("expected a timeout, got \(String(describing: error))")
                return
            }
            // Exactly 3 is checked on ManualClock; real time under the sanitizer can fit only 2.
            #expect(counter.attempts >= 2, "the timed-out attempt was retried")
            #expect(server.requests.count >= 2, "the retries reached the server")
            // The server holds every response 8 s: ending well before that shows the deadline
            // ended the call; how soon after the 3 s is the injected clock's to check.
            #expect(elapsed < .seconds(7), "the deadline ended the call, not the server")
        }
    }

    @Test("after 5 consecutive failures the breaker opens and nothing more is sent", arguments: TransportKind.allCases)
    func breakerOpens(transport: TransportKind) async throws {
        try await withServer { server in
            server.inject([.status(500)], forPathPrefix: "/v1/payments/")
            let payments = client(server.baseURL, transport, resilience: ResilienceOverrides(retry: .disabled))
            for _ in 0..<5 {
                _ = await failure { () async throws(PaymentsError) in try await payments.getPayment(id: Self.id) }
            }
            let error = await failure { () async throws(PaymentsError) in try await payments.getPayment(id: Self.id) }
            guard case .circuitOpen(let host, let retryIn)? = error else {
                Issue.record("expected an open circuit, got \(String(describing: error))")
                return
            }
            #expect(host == "127.0.0.1:\(server.port)")
            #expect(retryIn > .seconds(4) && retryIn <= .seconds(5))
            #expect(server.requests.count == 5)
        }
    }

    @Test(
        "a slow body times the attempt out and is retried; a body slow within the limit arrives whole",
        arguments: TransportKind.allCases)
    func slowBodies(transport: TransportKind) async throws {
        try await withServer { server in
            let patient = ResilienceOverrides(timeouts: Timeouts(total: .seconds(10), attempt: .seconds(5)))
            server.inject([.slowBody(chunks: 4, every: .milliseconds(50))], forPathPrefix: "/v1/payments/")
            let payment = try await client(server.baseURL, transport, resilience: patient).getPayment(id: Self.id)
            #expect(payment.id == Self.id)

            // As above, the total leaves the retries seconds to reach the server; the body takes longer.
            let overrides = ResilienceOverrides(
                timeouts: Timeouts(total: .milliseconds(3000), attempt: .milliseconds(400)),
                retry: RetryPolicy(initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5)))
            server.inject([.slowBody(chunks: 10, every: .milliseconds(600))], forPathPrefix: "/v1/payments/")
            // Without middleware, a transport that enforces the timeout (AsyncHTTPClient's) bounds
            // the attempt alone; with middleware, the runtime's timer does.
            for counter in [nil, AttemptCounter()] {
                let payments = client(server.baseURL, transport, counter: counter, resilience: overrides)
                let sentBefore = server.requests.count
                let started = ContinuousClock.now
                let error = await failure { () async throws(PaymentsError) in try await payments.getPayment(id: Self.id)
                }
                guard case .timeout? = error else {
                    Issue.record("expected a timeout, got \(String(describing: error))")
                    return
                }
                // Exactly 3 is checked on ManualClock; real time under the sanitizer can fit only 2.
                #expect(server.requests.count - sentBefore >= 2, "the timed-out attempt was retried")
                #expect(ContinuousClock.now - started < .milliseconds(4000), "never far past the deadline")
            }
        }
    }

    @Test(
        "a connection dropped mid-response is retried for a GET and not for a POST without a key",
        arguments: TransportKind.allCases)
    func droppedConnections(transport: TransportKind) async throws {
        try await withServer { server in
            let fast = ResilienceOverrides(
                retry: RetryPolicy(initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5)))
            let payments = client(server.baseURL, transport, resilience: fast)

            server.inject([.drop, .pass], forPathPrefix: Self.paymentPath)
            let payment = try await payments.getPayment(id: Self.id)
            #expect(payment.id == Self.id)
            #expect(server.requests.count == 2)

            server.inject([.drop], forPathPrefix: Self.paymentPath + "/capture")
            let error = await failure { () async throws(PaymentsError) in try await payments.capturePayment(id: Self.id)
            }
            guard case .transport(let failure)? = error else {
                Issue.record("expected a transport failure, got \(String(describing: error))")
                return
            }
            #expect(failure.kind == .connectionLost)
            #expect(server.requests.count == 3, "the POST that reached the server was not re-sent")
        }
    }
}

/// A server that closes connections without answering, as a crashed or restarting instance does.
@Suite("Connections closed before any response", .timeLimit(.minutes(3)))
struct ClosedBeforeResponseTests {
    /// A payment as the example server answers it, for the dropping server to answer with.
    func paymentBody() async throws -> Data {
        let server = try await ExampleServer.start()
        defer { server.stop() }
        let payment = try await client(server.baseURL, .asyncHTTPClient).getPayment(id: ResilienceEndToEndTests.id)
        return try JSONCoding.makeEncoder().encode(payment)
    }

    func client(_ baseURL: String, _ transport: TransportKind) -> PaymentsClient {
        let fast = ResilienceOverrides(
            retry: RetryPolicy(initialBackoff: .milliseconds(1), maxBackoff: .milliseconds(5)))
        return PaymentsClient(
            configuration: ClientConfiguration(
                server: ServerURL(baseURL), transport: transport.make(),
                credentials: PaymentsAuth.bearer("secret-token").credentials, resilience: fast))
    }

    @Test("a GET whose connection closes before any response byte is retried", arguments: TransportKind.allCases)
    func getIsRetried(transport: TransportKind) async throws {
        let server = try await DroppingServer.start(drops: 2, body: try await paymentBody())
        defer { Task { try? await server.stop() } }
        let payment = try await client(server.baseURL, transport).getPayment(id: ResilienceEndToEndTests.id)
        #expect(payment.id == ResilienceEndToEndTests.id)
        #expect(server.requests == 3)
    }

    @Test(
        "a POST without a key whose connection closes is not re-sent, and fails as a lost connection",
        arguments: TransportKind.allCases)
    func postIsNotResent(transport: TransportKind) async throws {
        let server = try await DroppingServer.start(drops: 1)
        defer { Task { try? await server.stop() } }
        let error = await failure { () async throws(PaymentsError) in
            try await client(server.baseURL, transport).capturePayment(id: ResilienceEndToEndTests.id)
        }
        guard case .transport(let failure)? = error else {
            Issue.record("expected a transport failure, got \(String(describing: error))")
            return
        }
        #expect(failure.kind == .connectionLost, "\(failure)")
        #expect(server.requests == 1)
    }
}

/// An authentication challenge reaches the caller as the declared error it is.
@Suite("Authentication challenges", .timeLimit(.minutes(3)))
struct AuthenticationChallengeTests {
    @Test(
        "a 401 with a WWW-Authenticate challenge is the declared Unauthorized error at once, not a timeout",
        arguments: TransportKind.allCases,
        ["Basic realm=\"payments\"", "Bearer realm=\"payments\"", "Digest realm=\"x\", nonce=\"1\""])
    func challengeIsAnswered(transport: TransportKind, challenge: String) async throws {
        try await withServer { server in
            server.inject(
                [
                    .response(
                        401, headers: ["WWW-Authenticate": challenge, "Content-Type": "application/problem+json"],
                        body: #"{"title": "Unauthorized"}"#)
                ],
                forPathPrefix: ResilienceEndToEndTests.paymentPath)
            let payments = PaymentsClient(
                configuration: ClientConfiguration(
                    server: ServerURL(server.baseURL), transport: transport.make(),
                    credentials: PaymentsAuth.bearer("wrong-token").credentials))
            let error = await failure { () async throws(PaymentsError) in
                try await payments.getPayment(id: ResilienceEndToEndTests.id)
            }
            #expect(error?.isUnauthorized == true, "\(String(describing: error))")
            #expect(server.requests.count == 1, "a 401 is answered once and not retried")
        }
    }
}
