import CourierRuntime
import CourierTestServer
import Foundation
import Testing

/// The Inventory spec's streaming endpoints through the generated client, against the test
/// server, and through the generated mock.
@Suite("Inventory streams against the example server", .timeLimit(.minutes(3)))
struct StreamEndToEndTests {
    func inventory(_ server: ExampleServer, _ transport: TransportKind) -> InventoryClient {
        InventoryClient(
            server: .custom(ServerURL(server.baseURL)), auth: .partnerKey("p&k=1"), transport: transport.make())
    }

    /// A short description of each event: `adjusted 1`, `counted 2`, `unknown audited`.
    static func describe(_ event: StreamEvent<StockEvent>) -> String {
        switch event {
        case .value(.adjusted(let adjusted)): "adjusted \(adjusted.adjustment.delta)"
        case .value(.counted(let counted)): "counted \(counted.counted)"
        case .value(.unknown): "unknown variant"
        case .unknown(let name, _): "unknown \(name)"
        }
    }

    @Test(
        "a union stream decodes each variant by its event name, keeps unknown events and resumes after a drop",
        arguments: TransportKind.allCases)
    func watchStock(transport: TransportKind) async throws {
        try await withServer { server in
            let stream = inventory(server, transport).watchStock(warehouse: .ams1)
            var seen: [String] = []
            for try await event in stream { seen.append(Self.describe(event)) }
            #expect(
                seen == [
                    "adjusted 1", "counted 2", "unknown audited", "adjusted 3", "counted 4", "adjusted 5", "counted 6",
                ])
            #expect(stream.lastEventID == "6")
            let requests = server.requests.filter { $0.target.hasPrefix("/inventory/v2/events/live") }
            #expect(requests.count == 2, "one reconnection after the drop; none after [DONE]")
            #expect(requests.allSatisfy { $0.target.contains("warehouse=ams1") && $0.target.contains("api_key=") })
            #expect(requests.last?.headers["last-event-id"] == "4")
            #expect(requests.first?.headers["accept"] == "text/event-stream")
        }
    }

    @Test("the README's stream example, verbatim but for the prints")
    func readmeExample() async throws {
        try await withServer { server in
            let inventory = inventory(server, .asyncHTTPClient)
            var printed: [String] = []
            let events = inventory.watchStock(warehouse: .ams1)
            for try await event in events {
                switch event {
                case .value(.adjusted(let change)): printed.append("adjusted by \(change.adjustment.delta)")
                case .value(.counted(let count)): printed.append("counted \(count.counted)")
                case .value(.unknown), .unknown: continue
                }
            }
            // Later, carry on where this one stopped:
            let resumed = inventory.watchStock(lastEventID: events.lastEventID)
            for try await _ in resumed { printed.append("more") }
            #expect(printed.count == 6 && printed.last == "counted 6", "the resumed stream had nothing left")
        }
    }

    @Test("a stream can start after an event the app kept", arguments: TransportKind.allCases)
    func startsAfter(transport: TransportKind) async throws {
        try await withServer { server in
            var seen: [String] = []
            for try await event in inventory(server, transport).watchStock(lastEventID: "4") {
                seen.append(Self.describe(event))
            }
            #expect(seen == ["adjusted 5", "counted 6"])
        }
    }

    @Test("a JSON Lines stream yields each line's value", arguments: TransportKind.allCases)
    func exportStockLevels(transport: TransportKind) async throws {
        try await withServer { server in
            var levels: [StockLevel] = []
            for try await level in inventory(server, transport).exportStockLevels() { levels.append(level) }
            #expect(levels.map(\.onHand) == [1, 2, 3])
            #expect(levels.map(\.sku) == ["A1", "A2", "A3"])
        }
    }

    @Test("the mock plays a scripted stream, ending with its failure, and records the call")
    func mock() async throws {
        let mock = InventoryMock()
        let counted = StockCounted(kind: .counted, counted: 7, at: Date(timeIntervalSince1970: 0))
        mock.watchStockHandler = { _ in
            .scripted(
                [.value(.counted(counted)), .unknown(name: "audited", data: "{}")],
                then: .declared(.unavailable, response: .init(status: .serviceUnavailable)))
        }
        let api: any InventoryAPI = mock
        var seen: [String] = []
        do throws(InventoryError) {
            for try await event in api.watchStock(warehouse: .fra2, lastEventID: "9") {
                seen.append(Self.describe(event))
            }
            Issue.record("the scripted failure should end the stream")
        } catch {
            #expect(error.isUnavailable)
        }
        #expect(seen == ["counted 7", "unknown audited"])
        #expect(mock.calls == [.watchStock(warehouse: .fra2, lastEventID: "9")])

        // Without a handler, the stream fails at once and says why.
        let unscripted = InventoryMock()
        do throws(InventoryError) {
            for try await _ in unscripted.exportStockLevels() {}
            Issue.record("an unhandled stream should fail")
        } catch {
            guard case .invalidRequest(let reason, _) = error else {
                Issue.record("expected invalidRequest, got \(error)")
                return
            }
            #expect(reason.contains("exportStockLevels"))
        }
    }
}
