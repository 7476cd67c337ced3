import HTTPTypes

/// A call's decoded value together with what came with it: the status, the header fields, how
/// many attempts the call made and where the answer came from.
///
/// Every generated endpoint has a form that returns one, named after the endpoint with
/// `WithResponse`:
///
/// ```swift
/// let response = try await payments.getPaymentWithResponse(id: id)
/// let payment = response.value
/// let etag = response.headerFields[.eTag]
/// if response.source == .cache { … }
/// ```
///
/// The metadata's members read directly on the response (`response.status`), through
/// ``subscript(dynamicMember:)``.
@dynamicMemberLookup
public struct Response<Value: Sendable>: Sendable {
    /// The decoded body.
    public var value: Value
    /// The status, header fields, attempts and source.
    public var metadata: ResponseMetadata

    /// Pairs a value with its metadata.
    public init(value: Value, metadata: ResponseMetadata) {
        self.value = value
        self.metadata = metadata
    }

    /// A member of ``metadata``, such as `status` or `headerFields`.
    public subscript<Member>(dynamicMember keyPath: KeyPath<ResponseMetadata, Member>) -> Member {
        metadata[keyPath: keyPath]
    }

    /// The same metadata with a value made from this one.
    public func map<NewValue: Sendable, Failure: Error>(
        _ transform: (Value) throws(Failure) -> NewValue
    ) throws(Failure) -> Response<NewValue> {
        Response<NewValue>(value: try transform(value), metadata: metadata)
    }
}

/// What a successful response said besides its body, and how the call got it.
public struct ResponseMetadata: Sendable, Hashable {
    /// The status the server answered with (for a cached answer, the status that was stored).
    public var status: HTTPResponse.Status
    /// The response's header fields: `ETag`, `Location`, rate-limit fields, a request id. A cached
    /// answer carries the stored fields, with `Age` set to the copy's age.
    public var headerFields: HTTPFields
    /// How many requests the call sent, retries included: 1 for an answer on the first try, 0
    /// when the cache answered without a request that succeeded (a fresh copy, or a stale one
    /// served because the server could not be reached).
    public var attempts: Int
    /// Where the answer came from: the network, the response cache, or a mock.
    public var source: ResponseSource
    /// When the call failed and the endpoint's fallback answered: which one, and why; `nil` when
    /// the call itself was answered.
    public var fallback: FallbackAnswer?

    /// Describes a response.
    public init(
        status: HTTPResponse.Status, headerFields: HTTPFields = HTTPFields(), attempts: Int = 1,
        source: ResponseSource = .network, fallback: FallbackAnswer? = nil
    ) {
        self.status = status
        self.headerFields = headerFields
        self.attempts = attempts
        self.source = source
        self.fallback = fallback
    }

    /// The request id the server sent, from the first of `X-Request-Id`, `Request-Id`,
    /// `X-Correlation-Id` and `X-Amzn-RequestId` that is present.
    public var requestID: String? {
        for name in Self.requestIDFields {
            if let value = headerFields[name] { return value }
        }
        return nil
    }

    private static let requestIDFields: [HTTPField.Name] = [
        "X-Request-Id", "Request-Id", "X-Correlation-Id", "X-Amzn-RequestId",
    ]
    .compactMap { HTTPField.Name($0) }
}

/// Where a response came from. A struct of named values rather than an enum, so that later
/// sources (a fallback) are not a breaking change to code that switches over them.
public struct ResponseSource: Sendable, Hashable, CustomStringConvertible {
    /// The source's name, as ``description`` shows it.
    public let name: String

    private init(_ name: String) {
        self.name = name
    }

    /// The server answered this call (or an identical one in flight at the same time, which the
    /// call joined).
    public static let network = ResponseSource("network")
    /// The response cache answered with a fresh copy, or with a stale one while it revalidates in
    /// the background (`stale-while-revalidate`); no request was waited for.
    public static let cache = ResponseSource("cache")
    /// The response cache asked the server whether its copy was still current, and it was: the
    /// server said `304 Not Modified` and the stored body answered.
    public static let revalidatedCache = ResponseSource("revalidated cache")
    /// The server failed and the response cache answered with a stale copy (`stale-if-error`).
    public static let staleCache = ResponseSource("stale cache")
    /// A generated mock answered.
    public static let mock = ResponseSource("mock")
    /// The call failed and the client's fallback in code answered (see
    /// ``ResponseMetadata/fallback``).
    public static let fallback = ResponseSource("fallback")

    /// The source's name: `network`, `cache`, `revalidated cache`, `stale cache`, `mock` or
    /// `fallback`.
    public var description: String { name }
}
