import AsyncHTTPClient
import CatalogClient
import CourierAsyncHTTPClient
@_spi(Generated) import CourierRuntime
import Foundation
import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOPosix

/// Requests per second of the generated client over `AsyncHTTPClientTransport`, against raw
/// AsyncHTTPClient making the same requests, with 64 callers at once against a server on
/// 127.0.0.1 in this process. Both share one `HTTPClient`, so they share its connection pool.
///
/// The raw side does what a hand-written client does: it sends the GET, collects the body and
/// decodes the same JSON with `JSONDecoder`. The generated side goes through the whole default
/// pipeline (deadline, retry, circuit breaker, rate limiter, bulkhead, attempt timeout; the cache
/// is off, and with no observability backend there are no observation stages) and its error
/// mapping. A third client, Courier's transport called directly, tells the transport's share of
/// the difference from the pipeline's.
///
/// The share of raw is the median of the ratios measured within each round, because on a shared
/// machine the load drifts more from one round to the next than the clients differ.
struct ThroughputBenchmark {
    let options: Options
    static let callers = 64

    func run() async throws {
        let server = try await CatalogServer.start()
        // Three more servers, on three loopback addresses, for the client that balances over them.
        var instances: [CatalogServer] = []
        for host in ["127.0.0.1", "127.0.0.2", "127.0.0.3"] { instances.append(try await CatalogServer.start(host: host)) }
        let httpClient = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton)
        let outcome: Result<Void, any Error>
        do {
            outcome = .success(try await compare(server: server, instances: instances, httpClient: httpClient))
        } catch {
            outcome = .failure(error)
        }
        // Shut down whether or not the measurement failed, then report its outcome.
        try await httpClient.shutdown()
        try await server.stop()
        for instance in instances { try await instance.stop() }
        try outcome.get()
    }

    /// The rounds against `server`, and the table.
    private func compare(server: CatalogServer, instances: [CatalogServer], httpClient: HTTPClient) async throws {
        let catalog = CatalogClient(port: server.port, transport: AsyncHTTPClientTransport(client: httpClient))
        let balanced = CatalogClient(
            balancingOver: instances.map { ($0.host, $0.port) }, transport: AsyncHTTPClientTransport(client: httpClient))
        let raw = RawCatalog(client: httpClient, base: "http://127.0.0.1:\(server.port)")
        let bare = TransportCatalog(transport: AsyncHTTPClientTransport(client: httpClient), authority: "127.0.0.1:\(server.port)")

        FileManager.default.fputs("throughput: \(options.requests) requests per round, \(Self.callers) callers…\n")
        // Warm-up: open the connections, fill the caches of both paths.
        _ = try await requestsPerSecond(options.requests / 4) { id in _ = try await raw.item(id: id) }
        _ = try await requestsPerSecond(options.requests / 4) { id in _ = try await bare.item(id: id) }
        _ = try await requestsPerSecond(options.requests / 4) { id in _ = try await catalog.item(id: id) }
        _ = try await requestsPerSecond(options.requests / 4) { id in _ = try await balanced.item(id: id) }
        var rates: [[Double]] = [[], [], [], []]
        var bareShares: [Double] = []
        var courierShares: [Double] = []
        var balancedShares: [Double] = []
        let clients: [@Sendable (Int64) async throws -> Void] = [
            { id in _ = try await raw.item(id: id) },
            { id in _ = try await bare.item(id: id) },
            { id in _ = try await catalog.item(id: id) },
            { id in _ = try await balanced.item(id: id) },
        ]
        // Each round measures the three clients back to back, starting with a different one each
        // time, and compares them within the round: on a shared machine the load drifts between
        // rounds by more than the differences measured, but little within one.
        for round in 0..<options.runs {
            var measured = [Double](repeating: 0, count: clients.count)
            for offset in 0..<clients.count {
                let client = (round + offset) % clients.count
                measured[client] = try await requestsPerSecond(options.requests, clients[client])
            }
            for client in clients.indices { rates[client].append(measured[client]) }
            bareShares.append(measured[1] / measured[0])
            courierShares.append(measured[2] / measured[0])
            balancedShares.append(measured[3] / measured[2])
        }
        let (rawRate, bareRate, courierRate) = (median(rates[0]), median(rates[1]), median(rates[2]))
        let range = "\(share(courierShares.min() ?? 0, of: 1))–\(share(courierShares.max() ?? 0, of: 1))"

        print("## Throughput over AsyncHTTPClient (\(Self.callers) concurrent callers, \(options.runs) rounds of \(options.requests) requests per client)\n")
        print("| client | requests per second (median) | share of raw AsyncHTTPClient (median of the rounds' ratios) | target |")
        print("|---|---:|---:|---|")
        print("| raw AsyncHTTPClient (GET, collect, decode) | \(String(format: "%.0f", rawRate)) | – | – |")
        print("| `AsyncHTTPClientTransport` alone (send, status check, decode) | \(String(format: "%.0f", bareRate)) | \(share(median(bareShares), of: 1)) | – |")
        print("| generated client, full default pipeline | \(String(format: "%.0f", courierRate)) | \(share(median(courierShares), of: 1)) (rounds: \(range)) | at least 97 % |")
        print("| generated client balancing (p2c) over three servers on 127.0.0.1, .2 and .3 | \(String(format: "%.0f", median(rates[3]))) | \(share(median(balancedShares), of: 1)) of the generated client against one server | – |")
        print("")
    }

    /// Runs `count` calls spread over ``callers`` concurrent tasks and returns calls per second.
    private func requestsPerSecond(_ count: Int, _ call: @escaping @Sendable (Int64) async throws -> Void) async throws -> Double {
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<Self.callers {
                let share = count / Self.callers + (caller < count % Self.callers ? 1 : 0)
                group.addTask {
                    for index in 0..<share { try await call(Int64(caller * 1_000_000 + index)) }
                }
            }
            try await group.waitForAll()
        }
        let (seconds, attoseconds) = (ContinuousClock.now - started).components
        return Double(count) / (Double(seconds) + Double(attoseconds) / 1e18)
    }
}

/// What a hand-written client over AsyncHTTPClient does for `GET /items/{id}`.
struct RawCatalog: Sendable {
    struct Item: Decodable {
        var id: Int64
        var name: String
        var price: Double
        var tags: [String]
    }

    struct UnexpectedStatus: Error {
        var code: UInt
    }

    let client: HTTPClient
    let base: String

    func item(id: Int64) async throws -> Item {
        let request = HTTPClientRequest(url: "\(base)/items/\(id)")
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 10 << 20)
        guard response.status == .ok else { throw UnexpectedStatus(code: response.status.code) }
        return try JSONDecoder().decode(Item.self, from: Data(body.readableBytesView))
    }
}

/// The same GET straight through Courier's transport, without the runtime or generated code:
/// the row that tells the transport's cost from the pipeline's.
struct TransportCatalog: Sendable {
    let transport: AsyncHTTPClientTransport
    let authority: String

    func item(id: Int64) async throws -> RawCatalog.Item {
        let head = HTTPRequest(method: .get, scheme: "http", authority: authority, path: "/items/\(id)")
        let response = try await transport.send(TransportRequest(head: head, timeout: .seconds(30), maxResponseBodySize: 10 << 20))
        guard response.head.status == .ok else { throw RawCatalog.UnexpectedStatus(code: UInt(response.head.status.code)) }
        return try JSONDecoder().decode(RawCatalog.Item.self, from: response.body)
    }
}

/// A minimal HTTP/1.1 server on 127.0.0.1 answering every request with the same JSON item, so
/// that the server's own cost is small and equal for both clients.
struct CatalogServer {
    let channel: any Channel
    let host: String
    let port: Int

    static func start(host: String = "127.0.0.1") async throws -> CatalogServer {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ItemHandler())
                }
            }
            .bind(host: host, port: 0)
            .get()
        guard let port = channel.localAddress?.port else { throw ServerError.noPort }
        return CatalogServer(channel: channel, host: host, port: port)
    }

    func stop() async throws {
        try await channel.close()
    }

    enum ServerError: Error {
        case noPort
    }

    private final class ItemHandler: ChannelInboundHandler {
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        private static let body = #"{"id":42,"name":"Espresso cup","price":12.5,"tags":["kitchen","porcelain"]}"#
        private static let headers: HTTPHeaders = [
            "Content-Type": "application/json",
            "Content-Length": "\(body.utf8.count)",
        ]

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case .end = unwrapInboundIn(data) else { return }
            let head = HTTPResponseHead(version: .http1_1, status: .ok, headers: Self.headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(string: Self.body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
