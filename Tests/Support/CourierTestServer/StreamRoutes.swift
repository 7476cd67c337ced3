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
        // Sends an event every 10 ms until writing fails because the client went away, then
        // raises `<gate>-closed`.
        router.get("/streams/endless") { request, _ -> Response in
            let gate = request.uri.queryParameters["gate"].map(String.init) ?? ""
            let body = ResponseBody { writer in
                defer { signals.raise(gate + "-closed") }
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
