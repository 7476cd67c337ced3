import Foundation
import HTTPTypes

/// Runs the calls of one generated client: builds the HTTP request, applies credentials and
/// timeouts, sends it through the transport and turns the response into a result or a
/// ``ClientError``.
///
/// A generated client holds one and shares it between its copies.
public final class ServiceRuntime: Sendable {
    /// The configuration every call starts from.
    public let configuration: ClientConfiguration

    /// Creates the runtime for a client.
    public init(configuration: ClientConfiguration) {
        self.configuration = configuration
    }

    /// Sends `request` for `operation` and returns its decoded result.
    public func send<Output, Declared>(
        _ operation: Operation<Output, Declared>,
        _ request: RequestBuilder,
        options: RequestOptions
    ) async throws(ClientError<Declared>) -> Output {
        let transportRequest = try prepare(operation, request, options: options)
        let response: TransportResponse = try await exchange(transportRequest, as: Declared.self)
        return try interpret(response, to: transportRequest.head.method, for: operation)
    }

    // MARK: - Building

    func prepare<Output, Declared>(
        _ operation: Operation<Output, Declared>,
        _ request: RequestBuilder,
        options: RequestOptions
    ) throws(ClientError<Declared>) -> TransportRequest {
        let server = configuration.server
        if let problem = server.problem { throw .invalidRequest("base URL \(problem)") }
        if let problem = request.problem { throw .invalidRequest(problem) }

        var queryItems = request.queryItems
        var fields = configuration.headerFields
        for field in request.headerFields {
            fields[field.name] = field.value
        }
        if let accept = operation.output.accept, fields[.accept] == nil {
            fields[.accept] = accept
        }
        if let credential = configuration.credentials.first(of: operation.authSchemes) {
            switch credential {
            case .bearer(let token):
                fields[.authorization] = "Bearer \(token.value)"
            case .basic(let username, let password):
                let pair = Data("\(username):\(password.value)".utf8).base64EncodedString()
                fields[.authorization] = "Basic \(pair)"
            case .apiKeyHeader(let name, let key):
                guard let fieldName = HTTPField.Name(name) else {
                    throw .invalidRequest("'\(name)' is not a valid header field name for an API key")
                }
                fields[fieldName] = key.value
            case .apiKeyQuery(let name, let key):
                queryItems.append(PercentEncoding.queryComponent(name) + "=" + PercentEncoding.queryComponent(key.value))
            }
        }
        for field in options.headerFields {
            fields[field.name] = field.value
        }
        for field in fields where !HeaderValidation.isSafe(field.value) {
            throw .invalidRequest("the value of header '\(field.name)' contains a line break or NUL")
        }

        var path = server.pathPrefix + request.path
        if !queryItems.isEmpty {
            path += "?" + queryItems.joined(separator: "&")
        }
        let head = HTTPRequest(
            method: request.method, scheme: server.scheme, authority: server.authority, path: path,
            headerFields: fields)
        return TransportRequest(
            head: head, body: request.body, timeout: options.timeout ?? configuration.timeout,
            maxResponseBodySize: configuration.maxResponseBodySize)
    }

    // MARK: - Sending

    func exchange<Declared>(
        _ request: TransportRequest,
        as declared: Declared.Type
    ) async throws(ClientError<Declared>) -> TransportResponse {
        let transport = configuration.transport
        let limit = request.timeout
        do {
            return try await Deadline.run(within: limit) {
                try await transport.send(request)
            }
        } catch {
            if Task.isCancelled || error is CancellationError { throw .cancelled }
            if error is Deadline.Expired { throw .timeout(limit) }
            if let error = error as? TransportError {
                if error.kind == .timedOut { throw .timeout(limit) }
                throw .transport(error)
            }
            throw .transport(TransportError(.other, detail: String(describing: error)))
        }
    }

    // MARK: - Interpreting

    /// A successful response becomes the output; a declared status becomes `.declared`, except for
    /// HEAD, whose responses have no body to decode, where a declared error with a body is reported
    /// as `.unexpectedStatus`; anything else becomes `.unexpectedStatus`.
    func interpret<Output, Declared>(
        _ response: TransportResponse,
        to method: HTTPRequest.Method,
        for operation: Operation<Output, Declared>
    ) throws(ClientError<Declared>) -> Output {
        let status = response.head.status
        if status.kind == .successful {
            do {
                return try operation.output.decode(response.body)
            } catch {
                throw .decoding(DecodingFailure(error, status: status, body: response.body))
            }
        }
        if let route = operation.errors.first(where: { $0.status == status.code }),
            !(method == .head && route.hasBody && response.body.isEmpty)
        {
            let declared: Declared
            do {
                declared = try route.make(response.body)
            } catch {
                throw .decoding(DecodingFailure(error, status: status, body: response.body))
            }
            throw .declared(declared, response: response.head)
        }
        throw .unexpectedStatus(UnexpectedResponse(head: response.head, body: response.body))
    }
}

/// Races an operation against a time limit.
enum Deadline {
    /// Thrown when the limit passes first.
    struct Expired: Error {}

    static func run<Result: Sendable>(
        within limit: Duration,
        _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await operation() }
            group.addTask {
                try await Task.sleep(for: limit)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw Expired()
            }
            return result
        }
    }
}
