import CourierRuntime
import CourierTestServer
import Foundation
import Testing

@Suite("Payments client against the example server", .timeLimit(.minutes(3)))
struct PaymentsEndToEndTests {
    func client(_ server: ExampleServer, _ transport: TransportKind) -> PaymentsClient {
        PaymentsClient(
            server: .custom(ServerURL(server.baseURL)), auth: .bearer("secret-token"), transport: transport.make())
    }

    @Test(
        "query parameters, defaults, list values, dates, bearer auth and service headers",
        arguments: TransportKind.allCases)
    func listPayments(transport: TransportKind) async throws {
        try await withServer { server in
            let payments = client(server, transport)
            let createdAfter = Date(timeIntervalSince1970: 1_795_253_400)
            let page = try await payments.listPayments(
                status: [.pending, .unknown("on hold")], createdAfter: createdAfter)

            let request = try #require(server.lastRequest)
            #expect(request.method == "GET")
            #expect(
                request.target
                    == "/v1/payments?limit=20&status=pending&status=on%20hold&createdAfter=2026-11-21T09%3A30%3A00Z")
            #expect(request.headers["authorization"] == "Bearer secret-token")
            #expect(request.headers["x-client-name"] == "courier")
            #expect(request.headers["accept"] == "application/json")

            #expect(page.data.count == 2)
            #expect(page.nextCursor == "page-2")
            #expect(page.data[1].status == .unknown("chargeback"), "an unknown enum value decodes instead of failing")
            #expect(
                page.data[0].capturedAt == Date(timeIntervalSince1970: 1_795_253_400.25), "fractional seconds are kept")
            #expect(page.data[0].audit.createdAt == Date(timeIntervalSince1970: 1_795_253_400))
            #expect(page.data[0].fee == Decimal(string: "0.029"))
            #expect(page.data[0].note == nil)
            guard case .card(let card) = page.data[0].method else {
                Issue.record("expected a card, got \(page.data[0].method)")
                return
            }
            #expect(card.expiryMonth == 12)
        }
    }

    @Test("pagination reads every page until the last", arguments: TransportKind.allCases)
    func pagination(transport: TransportKind) async throws {
        try await withServer { server in
            var ids: [UUID] = []
            for try await payment in client(server, transport).listPaymentsItems(limit: 2) {
                ids.append(payment.id)
            }
            #expect(ids.map { $0.uuidString.prefix(8) } == ["11111111", "22222222", "33333333"])
            #expect(server.requests.map(\.target) == ["/v1/payments?limit=2", "/v1/payments?limit=2&cursor=page-2"])
        }
    }

    @Test("a declared error carries its decoded body", arguments: TransportKind.allCases)
    func declaredError(transport: TransportKind) async throws {
        try await withServer { server in
            let error = await failure { () async throws(PaymentsError) in
                try await client(server, transport).getPayment(id: UUID(uuidString: TestIDs.missing)!)
            }
            guard case .declared(.notFound(let problem), let response)? = error else {
                Issue.record("expected the declared NotFound error, got \(String(describing: error))")
                return
            }
            #expect(problem.title == "no such payment")
            #expect(problem.type == URL(string: "https://errors.example.com/404"))
            #expect(problem.extensions == ["hint": "none"])
            #expect(response.status.code == 404)
            #expect(error?.isNotFound == true)
            #expect(error?.description == "declared error NotFound (404)")
        }
    }

    @Test("an undeclared status keeps status, headers and body", arguments: TransportKind.allCases)
    func undeclaredStatus(transport: TransportKind) async throws {
        try await withServer { server in
            let error = await failure { () async throws(PaymentsError) in
                try await client(server, transport).getPayment(id: UUID(uuidString: TestIDs.broken)!)
            }
            guard case .unexpectedStatus(let response)? = error else {
                Issue.record("expected an unexpected status, got \(String(describing: error))")
                return
            }
            #expect(response.status.code == 500)
            #expect(response.headerFields[.init("X-Trace")!] == "trace-42")
            #expect(response.bodyText == "upstream exploded")
            #expect(error?.description == "unexpected status 500, 17 bytes: upstream exploded")
            #expect(error?.kind == "unexpected_status")
        }
    }

    @Test("malformed JSON and wrong types fail with the coding path and an excerpt", arguments: TransportKind.allCases)
    func decodingFailures(transport: TransportKind) async throws {
        try await withServer { server in
            let payments = client(server, transport)
            let truncated = await failure { () async throws(PaymentsError) in
                try await payments.getPayment(id: UUID(uuidString: TestIDs.truncated)!)
            }
            guard case .decoding(let decoding)? = truncated else {
                Issue.record("expected a decoding failure, got \(String(describing: truncated))")
                return
            }
            #expect(decoding.bodyExcerpt.hasPrefix(#"{"id": "00000000"#))
            #expect(decoding.status.code == 200)
            // The description names the cause, not just where: not valid JSON, and what came.
            let described = String(describing: truncated)
            #expect(described.contains("decoding failed at the top level (status 200): "), "\(described)")
            #expect(described.contains("JSON"), "\(described)")
            #expect(described.contains(#"; body begins: {"id": "00000000"#), "\(described)")
            #expect(!described.contains("\n"))

            let wrongType = await failure { () async throws(PaymentsError) in
                try await payments.getPayment(id: UUID(uuidString: TestIDs.wrongType)!)
            }
            guard case .decoding(let typeFailure)? = wrongType else {
                Issue.record("expected a decoding failure, got \(String(describing: wrongType))")
                return
            }
            #expect(typeFailure.codingPath == "amount.currency")
            #expect(
                wrongType?.description.hasPrefix("decoding failed at amount.currency (status 200): ") == true,
                "\(String(describing: wrongType))")
        }
    }

    @Test(
        "JSON bodies, idempotency keys and declared errors with their own body type", arguments: TransportKind.allCases)
    func createPayment(transport: TransportKind) async throws {
        try await withServer { server in
            let payments = client(server, transport)
            let created = try await payments.createPayment(
                body: CreatePayment(
                    amount: Money(amount: 2500, currency: .eur), source: "tok_visa", note: "Coffee & <cake>"))
            #expect(created.status == .pending)
            #expect(created.note == "Coffee & <cake>")
            #expect(created.amount == Money(amount: 2500, currency: .eur))

            let request = try #require(server.lastRequest)
            #expect(request.headers["content-type"] == "application/json")
            #expect(UUID(uuidString: request.headers["idempotency-key"] ?? "") != nil)
            let sent = try JSONSerialization.jsonObject(with: request.body) as? [String: Any]
            #expect(sent?["capture"] as? Bool == true, "defaults are sent")
            #expect(sent?["tags"] as? [String] == [])
            #expect(sent?["metadata"] == nil, "nil optionals are left out")

            let declined = await failure { () async throws(PaymentsError) in
                try await payments.createPayment(
                    body: CreatePayment(amount: Money(amount: 0, currency: .usd), source: "tok"))
            }
            guard case .declared(.cardDeclined(let decline), _)? = declined else {
                Issue.record("expected CardDeclined, got \(String(describing: declined))")
                return
            }
            #expect(decline.declineCode == "insufficient_funds")
            #expect(declined?.isCardDeclined == true)
        }
    }

    @Test("text bodies, empty responses and path parameters", arguments: TransportKind.allCases)
    func textAndEmpty(transport: TransportKind) async throws {
        try await withServer { server in
            let payments = client(server, transport)
            let id = UUID(uuidString: "ABCDEF01-2345-6789-ABCD-EF0123456789")!
            let updated = try await payments.updateNote(id: id, body: "Thanks — ✓")
            #expect(updated.note == "Thanks — ✓")
            let request = try #require(server.lastRequest)
            #expect(request.target == "/v1/payments/abcdef01-2345-6789-abcd-ef0123456789/note")
            #expect(request.headers["content-type"] == "text/plain")
            #expect(request.bodyText == "Thanks — ✓")

            try await payments.deletePayment(id: id)
            #expect(server.lastRequest?.method == "DELETE")

            let refund = try await payments.refundPayment(paymentId: id, body: RefundRequest(reason: .duplicate))
            #expect(refund.paymentId == id)
            #expect(refund.reason == .duplicate)
        }
    }

    @Test("a body over the size limit fails as a transport error", arguments: TransportKind.allCases)
    func responseSizeLimit(transport: TransportKind) async throws {
        try await withServer { server in
            var configuration = ClientConfiguration(server: ServerURL(server.baseURL), transport: transport.make())
            configuration.maxResponseBodySize = 64
            let payments = PaymentsClient(configuration: configuration)
            let error = await failure { () async throws(PaymentsError) in
                try await payments.getPayment(id: UUID())
            }
            guard case .transport(let failure)? = error else {
                Issue.record("expected a transport failure, got \(String(describing: error))")
                return
            }
            #expect(failure.kind == .responseTooLarge)
        }
    }

    @Test("a refused connection is a connection failure", arguments: TransportKind.allCases)
    func connectionRefused(transport: TransportKind) async throws {
        // A port bound but not listening refuses connections for as long as it stays bound; a
        // stopped server's port may still be closing (or taken by another test) under load.
        let socket = Foundation.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        #expect(bound)
        let url = "http://127.0.0.1:\(UInt16(bigEndian: address.sin_port))"
        let payments = PaymentsClient(server: .custom(ServerURL(url)), transport: transport.make())
        let error = await failure { () async throws(PaymentsError) in
            try await payments.getPayment(id: UUID(), options: RequestOptions(timeout: .seconds(15)))
        }
        guard case .transport(let failure)? = error else {
            Issue.record("expected a transport failure, got \(String(describing: error))")
            return
        }
        #expect(failure.kind == .connectionFailed, "\(failure)")
    }
}

@Suite("The README's example", .timeLimit(.minutes(3)))
struct ReadmeExampleTests {
    /// The README's error handling, verbatim but for the prints.
    static func describeLookup(_ payments: PaymentsClient, id: UUID) async -> String {
        do {
            _ = try await payments.getPayment(id: id)
            return "found"
        } catch .declared(.notFound(let problem), _) {
            return "no such payment: \(problem.title)"
        } catch .unexpectedStatus(let response) {
            return "\(response.status)"
        } catch {
            return "\(error)"
        }
    }

    /// The README's concurrent calls, verbatim.
    static func payments(_ ids: [UUID], from payments: PaymentsClient) async -> [UUID: Result<Payment, PaymentsError>] {
        await withTaskGroup(of: (UUID, Result<Payment, PaymentsError>).self) { group in
            for id in ids {
                group.addTask {
                    do throws(PaymentsError) {
                        return (id, .success(try await payments.getPayment(id: id)))
                    } catch {
                        return (id, .failure(error))
                    }
                }
            }
            var results: [UUID: Result<Payment, PaymentsError>] = [:]
            for await (id, result) in group { results[id] = result }
            return results
        }
    }

    @Test("the README's concurrent calls: each call has its own result, a failure does not end the others")
    func concurrentCalls() async throws {
        try await withServer { server in
            let client = PaymentsClient(server: .custom(ServerURL(server.baseURL)), auth: .bearer("token"))
            let found = (0..<20).map { _ in UUID() }
            let missing = try #require(UUID(uuidString: TestIDs.missing))
            let results = await Self.payments(found + [missing], from: client)
            #expect(results.count == 21)
            #expect(found.allSatisfy { (try? results[$0]?.get())?.id == $0 })
            guard case .failure(.declared(.notFound, _))? = results[missing] else {
                Issue.record("expected NotFound for the missing payment, got \(String(describing: results[missing]))")
                return
            }
        }
    }

    @Test func readmeExampleCompilesAndRuns() async throws {
        try await withServer { server in
            let payments = PaymentsClient(server: .custom(ServerURL(server.baseURL)), auth: .bearer("token"))
            let page = try await payments.listPayments(limit: 50, status: [.succeeded])
            #expect(page.data.count == 2)
            var seen = 0
            for try await _ in payments.listPaymentsItems() { seen += 1 }
            #expect(seen == 3)

            let outcome = await Self.describeLookup(payments, id: UUID(uuidString: TestIDs.missing)!)
            #expect(outcome == "no such payment: no such payment")
        }
    }
}
