import CourierRuntime
import CourierRuntimeTesting
import CourierTestServer
import Foundation
import HTTPTypes
import Testing

/// The generated Payments client's cached endpoint (`listPayments`: ttl 60 s, stale-while-revalidate
/// 30 s, stale-if-error 5 m in the spec) against the real server. Time is a `ManualClock`, so
/// freshness is exact; attempts and backoff never wait on it because retries are off or immediate.
@Suite("Response cache against the example server", .timeLimit(.minutes(3)))
struct CacheEndToEndTests {
    let clock = ManualClock()

    func client(
        _ server: ExampleServer, _ transport: TransportKind, token: String = "alice",
        cache: ResponseCache = ResponseCache(),
        policy: ResilienceOverrides.Setting<CachePolicy> = .inherit
    ) -> PaymentsClient {
        PaymentsClient(
            configuration: ClientConfiguration(
                server: ServerURL(server.baseURL), transport: transport.make(),
                credentials: PaymentsAuth.bearer(token).credentials,
                resilience: ResilienceOverrides(retry: .disabled, cache: policy),
                resilienceState: ResilienceState(clock: clock), responseCache: cache))
    }

    /// Waits for the server to have seen `count` requests (background work goes over the network).
    func waitForRequests(_ server: ExampleServer, _ count: Int) async throws {
        for _ in 0..<500 where server.requests.count < count { try await Task.sleep(for: .milliseconds(10)) }
    }

    @Test(
        "no request while fresh, then one conditional request; a 304 refreshes the entry",
        arguments: TransportKind.allCases)
    func freshThenRevalidated(transport: TransportKind) async throws {
        try await withServer { server in
            server.inject(
                [
                    .headers(["Cache-Control": "max-age=10", "ETag": "\"list-1\""]),
                    .status(304, headers: ["Cache-Control": "max-age=10", "ETag": "\"list-1\""]),
                ],
                forPathPrefix: "/v1/payments")
            // The client's policy replaces the spec's, whose stale-while-revalidate would answer at once.
            let payments = client(server, transport, policy: .use(CachePolicy()))
            let first = try await payments.listPayments()
            clock.advance(by: .seconds(9))
            #expect(try await payments.listPayments() == first)
            #expect(server.requests.count == 1)

            clock.advance(by: .seconds(2))
            #expect(try await payments.listPayments() == first, "the 304 served the stored body")
            #expect(server.requests.count == 2)
            #expect(server.requests.last?.headers["if-none-match"] == "\"list-1\"")
            clock.advance(by: .seconds(9))
            _ = try await payments.listPayments()
            #expect(server.requests.count == 2, "the 304 made it fresh again")
        }
    }

    @Test(
        "within the spec's stale-while-revalidate the stale copy is served and refreshed in the background",
        arguments: TransportKind.allCases)
    func staleWhileRevalidate(transport: TransportKind) async throws {
        try await withServer { server in
            server.inject(
                [
                    .headers(["Cache-Control": "max-age=10", "ETag": "\"list-1\""]),
                    .status(304, headers: ["Cache-Control": "max-age=10", "ETag": "\"list-1\""]),
                ],
                forPathPrefix: "/v1/payments")
            let payments = client(server, transport)
            let first = try await payments.listPayments()
            clock.advance(by: .seconds(25))
            #expect(try await payments.listPayments() == first)
            try await waitForRequests(server, 2)
            #expect(server.requests.count == 2)
            #expect(server.requests.last?.headers["if-none-match"] == "\"list-1\"")
        }
    }

    @Test(
        "no-store and Vary: * are never reused; different credentials never share an entry",
        arguments: TransportKind.allCases)
    func neverShared(transport: TransportKind) async throws {
        try await withServer { server in
            let cache = ResponseCache()
            let alice = client(server, transport, token: "alice", cache: cache)
            let bob = client(server, transport, token: "bob", cache: cache)
            _ = try await alice.listPayments()
            _ = try await bob.listPayments()
            _ = try await alice.listPayments()
            #expect(server.requests.count == 2, "alice's entry served alice only")

            server.inject([.headers(["Cache-Control": "no-store"])], forPathPrefix: "/v1/payments")
            _ = try await alice.listPayments(limit: 5)
            _ = try await alice.listPayments(limit: 5)
            server.inject([.headers(["Cache-Control": "max-age=60", "Vary": "*"])], forPathPrefix: "/v1/payments")
            _ = try await alice.listPayments(limit: 6)
            _ = try await alice.listPayments(limit: 6)
            #expect(server.requests.count == 6)
        }
    }

    @Test("100 concurrent identical GETs make one upstream call", arguments: TransportKind.allCases)
    func coalesced(transport: TransportKind) async throws {
        try await withServer { server in
            // Long enough for all 100 callers to join, even under the thread sanitizer.
            server.inject([.delay(.seconds(2))], forPathPrefix: "/v1/payments")
            let payments = client(server, transport)
            // ttl 0 and no validators: nothing is stored, so only coalescing can save the requests.
            let options = RequestOptions(cache: .use(CachePolicy()))
            let pages = try await withThrowingTaskGroup(of: PaymentPage.self) { group in
                for _ in 0..<100 { group.addTask { try await payments.listPayments(options: options) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(pages.count == 100)
            #expect(Set(pages.map { $0.data.count }) == [2])
            #expect(server.requests.count == 1)
        }
    }

    @Test(
        "a successful POST drops the cached list; the cache can be bypassed per call", arguments: TransportKind.allCases
    )
    func invalidatedAndBypassed(transport: TransportKind) async throws {
        try await withServer { server in
            let payments = client(server, transport)
            _ = try await payments.listPayments()
            _ = try await payments.listPayments(options: RequestOptions(cache: .off))
            #expect(server.requests.count == 2, "cache: .off always goes upstream")
            _ = try await payments.listPayments()
            #expect(server.requests.count == 2)
            _ = try await payments.createPayment(
                body: CreatePayment(amount: Money(amount: 5, currency: .eur), source: "tok"))
            _ = try await payments.listPayments()
            #expect(server.requests.count == 4, "the POST to /v1/payments dropped GET /v1/payments?limit=20")
        }
    }

    @Test("stale-if-error serves the stale copy on a 5xx and on an open circuit", arguments: TransportKind.allCases)
    func staleIfError(transport: TransportKind) async throws {
        try await withServer { server in
            let payments = client(server, transport)
            let stored = try await payments.listPayments()
            clock.advance(by: .seconds(120))
            server.inject([.status(503)], forPathPrefix: "/v1/payments")
            let onError = try await payments.listPaymentsWithResponse()
            #expect(onError.value == stored, "served stale on 503")
            #expect(onError.source == .staleCache)
            #expect(onError.fallback == nil, "the cache's stale-if-error answered, not the fallback")
            #expect(server.requests.count == 2)

            // Five failures of another endpoint on the host open the host's breaker.
            for _ in 0..<5 {
                _ = await failure { () async throws(PaymentsError) in try await payments.getPayment(id: UUID()) }
            }
            let sent = server.requests.count
            #expect(try await payments.listPayments() == stored, "served stale on an open circuit")
            #expect(server.requests.count == sent, "nothing was sent while the circuit was open")

            // Five minutes on, the breaker lets a probe through and the copy is too old for
            // stale-if-error; the spec's fallback (`staleCache: true`) serves it all the same.
            clock.advance(by: .seconds(300))
            let fallback = try await payments.listPaymentsWithResponse()
            #expect(fallback.value == stored)
            #expect(fallback.fallback?.kind == .staleCache)
            #expect(fallback.fallback?.reason.hasPrefix("unexpected status 503") == true)
        }
    }
}
