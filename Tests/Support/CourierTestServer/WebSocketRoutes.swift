import Foundation
import HTTPTypes
import HummingbirdWebSocket
import NIOConcurrencyHelpers
import NIOCore

/// A WebSocket handshake as the test server received it.
public struct RecordedHandshake: Sendable, Hashable {
    /// The path, without the query.
    public var path: String
    /// The query items, percent-decoded; a repeated name keeps every value, joined with `,`.
    public var query: [String: String]
    /// Header fields, names lower-cased.
    public var headers: [String: String]
}

/// What the WebSocket routes tell the tests: open connections, handshakes, messages received.
public final class WebSocketSignals: Sendable {
    private let open = NIOLockedValueBox(0)
    private let handshakes = NIOLockedValueBox<[RecordedHandshake]>([])
    private let received = NIOLockedValueBox<[String]>([])

    /// Connections whose handler is running now.
    public var openConnections: Int { open.withLockedValue { $0 } }

    /// Every handshake so far, oldest first.
    public var allHandshakes: [RecordedHandshake] { handshakes.withLockedValue { $0 } }

    /// Every text message the routes received, oldest first.
    public var receivedMessages: [String] { received.withLockedValue { $0 } }

    /// Waits until no WebSocket handler runs (`true`), or `fallback` has passed (`false`).
    public func waitForNoOpenConnections(fallback: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + fallback
        while openConnections > 0 {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    fileprivate func record(_ handshake: RecordedHandshake) -> Int {
        handshakes.withLockedValue { handshakes in
            handshakes.append(handshake)
            return handshakes.filter { $0.path == handshake.path }.count
        }
    }
    fileprivate func opened() { open.withLockedValue { $0 += 1 } }
    fileprivate func closed() { open.withLockedValue { $0 -= 1 } }
    fileprivate func receive(_ text: String) { received.withLockedValue { $0.append(text) } }
}

/// The WebSocket routes. Query items steer them:
///
/// - `/ws/numbers`: sends `{"n":from}`…`{"n":from+count-1}` (`count` 0, `from` 1 by default), after
///   the first message from the client when `await=1`; then closes with code `close` and
///   `reason`, drops the connection without a close frame when `close=drop`, or echoes every text
///   message back until the client closes.
/// - `/ws/silent`: sends `after` messages, then stops reading, so pings go unanswered, and
///   holds the connection for three seconds.
/// - `/ws/sequence`: the `n`th connection (counted per path) sends `{"n":…}` values continuing
///   where the last one stopped, `per` at a time (3 by default), then closes with 1011; the
///   connection after `connections` (2 by default) closes with 1000.
/// - `/inventory/v2/ws/stock`: the Inventory spec's `stockLevels` channel: answers each
///   `{"action":"subscribe","skus":[…]}` with one `StockLevel` per SKU.
/// - `/ws/denied`, `/ws/unavailable`: never upgrade (hummingbird-websocket answers 400); on a
///   server started without WebSocket upgrades, the router answers them 401 and 503.
enum WebSocketRoutes {
    typealias Handler = WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>

    static let configuration = WebSocketServerConfiguration(maxFrameSize: 1 << 20, autoPing: .disabled)

    static func shouldUpgrade(_ request: HTTPRequest, channel: any Channel, signals: WebSocketSignals)
        -> ShouldUpgradeResult<Handler>
    {
        guard let target = request.path, let components = URLComponents(string: target) else { return .dontUpgrade }
        let path = components.path
        guard path.hasPrefix("/ws/") || path == "/inventory/v2/ws/stock" else { return .dontUpgrade }
        var query: [String: String] = [:]
        for item in components.queryItems ?? [] {
            query[item.name] = query[item.name].map { $0 + "," + (item.value ?? "") } ?? item.value ?? ""
        }
        var headers: [String: String] = [:]
        for field in request.headerFields { headers[field.name.canonicalName] = field.value }
        let number = signals.record(RecordedHandshake(path: path, query: query, headers: headers))
        guard path != "/ws/denied", path != "/ws/unavailable" else { return .dontUpgrade }
        let handler: Handler
        switch path {
        case "/ws/numbers": handler = numbers(query, channel: channel, signals: signals)
        case "/ws/silent": handler = silent(query)
        case "/ws/sequence": handler = sequence(query, connection: number)
        case "/inventory/v2/ws/stock": handler = stock(signals: signals)
        default: return .dontUpgrade
        }
        return .upgrade([:]) { inbound, outbound, context in
            signals.opened()
            defer { signals.closed() }
            // swift-websocket 1.6.2's client can lose frames that arrive in the same read as the
            // 101 response (seen under load: the connection opens, the frames never arrive).
            // Until that is fixed upstream, the routes give the client a moment after the upgrade.
            try await Task.sleep(for: .milliseconds(20))
            try await handler(inbound, outbound, context)
        }
    }

    private static func numbers(_ query: [String: String], channel: any Channel, signals: WebSocketSignals) -> Handler {
        let count = query["count"].flatMap { Int($0) } ?? 0
        let from = query["from"].flatMap { Int($0) } ?? 1
        return { inbound, outbound, _ in
            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            if query["await"] == "1", case .text(let text) = try await messages.next() {
                signals.receive(text)
            }
            for n in from..<(from + count) {
                try await outbound.write(.text(#"{"n":\#(n)}"#))
            }
            switch query["close"] {
            case "drop"?:
                try await channel.close()
                return
            case let code?:
                try await outbound.close(.init(codeNumber: Int(code) ?? 1000), reason: query["reason"])
                return
            case nil:
                while let message = try await messages.next() {
                    guard case .text(let text) = message else { continue }
                    signals.receive(text)
                    try await outbound.write(.text(text))
                }
            }
        }
    }

    private static func silent(_ query: [String: String]) -> Handler {
        let after = query["after"].flatMap { Int($0) } ?? 0
        return { _, outbound, _ in
            for n in 1...max(after, 1) where n <= after {
                try await outbound.write(.text(#"{"n":\#(n)}"#))
            }
            // Reading nothing more leaves pings unanswered. A server that does not read does not
            // see the client close either, so the connection is held for three seconds.
            try? await Task.sleep(for: .seconds(3))
        }
    }

    private static func sequence(_ query: [String: String], connection: Int) -> Handler {
        let per = query["per"].flatMap { Int($0) } ?? 3
        let connections = query["connections"].flatMap { Int($0) } ?? 2
        return { _, outbound, _ in
            if connection > connections {
                try await outbound.close(.normalClosure, reason: "done")
                return
            }
            let first = (connection - 1) * per + 1
            for n in first..<(first + per) {
                try await outbound.write(.text(#"{"n":\#(n)}"#))
            }
            try await outbound.close(.unexpectedServerError, reason: "restarting")
        }
    }

    private static func stock(signals: WebSocketSignals) -> Handler {
        { inbound, outbound, _ in
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                signals.receive(text)
                guard let command = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
                    command["action"] as? String == "subscribe", let skus = command["skus"] as? [String]
                else { continue }
                for (index, sku) in skus.enumerated() {
                    try await outbound.write(
                        .text(
                            #"{"sku":"\#(sku)","warehouse":"ams1","on_hand":\#(index * 10),"updated_at":"2026-12-01T10:00:00Z"}"#
                        ))
                }
            }
        }
    }
}
