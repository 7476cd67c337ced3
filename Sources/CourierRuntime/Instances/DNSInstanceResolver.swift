import CResolv
import Foundation

/// A name server to ask instead of the system's, such as a sidecar's or a test's: an IPv4 address
/// and a port.
public struct DNSNameServer: Sendable, Hashable, CustomStringConvertible {
    /// The IPv4 address, such as `127.0.0.1`.
    public var address: String
    /// The UDP and TCP port; 53 unless given.
    public var port: Int

    /// Parses `127.0.0.1:5353` or `10.0.0.10` (port 53); `nil` for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, Self.isIPv4(parts[0]) else { return nil }
        self.address = String(parts[0])
        if parts.count == 2 {
            guard let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
            self.port = port
        } else {
            self.port = 53
        }
    }

    /// `address:port`.
    public var description: String { "\(address):\(port)" }

    private static func isIPv4(_ text: Substring) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4
            && octets.allSatisfy { octet in
                !octet.isEmpty && octet.count <= 3 && octet.allSatisfy(\.isASCII)
                    && Int(octet).map { $0 <= 255 } == true
            }
    }
}

/// Why a DNS look-up found no instances.
public struct DNSResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: String, Sendable, Hashable {
        /// The name does not exist (NXDOMAIN).
        case noSuchName = "no such name"
        /// The name exists but has no records of the kind asked for.
        case noRecords = "no records"
        /// No name server answered in time.
        case unreachable = "no answer from the name server"
        /// The name server failed or refused, or its answer did not parse.
        case serverFailure = "the name server failed"
        /// The name server given is not an IPv4 address.
        case invalidNameServer = "the name server is not an IPv4 address"
    }

    /// The name asked for.
    public var name: String
    /// What went wrong.
    public var kind: Kind

    /// Creates an error.
    public init(name: String, kind: Kind) {
        self.name = name
        self.kind = kind
    }

    /// `DNS look-up of NAME: KIND`.
    public var description: String { "DNS look-up of \(name): \(kind.rawValue)" }
}

/// Finds instances through DNS, with the platform's resolver library (libresolv): every A and
/// AAAA address of a name (Kubernetes headless services, Consul's `NAME.service.consul`), or the
/// SRV records of a service name with their priorities, weights and ports (the targets' addresses
/// from the answer's additional records, else looked up).
///
/// Record TTLs set the answer's time to live, at least ``minimumTimeToLive``.
public struct DNSInstanceResolver: InstanceResolver {
    /// What to look up.
    public enum Query: Sendable, Hashable {
        /// Every A and AAAA address of `host` is an instance on `port`.
        case addresses(host: String, port: Int)
        /// The SRV records of `name`, such as `_http._tcp.payments.default.svc.cluster.local`.
        case service(String)
    }

    /// What to look up.
    public var query: Query
    /// The scheme of the instances found: `http` or `https`.
    public var scheme: String
    /// The name server to ask; `nil` asks the system's (`/etc/resolv.conf`).
    public var nameServer: DNSNameServer?
    /// How long one try waits for an answer; whole seconds, at least one.
    public var timeout: Duration
    /// Tries per look-up.
    public var attempts: Int
    /// The shortest time to live an answer gets, so that records with a TTL of zero do not turn
    /// into a look-up per call.
    public var minimumTimeToLive: Duration

    /// Creates a resolver.
    public init(
        _ query: Query, scheme: String = "http", nameServer: DNSNameServer? = nil, timeout: Duration = .seconds(2),
        attempts: Int = 2, minimumTimeToLive: Duration = .seconds(1)
    ) {
        self.query = query
        self.scheme = scheme
        self.nameServer = nameServer
        self.timeout = timeout
        self.attempts = attempts
        self.minimumTimeToLive = minimumTimeToLive
    }

    /// `DNS SRV NAME` or `DNS HOST:PORT`, with the name server when one is set.
    public var description: String {
        let target =
            switch query {
            case .addresses(let host, let port): "DNS \(host):\(port)"
            case .service(let name): "DNS SRV \(name)"
            }
        return nameServer.map { "\(target) via \($0)" } ?? target
    }

    /// Looks the instances up.
    public func resolve() async throws -> InstanceResolution {
        let settings = Settings(
            nameServer: nameServer, timeoutSeconds: Int32(max(1, timeout.components.seconds)),
            attempts: Int32(max(1, attempts)))
        let minimum = minimumTimeToLive
        let (query, scheme) = (self.query, self.scheme)
        // libresolv blocks; the look-up runs on a thread of its own, not the cooperative pool.
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .utility).async {
                continuation.resume(
                    with: Result {
                        try Self.resolve(query, scheme: scheme, settings: settings, minimumTimeToLive: minimum)
                    })
            }
        }
    }

    // MARK: - Looking up (blocking)

    private struct Settings: Sendable {
        var nameServer: DNSNameServer?
        var timeoutSeconds: Int32
        var attempts: Int32
    }

    /// A record of an answer, as libresolv parsed it.
    private struct Record {
        enum Kind { case address, service }
        var kind: Kind
        var inAnswer: Bool
        var ttl: UInt32
        var name: String
        var value: String
        var priority = 0
        var weight = 0
        var port = 0
    }

    private static let typeA: Int32 = 1
    private static let typeAAAA: Int32 = 28
    private static let typeSRV: Int32 = 33

    private static func resolve(
        _ query: Query, scheme: String, settings: Settings, minimumTimeToLive: Duration
    ) throws -> InstanceResolution {
        var ttl = UInt32.max
        var instances: [ServiceInstance] = []
        switch query {
        case .addresses(let host, let port):
            for record in try addresses(of: host, settings: settings) {
                ttl = min(ttl, record.ttl)
                instances.append(ServiceInstance(scheme: scheme, host: record.value, port: port))
            }
        case .service(let name):
            let records = try lookUp(name, type: typeSRV, settings: settings)
            let additional = records.filter { $0.kind == .address && !$0.inAnswer }
            for service in records where service.kind == .service && service.inAnswer {
                // A target of "." says the service is not available here (RFC 2782).
                guard !service.value.isEmpty, service.value != "." else { continue }
                ttl = min(ttl, service.ttl)
                var targets = additional.filter { sameName($0.name, service.value) }
                if targets.isEmpty { targets = try addresses(of: service.value, settings: settings) }
                for target in targets {
                    ttl = min(ttl, target.ttl)
                    instances.append(
                        ServiceInstance(
                            scheme: scheme, host: target.value, port: service.port, weight: service.weight,
                            priority: service.priority))
                }
            }
        }
        let timeToLive = ttl == .max ? nil : max(Duration.seconds(Int64(ttl)), minimumTimeToLive)
        return InstanceResolution(instances: instances, timeToLive: timeToLive)
    }

    /// The A and AAAA records of `host`; an error only when neither look-up has an answer.
    private static func addresses(of host: String, settings: Settings) throws -> [Record] {
        var found: [Record] = []
        var failure: DNSResolutionError?
        for type in [typeA, typeAAAA] {
            do {
                found += try lookUp(host, type: type, settings: settings).filter { $0.kind == .address && $0.inAnswer }
            } catch let error as DNSResolutionError where error.kind == .noRecords {
                continue
            } catch let error as DNSResolutionError {
                failure = failure ?? error
            }
        }
        if found.isEmpty, let failure { throw failure }
        return found
    }

    private static func lookUp(_ name: String, type: Int32, settings: Settings) throws -> [Record] {
        var answer = [UInt8](repeating: 0, count: 65_536)
        let length = answer.withUnsafeMutableBufferPointer { buffer in
            courier_dns_query(
                name, type, settings.nameServer?.address, Int32(settings.nameServer?.port ?? 0),
                settings.timeoutSeconds, settings.attempts, buffer.baseAddress, Int32(buffer.count))
        }
        guard length >= 0 else {
            let kind: DNSResolutionError.Kind =
                switch length {
                case Int32(courier_dns_no_such_name): .noSuchName
                case Int32(courier_dns_no_data): .noRecords
                case Int32(courier_dns_bad_server): .invalidNameServer
                case Int32(courier_dns_server_failure): .serverFailure
                default: .unreachable
                }
            throw DNSResolutionError(name: name, kind: kind)
        }
        var parsed = [courier_dns_record](repeating: courier_dns_record(), count: 128)
        let count = answer.withUnsafeBufferPointer { bytes in
            parsed.withUnsafeMutableBufferPointer { records in
                courier_dns_records(bytes.baseAddress, length, records.baseAddress, Int32(records.count))
            }
        }
        guard count >= 0 else { throw DNSResolutionError(name: name, kind: .serverFailure) }
        return parsed.prefix(Int(count)).map { record in
            Record(
                kind: record.type == typeSRV ? .service : .address, inAnswer: record.section == 0, ttl: record.ttl,
                name: text(record.name), value: text(record.value), priority: Int(record.priority),
                weight: Int(record.weight), port: Int(record.port))
        }
    }

    /// The NUL-terminated text in a fixed-size C array.
    private static func text<Storage>(_ storage: Storage) -> String {
        withUnsafeBytes(of: storage) { bytes in
            String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
        }
    }

    /// Whether two DNS names are the same: case-insensitive, a final dot ignored.
    private static func sameName(_ first: String, _ second: String) -> Bool {
        func normal(_ name: String) -> String { (name.hasSuffix(".") ? String(name.dropLast()) : name).lowercased() }
        return normal(first) == normal(second)
    }
}
