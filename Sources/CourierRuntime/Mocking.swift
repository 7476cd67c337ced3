/// What a generated mock keeps: the calls it received, in order, and the handlers tests set.
public final class MockRecorder<Call: Sendable>: Sendable {
    private struct State {
        var calls: [Call] = []
        var handlers: [String: any Sendable] = [:]
    }

    private let state = Locked(State())

    /// Creates an empty recorder.
    public init() {}

    /// Every call so far, oldest first.
    public var calls: [Call] {
        state.withLock { $0.calls }
    }

    /// Appends a call.
    public func record(_ call: Call) {
        state.withLock { $0.calls.append(call) }
    }

    /// Forgets the calls, keeping the handlers.
    public func removeAllCalls() {
        state.withLock { $0.calls.removeAll() }
    }

    /// The handler stored for `endpoint`, if it has type `Handler`.
    public func handler<Handler>(for endpoint: String, as type: Handler.Type = Handler.self) -> Handler? {
        state.withLock { $0.handlers[endpoint] } as? Handler
    }

    /// Stores or removes the handler for `endpoint`.
    public func setHandler(_ handler: (any Sendable)?, for endpoint: String) {
        state.withLock { $0.handlers[endpoint] = handler }
    }
}

extension ClientError {
    /// The error a mock throws for an endpoint that has no handler.
    public static func unhandledInMock(_ mock: String, endpoint: String) -> ClientError {
        .invalidRequest("\(mock) has no handler for \(endpoint); set \(endpoint)Handler")
    }
}
