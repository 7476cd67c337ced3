import AsyncHTTPClient
import CourierRuntime
import Foundation
import HTTPTypes
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An `HTTPTransport` on AsyncHTTPClient: the transport for servers and other SwiftNIO programs.
///
/// ```swift
/// let payments = PaymentsClient(server: .production, auth: .bearer(token),
///                               transport: AsyncHTTPClientTransport())
/// ```
///
/// The response body is collected up to the request's size limit, and AsyncHTTPClient's deadline
/// bounds the whole exchange, from the first byte sent to the last byte of the body received. The
/// transport therefore ``enforcesTimeout``, which spares every attempt the runtime's own timer task.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// The client requests go through.
    public let client: HTTPClient
    /// Whether `client` decompresses bodies, so requests may ask for gzip and deflate.
    public let clientDecompresses: Bool

    /// Uses `client`; by default ``sharedClient``.
    ///
    /// - Parameter clientDecompresses: whether `client` was configured with
    ///   `decompression: .enabled(…)`; by default, `true` for ``sharedClient`` only (AsyncHTTPClient
    ///   does not let a transport read a client's configuration).
    public init(client: HTTPClient = AsyncHTTPClientTransport.sharedClient, clientDecompresses: Bool? = nil) {
        self.client = client
        self.clientDecompresses = clientDecompresses ?? (client === courierSharedHTTPClient)
    }

    /// A process-wide client that lives as long as the process, so it needs no shutdown.
    ///
    /// Unlike `HTTPClient.shared` it reports a failed connection at once instead of retrying it
    /// until the request's deadline: a refused connection surfaces as
    /// `TransportError.Kind.connectionFailed`, which is safe to retry for any method, and Courier's
    /// retry policy decides whether and when to try again.
    public static var sharedClient: HTTPClient { courierSharedHTTPClient }

    /// `true`: the deadline handed to AsyncHTTPClient covers the response body too.
    public var enforcesTimeout: Bool { true }

    /// `true`: a streamed body is written a chunk at a time, each read on NIO's thread pool.
    public var streamsRequestBodies: Bool { true }

    /// Sends the request and collects the response body, following redirects as
    /// ``RedirectPolicy`` says within the request's one deadline.
    ///
    /// It uses AsyncHTTPClient's delegate API rather than `execute(_:timeout:)`, because that one's
    /// deadline ends once the response head has arrived and would leave a stalled body unbounded.
    /// When the client decompresses (the shared one does), requests ask for gzip and deflate.
    ///
    /// With a client of your own, configure `redirectConfiguration: .disallow`, so redirects are
    /// followed here by Courier's policy (AsyncHTTPClient would forward API-key header fields to
    /// another origin), and `decompression: .enabled(limit: .none)` to accept compressed bodies;
    /// the request's size limit then bounds the decompressed body.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(request.timeout))
        return try await followingRedirects(request, head: \.head) { try await exchange($0, deadline: deadline) }
    }

    /// Sends `request` through `exchange`, asking for compressed bodies when the client decodes
    /// them, and follows redirects as ``RedirectPolicy`` says.
    private func followingRedirects<Response>(
        _ request: TransportRequest, head: (Response) -> HTTPResponse,
        _ exchange: (TransportRequest) async throws -> Response
    ) async throws -> Response {
        var current = request
        if clientDecompresses, current.head.headerFields[.acceptEncoding] == nil {
            current.head.headerFields[.acceptEncoding] = "gzip, deflate"
        }
        var redirects = 0
        while true {
            let response = try await exchange(current)
            guard
                let next = try RedirectPolicy.nextRequest(after: head(response), to: current, redirectsSoFar: redirects)
            else {
                return response
            }
            redirects += 1
            current = next
        }
    }

    /// The failure of a response whose `Content-Encoding` this transport cannot decode; `nil` for
    /// identity, and for gzip and deflate when the client decompresses.
    fileprivate static func undecodable(_ headers: HTTPHeaders, clientDecompresses: Bool) -> TransportError? {
        let encoding =
            headers.first(name: "content-encoding")?.trimmingCharacters(in: .whitespaces).lowercased() ?? "identity"
        guard encoding != "identity", !(clientDecompresses && ["gzip", "deflate"].contains(encoding)) else {
            return nil
        }
        let asked = clientDecompresses ? "gzip or deflate" : "no encoding"
        return TransportError(
            .invalidResponse,
            detail: "the body is encoded as '\(encoding)', which this transport does not decode (it asks for \(asked))")
    }

    /// `true`: a stream's body is handed over as AsyncHTTPClient reads it, with its backpressure.
    public var streamsResponseBodies: Bool { true }

    /// Sends the request and returns once the head has arrived, following redirects as
    /// ``RedirectPolicy`` says; the body is read as it arrives, with AsyncHTTPClient's
    /// backpressure. The request's timeout bounds the wait for the head, not the body.
    public func stream(_ request: TransportRequest) async throws -> StreamingTransportResponse {
        let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(request.timeout))
        return try await followingRedirects(request, head: \.head) {
            try await streamingExchange($0, deadline: deadline)
        }
    }

    /// One streaming request and its response head, without following redirects.
    private func streamingExchange(
        _ request: TransportRequest, deadline: NIODeadline
    ) async throws -> StreamingTransportResponse {
        let head = request.head
        guard let scheme = head.scheme, let authority = head.authority else {
            throw TransportError(.invalidRequest, detail: "the request has no scheme or authority")
        }
        var outgoing = HTTPClientRequest(url: "\(scheme)://\(authority)\(head.path ?? "/")")
        outgoing.method = NIOHTTP1.HTTPMethod(rawValue: head.method.rawValue)
        for field in head.headerFields {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        if let streamed = request.streamedBody {
            var bytes: [UInt8] = []
            let reader = streamed.makeReader()
            while let chunk = try reader.next() { bytes += chunk }
            outgoing.body = .bytes(ByteBuffer(bytes: bytes))
        } else if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }
        try Task.checkCancellation()
        let response: HTTPClientResponse
        do {
            response = try await client.execute(outgoing, deadline: deadline)
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw Self.transportError(for: error, afterResponseHead: false)
        }
        if let failure = Self.undecodable(response.headers, clientDecompresses: clientDecompresses) { throw failure }
        var fields = HTTPFields()
        for header in response.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            fields.append(HTTPField(name: name, value: header.value))
        }
        let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
        return StreamingTransportResponse(
            head: HTTPResponse(status: status, headerFields: fields),
            body: TransportBodyStream(ResponseChunks(body: response.body)))
    }

    /// A body written chunk by chunk as `body` is read. The file reads run on NIO's blocking-I/O
    /// thread pool, never on an event loop; each chunk is written before the next is read.
    private static func streaming(_ body: StreamedBody) -> HTTPClient.Body {
        .stream(contentLength: Int64(body.length)) { writer in
            let reader = body.makeReader()
            let eventLoop = MultiThreadedEventLoopGroup.singleton.any()
            @Sendable func writeRest() -> EventLoopFuture<Void> {
                NIOThreadPool.singleton.runIfActive(eventLoop: eventLoop) { try reader.next() }.flatMap { chunk in
                    guard let chunk else { return eventLoop.makeSucceededVoidFuture() }
                    return writer.write(.byteBuffer(ByteBuffer(bytes: chunk))).flatMap { writeRest() }
                }
            }
            return writeRest()
        }
    }

    /// One request and its response, without following redirects.
    private func exchange(_ request: TransportRequest, deadline: NIODeadline) async throws -> TransportResponse {
        let head = request.head
        guard let scheme = head.scheme, let authority = head.authority else {
            throw TransportError(.invalidRequest, detail: "the request has no scheme or authority")
        }
        var headers = HTTPHeaders()
        headers.reserveCapacity(head.headerFields.count)
        for field in head.headerFields {
            headers.add(name: field.name.rawName, value: field.value)
        }
        let outgoing: HTTPClient.Request
        do {
            outgoing = try HTTPClient.Request(
                url: "\(scheme)://\(authority)\(head.path ?? "/")",
                method: NIOHTTP1.HTTPMethod(rawValue: head.method.rawValue),
                headers: headers,
                body: request.streamedBody.map(Self.streaming) ?? request.body.map { .bytes($0) })
        } catch {
            throw TransportError(.invalidRequest, detail: String(describing: error))
        }
        let collector = ResponseCollector(
            limit: request.maxResponseBodySize, isHead: head.method == .head, decompresses: clientDecompresses)
        try Task.checkCancellation()
        let task = client.execute(request: outgoing, delegate: collector, deadline: deadline)
        do {
            return try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
        } catch let error as TransportError {
            throw error
        } catch {
            if Task.isCancelled { throw CancellationError() }
            throw Self.transportError(for: error, afterResponseHead: collector.receivedHead)
        }
    }

    fileprivate static func makeSharedClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        // Redirects are followed by the transport, with Courier's policy; bodies are decompressed,
        // and each request's size limit bounds what they decompress to.
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .enabled(limit: .none)
        configuration.timeout = .init(connect: .seconds(10))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// What `error` means; a failure of unknown kind while the body was being read (such as the
    /// parser's "stream ended at an unexpected time") is a connection lost mid-response.
    fileprivate static func transportError(for error: any Error, afterResponseHead: Bool) -> any Error {
        if error is CancellationError { return error }
        let unknown: TransportError.Kind = afterResponseHead ? .connectionLost : .other
        if let error = error as? HTTPClientError {
            switch error {
            case .cancelled:
                return CancellationError()
            case .deadlineExceeded, .readTimeout, .writeTimeout:
                return TransportError(.timedOut, detail: String(describing: error))
            case .connectTimeout, .socksHandshakeTimeout, .httpProxyHandshakeTimeout, .tlsHandshakeTimeout:
                return TransportError(.connectionFailed, detail: String(describing: error))
            case .remoteConnectionClosed:
                return TransportError(.connectionLost, detail: String(describing: error))
            case .invalidURL, .emptyHost, .emptyScheme:
                return TransportError(.invalidRequest, detail: String(describing: error))
            default:
                return TransportError(unknown, detail: String(describing: error))
            }
        }
        if error is NIOConnectionError {
            return TransportError(.connectionFailed, detail: String(describing: error))
        }
        if let error = error as? IOError {
            switch error.errnoCode {
            case ECONNREFUSED:
                return TransportError(.connectionFailed, detail: String(describing: error))
            case ECONNRESET, ECONNABORTED, EPIPE:
                // The server closed the connection under the request (a restart, an instance
                // killed): the request may have been received, so it is retried only when
                // idempotent.
                return TransportError(.connectionLost, detail: String(describing: error))
            default:
                break
            }
        }
        if let error = error as? NIOCore.ChannelError {
            switch error {
            case .ioOnClosedChannel, .eof, .alreadyClosed, .outputClosed:
                return TransportError(.connectionLost, detail: String(describing: error))
            default:
                break
            }
        }
        return TransportError(unknown, detail: String(describing: error))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}

/// Gathers one response for ``AsyncHTTPClientTransport``: the head, then the body up to a limit.
///
/// AsyncHTTPClient calls it on the request's event loop, one callback at a time; the lock makes the
/// state safe to read from the awaiting task after a failure.
private final class ResponseCollector: HTTPClientResponseDelegate {
    typealias Response = TransportResponse

    private struct State {
        var head: HTTPResponseHead?
        var body: ByteBuffer?
    }

    private let limit: Int
    /// A HEAD response's Content-Length describes a body that never comes.
    private let isHead: Bool
    /// Whether the client decodes gzip and deflate bodies.
    private let decompresses: Bool
    private let state = NIOLockedValueBox(State())

    init(limit: Int, isHead: Bool, decompresses: Bool) {
        self.limit = limit
        self.isHead = isHead
        self.decompresses = decompresses
    }

    /// Whether the response head arrived: a failure after it is a connection lost mid-response.
    var receivedHead: Bool { state.withLockedValue { $0.head != nil } }

    func didReceiveHead(task: HTTPClient.Task<TransportResponse>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLockedValue { $0.head = head }
        if let failure = AsyncHTTPClientTransport.undecodable(head.headers, clientDecompresses: decompresses) {
            return task.eventLoop.makeFailedFuture(failure)
        }
        let encoding =
            head.headers.first(name: "content-encoding")?.trimmingCharacters(in: .whitespaces).lowercased()
            ?? "identity"
        // A compressed body's Content-Length is its compressed size; the limit applies to what it decodes to.
        if !isHead, encoding == "identity", let length = head.headers.first(name: "content-length").flatMap(Int.init),
            length > limit
        {
            return task.eventLoop.makeFailedFuture(
                TransportError(
                    .responseTooLarge, detail: "Content-Length \(length) exceeds the limit of \(limit) bytes"))
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<TransportResponse>, _ part: ByteBuffer) -> EventLoopFuture<Void> {
        let fits = state.withLockedValue { state -> Bool in
            guard (state.body?.readableBytes ?? 0) + part.readableBytes <= limit else { return false }
            if state.body == nil {
                state.body = part
            } else {
                var part = part
                state.body?.writeBuffer(&part)
            }
            return true
        }
        guard fits else {
            return task.eventLoop.makeFailedFuture(
                TransportError(.responseTooLarge, detail: "the body exceeds the limit of \(limit) bytes"))
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<TransportResponse>) throws -> TransportResponse {
        let (head, body) = state.withLockedValue { ($0.head, $0.body) }
        guard let head else {
            throw TransportError(.invalidResponse, detail: "the response ended without a head")
        }
        var fields = HTTPFields()
        fields.reserveCapacity(head.headers.count)
        for header in head.headers {
            guard let name = HTTPField.Name(header.name) else { continue }
            fields.append(HTTPField(name: name, value: header.value))
        }
        let status = HTTPResponse.Status(code: Int(head.status.code), reasonPhrase: head.status.reasonPhrase)
        return TransportResponse(
            head: HTTPResponse(status: status, headerFields: fields),
            body: body.map { Data($0.readableBytesView) } ?? Data())
    }
}

/// A streamed response's body as byte chunks, with AsyncHTTPClient's failures as transport errors.
private struct ResponseChunks: AsyncSequence, Sendable {
    let body: HTTPClientResponse.Body

    struct AsyncIterator: AsyncIteratorProtocol {
        var base: HTTPClientResponse.Body.AsyncIterator

        mutating func next() async throws -> [UInt8]? {
            do {
                return try await base.next().map { Array($0.readableBytesView) }
            } catch {
                throw AsyncHTTPClientTransport.transportError(for: error, afterResponseHead: true)
            }
        }
    }

    func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(base: body.makeAsyncIterator())
    }
}

/// Never shut down: it lives for the whole process, like `HTTPClient.shared`.
private let courierSharedHTTPClient = AsyncHTTPClientTransport.makeSharedClient()
