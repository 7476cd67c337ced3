import CourierRuntime
import CourierTestServer
import Foundation
import HTTPTypes
import Testing

/// Adds a header field to every attempt it sees, as a request signer would.
struct Stamp: Middleware {
    let name: HTTPField.Name
    let value: String

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        var request = request
        request.transportRequest.head.headerFields[name] = value
        return try await next(request)
    }
}

@Suite("Middleware by tag against the example server", .timeLimit(.minutes(3)))
struct TaggedMiddlewareTests {
    @Test("middleware for a tag runs for the endpoints the spec tags so, and only for them")
    func byTag() async throws {
        try await withServer { server in
            let signed = HTTPField.Name("X-Signed")!
            let seen = HTTPField.Name("X-Seen")!
            let configuration = ClientConfiguration(
                server: ServerURL(server.baseURL), transport: TransportKind.asyncHTTPClient.make(),
                credentials: PaymentsAuth.bearer("secret-token").credentials,
                middleware: [
                    Stamp(name: seen, value: "all"),
                    Stamp(name: signed, value: "writes").forEndpoints(tagged: "writes"),
                    Stamp(name: signed, value: "never").forEndpoints(tagged: "no-such-tag"),
                ])
            let payments = PaymentsClient(configuration: configuration)

            _ = try await payments.createPayment(
                body: CreatePayment(amount: Money(amount: 100, currency: .eur), source: "tok_visa"))
            var request = try #require(server.lastRequest)
            #expect(request.headers["x-signed"] == "writes", "createPayment is tagged writes")
            #expect(request.headers["x-seen"] == "all")

            _ = try await payments.listPayments()
            request = try #require(server.lastRequest)
            #expect(request.headers["x-signed"] == nil, "listPayments is tagged reads")
            #expect(request.headers["x-seen"] == "all", "untagged middleware runs for every endpoint")
        }
    }
}
