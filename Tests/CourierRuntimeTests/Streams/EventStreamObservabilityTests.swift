import CourierRuntimeTesting
import Foundation
import HTTPTypes
import InMemoryLogging
import InMemoryTracing
import Logging
import MetricsTestKit
import Testing

@_spi(Generated) @testable import CourierRuntime

/// A stream reports its connections and reconnections to the logger and metrics, like calls,
/// with credentials kept out of what it reports.
@Suite("Event stream observability", .timeLimit(.minutes(3)))
struct EventStreamObservabilityTests {
    struct Tick: Decodable, Sendable, Hashable {
        var n: Int
    }

    @Test("connections, losses and reconnections are logged and counted; secrets stay out")
    func reported() async throws {
        let logs = InMemoryLogHandler()
        let metrics = TestMetrics()
        let tracer = InMemoryTracer()
        var logger = Logger(label: "courier-test") { _ in logs }
        logger.logLevel = .debug
        var credentials = Credentials()
        credentials[scheme: "bearer"] = .bearer("tok-secret")
        credentials[scheme: "query"] = .apiKeyQuery(name: "api_key", key: "query-secret")
        let transport = ScriptedStreams([.events("id: 1\ndata: {\"n\": 1}\n\n", breaks: true)])
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://events.example/v1", transport: transport, credentials: credentials,
                resilienceState: ResilienceState(clock: ManualClock(), random: SeededRandom(seed: 1)),
                observability: Observability(logger: logger, metricsFactory: metrics, tracer: tracer)))
        let operation = StreamOperation<StreamEvent<Tick>, NoErrors>(
            name: "ticks", authSchemes: ["bearer", "query"], errors: [], service: "Things",
            stream: StreamPolicy(reconnect: ReconnectPolicy(initial: .zero, max: .zero, jitter: .none)),
            events: .serverSentEvents(["message": .json(Tick.self)]))
        var ticks: [Int] = []
        for try await event in runtime.events(
            operation, RequestBuilder(.get, path: "/ticks"), options: RequestOptions())
        {
            ticks.append(event.value?.n ?? -1)
        }
        #expect(ticks == [1], "the reconnection was answered 204, which ended the stream")

        let dimensions = [("service", "Things"), ("endpoint", "ticks")]
        #expect(try metrics.expectCounter("courier_stream_connections_total", dimensions).totalValue == 1)
        #expect(try metrics.expectCounter("courier_stream_reconnects_total", dimensions).totalValue == 1)

        let messages = logs.entries.map { "\($0.level) \($0.message)" }
        #expect(messages.filter { $0.contains("stream ticks: GET") }.count == 2, "\(messages)")
        #expect(messages.contains { $0.hasPrefix("info stream ticks: connection lost") }, "\(messages)")
        #expect(messages.contains("notice stream ticks: reconnecting (attempt 1) in 0.0 ms"), "\(messages)")
        let everything = "\(logs.entries)"
        #expect(!everything.contains("tok-secret") && !everything.contains("query-secret"))
        #expect(
            everything.contains("last-event-id") || everything.contains("Last-Event-ID"),
            "the resumed request is described")

        // A span per connection, from its request to its end, its context sent with the request.
        let spans = tracer.finishedSpans.filter { $0.operationName == "Things.ticks" }
        #expect(spans.count == 2)
        #expect(spans.allSatisfy { $0.kind == .client })
        #expect(
            spans.map { $0.attributes["http.response.status_code"]?.toSpanAttribute() } == [.int64(200), .int64(204)])
        #expect(spans.first?.errors.count == 1, "the first connection broke")
        #expect(!"\(spans.map(\.attributes))".contains("query-secret"))
        #expect(transport.requestedSpanIDs.current == spans.map(\.spanID))
    }
}
