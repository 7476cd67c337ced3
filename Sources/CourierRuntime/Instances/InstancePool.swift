import Foundation
import HTTPTypes

/// The instances of one client's service, kept current by its resolver, with what balancing and
/// outlier detection know about each: calls in flight, failures in a row, ejections.
///
/// Look-ups start with the first call (or ``start()``) and run in one background task until the
/// pool is stopped or released.
final class InstancePool: @unchecked Sendable {
    // Safe: every stored `var` is read and written only while `lock` is held; events and
    // continuations are handed out after it is released.
    private let lock = NSLock()
    let discovery: Discovery
    let service: String
    let clock: any ResilienceClock
    private let random: any RandomSource
    private let deadlines: Deadlines
    private let observer: CallObserver
    /// Sends the active health checks.
    private let transport: any HTTPTransport
    /// The header fields health checks carry (the configuration's, such as `User-Agent`).
    private let headerFields: HTTPFields
    /// The server URL's path, before a health check's as before a call's.
    private let pathPrefix: String

    /// The members and what balancing and outlier detection know of them.
    private var rotation: Rotation
    private var lastError: String?
    /// Whether a look-up has failed while no instances were known.
    private var hasFailedOnce = false
    private var state: RunState = .idle
    private var healthTask: Task<Void, Never>?
    private var waiters: [UInt64: CheckedContinuation<Void, any Error>] = [:]
    private var subscribers: [UInt64: AsyncStream<InstanceEvent>.Continuation] = [:]
    private var nextID: UInt64 = 0

    private enum RunState {
        case idle
        case running(Task<Void, Never>)
        case stopped
    }

    /// What requests need of an instance, made once per look-up and shared by every pick of it.
    final class Target: Sendable {
        let instance: ServiceInstance
        /// `scheme://authority`: the instance's identity across look-ups.
        let key: String
        /// `host:port`.
        let authority: String
        /// A request's `:scheme` and `:authority` fields for the instance, validated once.
        let schemeField: HTTPField?
        let authorityField: HTTPField?

        init(_ instance: ServiceInstance) {
            self.instance = instance
            self.key = instance.description
            self.authority = instance.authority
            // HTTPTypes makes pseudo-header fields only through a request.
            let fields = HTTPRequest(method: .get, scheme: instance.scheme, authority: authority, path: nil)
                .pseudoHeaderFields
            self.schemeField = fields.scheme
            self.authorityField = fields.authority
        }
    }

    private struct Member {
        var target: Target
        var instance: ServiceInstance { target.instance }
        var key: String { target.key }
        var outstanding = 0
        var consecutiveFailures = 0
        var ejectedUntil: Duration?
        var ejections = 0
        /// When the last ejection ended; the ejection count decays by one per `ejectFor` after it.
        var returnedAt: Duration = .zero
        /// Smooth weighted round robin's running weight.
        var currentWeight = 0
        /// Whether its active health checks fail.
        var unhealthy = false
        var checkFailures = 0
        var checkPasses = 0

        /// Whether it takes calls outside a panic.
        var inRotation: Bool { ejectedUntil == nil && !unhealthy }

        init(_ instance: ServiceInstance) {
            self.target = Target(instance)
        }
    }

    private struct Tier {
        var priority: Int
        var indexes: [Int] = []
        /// `cumulative[i]` is the sum of the weights of `indexes[0...i]`, each at least 1.
        var cumulative: [Int] = []
        /// Whether every member has the same weight, so that a draw needs no search.
        var uniform = true
        var total: Int { cumulative.last ?? 0 }
    }

    /// The instance chosen for an attempt, to hand back to ``finish(_:failed:)``.
    struct Pick: Sendable {
        /// The instance and what requests need of it.
        let target: Target
        fileprivate let index: Int
        fileprivate let generation: UInt64

        var instance: ServiceInstance { target.instance }
        /// The instance's `scheme://authority`.
        var key: String { target.key }
    }

    init(
        discovery: Discovery, service: String, clock: any ResilienceClock, random: any RandomSource,
        deadlines: Deadlines, observer: CallObserver, transport: any HTTPTransport, headerFields: HTTPFields = [:],
        pathPrefix: String = ""
    ) {
        self.pathPrefix = pathPrefix
        self.discovery = discovery
        self.service = service
        self.clock = clock
        self.random = random
        self.deadlines = deadlines
        self.observer = observer
        self.transport = transport
        self.headerFields = headerFields
        self.rotation = Rotation(
            loadBalancing: discovery.loadBalancing, outlierDetection: discovery.outlierDetection, random: random)
    }

    deinit {
        if case .running(let task) = state { task.cancel() }
        healthTask?.cancel()
    }

    // MARK: - Choosing

    /// An instance for an attempt when the pool has one to give now (see
    /// ``pick(avoiding:timeout:)``); `nil` when it must wait for its first instances.
    func pickNow(avoiding tried: CallRouting?) throws -> Pick? {
        switch choose(avoiding: tried?.tried ?? []) {
        case .chosen(let pick): return pick
        case .unavailable(let reason): throw TransportError(.connectionFailed, detail: reason)
        case .waitForInstances: return nil
        }
    }

    /// An instance for an attempt that has not been to any of `tried` (when another is available),
    /// waiting up to `timeout` for the first look-up. Throws ``TransportError`` (connection failed)
    /// when no instance can take the call.
    func pick(avoiding tried: CallRouting?, timeout: Duration) async throws -> Pick {
        while true {
            switch choose(avoiding: tried?.tried ?? []) {
            case .chosen(let pick): return pick
            case .unavailable(let reason): throw TransportError(.connectionFailed, detail: reason)
            case .waitForInstances: try await waitForInstances(timeout: timeout)
            }
        }
    }

    private enum Choice {
        case chosen(Pick)
        case unavailable(String)
        case waitForInstances
    }

    private func choose(avoiding tried: [String]) -> Choice {
        var events: [InstanceEvent] = []
        let choice: Choice = lock.withLock {
            switch state {
            case .stopped: return .unavailable("the \(service) client has shut down")
            case .idle: startLocked()
            case .running: break
            }
            if rotation.members.isEmpty {
                // A look-up has failed and left nothing to call: fail now rather than wait.
                if hasFailedOnce, let lastError {
                    return .unavailable("no instances of \(service) (\(discovery.resolver)): \(lastError)")
                }
                return .waitForInstances
            }
            guard let pick = rotation.choose(avoiding: tried, clock: clock, events: &events) else {
                return .unavailable("every instance of \(service) is ejected")
            }
            return .chosen(pick)
        }
        publish(events)
        return choice
    }

    // MARK: - Outcomes

    /// Records how an attempt to `pick` ended: `failed` by the circuit breaker's rules, or `nil`
    /// when it says nothing about the instance (cancelled, refused before sending).
    func finish(_ pick: Pick, failed: Bool?) {
        let ejected: InstanceEvent? = lock.withLock { rotation.finish(pick, failed: failed, clock: clock) }
        if let ejected { publish([ejected]) }
    }

    /// Whether some instance is serving with no failure since its last success: the service's
    /// circuit breaker counts a failed attempt only when none is, so that one bad instance is
    /// left to outlier detection while a service failing everywhere still opens the circuit.
    var hasHealthyInstance: Bool {
        let (healthy, events): (Bool, [InstanceEvent]) = lock.withLock {
            let events = rotation.nextReturn == nil ? [] : rotation.returnExpired(now: clock.now())
            return (rotation.members.contains { $0.inRotation && $0.consecutiveFailures == 0 }, events)
        }
        publish(events)
        return healthy
    }

    // MARK: - Health

    /// Every instance's state now.
    func health() -> ServiceHealth {
        let now = clock.now()
        let (health, events): (ServiceHealth, [InstanceEvent]) = lock.withLock {
            let events = rotation.returnExpired(now: now)
            let instances = rotation.members.map { member in
                InstanceHealth(
                    instance: member.instance,
                    state: member.ejectedUntil.map { .ejected(remaining: $0 - now) }
                        ?? (member.unhealthy ? .unhealthy : .serving),
                    outstanding: member.outstanding, consecutiveFailures: member.consecutiveFailures,
                    ejections: member.ejections)
            }
            return (
                ServiceHealth(instances: instances, lastResolutionError: lastError, panicking: rotation.isPanicking),
                events
            )
        }
        publish(events)
        return health
    }

    /// Changes from now on, to each subscriber, until the pool stops or the subscriber goes.
    func changes() -> AsyncStream<InstanceEvent> {
        let (stream, continuation) = AsyncStream.makeStream(
            of: InstanceEvent.self, bufferingPolicy: .bufferingNewest(256))
        let id: UInt64? = lock.withLock {
            if case .stopped = state { return nil }
            nextID += 1
            subscribers[nextID] = continuation
            return nextID
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            _ = self?.lock.withLock { self?.subscribers.removeValue(forKey: id) }
        }
        return stream
    }

    private func publish(_ events: [InstanceEvent]) {
        guard !events.isEmpty else { return }
        let current = lock.withLock { Array(subscribers.values) }
        for event in events {
            observer.instanceChanged(event, service: service)
            for subscriber in current { subscriber.yield(event) }
        }
    }

    // MARK: - Look-ups

    /// Starts looking instances up, if not started.
    func start() {
        lock.withLock {
            if case .idle = state { startLocked() }
        }
    }

    /// Stops looking up and fails the calls waiting for instances; later calls are refused.
    func stop() {
        let (task, waiting, listening):
            (Task<Void, Never>?, [CheckedContinuation<Void, any Error>], [AsyncStream<InstanceEvent>.Continuation]) =
                lock.withLock {
                    let task: Task<Void, Never>?
                    if case .running(let running) = state { task = running } else { task = nil }
                    state = .stopped
                    healthTask?.cancel()
                    healthTask = nil
                    defer {
                        waiters = [:]
                        subscribers = [:]
                    }
                    return (task, Array(waiters.values), Array(subscribers.values))
                }
        task?.cancel()
        let failure = TransportError(.connectionFailed, detail: "the \(service) client has shut down")
        for waiter in waiting { waiter.resume(throwing: failure) }
        for subscriber in listening { subscriber.finish() }
    }

    /// Starts the look-up task; call with `lock` held and `state` idle.
    private func startLocked() {
        // Detached: the look-ups outlive the call that started them and must not keep its
        // task-locals. The tasks hold the pool weakly, and not while they sleep, so releasing the
        // client ends them.
        let clock = self.clock
        let task = Task.detached { [weak self] in
            var failures = 0
            while !Task.isCancelled {
                guard let delay = await self?.lookUp(failures: &failures) else { return }
                do {
                    try await clock.sleep(for: delay)
                } catch {
                    return
                }
            }
        }
        state = .running(task)
    }

    /// Starts the health checks, once the first look-up has found instances; call with `lock` held.
    private func startHealthChecksLocked() {
        guard healthTask == nil, case .running = state, let policy = discovery.healthCheck else { return }
        let clock = self.clock
        healthTask = Task.detached { [weak self] in
            while !Task.isCancelled {
                guard await self?.checkHealth(policy) != nil else { return }
                do {
                    try await clock.sleep(for: policy.interval)
                } catch {
                    return
                }
            }
        }
    }

    // MARK: - Active health checks

    /// Checks every instance once, at the same time, and records the results.
    private func checkHealth(_ policy: HealthCheckPolicy) async {
        let targets = lock.withLock { rotation.members.map { ($0.key, $0.instance) } }
        await withTaskGroup(of: (String, Bool).self) { group in
            for (key, instance) in targets {
                group.addTask { (key, await self.check(instance, policy)) }
            }
            for await (key, passed) in group {
                record(check: passed, of: key, policy)
            }
        }
    }

    /// Whether `instance` answers the health check with a 2xx status within the timeout.
    private func check(_ instance: ServiceInstance, _ policy: HealthCheckPolicy) async -> Bool {
        let head = HTTPRequest(
            method: .get, scheme: instance.scheme, authority: instance.authority, path: pathPrefix + policy.path,
            headerFields: headerFields)
        let request = TransportRequest(head: head, timeout: policy.timeout, maxResponseBodySize: 64 << 10)
        let (transport, clock) = (self.transport, self.clock)
        return await withTaskGroup(of: Bool?.self) { group in
            group.addTask {
                let response = try? await transport.send(request)
                return response.map { $0.head.status.kind == .successful } ?? false
            }
            group.addTask {
                // The transport may not bound the check itself; this does.
                try? await clock.sleep(for: policy.timeout)
                return Task.isCancelled ? nil : false
            }
            var passed = false
            for await result in group {
                guard let result else { continue }
                passed = result
                break
            }
            group.cancelAll()
            return passed
        }
    }

    /// Health check results recorded so far, for tests that wait for a round to finish.
    var checksRecorded: Int { lock.withLock { recordedChecks } }
    private var recordedChecks = 0

    private func record(check passed: Bool, of key: String, _ policy: HealthCheckPolicy) {
        let events: [InstanceEvent] = lock.withLock {
            recordedChecks += 1
            guard let index = rotation.indexByKey[key] else { return [] }
            if passed {
                rotation.members[index].checkFailures = 0
                rotation.members[index].checkPasses += 1
                guard rotation.members[index].unhealthy, rotation.members[index].checkPasses >= policy.healthyAfter
                else { return [] }
                rotation.members[index].unhealthy = false
                rotation.recountOut()
                return [.healthy(rotation.members[index].instance)]
            }
            rotation.members[index].checkPasses = 0
            rotation.members[index].checkFailures += 1
            guard !rotation.members[index].unhealthy, rotation.members[index].checkFailures >= policy.unhealthyAfter
            else { return [] }
            rotation.members[index].unhealthy = true
            rotation.recountOut()
            return [.unhealthy(rotation.members[index].instance)]
        }
        publish(events)
    }

    /// Looks the instances up once and returns how long to wait before the next look-up, or
    /// `nil` when there is nothing more to look up.
    private func lookUp(failures: inout Int) async -> Duration? {
        let resolver = discovery.resolver
        do {
            let resolution = try await resolver.resolve()
            guard !resolution.instances.isEmpty else {
                throw DNSResolutionError(name: String(describing: resolver), kind: .noRecords)
            }
            failures = 0
            update(resolution.instances)
            if resolver is StaticInstanceResolver { return nil }
            return min(resolution.timeToLive ?? discovery.refresh, discovery.refresh)
        } catch {
            if Task.isCancelled { return nil }
            failures += 1
            failed(error)
            let backoff = Duration.seconds(1) * (1 << min(failures - 1, 10))
            return min(backoff, discovery.refresh) * (0.5 + 0.5 * random.nextUnit())
        }
    }

    /// Replaces the instances, as a look-up that found `instances` would.
    func replace(_ instances: [ServiceInstance]) {
        update(instances)
    }

    private func update(_ instances: [ServiceInstance]) {
        var seen: Set<String> = []
        let unique = instances.filter { seen.insert($0.description).inserted }
        let (events, waiting): ([InstanceEvent], [CheckedContinuation<Void, any Error>]) = lock.withLock {
            var events: [InstanceEvent] = []
            var next: [Member] = []
            for instance in unique {
                let known = rotation.indexByKey[instance.description]
                var member = known.map { rotation.members[$0] } ?? Member(instance)
                if known == nil { events.append(.added(instance)) }
                if member.instance != instance { member.target = Target(instance) }
                next.append(member)
            }
            for member in rotation.members where !seen.contains(member.key) {
                events.append(.removed(member.instance))
            }
            rotation.members = next
            rotation.indexByKey = Dictionary(uniqueKeysWithValues: next.indices.map { (next[$0].key, $0) })
            rotation.ejectedCount = next.filter { $0.ejectedUntil != nil }.count
            rotation.recountOut()
            rotation.nextReturn = next.compactMap(\.ejectedUntil).min()
            rotation.tiers = Self.tiers(of: next)
            rotation.generation += 1
            lastError = nil
            startHealthChecksLocked()
            let waiting = Array(waiters.values)
            waiters = [:]
            return (events, waiting)
        }
        for waiter in waiting { waiter.resume() }
        publish(events)
    }

    private func failed(_ error: any Error) {
        let description = String(describing: error)
        let waiting: [CheckedContinuation<Void, any Error>] = lock.withLock {
            lastError = description
            hasFailedOnce = true
            guard rotation.members.isEmpty else { return [] }
            defer { waiters = [:] }
            return Array(waiters.values)
        }
        let failure = TransportError(
            .connectionFailed, detail: "no instances of \(service) (\(discovery.resolver)): \(description)")
        for waiter in waiting { waiter.resume(throwing: failure) }
        publish([.resolutionFailed(description)])
    }

    private static func tiers(of members: [Member]) -> [Tier] {
        var byPriority: [Int: Tier] = [:]
        for (index, member) in members.enumerated() {
            let priority = member.instance.priority
            var tier = byPriority[priority] ?? Tier(priority: priority)
            let weight = max(1, member.instance.weight)
            if let previous = tier.indexes.last, max(1, members[previous].instance.weight) != weight {
                tier.uniform = false
            }
            tier.indexes.append(index)
            tier.cumulative.append(tier.total + weight)
            byPriority[priority] = tier
        }
        return byPriority.values.sorted { $0.priority < $1.priority }
    }

    /// Waits for the first look-up to find instances, up to `timeout`.
    private func waitForInstances(timeout: Duration) async throws {
        let id = lock.withLock {
            nextID += 1
            return nextID
        }
        let timer = deadlines.schedule(at: clock.now() + timeout) { [weak self] in
            self?.resumeWaiter(
                id,
                throwing: TransportError(
                    .timedOut, detail: "no instances of \(self?.service ?? "the service") found within \(timeout)"))
        }
        defer { deadlines.cancel(timer) }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Bool = lock.withLock {
                    if !rotation.members.isEmpty || hasFailedOnce { return true }
                    if case .stopped = state { return true }
                    waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            resumeWaiter(id, throwing: CancellationError())
        }
        // The look-up task resumed this one after releasing the lock; taking it shows the thread
        // sanitizer the hand-over.
        lock.withLock {}
    }

    private func resumeWaiter(_ id: UInt64, throwing error: any Error) {
        let waiter = lock.withLock { waiters.removeValue(forKey: id) }
        waiter?.resume(throwing: error)
    }
}

extension InstancePool {
    /// The members and what balancing and outlier detection know of each: what a choice and the
    /// end of an attempt change, kept in one value so that each changes it in one access while
    /// the pool's lock is held.
    private struct Rotation {
        let loadBalancing: LoadBalancingPolicy
        let outlierDetection: OutlierDetectionPolicy?
        let random: any RandomSource
        var members: [Member] = []
        var indexByKey: [String: Int] = [:]
        /// The members' indexes by priority, lowest first, with their cumulative weights for drawing.
        var tiers: [Tier] = []
        /// Changes whenever `members` is replaced, so that a finished attempt finds its member again.
        var generation: UInt64 = 0
        var ejectedCount = 0
        /// Members out of rotation: ejected, failing their health checks, or both.
        var outCount = 0
        /// The earliest end of an ejection, when one is in force.
        var nextReturn: Duration?
        /// The draws of balancing, when the source is the system's: a SplitMix64 generator seeded
        /// from it once, since the system generator costs a system call per draw on Linux. `nil`
        /// uses `random` itself, as tests that inject a seeded source need.
        var generator: UInt64?

        init(loadBalancing: LoadBalancingPolicy, outlierDetection: OutlierDetectionPolicy?, random: any RandomSource) {
            self.loadBalancing = loadBalancing
            self.outlierDetection = outlierDetection
            self.random = random
            if random is SystemRandom { generator = UInt64.random(in: .min ... .max) }
        }

        /// Whether more instances are out of rotation than the panic threshold allows.
        var isPanicking: Bool {
            outCount > 0 && Double(outCount) > loadBalancing.panicThreshold * Double(members.count)
        }

        /// Counts the members out of rotation again, after a change.
        mutating func recountOut() {
            outCount = members.reduce(0) { $0 + ($1.inRotation ? 0 : 1) }
        }

        /// The member for the next attempt, counted as in flight, with the ejections that ended
        /// added to `events`; `nil` when every member is ejected. `members` is not empty.
        mutating func choose(avoiding tried: [String], clock: any ResilienceClock, events: inout [InstanceEvent])
            -> Pick?
        {
            // The clock is read only while an ejection may have ended.
            if nextReturn != nil { events = returnExpired(now: clock.now()) }
            let panicking = isPanicking
            guard
                let index = chooseIndex(ignoringEjections: panicking, avoiding: tried)
                    ?? (tried.isEmpty ? nil : chooseIndex(ignoringEjections: panicking, avoiding: []))
            else { return nil }
            members[index].outstanding += 1
            return Pick(target: members[index].target, index: index, generation: generation)
        }

        /// The member for the next attempt, from the lowest priority with one that can take it.
        private mutating func chooseIndex(ignoringEjections: Bool, avoiding tried: [String]) -> Int? {
            for tier in tiers.indices {
                let chosen: Int?
                switch loadBalancing.strategy {
                case .p2c: chosen = powerOfTwoChoices(in: tier, ignoringEjections, tried)
                case .roundRobin: chosen = roundRobin(in: tier, ignoringEjections, tried)
                case .pickFirst:
                    chosen = tiers[tier].indexes.first { eligible($0, ignoringEjections, tried) }
                }
                if let chosen { return chosen }
            }
            return nil
        }

        private func eligible(_ index: Int, _ ignoringEjections: Bool, _ tried: [String]) -> Bool {
            (ignoringEjections || members[index].inRotation) && (tried.isEmpty || !tried.contains(members[index].key))
        }

        /// Two members drawn by weight; the one with fewer attempts in flight. Draws that land on
        /// a member that cannot take the call are tried again a few times before a scan.
        private mutating func powerOfTwoChoices(in tier: Int, _ ignoringEjections: Bool, _ tried: [String]) -> Int? {
            let indexes = tiers[tier].indexes
            if indexes.count == 1 { return eligible(indexes[0], ignoringEjections, tried) ? indexes[0] : nil }
            var first: Int?
            for _ in 0..<4 {
                let drawn = draw(from: tier)
                if eligible(drawn, ignoringEjections, tried) {
                    first = drawn
                    break
                }
            }
            guard let first else {
                // Most of the tier cannot take the call: choose among those that can.
                let candidates = indexes.filter { eligible($0, ignoringEjections, tried) }
                guard !candidates.isEmpty else { return nil }
                let a = candidates[Int(draw() * Double(candidates.count)) % candidates.count]
                let b = candidates[Int(draw() * Double(candidates.count)) % candidates.count]
                return members[b].outstanding < members[a].outstanding ? b : a
            }
            var second: Int?
            for _ in 0..<4 {
                let drawn = draw(from: tier)
                if drawn != first, eligible(drawn, ignoringEjections, tried) {
                    second = drawn
                    break
                }
            }
            if second == nil {
                // The draws kept landing on the first (a heavy weight) or on members that cannot
                // take the call: the second is any other that can.
                let others = indexes.filter { $0 != first && eligible($0, ignoringEjections, tried) }
                if !others.isEmpty { second = others[Int(draw() * Double(others.count)) % others.count] }
            }
            guard let second else { return first }
            return members[second].outstanding < members[first].outstanding ? second : first
        }

        /// A value in `0..<1` for a balancing draw.
        private mutating func draw() -> Double {
            guard var state = generator else { return random.nextUnit() }
            state &+= 0x9E37_79B9_7F4A_7C15
            generator = state
            var mixed = state
            mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
            mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
            return Double((mixed ^ (mixed >> 31)) >> 11) / Double(UInt64(1) << 53)
        }

        /// A member of the tier drawn at random in proportion to its weight: by position when the
        /// weights are equal, by a search of the cumulative weights otherwise.
        private mutating func draw(from tier: Int) -> Int {
            let unit = draw()
            let indexes = tiers[tier].indexes
            guard !tiers[tier].uniform else {
                return indexes[min(Int(unit * Double(indexes.count)), indexes.count - 1)]
            }
            let cumulative = tiers[tier].cumulative
            let target = Int(unit * Double(tiers[tier].total))
            var low = 0
            var high = cumulative.count - 1
            while low < high {
                let middle = (low + high) / 2
                if cumulative[middle] > target { high = middle } else { low = middle + 1 }
            }
            return indexes[low]
        }

        /// Smooth weighted round robin: every eligible member gains its weight, the one with the
        /// most is chosen and pays back the total.
        private mutating func roundRobin(in tier: Int, _ ignoringEjections: Bool, _ tried: [String]) -> Int? {
            var best: Int?
            var total = 0
            for index in tiers[tier].indexes where eligible(index, ignoringEjections, tried) {
                let weight = max(1, members[index].instance.weight)
                members[index].currentWeight += weight
                total += weight
                if best.map({ members[index].currentWeight > members[$0].currentWeight }) ?? true { best = index }
            }
            if let best { members[best].currentWeight -= total }
            return best
        }

        /// Records how an attempt to `pick` ended (see ``InstancePool/finish(_:failed:)``); the
        /// ejection it caused, if any.
        mutating func finish(_ pick: Pick, failed: Bool?, clock: any ResilienceClock) -> InstanceEvent? {
            guard let index = currentIndex(of: pick) else { return nil }
            members[index].outstanding = max(0, members[index].outstanding - 1)
            guard let failed else { return nil }
            if !failed {
                members[index].consecutiveFailures = 0
                // The clock is read only when past ejections may decay.
                if members[index].ejections > 0 { decay(index, now: clock.now()) }
                return nil
            }
            members[index].consecutiveFailures += 1
            guard let policy = outlierDetection, members[index].ejectedUntil == nil,
                members[index].consecutiveFailures >= policy.consecutiveFailures,
                Double(ejectedCount + 1) <= policy.maxEjected * Double(members.count)
            else { return nil }
            let now = clock.now()
            decay(index, now: now)
            members[index].ejections += 1
            let length = min(policy.ejectFor * members[index].ejections, policy.maxEjectFor)
            members[index].ejectedUntil = now + length
            ejectedCount += 1
            recountOut()
            nextReturn = min(nextReturn ?? now + length, now + length)
            return .ejected(members[index].instance, for: length)
        }

        func currentIndex(of pick: Pick) -> Int? {
            if pick.generation == generation { return pick.index }
            return indexByKey[pick.key]
        }

        /// One fewer past ejection for each `ejectFor` the member has served since its last one.
        mutating func decay(_ index: Int, now: Duration) {
            guard let policy = outlierDetection, members[index].ejections > 0, members[index].ejectedUntil == nil
            else { return }
            while members[index].ejections > 0, now - members[index].returnedAt >= policy.ejectFor {
                members[index].ejections -= 1
                members[index].returnedAt += policy.ejectFor
            }
        }

        /// Returns the members whose ejection has ended.
        mutating func returnExpired(now: Duration) -> [InstanceEvent] {
            guard let due = nextReturn, now >= due else { return [] }
            var events: [InstanceEvent] = []
            var next: Duration?
            for index in members.indices {
                guard let until = members[index].ejectedUntil else { continue }
                if until <= now {
                    members[index].ejectedUntil = nil
                    members[index].consecutiveFailures = 0
                    members[index].returnedAt = now
                    ejectedCount -= 1
                    events.append(.returned(members[index].instance))
                } else {
                    next = min(next ?? until, until)
                }
            }
            nextReturn = next
            if !events.isEmpty { recountOut() }
            return events
        }
    }
}

/// Where the attempts of one call have been, so that a retry goes elsewhere; shared by the copies
/// of the call's ``PipelineRequest``.
final class CallRouting: @unchecked Sendable {
    // Safe: `first` and `later` are read and written only while `lock` is held.
    let pool: InstancePool
    private let lock = NSLock()
    /// The first attempt's instance, kept apart so that a call that is not retried allocates no list.
    private var first: String?
    private var later: [String] = []

    init(pool: InstancePool) {
        self.pool = pool
    }

    /// The instances tried so far, as their picks' keys.
    var tried: [String] {
        lock.withLock { first.map { [$0] + later } ?? [] }
    }

    /// Notes that an attempt went to `pick`'s instance. The last eight are kept: enough for any
    /// call's attempts, and bounded for a stream that reconnects for days.
    func record(_ pick: InstancePool.Pick) {
        record(key: pick.key)
    }

    /// Notes that an attempt went to the instance whose pick had `key`.
    func record(key: String) {
        lock.withLock {
            guard first != nil else {
                first = key
                return
            }
            if later.count == 7 { first = later.removeFirst() }
            later.append(key)
        }
    }
}
