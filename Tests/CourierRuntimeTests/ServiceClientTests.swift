import Foundation
import Testing

@_spi(Generated) @testable import CourierRuntime

/// A client as the generator writes one for a service without auth or a server.
private struct BareClient: ServiceClient {
    static let service = ServiceDescription(name: "Bare", environmentPrefix: "BARE", defaultServer: nil)
    let runtime: ServiceRuntime
    init(configuration: ClientConfiguration) { runtime = ServiceRuntime(configuration: configuration) }
}

/// Credentials read from one variable.
private struct TokenAuth: ServiceCredentials {
    var token: Secret?
    init(environment: EnvironmentReader) { token = environment.secret("TOKEN") }
    var credentials: Credentials {
        var credentials = Credentials()
        credentials[scheme: "bearer"] = token.map { .bearer($0) }
        return credentials
    }
}

/// A client with auth and a default server.
private struct TokenClient: ServiceClient {
    typealias Auth = TokenAuth
    static let service = ServiceDescription(
        name: "Token", environmentPrefix: "TOKEN_SERVICE", defaultServer: "https://token.example.com")
    let runtime: ServiceRuntime
    init(configuration: ClientConfiguration) { runtime = ServiceRuntime(configuration: configuration) }
}

@Suite("Service clients", .timeLimit(.minutes(3)))
struct ServiceClientTests {
    @Test("fromEnvironment reads the prefix's variables and the credentials type's own")
    func environment() throws {
        let client = try TokenClient.fromEnvironment([
            "TOKEN": "t", "TOKEN_SERVICE_TIMEOUT": "2s", "TOKEN_SERVICE_MAX_ATTEMPTS": "4",
        ])
        #expect(client.configuration.server == "https://token.example.com")
        #expect(client.configuration.credentials[scheme: "bearer"] == .bearer("t"))
        #expect(client.configuration.timeout == .seconds(2))
        #expect(client.configuration.resilience.maxAttempts == 4)
        let moved = try TokenClient.fromEnvironment(["TOKEN_SERVICE_BASE_URL": "http://127.0.0.1:8080/v2"])
        #expect(moved.configuration.server == "http://127.0.0.1:8080/v2")
        #expect(moved.configuration.credentials[scheme: "bearer"] == nil)
    }

    @Test("a service without a server needs its base URL variable, and a service without auth sends none")
    func noServer() throws {
        #expect(throws: ConfigurationError.self) { try BareClient.fromEnvironment([:]) }
        let client = try BareClient.fromEnvironment(["BARE_BASE_URL": "https://bare.example.com", "TOKEN": "unused"])
        #expect(client.configuration.credentials == Credentials())
        do {
            _ = try BareClient.fromEnvironment([:])
        } catch {
            #expect(error.variable == "BARE_BASE_URL")
        }
    }
}
