import CourierRuntimeTesting
import Foundation
import HTTPTypes
import InMemoryLogging
import InMemoryTracing
import Logging
import MetricsTestKit
import Testing

@_spi(Generated) @testable import CourierRuntime

/// A channel reports its connections, reconnections and messages to the logger, metrics and
/// tracer, like calls, with credentials kept out of what it reports.
@Suite("Channel observability", .timeLimit(.minutes(3)))
struct ChannelObservabilityTests {
    struct Tick: Codable, Sendable, Hashable {
        var n: Int
    }

    @Test("connections, reconnections and messages are logged, counted and traced; secrets stay out")
    func reported() async throws {
        let logs = InMemoryLogHandler()
        let metrics = TestMetrics()
        let tracer = InMemoryTracer()
        var logger = Logger(label: "courier-test") { _ in logs }
        logger.logLevel = .debug
        var credentials = Credentials()
        credentials[scheme: "bearer"] = .bearer("tok-secret")
        credentials[scheme: "query"] = .apiKeyQuery(name: "api_key", key: "query-secret")
        let transport = ScriptedWebSocketTransport([
            .json([Tick(n: 1), Tick(n: 2)], then: .close(.internalError, reason: "restarting")),
            .open([.text(#"{"n":3}"#), .text("not a tick")], then: .close(.normalClosure)),
        ])
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://ticks.example/v1", credentials: credentials,
                resilienceState: ResilienceState(clock: ManualClock(), random: SeededRandom(seed: 1)),
                observability: Observability(logger: logger, metricsFactory: metrics, tracer: tracer),
                webSocketTransport: transport))
        let operation = ChannelOperation<String, Tick>(
            name: "ticks", authSchemes: ["bearer", "query"], service: "Things",
            policy: ChannelPolicy(reconnect: ReconnectPolicy(initial: .zero, max: .zero, jitter: .none)))
        let channel = runtime.channel(operation, RequestBuilder(.get, path: "/ws/ticks")) { connection in
            try await connection.send("subscribe")
        }
        #expect(try await channel.messages.reduce(into: [Int]()) { $0.append($1.n) } == [1, 2, 3])

        let dimensions = [("service", "Things"), ("channel", "ticks")]
        #expect(try metrics.expectCounter("courier_channel_connections_total", dimensions).totalValue == 2)
        #expect(try metrics.expectCounter("courier_channel_reconnects_total", dimensions).totalValue == 1)
        #expect(try metrics.expectCounter("courier_channel_undecodable_total", dimensions).totalValue == 1)
        let received = try metrics.expectCounter("courier_channel_messages_total", dimensions + [("direction", "in")])
        let sent = try metrics.expectCounter("courier_channel_messages_total", dimensions + [("direction", "out")])
        #expect(received.totalValue == 3 && sent.totalValue == 2)

        let messages = logs.entries.map { "\($0.level) \($0.message)" }
        #expect(
            messages.filter { $0.hasPrefix("debug channel ticks: connecting to wss://ticks.example/v1/ws/ticks") }.count
                == 2, "\(messages)")
        #expect(messages.contains("info channel ticks: connection closed (1011 restarting)"), "\(messages)")
        #expect(messages.contains("notice channel ticks: reconnecting (attempt 1) in 0 ms"), "\(messages)")
        #expect(messages.contains { $0.hasPrefix("warning channel ticks: a message of 10 bytes did not decode") })
        let everything = "\(logs.entries)"
        #expect(!everything.contains("tok-secret") && !everything.contains("query-secret"))
        #expect(!everything.contains("not a tick"), "message contents stay out of the logs")

        // A span per connection, its context sent with the handshake.
        let spans = tracer.finishedSpans.filter { $0.operationName == "Things.ticks" }
        #expect(spans.count == 2 && spans.allSatisfy { $0.kind == .client })
        #expect(
            spans.map { $0.attributes["websocket.close.code"]?.toSpanAttribute() } == [.int64(1011), .int64(1000)])
        #expect(!"\(spans.map(\.attributes))".contains("query-secret"))
        let injected = transport.requests.compactMap { $0.headerFields[HTTPField.Name(InMemoryTracer.spanIDKey)!] }
        #expect(injected == spans.map(\.spanID))
        #expect(transport.requests.first?.headerFields[.authorization] == "Bearer tok-secret")
    }
}
