import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Testing

@_spi(Generated) @testable import CourierRuntime

/// No value that holds a secret shows it through `description`, `debugDescription`, `dump`,
/// `String(reflecting:)` or a walk over its mirror, before a call or after one.
@Suite("Secrets stay hidden", .timeLimit(.minutes(3)))
struct SecretRedactionTests {
    static let secrets = ["tok-secret-1", "user:pass-secret-2", "key-secret-3", "query-secret-4"]

    /// Everything a person or a debugger could print of `value`.
    static func everythingPrinted(_ value: Any) -> [String] {
        var texts = [String(describing: value), String(reflecting: value)]
        var dumped = ""
        dump(value, to: &dumped, maxDepth: 40)
        texts.append(dumped)
        // Walk the mirror by hand too, describing every child on the way.
        var pending: [(Any, Int)] = [(value, 0)]
        var seen = Set<ObjectIdentifier>()
        while let (next, depth) = pending.popLast(), depth < 40 {
            let mirror = Mirror(reflecting: next)
            if mirror.displayStyle == .class, let object = next as AnyObject?,
                !seen.insert(ObjectIdentifier(object)).inserted
            {
                continue
            }
            for child in mirror.children {
                texts.append(String(describing: child.value))
                pending.append((child.value, depth + 1))
            }
        }
        return texts
    }

    static func expectHidden(_ value: Any, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        for text in everythingPrinted(value) {
            for secret in secrets + [Data("user:pass-secret-2".utf8).base64EncodedString()] where text.contains(secret)
            {
                Issue.record("\(name) shows '\(secret)': \(text.prefix(300))", sourceLocation: sourceLocation)
            }
        }
    }

    func credentials() -> Credentials {
        var credentials = Credentials()
        credentials[scheme: "bearer"] = .bearer("tok-secret-1")
        credentials[scheme: "basic"] = .basic(username: "user", password: "user:pass-secret-2")
        credentials[scheme: "header"] = .apiKeyHeader(name: "X-API-Key", key: "key-secret-3")
        credentials[scheme: "query"] = .apiKeyQuery(name: "api_key", key: "query-secret-4")
        return credentials
    }

    @Test("credentials, configurations and runtimes, before any call")
    func beforeCalls() {
        let credentials = credentials()
        Self.expectHidden(Secret("tok-secret-1"), "Secret")
        Self.expectHidden(credentials, "Credentials")
        Self.expectHidden(Credential.basic(username: "user", password: "user:pass-secret-2"), "Credential")
        Self.expectHidden(BasicCredentials(username: "user", password: "user:pass-secret-2"), "BasicCredentials")
        let configuration = ClientConfiguration(
            server: "https://api.example", transport: HangingTransport(), credentials: credentials)
        Self.expectHidden(configuration, "ClientConfiguration")
        Self.expectHidden(ServiceRuntime(configuration: configuration), "ServiceRuntime")
        Self.expectHidden(EnvironmentReader(["TOKEN": "tok-secret-1", "KEY": "key-secret-3"]), "EnvironmentReader")
    }

    @Test("requests as stages and transports see them, cache entries after a call")
    func afterCalls() async throws {
        let transport = ScriptedTransport(clock: ManualClock()) { _, _ in
            TransportResponse(
                head: HTTPResponse(
                    status: .ok, headerFields: [.cacheControl: "max-age=60", .setCookie: "session=tok-secret-1"]),
                body: Data("{}".utf8))
        }
        let cache = ResponseCache()
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "https://api.example", transport: transport, credentials: credentials(), responseCache: cache))
        for scheme in ["bearer", "basic", "header", "query"] {
            let operation = Operation<Data, NoErrors>(
                name: "read", authSchemes: [scheme], output: .bytes(accept: "application/json"), errors: [],
                resilience: ResiliencePolicy(cache: CachePolicy(ttl: .seconds(60))))
            var request = RequestBuilder(.get, path: "/things")
            request.query("page", 2)
            _ = try await runtime.send(operation, request, options: RequestOptions())
        }
        #expect(transport.requests.count == 4)
        #expect(cache.count == 4)
        for request in transport.requests {
            Self.expectHidden(request, "TransportRequest")
            let pipelineRequest = PipelineRequest(
                transportRequest: request, service: "S", endpoint: "read", policy: .standard, isIdempotent: true,
                secrets: request.redaction ?? SecretFields(credentials: Credentials(), redacting: []))
            Self.expectHidden(pipelineRequest, "PipelineRequest")
        }
        Self.expectHidden(cache, "ResponseCache")
        Self.expectHidden(runtime, "ServiceRuntime after calls")
        // Redaction keeps what is not secret: the description still says what the request was.
        let described = String(describing: try #require(transport.requests.last))
        #expect(described.hasPrefix("GET https://api.example/things?page=2&api_key=<redacted>"))
    }

    @Test("the walk finds a secret that is not hidden, so the checks above can fail")
    func walkFindsSecrets() {
        struct Leaky { var nested = ["token": "tok-secret-1"] }
        #expect(Self.everythingPrinted(Leaky()).contains { $0.contains("tok-secret-1") })
    }
}
