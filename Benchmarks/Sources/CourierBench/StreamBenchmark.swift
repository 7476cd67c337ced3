import CMallocCounter
@_spi(Generated) import CourierRuntime
import Foundation
import HTTPTypes

/// Server-sent events through a generated-style `EventStream` against parsing the same bytes by
/// hand, in one process: the transport hands over prepared chunks, so what is measured is
/// framing, decoding and the stream's own bookkeeping.
struct StreamBenchmark {
    let options: Options

    struct Tick: Decodable, Sendable {
        var n: Int
        var name: String
    }

    /// The bytes of `count` events, in 16 KiB chunks as a socket would deliver them.
    static func chunks(events count: Int) -> [[UInt8]] {
        var text = ""
        for number in 1...count { text += "id: \(number)\nevent: tick\ndata: {\"n\":\(number),\"name\":\"tick\"}\n\n" }
        let bytes = Array(text.utf8)
        return stride(from: 0, to: bytes.count, by: 16 << 10).map { Array(bytes[$0..<min($0 + (16 << 10), bytes.count)]) }
    }

    /// Hands over prepared chunks without copying them again.
    struct Chunks: AsyncSequence, Sendable {
        typealias Element = [UInt8]
        typealias Failure = any Error
        let chunks: [[UInt8]]

        struct AsyncIterator: AsyncIteratorProtocol {
            var index = 0
            let chunks: [[UInt8]]
            mutating func next() async throws -> [UInt8]? {
                guard index < chunks.count else { return nil }
                defer { index += 1 }
                return chunks[index]
            }
        }

        func makeAsyncIterator() -> AsyncIterator { AsyncIterator(chunks: chunks) }
    }

    /// A transport whose every stream is the prepared chunks; a reconnection is answered 204.
    final class ReplayTransport: HTTPTransport {
        let chunks: [[UInt8]]
        private let served = Locked(false)
        init(_ chunks: [[UInt8]]) { self.chunks = chunks }
        func send(_ request: TransportRequest) async throws -> TransportResponse { TransportResponse(head: HTTPResponse(status: .noContent)) }
        var streamsResponseBodies: Bool { true }
        func stream(_ request: TransportRequest) async throws -> StreamingTransportResponse {
            let first = served.withLock { served in defer { served = true }; return !served }
            guard first else { return StreamingTransportResponse(head: HTTPResponse(status: .noContent), body: .complete(Data())) }
            return StreamingTransportResponse(
                head: HTTPResponse(status: .ok, headerFields: [.contentType: "text/event-stream"]), body: TransportBodyStream(Chunks(chunks: chunks)))
        }
    }

    struct Figures {
        var eventsPerSecond: Double
        var allocationsPerEvent: Double
    }

    /// The best of five runs of each reader, taken in turns so that a busy moment of the
    /// machine does not fall on one reader only.
    static func measure(events: Int, _ readers: [() async throws -> Int]) async throws -> [Figures] {
        var best = Array(repeating: Figures(eventsPerSecond: 0, allocationsPerEvent: 0), count: readers.count)
        for _ in 0..<5 {
            for (index, reader) in readers.enumerated() {
                let allocationsBefore = courier_bench_allocations()
                let started = ContinuousClock.now
                let handled = try await reader()
                let elapsed = ContinuousClock.now - started
                let allocations = courier_bench_allocations() - allocationsBefore
                precondition(handled == events, "handled \(handled) of \(events) events")
                let (seconds, attoseconds) = elapsed.components
                let rate = Double(events) / (Double(seconds) + Double(attoseconds) / 1e18)
                if rate > best[index].eventsPerSecond {
                    best[index] = Figures(eventsPerSecond: rate, allocationsPerEvent: Double(allocations) / Double(events))
                }
            }
        }
        return best
    }

    func run() async throws {
        let count = options.iterations
        FileManager.default.fputs("streams: \(count) server-sent events…\n")
        let chunks = Self.chunks(events: count)

        let parseOnly: () async throws -> Int = {
            var parser = ServerSentEventParser()
            var events = 0
            for chunk in chunks {
                for item in try parser.parse(chunk) {
                    if case .event = item { events += 1 }
                }
            }
            return events
        }
        let decoder = JSONCoding.makeDecoder()
        let parseAndDecode: () async throws -> Int = {
            var parser = ServerSentEventParser()
            var sum = 0
            var events = 0
            for chunk in chunks {
                for case .event(let event) in try parser.parse(chunk) {
                    sum &+= try decoder.decode(Tick.self, from: Data(event.data.utf8)).n
                    events += 1
                }
            }
            return sum > 0 ? events : 0
        }
        let operation = StreamOperation<StreamEvent<Tick>, BenchErrors>(
            name: "ticks", authSchemes: [], errors: [], service: "Bench",
            stream: StreamPolicy(reconnect: ReconnectPolicy(initial: .zero, max: .zero, jitter: .none)),
            events: .serverSentEvents(["tick": .json(Tick.self)]))
        let throughStream: () async throws -> Int = {
            let runtime = ServiceRuntime(
                configuration: ClientConfiguration(server: "https://api.example.com", transport: ReplayTransport(chunks)))
            var sum = 0
            var events = 0
            for try await event in runtime.events(operation, RequestBuilder(.get, path: "/ticks"), options: RequestOptions()) {
                sum &+= event.value?.n ?? 0
                events += 1
            }
            return sum > 0 ? events : 0
        }

        let figures = try await Self.measure(events: count, [parseOnly, parseAndDecode, throughStream])
        let reference = figures[1]
        print("## Streams: server-sent events per second, \(count) events in 16 KiB chunks (best of 5, in turns)\n")
        print("| reader | events per second | allocations per event | share of hand-written parse + decode | target |")
        print("|---|---:|---:|---:|---|")
        func row(_ name: String, _ figures: Figures, target: String) {
            let share = String(format: "%.0f %%", 100 * figures.eventsPerSecond / reference.eventsPerSecond)
            print("| \(name) | \(String(format: "%.0f", figures.eventsPerSecond)) | \(String(format: "%.1f", figures.allocationsPerEvent)) | \(share) | \(target) |")
        }
        row("ServerSentEventParser alone, no decoding", figures[0], target: "–")
        row("parser + JSONDecoder by hand (the reference)", reference, target: "–")
        row("generated-style EventStream (framing, event table, decoding, last event ID)", figures[2],
            target: "at least 90 % of the reference")
        print("")
    }
}
