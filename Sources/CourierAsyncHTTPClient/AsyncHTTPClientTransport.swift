import AsyncHTTPClient
import CourierRuntime
import Foundation
import HTTPTypes
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
/// The response body is collected up to the request's size limit, and the exchange is bounded by
/// the request's timeout through AsyncHTTPClient's deadline.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// The client requests go through.
    public let client: HTTPClient

    /// Uses `client`; by default ``sharedClient``.
    public init(client: HTTPClient = AsyncHTTPClientTransport.sharedClient) {
        self.client = client
    }

    /// A process-wide client that lives as long as the process, so it needs no shutdown.
    ///
    /// Unlike `HTTPClient.shared` it reports a failed connection at once instead of retrying it
    /// until the request's deadline: a refused connection surfaces as
    /// `TransportError.Kind.connectionFailed`, which is safe to retry for any method, and Courier's
    /// retry policy decides whether and when to try again.
    public static var sharedClient: HTTPClient { courierSharedHTTPClient }

    /// Sends the request and collects the response body.
    public func send(_ request: TransportRequest) async throws -> TransportResponse {
        let head = request.head
        guard let scheme = head.scheme, let authority = head.authority else {
            throw TransportError(.invalidRequest, detail: "the request has no scheme or authority")
        }
        var outgoing = HTTPClientRequest(url: "\(scheme)://\(authority)\(head.path ?? "/")")
        outgoing.method = NIOHTTP1.HTTPMethod(rawValue: head.method.rawValue)
        for field in head.headerFields {
            outgoing.headers.add(name: field.name.rawName, value: field.value)
        }
        if let body = request.body {
            outgoing.body = .bytes(ByteBuffer(bytes: body))
        }

        let timeout = TimeAmount.nanoseconds(Self.nanoseconds(request.timeout))
        var receivedHead = false
        do {
            let response = try await client.execute(outgoing, timeout: timeout)
            receivedHead = true
            if let length = response.headers.first(name: "content-length").flatMap(Int.init),
                length > request.maxResponseBodySize
            {
                throw TransportError(.responseTooLarge, detail: "Content-Length \(length) exceeds the limit of \(request.maxResponseBodySize) bytes")
            }
            let buffer = try await response.body.collect(upTo: request.maxResponseBodySize)
            var fields = HTTPFields()
            for header in response.headers {
                guard let name = HTTPField.Name(header.name) else { continue }
                fields.append(HTTPField(name: name, value: header.value))
            }
            let status = HTTPResponse.Status(code: Int(response.status.code), reasonPhrase: response.status.reasonPhrase)
            return TransportResponse(head: HTTPResponse(status: status, headerFields: fields), body: Data(buffer.readableBytesView))
        } catch let error as TransportError {
            throw error
        } catch is NIOTooManyBytesError {
            throw TransportError(.responseTooLarge, detail: "the body exceeds the limit of \(request.maxResponseBodySize) bytes")
        } catch {
            throw Self.transportError(for: error, afterResponseHead: receivedHead)
        }
    }

    fileprivate static func makeSharedClient() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.timeout = .init(connect: .seconds(10))
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }

    /// What `error` means; a failure of unknown kind while the body was being read (such as the
    /// parser's "stream ended at an unexpected time") is a connection lost mid-response.
    private static func transportError(for error: any Error, afterResponseHead: Bool) -> any Error {
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
        if let error = error as? IOError, error.errnoCode == ECONNREFUSED {
            return TransportError(.connectionFailed, detail: String(describing: error))
        }
        return TransportError(unknown, detail: String(describing: error))
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? Int64.max : scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}

/// Never shut down: it lives for the whole process, like `HTTPClient.shared`.
private let courierSharedHTTPClient = AsyncHTTPClientTransport.makeSharedClient()
