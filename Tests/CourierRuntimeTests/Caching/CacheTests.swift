import CourierRuntimeTesting
import Foundation
import HTTPTypes
import Testing

@_spi(Generated) @testable import CourierRuntime

/// A policy that caches, with the given stale windows.
func caching(
    ttl: Duration = .zero, staleWhileRevalidate: Duration = .zero, staleIfError: Duration = .zero,
    breaker: CircuitBreakerPolicy = CircuitBreakerPolicy()
) -> ResiliencePolicy {
    ResiliencePolicy(
        circuitBreaker: breaker,
        cache: CachePolicy(ttl: ttl, staleWhileRevalidate: staleWhileRevalidate, staleIfError: staleIfError))
}

/// A response with `fields` and a body naming the request's index, so tests can tell responses apart.
func numbered(_ index: Int, status: Int = 200, _ fields: HTTPFields = [:]) -> TransportResponse {
    TransportResponse(
        head: HTTPResponse(status: .init(code: status), headerFields: fields), body: Data("response \(index)".utf8))
}

func text(_ response: TransportResponse) -> String { String(decoding: response.body, as: UTF8.self) }

/// Waits (without sleeping) until `condition` holds; records an issue if it never does.
func eventually(_ condition: () -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async {
    for _ in 0..<200_000 {
        if condition() { return }
        await Task.yield()
    }
    Issue.record("the condition never held", sourceLocation: sourceLocation)
}

@Suite("Response cache", .timeLimit(.minutes(3)))
struct ResponseCacheTests {
    let clock = ManualClock()
    var state: ResilienceState { ResilienceState(clock: clock, random: SeededRandom(seed: 3)) }

    @Test("no request while fresh; then one conditional request, and a 304 refreshes the entry")
    func freshThenRevalidate() async throws {
        let transport = ScriptedTransport(clock: clock) { index, request in
            if request.head.headerFields[.ifNoneMatch] == "\"v1\"" {
                return numbered(index, status: 304, [.cacheControl: "max-age=60"])
            }
            return numbered(index, [.cacheControl: "max-age=60", .eTag: "\"v1\""])
        }
        let run = pipeline(state, ["cache", "coalesce", "retry"], transport: transport)
        let first = try await run.run(request(policy: caching()))
        clock.advance(by: .seconds(59))
        let second = try await run.run(request(policy: caching()))
        #expect(transport.count == 1)
        #expect(text(second) == text(first))
        #expect(second.head.headerFields[.age] == "59")

        clock.advance(by: .seconds(2))
        let revalidated = try await run.run(request(policy: caching()))
        #expect(transport.count == 2)
        #expect(transport.requests[1].head.headerFields[.ifNoneMatch] == "\"v1\"")
        #expect(revalidated.head.status.code == 200)
        #expect(text(revalidated) == "response 0")

        clock.advance(by: .seconds(30))
        _ = try await run.run(request(policy: caching()))
        #expect(transport.count == 2, "the 304 made the entry fresh for another 60 s")
    }

    @Test("a changed resource replaces the entry on revalidation")
    func revalidationReplaces() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in
            numbered(index, [.cacheControl: "max-age=10", .eTag: "\"v\(index)\""])
        }
        let run = pipeline(state, ["cache"], transport: transport)
        _ = try await run.run(request(policy: caching()))
        clock.advance(by: .seconds(11))
        let changed = try await run.run(request(policy: caching()))
        let cached = try await run.run(request(policy: caching()))
        #expect(text(changed) == "response 1")
        #expect(text(cached) == "response 1")
        #expect(transport.count == 2)
    }

    @Test("the policy's ttl applies only when the server says nothing; Expires and Age count")
    func freshnessSources() async throws {
        let date = "Sun, 06 Nov 1994 08:49:37 GMT"
        let transport = ScriptedTransport(clock: clock) { index, request in
            switch request.head.path {
            case "/expires": numbered(index, [.date: date, .expires: "Sun, 06 Nov 1994 08:49:47 GMT"])
            case "/aged": numbered(index, [.cacheControl: "max-age=10", .age: "8"])
            default: numbered(index)
            }
        }
        let run = pipeline(state, ["cache"], transport: transport)
        for path in ["/ttl", "/expires", "/aged"] {
            _ = try await run.run(request(path: path, policy: caching(ttl: .seconds(5))))
        }
        clock.advance(by: .seconds(3))
        for path in ["/ttl", "/expires", "/aged"] {
            _ = try await run.run(request(path: path, policy: caching(ttl: .seconds(5))))
        }
        #expect(transport.count == 4, "only /aged (8 s old, 10 s life) went stale after 3 s")
        #expect(transport.requests.last?.head.path == "/aged")
        clock.advance(by: .seconds(3))
        for path in ["/ttl", "/expires"] {
            _ = try await run.run(request(path: path, policy: caching(ttl: .seconds(5))))
        }
        #expect(transport.requests.dropFirst(4).map(\.head.path) == ["/ttl"], "/ttl lives 5 s, /expires 10 s")
    }

    @Test("no-store and Vary: * are never reused; no-cache is revalidated every time")
    func neverReused() async throws {
        let transport = ScriptedTransport(clock: clock) { index, request in
            switch request.head.path {
            case "/no-store": numbered(index, [.cacheControl: "no-store, max-age=60"])
            case "/vary-star": numbered(index, [.cacheControl: "max-age=60", .vary: "*"])
            default: numbered(index, [.cacheControl: "no-cache, max-age=60", .eTag: "\"x\""])
            }
        }
        let run = pipeline(state, ["cache"], transport: transport)
        for path in ["/no-store", "/vary-star", "/no-cache"] {
            for _ in 0..<3 {
                _ = try await run.run(
                    request(path: path, policy: caching(ttl: .seconds(60), staleIfError: .seconds(60))))
            }
        }
        #expect(transport.count == 9)
        let noCache = transport.requests.filter { $0.head.path == "/no-cache" }
        #expect(noCache.map { $0.head.headerFields[.ifNoneMatch] } == [nil, "\"x\"", "\"x\""])
    }

    @Test("different credentials never share entries; the same credentials do")
    func credentialsKeyEntries() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in
            numbered(index, [.cacheControl: "private, max-age=60"])
        }
        let secrets = SecretFields(
            credentials: {
                var held = Credentials()
                held[scheme: "key"] = .apiKeyHeader(name: "X-API-Key", key: "k")
                return held
            }(), redacting: [])
        let run = pipeline(state, ["cache"], transport: transport, secrets: secrets)
        let alice: HTTPFields = [.authorization: "Bearer alice"]
        let bob: HTTPFields = [.authorization: "Bearer bob"]
        let keyed: HTTPFields = [HTTPField.Name("X-API-Key")!: "k1"]
        let otherKey: HTTPFields = [HTTPField.Name("X-API-Key")!: "k2"]
        var bodies: [String] = []
        for fields in [alice, bob, alice, bob, keyed, otherKey, keyed, [:], [:]] {
            bodies.append(text(try await run.run(request(policy: caching(), fields: fields, secrets: secrets))))
        }
        #expect(transport.count == 5)
        #expect(
            bodies == [
                "response 0", "response 1", "response 0", "response 1", "response 2", "response 3", "response 2",
                "response 4", "response 4",
            ])
    }

    @Test("Vary keeps one entry per value of the varied header fields")
    func vary() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in
            numbered(index, [.cacheControl: "max-age=60", .vary: "Accept-Language"])
        }
        let run = pipeline(state, ["cache"], transport: transport)
        let english: HTTPFields = [.acceptLanguage: "en"]
        let french: HTTPFields = [.acceptLanguage: "fr"]
        var bodies: [String] = []
        for fields in [english, french, english, french] {
            bodies.append(text(try await run.run(request(policy: caching(), fields: fields))))
        }
        #expect(bodies == ["response 0", "response 1", "response 0", "response 1"])
    }

    @Test("stale-if-error serves the stale copy on a 5xx, on a transport failure and on an open circuit")
    func staleIfError() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in
            switch index {
            case 0: numbered(index, [.cacheControl: "max-age=1"])
            case 1: numbered(index, status: 503)
            default: throw TransportError(.connectionFailed, detail: "refused")
            }
        }
        let run = pipeline(state, ["cache", "breaker"], transport: transport)
        let policy = caching(staleIfError: .seconds(60))
        _ = try await run.run(request(policy: policy))
        clock.advance(by: .seconds(5))
        #expect(text(try await run.run(request(policy: policy))) == "response 0", "on 503")
        #expect(text(try await run.run(request(policy: policy))) == "response 0", "on connection failure")

        let open = caching(staleIfError: .seconds(60), breaker: CircuitBreakerPolicy(mode: .forcedOpen))
        let sent = transport.count
        #expect(text(try await run.run(request(policy: open))) == "response 0", "on an open circuit")
        #expect(transport.count == sent, "nothing was sent while the circuit was open")

        clock.advance(by: .seconds(60))
        await #expect(throws: PipelineFailure.self) { try await run.run(request(policy: open)) }
    }

    @Test("must-revalidate rules out stale copies")
    func mustRevalidate() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in
            index == 0
                ? numbered(index, [.cacheControl: "max-age=1, must-revalidate", .eTag: "\"a\""])
                : numbered(index, status: 500)
        }
        let run = pipeline(state, ["cache"], transport: transport)
        _ = try await run.run(request(policy: caching(staleWhileRevalidate: .seconds(60), staleIfError: .seconds(60))))
        clock.advance(by: .seconds(2))
        let response = try await run.run(
            request(policy: caching(staleWhileRevalidate: .seconds(60), staleIfError: .seconds(60))))
        #expect(response.head.status.code == 500)
    }

    @Test("stale-while-revalidate serves the stale copy at once and refreshes it in the background")
    func staleWhileRevalidate() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in
            numbered(index, [.cacheControl: "max-age=10, stale-while-revalidate=30", .eTag: "\"e\(index)\""])
        }
        let cache = ResponseCache()
        let run = pipeline(state, ["cache", "coalesce"], transport: transport, cache: cache)
        _ = try await run.run(request(policy: caching()))
        clock.advance(by: .seconds(15))
        let stale = try await run.run(request(policy: caching()))
        #expect(text(stale) == "response 0")
        await eventually { transport.count == 2 }
        #expect(transport.requests[1].head.headerFields[.ifNoneMatch] == "\"e0\"")
        let key = try #require(CacheKey(request(policy: caching())))
        await eventually { cache.entry(for: key, matching: [:]).map { text($0.response) } == "response 1" }
        #expect(text(try await run.run(request(policy: caching()))) == "response 1")
        clock.advance(by: .seconds(60))
        _ = try await run.run(request(policy: caching()))
        #expect(transport.count == 3, "past the window the entry is revalidated before use")
    }

    @Test("100 concurrent identical GETs make one upstream call; a cancelled caller does not cancel the others")
    func coalescing() async throws {
        let release = Locked(false)
        let transport = ScriptedTransport(clock: clock) { index, _ in
            while !release.current { await Task.yield() }
            return numbered(index, [.cacheControl: "no-store"])
        }
        let flights = Coalescer()
        let run = pipeline(state, ["cache", "coalesce", "retry"], transport: transport, flights: flights)
        let callers = (0..<100).map { _ in Task { try await run.run(request(policy: caching())) } }
        await eventually { flights.waiting == 100 }
        callers[0].cancel()
        callers[1].cancel()
        await eventually { flights.waiting == 98 }
        release.withLock { $0 = true }
        var served = 0
        for (index, caller) in callers.enumerated() {
            switch await caller.result {
            case .success(let response): served += text(response) == "response 0" ? 1 : 0
            case .failure(let error): #expect(index < 2 && error is CancellationError)
            }
        }
        #expect(served == 98)
        #expect(transport.count == 1)
        #expect(flights.count == 0)
    }

    @Test("when every caller is cancelled, the shared request is cancelled")
    func coalescedCancellation() async throws {
        let cancelled = Locked(false)
        let transport = ScriptedTransport(clock: clock) { _, _ in
            do { return try await hang() } catch {
                cancelled.withLock { $0 = true }
                throw error
            }
        }
        let flights = Coalescer()
        let run = pipeline(state, ["coalesce"], transport: transport, flights: flights)
        let callers = (0..<3).map { _ in Task { try await run.run(request(policy: caching())) } }
        await eventually { flights.waiting == 3 }
        for caller in callers { caller.cancel() }
        await eventually { cancelled.current }
        #expect(flights.count == 0)
    }

    @Test(
        "a successful POST, PUT, PATCH or DELETE invalidates the path, any query, and its Location; a failed one does not"
    )
    func invalidation() async throws {
        let transport = ScriptedTransport(clock: clock) { index, request in
            switch (request.head.method, request.head.path) {
            case (.get, _): numbered(index, [.cacheControl: "max-age=600"])
            case (.post, "/x"): numbered(index, status: 201, [.location: "/y"])
            case (.patch, _): numbered(index, status: 409)
            default: numbered(index, status: 204)
            }
        }
        let run = pipeline(state, ["cache"], transport: transport)
        func get(_ path: String) async throws -> String {
            text(try await run.run(request(path: path, policy: caching())))
        }
        #expect(try await get("/x") == "response 0")
        #expect(try await get("/y") == "response 1")
        _ = try await run.run(request(.patch, path: "/x"))
        #expect(try await get("/x") == "response 0", "a 409 changed nothing")
        _ = try await run.run(request(.post, path: "/x"))
        #expect(try await get("/x") == "response 4")
        #expect(try await get("/y") == "response 5", "the POST's Location was invalidated too")
        _ = try await run.run(request(.delete, path: "/y"))
        #expect(try await get("/y") == "response 7")
        #expect(try await get("/x?page=2") == "response 8")
        #expect(try await get("/x?page=2") == "response 8")
        _ = try await run.run(request(.put, path: "/x"))
        #expect(try await get("/x?page=2") == "response 10", "the PUT to /x dropped /x?page=2")
    }

    @Test("a caller's Cache-Control: no-cache or max-age asks for a revalidated or younger copy")
    func callerDirectives() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in
            numbered(index, [.cacheControl: "max-age=60", .eTag: "\"t\""])
        }
        let run = pipeline(state, ["cache"], transport: transport)
        _ = try await run.run(request(policy: caching()))
        clock.advance(by: .seconds(20))
        _ = try await run.run(request(policy: caching(), fields: [.cacheControl: "max-age=30"]))
        #expect(transport.count == 1, "20 s old is young enough")
        _ = try await run.run(request(policy: caching(), fields: [.cacheControl: "max-age=10"]))
        _ = try await run.run(request(policy: caching(), fields: [.cacheControl: "no-cache"]))
        #expect(transport.count == 3)
        #expect(transport.requests.dropFirst().allSatisfy { $0.head.headerFields[.ifNoneMatch] == "\"t\"" })
    }

    @Test("a call with the cache off neither reads nor stores; HEAD and GET are kept apart")
    func bypassAndMethods() async throws {
        let transport = ScriptedTransport(clock: clock) { index, _ in numbered(index, [.cacheControl: "max-age=60"]) }
        let run = pipeline(state, ["cache"], transport: transport)
        _ = try await run.run(request(policy: .standard))
        _ = try await run.run(request(policy: caching()))
        _ = try await run.run(request(policy: caching()))
        _ = try await run.run(request(.head, policy: caching()))
        _ = try await run.run(request(.head, policy: caching()))
        _ = try await run.run(request(policy: caching(), fields: [.cacheControl: "no-store"]))
        #expect(transport.count == 4)
    }
}

@Suite("Response cache memory", .timeLimit(.minutes(3)))
struct ResponseCacheMemoryTests {
    func entry(_ size: Int) -> CacheEntry {
        CacheEntry(
            response: TransportResponse(head: HTTPResponse(status: .ok), body: Data(count: size)), variedFields: [],
            storedAt: .zero, initialAge: .zero, lifetime: .seconds(60), staleWhileRevalidate: .zero,
            staleIfError: .zero,
            alwaysRevalidate: false)
    }

    func key(_ path: String) -> CacheKey {
        CacheKey(request(path: path, policy: caching()))!
    }

    @Test("the least recently used entries are evicted to stay within maxBytes")
    func leastRecentlyUsedGoesFirst() {
        let cache = ResponseCache(maxBytes: 1600)
        for path in ["/a", "/b", "/c"] { cache.store(entry(300), for: key(path)) }
        #expect(cache.count == 3)
        _ = cache.entry(for: key("/a"), matching: [:])
        cache.store(entry(300), for: key("/d"))
        #expect(cache.byteCount <= 1600)
        #expect(cache.entry(for: key("/b"), matching: [:]) == nil, "/b was used least recently")
        #expect(cache.entry(for: key("/a"), matching: [:]) != nil)
        #expect(cache.entry(for: key("/d"), matching: [:]) != nil)
    }

    @Test("an entry larger than the cache is not stored; replacing an entry does not double count it")
    func bounds() {
        let cache = ResponseCache(maxBytes: 1000)
        cache.store(entry(2000), for: key("/big"))
        #expect(cache.count == 0)
        cache.store(entry(100), for: key("/a"))
        let once = cache.byteCount
        cache.store(entry(100), for: key("/a"))
        #expect(cache.byteCount == once)
        cache.removeEntries(for: "https://a.example/a")
        #expect(cache.byteCount == 0)
        #expect(cache.count == 0)
    }

    @Test("keys tell credentials apart in any order, and invalidation drops a path whatever its query")
    func keysAndInvalidation() throws {
        func key(_ path: String, host: String = "a.example", _ fields: HTTPFields = [:]) throws -> CacheKey {
            try #require(CacheKey(request(host: host, path: path, policy: caching(), fields: fields)))
        }
        let ada: HTTPFields = [.authorization: "Bearer ada", .cookie: "s=1"]
        let adaReordered: HTTPFields = [.cookie: "s=1", .authorization: "Bearer ada"]
        #expect(try key("/a?x=1", ada) == key("/a?x=1", adaReordered))
        #expect(try key("/a?x=1", ada) != key("/a?x=1", [.authorization: "Bearer bob", .cookie: "s=1"]))
        #expect(try key("/a?x=1", ada) != key("/a?x=2", ada), "the query is part of the key")
        #expect(try key("/a?x=1").resource == key("/a?y=2").resource)
        #expect(try key("/a").description == "GET https://a.example/a")

        let cache = ResponseCache()
        for target in ["/a?x=1", "/a?y=2", "/a/b", "/ab"] { cache.store(entry(10), for: try key(target)) }
        cache.store(entry(10), for: try key("/a", host: "b.example"))
        cache.removeEntries(for: "https://a.example/a?ignored=1")
        #expect(cache.count == 3, "/a/b, /ab and b.example's /a stay")
        #expect(cache.entry(for: try key("/a/b"), matching: [:]) != nil)
        #expect(cache.entry(for: try key("/a", host: "b.example"), matching: [:]) != nil)
        cache.removeEntries(for: "not a URL")
        #expect(cache.count == 3)
    }
}
