import CourierRuntime
import CourierTestServer
import Foundation
import HTTPTypes
import Testing

/// Both transports hand a stream's body over as it arrives, against the real test server.
@Suite("Streaming responses", .timeLimit(.minutes(3)))
struct StreamingTransportTests {
    func request(_ server: ExampleServer, _ path: String) -> TransportRequest {
        TransportRequest(
            head: HTTPRequest(method: .get, scheme: "http", authority: "127.0.0.1:\(server.port)", path: path),
            timeout: .seconds(10), maxResponseBodySize: 1 << 20)
    }

    @Test("the first event arrives while the server still holds the stream open", arguments: TransportKind.allCases)
    func bodyArrivesAsSent(transport: TransportKind) async throws {
        try await withServer { server in
            let gate = UUID().uuidString
            let transport = transport.make()
            #expect(transport.streamsResponseBodies)
            let response = try await transport.stream(request(server, "/streams/gated?gate=\(gate)"))
            #expect(response.head.status == .ok)
            #expect(response.head.headerFields[.contentType] == "text/event-stream")
            var parser = ServerSentEventParser()
            var items: [ServerSentEventItem] = []
            var chunks = response.body.makeAsyncIterator()
            while items.isEmpty, let chunk = try await chunks.next() { items += try parser.parse(chunk) }
            #expect(items == [.event(ServerSentEvent(data: "first", id: "1"))])

            // Only now may the server go on: the second event says whether it was told to.
            _ = try await transport.send(request(server, "/streams/release?gate=\(gate)"))
            while let chunk = try await chunks.next() { items += try parser.parse(chunk) }
            #expect(items.last == .event(ServerSentEvent(data: "released", id: "2")))
            #expect(items.count == 2)
        }
    }

    @Test("a reader that stops reading closes the connection", arguments: TransportKind.allCases)
    func droppingTheBodyCloses(transport: TransportKind) async throws {
        try await withServer { server in
            let gate = UUID().uuidString
            let reader = Task {
                let response = try await transport.make().stream(request(server, "/streams/endless?gate=\(gate)"))
                var parser = ServerSentEventParser()
                for try await chunk in response.body {
                    if !(try parser.parse(chunk)).isEmpty { return true }
                }
                return false
            }
            let sawEvent = try await reader.value
            #expect(sawEvent, "an event arrived")
            #expect(await server.signals.wait(for: gate + "-closed"), "the server saw the connection close")
        }
    }

    @Test("the request's timeout bounds the wait for the head", arguments: TransportKind.allCases)
    func headTimeout(transport: TransportKind) async throws {
        try await withServer { server in
            server.inject([.delay(.seconds(5))], forPathPrefix: "/streams/gated")
            var slow = request(server, "/streams/gated?gate=\(UUID().uuidString)")
            slow.timeout = .milliseconds(300)
            await #expect {
                _ = try await transport.make().stream(slow)
            } throws: { error in
                (error as? TransportError)?.kind == .timedOut
            }
        }
    }

    @Test("a transport that only sends whole bodies still streams, all at once")
    func defaultStreamsWholeBody() async throws {
        struct Whole: HTTPTransport {
            func send(_ request: TransportRequest) async throws -> TransportResponse {
                TransportResponse(head: HTTPResponse(status: .ok), body: Data("data: a\n\ndata: b\n\n".utf8))
            }
        }
        let transport = Whole()
        #expect(!transport.streamsResponseBodies)
        let response = try await transport.stream(
            TransportRequest(
                head: HTTPRequest(method: .get, scheme: "http", authority: "x", path: "/"),
                timeout: .seconds(1), maxResponseBodySize: 1024))
        var chunks: [[UInt8]] = []
        for try await chunk in response.body { chunks.append(chunk) }
        #expect(chunks == [Array("data: a\n\ndata: b\n\n".utf8)])
    }
}
