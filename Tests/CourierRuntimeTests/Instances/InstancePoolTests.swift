import CourierRuntimeTesting
import Foundation
import HTTPTypes
import MetricsTestKit
import Testing

@_spi(Generated) @testable import CourierRuntime

/// A resolver that answers from a script: each look-up takes the next answer (the last repeats).
private final class ScriptedResolver: InstanceResolver {
    enum Answer: Sendable {
        case instances([ServiceInstance], ttl: Duration?)
        case failure(String)
    }

    private let answers: Locked<[Answer]>
    let lookUps = Locked(0)

    init(_ answers: [Answer]) {
        self.answers = Locked(answers)
    }

    func resolve() async throws -> InstanceResolution {
        lookUps.withLock { $0 += 1 }
        let answer = answers.withLock { $0.count > 1 ? $0.removeFirst() : $0[0] }
        switch answer {
        case .instances(let instances, let ttl): return InstanceResolution(instances: instances, timeToLive: ttl)
        case .failure(let reason): throw TransportError(.connectionFailed, detail: reason)
        }
    }

    var description: String { "scripted" }
}

/// A transport that answers by the instance a request goes to, and records where each went.
private final class InstanceTransport: HTTPTransport {
    let answers: @Sendable (String) async throws -> Int
    let authorities = Locked<[String]>([])

    init(_ answers: @escaping @Sendable (String) async throws -> Int) {
        self.answers = answers
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        let authority = request.head.authority ?? ""
        authorities.withLock { $0.append(authority) }
        let status = try await answers(authority)
        return TransportResponse(head: HTTPResponse(status: .init(code: status)))
    }
}

private func instance(_ last: Int, weight: Int = 1, priority: Int = 0) -> ServiceInstance {
    ServiceInstance(host: "10.0.0.\(last)", port: 8080, weight: weight, priority: priority)
}

@Suite("Instances: balancing, outlier ejection, look-ups", .timeLimit(.minutes(3)))
struct InstancePoolTests {
    let clock = ManualClock()

    private func pool(
        _ discovery: Discovery, seed: UInt64 = 7,
        transport: any HTTPTransport = FailingTransport(error: TransportError(.connectionFailed, detail: "unused"))
    ) -> InstancePool {
        let state = ResilienceState(clock: clock, random: SeededRandom(seed: seed))
        return InstancePool(
            discovery: discovery, service: "payments", clock: clock, random: state.random, deadlines: state.deadlines,
            observer: CallObserver(Observability(), secrets: noSecrets), transport: transport)
    }

    /// `count` picks, each finished at once with `failed`, by instance host.
    private func tally(_ pool: InstancePool, _ count: Int, failed: Bool? = false) async throws -> [String: Int] {
        var tally: [String: Int] = [:]
        for _ in 0..<count {
            let pick = try await pool.pick(avoiding: nil, timeout: .seconds(1))
            tally[pick.instance.host, default: 0] += 1
            pool.finish(pick, failed: failed)
        }
        return tally
    }

    @Test("p2c steers away from an instance with many calls in flight")
    func powerOfTwoChoices() async throws {
        let pool = pool(.instances([instance(1), instance(2), instance(3)]))
        var held: [InstancePool.Pick] = []
        // Hold calls open until 10.0.0.1 has several more in flight than the others ever get.
        while held.filter({ $0.instance.host == "10.0.0.1" }).count < 5 {
            held.append(try await pool.pick(avoiding: nil, timeout: .seconds(1)))
        }
        let busiest = held.filter { $0.instance.host == "10.0.0.1" }.count
        for pick in held where pick.instance.host != "10.0.0.1" { pool.finish(pick, failed: false) }
        let tally = try await tally(pool, 300)
        #expect(busiest == 5)
        #expect(tally["10.0.0.1"] == nil, "\(tally)")
        #expect((tally["10.0.0.2"] ?? 0) > 100 && (tally["10.0.0.3"] ?? 0) > 100, "\(tally)")
    }

    @Test("round robin follows SRV weights exactly; p2c in proportion")
    func weights() async throws {
        let weighted = [instance(1, weight: 10), instance(2, weight: 30)]
        let roundRobin = try await tally(
            pool(.instances(weighted, loadBalancing: LoadBalancingPolicy(.roundRobin))), 400)
        #expect(roundRobin == ["10.0.0.1": 100, "10.0.0.2": 300])
        // p2c draws by weight, then takes the less busy; with every call finished at once the
        // first draw wins ties, so the shares follow the weights.
        let p2c = try await tally(pool(.instances(weighted)), 4000)
        let share = Double(p2c["10.0.0.2"] ?? 0) / 4000
        #expect(share > 0.68 && share < 0.82, "\(p2c)")
    }

    @Test("pick-first sends everything to the first instance while it serves")
    func pickFirst() async throws {
        let pool = pool(
            .instances(
                [instance(1), instance(2)], loadBalancing: LoadBalancingPolicy(.pickFirst),
                outlierDetection: OutlierDetectionPolicy(consecutiveFailures: 2)))
        #expect(try await tally(pool, 20) == ["10.0.0.1": 20])
        _ = try await tally(pool, 2, failed: true)
        #expect(try await tally(pool, 20) == ["10.0.0.2": 20], "the first is ejected after two failures")
    }

    @Test("a higher SRV priority gets calls only when every instance of the lowest is ejected")
    func priorities() async throws {
        let pool = pool(
            .instances(
                [instance(1, priority: 10), instance(2, priority: 20)],
                loadBalancing: LoadBalancingPolicy(panicThreshold: 1),
                outlierDetection: OutlierDetectionPolicy(consecutiveFailures: 1, maxEjected: 1)))
        #expect(try await tally(pool, 50) == ["10.0.0.1": 50])
        _ = try await tally(pool, 1, failed: true)
        #expect(try await tally(pool, 50) == ["10.0.0.2": 50])
    }

    @Test("failures in a row eject an instance for ejectFor, longer each time, up to maxEjectFor")
    func ejection() async throws {
        let policy = OutlierDetectionPolicy(
            consecutiveFailures: 3, ejectFor: .seconds(10), maxEjectFor: .seconds(25), maxEjected: 0.5)
        let pool = pool(
            .instances(
                [instance(1), instance(2)], loadBalancing: LoadBalancingPolicy(.pickFirst), outlierDetection: policy))
        let events = pool.changes()
        _ = try await tally(pool, 1)
        func failOn1(_ times: Int) async throws {
            #expect(try await tally(pool, 2, failed: true) == ["10.0.0.1": 2])
            #expect(try await tally(pool, 1) == ["10.0.0.1": 1], "a success starts the count again")
            #expect(try await tally(pool, times, failed: true) == ["10.0.0.1": times])
        }
        try await failOn1(3)
        var health = pool.health()
        let ejected = try #require(health.instances.first { $0.instance.host == "10.0.0.1" })
        #expect(ejected.state == .ejected(remaining: .seconds(10)))
        #expect(try await tally(pool, 20) == ["10.0.0.2": 20])

        clock.advance(by: .seconds(10))
        #expect(pool.health().instances.allSatisfy { $0.state == .serving })
        try await failOn1(3)
        health = pool.health()
        #expect(health.instances.first { $0.instance.host == "10.0.0.1" }?.state == .ejected(remaining: .seconds(20)))
        clock.advance(by: .seconds(20))
        try await failOn1(3)
        #expect(
            pool.health().instances.first { $0.instance.host == "10.0.0.1" }?.state
                == .ejected(remaining: .seconds(25)),
            "the third ejection would last 30 s; maxEjectFor caps it")

        var seen: [InstanceEvent] = []
        for await event in events {
            seen.append(event)
            if seen.count == 6 { break }
        }
        #expect(
            seen == [
                .added(instance(1)), .added(instance(2)), .ejected(instance(1), for: .seconds(10)),
                .returned(instance(1)), .ejected(instance(1), for: .seconds(20)), .returned(instance(1)),
            ])
    }

    @Test("maxEjected keeps failing instances in rotation past its share; the panic threshold ignores ejections")
    func maxEjectedAndPanic() async throws {
        let four = [instance(1), instance(2), instance(3), instance(4)]
        let capped = pool(
            .instances(four, outlierDetection: OutlierDetectionPolicy(consecutiveFailures: 1, maxEjected: 0.5)))
        _ = try await tally(capped, 40, failed: true)
        #expect(capped.health().instances.filter { $0.state != .serving }.count == 2)
        #expect(!capped.health().panicking)

        let panicking = pool(
            .instances(
                four, loadBalancing: LoadBalancingPolicy(panicThreshold: 0.5),
                outlierDetection: OutlierDetectionPolicy(consecutiveFailures: 1, maxEjected: 0.75)))
        _ = try await tally(panicking, 40, failed: true)
        let health = panicking.health()
        #expect(health.instances.filter { $0.state != .serving }.count == 3)
        #expect(health.panicking)
        #expect(health.serving.count == 4, "past the threshold every instance takes calls")
        #expect(try await tally(panicking, 200, failed: nil).count == 4)
    }

    @Test("a retry goes to an instance the call has not tried")
    func retryElsewhere() async throws {
        let transport = InstanceTransport { authority in authority == "10.0.0.1:8080" ? 503 : 200 }
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "http://payments.internal", transport: transport,
                resilience: ResilienceOverrides(maxAttempts: 3),
                resilienceState: ResilienceState(clock: clock, random: SeededRandom(seed: 3)),
                discovery: .instances(
                    [instance(1), instance(2)], loadBalancing: LoadBalancingPolicy(.pickFirst))))
        let retried = Task { await call(runtime) }
        // Past the backoff before the retry.
        while transport.authorities.current.count < 2 {
            if clock.sleeperCount > 0 { clock.advance(by: .milliseconds(100)) }
            await Task.yield()
        }
        #expect(await retried.value == nil)
        #expect(transport.authorities.current == ["10.0.0.1:8080", "10.0.0.2:8080"])
    }

    @Test("an attempt after one sent to an instance passes the service's guards, not the instance's")
    func retryGuardsByService() async throws {
        let transport = InstanceTransport { authority in authority == "10.0.0.1:8080" ? 503 : 200 }
        let state = ResilienceState(clock: clock, random: SeededRandom(seed: 3))
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "http://payments.internal", transport: transport,
                resilience: ResilienceOverrides(
                    maxAttempts: 2, rateLimit: .use(RateLimitPolicy(requests: 2, per: .seconds(1000)))),
                resilienceState: state,
                discovery: .instances(
                    [instance(1), instance(2)], loadBalancing: LoadBalancingPolicy(.pickFirst))))
        // The clock is moved past each backoff until the call ends.
        #expect(try await drive(clock) { await call(runtime) }.get() == nil)
        #expect(transport.authorities.current == ["10.0.0.1:8080", "10.0.0.2:8080"])
        // Both attempts took a token of the service's bucket (2 per 1,000 s): none is left.
        let next = try await drive(clock) { await call(runtime) }.get()
        guard case .rateLimited(let host, _) = next else {
            Issue.record("the next call must find the service's bucket empty, not \(String(describing: next))")
            return
        }
        #expect(host == "payments.internal")
    }

    @Test("the service's circuit opens only when no instance is healthy")
    func breakerWithInstances() async throws {
        let everywhere = Locked(false)
        let transport = InstanceTransport { authority in
            everywhere.current || authority == "10.0.0.1:8080" ? 503 : 200
        }
        let state = ResilienceState(clock: clock, random: SeededRandom(seed: 5))
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "http://payments.internal", transport: transport,
                resilience: ResilienceOverrides(maxAttempts: 1),
                resilienceState: state,
                discovery: .instances(
                    [instance(1), instance(2), instance(3)],
                    outlierDetection: OutlierDetectionPolicy(consecutiveFailures: 100))))
        for _ in 0..<60 { _ = await call(runtime) }
        #expect(state.circuitState(for: "payments.internal") == .closed, "one bad instance of three")
        everywhere.withLock { $0 = true }
        for _ in 0..<60 { _ = await call(runtime) }
        #expect(state.circuitState(for: "payments.internal") != .closed, "every instance failing")
    }

    @Test("a running client's settings change: new calls go to the new instances, with the new attempts")
    func liveSettings() async throws {
        let transport = InstanceTransport { authority in authority == "10.0.0.3:8080" ? 503 : 200 }
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "http://payments.internal", transport: transport,
                resilience: ResilienceOverrides(maxAttempts: 1),
                resilienceState: ResilienceState(clock: clock, random: SeededRandom(seed: 3)),
                discovery: .instances([instance(1)])))
        #expect(runtime.settings.instances == [instance(1)])
        #expect(await call(runtime) == nil)
        runtime.update { settings in
            settings.instances = [instance(3)]
            settings.resilience.maxAttempts = 2
        }
        #expect(runtime.settings.instances == [instance(3)])
        #expect(runtime.settings.resilience.maxAttempts == 2)
        let retried = Task { await call(runtime) }
        // Past the backoff before the second attempt.
        while transport.authorities.current.count < 3 {
            if clock.sleeperCount > 0 { clock.advance(by: .milliseconds(100)) }
            await Task.yield()
        }
        _ = await retried.value
        #expect(transport.authorities.current == ["10.0.0.1:8080", "10.0.0.3:8080", "10.0.0.3:8080"])

        let plain = ServiceRuntime(configuration: ClientConfiguration(server: "http://payments.internal"))
        plain.update { $0.instances = [instance(2)] }
        #expect(plain.settings.instances == nil, "a client without a list of instances has none to replace")
    }

    @Test("attempts are counted by instance; ejections and health changes by instance and state")
    func metrics() async throws {
        let metrics = TestMetrics()
        let transport = InstanceTransport { authority in authority == "10.0.0.1:8080" ? 503 : 200 }
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: "http://payments.internal", transport: transport,
                resilience: ResilienceOverrides(maxAttempts: 1),
                resilienceState: ResilienceState(clock: clock, random: SeededRandom(seed: 3)),
                observability: Observability(metricsFactory: metrics),
                discovery: .instances(
                    [instance(1), instance(2)], loadBalancing: LoadBalancingPolicy(.roundRobin),
                    outlierDetection: OutlierDetectionPolicy(consecutiveFailures: 2))))
        for _ in 0..<4 { _ = await call(runtime) }
        func attempts(_ address: String, _ outcome: String) throws -> Int64 {
            try metrics.expectCounter(
                "courier_attempts_total",
                [
                    ("service", ""), ("endpoint", "ping"), ("server.address", address), ("server.port", "8080"),
                    ("outcome", outcome),
                ]
            ).totalValue
        }
        #expect(try attempts("10.0.0.1", "server_error") == 2, "\(metrics.counters.map { ($0.label, $0.dimensions) })")
        #expect(try attempts("10.0.0.2", "success") == 2)
        #expect(
            try metrics.expectCounter(
                "courier_instance_ejections_total",
                [("service", "payments.internal"), ("server.address", "10.0.0.1"), ("server.port", "8080")]
            ).totalValue == 1)
    }

    @Test("the first call waits for the first look-up; a failed look-up keeps the last good set, then backs off")
    func lookUps() async throws {
        let resolver = ScriptedResolver([
            .instances([instance(1)], ttl: .seconds(5)),
            .failure("name server down"),
            .failure("name server down"),
            .instances([instance(2)], ttl: .seconds(5)),
        ])
        let pool = pool(Discovery(resolver: resolver, refresh: .seconds(30)))
        #expect(try await tally(pool, 3) == ["10.0.0.1": 3])
        // The clock has other sleepers (the first call's timeout timer): wait for the look-up
        // task's own sleep, by its deadline, before moving time.
        func lookUpSleeps(within range: ClosedRange<Duration>) async {
            while !clock.sleeperDeadlines.contains(where: range.contains) { await Task.yield() }
        }
        await lookUpSleeps(within: .seconds(5)...(.seconds(5)))
        clock.advance(by: .seconds(5))
        while resolver.lookUps.current < 2 { await Task.yield() }
        // The first failure's backoff is half a second to a second (jittered), far below the TTL.
        await lookUpSleeps(within: .milliseconds(5_500)...(.seconds(6)))
        #expect(pool.health().lastResolutionError?.contains("name server down") == true)
        #expect(try await tally(pool, 3) == ["10.0.0.1": 3], "the last good set stays")
        clock.advance(by: .seconds(1))
        while resolver.lookUps.current < 3 { await Task.yield() }
        await lookUpSleeps(within: .seconds(7)...(.seconds(8)))
        clock.advance(by: .seconds(2))
        while resolver.lookUps.current < 4 { await Task.yield() }
        while pool.health().instances.map(\.instance) != [instance(2)] { await Task.yield() }
        #expect(try await tally(pool, 3) == ["10.0.0.2": 3])
        #expect(pool.health().lastResolutionError == nil)
        pool.stop()
    }

    @Test("with no instance found yet, calls fail with why; after shutdown they fail saying so")
    func unavailable() async throws {
        let pool = pool(Discovery(resolver: ScriptedResolver([.failure("NXDOMAIN")])))
        await #expect {
            _ = try await pool.pick(avoiding: nil, timeout: .seconds(5))
        } throws: { error in
            (error as? TransportError)?.kind == .connectionFailed && "\(error)".contains("NXDOMAIN")
        }
        pool.stop()
        await #expect {
            _ = try await pool.pick(avoiding: nil, timeout: .seconds(5))
        } throws: { error in
            "\(error)".contains("shut down")
        }
    }

    @Test("active health checks: an instance flaps unhealthy and healthy, and takes no calls while unhealthy")
    func healthChecks() async throws {
        let failing = Locked<Set<String>>([])
        let checks = InstanceTransport { authority in failing.current.contains(authority) ? 503 : 200 }
        let policy = HealthCheckPolicy(
            path: "/health", interval: .seconds(10), timeout: .seconds(1), unhealthyAfter: 2, healthyAfter: 2)
        let pool = pool(
            Discovery(resolver: StaticInstanceResolver([instance(1), instance(2)]), healthCheck: policy),
            transport: checks)
        let events = pool.changes()
        pool.start()
        /// Runs one round of checks: the clock moves past the interval and every instance is asked.
        func round() async {
            let recorded = pool.checksRecorded
            // The check loop sleeps an interval from now once the last round is recorded; other
            // sleepers (the timer of the last round's timeouts) may be on the clock too.
            let nextRound = clock.now() + .seconds(10)
            while !clock.sleeperDeadlines.contains(nextRound) { await Task.yield() }
            clock.advance(by: .seconds(10))
            while pool.checksRecorded < recorded + 2 { await Task.yield() }
        }
        // The first round runs at once; later ones after each interval.
        while pool.checksRecorded < 2 { await Task.yield() }
        failing.withLock { $0 = ["10.0.0.1:8080"] }
        await round()
        #expect(pool.health().instances.allSatisfy { $0.state == .serving }, "one failure is not enough")
        await round()
        #expect(pool.health().instances.first?.state == .unhealthy)
        #expect(try await tally(pool, 10) == ["10.0.0.2": 10])
        failing.withLock { $0 = [] }
        await round()
        #expect(pool.health().instances.first?.state == .unhealthy, "one pass is not enough")
        await round()
        #expect(pool.health().instances.allSatisfy { $0.state == .serving })
        #expect(checks.authorities.current.allSatisfy { ["10.0.0.1:8080", "10.0.0.2:8080"].contains($0) })

        var seen: [InstanceEvent] = []
        for await event in events {
            seen.append(event)
            if seen.count == 4 { break }
        }
        #expect(seen == [.added(instance(1)), .added(instance(2)), .unhealthy(instance(1)), .healthy(instance(1))])
        pool.stop()
    }

    @Test("releasing the pool ends its look-ups")
    func releaseEndsLookUps() async throws {
        let resolver = ScriptedResolver([.instances([instance(1)], ttl: .seconds(2))])
        var pool: InstancePool? = pool(Discovery(resolver: resolver))
        _ = try await pool?.pick(avoiding: nil, timeout: .seconds(1))
        // The look-up task sleeps until the TTL ends (the pick's timeout timer sleeps until 1 s).
        while !clock.sleeperDeadlines.contains(.seconds(2)) { await Task.yield() }
        weak let released = pool
        pool = nil
        #expect(released == nil, "no task holds the pool while it sleeps")
        let lookUps = resolver.lookUps.current
        clock.advance(by: .seconds(2))
        for _ in 0..<1_000 { await Task.yield() }
        #expect(clock.sleeperCount == 0, "the woken look-up task ended instead of sleeping again")
        clock.advance(by: .seconds(5))
        for _ in 0..<100 { await Task.yield() }
        #expect(resolver.lookUps.current == lookUps)
    }

    @Test("fromEnvironment reads instances, DNS names and the name server; the base URL alone turns discovery off")
    func environment() throws {
        struct Client: ServiceClient {
            static let service = ServiceDescription(
                name: "Pay", environmentPrefix: "PAY", defaultServer: "https://pay.example.com",
                discovery: .dnsSRV("_http._tcp.pay.example.com", scheme: "https", refresh: .seconds(10)))
            let runtime: ServiceRuntime
            init(configuration: ClientConfiguration) { runtime = ServiceRuntime(configuration: configuration) }
        }
        let spec = try Client.fromEnvironment(["PAY_DNS_SERVER": "127.0.0.1:5353"])
        let dns = try #require(spec.configuration.discovery?.resolver as? DNSInstanceResolver)
        #expect(dns.query == .service("_http._tcp.pay.example.com"))
        #expect(dns.nameServer == DNSNameServer("127.0.0.1:5353"))
        #expect(spec.configuration.discovery?.refresh == .seconds(10))

        let listed = try Client.fromEnvironment(["PAY_INSTANCES": "http://10.0.0.1:8080, https://[fd00::2]"])
        let instances = try #require(listed.configuration.discovery?.resolver as? StaticInstanceResolver)
        #expect(
            instances.instances == [
                ServiceInstance(host: "10.0.0.1", port: 8080),
                ServiceInstance(scheme: "https", host: "fd00::2", port: 443),
            ])
        #expect(instances.instances[1].authority == "[fd00::2]:443")

        let addresses = try Client.fromEnvironment(["PAY_DNS": "pay.internal:8443"])
        let byAddress = try #require(addresses.configuration.discovery?.resolver as? DNSInstanceResolver)
        #expect(byAddress.query == .addresses(host: "pay.internal", port: 8443))
        #expect(byAddress.scheme == "https")

        #expect(try Client.fromEnvironment(["PAY_BASE_URL": "http://127.0.0.1:9000"]).configuration.discovery == nil)

        for bad in [
            ["PAY_DNS": "pay.internal"], ["PAY_INSTANCES": "10.0.0.1:8080"], ["PAY_INSTANCES": " , "],
            ["PAY_DNS_SERVER": "localhost:53"], ["PAY_DNS": "a:1", "PAY_DNS_SRV": "b"],
        ] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try Client.fromEnvironment(bad) }
        }
    }
}
