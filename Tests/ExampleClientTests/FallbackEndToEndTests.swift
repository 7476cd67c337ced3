import CourierRuntime
import CourierRuntimeTesting
import CourierTestServer
import Foundation
import Testing

/// Fallbacks declared in the spec, against two example servers: the current version and the
/// `legacy` one.
@Suite("Fallbacks against the example server", .timeLimit(.minutes(3)))
struct FallbackEndToEndTests {
    static let id = UUID(uuidString: "0b5e7d3c-2f1a-4c8b-9e6d-5a4b3c2d1e0f") ?? UUID()
    static let paymentPath = "/v1/payments/" + id.uuidString.lowercased()

    func client(
        _ current: ExampleServer, legacy: ExampleServer? = nil, state: ResilienceState = ResilienceState()
    ) -> PaymentsClient {
        var configuration = ClientConfiguration(
            server: ServerURL(current.baseURL), transport: TransportKind.asyncHTTPClient.make(),
            credentials: PaymentsAuth.bearer("secret-token").credentials,
            resilience: ResilienceOverrides(maxAttempts: 1), resilienceState: state)
        if let legacy { configuration.fallbackServers["legacy"] = ServerURL(legacy.baseURL) }
        return PaymentsClient(configuration: configuration)
    }

    @Test("5xx from the current version: legacy answers; once the breaker opens, the current one is not called")
    func serverFallback() async throws {
        try await withServer { current in
            try await withServer { legacy in
                current.inject([.status(503)], forPathPrefix: Self.paymentPath)
                let payments = client(current, legacy: legacy)

                let first = try await payments.getPaymentWithResponse(id: Self.id)
                #expect(first.value.id == Self.id)
                #expect(first.fallback?.kind == .server("legacy"))
                #expect(
                    first.fallback?.reason.hasPrefix("unexpected status 503") == true,
                    "\(String(describing: first.fallback))")
                #expect(legacy.requests.count == 1)

                // The spec's breaker opens after 5 failures in a row; then the current version is not asked.
                var reasons: [String] = []
                for _ in 0..<6 {
                    reasons.append(try await payments.getPaymentWithResponse(id: Self.id).fallback?.reason ?? "")
                }
                let asked = current.requests.count
                #expect(asked == 5, "five failures open the circuit")
                #expect(reasons.last?.hasPrefix("circuit open") == true, "\(reasons)")
                _ = try await payments.getPayment(id: Self.id)
                #expect(current.requests.count == asked)
                #expect(legacy.requests.count == 8)
            }
        }
    }

    @Test("no fallback for a 404: the current version's answer stands")
    func noFallbackOnNotFound() async throws {
        try await withServer { current in
            try await withServer { legacy in
                let payments = client(current, legacy: legacy)
                let missing = try #require(UUID(uuidString: TestIDs.missing))
                let error = await failure { () async throws(PaymentsError) in try await payments.getPayment(id: missing)
                }
                guard case .declared(.notFound, _)? = error else {
                    Issue.record("expected NotFound, got \(String(describing: error))")
                    return
                }
                #expect(legacy.requests.isEmpty)
            }
        }
    }

    @Test("when the fallback server fails too, the call fails with its own failure")
    func bothFail() async throws {
        try await withServer { current in
            try await withServer { legacy in
                current.inject([.status(502)], forPathPrefix: Self.paymentPath)
                legacy.inject([.status(500)], forPathPrefix: Self.paymentPath)
                let payments = client(current, legacy: legacy)
                let error = await failure { () async throws(PaymentsError) in try await payments.getPayment(id: Self.id)
                }
                guard case .unexpectedStatus(let response)? = error else {
                    Issue.record("expected the current version's 502, got \(String(describing: error))")
                    return
                }
                #expect(response.status.code == 502)
                #expect(legacy.requests.count == 1)
            }
        }
    }

    @Test("a stored page answers, however stale, while the service fails; the metadata says why")
    func staleCacheFallback() async throws {
        try await withServer { server in
            let clock = ManualClock()
            let payments = client(server, state: ResilienceState(clock: clock))
            let fresh = try await payments.listPaymentsWithResponse()
            #expect(fresh.source == .network)

            // Past the spec's ttl (60 s) and staleIfError (5 min): the cache alone would not serve it.
            clock.advance(by: .seconds(3_600))
            server.inject([.status(503)], forPathPrefix: "/v1/payments")
            let stale = try await payments.listPaymentsWithResponse()
            #expect(stale.value == fresh.value)
            #expect(stale.source == .staleCache)
            #expect(stale.attempts == 0)
            #expect(stale.fallback?.kind == .staleCache)
            #expect(stale.fallback?.reason.hasPrefix("unexpected status 503") == true)
            #expect(stale.headerFields[.age] == "3600")

            // A page never stored has nothing to fall back on.
            let error = await failure { () async throws(PaymentsError) in
                try await payments.listPayments(cursor: "never-seen")
            }
            guard case .unexpectedStatus(let response)? = error else {
                Issue.record("expected the 503, got \(String(describing: error))")
                return
            }
            #expect(response.status.code == 503)
        }
    }

    @Test("a fallback in code answers after the spec's, with the call's arguments and failure; not for a 404")
    func codeFallback() async throws {
        try await withServer { server in
            server.inject([.status(503)], forPathPrefix: "/v1/payments")
            var payments = client(server)
            let seen = Locked<[String]>([])
            payments.fallbacks.listPayments = { limit, cursor, _, _, failure in
                seen.withLock { $0.append("\(limit) \(cursor ?? "-") \(failure.status?.code ?? 0)") }
                return PaymentPage(data: [], nextCursor: nil)
            }
            // No page is stored for this cursor, so the spec's `staleCache` fallback has nothing.
            let page = try await payments.listPaymentsWithResponse(limit: 5, cursor: "never-seen")
            #expect(page.value.data.isEmpty)
            #expect(page.source == .fallback)
            #expect(page.fallback?.kind == .code)
            #expect(page.fallback?.reason.hasPrefix("unexpected status 503") == true)
            #expect(seen.current == ["5 never-seen 503"])

            server.inject([.pass], forPathPrefix: "/v1/payments")
            payments.fallbacks.getPayment = { _, failure throws(PaymentsError) in
                Issue.record("no fallback answers a 404")
                throw failure
            }
            let missing = try #require(UUID(uuidString: TestIDs.missing))
            let error = await failure { () async throws(PaymentsError) in try await payments.getPayment(id: missing) }
            guard case .declared(.notFound, _)? = error else {
                Issue.record("expected NotFound, got \(String(describing: error))")
                return
            }
        }
    }
}
