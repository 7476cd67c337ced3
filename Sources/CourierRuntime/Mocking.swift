import HTTPTypes

/// What a generated mock keeps: the calls it received, in order, and the handlers tests set.
public final class MockRecorder<Call: Sendable>: Sendable {
    private struct State {
        var calls: [Call] = []
        var handlers: [String: any Sendable] = [:]
        var metadata: (@Sendable (Call, ResponseMetadata) -> ResponseMetadata)?
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

    /// Makes the metadata of each answer: given the call and the default (the endpoint's success
    /// status, no header fields, one attempt, source ``ResponseSource/mock``), it returns what the
    /// call's `…WithResponse` form reports. `nil` keeps the default.
    public var responseMetadata: (@Sendable (Call, ResponseMetadata) -> ResponseMetadata)? {
        get { state.withLock { $0.metadata } }
        set { state.withLock { $0.metadata = newValue } }
    }

    /// `value` as the answer to `call`, with the metadata ``responseMetadata`` makes.
    public func answer<Value>(_ value: Value, to call: Call, status: Int) -> Response<Value> {
        let standard = ResponseMetadata(status: HTTPResponse.Status(code: status), attempts: 1, source: .mock)
        let metadata = state.withLock { $0.metadata }.map { $0(call, standard) } ?? standard
        return Response(value: value, metadata: metadata)
    }
}

/// A call a generated mock received: the endpoint and its arguments. `Mock` is the mock's type,
/// so calls of different services never compare equal or mix in one array.
///
/// Generated code adds one static function per endpoint (`PaymentsMockCall.getPayment(id:)`),
/// which is how tests write the calls they expect:
///
/// ```swift
/// #expect(mock.calls == [.getPayment(id: id)])
/// ```
///
/// A struct rather than an enum with a case per endpoint: copying a many-case enum with payloads
/// makes the compiler emit code for every case at every copy, and a mock of 1,000 endpoints took
/// minutes to compile.
public struct MockCall<Mock>: Hashable, Sendable, CustomStringConvertible {
    /// One argument: the parameter's label and the value passed.
    public struct Argument: Hashable, Sendable {
        /// The parameter's label in the generated method.
        public let label: String
        /// The value passed.
        public let value: any Hashable & Sendable

        /// Records `value` passed as `label`.
        public init<Value: Hashable & Sendable>(_ label: String, _ value: Value) {
            self.label = label
            self.value = value
        }

        /// Equal labels and equal values of the same type.
        public static func == (lhs: Argument, rhs: Argument) -> Bool {
            lhs.label == rhs.label && AnyHashable(lhs.value) == AnyHashable(rhs.value)
        }

        /// Hashes the label and the value.
        public func hash(into hasher: inout Hasher) {
            hasher.combine(label)
            hasher.combine(AnyHashable(value))
        }
    }

    /// The endpoint called, as the spec names it.
    public let endpoint: String
    /// The arguments, in the order of the method's parameters (`options` is not recorded).
    public let arguments: [Argument]

    /// A call of `endpoint` with `arguments`.
    public init(_ endpoint: String, _ arguments: Argument...) {
        self.endpoint = endpoint
        self.arguments = arguments
    }

    /// The value passed as `label`, if there is one of type `Value`.
    public func argument<Value>(_ label: String, as type: Value.Type = Value.self) -> Value? {
        arguments.first { $0.label == label }?.value as? Value
    }

    /// The call much as Swift would write it: `listPayments(limit: 5, cursor: "next", status: nil)`.
    public var description: String {
        let list = arguments.map { argument in
            let value: Any = argument.value
            let text = (value as? any OptionalDescribing)?.describedUnwrapped ?? String(reflecting: value)
            return "\(argument.label): \(text)"
        }
        return "\(endpoint)(\(list.joined(separator: ", ")))"
    }
}

/// Describes an optional as its value or `nil`, not as `Optional(value)`.
private protocol OptionalDescribing {
    var describedUnwrapped: String { get }
}

extension Optional: OptionalDescribing {
    var describedUnwrapped: String {
        switch self {
        case .some(let wrapped): String(reflecting: wrapped)
        case .none: "nil"
        }
    }
}

extension ClientError {
    /// The error a mock throws for an endpoint that has no handler.
    public static func unhandledInMock(_ mock: String, endpoint: String) -> ClientError {
        .invalidRequest("\(mock) has no handler for \(endpoint); set \(endpoint)Handler")
    }
}
