import Foundation
import HTTPTypes

/// Responses kept for reuse by endpoints that opt into caching, bounded in bytes and evicted least
/// recently used first.
///
/// What is stored and reused follows RFC 9111 for a private cache:
/// - Only GET and HEAD responses with status 200, 203 or 204, and never one marked `no-store` or
///   varying on `*`. `private` responses are kept: entries are keyed by the caller's credentials, so
///   they are never served to another caller.
/// - A response is fresh for its `max-age`, else until `Expires`, else for the policy's `ttl`, less
///   its `Age`. A fresh response is served without a request.
/// - A stale response (or one marked `no-cache`) is revalidated with `If-None-Match` or
///   `If-Modified-Since`; a `304 Not Modified` refreshes it and its stored body is served.
/// - Within `stale-while-revalidate` a stale response is served at once and refreshed in the
///   background; within `stale-if-error` it is served when the server answers 5xx, cannot be
///   reached, or the circuit is open. `must-revalidate` and `no-cache` rule out both.
/// - Entries are keyed by method, URL, the credentials sent (`Authorization`, cookies, API keys)
///   and the request header fields the response's `Vary` names.
/// - A successful POST, PUT, PATCH or DELETE removes every entry for its path, whatever their
///   query (so creating a payment drops the cached `GET /payments?limit=20`), and for the path in
///   its `Location` or `Content-Location`.
///
/// Each client configuration gets its own cache; pass one instance to several clients to share it.
public final class ResponseCache: @unchecked Sendable {
    // Safe: `table`, the LRU list and `bytes` are read and written only while `lock` is held;
    // `Node`s never leave this class.
    private let lock = NSLock()
    /// The entries by resource (the URL without its query), which invalidation goes by.
    private var table: [CacheResource: [Node]] = [:]
    private var newest: Node?
    private var oldest: Node?
    private var bytes = 0

    /// The most bytes the cache holds, bodies and header fields counted; least recently used entries go first.
    public let maxBytes: Int

    /// Creates an empty cache holding at most `maxBytes` (16 MiB by default).
    public init(maxBytes: Int = 16 << 20) {
        self.maxBytes = max(0, maxBytes)
    }

    /// The bytes held now.
    public var byteCount: Int { lock.withLock { bytes } }

    /// The number of responses held now.
    public var count: Int { lock.withLock { table.values.reduce(0) { $0 + $1.count } } }

    /// Drops every entry.
    public func removeAll() {
        lock.withLock {
            table = [:]
            newest = nil
            oldest = nil
            bytes = 0
        }
    }

    /// Drops every entry for the path of `url` (`scheme://authority/path`, any query is ignored),
    /// whatever its query, method or credentials.
    public func removeEntries(for url: String) {
        guard let resource = CacheResource(url: url) else { return }
        removeEntries(for: resource)
    }

    /// Drops every entry for `resource`, whatever its query, method or credentials.
    func removeEntries(for resource: CacheResource) {
        lock.withLock {
            guard let nodes = table.removeValue(forKey: resource) else { return }
            for node in nodes { unlink(node) }
        }
    }

    // MARK: - Entries

    /// The stored response for `key` whose varied header fields match `fields`, marked as just used.
    func entry(for key: CacheKey, matching fields: HTTPFields) -> CacheEntry? {
        lock.withLock {
            guard let node = table[key.resource]?.first(where: { $0.key == key && $0.entry.matches(fields) }) else {
                return nil
            }
            moveToFront(node)
            return node.entry
        }
    }

    /// Stores `entry` under `key`, replacing the entry for the same varied header fields, and
    /// evicts the least recently used entries beyond ``maxBytes``. An entry larger than the whole
    /// cache is not stored.
    func store(_ entry: CacheEntry, for key: CacheKey) {
        let cost = entry.cost + key.cost
        lock.withLock {
            removeVariant(of: entry, for: key)
            guard cost <= maxBytes else { return }
            let node = Node(key: key, entry: entry, cost: cost)
            table[key.resource, default: []].append(node)
            moveToFront(node)
            bytes += cost
            while bytes > maxBytes, let victim = oldest {
                table[victim.key.resource]?.removeAll { $0 === victim }
                if table[victim.key.resource]?.isEmpty == true { table[victim.key.resource] = nil }
                unlink(victim)
            }
        }
    }

    /// Removes the entry for `key` that `entry` would replace.
    func remove(_ entry: CacheEntry, for key: CacheKey) {
        lock.withLock { removeVariant(of: entry, for: key) }
    }

    private func removeVariant(of entry: CacheEntry, for key: CacheKey) {
        guard var nodes = table[key.resource] else { return }
        nodes.removeAll { node in
            guard node.key == key, node.entry.variedFields == entry.variedFields else { return false }
            unlink(node)
            return true
        }
        table[key.resource] = nodes.isEmpty ? nil : nodes
    }

    // MARK: - LRU list

    private final class Node {
        let key: CacheKey
        let entry: CacheEntry
        let cost: Int
        var newer: Node?
        var older: Node?
        var linked = false

        init(key: CacheKey, entry: CacheEntry, cost: Int) {
            self.key = key
            self.entry = entry
            self.cost = cost
        }
    }

    private func moveToFront(_ node: Node) {
        if node.linked {
            if newest === node { return }
            detach(node)
        } else {
            node.linked = true
        }
        node.older = newest
        node.newer = nil
        newest?.newer = node
        newest = node
        if oldest == nil { oldest = node }
    }

    private func unlink(_ node: Node) {
        guard node.linked else { return }
        detach(node)
        node.linked = false
        bytes -= node.cost
    }

    private func detach(_ node: Node) {
        if let newer = node.newer { newer.older = node.older } else { newest = node.older }
        if let older = node.older { older.newer = node.newer } else { oldest = node.newer }
        node.newer = nil
        node.older = nil
    }
}

/// What identifies a cached response apart from its varied header fields. It holds the
/// credentials it was made from, so its description and mirror show the resource only.
struct CacheKey: Hashable, Sendable, CustomStringConvertible, CustomReflectable {
    /// The URL without its query: what a mutating call invalidates.
    var resource: CacheResource
    /// The path and query, as the request's head holds them.
    var target: String
    var method: HTTPRequest.Method
    /// The credential header fields the request carried: usually none or one, which needs no
    /// list; several are sorted, so that the order they were set in does not matter.
    var credential: HTTPField?
    var moreCredentials: [HTTPField] = []

    /// The key of `request`, made of the strings its head already holds: a lookup builds none.
    init?(_ request: PipelineRequest) {
        let head = request.transportRequest.head
        guard let scheme = head.scheme, let authority = head.authority, let target = head.path else { return nil }
        self.target = target
        self.resource = CacheResource(scheme: scheme, authority: authority, path: CacheResource.path(of: target))
        self.method = head.method
        for field in head.headerFields where request.secrets.isCredential(field.name) {
            if credential == nil { credential = field } else { moreCredentials.append(field) }
        }
        if let first = credential, !moreCredentials.isEmpty {
            let sorted = ([first] + moreCredentials).sorted {
                ($0.name.canonicalName, $0.value) < ($1.name.canonicalName, $1.value)
            }
            credential = sorted[0]
            moreCredentials = Array(sorted.dropFirst())
        }
    }

    var cost: Int {
        let credentials = ([credential].compactMap { $0 } + moreCredentials).reduce(0) {
            $0 + $1.name.canonicalName.utf8.count + $1.value.utf8.count + 2
        }
        return resource.cost + target.utf8.count + credentials + 64
    }

    /// `GET https://host/path`, without the query (API keys travel there) or the credentials.
    var description: String { "\(method.rawValue) \(resource)" }

    /// The method and resource only.
    var customMirror: Mirror {
        Mirror(self, children: ["method": method.rawValue, "resource": resource.description], displayStyle: .struct)
    }
}

/// `scheme://authority/path` without the query: what cached entries are grouped by, and what a
/// mutating call invalidates.
struct CacheResource: Hashable, Sendable, CustomStringConvertible {
    var scheme: String
    var authority: String
    var path: Substring

    init(scheme: String, authority: String, path: Substring) {
        self.scheme = scheme
        self.authority = authority
        self.path = path
    }

    /// The resource of `url` (`scheme://authority/path?query`), or `nil` when it has no `://`.
    init?(url: String) {
        guard let separator = url.range(of: "://") else { return nil }
        let rest = url[separator.upperBound...]
        let pathStart = rest.utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") } ?? rest.endIndex
        self.init(
            scheme: String(url[..<separator.lowerBound]), authority: String(rest[..<pathStart]),
            path: Self.path(of: rest[pathStart...]))
    }

    /// `target` without its query.
    static func path(of target: some StringProtocol) -> Substring {
        // Searched as UTF-8: a Character search walks grapheme clusters, a cache hit's largest cost.
        let whole = Substring(target)
        return whole.utf8.firstIndex(of: UInt8(ascii: "?")).map { whole[..<$0] } ?? whole
    }

    var cost: Int { scheme.utf8.count + authority.utf8.count + path.utf8.count }

    var description: String { scheme + "://" + authority + path }
}

/// One stored response with what is needed to judge its freshness on the stage's clock.
struct CacheEntry: Sendable {
    var response: TransportResponse
    /// The request header fields named by `Vary`, with the values the stored request had.
    var variedFields: [VariedField]
    /// When it was stored or last revalidated, on the resilience clock.
    var storedAt: Duration
    /// Its age when stored: the `Age` field.
    var initialAge: Duration
    /// How long it is fresh, counted from age zero.
    var lifetime: Duration
    var staleWhileRevalidate: Duration
    var staleIfError: Duration
    /// `no-cache`: never served without revalidation.
    var alwaysRevalidate: Bool

    struct VariedField: Hashable, Sendable {
        var name: HTTPField.Name
        var value: String?
    }

    func age(at now: Duration) -> Duration { initialAge + max(.zero, now - storedAt) }

    func isFresh(at now: Duration) -> Bool { !alwaysRevalidate && age(at: now) < lifetime }

    func servableWhileRevalidating(at now: Duration) -> Bool { age(at: now) < lifetime + staleWhileRevalidate }

    func servableOnError(at now: Duration) -> Bool { age(at: now) < lifetime + staleIfError }

    func matches(_ fields: HTTPFields) -> Bool {
        variedFields.allSatisfy { fields.combinedValue($0.name) == $0.value }
    }

    /// The stored response as served now, with its `Age`.
    func served(at now: Duration, as source: ResponseSource = .cache, attempts: Int = 0) -> TransportResponse {
        var response = response
        response.head.headerFields[.age] = String(age(at: now).components.seconds)
        response.source = source
        response.attempts = attempts
        return response
    }

    var cost: Int {
        response.body.count
            + response.head.headerFields.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count + 4 } + 128
    }

    var validators: HTTPFields {
        var fields = HTTPFields()
        if let etag = response.head.headerFields[.eTag] { fields[.ifNoneMatch] = etag }
        if let modified = response.head.headerFields[.lastModified] { fields[.ifModifiedSince] = modified }
        return fields
    }
}

extension HTTPFields {
    /// All values of `name` joined by `, `, or `nil` when the field is absent.
    func combinedValue(_ name: HTTPField.Name) -> String? {
        let values = self[values: name]
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }
}

extension HTTPRequest {
    /// `scheme://authority/path?query`, or `nil` when a part is missing.
    var cacheURL: String? {
        guard let scheme, let authority, let path else { return nil }
        // Built in one buffer: chained `+` made an intermediate string per piece on every lookup.
        var url = ""
        url.reserveCapacity(scheme.utf8.count + 3 + authority.utf8.count + path.utf8.count)
        url += scheme
        url += "://"
        url += authority
        url += path
        return url
    }
}
