import Foundation
import HTTPTypes
import Hummingbird
import NIOConcurrencyHelpers
import NIOCore

/// Named one-shot signals between the in-process test server and the tests: a route waits for a
/// test to raise one (or raises one for a test to wait on). Every wait has a fallback deadline,
/// so a broken client fails an expectation instead of hanging the suite.
public final class StreamSignals: Sendable {
    private enum State {
        case raised
        case waiting([CheckedContinuation<Bool, Never>])
    }

    private let states = NIOLockedValueBox<[String: State]>([:])
    private let openStreams = NIOLockedValueBox(0)

    /// How many `/streams/endless` responses are being written now.
    public var openStreamCount: Int { openStreams.withLockedValue { $0 } }

    /// Waits until no `/streams/endless` response is being written (`true`), or `fallback` has
    /// passed (`false`).
    public func waitForNoOpenStreams(fallback: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + fallback
        while openStreamCount > 0 {
            guard ContinuousClock.now < deadline else { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    fileprivate func streamOpened() { openStreams.withLockedValue { $0 += 1 } }
    fileprivate func streamClosed() { openStreams.withLockedValue { $0 -= 1 } }

    /// Raises `name`, waking whoever waits for it.
    public func raise(_ name: String) {
        let waiters: [CheckedContinuation<Bool, Never>] = states.withLockedValue { states in
            defer { states[name] = .raised }
            if case .waiting(let waiters) = states[name] { return waiters }
            return []
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Waits until `name` is raised (`true`) or `fallback` has passed (`false`).
    public func wait(for name: String, fallback: Duration = .seconds(10)) async -> Bool {
        let timer = Task {
            try await Task.sleep(for: fallback)
            self.expire(name)
        }
        defer { timer.cancel() }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let raised: Bool = states.withLockedValue { states in
                switch states[name] {
                case .raised?: return true
                case .waiting(let waiters)?: states[name] = .waiting(waiters + [continuation])
                case nil: states[name] = .waiting([continuation])
                }
                return false
            }
            if raised { continuation.resume(returning: true) }
        }
    }

    /// Wakes the waiters of `name` with `false`, leaving it unraised.
    private func expire(_ name: String) {
        let waiters: [CheckedContinuation<Bool, Never>] = states.withLockedValue { states in
            guard case .waiting(let waiters) = states[name] else { return [] }
            states[name] = nil
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: false) }
    }
}

/// Routes that stream: server-sent events held open until a test says, and a stream that runs
/// until its reader goes away.
enum StreamRoutes {
    static func add(to router: Router<BasicRequestContext>, signals: StreamSignals) {
        // Sends one event, waits for the signal named by `gate` (10 s at most), then sends a second
        // event saying whether the signal came, and ends.
        router.get("/streams/gated") { request, _ -> Response in
            let gate = request.uri.queryParameters["gate"].map(String.init) ?? ""
            let body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "id: 1\ndata: first\n\n"))
                let released = await signals.wait(for: gate)
                try await writer.write(ByteBuffer(string: "id: 2\ndata: \(released ? "released" : "timed out")\n\n"))
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: body)
        }
        router.get("/streams/release") { request, _ -> Response in
            signals.raise(request.uri.queryParameters["gate"].map(String.init) ?? "")
            return Response(status: .noContent)
        }
        // Numbered `tick` events `{"n": i}` with ids, resuming after `Last-Event-ID`. Query:
        // `count` events in all (10), `per` connection before the connection ends mid-event
        // (all), `reset` to end it by resetting the connection rather than closing the stream, `retry` milliseconds to announce, `unknown` to send an event of another name
        // after the first, `done` to end with a `[DONE]` event. A reconnection after the last
        // event is answered 204, which ends a server-sent event stream.
        router.get("/streams/ticks") { request, _ -> Response in
            let query = request.uri.queryParameters
            let count = query["count"].flatMap { Int($0) } ?? 10
            let perConnection = query["per"].flatMap { Int($0) } ?? count
            let retry = query["retry"].flatMap { Int($0) }
            let sendsUnknown = query["unknown"] != nil
            let sendsDone = query["done"] != nil
            let resets = query["reset"] != nil
            let resumeAfter = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int($0) } ?? 0
            guard resumeAfter < count else { return Response(status: .noContent) }
            let body = ResponseBody { writer in
                var text = ": heartbeat\n\n"
                if let retry { text += "retry: \(retry)\n\n" }
                try await writer.write(ByteBuffer(string: text))
                var sent = 0
                for number in (resumeAfter + 1)...count {
                    if sent == perConnection {
                        try await writer.write(ByteBuffer(string: "id: \(number)\nevent: tick\ndata: {\"n\":"))
                        if resets { throw CancellationError() }
                        try await writer.finish(nil)
                        return
                    }
                    try await writer.write(
                        ByteBuffer(string: "id: \(number)\nevent: tick\ndata: {\"n\": \(number)}\n\n"))
                    sent += 1
                    if sendsUnknown && number == 1 {
                        try await writer.write(ByteBuffer(string: "event: surprise\ndata: hello\n\n: keepalive\n\n"))
                    }
                }
                if sendsDone { try await writer.write(ByteBuffer(string: "data: [DONE]\n\n")) }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream; charset=utf-8"], body: body)
        }
        // The Inventory spec's `watchStock`: six stock events (adjusted and counted in turn) with
        // ids, four per connection before it ends mid-event, an unknown `audited` event after
        // the second, then `[DONE]`.
        router.get("/inventory/v2/events/live") { request, _ -> Response in
            let resumeAfter = request.headers[HTTPField.Name("Last-Event-ID")!].flatMap { Int($0) } ?? 0
            let body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: ": connected\n\n"))
                var sent = 0
                for number in (resumeAfter + 1)..<7 {
                    if sent == 4 {
                        // Ends cleanly mid-event: the client drops the unfinished event, as
                        // the standard says. (Resetting the connection instead could lose
                        // the events before it, which the ticks route covers.)
                        try await writer.write(ByteBuffer(string: "id: \(number)\nevent: adjusted\ndata: {"))
                        try await writer.finish(nil)
                        return
                    }
                    let at = "\"at\": \"2026-12-07T10:00:0\(number)Z\""
                    let event =
                        number.isMultiple(of: 2)
                        ? "event: counted\ndata: {\"kind\": \"counted\", \"counted\": \(number), \(at)}"
                        : "event: adjusted\ndata: {\"kind\": \"adjusted\", \(at),\n"
                            + "data: \"adjustment\": {\"delta\": \(number), \"reason\": \"delivery\"}}"
                    try await writer.write(ByteBuffer(string: "id: \(number)\n\(event)\n\n"))
                    sent += 1
                    if number == 2 { try await writer.write(ByteBuffer(string: "event: audited\ndata: {}\n\n")) }
                }
                try await writer.write(ByteBuffer(string: "data: [DONE]\n\n"))
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: body)
        }
        // The Inventory spec's `exportStockLevels`: three stock levels as JSON Lines.
        router.get("/inventory/v2/stock.ndjson") { _, _ -> Response in
            let body = ResponseBody { writer in
                for onHand in 1...3 {
                    let level = "{\"sku\": \"A\(onHand)\", \"warehouse\": \"ams1\", \"on_hand\": \(onHand), "
                    try await writer.write(ByteBuffer(string: level + "\"updated_at\": \"2026-12-07T10:00:00Z\"}\n"))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: body)
        }
        // The same ticks as JSON Lines, `count` of them (10).
        router.get("/streams/ticks.ndjson") { request, _ -> Response in
            let count = request.uri.queryParameters["count"].flatMap { Int($0) } ?? 10
            let body = ResponseBody { writer in
                for number in 1...max(1, count) {
                    try await writer.write(ByteBuffer(string: "{\"n\": \(number)}\n"))
                }
                try await writer.finish(nil)
            }
            return Response(status: .ok, headers: [.contentType: "application/x-ndjson"], body: body)
        }
        // Sends an event every 10 ms until writing fails because the client went away, then
        // raises `<gate>-closed`.
        router.get("/streams/endless") { request, _ -> Response in
            let gate = request.uri.queryParameters["gate"].map(String.init) ?? ""
            let body = ResponseBody { writer in
                signals.streamOpened()
                defer {
                    signals.streamClosed()
                    signals.raise(gate + "-closed")
                }
                var number = 0
                while !Task.isCancelled {
                    number += 1
                    try await writer.write(ByteBuffer(string: "id: \(number)\ndata: tick \(number)\n\n"))
                    try await Task.sleep(for: .milliseconds(10))
                }
            }
            return Response(status: .ok, headers: [.contentType: "text/event-stream"], body: body)
        }
    }
}
