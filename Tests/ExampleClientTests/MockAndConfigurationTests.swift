import CourierRuntime
import Foundation
import Testing

@Suite("Mocks, environment configuration and descriptions", .timeLimit(.minutes(3)))
struct MockAndConfigurationTests {
    /// Code under test depends on the protocol, so a mock can stand in for the client.
    func describePayment(_ api: some PaymentsAPI, id: UUID) async throws(PaymentsError) -> String {
        let payment = try await api.getPayment(id: id)
        return "\(payment.amount.amount) \(payment.amount.currency.rawValue)"
    }

    static let samplePayment = Payment(
        id: UUID(), amount: Money(amount: 500, currency: .gbp), status: .succeeded, tags: [],
        method: .bankAccount(BankAccount(type: "bank_account", iban: "GB00", holder: "Ada")),
        audit: Audit(createdAt: Date(timeIntervalSince1970: 0)))

    @Test func mockAnswersWithHandlersAndRecordsCalls() async throws {
        let mock = PaymentsMock()
        mock.getPaymentHandler = { _ in Self.samplePayment }
        mock.listPaymentsHandler = { _, _, _, _ in PaymentPage(data: [], nextCursor: nil) }
        let id = UUID()
        #expect(try await describePayment(mock, id: id) == "500 GBP")
        _ = try await mock.listPayments(limit: 5)
        #expect(
            mock.calls == [.getPayment(id: id), .listPayments(limit: 5, cursor: nil, status: nil, createdAfter: nil)])
        #expect(
            mock.calls != [
                .getPayment(id: UUID()), .listPayments(limit: 5, cursor: nil, status: nil, createdAfter: nil),
            ])
        #expect(mock.calls.map(\.endpoint) == ["getPayment", "listPayments"])
        #expect(mock.calls.first?.argument("id", as: UUID.self) == id)
        #expect(mock.calls.first?.argument("id", as: String.self) == nil)
        #expect(mock.calls.last?.description == "listPayments(limit: 5, cursor: nil, status: nil, createdAfter: nil)")
        #expect(Set(mock.calls).count == 2)
        let next = PaymentsMockCall.listPayments(limit: 1, cursor: "next", status: nil, createdAfter: nil)
        #expect(next.description == #"listPayments(limit: 1, cursor: "next", status: nil, createdAfter: nil)"#)
    }

    @Test func mockWithoutHandlerThrowsATypedError() async {
        let mock = PaymentsMock()
        let error = await failure { () async throws(PaymentsError) in try await mock.deletePayment(id: UUID()) }
        guard case .invalidRequest(let reason, _)? = error else {
            Issue.record("expected invalidRequest, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("deletePaymentHandler"))
        #expect(mock.calls.count == 1)
    }

    @Test func mockHandlersThrowDeclaredErrors() async {
        let mock = UsersMock()
        let problem = Problem(title: "gone")
        mock.getUserHandler = { _, _ throws(UsersError) in
            throw .declared(.notFound(problem), response: .init(status: .notFound))
        }
        let error = await failure { () async throws(UsersError) in try await mock.getUser(userId: UUID()) }
        #expect(error?.isNotFound == true)
    }

    @Test func fromEnvironmentReadsBaseURLCredentialsAndTimeout() throws {
        let client = try PaymentsClient.fromEnvironment([
            "PAYMENTS_BASE_URL": "http://127.0.0.1:9999/gateway/",
            "PAYMENTS_TOKEN": "tok",
            "PAYMENTS_TIMEOUT": "250ms",
        ])
        #expect(client.configuration.server.description == "http://127.0.0.1:9999/gateway")
        #expect(client.configuration.credentials[scheme: "bearer"] == .bearer("tok"))
        #expect(client.configuration.timeout == .milliseconds(250))

        let defaults = try UsersClient.fromEnvironment(["USERS_USERNAME": "ada", "USERS_PASSWORD": "pw"])
        #expect(defaults.configuration.server == "https://users.example.com")
        #expect(defaults.configuration.credentials[scheme: "basic"] == .basic(username: "ada", password: "pw"))
        #expect(defaults.configuration.credentials[scheme: "apiKey"] == nil)
    }

    @Test func fromEnvironmentNamesTheBadVariable() {
        #expect(
            throws: ConfigurationError(
                variable: "INVENTORY_TIMEOUT", message: "'soon' is not a duration such as 250ms, 5s or 2m")
        ) {
            try InventoryClient.fromEnvironment(["INVENTORY_TIMEOUT": "soon"])
        }
        #expect(throws: ConfigurationError.self) {
            try InventoryClient.fromEnvironment(["INVENTORY_BASE_URL": "ftp://example.com"])
        }
    }

    @Test func secretsNeverShowInDescriptions() {
        let auth = UsersAuth.basic(username: "ada", password: "hunter2")
        let texts = [
            String(describing: auth), String(reflecting: auth), "\(auth.credentials)",
            String(describing: auth.credentials[scheme: "basic"]),
        ]
        var dumped = ""
        dump(auth, to: &dumped)
        for text in texts + [dumped] {
            #expect(!text.contains("hunter2"), "\(text)")
        }
    }

    @Test func enumsKeepUnknownValuesAndRoundTrip() throws {
        let decoded = try JSONCoding.makeDecoder().decode(
            [PaymentStatus].self, from: Data(#"["pending","disputed"]"#.utf8))
        #expect(decoded == [.pending, .unknown("disputed")])
        let encoded = try JSONCoding.makeEncoder().encode(decoded)
        #expect(String(decoding: encoded, as: UTF8.self) == #"["pending","disputed"]"#)
    }

    @Test func unionsSetTheirDiscriminatorWhenEncoding() throws {
        let method = PaymentMethod.card(
            Card(type: "wrong", brand: "visa", last4: "4242", expiryMonth: 1, expiryYear: 2030))
        let object = try JSONSerialization.jsonObject(with: JSONCoding.makeEncoder().encode(method)) as? [String: Any]
        #expect(object?["type"] as? String == "card")
        #expect(object?["exp_month"] as? Int == 1)
    }
}
