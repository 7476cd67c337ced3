import Foundation
import HTTPTypes

/// Serves GET and HEAD responses from the ``ResponseCache`` when the call's policy caches, stores
/// what may be reused, revalidates stale entries, serves stale ones where the policy allows, and
/// invalidates a URL after a successful mutating call.
struct CacheStage: ConditionalStage {
    let cache: ResponseCache
    let state: ResilienceState
    let observer: CallObserver

    /// A GET or HEAD of a call that does not cache: other methods may invalidate entries.
    func passesThrough(_ request: PipelineRequest) -> Bool {
        let method = request.transportRequest.head.method
        return request.policy.cache == nil && (method == .get || method == .head)
    }

    func intercept(_ request: PipelineRequest, next: PipelineNext) async throws -> TransportResponse {
        let head = request.transportRequest.head
        guard head.method == .get || head.method == .head else {
            let response = try await next(request)
            if !ServiceRuntime.safeMethods.contains(head.method) { invalidate(after: response, to: head) }
            return response
        }
        guard let policy = request.policy.cache, let key = CacheKey(request) else { return try await next(request) }
        let control = CacheControl(head.headerFields)
        let conditional =
            head.headerFields[.ifNoneMatch] != nil || head.headerFields[.ifModifiedSince] != nil
            || head.headerFields[.range] != nil
        if control.noStore || conditional { return try await next(request) }

        let now = state.clock.now()
        guard let entry = cache.entry(for: key, matching: head.headerFields) else {
            observer.cacheLookup(request, result: .miss)
            return try await fetchAndStore(request, key: key, policy: policy, next: next)
        }
        // The caller's own `no-cache` or `max-age` asks for a copy validated now or young enough.
        let callerRevalidates = control.noCache || control.maxAge.map { entry.age(at: now) > $0 } == true
        if entry.isFresh(at: now), !callerRevalidates {
            observer.cacheLookup(request, result: .hit)
            return entry.served(at: now)
        }
        if !entry.alwaysRevalidate, !callerRevalidates, entry.servableWhileRevalidating(at: now) {
            observer.cacheLookup(request, result: .stale)
            let refresh = revalidation(of: request, entry: entry)
            Task { _ = try? await self.revalidate(refresh, entry: entry, key: key, policy: policy, next: next) }
            return entry.served(at: now)
        }
        observer.cacheLookup(request, result: .revalidated)
        do {
            let response = try await revalidate(
                revalidation(of: request, entry: entry), entry: entry, key: key, policy: policy, next: next)
            if response.head.status.code >= 500, entry.servableOnError(at: state.clock.now()) {
                return entry.served(at: state.clock.now(), as: .staleCache, attempts: response.attempts)
            }
            return response
        } catch {
            if Task.isCancelled || error is CancellationError || !entry.servableOnError(at: state.clock.now()) {
                throw error
            }
            return entry.served(at: state.clock.now(), as: .staleCache)
        }
    }

    /// The request with the entry's validators added.
    private func revalidation(of request: PipelineRequest, entry: CacheEntry) -> PipelineRequest {
        var conditional = request
        for field in entry.validators { conditional.transportRequest.head.headerFields[field.name] = field.value }
        return conditional
    }

    /// Sends a conditional request; a 304 refreshes the entry and returns its stored response.
    private func revalidate(
        _ request: PipelineRequest, entry: CacheEntry, key: CacheKey, policy: CachePolicy,
        next: PipelineNext
    ) async throws -> TransportResponse {
        let response = try await next(request)
        let now = state.clock.now()
        guard response.head.status == .notModified else {
            if response.head.status.code < 500 {
                keep(response, for: request, key: key, policy: policy, replacing: entry)
            }
            return response
        }
        var refreshed = entry.response
        for field in response.head.headerFields where Self.refreshedOn304.contains(field.name) {
            refreshed.head.headerFields[field.name] = field.value
        }
        refreshed.source = .revalidatedCache
        refreshed.attempts = response.attempts
        guard let updated = CacheEntry(refreshed, for: request, policy: policy, now: now, clock: state.clock) else {
            cache.remove(entry, for: key)
            return refreshed
        }
        cache.store(updated, for: key)
        return updated.served(at: now, as: .revalidatedCache, attempts: response.attempts)
    }

    private func fetchAndStore(
        _ request: PipelineRequest, key: CacheKey, policy: CachePolicy,
        next: PipelineNext
    ) async throws -> TransportResponse {
        let response = try await next(request)
        keep(response, for: request, key: key, policy: policy, replacing: nil)
        return response
    }

    /// Stores `response` when it may be reused, else drops the entry it replaces.
    private func keep(
        _ response: TransportResponse, for request: PipelineRequest, key: CacheKey, policy: CachePolicy,
        replacing old: CacheEntry?
    ) {
        if let entry = CacheEntry(response, for: request, policy: policy, now: state.clock.now(), clock: state.clock) {
            cache.store(entry, for: key)
        } else if let old {
            cache.remove(old, for: key)
        }
    }

    /// After a successful unsafe request, drops what is cached for its URL and the URLs it names.
    private func invalidate(after response: TransportResponse, to head: HTTPRequest) {
        guard (200..<400).contains(response.head.status.code), let scheme = head.scheme, let authority = head.authority,
            let target = head.path, cache.byteCount > 0
        else { return }
        cache.removeEntries(
            for: CacheResource(scheme: scheme, authority: authority, path: CacheResource.path(of: target)))
        for name in [HTTPField.Name.location, .contentLocation] {
            guard let value = response.head.headerFields[name], let target = Self.sameOriginURL(value, base: head)
            else { continue }
            cache.removeEntries(for: target)
        }
    }

    /// `value` as a cache URL when it is a path or an absolute URL on the request's own origin.
    static func sameOriginURL(_ value: String, base: HTTPRequest) -> String? {
        guard let scheme = base.scheme, let authority = base.authority else { return nil }
        if value.hasPrefix("/") { return scheme + "://" + authority + value }
        let origin = scheme + "://" + authority + "/"
        return value.hasPrefix(origin) ? value : nil
    }

    /// The fields a 304 updates in the stored response (RFC 9111 §4.3.4 minus the ones that describe the body).
    static let refreshedOn304: Set<HTTPField.Name> = [
        .cacheControl, .date, .eTag, .expires, .lastModified, .vary, .age,
    ]
}

extension CacheEntry {
    /// The entry for `response` to `request`, or `nil` when it must not be stored or would never be reused.
    init?(
        _ response: TransportResponse, for request: PipelineRequest, policy: CachePolicy, now: Duration,
        clock: any ResilienceClock
    ) {
        guard [200, 203, 204].contains(response.head.status.code) else { return nil }
        let fields = response.head.headerFields
        let control = CacheControl(fields)
        if control.noStore { return nil }
        var varied: [VariedField] = []
        for value in fields[values: .vary] {
            for name in value.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !name.isEmpty
            {
                guard name != "*", let fieldName = HTTPField.Name(name) else { return nil }
                varied.append(
                    VariedField(
                        name: fieldName, value: request.transportRequest.head.headerFields.combinedValue(fieldName)))
            }
        }
        let lifetime: Duration
        if let maxAge = control.maxAge {
            lifetime = maxAge
        } else if let expires = fields[.expires] {
            // An unparsable Expires (such as "0") means already expired (RFC 9111 §5.3).
            let reference = fields[.date].flatMap(RetryAfter.parseDate) ?? clock.date()
            let interval = RetryAfter.parseDate(expires)?.timeIntervalSince(reference) ?? 0
            lifetime = .milliseconds(Int64((max(0, min(interval, 365 * 86_400)) * 1000).rounded()))
        } else {
            lifetime = policy.ttl
        }
        let revalidates = control.noCache || control.mustRevalidate
        let ageField = fields[.age].flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) } ?? 0
        self.init(
            response: response, variedFields: varied, storedAt: now, initialAge: .seconds(max(0, ageField)),
            lifetime: control.noCache ? .zero : lifetime,
            staleWhileRevalidate: revalidates ? .zero : control.staleWhileRevalidate ?? policy.staleWhileRevalidate,
            staleIfError: revalidates ? .zero : control.staleIfError ?? policy.staleIfError,
            alwaysRevalidate: control.noCache)
        let reusable =
            self.lifetime > .zero || !validators.isEmpty || staleIfError > .zero || staleWhileRevalidate > .zero
        if !reusable { return nil }
    }
}
