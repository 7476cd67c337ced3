import CourierRuntime
import CourierTestServer
import Foundation
import Testing

@Suite("Users and Inventory clients against the example server", .timeLimit(.minutes(3)))
struct UsersAndInventoryEndToEndTests {
    func users(
        _ server: ExampleServer, _ transport: TransportKind,
        auth: UsersAuth = .init(apiKey: "key-1", basic: .init(username: "ada", password: "pw"))
    ) -> UsersClient {
        UsersClient(
            server: .custom(ServerURL(server.baseURL)), auth: auth, headers: UsersHeaders(acceptLanguage: "en"),
            transport: transport.make())
    }

    func inventory(_ server: ExampleServer, _ transport: TransportKind) -> InventoryClient {
        InventoryClient(
            server: .custom(ServerURL(server.baseURL)), auth: .partnerKey("p&k=1"), transport: transport.make())
    }

    @Test("API key header, header parameters, dates, bytes in JSON and defaults", arguments: TransportKind.allCases)
    func getUser(transport: TransportKind) async throws {
        try await withServer { server in
            let id = UUID()
            let user = try await users(server, transport).getUser(userId: id, ifNoneMatch: "\"v1\"")
            let request = try #require(server.lastRequest)
            #expect(request.headers["x-api-key"] == "key-1")
            #expect(request.headers["authorization"] == nil, "only the first scheme held is sent")
            #expect(request.headers["if-none-match"] == "\"v1\"")
            #expect(request.headers["accept-language"] == "en")
            #expect(user.role == ._2faPending, "a listed value that starts with a digit decodes to its case")
            #expect(user.birthday == CalendarDate(year: 1815, month: 12, day: 10))
            #expect(user.lastSeenAt == Date(timeIntervalSince1970: 1_795_249_800), "offsets are applied")
            #expect(user.avatar == Data([1, 2, 3]))
            #expect(user.loginCount == 0, "absent properties take the spec's default")
            #expect(user.active)
            #expect(user.preferences["limits"] == [1, 2])
            #expect(user.homepage == URL(string: "https://ada.example.com"))
        }
    }

    @Test("basic auth, declared errors without bodies, HEAD and OPTIONS", arguments: TransportKind.allCases)
    func statusesAndMethods(transport: TransportKind) async throws {
        try await withServer { server in
            let client = users(server, transport)
            let created = try await client.createUser(body: NewUser(email: "new@example.com", displayName: "New"))
            #expect(created.email == "new@example.com")
            #expect(
                server.lastRequest?.headers["authorization"] == "Basic " + Data("ada:pw".utf8).base64EncodedString())

            let taken = await failure { () async throws(UsersError) in
                try await client.createUser(body: NewUser(email: "taken@example.com", displayName: "T"))
            }
            #expect(taken?.isEmailTaken == true)

            let gone = await failure { () async throws(UsersError) in
                try await client.getUser(userId: UUID(uuidString: TestIDs.gone)!)
            }
            guard case .declared(.gone, let response)? = gone else {
                Issue.record("expected Gone, got \(String(describing: gone))")
                return
            }
            #expect(response.status.code == 410)

            try await client.userExists(userId: UUID())
            #expect(server.lastRequest?.method == "HEAD")
            let missing = await failure { () async throws(UsersError) in
                try await client.userExists(userId: UUID(uuidString: TestIDs.missing)!)
            }
            guard case .unexpectedStatus(let notFound)? = missing else {
                Issue.record(
                    "a HEAD response has no body to decode, so NotFound is reported as a status, got \(String(describing: missing))"
                )
                return
            }
            #expect(notFound.status.code == 404)

            try await client.apiOptions()
            #expect(server.lastRequest?.method == "OPTIONS")
        }
    }

    @Test(
        "byte bodies, text responses, auth none, list queries and recursive models", arguments: TransportKind.allCases)
    func bodiesAndQueries(transport: TransportKind) async throws {
        try await withServer { server in
            let client = users(server, transport)
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF])
            try await client.uploadAvatar(userId: UUID(), body: png)
            #expect(server.lastRequest?.body == png)
            #expect(server.lastRequest?.headers["content-type"] == "image/png")
            #expect(try await client.downloadAvatar(userId: UUID()) == png)

            #expect(try await client.health() == "ok")
            #expect(server.lastRequest?.headers["x-api-key"] == nil, "auth: none sends no credentials")

            let ids = [
                UUID(uuidString: "00000000-0000-0000-0000-000000000001")!,
                UUID(uuidString: "00000000-0000-0000-0000-000000000002")!,
            ]
            let list = try await client.listUsers(role: .admin, ids: ids)
            #expect(list.count == 1)
            #expect(
                server.lastRequest?.target
                    == "/api/users?role=admin&ids=00000000-0000-0000-0000-000000000001&ids=00000000-0000-0000-0000-000000000002&active=true"
            )

            let org = try await client.orgTree()
            #expect(org.children.count == 2)
            #expect(org.children[1].parent?.name == "Engineering")
            #expect(org.manager?.displayName == "Ada")
        }
    }

    @Test("API key in the query, path parameters that try to change the route", arguments: TransportKind.allCases)
    func pathEncoding(transport: TransportKind) async throws {
        try await withServer { server in
            let client = inventory(server, transport)
            let name = "../../admin/secrets?x=1#frag name"
            let csv = try await client.exportReport(name: name)
            #expect(csv == "name,format\n\(name),csv\n")
            #expect(
                server.lastRequest?.target
                    == "/inventory/v2/reports/..%2F..%2Fadmin%2Fsecrets%3Fx%3D1%23frag%20name?format=csv&api_key=p%26k%3D1"
            )

            _ = try await client.exportReport(name: "..", format: "json")
            #expect(server.lastRequest?.target == "/inventory/v2/reports/%2E%2E?format=json&api_key=p%26k%3D1")

            let empty = await failure { () async throws(InventoryError) in
                try await client.exportReport(name: "")
            }
            guard case .invalidRequest? = empty else {
                Issue.record("an empty path parameter must be refused, got \(String(describing: empty))")
                return
            }
        }
    }

    @Test(
        "page-number pagination, unions with unknown variants, declared errors without bodies",
        arguments: TransportKind.allCases)
    func inventoryFeatures(transport: TransportKind) async throws {
        try await withServer { server in
            let client = inventory(server, transport)
            var skus: [String] = []
            for try await product in client.listProductsItems(size: 1) {
                skus.append(product.sku)
            }
            #expect(skus == ["SKU-1", "SKU-2", "SKU-3"])
            #expect(
                server.requests.map(\.target).filter { $0.hasPrefix("/inventory/v2/products") } == [
                    "/inventory/v2/products?size=1&api_key=p%26k%3D1",
                    "/inventory/v2/products?page=2&size=1&api_key=p%26k%3D1",
                    "/inventory/v2/products?page=3&size=1&api_key=p%26k%3D1",
                ])

            let events = try await client.stockEvents(kinds: [.adjusted, .counted])
            #expect(events.count == 3)
            guard case .adjusted(let adjusted) = events[0], case .counted(let counted) = events[1],
                case .unknown(let other) = events[2]
            else {
                Issue.record("unexpected events \(events)")
                return
            }
            #expect(adjusted.adjustment.reason == .sale)
            #expect(counted.counted == 40)
            #expect(other == ["kind": "audited", "auditor": "sam", "at": "2026-11-21T11:00:00Z"])

            let down = await failure { () async throws(InventoryError) in
                try await client.getStock(warehouse: .ams1, sku: "down")
            }
            #expect(down?.isUnavailable == true)

            let requestID = UUID()
            let level = try await client.adjustStock(
                warehouse: .fra2, sku: "SKU-1", xRequestID: requestID,
                body: StockAdjustment(delta: 3, reason: .delivery))
            #expect(level.onHand == 15)
            #expect(server.lastRequest?.headers["x-request-id"] == requestID.uuidString.lowercased())
            #expect(
                server.lastRequest?.target.hasPrefix("/inventory/v2/warehouses/fra2/stock/SKU-1/adjustments") == true)

            let report: JSONValue = ["rows": [1, 2], "title": "Q4"]
            #expect(try await client.importReport(body: report) == report)
        }
    }

    @Test("a header value with a line break is refused before anything is sent", arguments: TransportKind.allCases)
    func headerInjection(transport: TransportKind) async throws {
        try await withServer { server in
            let error = await failure { () async throws(UsersError) in
                try await users(server, transport).getUser(userId: UUID(), ifNoneMatch: "v1\r\nX-Evil: yes")
            }
            guard case .invalidRequest(let reason, _)? = error else {
                Issue.record("expected an invalid request, got \(String(describing: error))")
                return
            }
            #expect(reason.contains("If-None-Match"))
            #expect(server.requests.isEmpty)
        }
    }
}
