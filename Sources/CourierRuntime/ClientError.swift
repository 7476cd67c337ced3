import Foundation
import HTTPTypes

/// The errors a service declares in its spec, as a generated enum with one case per error.
///
/// Generated code conforms to it; you rarely do.
public protocol DeclaredError: Error, Sendable {
    /// The error's name in the spec, such as `notFound`: short and stable, fit for logs and metric labels.
    var name: String { get }
}

/// Everything a generated client's call can throw, as one enum to switch over.
///
/// Generated code names it per service, `typealias PaymentsError = ClientError<PaymentsDeclaredError>`,
/// and methods throw it typed, so a `switch` is checked for completeness:
///
/// ```swift
/// do {
///     let payment = try await payments.getPayment(id: id)
/// } catch .declared(.notFound(let problem), _) {
///     // the spec's NotFound error, with its decoded body
/// } catch .unexpectedStatus(let response) {
///     // a status the spec does not declare; status, headers and body are kept
/// } catch {
///     // transport, timeout, cancellation, decoding…
/// }
/// ```
///
/// `description` is short and stable (no bodies, no secrets): log it as it is.
public enum ClientError<Declared: DeclaredError>: Error, CustomStringConvertible {
    /// The server answered with an error the spec declares; its body is decoded into `Declared`.
    case declared(Declared, response: HTTPResponse)
    /// The server answered with a status the spec does not declare for this endpoint.
    case unexpectedStatus(UnexpectedResponse)
    /// The request could not be built or was refused before sending: an invalid header value, base
    /// URL or body, or a value that breaks a constraint of the spec (`violation` says which, where
    /// and the limit). Nothing was sent.
    case invalidRequest(String, violation: ConstraintViolation? = nil)
    /// The transport failed: no connection, a dropped connection, a response that is not HTTP, or a
    /// body over the size limit.
    case transport(TransportError)
    /// The call took longer than its timeout.
    case timeout(Duration)
    /// The calling task was cancelled.
    case cancelled
    /// A successful or declared-error response whose body does not match the spec.
    case decoding(DecodingFailure)
    /// The circuit breaker for `host` (or `host endpoint`) is open, so nothing was sent; it lets
    /// calls through again after `retryIn`.
    case circuitOpen(host: String, retryIn: Duration)
    /// `limit` attempts to `host` are already in flight and the bulkhead's wait ran out; nothing was sent.
    case bulkheadFull(host: String, limit: Int)
    /// The client-side rate limit for `host` has no room within the allowed wait; nothing was sent.
    /// A request would be allowed after `retryIn`.
    case rateLimited(host: String, retryIn: Duration)
    /// The client has shut down, or is shutting down and lets only the calls in flight finish;
    /// nothing was sent.
    case shutDown

    /// A short stable label for the case: `declared`, `unexpected_status`, `invalid_request`,
    /// `transport`, `timeout`, `cancelled`, `decoding`, `circuit_open`, `bulkhead_full`,
    /// `rate_limited` or `shut_down`. Use it as a metric dimension.
    public var kind: String {
        switch self {
        case .declared: "declared"
        case .unexpectedStatus: "unexpected_status"
        case .invalidRequest: "invalid_request"
        case .transport: "transport"
        case .timeout: "timeout"
        case .cancelled: "cancelled"
        case .decoding: "decoding"
        case .circuitOpen: "circuit_open"
        case .bulkheadFull: "bulkhead_full"
        case .rateLimited: "rate_limited"
        case .shutDown: "shut_down"
        }
    }

    /// The HTTP status of the response, when there was one.
    public var status: HTTPResponse.Status? {
        switch self {
        case .declared(_, let response): response.status
        case .unexpectedStatus(let response): response.status
        case .decoding(let failure): failure.status
        case .invalidRequest, .transport, .timeout, .cancelled, .circuitOpen, .bulkheadFull, .rateLimited, .shutDown:
            nil
        }
    }

    /// One line that names the cause, without credentials and at most a few hundred characters:
    /// `declared error notFound (404)`, `transport failure (connectionLost): …`, `decoding failed at
    /// data[3].amount (status 200): …; body begins: …`. Text from the server (an error's detail, a
    /// body excerpt) is cut short and shows control characters as escapes.
    public var description: String {
        switch self {
        case .declared(let error, let response):
            "declared error \(error.name) (\(response.status.code))"
        case .unexpectedStatus(let response):
            "unexpected status \(response)"
        case .invalidRequest(let reason, _):
            "invalid request: \(OneLine.bounded(reason))"
        case .transport(let error):
            "transport failure (\(error.kind.rawValue)): \(OneLine.bounded(error.detail))"
        case .timeout(let limit):
            "timed out after \(limit)"
        case .cancelled:
            "cancelled"
        case .decoding(let failure):
            "decoding failed at \(failure.codingPath.isEmpty ? "the top level" : failure.codingPath) (status \(failure.status.code)): "
                + OneLine.bounded(failure.message)
                + (failure.bodyExcerpt.isEmpty
                    ? "; the body is empty" : "; body begins: \(OneLine.bounded(failure.bodyExcerpt, limit: 80))")
        case .circuitOpen(let host, let retryIn):
            "circuit open for \(host); retry in \(retryIn)"
        case .bulkheadFull(let host, let limit):
            "bulkhead full for \(host) (\(limit) in flight)"
        case .rateLimited(let host, let retryIn):
            "rate limited for \(host); retry in \(retryIn)"
        case .shutDown:
            "the client has shut down; nothing was sent"
        }
    }

    /// The wait the server asked for with `Retry-After`, when the error carries a response that has
    /// one; for an open circuit or a rate limit, the wait before a call may go.
    ///
    /// When a retryable response asks for a longer wait than the retry policy's `maxRetryAfter`, or
    /// one that would pass the deadline, the call ends at once with that response; this is the wait.
    public var retryAfter: Duration? {
        switch self {
        case .declared(_, let response): RetryAfter.wait(in: response, now: Date())
        case .unexpectedStatus(let response): RetryAfter.wait(in: response.head, now: Date())
        case .circuitOpen(_, let retryIn), .rateLimited(_, let retryIn): retryIn
        case .invalidRequest, .transport, .timeout, .cancelled, .decoding, .bulkheadFull, .shutDown: nil
        }
    }
}

extension ClientError: Equatable where Declared: Equatable {}
extension ClientError: Hashable where Declared: Hashable {}

/// A response with a status the spec does not declare, kept whole for diagnosis.
public struct UnexpectedResponse: Sendable, Hashable, CustomStringConvertible {
    /// The status and header fields.
    public var head: HTTPResponse
    /// The body as received (within the client's size limit).
    public var body: Data

    /// Creates the record of a response.
    public init(head: HTTPResponse, body: Data) {
        self.head = head
        self.body = body
    }

    /// The status code and reason.
    public var status: HTTPResponse.Status { head.status }

    /// The header fields.
    public var headerFields: HTTPFields { head.headerFields }

    /// The body as UTF-8 text, when it is text.
    public var bodyText: String? { String(data: body, encoding: .utf8) }

    /// `"<code>, <n> bytes"`, then the beginning of a text body: `500, 42 bytes:
    /// {"title":"database unavailable"}`.
    public var description: String {
        // No reason phrase: transports differ in whether they keep the server's.
        let summary = "\(status.code), \(body.count) bytes"
        guard !body.isEmpty, let text = String(data: body.prefix(DecodingFailure.excerptLimit), encoding: .utf8) else {
            return summary
        }
        return summary + ": " + OneLine.bounded(text, limit: 80)
    }
}

/// A body that did not decode as the spec says it should.
public struct DecodingFailure: Sendable, Hashable, CustomStringConvertible {
    /// The most body bytes kept in ``bodyExcerpt``.
    public static let excerptLimit = 512

    /// Where decoding stopped, such as `data[3].amount.currency`; empty for the top level.
    public var codingPath: String
    /// What was wrong there.
    public var message: String
    /// The response status.
    public var status: HTTPResponse.Status
    /// The beginning of the body, at most ``excerptLimit`` bytes, as text.
    public var bodyExcerpt: String

    /// Creates a failure record.
    public init(codingPath: String, message: String, status: HTTPResponse.Status, bodyExcerpt: String) {
        self.codingPath = codingPath
        self.message = message
        self.status = status
        self.bodyExcerpt = bodyExcerpt
    }

    /// Describes `error`, keeping the coding path and an excerpt of `body`.
    public init(_ error: any Error, status: HTTPResponse.Status, body: Data) {
        let (path, message) = Self.explain(error)
        self.init(codingPath: path, message: message, status: status, bodyExcerpt: Self.excerpt(of: body))
    }

    /// `"<path>: <message>"`, on one line.
    public var description: String {
        OneLine.bounded(codingPath.isEmpty ? message : "\(codingPath): \(message)")
    }

    static func excerpt(of body: Data) -> String {
        let prefix = body.prefix(excerptLimit)
        let text = String(decoding: prefix, as: UTF8.self)
        return body.count > excerptLimit ? text + "…" : text
    }

    private static func explain(_ error: any Error) -> (path: String, message: String) {
        guard let error = error as? DecodingError else {
            return ("", String(describing: error))
        }
        switch error {
        case .typeMismatch(let type, let context):
            return (render(context.codingPath), "expected \(type): \(context.debugDescription)")
        case .valueNotFound(let type, let context):
            return (render(context.codingPath), "missing \(type) value: \(context.debugDescription)")
        case .keyNotFound(let key, let context):
            return (render(context.codingPath + [key]), "missing key '\(key.stringValue)'")
        case .dataCorrupted(let context):
            return (render(context.codingPath), context.debugDescription)
        @unknown default:
            return ("", String(describing: error))
        }
    }

    /// `data[3].amount`, from coding keys.
    static func render(_ path: [any CodingKey]) -> String {
        var text = ""
        for key in path {
            if let index = key.intValue {
                text += "[\(index)]"
            } else {
                text += text.isEmpty ? key.stringValue : ".\(key.stringValue)"
            }
        }
        return text
    }
}

/// Text from outside (a server's body, an underlying error) made fit for one line of a
/// description: control and bidirectional characters shown as escapes, and cut short.
enum OneLine {
    static func bounded(_ text: String, limit: Int = 200) -> String {
        var result = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit {
                result += "…"
                break
            }
            let before = result.unicodeScalars.count
            switch scalar.value {
            case 0x0A: result += "\\n"
            case 0x0D: result += "\\r"
            case 0x09: result += "\\t"
            case 0x00...0x1F, 0x7F...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029,
                0xFEFF:
                result += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default:
                result.unicodeScalars.append(scalar)
            }
            count += result.unicodeScalars.count - before
        }
        return result
    }
}

@_spi(Generated)
extension ClientError where Declared == NoDeclaredError {
    /// The same error as an endpoint that declares `Other` throws it: the parts of a call that
    /// come before reading the response fail without a declared error.
    @inlinable
    public func declaring<Other: DeclaredError>(_: Other.Type) -> ClientError<Other> {
        switch self {
        case .declared(let impossible, _):
            switch impossible {}
        case .unexpectedStatus(let response): return .unexpectedStatus(response)
        case .invalidRequest(let reason, let violation): return .invalidRequest(reason, violation: violation)
        case .transport(let error): return .transport(error)
        case .timeout(let limit): return .timeout(limit)
        case .cancelled: return .cancelled
        case .decoding(let failure): return .decoding(failure)
        case .circuitOpen(let host, let retryIn): return .circuitOpen(host: host, retryIn: retryIn)
        case .bulkheadFull(let host, let limit): return .bulkheadFull(host: host, limit: limit)
        case .rateLimited(let host, let retryIn): return .rateLimited(host: host, retryIn: retryIn)
        case .shutDown: return .shutDown
        }
    }
}
