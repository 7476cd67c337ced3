import Foundation
import HTTPTypes
import InMemoryTracing
import Testing

@_spi(Generated) @testable import CourierRuntime

/// A transport that never answers until cancelled.
struct HangingTransport: HTTPTransport {
    func send(_ request: TransportRequest) async throws -> TransportResponse {
        try await Task.sleep(for: .seconds(3600))
        throw TransportError(.other, detail: "unreachable")
    }
}

/// A transport that fails with a given error.
struct FailingTransport: HTTPTransport {
    let error: any Error & Sendable
    func send(_ request: TransportRequest) async throws -> TransportResponse { throw error }
}

enum NoErrors: DeclaredError, Hashable {
    var name: String { switch self {} }
}

let ping = Operation<Void, NoErrors>(name: "ping", authSchemes: [], output: .empty, errors: [])

func call(
    _ runtime: ServiceRuntime, _ request: RequestBuilder = RequestBuilder(.get, path: "/ping"),
    options: RequestOptions = .init()
) async -> ClientError<NoErrors>? {
    do throws(ClientError<NoErrors>) {
        _ = try await runtime.send(ping, request, options: options)
        return nil
    } catch {
        return error
    }
}

/// A transport that answers each streaming request with the next scripted reply.
final class ScriptedStreams: HTTPTransport {
    enum Reply: Sendable {
        /// A 200 event stream sending `text`, then ending cleanly or breaking.
        case events(String, breaks: Bool)
        /// A response with `status`, the given header fields and no body.
        case status(Int, headers: [String: String] = [:])
    }

    private let replies: Locked<[Reply]>
    /// The `Last-Event-ID` of every request, in order.
    let resumedAfter = Locked<[String?]>([])
    /// The span ID an in-memory tracer injected into each request that carried one.
    let requestedSpanIDs = Locked<[String]>([])

    init(_ replies: [Reply]) {
        self.replies = Locked(replies)
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        throw TransportError(.invalidRequest, detail: "streams only")
    }

    var streamsResponseBodies: Bool { true }

    func stream(_ request: TransportRequest) async throws -> StreamingTransportResponse {
        resumedAfter.withLock { $0.append(request.head.headerFields[HTTPField.Name("Last-Event-ID")!]) }
        if let spanID = request.head.headerFields[HTTPField.Name(InMemoryTracer.spanIDKey)!] {
            requestedSpanIDs.withLock { $0.append(spanID) }
        }
        let reply = replies.withLock { $0.isEmpty ? Reply.status(204) : $0.removeFirst() }
        let (body, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        switch reply {
        case .events(let text, let breaks):
            continuation.yield(Array(text.utf8))
            continuation.finish(throwing: breaks ? TransportError(.connectionLost, detail: "reset") : nil)
            return StreamingTransportResponse(
                head: HTTPResponse(status: .ok, headerFields: [.contentType: "text/event-stream"]),
                body: TransportBodyStream(body))
        case .status(let code, let headers):
            continuation.finish()
            var fields = HTTPFields()
            for (name, value) in headers {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            return StreamingTransportResponse(
                head: HTTPResponse(status: .init(code: code), headerFields: fields), body: TransportBodyStream(body))
        }
    }
}
