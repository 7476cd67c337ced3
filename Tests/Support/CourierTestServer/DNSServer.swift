import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A real DNS server for the tests: dnsmasq (Debian's `dnsmasq-base`, which `.ci/run` installs),
/// serving only the records it is given, on a free port of 127.0.0.1, until stopped.
public final class DNSServer: @unchecked Sendable {
    // Safe: `process` and `records` are read and written only while `lock` is held.
    private let lock = NSLock()
    /// The running dnsmasq's process ID. Spawned and reaped here rather than through Foundation's
    /// `Process`, whose child monitoring this must not share: the CLI tests' `waitUntilExit()`
    /// hung when a dnsmasq they did not start was reaped beside them.
    private var process: pid_t?
    private var records: [Record]
    /// The UDP and TCP port it answers on.
    public let port: Int

    /// A record to serve.
    public enum Record: Sendable, Hashable {
        /// An A (or AAAA) record.
        case address(name: String, address: String)
        /// An SRV record: `name` points at `target` on `port`.
        case service(name: String, target: String, port: Int, priority: Int = 0, weight: Int = 1)
    }

    /// `127.0.0.1:<port>`, as `NAME_DNS_SERVER` takes it.
    public var address: String { "127.0.0.1:\(port)" }

    private init(port: Int, records: [Record]) {
        self.port = port
        self.records = records
    }

    /// Starts dnsmasq with `records`, every one with a time to live of `ttl` seconds.
    ///
    /// dnsmasq listens on UDP and TCP; a port free for UDP when chosen may be taken for TCP by a
    /// connection of a test running alongside, so a start that fails that way tries another port.
    public static func start(_ records: [Record], ttl: Int = 1) async throws -> DNSServer {
        var attempt = 1
        while true {
            let server = DNSServer(port: try freePort(), records: records)
            do {
                try await server.launch(ttl: ttl)
                return server
            } catch DNSServerError.exited where attempt < 5 {
                attempt += 1
            }
        }
    }

    /// Serves `records` instead, on the same port: dnsmasq is restarted with them. The port can
    /// be taken for a moment by another test's connection, so the restart is tried a few times.
    public func replace(_ records: [Record], ttl: Int = 1) async throws {
        stop()
        lock.withLock { self.records = records }
        var attempt = 1
        while true {
            do {
                try await launch(ttl: ttl)
                return
            } catch DNSServerError.exited where attempt < 10 {
                attempt += 1
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }

    /// Stops answering (the process ends).
    public func stop() {
        let running = lock.withLock {
            defer { process = nil }
            return process
        }
        guard let running else { return }
        kill(running, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(running, &status, 0)
    }

    deinit {
        stop()
    }

    private func launch(ttl: Int) async throws {
        guard let executable = Self.executable else { throw DNSServerError.notInstalled }
        var arguments = [
            executable, "--keep-in-foreground", "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
            "--listen-address=127.0.0.1", "--bind-interfaces", "--port=\(port)", "--pid-file=", "--local-ttl=\(ttl)",
        ]
        // dnsmasq started by root gives its privileges up to `nobody`, which a sandbox may not have.
        if getuid() == 0 { arguments.append("--user=root") }
        for record in lock.withLock({ records }) {
            switch record {
            case .address(let name, let address):
                arguments.append("--host-record=\(name),\(address)")
            case .service(let name, let target, let port, let priority, let weight):
                arguments.append("--srv-host=\(name),\(target),\(port),\(priority),\(weight)")
            }
        }
        let pid = try Self.spawn(arguments)
        lock.withLock { self.process = pid }
        // Listening once the port cannot be bound by anyone else.
        for _ in 0..<500 {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                lock.withLock { self.process = nil }
                throw DNSServerError.exited(status)
            }
            if !Self.canBind(port) { return }
            try await Task.sleep(for: .milliseconds(10))
        }
        stop()
        throw DNSServerError.notListening
    }

    /// Starts `arguments[0]` with `arguments`, its output and errors discarded.
    private static func spawn(_ arguments: [String]) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, arguments[0], &actions, nil, argv, environ)
        guard result == 0 else { throw DNSServerError.exited(result) }
        return pid
    }

    private static var executable: String? {
        let paths = ["/usr/sbin/dnsmasq", "/usr/local/sbin/dnsmasq", "/opt/homebrew/sbin/dnsmasq"]
        return paths.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A UDP port of 127.0.0.1 that nothing uses now.
    private static func freePort() throws -> Int {
        let socket = Self.udpSocket()
        guard socket >= 0 else { throw DNSServerError.noPort }
        defer { close(socket) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw DNSServerError.noPort }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    private static func canBind(_ port: Int) -> Bool {
        let socket = Self.udpSocket()
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func udpSocket() -> Int32 {
        #if canImport(Glibc)
            socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        #else
            socket(AF_INET, SOCK_DGRAM, 0)
        #endif
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        return address
    }
}

/// Why the DNS server did not start.
public enum DNSServerError: Error, CustomStringConvertible {
    /// dnsmasq is not installed.
    case notInstalled
    /// dnsmasq ended with this status at once.
    case exited(Int32)
    /// dnsmasq did not take its port within five seconds.
    case notListening
    /// No free port was found.
    case noPort

    public var description: String {
        switch self {
        case .notInstalled: "dnsmasq is not installed (Debian: apt-get install dnsmasq-base); the DNS tests need it"
        case .exited(let status): "dnsmasq exited at once with status \(status)"
        case .notListening: "dnsmasq did not start answering within five seconds"
        case .noPort: "no free UDP port on 127.0.0.1"
        }
    }
}
