import Foundation
import HTTPTypes

/// What a generated client knows about one endpoint: its name, auth schemes, how to read a
/// successful response and which error statuses it declares.
///
/// Generated code creates one per endpoint, once, as a static constant.
@_spi(Generated)
public struct Operation<Output: Sendable, Declared: DeclaredError>: Sendable {
    /// Everything but how responses are read: what the runtime's calls need, without generics.
    @usableFromInline
    let endpoint: EndpointInfo
    /// How a successful response becomes `Output`.
    public let output: ResponseBody<Output>
    /// The declared error statuses.
    public let errors: [ErrorRoute<Declared>]

    /// The endpoint's name in the spec, such as `getPayment`.
    public var name: String { endpoint.name }
    /// The spec's auth schemes this endpoint accepts, in order of preference; empty for none.
    public var authSchemes: [String] { endpoint.authSchemes }
    /// The service, as the spec names it.
    public var service: String { endpoint.service }
    /// The endpoint's resilience settings from the spec: its `defaults` with the endpoint's overrides.
    public var resilience: ResiliencePolicy { endpoint.resilience }
    /// Whether the endpoint sends an idempotency key, which makes retrying it safe whatever its method.
    public var hasIdempotencyKey: Bool { endpoint.hasIdempotencyKey }
    /// The `User-Agent` its requests carry unless the configuration or the call sets one:
    /// `Payments Courier/0.1.0`, the service and the runtime's version. Made once per endpoint.
    public var userAgent: String { endpoint.userAgent }
    /// The endpoint's `tags:`, which select middleware (``Middleware/forEndpoints(tagged:)``).
    public var tags: [String] { endpoint.tags }
    /// What answers when a call fails after its retries: the spec's `fallback:`.
    public var fallback: FallbackPolicy? { endpoint.fallback }

    /// Describes an endpoint.
    public init(
        name: String, authSchemes: [String], output: ResponseBody<Output>, errors: [ErrorRoute<Declared>],
        service: String = "", resilience: ResiliencePolicy = .standard, hasIdempotencyKey: Bool = false,
        tags: [String] = [], fallback: FallbackPolicy? = nil
    ) {
        self.endpoint = EndpointInfo(
            name: name, authSchemes: authSchemes, accept: output.accept, service: service, resilience: resilience,
            hasIdempotencyKey: hasIdempotencyKey, tags: tags, fallback: fallback)
        self.output = output
        self.errors = errors
    }
}

/// What a call needs of its endpoint apart from how to read the responses: one per endpoint,
/// shared by the copies of its ``Operation``, so that the runtime's calls pass it without generics.
@_spi(Generated)
public final class EndpointInfo: Sendable {
    let name: String
    let authSchemes: [String]
    /// The media type sent in `Accept`, or `nil` for none.
    let accept: String?
    let service: String
    let resilience: ResiliencePolicy
    let hasIdempotencyKey: Bool
    let userAgent: String
    let tags: [String]
    let fallback: FallbackPolicy?
    /// Whether ``fallback`` is set, read where a call fails without copying the policy.
    @usableFromInline
    let hasFallback: Bool
    /// The endpoint's plans on the clients that call it (see ``EndpointPlan``).
    let plans = EndpointPlans()

    init(
        name: String, authSchemes: [String], accept: String?, service: String, resilience: ResiliencePolicy,
        hasIdempotencyKey: Bool, tags: [String], fallback: FallbackPolicy?
    ) {
        self.name = name
        self.authSchemes = authSchemes
        self.accept = accept
        self.service = service
        self.resilience = resilience
        self.hasIdempotencyKey = hasIdempotencyKey
        self.userAgent = defaultUserAgent(service: service)
        self.tags = tags
        self.fallback = fallback
        self.hasFallback = fallback != nil
    }
}

/// `Payments Courier/0.1.0`: the service and the runtime's version, or the runtime alone when the
/// service has no name. What an endpoint's requests carry unless the configuration or the call
/// sets a `User-Agent`.
func defaultUserAgent(service: String) -> String {
    let product = "Courier/" + CourierRuntimeCompatibility.version
    return service.isEmpty ? product : service + " " + product
}

/// How a successful response body becomes the endpoint's result.
@_spi(Generated)
public struct ResponseBody<Output: Sendable>: Sendable {
    /// The media type sent in `Accept`, or `nil` for none.
    public let accept: String?
    let decode: @Sendable (Data, HTTPResponse.Status) throws -> Output

    /// Reads `Output` with a custom function.
    public init(accept: String?, decode: @escaping @Sendable (Data) throws -> Output) {
        self.accept = accept
        self.decode = { data, _ in try decode(data) }
    }

    /// A response whose body depends on its status: each success status the spec declares with
    /// how its body becomes `Output` (a case of the endpoint's generated response enum). Another
    /// 2xx status is an unexpected status.
    public static func cases(accept: String?, _ cases: [StatusCase<Output>]) -> ResponseBody {
        ResponseBody(
            accept: accept,
            statusDecode: { data, status in
                guard let match = cases.first(where: { $0.status == status.code }) else { throw UndeclaredSuccess() }
                return try match.make(data)
            })
    }

    private init(accept: String?, statusDecode: @escaping @Sendable (Data, HTTPResponse.Status) throws -> Output) {
        self.accept = accept
        self.decode = statusDecode
    }
}

/// A 2xx status that a response declared by status does not list.
struct UndeclaredSuccess: Error {}

/// One success status of an endpoint whose response depends on the status, and how its body
/// becomes the endpoint's output.
@_spi(Generated)
public struct StatusCase<Output: Sendable>: Sendable {
    /// The status code.
    public let status: Int
    let make: @Sendable (Data) throws -> Output

    /// A JSON body: `.json(200, ExportReportResponse.ok)`.
    public static func json<Body: Decodable & Sendable>(_ status: Int, _ make: @escaping @Sendable (Body) -> Output)
        -> StatusCase
    {
        StatusCase(status: status) { data in make(try JSONCoding.makeDecoder().decode(Body.self, from: data)) }
    }

    /// A UTF-8 text body: `.text(203, ExportReportResponse.nonAuthoritativeInformation)`.
    public static func text(_ status: Int, _ make: @escaping @Sendable (String) -> Output) -> StatusCase {
        StatusCase(status: status) { data in make(try ResponseBody<String>.utf8Text(data)) }
    }

    /// A body of raw bytes.
    public static func bytes(_ status: Int, _ make: @escaping @Sendable (Data) -> Output) -> StatusCase {
        StatusCase(status: status) { data in make(data) }
    }

    /// No body: `.empty(204, .noContent)`.
    public static func empty(_ status: Int, _ value: Output) -> StatusCase {
        StatusCase(status: status) { _ in value }
    }
}

extension ResponseBody where Output: Decodable {
    /// A JSON body.
    public static var json: ResponseBody {
        ResponseBody(accept: "application/json") { data in
            try JSONCoding.makeDecoder().decode(Output.self, from: data)
        }
    }

    /// A JSON body with a media type of its own, such as `application/problem+json`.
    public static func json(accept: String) -> ResponseBody {
        ResponseBody(accept: accept) { data in
            try JSONCoding.makeDecoder().decode(Output.self, from: data)
        }
    }
}

extension ResponseBody where Output == String {
    /// A text body, read as UTF-8.
    public static func text(accept: String) -> ResponseBody {
        ResponseBody(accept: accept, decode: utf8Text)
    }

    /// `data` as UTF-8 text, or a decoding error saying it is not.
    @Sendable static func utf8Text(_ data: Data) throws -> String {
        guard let text = String(data: data, encoding: .utf8) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "the body is not UTF-8 text"))
        }
        return text
    }
}

extension ResponseBody where Output == Data {
    /// Raw bytes.
    public static func bytes(accept: String) -> ResponseBody {
        ResponseBody(accept: accept) { data in data }
    }
}

extension ResponseBody where Output == Void {
    /// No body; whatever the server sends is ignored.
    public static var empty: ResponseBody {
        ResponseBody(accept: nil) { _ in () }
    }
}

/// A declared error status and how its body becomes the service's declared-error enum.
@_spi(Generated)
public struct ErrorRoute<Declared: DeclaredError>: Sendable {
    /// The status code.
    public let status: Int
    /// Whether the error has a body to decode.
    public let hasBody: Bool
    let make: @Sendable (Data) throws -> Declared

    /// A declared error with a JSON body: `.json(404, PaymentsDeclaredError.notFound)`.
    public static func json<Body: Decodable & Sendable>(_ status: Int, _ make: @escaping @Sendable (Body) -> Declared)
        -> ErrorRoute
    {
        ErrorRoute(status: status, hasBody: true) { data in
            let body = try JSONCoding.makeDecoder().decode(Body.self, from: data)
            return make(body)
        }
    }

    /// A declared error whose body is ignored: `.empty(503, .unavailable)`.
    public static func empty(_ status: Int, _ value: Declared) -> ErrorRoute {
        ErrorRoute(status: status, hasBody: false) { _ in value }
    }
}
