import Foundation
import HTTPTypes
import HTTPTypesFoundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An ``HTTPTransport`` on Foundation's `URLSession`: the default, on Apple platforms and Linux.
///
/// The response body is streamed and the request cancelled as soon as it passes the size limit, so
/// a huge or endless body costs at most the limit in memory. One transport owns one session; create
/// it once and share it.
public final class URLSessionTransport: HTTPTransport {
    private let session: URLSession
    private let delegate: SessionDelegate

    /// Creates a transport with its own session built from `configuration`.
    ///
    /// - Parameter configuration: Connection settings (proxies, TLS, cookies). Caching and cookies
    ///   are switched off unless you set them, since clients decide caching themselves.
    public init(configuration: URLSessionConfiguration = URLSessionTransport.defaultConfiguration) {
        let delegate = SessionDelegate()
        self.delegate = delegate
        self.session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: nil)
    }

    /// An ephemeral configuration without URL caching or cookie handling.
    public static var defaultConfiguration: URLSessionConfiguration {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.urlCache = nil
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpShouldSetCookies = false
        configuration.httpCookieAcceptPolicy = .never
        return configuration
    }

    deinit {
        session.finishTasksAndInvalidate()
    }

    /// `true`: a streamed body is never held in memory whole. It is copied, a chunk at a time, to
    /// a temporary file that the session uploads with its length and the transport then removes.
    /// (A body stream would spare the copy, but Linux's URLSession sends a stream only chunked,
    /// with a `Content-Length` beside it that servers refuse, and Apple's needs a stream class of
    /// its own to be bridged to CFNetwork.)
    public var streamsRequestBodies: Bool { true }

    /// Sets the body of a redirected request: its bytes. A streamed body is read into memory
    /// here, the one case where it is: a 307 or 308 that must send it again.
    static func attachBody(of request: TransportRequest, to urlRequest: inout URLRequest) throws(TransportError) {
        if let streamed = request.streamedBody {
            urlRequest.httpBody = try streamed.collected()
        } else {
            urlRequest.httpBody = request.body
        }
    }

    /// Copies `body` to a new temporary file, off the cooperative thread pool.
    static func spool(_ body: StreamedBody) async throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("courier-upload-\(UUID().uuidString)")
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                        throw TransportError(
                            .invalidRequest, detail: "cannot create a temporary file for the request body")
                    }
                    let handle = try FileHandle(forWritingTo: file)
                    defer { try? handle.close() }
                    let reader = body.makeReader()
                    while let chunk = try reader.next() { try handle.write(contentsOf: chunk) }
                    continuation.resume(returning: file)
                } catch {
                    try? FileManager.default.removeItem(at: file)
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Sends the request through the session, streaming the body up to the size limit.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let (task, upload) = try await prepare(request, idleTimeout: request.timeout)
        defer { if let upload { try? FileManager.default.removeItem(at: upload) } }
        let limit = request.maxResponseBodySize
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (continuation: CheckedContinuation<TransportResponse, any Error>) in
                delegate.register(task, request: request, limit: limit, delivery: .whole(continuation))
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }

    /// `true`: the body is handed over as URLSession receives it.
    public var streamsResponseBodies: Bool { true }

    /// Sends the request and returns once the head has arrived, handing the body over as it
    /// arrives. The request's timeout bounds the wait for the head; after it, the body may pause
    /// for as long as a day between chunks (URLSession's interval is an idle timeout), and its
    /// reader decides how long to wait. Chunks the reader has not taken yet are bounded by the
    /// request's response size limit: past it, the stream fails with `responseTooLarge`.
    public func stream(_ request: TransportRequest) async throws -> StreamingTransportResponse {
        let (task, upload) = try await prepare(request, idleTimeout: .seconds(86_400))
        defer { if let upload { try? FileManager.default.removeItem(at: upload) } }
        let (body, continuation) = AsyncThrowingStream.makeStream(of: [UInt8].self)
        continuation.onTermination = { _ in task.cancel() }
        let delegate = self.delegate
        let headTimer = Task {
            try await Task.sleep(for: request.timeout)
            delegate.failBeforeHead(
                task,
                with: TransportError(
                    .timedOut, detail: "no response head within \(request.timeout)"))
        }
        defer { headTimer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation {
                (head: CheckedContinuation<StreamingTransportResponse, any Error>) in
                delegate.register(
                    task, request: request, limit: request.maxResponseBodySize,
                    delivery: .streaming(
                        head: head, body: body, continuation: continuation, buffered: BufferedByteCount()))
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
    }

    /// The task for `request`, and the file a streamed body was copied to, to remove after it.
    private func prepare(_ request: TransportRequest, idleTimeout: Duration) async throws -> (URLSessionTask, URL?) {
        guard var urlRequest = URLRequest(httpRequest: request.head) else {
            throw TransportError(
                .invalidRequest, detail: "URLSession cannot send \(request.head.method) \(request.head.path ?? "")")
        }
        var upload: URL?
        if let streamed = request.streamedBody {
            upload = try await Self.spool(streamed)
        } else {
            urlRequest.httpBody = request.body
        }
        #if canImport(FoundationNetworking)
            // swift-corelibs-foundation truncates the interval to whole seconds and treats it as an idle
            // timeout, so 0.4 s would fire at the first pause in the body. Round up to a whole second;
            // the pipeline's attempt timeout cuts the exchange at the exact limit.
            urlRequest.timeoutInterval = max(1, idleTimeout.seconds.rounded(.up))
        #else
            urlRequest.timeoutInterval = max(0.001, idleTimeout.seconds)
        #endif
        do {
            try Task.checkCancellation()
        } catch {
            if let upload { try? FileManager.default.removeItem(at: upload) }
            throw error
        }
        let task =
            upload.map { session.uploadTask(with: urlRequest, fromFile: $0) } ?? session.dataTask(with: urlRequest)
        return (task, upload)
    }
}

/// Collects each task's response and body and resumes its continuation exactly once, or, for a
/// stream, resumes with the head and hands each chunk of the body over as it arrives.
private final class SessionDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    // Safe: the only stored state is `exchanges`, a `Locked` value; URLSession calls the delegate
    // from its own serial queue, and `register` may run on any thread, so every access goes
    // through the lock.
    private struct Exchange {
        /// The request as last sent: the original, or where the last redirect led.
        var request: TransportRequest
        /// How many redirects the exchange has followed.
        var redirects = 0
        var limit: Int
        var delivery: Delivery
        var response: HTTPResponse?
        var body = Data()
        var failure: TransportError?
    }

    /// How an exchange's response reaches its caller.
    enum Delivery {
        /// Whole, once the body is complete.
        case whole(CheckedContinuation<TransportResponse, any Error>)
        /// The head as soon as it arrives, then each chunk through `continuation`. `head` and
        /// `body` are `nil` once the head is delivered: the exchange must not keep the body's
        /// stream alive, since its reader dropping it is what cancels the task.
        case streaming(
            head: CheckedContinuation<StreamingTransportResponse, any Error>?,
            body: AsyncThrowingStream<[UInt8], any Error>?,
            continuation: AsyncThrowingStream<[UInt8], any Error>.Continuation,
            buffered: BufferedByteCount)
    }

    private let exchanges = Locked<[Int: Exchange]>([:])

    func register(_ task: URLSessionTask, request: TransportRequest, limit: Int, delivery: Delivery) {
        exchanges.withLock {
            $0[task.taskIdentifier] = Exchange(request: request, limit: limit, delivery: delivery)
        }
    }

    /// Fails a streaming exchange whose head has not arrived yet, and cancels its task.
    func failBeforeHead(_ task: URLSessionTask, with failure: TransportError) {
        let failed: Bool = exchanges.withLock { exchanges in
            guard var exchange = exchanges[task.taskIdentifier], exchange.response == nil else { return false }
            exchange.failure = failure
            exchanges[task.taskIdentifier] = exchange
            return true
        }
        if failed { task.cancel() }
    }

    /// Follows a redirect as ``RedirectPolicy`` says, as AsyncHTTPClientTransport does: at most
    /// five, and never with the request's credentials to another origin (URLSession itself
    /// would forward them). Past the limit, the exchange fails with `tooManyRedirects`.
    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        let next = exchanges.withLock { exchanges -> URLRequest? in
            guard var exchange = exchanges[task.taskIdentifier], let head = response.httpResponse else { return nil }
            defer { exchanges[task.taskIdentifier] = exchange }
            do throws(TransportError) {
                guard
                    let redirected = try RedirectPolicy.nextRequest(
                        after: head, to: exchange.request, redirectsSoFar: exchange.redirects),
                    var urlRequest = URLRequest(httpRequest: redirected.head)
                else { return nil }
                exchange.redirects += 1
                exchange.request = redirected
                try URLSessionTransport.attachBody(of: redirected, to: &urlRequest)
                urlRequest.timeoutInterval = newRequest.timeoutInterval
                return urlRequest
            } catch {
                exchange.failure = error
                return nil
            }
        }
        completionHandler(next)
    }

    func urlSession(
        _ session: URLSession,
        dataTask: URLSessionDataTask,
        didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        let disposition: URLSession.ResponseDisposition = exchanges.withLock { exchanges in
            guard var exchange = exchanges[dataTask.taskIdentifier] else { return .cancel }
            guard let head = (response as? HTTPURLResponse)?.httpResponse else {
                exchange.failure = TransportError(.invalidResponse, detail: "the response is not HTTP")
                exchanges[dataTask.taskIdentifier] = exchange
                return .cancel
            }
            if response.expectedContentLength > Int64(exchange.limit) {
                exchange.failure = TransportError(
                    .responseTooLarge,
                    detail:
                        "Content-Length \(response.expectedContentLength) exceeds the limit of \(exchange.limit) bytes")
                exchanges[dataTask.taskIdentifier] = exchange
                return .cancel
            }
            exchange.response = head
            exchanges[dataTask.taskIdentifier] = exchange
            return .allow
        }
        if disposition == .allow { deliverHead(of: dataTask) }
        completionHandler(disposition)
    }

    /// Resumes a streaming exchange's caller with the head that has just arrived.
    private func deliverHead(of task: URLSessionTask) {
        let ready: (CheckedContinuation<StreamingTransportResponse, any Error>, StreamingTransportResponse)? =
            exchanges.withLock { exchanges in
                guard var exchange = exchanges[task.taskIdentifier], let head = exchange.response,
                    case .streaming(let waiting?, let body?, let continuation, let buffered) = exchange.delivery
                else { return nil }
                exchange.delivery = .streaming(head: nil, body: nil, continuation: continuation, buffered: buffered)
                exchanges[task.taskIdentifier] = exchange
                let chunks = body.map { chunk -> [UInt8] in
                    buffered.remove(chunk.count)
                    return chunk
                }
                return (waiting, StreamingTransportResponse(head: head, body: TransportBodyStream(chunks)))
            }
        if let (waiting, response) = ready { waiting.resume(returning: response) }
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let overLimit: Bool = exchanges.withLock { exchanges in
            guard var exchange = exchanges[dataTask.taskIdentifier], exchange.failure == nil else { return false }
            if case .streaming(_, _, let continuation, let buffered) = exchange.delivery {
                guard buffered.add(data.count, limit: exchange.limit) else {
                    exchange.failure = TransportError(
                        .responseTooLarge,
                        detail: "the stream's reader left more than \(exchange.limit) bytes unread")
                    exchanges[dataTask.taskIdentifier] = exchange
                    return true
                }
                continuation.yield(Array(data))
                return false
            }
            if exchange.body.count + data.count > exchange.limit {
                exchange.failure = TransportError(
                    .responseTooLarge, detail: "the body exceeds the limit of \(exchange.limit) bytes")
                exchange.body = Data()
                exchanges[dataTask.taskIdentifier] = exchange
                return true
            }
            exchange.body.append(data)
            exchanges[dataTask.taskIdentifier] = exchange
            return false
        }
        if overLimit { dataTask.cancel() }
    }

    /// Answers an HTTP authentication challenge (a 401 or 407 with `WWW-Authenticate`) with the
    /// response itself: credentials are the client's to send up front, and a 401 is a declared
    /// error or a status to report, never a prompt.
    ///
    /// Apple's URLSession asks before the response arrives and, declined, delivers the 401 as
    /// usual. Linux's (swift-corelibs-foundation) asks once the whole response has arrived, waits
    /// until the request times out if the challenge is handled by default, cancels the task if it
    /// is declined, and traps on "continue without a credential". So when the response is already
    /// here, the exchange ends with it now and the challenge is cancelled; the task's completion
    /// that follows finds no exchange left. Other challenges (TLS server trust, client
    /// certificates) get the system's handling.
    func urlSession(
        _ session: URLSession, task: URLSessionTask, didReceive challenge: URLAuthenticationChallenge,
        completionHandler: @escaping @Sendable (URLSession.AuthChallengeDisposition, URLCredential?) -> Void
    ) {
        let httpMethods = [
            NSURLAuthenticationMethodHTTPBasic, NSURLAuthenticationMethodHTTPDigest, NSURLAuthenticationMethodDefault,
            NSURLAuthenticationMethodNTLM, NSURLAuthenticationMethodNegotiate, NSURLAuthenticationMethodHTMLForm,
        ]
        guard httpMethods.contains(challenge.protectionSpace.authenticationMethod) else {
            completionHandler(.performDefaultHandling, nil)
            return
        }
        let answered: Exchange? = exchanges.withLock { exchanges in
            guard let exchange = exchanges[task.taskIdentifier], exchange.response != nil, exchange.failure == nil
            else { return nil }
            return exchanges.removeValue(forKey: task.taskIdentifier)
        }
        if let answered, let head = answered.response {
            switch answered.delivery {
            case .whole(let continuation):
                continuation.resume(returning: TransportResponse(head: head, body: answered.body))
            case .streaming(_, _, let continuation, _):
                continuation.finish()
            }
            completionHandler(.cancelAuthenticationChallenge, nil)
        } else {
            completionHandler(.rejectProtectionSpace, nil)
        }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        guard let exchange = exchanges.withLock({ $0.removeValue(forKey: task.taskIdentifier) }) else { return }
        let failure: (any Error)? =
            if let failure = exchange.failure {
                failure
            } else if let error {
                Self.transportError(for: error, afterResponseHead: exchange.response != nil)
            } else if exchange.response == nil {
                TransportError(.invalidResponse, detail: "the exchange ended without a response")
            } else {
                nil
            }
        switch exchange.delivery {
        case .whole(let continuation):
            if let failure {
                continuation.resume(throwing: failure)
            } else if let response = exchange.response {
                continuation.resume(returning: TransportResponse(head: response, body: exchange.body))
            }
        case .streaming(let head, _, let continuation, _):
            if let head {
                head.resume(
                    throwing: failure ?? TransportError(.invalidResponse, detail: "the stream ended without a head"))
            }
            continuation.finish(throwing: failure)
        }
    }

    /// libcurl's text for CURLE_GOT_NOTHING, a connection closed before any response byte.
    static let curlEmptyReply = "Empty reply from server"

    /// What `error` means; a failure of unknown kind after the response head arrived (such as
    /// curl's "transfer closed with N bytes remaining") is a connection lost mid-response.
    private static func transportError(for error: any Error, afterResponseHead: Bool) -> any Error {
        guard let urlError = error as? URLError else {
            return TransportError(afterResponseHead ? .connectionLost : .other, detail: String(describing: error))
        }
        switch urlError.code {
        case .cancelled:
            return CancellationError()
        case .timedOut:
            return TransportError(.timedOut, detail: urlError.localizedDescription)
        case .cannotConnectToHost, .cannotFindHost, .dnsLookupFailed, .notConnectedToInternet, .secureConnectionFailed:
            return TransportError(.connectionFailed, detail: urlError.localizedDescription)
        case .networkConnectionLost:
            return TransportError(.connectionLost, detail: urlError.localizedDescription)
        case .badServerResponse where !afterResponseHead && urlError.localizedDescription == Self.curlEmptyReply:
            // A connection closed before a single response byte: Apple's URLSession reports it as
            // `networkConnectionLost`, Linux's (libcurl) as a bad response with curl's message for
            // CURLE_GOT_NOTHING, the only trace of it that swift-corelibs-foundation keeps. It is a
            // lost connection (retried for idempotent requests), not a response to interpret.
            return TransportError(
                .connectionLost,
                detail: "the server closed the connection without answering (\(urlError.localizedDescription))")
        case .badServerResponse, .cannotParseResponse:
            return TransportError(.invalidResponse, detail: urlError.localizedDescription)
        case .unsupportedURL, .badURL:
            return TransportError(.invalidRequest, detail: urlError.localizedDescription)
        default:
            return TransportError(afterResponseHead ? .connectionLost : .other, detail: urlError.localizedDescription)
        }
    }
}

extension Duration {
    /// The duration in seconds, as a `TimeInterval`.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
