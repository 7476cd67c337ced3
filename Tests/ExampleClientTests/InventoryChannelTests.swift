import CourierRuntime
import CourierTestServer
import CourierWebSocket
import Foundation
import Testing

/// The Inventory spec's `stockLevels` channel through the generated client against the test
/// server, and through the generated mock.
@Suite("Inventory channel against the example server", .timeLimit(.minutes(3)))
struct InventoryChannelTests {
    @Test("the generated channel sends the subscription from onConnect and decodes the stock levels")
    func stockLevels() async throws {
        try await withServer { server in
            let inventory = InventoryClient(
                server: .custom(ServerURL(server.baseURL)), auth: .partnerKey("p&k=1"),
                webSocketTransport: SwiftWebSocketTransport())
            let levels = inventory.stockLevels(warehouse: .ams1, xTenant: "blue") { connection in
                try await connection.send(StockSubscription(action: .subscribe, skus: ["A-1", "B-2"]))
            }
            var received: [StockLevel] = []
            for try await level in levels.messages {
                received.append(level)
                if received.count == 2 { break }
            }
            #expect(received.map(\.sku) == ["A-1", "B-2"])
            #expect(received.map(\.onHand) == [0, 10])
            #expect(received.allSatisfy { $0.warehouse == .ams1 })
            let handshake = try #require(server.webSockets.allHandshakes.last)
            #expect(handshake.path == "/inventory/v2/ws/stock")
            #expect(handshake.query["warehouse"] == "ams1")
            #expect(handshake.query["api_key"] == "p&k=1")
            #expect(handshake.headers["x-tenant"] == "blue")
            let sent = try server.webSockets.receivedMessages.map {
                try JSONCoding.makeDecoder().decode(StockSubscription.self, from: Data($0.utf8))
            }
            #expect(sent == [StockSubscription(action: .subscribe, skus: ["A-1", "B-2"])])
            await levels.close()
            #expect(await server.webSockets.waitForNoOpenConnections())
        }
    }

    @Test("the README's channel example, verbatim but for the prints")
    func readmeExample() async throws {
        try await withServer { server in
            let inventory = InventoryClient(
                server: .custom(ServerURL(server.baseURL)), webSocketTransport: SwiftWebSocketTransport())
            var printed: [String] = []
            let levels = inventory.stockLevels(warehouse: .ams1) { connection in
                // Runs after every (re)connection: subscribe again.
                try await connection.send(StockSubscription(action: .subscribe, skus: ["A-1"]))
            }
            for try await level in levels.messages {
                printed.append("\(level.sku): \(level.onHand) on hand")
                break
            }
            await levels.close()
            #expect(printed == ["A-1: 0 on hand"])
        }
    }

    @Test("the mock scripts a channel, with drops and close codes, and runs the caller's onConnect on each connection")
    func mock() async throws {
        let mock = InventoryMock()
        let level = StockLevel(sku: "A-1", warehouse: .ams1, onHand: 3, updatedAt: Date(timeIntervalSince1970: 0))
        mock.stockLevelsHandler = { _, onConnect in
            .scripted(
                [.json([level], then: .drop), .json([level], then: .close(.normalClosure))], onConnect: onConnect)
        }
        let subscriptions = Locked(0)
        let levels = mock.stockLevels(warehouse: .ams1) { connection in
            subscriptions.withLock { $0 += 1 }
            try await connection.send(StockSubscription(action: .subscribe, skus: ["A-1"]))
        }
        #expect(try await levels.messages.reduce(into: 0) { count, _ in count += 1 } == 2)
        #expect(subscriptions.current == 2, "onConnect ran after the drop too")
        #expect(mock.calls == [.stockLevels(warehouse: .ams1, xTenant: nil)])

        let unhandled = InventoryMock().stockLevels()
        await #expect {
            for try await _ in unhandled.messages {}
        } throws: { error in
            guard case .gaveUp(0, let last) = error as? WebSocketChannelError else { return false }
            return last.reason.contains("InventoryMock has no handler for channel 'stockLevels'")
        }
    }
}
