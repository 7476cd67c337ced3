import CourierRuntime
import CourierTestServer
import Foundation
import Testing

@Suite("Constraints checked before sending, against the example server", .timeLimit(.minutes(3)))
struct ConstraintEndToEndTests {
    func client(_ server: ExampleServer) -> PaymentsClient {
        PaymentsClient(
            server: .custom(ServerURL(server.baseURL)), auth: .bearer("secret-token"),
            transport: TransportKind.asyncHTTPClient.make())
    }

    /// The violation of a call that must fail before sending.
    func violation<T>(_ body: () async throws(PaymentsError) -> T) async -> ConstraintViolation? {
        guard case .invalidRequest(_, let violation)? = await failure(body) else { return nil }
        return violation
    }

    let valid = CreatePayment(
        amount: Money(amount: 2500, currency: .eur), source: "tok_visa", note: "Coffee",
        tags: ["coffee", "team-2"], metadata: ["order": "42"], receiptEmail: "ada@example.com")

    @Test("a body, nested model, list item, map value or query value out of bounds fails the call; nothing is sent")
    func nothingSent() async throws {
        try await withServer { server in
            let payments = client(server)
            _ = try await payments.createPayment(body: valid)
            let sent = server.requests.count

            var body = valid
            body.tags = ["coffee", "team-2", "team", "Coffee"]
            #expect(
                await violation { () async throws(PaymentsError) in try await payments.createPayment(body: body) }?
                    .description == "body.tags[3]: must match ^[\\p{Ll}\\p{N}-]+$")

            body = valid
            body.tags = ["a", "b", "a"]
            #expect(
                await violation { () async throws(PaymentsError) in try await payments.createPayment(body: body) }
                    == ConstraintViolation(.uniqueItems, at: [.key("body"), .key("tags"), .index(2)]))

            body = valid
            body.amount = Money(amount: -1, currency: .eur)
            #expect(
                await violation { () async throws(PaymentsError) in try await payments.createPayment(body: body) }?
                    .description == "body.amount.amount: must be at least 0",
                "a nested model's constraints are checked")

            body = valid
            body.metadata = ["order": String(repeating: "x", count: 501)]
            #expect(
                await violation { () async throws(PaymentsError) in try await payments.createPayment(body: body) }?
                    .pathDescription == "body.metadata.order")

            body = valid
            body.note = ""
            #expect(
                await violation { () async throws(PaymentsError) in try await payments.createPayment(body: body) }?
                    .rule == .minLength(1))

            body = valid
            body.receiptEmail = "ada@"
            #expect(
                await violation { () async throws(PaymentsError) in try await payments.createPayment(body: body) }?
                    .rule == .format(.email))

            #expect(
                await violation { () async throws(PaymentsError) in try await payments.listPayments(limit: 0) }?
                    .description == "query.limit: must be at least 1")
            #expect(
                await violation { () async throws(PaymentsError) in try await payments.listPayments(limit: 101) }?
                    .rule == .maximum("100"))

            #expect(server.requests.count == sent, "no request with a violation reached the server")

            _ = try await payments.listPayments(limit: 100)
            _ = try await payments.listPayments(limit: 1)
            #expect(server.requests.count == sent + 2, "values at the limits are sent")
        }
    }

    @Test("the README's constraint example, verbatim but for the print and the error type a closure needs")
    func readme() async throws {
        try await withServer { server in
            let payments = client(server)
            var seen: ConstraintViolation?
            var payment = CreatePayment(amount: Money(amount: 2500, currency: .eur), source: "tok_visa")
            payment.tags = ["coffee", "Coffee"]
            do throws(PaymentsError) {
                _ = try await payments.createPayment(body: payment)
            } catch .invalidRequest(_, let violation?) {
                seen = violation
            } catch {
                Issue.record("expected a violation, got \(error)")
            }
            #expect(seen?.description == "body.tags[1]: must match ^[\\p{Ll}\\p{N}-]+$")
        }
    }

    @Test("validate() checks a value early; descriptions of the error name the path and rule")
    func validateEarly() async throws {
        var body = valid
        #expect(throws: Never.self) { try body.validate() }
        body.source = "no"
        #expect(throws: ConstraintViolation(.minLength(3), at: [.key("source")])) { try body.validate() }
        let error = PaymentsError.invalidRequest("body.source: must have at least 3 characters")
        #expect(error.description == "invalid request: body.source: must have at least 3 characters")
    }
}
