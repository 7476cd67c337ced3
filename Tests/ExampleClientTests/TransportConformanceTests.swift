@_spi(Generated) import CourierRuntime
import CourierTestServer
import Foundation
import HTTPTypes
import Testing

/// The same cases against both transports and the real test server: what a caller sees must
/// not depend on the transport.
@Suite("Transport conformance", .timeLimit(.minutes(3)))
struct TransportConformanceTests {
    enum NoDeclaredErrors: DeclaredError, Hashable {
        var name: String { "" }
    }

    /// Sends `GET path` (or `method`) through a runtime over `transport` with an API key in a
    /// header and a bearer token, and returns the body or the error.
    func call(
        _ server: ExampleServer, _ transport: TransportKind, path: String, method: HTTPRequest.Method = .get,
        userAgent: String? = nil, maxBody: Int = 16 << 20
    ) async -> Result<Data, ClientError<NoDeclaredErrors>> {
        var credentials = Credentials()
        credentials[scheme: "bearer"] = .bearer("tok-secret")
        credentials[scheme: "key"] = .apiKeyHeader(name: "X-API-Key", key: "key-secret")
        var fields = HTTPFields()
        if let userAgent { fields[.userAgent] = userAgent }
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: ServerURL(server.baseURL), transport: transport.make(), credentials: credentials,
                headerFields: fields,
                resilience: ResilienceOverrides(retry: .none), maxResponseBodySize: maxBody))
        let operation = CourierRuntime.Operation<Data, NoDeclaredErrors>(
            name: "conformance", authSchemes: ["bearer", "key"], output: .bytes(accept: "application/json"), errors: [],
            service: "Conformance")
        // Both credentials: the bearer is the first scheme; the API key goes as an extra field.
        var request = RequestBuilder(method, path: PathTemplate(stringLiteral: path))
        request.header("X-API-Key", "key-secret")
        do throws(ClientError<NoDeclaredErrors>) {
            return .success(try await runtime.send(operation, request, options: RequestOptions()).value)
        } catch {
            return .failure(error)
        }
    }

    func received(_ result: Result<Data, ClientError<NoDeclaredErrors>>) throws -> [String: String] {
        let data = try result.get()
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
    }

    @Test(
        "User-Agent: Courier's default names the service and version; the configuration overrides it",
        arguments: TransportKind.allCases)
    func userAgent(transport: TransportKind) async throws {
        try await withServer { server in
            let sent = try received(await call(server, transport, path: "/conformance/echo"))
            #expect(sent["user-agent"] == "Conformance Courier/\(CourierRuntimeCompatibility.version)")
            let custom = try received(await call(server, transport, path: "/conformance/echo", userAgent: "MyApp/2.0"))
            #expect(custom["user-agent"] == "MyApp/2.0")
        }
    }

    @Test("gzip and deflate bodies arrive decoded", arguments: TransportKind.allCases, ["gzip", "deflate", "identity"])
    func compression(transport: TransportKind, encoding: String) async throws {
        try await withServer { server in
            let body = try await call(server, transport, path: "/conformance/encoded/\(encoding)").get()
            let object = try #require(try JSONSerialization.jsonObject(with: body) as? [String: String])
            #expect(object["text"] == ConformanceRoutes.text)
            let sent = try received(await call(server, transport, path: "/conformance/echo"))
            #expect(sent["accept-encoding"]?.contains("gzip") == true, "the transport asks for compressed bodies")
        }
    }

    @Test(
        "a compressed body is limited by what it decompresses to (a zip bomb is refused)",
        arguments: TransportKind.allCases)
    func zipBomb(transport: TransportKind) async throws {
        try await withServer { server in
            let result = await call(server, transport, path: "/conformance/bomb", maxBody: 1 << 20)
            guard case .failure(.transport(let failure)) = result else {
                Issue.record("expected a transport failure, got \(result)")
                return
            }
            #expect(failure.kind == .responseTooLarge)
        }
    }

    @Test("redirects: up to five are followed; a sixth is tooManyRedirects", arguments: TransportKind.allCases)
    func redirectLimit(transport: TransportKind) async throws {
        try await withServer { server in
            let sent = try received(await call(server, transport, path: "/conformance/redirect/5"))
            #expect(sent["method"] == "GET")
            #expect(sent["authorization"] == "Bearer tok-secret", "same origin: credentials kept")
            let result = await call(server, transport, path: "/conformance/redirect/6")
            guard case .failure(.transport(let failure)) = result else {
                Issue.record("expected a transport failure, got \(result)")
                return
            }
            #expect(failure.kind == .tooManyRedirects)
            #expect(
                String(describing: ClientError<NoDeclaredErrors>.transport(failure)).contains("more than 5 redirects"))
        }
    }

    @Test("a redirect to another origin carries no credentials", arguments: TransportKind.allCases)
    func crossOrigin(transport: TransportKind) async throws {
        try await withServer { server in
            try await withServer { other in
                let target = other.baseURL + "/conformance/echo"
                let sent = try received(await call(server, transport, path: "/conformance/redirect-to?to=\(target)"))
                #expect(sent["authorization"] == nil)
                #expect(sent["x-api-key"] == nil)
                #expect(sent["user-agent"]?.hasPrefix("Conformance") == true, "other fields travel on")
                #expect(other.requests.count == 1)
            }
        }
    }

    @Test("303 turns a POST into a GET; 307 keeps it", arguments: TransportKind.allCases)
    func methodRewriting(transport: TransportKind) async throws {
        try await withServer { server in
            let seeOther = try received(
                await call(server, transport, path: "/conformance/redirect-to?status=303", method: .post))
            #expect(seeOther["method"] == "GET")
            let temporary = try received(
                await call(server, transport, path: "/conformance/redirect-to?status=307", method: .post))
            #expect(temporary["method"] == "POST")
        }
    }
}
