@_spi(Generated) import CourierRuntime
import CourierTestServer
import Foundation
import HTTPTypes
import Testing

/// Event streams that stay connected, against the test server's `/streams/ticks`, over both
/// transports: resuming with `Last-Event-ID`, unknown events, the terminator, statuses on
/// reconnection and cancellation.
@Suite("Event streams against the test server", .timeLimit(.minutes(3)))
struct EventStreamTests {
    struct Tick: Decodable, Sendable, Hashable {
        var n: Int
    }

    enum StreamErrors: DeclaredError, Hashable {
        case unauthorized
        var name: String { "unauthorized" }
    }

    typealias Ticks = EventStream<StreamEvent<Tick>, StreamErrors>

    /// A stream of `/streams/ticks` with `query`, reconnecting at once (no jitter, a 1 ms wait)
    /// up to `maxAttempts` times in a row.
    func ticks(
        _ server: ExampleServer, _ transport: TransportKind, _ query: KeyValuePairs<String, String> = [:],
        maxAttempts: Int? = 5, lastEventID: String? = nil, retryBudget: RetryBudgetPolicy? = RetryBudgetPolicy()
    ) -> Ticks {
        var configuration = ClientConfiguration(server: ServerURL(server.baseURL), transport: transport.make())
        configuration.resilience.retry = RetryPolicy(budget: retryBudget)
        let runtime = ServiceRuntime(configuration: configuration)
        let operation = StreamOperation(
            name: "ticks", authSchemes: [], errors: [.empty(401, StreamErrors.unauthorized)], service: "Ticks",
            stream: StreamPolicy(
                format: .serverSentEvents, terminator: "[DONE]",
                reconnect: ReconnectPolicy(
                    initial: .milliseconds(1), max: .milliseconds(1), jitter: .none, maxAttempts: maxAttempts)),
            events: .serverSentEvents(["tick": .json(Tick.self)]))
        var request = RequestBuilder(.get, path: "/streams/ticks")
        for (name, value) in query { request.query(name, value) }
        return runtime.events(operation, request, lastEventID: lastEventID, options: RequestOptions())
    }

    /// A stream of `/streams/endless`, which sends an event every 10 ms until the client goes
    /// away and then raises `<gate>-closed`.
    func endless(_ server: ExampleServer, _ transport: TransportKind, gate: String) -> EventStream<
        StreamEvent<String>, StreamErrors
    > {
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(server: ServerURL(server.baseURL), transport: transport.make()))
        let operation = StreamOperation<StreamEvent<String>, StreamErrors>(
            name: "endless", authSchemes: [], errors: [], service: "Ticks",
            stream: StreamPolicy(), events: .serverSentEvents([:]))
        var request = RequestBuilder(.get, path: "/streams/endless")
        request.query("gate", gate)
        return runtime.events(operation, request, options: RequestOptions())
    }

    /// The requests the server received for the ticks route.
    func tickRequests(_ server: ExampleServer) -> [RecordedRequest] {
        server.requests.filter { $0.target.hasPrefix("/streams/ticks?") || $0.target == "/streams/ticks" }
    }

    /// Every tick number the stream yields, in order, and the unknown events' names.
    func read(_ stream: Ticks) async throws(ClientError<StreamErrors>) -> (ticks: [Int], unknown: [String]) {
        var numbers: [Int] = []
        var unknown: [String] = []
        for try await event in stream {
            switch event {
            case .value(let tick): numbers.append(tick.n)
            case .unknown(let name, _): unknown.append(name)
            }
        }
        return (numbers, unknown)
    }

    @Test(
        "a stream reset mid-event resumes with Last-Event-ID: nothing lost, nothing twice",
        arguments: TransportKind.allCases)
    func resumes(transport: TransportKind) async throws {
        try await withServer { server in
            // A reset can take any number of a connection's ticks with it, so how many times the
            // stream reconnects varies; on a slow run (the sanitizer's) it outran the host's retry
            // budget of 10 a second and failed. The budget is not what this test is about.
            let stream = ticks(server, transport, ["count": "25", "per": "4", "reset": "1"], retryBudget: nil)
            let (numbers, _) = try await read(stream)
            #expect(numbers == Array(1...25))
            #expect(stream.lastEventID == "25")
            let resumed = tickRequests(server).map { $0.headers["last-event-id"] }
            // Connections of at most 4 ticks, each resuming after the last tick delivered, then
            // one that the server answers 204. A reset connection can take unread ticks with it
            // (even all of one connection's), so the exact points vary; their order does not.
            let resumedAfter = resumed.map { $0.flatMap { Int($0) } ?? 0 }
            #expect(resumedAfter.first == 0, "the first connection starts fresh")
            #expect(resumedAfter.count >= 8)
            #expect(resumedAfter == resumedAfter.sorted() && resumedAfter.last == 25)
        }
    }

    @Test(
        "an unknown event name is kept as .unknown; heartbeats are skipped; the terminator ends the stream",
        arguments: TransportKind.allCases)
    func unknownAndTerminator(transport: TransportKind) async throws {
        try await withServer { server in
            let (numbers, unknown) = try await read(
                ticks(server, transport, ["count": "3", "unknown": "1", "done": "1"]))
            #expect(numbers == [1, 2, 3])
            #expect(unknown == ["surprise"])
            #expect(tickRequests(server).count == 1, "no reconnection after [DONE]")
        }
    }

    @Test("a stream can start after a given event id", arguments: TransportKind.allCases)
    func startsAfterID(transport: TransportKind) async throws {
        try await withServer { server in
            let (numbers, _) = try await read(ticks(server, transport, ["count": "6"], lastEventID: "3"))
            #expect(numbers == [4, 5, 6])
        }
    }

    @Test(
        "a 503 on reconnection is retried; a 401 ends the stream with the declared error",
        arguments: TransportKind.allCases)
    func statusesOnReconnection(transport: TransportKind) async throws {
        try await withServer { server in
            server.inject(
                [.pass, .status(503, headers: ["Retry-After": "0"]), .pass], forPathPrefix: "/streams/ticks",
                repeatLast: true)
            let (numbers, _) = try await read(ticks(server, transport, ["count": "6", "per": "3"]))
            #expect(numbers == Array(1...6), "the 503 was waited out")

            server.inject([.pass, .status(401)], forPathPrefix: "/streams/ticks", repeatLast: true)
            var received: [Int] = []
            do throws(ClientError<StreamErrors>) {
                for try await event in ticks(server, transport, ["count": "6", "per": "3"]) {
                    if let tick = event.value { received.append(tick.n) }
                }
                Issue.record("the stream should have failed")
            } catch {
                guard case .declared(.unauthorized, let response) = error else {
                    Issue.record("expected the declared 401, got \(error)")
                    return
                }
                #expect(response.status == .unauthorized)
            }
            #expect(received == [1, 2, 3], "what arrived before the failure was delivered")
        }
    }

    @Test(
        "reconnection gives up after maxAttempts failures in a row, with the last error",
        arguments: TransportKind.allCases)
    func givesUp(transport: TransportKind) async throws {
        try await withServer { server in
            server.inject([.status(502)], forPathPrefix: "/streams/ticks")
            do throws(ClientError<StreamErrors>) {
                _ = try await read(ticks(server, transport, maxAttempts: 2))
                Issue.record("the stream should have failed")
            } catch {
                guard case .unexpectedStatus(let response) = error else {
                    Issue.record("expected the 502, got \(error)")
                    return
                }
                #expect(response.status.code == 502)
            }
            #expect(tickRequests(server).count == 3, "1 + 2 attempts")
        }
    }

    @Test("cancelling the consumer closes the connection", arguments: TransportKind.allCases)
    func cancelling(transport: TransportKind) async throws {
        try await withServer { server in
            let gate = UUID().uuidString
            let stream = endless(server, transport, gate: gate)
            let reader = Task { () async throws(ClientError<StreamErrors>) -> Int in
                var count = 0
                for try await _ in stream { count += 1 }
                return count
            }
            // The endless route numbers its events; wait until some have been read (10 s at most).
            for _ in 0..<2000 where stream.lastEventID.flatMap({ Int($0) }).map({ $0 < 3 }) ?? true {
                try await Task.sleep(for: .milliseconds(5))
            }
            reader.cancel()
            let result = await reader.result
            guard case .failure(ClientError<StreamErrors>.cancelled) = result else {
                Issue.record("expected cancellation, got \(result)")
                return
            }
            #expect(await server.signals.wait(for: gate + "-closed"), "the server saw the connection close")
        }
    }

    @Test("1,000 streams opened and left leave no connection open", arguments: TransportKind.allCases)
    func noLeaks(transport: TransportKind) async throws {
        try await withServer { server in
            let stream = endless(server, transport, gate: "cycles")
            for _ in 0..<1000 {
                // Read one event, then leave the loop: the stream and its connection go away.
                for try await _ in stream { break }
            }
            #expect(await server.signals.waitForNoOpenStreams(), "\(server.signals.openStreamCount) still open")
        }
    }

    @Test("JSON Lines arrive value by value and end with the body", arguments: TransportKind.allCases)
    func jsonLines(transport: TransportKind) async throws {
        try await withServer { server in
            let runtime = ServiceRuntime(
                configuration: ClientConfiguration(server: ServerURL(server.baseURL), transport: transport.make()))
            let operation = StreamOperation<Tick, StreamErrors>(
                name: "lines", authSchemes: [], errors: [], service: "Ticks",
                stream: StreamPolicy(format: .jsonLines), events: .jsonLines())
            var request = RequestBuilder(.get, path: "/streams/ticks.ndjson")
            request.query("count", "1000")
            var numbers: [Int] = []
            for try await tick in runtime.events(operation, request, options: RequestOptions()) {
                numbers.append(tick.n)
            }
            #expect(numbers == Array(1...1000))
        }
    }
}
