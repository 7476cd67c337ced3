import CourierAsyncHTTPClient
@_spi(Benchmarks) import CourierRuntime
import CourierServiceLifecycle
import CourierTestServer
import CourierWebSocket
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// Three example servers on 127.0.0.1, 127.0.0.2 and 127.0.0.3, and dnsmasq serving their
/// records; the Users client (its `health` endpoint, `GET /api/health`) spread over them.
@Suite("Instances found through a real DNS server", .timeLimit(.minutes(3)))
struct InstancesEndToEndTests {
    /// The servers, started for one test on the three loopback addresses.
    private static func servers(samePort: Bool = false) async throws -> [ExampleServer] {
        let first = try await ExampleServer.start(host: "127.0.0.1")
        let port = samePort ? first.port : 0
        return [
            first, try await ExampleServer.start(host: "127.0.0.2", port: port),
            try await ExampleServer.start(host: "127.0.0.3", port: port),
        ]
    }

    private static func srvRecords(_ servers: [ExampleServer], weights: [Int] = [1, 1, 1]) -> [DNSServer.Record] {
        servers.enumerated().flatMap { index, server in
            [
                DNSServer.Record.service(
                    name: "_http._tcp.users.test", target: "node\(index).users.test", port: server.port,
                    weight: weights[index]),
                .address(name: "node\(index).users.test", address: server.host),
            ]
        }
    }

    private static func client(
        _ discovery: Discovery, nameServer dns: DNSServer, transport: any HTTPTransport = AsyncHTTPClientTransport(),
        maxAttempts: Int = 3
    ) throws -> UsersClient {
        var configuration = ClientConfiguration(
            server: "http://users.test", transport: transport, resilience: ResilienceOverrides(maxAttempts: maxAttempts)
        )
        configuration.discovery = discovery.askingNameServer(try #require(DNSNameServer(dns.address)))
        return UsersClient(configuration: configuration)
    }

    /// Requests each server has had to `/api/health`.
    private static func counts(_ servers: [ExampleServer]) -> [Int] {
        servers.map { server in server.requests.filter { $0.target == "/api/health" }.count }
    }

    @Test("SRV records: their ports, weights and priorities; addresses from the additional records")
    func serviceRecords() async throws {
        let servers = try await Self.servers()
        defer { servers.forEach { $0.stop() } }
        var records = Self.srvRecords(Array(servers.prefix(2)), weights: [10, 30])
        records.append(
            .service(name: "_http._tcp.users.test", target: "backup.users.test", port: servers[2].port, priority: 5))
        records.append(.address(name: "backup.users.test", address: servers[2].host))
        let dns = try await DNSServer.start(records, ttl: 7)
        defer { dns.stop() }

        let resolver = DNSInstanceResolver(.service("_http._tcp.users.test"), nameServer: DNSNameServer(dns.address))
        let resolution = try await resolver.resolve()
        #expect(
            Set(resolution.instances) == [
                ServiceInstance(host: "127.0.0.1", port: servers[0].port, weight: 10),
                ServiceInstance(host: "127.0.0.2", port: servers[1].port, weight: 30),
                ServiceInstance(host: "127.0.0.3", port: servers[2].port, weight: 1, priority: 5),
            ])
        #expect(resolution.timeToLive == .seconds(7))

        let client = try Self.client(
            .dnsSRV("_http._tcp.users.test", loadBalancing: LoadBalancingPolicy(.roundRobin)), nameServer: dns)
        defer { client.shutdown() }
        for _ in 0..<40 { #expect(try await client.health() == "ok") }
        #expect(Self.counts(servers) == [10, 30, 0], "weights 10:30; the priority-5 backup gets nothing")
    }

    @Test("A records: every address is an instance on the port given", arguments: TransportKind.allCases)
    func addressRecords(_ transport: TransportKind) async throws {
        let servers = try await Self.servers(samePort: true)
        defer { servers.forEach { $0.stop() } }
        let dns = try await DNSServer.start(servers.map { .address(name: "users.test", address: $0.host) })
        defer { dns.stop() }
        let client = try Self.client(
            .dns(host: "users.test", port: servers[0].port, loadBalancing: LoadBalancingPolicy(.roundRobin)),
            nameServer: dns, transport: transport.make())
        defer { client.shutdown() }
        for _ in 0..<30 { #expect(try await client.health() == "ok") }
        #expect(Self.counts(servers) == [10, 10, 10])
        #expect(client.instanceHealth()?.instances.count == 3)
    }

    @Test(
        "the records change and the client follows within the TTL; with the DNS server gone the last good set keeps working"
    )
    func recordsChange() async throws {
        let servers = try await Self.servers()
        defer { servers.forEach { $0.stop() } }
        let dns = try await DNSServer.start(Self.srvRecords([servers[0]]), ttl: 1)
        defer { dns.stop() }
        let client = try Self.client(.dnsSRV("_http._tcp.users.test"), nameServer: dns)
        defer { client.shutdown() }
        let changes = client.instanceChanges
        for _ in 0..<5 { _ = try await client.health() }
        #expect(Self.counts(servers) == [5, 0, 0])

        try await dns.replace(Self.srvRecords([servers[1]]), ttl: 1)
        var events = changes.makeAsyncIterator()
        var seen: [InstanceEvent] = []
        while seen.count < 3, let event = await events.next() {
            if case .resolutionFailed = event { continue }
            seen.append(event)
        }
        #expect(seen.contains(.added(ServiceInstance(host: "127.0.0.2", port: servers[1].port))))
        #expect(seen.contains(.removed(ServiceInstance(host: "127.0.0.1", port: servers[0].port))))
        for _ in 0..<5 { _ = try await client.health() }
        #expect(Self.counts(servers) == [5, 5, 0])

        dns.stop()
        while true {
            guard let event = await events.next() else { break }
            if case .resolutionFailed = event { break }
        }
        for _ in 0..<5 { _ = try await client.health() }
        #expect(Self.counts(servers) == [5, 10, 0], "the last good set")
        #expect(client.instanceHealth()?.lastResolutionError?.contains("users.test") == true)
    }

    @Test("an instance killed under load is ejected, and no idempotent call is lost")
    func instanceKilled() async throws {
        let servers = try await Self.servers()
        defer { servers.forEach { $0.stop() } }
        let dns = try await DNSServer.start(Self.srvRecords(servers), ttl: 30)
        defer { dns.stop() }
        let client = try Self.client(
            .dnsSRV("_http._tcp.users.test", outlierDetection: OutlierDetectionPolicy(consecutiveFailures: 3)),
            nameServer: dns)
        defer { client.shutdown() }
        _ = try await client.health()
        let failures = Locked<[String]>([])
        let completed = Locked(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<16 {
                group.addTask {
                    for _ in 0..<40 {
                        do {
                            _ = try await client.health()
                        } catch {
                            failures.withLock { $0.append("\(error)") }
                        }
                        completed.withLock { $0 += 1 }
                    }
                }
            }
            while completed.current < 100 { try await Task.sleep(for: .milliseconds(5)) }
            servers[2].stop()
            try await group.waitForAll()
        }
        #expect(failures.current == [])
        let health = try #require(client.instanceHealth())
        let killed = health.instances.first { $0.instance.host == "127.0.0.3" }
        #expect(killed.map { if case .ejected = $0.state { true } else { false } } == true, "\(health)")
    }

    @Test("under p2c a slow instance receives fewer calls")
    func slowInstance() async throws {
        let servers = try await Self.servers()
        defer { servers.forEach { $0.stop() } }
        servers[0].inject([.delay(.milliseconds(200))], forPathPrefix: "/api/health")
        let dns = try await DNSServer.start(Self.srvRecords(servers), ttl: 30)
        defer { dns.stop() }
        let client = try Self.client(.dnsSRV("_http._tcp.users.test"), nameServer: dns)
        defer { client.shutdown() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 {
                group.addTask { for _ in 0..<25 { _ = try await client.health() } }
            }
            try await group.waitForAll()
        }
        let counts = Self.counts(servers)
        #expect(counts.reduce(0, +) == 300)
        // Each caller waits for its answer, so the slow instance holds calls in flight the longest
        // and p2c sends it less than half of what each fast one gets (a third each would be fair).
        #expect(counts[0] * 2 < counts[1] && counts[0] * 2 < counts[2], "\(counts)")
    }

    @Test("a hedge to another instance wins against a slow one, and the slow copy is cancelled")
    func hedgeWins() async throws {
        let servers = try await Self.servers()
        defer { servers.forEach { $0.stop() } }
        servers[0].inject([.delay(.seconds(3))], forPathPrefix: "/api/health")
        let dns = try await DNSServer.start(Self.srvRecords(servers), ttl: 30)
        defer { dns.stop() }
        var configuration = ClientConfiguration(server: "http://users.test", transport: AsyncHTTPClientTransport())
        configuration.discovery = Discovery.dnsSRV(
            "_http._tcp.users.test", loadBalancing: LoadBalancingPolicy(.pickFirst)
        ).askingNameServer(try #require(DNSNameServer(dns.address)))
        configuration.endpointResilience["health"] = ResilienceOverrides(
            hedge: .use(HedgePolicy(delay: .fixed(.milliseconds(100)))))
        let client = UsersClient(configuration: configuration)
        defer { client.shutdown() }
        // pick-first sends the first copy to the first instance found; make that the slow one.
        let first = try #require(try await client.runtime.chooseInstance())
        let slow = try #require(servers.firstIndex { $0.host == first.host && $0.port == first.port })
        if slow != 0 {
            servers[0].inject([.pass], forPathPrefix: "/api/health")
            servers[slow].inject([.delay(.seconds(3))], forPathPrefix: "/api/health")
        }
        let started = ContinuousClock.now
        #expect(try await client.health() == "ok")
        let elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(2), "the hedge answered, and the slow copy was given up at once: \(elapsed)")
        #expect(Self.counts(servers)[slow] == 1, "the slow instance got the first copy")
        #expect(Self.counts(servers).reduce(0, +) == 2)
    }

    @Test("active health checks: an instance that fails them leaves the rotation and comes back when they pass")
    func healthChecks() async throws {
        let servers = try await Self.servers()
        defer { servers.forEach { $0.stop() } }
        let dns = try await DNSServer.start(Self.srvRecords(servers), ttl: 30)
        defer { dns.stop() }
        var discovery = Discovery.dnsSRV("_http._tcp.users.test", outlierDetection: nil)
        discovery.healthCheck = HealthCheckPolicy(
            path: "/api/health", interval: .milliseconds(50), timeout: .seconds(1), unhealthyAfter: 2, healthyAfter: 2)
        let client = try Self.client(discovery, nameServer: dns)
        defer { client.shutdown() }
        var changes = client.instanceChanges.makeAsyncIterator()
        func next(_ wanted: (InstanceEvent) -> Bool) async -> InstanceEvent? {
            while let event = await changes.next() {
                if wanted(event) { return event }
            }
            return nil
        }
        _ = try await client.health()
        let first = ServiceInstance(host: "127.0.0.1", port: servers[0].port)
        servers[0].inject([.status(503)], forPathPrefix: "/api/health")
        #expect(await next { if case .unhealthy = $0 { true } else { false } } == .unhealthy(first))
        #expect(client.instanceHealth()?.instances.first { $0.instance == first }?.state == .unhealthy)
        let before = Self.counts(servers)[0]
        for _ in 0..<20 { #expect(try await client.health() == "ok") }
        // Only the health checks reach the unhealthy instance.
        let checksMeanwhile = Self.counts(servers)[0] - before
        #expect(checksMeanwhile < 20, "\(checksMeanwhile) requests to the unhealthy instance")
        servers[0].inject([.pass], forPathPrefix: "/api/health")
        #expect(await next { if case .healthy = $0 { true } else { false } } == .healthy(first))
        #expect(client.instanceHealth()?.instances.allSatisfy { $0.state == .serving } == true)
    }

    @Test(
        "a graceful shutdown under load: a ServiceGroup stops the client; calls in flight finish, new ones are refused")
    func gracefulShutdown() async throws {
        let servers = try await Self.servers()
        defer { servers.forEach { $0.stop() } }
        for server in servers { server.inject([.delay(.milliseconds(300))], forPathPrefix: "/api/health") }
        let dns = try await DNSServer.start(Self.srvRecords(servers), ttl: 30)
        defer { dns.stop() }
        let client = try Self.client(.dnsSRV("_http._tcp.users.test"), nameServer: dns)
        var logger = Logger(label: "courier-tests")
        logger.logLevel = .critical
        let group = ServiceGroup(services: [ClientService(client, gracePeriod: .seconds(10))], logger: logger)
        let running = Task { try await group.run() }
        while client.instanceHealth()?.instances.count != 3 { try await Task.sleep(for: .milliseconds(5)) }

        let inFlight = (0..<12).map { _ in Task { try await client.health() } }
        while client.runtime.callsInFlight < 12 { try await Task.sleep(for: .milliseconds(1)) }
        await group.triggerGracefulShutdown()
        while client.runtime.acceptsCalls { try await Task.sleep(for: .milliseconds(1)) }
        let refused = await failure { () async throws(UsersError) in try await client.health() }
        #expect(
            refused.map { if case .shutDown = $0 { true } else { false } } == true, "\(String(describing: refused))")
        for call in inFlight { #expect(try await call.value == "ok", "every call in flight finished") }
        try await running.value
        #expect(client.runtime.callsInFlight == 0)
        let afterwards = await failure { () async throws(UsersError) in try await client.health() }
        #expect(afterwards.map { if case .shutDown = $0 { true } else { false } } == true)
    }

    @Test("a channel connects to an instance, not to the server URL")
    func channelToInstance() async throws {
        let servers = try await Self.servers()
        defer { servers.forEach { $0.stop() } }
        let dns = try await DNSServer.start(
            servers.enumerated().flatMap { index, server in
                [
                    DNSServer.Record.service(
                        name: "_http._tcp.inventory.test", target: "node\(index).inventory.test", port: server.port),
                    .address(name: "node\(index).inventory.test", address: server.host),
                ]
            })
        defer { dns.stop() }
        let inventory = try InventoryClient.fromEnvironment(
            // The base URL names the service (and its scheme); the instances come from DNS.
            [
                "INVENTORY_BASE_URL": "http://inventory.test", "INVENTORY_DNS_SRV": "_http._tcp.inventory.test",
                "INVENTORY_DNS_SERVER": dns.address,
            ],
            transport: AsyncHTTPClientTransport())
        var configuration = inventory.configuration
        configuration.webSocketTransport = SwiftWebSocketTransport()
        let client = InventoryClient(configuration: configuration)
        defer { client.shutdown() }
        let levels = client.stockLevels(warehouse: .ams1) { connection in
            try await connection.send(StockSubscription(action: .subscribe, skus: ["A-1"]))
        }
        for try await level in levels.messages {
            #expect(level.sku == "A-1")
            break
        }
        await levels.close()
        let handshakes = servers.map { $0.webSockets.allHandshakes.count }
        #expect(handshakes.reduce(0, +) == 1, "one connection, to one of the instances: \(handshakes)")
    }

    @Test("the Payments spec's own discovery: its SRV name, through the name server PAYMENTS_DNS_SERVER names")
    func specDiscovery() async throws {
        let servers = try await Self.servers()
        defer { servers.forEach { $0.stop() } }
        let name = "_http._tcp.payments.default.svc.cluster.local"
        let dns = try await DNSServer.start(
            servers.enumerated().flatMap { index, server in
                [
                    DNSServer.Record.service(name: name, target: "pod\(index).payments.test", port: server.port),
                    .address(name: "pod\(index).payments.test", address: server.host),
                ]
            })
        defer { dns.stop() }
        let payments = try PaymentsClient.fromEnvironment(
            ["PAYMENTS_DNS_SERVER": dns.address, "PAYMENTS_TOKEN": "token"], transport: AsyncHTTPClientTransport())
        defer { payments.shutdown() }
        for _ in 0..<30 {
            #expect(try await payments.listPayments(options: RequestOptions(cache: .off)).data.count == 2)
        }
        let counts = servers.map { server in server.requests.filter { $0.target.hasPrefix("/v1/payments") }.count }
        #expect(counts.reduce(0, +) == 30)
        #expect(counts.allSatisfy { $0 > 0 }, "p2c spreads calls over every instance: \(counts)")
        let calls = servers.flatMap { $0.requests.filter { $0.target.hasPrefix("/v1/payments") } }
        #expect(calls.allSatisfy { $0.headers["authorization"] == "Bearer token" })
        // The spec's health check, GET /v1/health, went to every instance, without credentials.
        let checks = servers.map { $0.requests.filter { $0.target == "/v1/health" } }
        #expect(checks.allSatisfy { !$0.isEmpty && $0.allSatisfy { $0.headers["authorization"] == nil } })

        let direct = try PaymentsClient.fromEnvironment(
            ["PAYMENTS_BASE_URL": servers[0].baseURL, "PAYMENTS_TOKEN": "token"], transport: AsyncHTTPClientTransport())
        #expect(direct.configuration.discovery == nil, "a base URL alone turns the spec's discovery off")
        #expect(direct.instanceHealth() == nil)
    }

    @Test("without a DNS answer the call fails saying why; after shutdown calls are refused")
    func unavailable() async throws {
        let dns = try await DNSServer.start([])
        defer { dns.stop() }
        let client = try Self.client(.dnsSRV("_http._tcp.nowhere.test"), nameServer: dns, maxAttempts: 1)
        let error = await failure { () async throws(UsersError) in try await client.health() }
        #expect("\(String(describing: error))".contains("_http._tcp.nowhere.test"))
        client.shutdown()
        let refused = await failure { () async throws(UsersError) in try await client.health() }
        #expect("\(String(describing: refused))".contains("shut down"))
    }
}
