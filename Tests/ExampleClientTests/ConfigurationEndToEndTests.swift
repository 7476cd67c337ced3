import Configuration
import CourierConfiguration
import CourierRuntime
import CourierTestServer
import Foundation
import SystemPackage
import Testing

/// Clients configured from swift-configuration: a JSON file that a reloading provider watches.
@Suite("Clients configured from swift-configuration, live", .timeLimit(.minutes(3)))
struct ConfigurationEndToEndTests {
    static let id = UUID(uuidString: "3c2b1a09-8f7e-4d6c-9b5a-4e3d2c1b0a9f") ?? UUID()
    static let paymentPath = "/v1/payments/" + id.uuidString.lowercased()

    /// Writes `settings` as the file's `payments` object, replacing the file at once.
    static func write(_ settings: [String: Any], to file: URL) throws {
        let data = try JSONSerialization.data(withJSONObject: ["payments": settings], options: [.sortedKeys])
        try data.write(to: file, options: .atomic)
    }

    /// Waits until `condition` holds, for at most 10 seconds (the provider polls every 20 ms).
    func eventually(_ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition(), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }

    /// A configuration over AsyncHTTPClient with the payments credentials.
    static func configuration(server: ServerURL) -> ClientConfiguration {
        ClientConfiguration(
            server: server, transport: TransportKind.asyncHTTPClient.make(),
            credentials: PaymentsAuth.bearer("secret-token").credentials)
    }

    /// Runs `body` with a client configured from a JSON file (`settings` at first) that a
    /// reloading provider polls every 20 ms and the client follows; `rewrite` replaces the file.
    func withFollowingClient(
        _ settings: [String: Any], over configuration: ClientConfiguration,
        _ body: (PaymentsClient, _ rewrite: ([String: Any]) throws -> Void) async throws -> Void
    ) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("courier.json")
        try Self.write(settings, to: file)
        let provider = try await ReloadingFileProvider<JSONSnapshot>(
            filePath: FilePath(file.path), pollInterval: .milliseconds(20))
        let config = ConfigReader(provider: provider)
        let payments = try PaymentsClient.configured(from: config, over: configuration)
        let polling = Task { try await provider.run() }
        let following = Task { try await payments.follow(config) }
        defer {
            polling.cancel()
            following.cancel()
        }
        try await body(payments) { try Self.write($0, to: file) }
    }

    @Test("a file rewritten while calls run: new calls use the new server and timeout; a call in flight finishes")
    func reloads() async throws {
        try await withServer { first in
            try await withServer { second in
                let initial: [String: Any] = ["baseURL": first.baseURL, "timeout": ["total": "20s"]]
                try await withFollowingClient(initial, over: Self.configuration(server: "http://127.0.0.1:1")) {
                    payments, rewrite in
                    #expect(payments.runtime.settings.server == ServerURL(first.baseURL))
                    #expect(payments.runtime.settings.resilience.totalTimeout == .seconds(20))

                    // A slow call starts on the first server with the 20 s timeout ...
                    first.inject([.delay(.milliseconds(800))], forPathPrefix: Self.paymentPath)
                    let inFlight = Task { try await payments.deletePayment(id: Self.id) }
                    try await eventually { first.requests.count == 1 }

                    // ... while the file moves the client to the second server with a 300 ms timeout.
                    try rewrite(["baseURL": second.baseURL, "timeout": ["total": "300ms"]])
                    try await eventually { payments.runtime.settings.server == ServerURL(second.baseURL) }
                    #expect(payments.runtime.settings.resilience.totalTimeout == .milliseconds(300))

                    let finished = await inFlight.result
                    #expect((try? finished.get()) != nil, "the call in flight kept its 20 s: \(finished)")

                    try await payments.deletePayment(id: Self.id)
                    #expect(second.requests.count == 1, "new calls go to the new server")
                    #expect(first.requests.count == 1)

                    second.inject([.delay(.milliseconds(800))], forPathPrefix: Self.paymentPath)
                    let slow = await failure { () async throws(PaymentsError) in
                        try await payments.deletePayment(id: Self.id)
                    }
                    guard case .timeout? = slow else {
                        Issue.record("new calls have the new 300 ms timeout; got \(String(describing: slow))")
                        return
                    }

                    // A value that cannot be used is skipped: the client keeps its settings.
                    try rewrite(["baseURL": "not a url", "timeout": ["total": "1s"]])
                    try await Task.sleep(for: .milliseconds(200))
                    #expect(payments.runtime.settings.server == ServerURL(second.baseURL))
                    #expect(payments.runtime.settings.resilience.totalTimeout == .milliseconds(300))
                }
            }
        }
    }

    @Test("a file rewritten while calls run moves a client's instances; a call in flight finishes on its instance")
    func reloadsInstances() async throws {
        try await withServer { first in
            try await withServer { second in
                var configuration = Self.configuration(server: "http://payments.internal")
                configuration.discovery = .instances([])
                try await withFollowingClient(["instances": [first.baseURL]], over: configuration) {
                    payments, rewrite in
                    first.inject([.delay(.milliseconds(500))], forPathPrefix: Self.paymentPath)
                    let inFlight = Task { try await payments.deletePayment(id: Self.id) }
                    try await eventually { first.requests.count == 1 }
                    try rewrite(["instances": [second.baseURL]])
                    try await eventually { payments.runtime.settings.instances?.map(\.description) == [second.baseURL] }
                    #expect((try? await inFlight.value) != nil, "the call in flight finished on the first instance")

                    try await payments.deletePayment(id: Self.id)
                    #expect(second.requests.count == 1, "new calls go to the new instance")
                    #expect(first.requests.count == 1)
                }
            }
        }
    }

    /// The README's live configuration, verbatim but for the file's path; compiled here, and run
    /// by ``reloads()`` in the same shape.
    static func readmeExample(_ path: String) async throws {
        let file = try await ReloadingFileProvider<JSONSnapshot>(filePath: FilePath(path))
        let config = ConfigReader(providers: [EnvironmentVariablesProvider(), file])
        let payments = try PaymentsClient.configured(from: config)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { try await file.run() }  // polls the file (or run it in a ServiceGroup)
            group.addTask { try await payments.follow(config) }  // applies each change to the client
            // … the app's work …
        }
    }

    @Test("keys under the service's name: base URL, timeout, attempts, rate limit and instances; bad values are errors")
    func keys() throws {
        let config = ConfigReader(
            provider: InMemoryProvider(values: [
                "payments.baseURL": "https://payments.internal/v2",
                "payments.timeout.total": 2.5,
                "payments.retry.maxAttempts": 5,
                "payments.rateLimit.requests": 100,
                "payments.rateLimit.per": "1s",
                "payments.instances": "http://10.0.0.1:8080, http://10.0.0.2:8080",
            ]))
        let payments = try PaymentsClient.configured(from: config)
        let settings = payments.runtime.settings
        #expect(settings.server == "https://payments.internal/v2")
        #expect(settings.resilience.totalTimeout == .milliseconds(2500))
        #expect(settings.resilience.maxAttempts == 5)
        #expect(settings.resilience.rateLimit == .use(RateLimitPolicy(requests: 100, per: .seconds(1))))
        #expect(settings.instances?.map(\.description) == ["http://10.0.0.1:8080", "http://10.0.0.2:8080"])

        // The spec's discovery (SRV records of a headless service) stays on without a base URL …
        let spec = try PaymentsClient.configured(from: ConfigReader(provider: InMemoryProvider(values: [:])))
        #expect(spec.configuration.discovery != nil)
        // … and a base URL alone turns it off, as PAYMENTS_BASE_URL does for fromEnvironment().
        let single = try PaymentsClient.configured(
            from: ConfigReader(provider: InMemoryProvider(values: ["payments.baseURL": "https://one.example.com"])))
        #expect(single.configuration.discovery == nil)
        #expect(single.runtime.settings.server == "https://one.example.com")

        let bad = ConfigReader(provider: InMemoryProvider(values: ["payments.retry.maxAttempts": 0]))
        #expect(throws: ConfigurationError.self) { _ = try PaymentsClient.configured(from: bad) }
        let instances = ConfigReader(provider: InMemoryProvider(values: ["payments.instances": "ftp://x"]))
        #expect(
            throws: ConfigurationError(
                variable: "payments.instances", message: "'ftp://x' is not an http or https URL of an instance")
        ) {
            _ = try PaymentsClient.configured(from: instances)
        }
    }
}
