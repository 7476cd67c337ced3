import Foundation
import HTTPTypes

/// Sends one HTTP request and returns the whole response: the seam between generated clients and
/// the network.
///
/// ## Choosing a transport
///
/// - ``URLSessionTransport`` (this module) uses Foundation's `URLSession`. It is the default and the
///   right choice for apps on Apple platforms, and it works on Linux too.
/// - `AsyncHTTPClientTransport` (module `CourierAsyncHTTPClient`) uses AsyncHTTPClient on SwiftNIO.
///   Prefer it on servers: it pools connections across event loops and needs no Foundation networking.
///
/// ## Using one
///
/// Hand it to a generated client and reuse that client; a transport owns connection pools:
///
/// ```swift
/// let payments = PaymentsClient(server: .production, auth: .bearer(token), transport: URLSessionTransport())
/// ```
///
/// ## Implementing one
///
/// A transport does exactly one exchange: no retries, no redirects of its own choosing, no status
/// interpretation (a 500 is a response, not an error). It must
/// - send `request.head` with `request.body`, and give up once `request.timeout` has passed,
///   throwing ``TransportError/Kind/timedOut``;
/// - read at most `request.maxResponseBodySize` bytes of body and throw
///   ``TransportError/Kind/responseTooLarge`` past it, without buffering the rest;
/// - throw `CancellationError` when the calling task is cancelled;
/// - report failures as ``TransportError``, saying whether the request may have reached the server
///   (``TransportError/Kind/connectionFailed`` means it certainly did not, which makes it safe to
///   resend whatever the method).
///
/// Test doubles implement it in a few lines, which is how unit tests run clients without a network.
///
/// Unless the transport says otherwise, the runtime also bounds each attempt by the request's
/// timeout itself, with a timer that cancels the attempt's task. A transport whose own bound covers
/// the whole exchange, body included, says so with ``enforcesTimeout`` and spares every call that
/// task.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response with its complete body.
    func send(_ request: TransportRequest) async throws -> TransportResponse

    /// Whether ``send(_:)`` itself gives up once `request.timeout` has passed, counting from the
    /// call to the last byte of the response body, by throwing ``TransportError/Kind/timedOut``.
    ///
    /// When `true` and no ``ClientConfiguration/middleware`` runs inside the attempt, the runtime
    /// calls the transport directly in the caller's task instead of starting a task per attempt
    /// for its timer. Say `true` only if a stalled body is cut off too: a bound that ends at the
    /// response head would leave the call hanging. The default is `false`.
    var enforcesTimeout: Bool { get }

    /// Whether ``send(_:)`` sends a request's ``TransportRequest/streamedBody`` chunk by chunk,
    /// with its length as `Content-Length`. When `false` (the default), the runtime reads such a
    /// body into ``TransportRequest/body`` before the request reaches the transport, so a
    /// transport that only knows `body` still sends everything.
    var streamsRequestBodies: Bool { get }

    /// Sends `request` and returns once the response head has arrived, with the body to read as
    /// it arrives: for server-sent events and other streams.
    ///
    /// The request's timeout bounds the wait for the head only; the body has no deadline, and
    /// whoever reads it decides how long to wait. Reading stops the exchange when it ends or is
    /// dropped. The default sends with ``send(_:)`` and hands the whole body over at once.
    func stream(_ request: TransportRequest) async throws -> StreamingTransportResponse

    /// Whether ``stream(_:)`` hands the body over as it arrives rather than once it is complete.
    var streamsResponseBodies: Bool { get }
}

extension HTTPTransport {
    /// `false`: the runtime's timer bounds each attempt.
    public var enforcesTimeout: Bool { false }

    /// `false`: the runtime hands the transport every body in memory.
    public var streamsRequestBodies: Bool { false }
}

/// One request as a transport sends it.
public struct TransportRequest: Sendable {
    /// Method, scheme, authority, path with query, and header fields.
    public var head: HTTPRequest
    /// The body bytes, or `nil` for none.
    public var body: Data?
    /// A body to send in chunks as it is read, instead of ``body``; only ever set for a transport
    /// whose ``HTTPTransport/streamsRequestBodies`` is `true`.
    public var streamedBody: StreamedBody?
    /// How long the exchange may take, from sending the first byte to receiving the last.
    public var timeout: Duration
    /// The most response-body bytes to accept.
    public var maxResponseBodySize: Int
    /// Which header fields and query items carry the client's credentials, so descriptions and
    /// mirrors hide them; set when a client prepares the request.
    var redaction: SecretFields?

    /// Creates a request.
    public init(head: HTTPRequest, body: Data? = nil, timeout: Duration, maxResponseBodySize: Int) {
        self.head = head
        self.body = body
        self.timeout = timeout
        self.maxResponseBodySize = maxResponseBodySize
    }
}

/// A response as a transport received it.
public struct TransportResponse: Sendable {
    /// Status and header fields.
    public var head: HTTPResponse
    /// The complete body; empty when there was none.
    public var body: Data
    /// How many requests the call had sent when this response answered it; set by the retry
    /// stage, and 0 for a copy the cache served without a request.
    @usableFromInline
    var attempts = 1
    /// Where the response came from; the cache stage marks the copies it serves.
    @usableFromInline
    var source = ResponseSource.network

    /// Creates a response.
    public init(head: HTTPResponse, body: Data = Data()) {
        self.head = head
        self.body = body
    }
}

/// Why a transport could not complete an exchange.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, at the level retry and error reporting care about.
    public enum Kind: String, Sendable, Hashable {
        /// No connection could be made, so the request was certainly not sent.
        case connectionFailed
        /// The connection broke after the request may have been sent.
        case connectionLost
        /// The exchange took longer than the request's timeout.
        case timedOut
        /// The response body was larger than the request's limit (decompressed, when it came
        /// compressed).
        case responseTooLarge
        /// The server redirected more than ``RedirectPolicy/maxRedirects`` times.
        case tooManyRedirects
        /// The server's response could not be understood as HTTP.
        case invalidResponse
        /// The request could not be sent as given, for example an unsupported URL scheme.
        case invalidRequest
        /// Any other failure.
        case other
    }

    /// What went wrong.
    public var kind: Kind
    /// The underlying error's description, for diagnosis. Never contains credentials: transports
    /// see them only as header values, which they must not echo.
    public var detail: String

    /// Creates an error.
    public init(_ kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// `"<kind>: <detail>"`.
    public var description: String { "\(kind.rawValue): \(detail)" }
}
