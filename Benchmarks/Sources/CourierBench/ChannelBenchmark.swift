@_spi(Generated) import CourierRuntime
import CourierWebSocket
import Foundation
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import WSClient

/// WebSocket messages through a Courier `WebSocketChannel` on `SwiftWebSocketTransport` against
/// swift-websocket's client read by hand, both decoding the same JSON, against the same local
/// server in the same run: messages per second of a burst, and the round-trip time of one message.
struct ChannelBenchmark {
    let options: Options

    struct Tick: Codable, Sendable {
        var n: Int
        var name: String
    }

    /// A server on 127.0.0.1: `/ticks?count=N` sends N ticks once the client has sent one message;
    /// `/echo` sends every text message back.
    static func startServer() async throws -> (port: Int, task: Task<Void, any Error>) {
        let port = Locked<Int?>(nil)
        var logger = Logger(label: "channel-bench-server")
        logger.logLevel = .critical
        let app = Application(
            router: Router(),
            server: .http1WebSocketUpgrade(
                configuration: .init(ws: .init(maxFrameSize: 1 << 20, autoPing: .disabled))
            ) { request, _, _ in
                guard let target = request.path, let components = URLComponents(string: target) else {
                    return .dontUpgrade
                }
                switch components.path {
                case "/ticks":
                    let count = components.queryItems?.first { $0.name == "count" }?.value.flatMap { Int($0) } ?? 0
                    return .upgrade([:]) { inbound, outbound, _ in
                        var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
                        _ = try await messages.next()
                        for n in 1...count { try await outbound.write(.text(#"{"n":\#(n),"name":"tick"}"#)) }
                        // Hold the connection until the client closes it.
                        while try await messages.next() != nil {}
                    }
                case "/echo":
                    return .upgrade([:]) { inbound, outbound, _ in
                        for try await message in inbound.messages(maxSize: 1 << 20) {
                            if case .text(let text) = message { try await outbound.write(.text(text)) }
                        }
                    }
                default:
                    return .dontUpgrade
                }
            },
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } },
            logger: logger)
        let task = Task { try await app.runService() }
        for _ in 0..<500 {
            if let port = port.current { return (port, task) }
            try await Task.sleep(for: .milliseconds(10))
        }
        task.cancel()
        throw UsageError("the benchmark's WebSocket server did not start")
    }

    static let quiet = Logger(label: "channel-bench", factory: { _ in SwiftLogNoOpLogHandler() })

    /// swift-websocket by hand: ask for `count` ticks, decode each; the number decoded.
    static func rawBurst(port: Int, count: Int) async throws -> Int {
        let received = Locked(0)
        try await WebSocketClient.connect(
            url: "ws://127.0.0.1:\(port)/ticks?count=\(count)",
            configuration: .init(maxFrameSize: 1 << 20), logger: quiet
        ) { inbound, outbound, _ in
            let decoder = JSONCoding.makeDecoder()
            try await outbound.write(.text("\"go\""))
            var sum = 0
            var handled = 0
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                sum &+= try decoder.decode(Tick.self, from: Data(text.utf8)).n
                handled += 1
                if handled == count { break }
            }
            received.withLock { $0 = sum > 0 ? handled : 0 }
        }
        return received.current
    }

    /// The channel a generated client would open, with a buffer that holds the whole burst.
    static func channel<Outgoing, Incoming>(port: Int, path: String, count: Int? = nil, buffer: Int)
        -> WebSocketChannel<Outgoing, Incoming>
    {
        let runtime = ServiceRuntime(
            configuration: ClientConfiguration(
                server: ServerURL("http://127.0.0.1:\(port)"), webSocketTransport: SwiftWebSocketTransport()))
        let operation = ChannelOperation<Outgoing, Incoming>(
            name: "bench", authSchemes: [], service: "Bench",
            policy: ChannelPolicy(keepalive: nil, subscriberBuffer: max(buffer, 1)))
        var request = RequestBuilder(.get, path: PathTemplate(stringLiteral: path))
        request.query("count", count)
        return runtime.channel(operation, request)
    }

    /// A Courier channel: ask for `count` ticks, read them from `messages`; the number read.
    static func channelBurst(port: Int, count: Int) async throws -> Int {
        let channel: WebSocketChannel<String, Tick> = channel(port: port, path: "/ticks", count: count, buffer: count)
        let messages = channel.messages
        try await channel.send("go")
        var sum = 0
        var handled = 0
        for try await tick in messages {
            sum &+= tick.n
            handled += 1
            if handled == count { break }
        }
        await channel.close()
        return sum > 0 ? handled : 0
    }

    /// The median round trip of `count` messages, one at a time, by hand.
    static func rawRoundTrip(port: Int, count: Int) async throws -> Duration {
        let times = Locked<[Duration]>([])
        try await WebSocketClient.connect(url: "ws://127.0.0.1:\(port)/echo", logger: quiet) { inbound, outbound, _ in
            let decoder = JSONCoding.makeDecoder()
            var messages = inbound.messages(maxSize: 1 << 20).makeAsyncIterator()
            var measured: [Duration] = []
            for n in 1...count {
                let started = ContinuousClock.now
                try await outbound.write(.text(#"{"n":\#(n),"name":"ping"}"#))
                guard case .text(let text) = try await messages.next() else { break }
                _ = try decoder.decode(Tick.self, from: Data(text.utf8))
                measured.append(ContinuousClock.now - started)
            }
            times.withLock { $0 = measured }
        }
        return median(times.current)
    }

    /// The median round trip of `count` messages, one at a time, through a channel.
    static func channelRoundTrip(port: Int, count: Int) async throws -> Duration {
        let channel: WebSocketChannel<Tick, Tick> = channel(port: port, path: "/echo", buffer: 16)
        var messages = channel.messages.makeAsyncIterator()
        var measured: [Duration] = []
        for n in 1...count {
            let started = ContinuousClock.now
            try await channel.send(Tick(n: n, name: "ping"))
            guard try await messages.next() != nil else { break }
            measured.append(ContinuousClock.now - started)
        }
        await channel.close()
        return median(measured)
    }

    static func median(_ values: [Duration]) -> Duration {
        let sorted = values.sorted()
        return sorted.isEmpty ? .zero : sorted[sorted.count / 2]
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    func run() async throws {
        let count = min(options.iterations, 100_000)
        let trips = min(options.requests, 5_000)
        FileManager.default.fputs("channels: bursts of \(count) messages, \(trips) round trips…\n")
        let (port, server) = try await Self.startServer()
        defer { server.cancel() }

        // Best of five bursts each, in turns, so that a busy moment falls on neither reader only.
        var best = [0.0, 0.0]
        for _ in 0..<5 {
            for (index, reader) in [Self.rawBurst, Self.channelBurst].enumerated() {
                let started = ContinuousClock.now
                let handled = try await reader(port, count)
                precondition(handled == count, "read \(handled) of \(count) messages")
                best[index] = max(best[index], Double(count) / Self.seconds(ContinuousClock.now - started))
            }
        }
        let rawTrip = try await Self.rawRoundTrip(port: port, count: trips)
        let channelTrip = try await Self.channelRoundTrip(port: port, count: trips)

        print("## Channels: WebSocket messages against swift-websocket by hand, same server, same run\n")
        print("| reader | messages per second (burst of \(count), best of 5) | share of by hand | median round trip (\(trips) messages) | target |")
        print("|---|---:|---:|---:|---|")
        func microseconds(_ duration: Duration) -> String { String(format: "%.0f µs", Self.seconds(duration) * 1e6) }
        print("| swift-websocket client + JSONDecoder by hand (the reference) | \(String(format: "%.0f", best[0])) | 100 % | \(microseconds(rawTrip)) | – |")
        let share = String(format: "%.0f %%", 100 * best[1] / best[0])
        print("| Courier `WebSocketChannel` on `SwiftWebSocketTransport` | \(String(format: "%.0f", best[1])) | \(share) | \(microseconds(channelTrip)) | ≥ 90 % |")
        print()
    }
}
