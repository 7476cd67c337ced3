import Foundation
import HTTPTypes
import Hummingbird
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
}

/// An HTTP server on 127.0.0.1 implementing the example services of `Specs/`, with routes that
/// misbehave on purpose (undeclared statuses, malformed JSON, unknown enum values), for
/// end-to-end tests of generated clients.
public final class ExampleServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    private let task: Task<Void, any Error>
    private let log: RequestLog

    private init(port: Int, task: Task<Void, any Error>, log: RequestLog) {
        self.port = port
        self.task = task
        self.log = log
    }

    /// `http://127.0.0.1:<port>`.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Every request so far, oldest first.
    public var requests: [RecordedRequest] { log.all }

    /// The most recent request.
    public var lastRequest: RecordedRequest? { log.all.last }

    /// Starts a server on a free port and returns once it accepts connections.
    public static func start() async throws -> ExampleServer {
        let log = RequestLog()
        let router = Router()
        router.middlewares.add(RecordingMiddleware(log: log))
        ExampleRoutes.add(to: router)
        let ready = PortBox()
        var logger = Logger(label: "courier-test-server")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in ready.set(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let task = Task { try await app.runService() }
        for _ in 0..<500 {
            if let port = ready.value { return ExampleServer(port: port, task: task, log: log) }
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

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 8 << 20)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { $0 + ", " + field.value } ?? field.value
        }
        log.append(RecordedRequest(
            method: request.method.rawValue,
            target: request.head.path ?? "",
            headers: headers,
            body: Data(buffer.readableBytesView)
        ))
        return try await next(request, context)
    }
}
