import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// Identifiers with special behaviour on the example server.
public enum TestIDs {
    /// `getPayment` answers 404 with a problem body.
    public static let missing = "00000000-0000-0000-0000-000000000404"
    /// `getPayment` answers 500 with a text body and an `X-Trace` header, which the spec does not declare.
    public static let broken = "00000000-0000-0000-0000-000000000500"
    /// `getPayment` answers 200 with a body cut off in the middle.
    public static let truncated = "00000000-0000-0000-0000-00000000000e"
    /// `getPayment` answers 200 with `amount.currency` as a number.
    public static let wrongType = "00000000-0000-0000-0000-00000000000f"
    /// `getUser` answers 410 without a body.
    public static let gone = "00000000-0000-0000-0000-000000000410"
}

enum ExampleRoutes {
    static func add(to router: Router<BasicRequestContext>) {
        addPayments(to: router)
        addUsers(to: router)
        addInventory(to: router)
        FormRoutes.add(to: router)
    }

    // MARK: - Payments

    static func payment(id: String, status: String = "succeeded", note: String? = nil) -> [String: Any] {
        [
            "id": id,
            "amount": ["amount": 1050, "currency": "USD"],
            "status": status,
            "note": note ?? NSNull(),
            "captured_at": "2026-11-21T09:30:00.250Z",
            "tags": ["first"],
            "metadata": ["order": "A-1"],
            "method": ["type": "card", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2030],
            "fee": 0.029,
            "audit": ["created_at": "2026-11-21T09:30:00Z", "created_by": "tests"],
            "legacy_ref": "L-1",
        ]
    }

    static func problem(_ status: Int, _ title: String) -> [String: Any] {
        ["title": title, "status": status, "type": "https://errors.example.com/\(status)", "ext": ["hint": "none"]]
    }

    static func addPayments(to router: Router<BasicRequestContext>) {
        router.get("/v1/payments") { request, _ -> Response in
            switch request.uri.queryParameters.get("cursor") {
            case nil:
                return json([
                    "data": [
                        payment(id: "11111111-1111-1111-1111-111111111111"),
                        payment(id: "22222222-2222-2222-2222-222222222222", status: "chargeback"),
                    ],
                    "next_cursor": "page-2",
                ])
            case "page-2":
                return json(["data": [payment(id: "33333333-3333-3333-3333-333333333333")], "next_cursor": NSNull()])
            default:
                return json(problem(400, "unknown cursor"), status: .badRequest)
            }
        }
        router.get("/v1/payments/:id") { _, context -> Response in
            let id = context.parameters.get("id") ?? ""
            switch id {
            case TestIDs.missing:
                return json(problem(404, "no such payment"), status: .notFound)
            case TestIDs.broken:
                var response = text("upstream exploded", status: .internalServerError)
                response.headers[HTTPField.Name("X-Trace")!] = "trace-42"
                return response
            case TestIDs.truncated:
                return text(
                    #"{"id": "00000000-0000-0000-0000-00000000000e", "amount": {"amo"#, contentType: "application/json")
            case TestIDs.wrongType:
                var body = payment(id: id)
                body["amount"] = ["amount": 5, "currency": 840]
                return json(body)
            default:
                return json(payment(id: id))
            }
        }
        router.post("/v1/payments") { request, _ -> Response in
            let body = try await jsonObject(request)
            let amount = (body["amount"] as? [String: Any])?["amount"] as? Int ?? 0
            if amount == 0 {
                return json(
                    ["code": "card_declined", "decline_code": "insufficient_funds", "retryable": false],
                    status: .init(code: 402))
            }
            var created = payment(
                id: "44444444-4444-4444-4444-444444444444", status: "pending", note: body["note"] as? String)
            created["amount"] = body["amount"]
            return json(created, status: .created)
        }
        router.post("/v1/payments/:id/capture") { _, _ -> Response in
            json(problem(404, "nothing to capture"), status: .notFound)
        }
        router.post("/v1/payments/:id/refunds") { request, context -> Response in
            let body = try await jsonObject(request)
            return json(
                [
                    "id": "55555555-5555-5555-5555-555555555555",
                    "payment_id": context.parameters.get("id") ?? "",
                    "amount": body["amount"] ?? ["amount": 1050, "currency": "USD"],
                    "reason": body["reason"] ?? NSNull(),
                ], status: .created)
        }
        router.delete("/v1/payments/:id") { _, _ -> Response in
            Response(status: .noContent)
        }
        router.patch("/v1/payments/:id/note") { request, context -> Response in
            var request = request
            let note = String(buffer: try await request.collectBody(upTo: 1 << 20))
            return json(payment(id: context.parameters.get("id") ?? "", note: note))
        }
        router.post("/v1/charges") { _, _ -> Response in
            json(payment(id: "66666666-6666-6666-6666-666666666666"))
        }
    }

    // MARK: - Users

    static func user(id: String) -> [String: Any] {
        [
            "id": id, "email": "ada@example.com", "display_name": "Ada", "role": "2fa-pending",
            "birthday": "1815-12-10", "last_seen_at": "2026-11-21T09:30:00+01:00", "score": 0.75,
            "homepage": "https://ada.example.com", "preferences": ["theme": "dark", "beta": true, "limits": [1, 2]],
            "avatar": Data([1, 2, 3]).base64EncodedString(),
        ]
    }

    static func addUsers(to router: Router<BasicRequestContext>) {
        router.get("/api/users") { _, _ -> Response in
            json([user(id: "77777777-7777-7777-7777-777777777777")])
        }
        router.get("/api/users/:userId") { _, context -> Response in
            let id = context.parameters.get("userId") ?? ""
            if id == TestIDs.missing { return json(problem(404, "no such user"), status: .notFound) }
            if id == TestIDs.gone { return Response(status: .gone) }
            return json(user(id: id))
        }
        router.head("/api/users/:userId") { _, context -> Response in
            Response(status: context.parameters.get("userId") == TestIDs.missing ? .notFound : .ok)
        }
        router.post("/api/users") { request, _ -> Response in
            let body = try await jsonObject(request)
            if body["email"] as? String == "taken@example.com" {
                return json(problem(409, "email taken"), status: .conflict)
            }
            var created = user(id: "88888888-8888-8888-8888-888888888888")
            created["email"] = body["email"]
            created["display_name"] = body["display_name"]
            return json(created, status: .created)
        }
        router.put("/api/users/:userId") { request, _ -> Response in
            json(try await jsonObject(request))
        }
        router.put("/api/users/:userId/avatar") { _, _ -> Response in
            Response(status: .noContent)
        }
        router.get("/api/users/:userId/avatar.png") { _, _ -> Response in
            var response = Response(
                status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: [0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF])))
            response.headers[.contentType] = "image/png"
            return response
        }
        router.get("/api/org") { _, _ -> Response in
            let leaf: [String: Any] = ["name": "Compilers", "children": []]
            return json([
                "name": "Engineering", "manager": user(id: "99999999-9999-9999-9999-999999999999"),
                "children": [
                    leaf, ["name": "Runtime", "children": [], "parent": ["name": "Engineering", "children": []]],
                ],
            ])
        }
        router.get("/api/health") { _, _ -> Response in
            text("ok")
        }
        // The Payments spec's active health check.
        router.get("/v1/health") { _, _ -> Response in
            text("ok")
        }
        router.on("/api/users", method: .options) { _, _ -> Response in
            Response(status: .noContent)
        }
    }

    // MARK: - Inventory

    static func product(_ page: Int) -> [String: Any] {
        [
            "sku": "SKU-\(page)", "name": "Widget \(page)", "price": ["amount": 999, "currency": "EUR"],
            "weight_kg": 1.25, "released_on": "2026-01-0\(page)",
        ]
    }

    static func addInventory(to router: Router<BasicRequestContext>) {
        router.get("/inventory/v2/products") { request, _ -> Response in
            let page = request.uri.queryParameters.get("page").flatMap { Int($0) } ?? 1
            let next: Any = page < 3 ? page + 1 : NSNull()
            return json(["page": ["next": next, "total": 3], "items": [product(page)]])
        }
        router.get("/inventory/v2/products/:sku") { _, context -> Response in
            var body = product(1)
            body["sku"] = context.parameters.get("sku") ?? ""
            return json(body)
        }
        router.get("/inventory/v2/warehouses/:warehouse/stock/:sku") { _, context -> Response in
            switch context.parameters.get("sku") {
            case "none": return json(problem(404, "no such product"), status: .notFound)
            case "down": return Response(status: .serviceUnavailable)
            default:
                return json([
                    "sku": context.parameters.get("sku") ?? "", "warehouse": context.parameters.get("warehouse") ?? "",
                    "on_hand": 12, "updated_at": "2026-11-21T09:30:00Z",
                ])
            }
        }
        router.post("/inventory/v2/warehouses/:warehouse/stock/:sku/adjustments") { request, context -> Response in
            let body = try await jsonObject(request)
            return json([
                "sku": context.parameters.get("sku") ?? "", "warehouse": context.parameters.get("warehouse") ?? "",
                "on_hand": 12 + (body["delta"] as? Int ?? 0), "reserved": 1, "updated_at": "2026-11-21T09:30:00Z",
            ])
        }
        router.get("/inventory/v2/events") { _, _ -> Response in
            json([
                ["kind": "adjusted", "adjustment": ["delta": -2, "reason": "sale"], "at": "2026-11-21T09:30:00Z"],
                ["kind": "counted", "counted": 40, "at": "2026-11-21T10:00:00Z"],
                ["kind": "audited", "auditor": "sam", "at": "2026-11-21T11:00:00Z"],
            ])
        }
        router.get("/inventory/v2/reports/:name") { request, context -> Response in
            let raw = context.parameters.get("name") ?? ""
            let decoded = raw.removingPercentEncoding ?? raw
            let format = request.uri.queryParameters.get("format") ?? ""
            return text("name,format\n\(decoded),\(format)\n", contentType: "text/csv")
        }
        router.post("/inventory/v2/reports") { request, _ -> Response in
            var request = request
            let body = try await request.collectBody(upTo: 1 << 20)
            var response = Response(status: .ok, body: .init(byteBuffer: body))
            response.headers[.contentType] = "application/json"
            return response
        }
    }

    // MARK: - Helpers

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("null".utf8)
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(bytes: data)))
        response.headers[.contentType] = "application/json"
        return response
    }

    static func text(
        _ text: String, status: HTTPResponse.Status = .ok, contentType: String = "text/plain; charset=utf-8"
    ) -> Response {
        var response = Response(status: status, body: .init(byteBuffer: ByteBuffer(string: text)))
        response.headers[.contentType] = contentType
        return response
    }

    static func jsonObject(_ request: Request) async throws -> [String: Any] {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        return (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]) ?? [:]
    }
}
