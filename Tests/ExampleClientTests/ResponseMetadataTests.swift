import CourierRuntime
import CourierRuntimeTesting
import CourierTestServer
import Foundation
import HTTPTypes
import Testing

/// The `…WithResponse` form of every endpoint: the value with the status, header fields, attempts
/// and source, from the real server, the response cache and the mock.
@Suite("Response metadata", .timeLimit(.minutes(3)))
struct ResponseMetadataTests {
    let clock = ManualClock()

    func client(
        _ server: ExampleServer, _ transport: TransportKind, resilience: ResilienceOverrides = ResilienceOverrides(),
        cache: Bool = false
    ) -> PaymentsClient {
        var overrides = resilience
        if cache { overrides.cache = .use(CachePolicy()) }
        return PaymentsClient(
            configuration: ClientConfiguration(
                server: ServerURL(server.baseURL), transport: transport.make(),
                credentials: PaymentsAuth.bearer("alice").credentials, resilience: overrides,
                resilienceState: ResilienceState(clock: clock)))
    }

    @Test(
        "status, ETag, Location and request id of a created resource, and the attempts a retry made",
        arguments: TransportKind.allCases)
    func createdAfterRetry(transport: TransportKind) async throws {
        try await withServer { server in
            let immediate = ResilienceOverrides(retry: RetryPolicy(initialBackoff: .zero, maxBackoff: .zero))
            let payments = client(server, transport, resilience: immediate)
            server.inject(
                [
                    .status(503),
                    .headers(["ETag": "\"p-1\"", "Location": "/v1/payments/p-1", "X-Request-Id": "req-42"]), .pass,
                ],
                forPathPrefix: "/v1/payments")
            let response = try await payments.createPaymentWithResponse(
                body: CreatePayment(amount: Money(amount: 100, currency: .eur), source: "tok"))
            #expect(response.value.amount.amount == 100)
            #expect(response.status == .created)
            #expect(response.headerFields[.eTag] == "\"p-1\"")
            #expect(response.headerFields[.location] == "/v1/payments/p-1")
            #expect(response.requestID == "req-42")
            #expect(response.attempts == 2)
            #expect(response.source == .network)
            #expect(server.requests.count == 2)

            let plain = try await payments.getPaymentWithResponse(id: response.value.id)
            #expect(plain.status == .ok)
            #expect(plain.attempts == 1)
            #expect(plain.requestID == nil)
        }
    }

    @Test(
        "a cached answer says so: fresh from the cache, revalidated by a 304, stale on a server failure",
        arguments: TransportKind.allCases)
    func cacheSources(transport: TransportKind) async throws {
        try await withServer { server in
            let payments = client(server, transport, resilience: ResilienceOverrides(retry: .disabled), cache: true)
            server.inject(
                [
                    .headers(["Cache-Control": "max-age=10, stale-if-error=600", "ETag": "\"list-1\""]),
                    .status(304, headers: ["Cache-Control": "max-age=10, stale-if-error=600", "ETag": "\"list-1\""]),
                    .status(503),
                ],
                forPathPrefix: "/v1/payments")
            let first = try await payments.listPaymentsWithResponse()
            #expect(first.source == .network)
            #expect(first.attempts == 1)

            clock.advance(by: .seconds(4))
            let fresh = try await payments.listPaymentsWithResponse()
            #expect(fresh.source == .cache)
            #expect(fresh.attempts == 0)
            #expect(fresh.status == .ok)
            #expect(fresh.headerFields[.age] == "4")
            #expect(fresh.value == first.value)

            clock.advance(by: .seconds(7))
            let revalidated = try await payments.listPaymentsWithResponse()
            #expect(revalidated.source == .revalidatedCache)
            #expect(revalidated.attempts == 1)
            #expect(revalidated.status == .ok, "the stored status, not the 304")
            #expect(revalidated.value == first.value)

            clock.advance(by: .seconds(11))
            let stale = try await payments.listPaymentsWithResponse()
            #expect(stale.source == .staleCache)
            #expect(stale.value == first.value)
            #expect(server.requests.count == 3)
        }
    }

    @Test("the mock reports the endpoint's success status by default, and what responseMetadata makes")
    func mock() async throws {
        let mock = PaymentsMock()
        let payment = MockAndConfigurationTests.samplePayment
        mock.createPaymentHandler = { _ in payment }
        mock.getPaymentHandler = { _ in payment }
        let body = CreatePayment(amount: Money(amount: 1, currency: .eur), source: "tok")

        let created = try await mock.createPaymentWithResponse(body: body)
        #expect(created.value == payment)
        #expect(created.metadata == ResponseMetadata(status: .created, attempts: 1, source: .mock))

        mock.responseMetadata = { call, standard in
            guard call.endpoint == "getPayment" else { return standard }
            var metadata = standard
            metadata.headerFields[.eTag] = "\"v7\""
            metadata.source = .cache
            return metadata
        }
        let fetched = try await mock.getPaymentWithResponse(id: payment.id)
        #expect(fetched.headerFields[.eTag] == "\"v7\"")
        #expect(fetched.source == .cache)
        #expect(try await mock.createPaymentWithResponse(body: body).headerFields.isEmpty)
        #expect(try await mock.getPayment(id: payment.id) == payment, "the plain form returns the value")
        #expect(
            mock.calls == [
                .createPayment(body: body), .getPayment(id: payment.id), .createPayment(body: body),
                .getPayment(id: payment.id),
            ])
    }

    @Test func mapKeepsTheMetadata() {
        let response = Response(value: 21, metadata: ResponseMetadata(status: .accepted, attempts: 3))
        let doubled = response.map { $0 * 2 }
        #expect(doubled.value == 42)
        #expect(doubled.metadata == response.metadata)
        #expect(ResponseSource.staleCache.description == "stale cache")
    }
}
