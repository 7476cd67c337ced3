import Foundation
import HTTPTypes

/// How Courier's transports follow redirects, so that URLSession and AsyncHTTPClient behave alike:
///
/// - 301, 302, 303, 307 and 308 with a `Location` are followed, at most ``maxRedirects`` times
///   per exchange; one more is a ``TransportError/Kind/tooManyRedirects`` failure.
/// - 303 turns any method but HEAD into a body-less GET; 301 and 302 turn a POST into one (as
///   browsers do); 307 and 308 keep the method and body.
/// - A redirect to another origin (scheme, host or port) never carries the request's credentials:
///   `Authorization`, `Proxy-Authorization`, `Cookie` and the client's API-key header fields are
///   removed, and so is `Origin`.
/// - Only `http` and `https` locations are followed.
public enum RedirectPolicy {
    /// The most redirects one exchange follows.
    public static let maxRedirects = 5

    /// The statuses that redirect.
    public static let redirectStatuses: Set<Int> = [301, 302, 303, 307, 308]

    /// The request to send after `response` answered `request`, or `nil` when the response is
    /// not a redirect to follow (it is then the answer).
    ///
    /// - Parameter redirectsSoFar: how many redirects this exchange has followed already.
    /// - Throws: ``TransportError/Kind/tooManyRedirects`` past ``maxRedirects``, and
    ///   ``TransportError/Kind/invalidResponse`` for a `Location` that is not an http(s) URL.
    public static func nextRequest(after response: HTTPResponse, to request: TransportRequest, redirectsSoFar: Int)
        throws(TransportError)
        -> TransportRequest?
    {
        guard redirectStatuses.contains(response.status.code), let location = response.headerFields[.location] else {
            return nil
        }
        guard redirectsSoFar < maxRedirects else {
            throw TransportError(
                .tooManyRedirects, detail: "more than \(maxRedirects) redirects; the last one to \(location)")
        }
        let current = "\(request.head.scheme ?? "https")://\(request.head.authority ?? "")\(request.head.path ?? "/")"
        guard let base = URL(string: current), let target = URL(string: location, relativeTo: base)?.absoluteURL,
            let scheme = target.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = target.host
        else {
            throw TransportError(
                .invalidResponse,
                detail: "a \(response.status.code) redirect to '\(location)', which is not an http(s) URL")
        }
        var next = request
        var head = request.head
        head.scheme = scheme
        head.authority = target.port.map { "\(host):\($0)" } ?? host
        var path = target.path.isEmpty ? "/" : target.path
        if let query = target.query { path += "?" + query }
        head.path = path
        let code = response.status.code
        if (code == 303 && head.method != .head) || ((code == 301 || code == 302) && head.method == .post) {
            head.method = .get
            next.body = nil
            next.streamedBody = nil
            head.headerFields[.contentLength] = nil
            head.headerFields[.contentType] = nil
        }
        if !isSameOrigin(request.head, head) {
            for name in request.credentialHeaderFields.union([.origin]) { head.headerFields[name] = nil }
        }
        next.head = head
        return next
    }

    /// Whether two requests go to the same scheme, host and port.
    public static func isSameOrigin(_ first: HTTPRequest, _ second: HTTPRequest) -> Bool {
        func origin(_ request: HTTPRequest) -> String {
            let scheme = (request.scheme ?? "").lowercased()
            var authority = (request.authority ?? "").lowercased()
            if scheme == "https", authority.hasSuffix(":443") { authority.removeLast(4) }
            if scheme == "http", authority.hasSuffix(":80") { authority.removeLast(3) }
            return scheme + "://" + authority
        }
        return origin(first) == origin(second)
    }
}

extension TransportRequest {
    /// The header fields that carry credentials and must never reach another origin or a log:
    /// `Authorization`, `Proxy-Authorization`, `Cookie`, and the API-key fields of the client
    /// that made the request.
    public var credentialHeaderFields: Set<HTTPField.Name> {
        var names: Set<HTTPField.Name> = [.authorization, .proxyAuthorization, .cookie]
        if let redaction { names.formUnion(redaction.credentialHeaders) }
        return names
    }
}
