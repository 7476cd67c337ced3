import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// A request as the test server received it.
public struct RecordedRequest: Sendable, Hashable {
    /// `GET`, `POST`…
    public var method: String
    /// The path and query exactly as sent, still percent-encoded.
    public var target: String
    /// Header fields, names lower-cased; repeated fields joined with `, `.
    public var headers: [String: String]
    /// The body bytes.
    public var body: Data

    /// The body as UTF-8 text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
    /// When the server received the request.
    public var receivedAt: Date
}

/// An HTTP server on 127.0.0.1 (or another loopback address) implementing the example services of `Specs/`, with routes that
/// misbehave on purpose (undeclared statuses, malformed JSON, unknown enum values), for
/// end-to-end tests of generated clients.
public final class ExampleServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    /// The address it listens on: `127.0.0.1` unless started on another.
    public let host: String
    private let task: Task<Void, any Error>
    private let log: RequestLog
    private let faults: FaultPlan
    /// Signals between the streaming routes and the tests.
    public let signals: StreamSignals
    /// What the WebSocket routes saw.
    public let webSockets: WebSocketSignals

    private init(
        host: String, port: Int, task: Task<Void, any Error>, log: RequestLog, faults: FaultPlan,
        signals: StreamSignals,
        webSockets: WebSocketSignals
    ) {
        self.host = host
        self.port = port
        self.task = task
        self.log = log
        self.faults = faults
        self.signals = signals
        self.webSockets = webSockets
    }

    /// `ws://<host>:<port>`.
    public var webSocketURL: String { "ws://\(host):\(port)" }

    /// `http://<host>:<port>`.
    public var baseURL: String { "http://\(host):\(port)" }

    /// Every request so far, oldest first.
    public var requests: [RecordedRequest] { log.all }

    /// The most recent request.
    public var lastRequest: RecordedRequest? { log.all.last }

    /// Scripts misbehaviour for requests whose path starts with `pathPrefix`: each request takes the
    /// next fault in `faults` (the last one repeats when `repeatLast`), before the routes see it.
    /// When several prefixes match a path, the longest wins.
    public func inject(_ faults: [Fault], forPathPrefix pathPrefix: String, repeatLast: Bool = true) {
        self.faults.set(faults, for: pathPrefix, repeatLast: repeatLast)
    }

    /// Starts a server on `port` (by default a free one) of `host` (a loopback address; Linux
    /// routes all of 127.0.0.0/8 to the loopback interface) and returns once it accepts connections.
    ///
    /// Without `webSockets`, handshakes are plain requests to the router, as behind a gateway that
    /// answers them itself: `/ws/denied` answers 401, `/ws/unavailable` 503 with `Retry-After: 0`.
    /// With them, a route that does not upgrade answers 400, as hummingbird-websocket does.
    public static func start(host: String = "127.0.0.1", port: Int = 0, webSockets upgrades: Bool = true)
        async throws -> ExampleServer
    {
        let log = RequestLog()
        let faults = FaultPlan()
        let router = Router()
        router.middlewares.add(RecordingMiddleware(log: log))
        router.middlewares.add(FaultMiddleware(plan: faults))
        ExampleRoutes.add(to: router)
        ConformanceRoutes.add(to: router)
        let signals = StreamSignals()
        StreamRoutes.add(to: router, signals: signals)
        let webSockets = WebSocketSignals()
        router.get("/ws/denied") { _, _ in Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"]) }
        router.get("/ws/unavailable") { _, _ in Response(status: .serviceUnavailable, headers: [.retryAfter: "0"]) }
        let ready = PortBox()
        var logger = Logger(label: "courier-test-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            server: upgrades
                ? .http1WebSocketUpgrade(configuration: .init(ws: WebSocketRoutes.configuration)) {
                    request, channel, _ in
                    WebSocketRoutes.shouldUpgrade(request, channel: channel, signals: webSockets)
                } : .http1(),
            configuration: .init(address: .hostname(host, port: port)),
            onServerRunning: { channel in ready.set(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let task = Task { try await app.runService() }
        for _ in 0..<500 {
            if let port = ready.value {
                return ExampleServer(
                    host: host, port: port, task: task, log: log, faults: faults, signals: signals,
                    webSockets: webSockets)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        throw ServerStartError()
    }

    /// Stops the server.
    public func stop() {
        task.cancel()
    }

    deinit {
        task.cancel()
    }
}

/// The server did not report a listening port within five seconds.
public struct ServerStartError: Error, CustomStringConvertible {
    public var description: String { "the example server did not start listening on 127.0.0.1 within 5 seconds" }
}

final class PortBox: @unchecked Sendable {
    // Safe: `port` is only touched under `lock`.
    private let lock = NSLock()
    private var port: Int?
    func set(_ value: Int) { lock.withLock { port = value } }
    var value: Int? { lock.withLock { port } }
}

final class RequestLog: @unchecked Sendable {
    // Safe: `requests` is only touched under `lock`.
    private let lock = NSLock()
    private var requests: [RecordedRequest] = []
    func append(_ request: RecordedRequest) { lock.withLock { requests.append(request) } }
    var all: [RecordedRequest] { lock.withLock { requests } }
}

struct RecordingMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let log: RequestLog

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var request = request
        let buffer = try await request.collectBody(upTo: 8 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        log.append(
            RecordedRequest(
                method: request.method.rawValue,
                target: request.head.path ?? "",
                headers: headers,
                body: Data(buffer.readableBytesView),
                receivedAt: Date()
            ))
        return try await next(request, context)
    }
}

/// A scripted misbehaviour of the server.
public enum Fault: Sendable, Hashable {
    /// Answer with this status and header fields, and an empty body.
    case status(Int, headers: [String: String] = [:])
    /// Answer with this status, header fields and body.
    case response(Int, headers: [String: String] = [:], body: String)
    /// Wait this long before the routes answer (slow response headers).
    case delay(Duration)
    /// Let the routes answer normally.
    case pass
    /// Let the routes answer, with these header fields added to (or replacing those of) the response.
    case headers([String: String])
    /// Let the routes answer, but send the body in `chunks` pieces with `every` before each
    /// (slow bodies: the response head arrives at once).
    case slowBody(chunks: Int, every: Duration)
    /// Send the routes' response head, announcing the full body, then half the body, then close
    /// the connection (a connection dropped mid-response).
    case drop
}

final class FaultPlan: @unchecked Sendable {
    // Safe: `plans` is only touched under `lock`.
    private let lock = NSLock()
    private var plans: [(prefix: String, faults: [Fault], repeatLast: Bool)] = []

    func set(_ faults: [Fault], for prefix: String, repeatLast: Bool) {
        lock.withLock {
            plans.removeAll { $0.prefix == prefix }
            plans.append((prefix, faults, repeatLast))
        }
    }

    /// The fault for a request to `path`, consuming it.
    func next(for path: String) -> Fault {
        lock.withLock {
            let matching = plans.indices.filter { path.hasPrefix(plans[$0].prefix) }
            guard let index = matching.max(by: { plans[$0].prefix.count < plans[$1].prefix.count }),
                let fault = plans[index].faults.first
            else { return .pass }
            if plans[index].faults.count > 1 || !plans[index].repeatLast { plans[index].faults.removeFirst() }
            return fault
        }
    }
}

struct FaultMiddleware: RouterMiddleware {
    typealias Context = BasicRequestContext
    let plan: FaultPlan

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        switch plan.next(for: request.head.path ?? "") {
        case .pass:
            return try await next(request, context)
        case .delay(let duration):
            try await Task.sleep(for: duration)
            return try await next(request, context)
        case .status(let code, let headers):
            var fields = HTTPFields()
            for (name, value) in headers {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            fields[.contentLength] = "0"
            return Response(status: .init(code: code), headers: fields)
        case .response(let code, let headers, let body):
            var fields = HTTPFields()
            for (name, value) in headers {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            let buffer = ByteBuffer(string: body)
            fields[.contentLength] = String(buffer.readableBytes)
            return Response(status: .init(code: code), headers: fields, body: ResponseBody(byteBuffer: buffer))
        case .headers(let headers):
            var response = try await next(request, context)
            for (name, value) in headers {
                if let name = HTTPField.Name(name) { response.headers[name] = value }
            }
            return response
        case .slowBody(let chunks, let every):
            let (response, body) = try await collected(next(request, context))
            let size = max(1, (body.readableBytes + chunks - 1) / max(1, chunks))
            return response.replacingBody(
                ResponseBody(contentLength: body.readableBytes) { writer in
                    var rest = body
                    while let piece = rest.readSlice(length: min(size, rest.readableBytes)), piece.readableBytes > 0 {
                        try await Task.sleep(for: every)
                        try await writer.write(piece)
                    }
                    try await writer.finish(nil)
                })
        case .drop:
            let (response, body) = try await collected(next(request, context))
            return response.replacingBody(
                ResponseBody(contentLength: max(body.readableBytes, 2)) { writer in
                    var half = body
                    if let piece = half.readSlice(length: half.readableBytes / 2), piece.readableBytes > 0 {
                        try await writer.write(piece)
                    }
                    throw DroppedConnection()
                })
        }
    }

    /// The route's response with its whole body read out.
    private func collected(_ response: Response) async throws -> (Response, ByteBuffer) {
        let collector = BodyCollector()
        try await response.body.write(collector)
        return (response, collector.buffer.value)
    }
}

/// Thrown from a response body to make the server close the connection mid-response.
struct DroppedConnection: Error {}

/// A response-body writer that keeps what is written.
struct BodyCollector: ResponseBodyWriter {
    let buffer = Box()

    final class Box {
        var value = ByteBuffer()
    }

    mutating func write(_ part: ByteBuffer) async throws {
        var part = part
        buffer.value.writeBuffer(&part)
    }

    consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
}

extension Response {
    /// This response with `body` in place of its own.
    fileprivate func replacingBody(_ body: ResponseBody) -> Response {
        var response = self
        response.body = body
        response.headers[.contentLength] = body.contentLength.map(String.init)
        return response
    }
}
