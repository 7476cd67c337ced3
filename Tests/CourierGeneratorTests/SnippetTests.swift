import CourierSpec
import CourierTestSupport
import Testing

@testable import CourierGenerator

/// A few lines of spec in, the exact Swift out: one test per template feature, so a change to a
/// template shows here as the lines it changes.
@Suite("Snippets", .serialized, .timeLimit(.minutes(3)))
struct SnippetTests {
    /// The generated files of a spec given as text (after `courier: 1` and `service: Shop`), by kind.
    static func generate(_ yaml: String) async throws -> [GeneratedKind: String] {
        try await offCooperativePool { try generateNow(yaml) }
    }

    /// ``generate(_:)`` on the calling thread.
    private static func generateNow(_ yaml: String) throws -> [GeneratedKind: String] {
        let path = "shop.courier.yaml"
        let text = "courier: 1\nservice: Shop\n" + yaml
        var loader = SpecLoader { requested in
            guard requested == path else { throw SpecLoader.ReadError(description: "no such file") }
            return Array(text.utf8)
        }
        let result = loader.load(path)
        let spec = try #require(result.spec, "\(result.diagnostics.map(\.description))")
        let files = try CourierGenerator().generate(spec)
        var byKind: [GeneratedKind: String] = [:]
        for kind in GeneratedKind.allCases {
            byKind[kind] = files.first { $0.name == kind.fileName(forSpecAt: path) }?.contents
        }
        return byKind
    }

    /// Expects `snippet`, whole lines, somewhere in `text`.
    static func expect(
        _ snippet: String, in text: String?, sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) {
        let text = text ?? ""
        #expect(
            ("\n" + text).contains("\n" + snippet + "\n"), "expected:\n\(snippet)\nin:\n\(text)",
            sourceLocation: sourceLocation)
    }

    @Test("a property with its own JSON key, a default and an optional decode as the spec says")
    func propertyForms() async throws {
        let files = try await Self.generate(
            """
            models:
              Item:
                properties:
                  name: { type: string, json: display_name }
                  size: { type: int32, default: 3 }
                  note: string?
            """)
        Self.expect(
            """
                private enum CodingKeys: Swift.String, Swift.CodingKey {
                    case name = "display_name"
                    case size
                    case note
                }
            """, in: files[.models])
        Self.expect(
            """
                    self.name = try container.decode(Swift.String.self, forKey: .name)
                    self.size = try container.decodeIfPresent(Swift.Int32.self, forKey: .size) ?? 3
                    self.note = try container.decodeIfPresent(Swift.String.self, forKey: .note)
            """, in: files[.models])
        Self.expect(
            """
                public init(
                    name: Swift.String,
                    size: Swift.Int32 = 3,
                    note: Swift.String? = nil
                ) {
            """, in: files[.models])
    }

    @Test("a deprecated property is a computed property over private storage")
    func deprecatedProperty() async throws {
        let files = try await Self.generate(
            """
            models:
              Item:
                properties:
                  price: { type: decimal, deprecated: Use cost. }
            """)
        Self.expect(
            """
                @available(*, deprecated, message: "Use cost.")
                public var price: Foundation.Decimal {
                    get { _price }
                    set { _price = newValue }
                }

                private var _price: Foundation.Decimal
            """, in: files[.models])
    }

    @Test("an enum keeps values it does not know")
    func enumeration() async throws {
        let files = try await Self.generate(
            """
            models:
              Size:
                enum: [small, x-large]
            """)
        Self.expect(
            """
                public init(rawValue: Swift.String) {
                    switch rawValue {
                    case "small": self = .small
                    case "x-large": self = .xLarge
                    default: self = .unknown(rawValue)
                    }
                }
            """, in: files[.models])
    }

    @Test("a union decodes the variant its discriminator names")
    func union() async throws {
        let files = try await Self.generate(
            """
            models:
              Circle: { properties: { kind: string, radius: double } }
              Square: { properties: { kind: string, side: double } }
              Shape:
                oneOf: { discriminator: kind, variants: { circle: Circle, square: Square } }
            """)
        Self.expect(
            """
                    switch try CourierRuntime.Discriminator.tag(from: decoder, key: "kind") {
                    case "circle": self = .circle(try Circle(from: decoder))
                    case "square": self = .square(try Square(from: decoder))
                    default: self = .unknown(try CourierRuntime.JSONValue(from: decoder))
                    }
            """, in: files[.models])
    }

    @Test("an alias is a typealias")
    func alias() async throws {
        let files = try await Self.generate(
            """
            models:
              Sku: { type: string, description: A stock-keeping unit. }
            """)
        Self.expect(
            """
            /// A stock-keeping unit.
            ///
            /// - Remark: Generated from model `Sku`.
            public typealias Sku = Swift.String
            """, in: files[.models])
    }

    @Test("an endpoint builds its request from path, query, header and body parameters")
    func requestBuilding() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            endpoints:
              putItem:
                method: PUT
                path: /items/{id}
                params: { id: uuid }
                query: { dryRun: bool? }
                headers: { If-Match: string }
                body: string
                response: { status: 204 }
            """)
        Self.expect(
            """
                    var request = CourierRuntime.RequestBuilder(.put, path: "/items/\\(id)")
                    request.query("dryRun", dryRun)
                    request.header("If-Match", ifMatch)
                    request.textBody(body, contentType: "text/plain")
                    do {
                        return try await self.runtime.send(ShopOperations.putItem, request, options: options)
                    } catch {
                        guard let fallback = self.fallbacks.putItem, error.allowsFallback else { throw error }
                        return try await CourierRuntime.Response(
                            value: fallback(id, dryRun, ifMatch, body, error),
                            metadata: .answeredInCode(after: error)
                        )
                    }
            """, in: files[.client])
    }

    @Test("constraints become checks: in a model's validate(), and before a request is sent")
    func constraints() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            models:
              Item:
                properties:
                  sku: { type: string, pattern: "^[A-Z]{3}-\\\\d+$" }
                  tags: { type: list<string>, maxItems: 5, uniqueItems: true, minLength: 1 }
                  price: { type: decimal, exclusiveMinimum: 0 }
            endpoints:
              putItem:
                method: PUT
                path: /items
                query: { limit: { type: int32, minimum: 1, maximum: 100 } }
                body: Item
                response: { status: 204 }
            """)
        Self.expect(
            """
            extension Item: CourierRuntime.Validatable {
                /// Checks the spec's constraints on the properties and the models they hold; throws the first
                /// value that breaks one.
                public func validate() throws(CourierRuntime.ConstraintViolation) {
                    try CourierRuntime.TextRules(pattern: .cached("^[A-Z]{3}-\\\\d+$"))
                        .check(self.sku, at: "sku")
                    try CourierRuntime.ListRules(maxItems: 5, uniqueItems: true)
                        .check(self.tags, at: "tags")
                    try CourierRuntime.TextRules(minLength: 1).check(self.tags, at: "tags")
                    try CourierRuntime.NumberRules<Foundation.Decimal>(exclusiveMinimum: 0)
                        .check(self.price, at: "price")
                }
            }
            """, in: files[.models])
        Self.expect(
            """
                    var request = CourierRuntime.RequestBuilder(.put, path: "/items")
                    request.validate("query") { () throws(CourierRuntime.ConstraintViolation) in
                        try CourierRuntime.NumberRules<Swift.Int32>(minimum: 1, maximum: 100)
                            .check(limit, at: "limit")
                    }
                    request.validate("body") { () throws(CourierRuntime.ConstraintViolation) in
                        try body.validate()
                    }
                    request.query("limit", limit)
            """, in: files[.client])
    }

    @Test("tags and fallbacks reach the operation")
    func tagsAndFallbacks() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com, old: https://old.shop.example.com }
            endpoints:
              getItem:
                method: GET
                path: /items
                response: string
                cache: { ttl: 10s }
                tags: [reads, "a\\"b"]
                fallback: { server: old, staleCache: true }
            """)
        Self.expect(
            """
                    hasIdempotencyKey: false,
                    tags: ["reads", "a\\"b"],
                    fallback: CourierRuntime.FallbackPolicy(
                        server: "old",
                        at: ShopServer.old.url,
                        staleCache: true
                    )
                )
            """, in: files[.client])
    }

    @Test("an endpoint without a description gets its method and path as its summary")
    func endpointSummary() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            endpoints:
              getItem: { method: GET, path: "/items/{id}", params: { id: uuid }, response: string }
            """)
        Self.expect(
            """
                /// `GET /items/{id}`
                ///
                /// - Parameters:
                ///   - id: The `id` path parameter.
                ///   - options: Settings for this call, such as its timeout.
                /// - Remark: Generated from endpoint `getItem`:
                ///   `GET /items/{id}`.
            """, in: files[.client])
    }

    @Test("a service without a description still opens its protocol's and client's docs with a summary")
    func serviceSummary() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            endpoints:
              ping: { method: GET, path: /ping }
            """)
        Self.expect(
            """
            /// The calls of the Shop service.
            ///
            /// ``ShopClient`` talks to the service; ``ShopMock`` stands in for it in tests. Write code
            /// against this protocol to use either.
            public protocol ShopAPI: Swift.Sendable {
            """, in: files[.client])
        Self.expect(
            """
            /// A client of the Shop service.
            ///
            /// Create one and share it: copies share the runtime, and with it the transport's connections.
            public struct ShopClient: ShopAPI, CourierRuntime.ServiceClient {
            """, in: files[.client])
    }

    @Test("a declared error is a case, a flag on the error type and a route of the endpoint")
    func declaredError() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            errors:
              Missing: { status: 404, body: Problem }
            models:
              Problem: { properties: { title: string } }
            endpoints:
              getItem: { method: GET, path: /item, response: string, errors: [Missing] }
            """)
        let client = files[.client]
        Self.expect(
            """
            public enum ShopDeclaredError: CourierRuntime.DeclaredError, Swift.Hashable {
                /// The server answered 404.
                case missing(Problem)
            """, in: client)
        Self.expect(
            """
                public var isMissing: Swift.Bool {
                    if case .declared(.missing, _) = self { return true }
                    return false
                }
            """, in: client)
        Self.expect(
            """
                    errors: [
                        .json(404, ShopDeclaredError.missing),
                    ],
            """, in: client)
    }

    @Test("an endpoint with the service's resilience shares it; one that differs writes its own, an argument a line")
    func resilience() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            defaults:
              retry: none
              circuitBreaker: none
            endpoints:
              a: { method: GET, path: /a }
              b: { method: GET, path: /b, rateLimit: { requests: 5, per: 1s }, hedge: { delay: p99, maxAttempts: 3 } }
            """)
        let client = files[.client]
        Self.expect(
            """
                static let resilience = CourierRuntime.ResiliencePolicy(
                    timeouts: CourierRuntime.Timeouts(total: .seconds(30), attempt: .seconds(10)),
                    retry: CourierRuntime.RetryPolicy.disabled,
                    circuitBreaker: CourierRuntime.CircuitBreakerPolicy.disabled,
                    bulkhead: CourierRuntime.BulkheadPolicy(maxConcurrent: 100, maxWait: .zero),
                    rateLimit: nil,
                    cache: nil,
                    hedge: nil
                )
            """, in: client)
        Self.expect(
            """
                    service: "Shop",
                    resilience: resilience,
            """, in: client)
        Self.expect(
            """
                        rateLimit: CourierRuntime.RateLimitPolicy(
                            requests: 5,
                            per: .seconds(1),
                            burst: 5,
                            maxWait: .zero
                        ),
                        cache: nil,
                        hedge: CourierRuntime.HedgePolicy(delay: .percentile(0.99), maxAttempts: 3)
            """, in: client)
    }

    @Test("a paginated endpoint gets an …Items sequence without the cursor parameter")
    func pagination() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            models:
              Page: { properties: { items: list<string>, next: string? } }
            endpoints:
              list:
                method: GET
                path: /items
                query: { cursor: string?, size: int32? }
                response: Page
                pagination: { cursor: query.cursor, next: response.next, items: response.items }
            """)
        Self.expect(
            """
                public func listItems(
                    size: Swift.Int32? = nil,
                    options: CourierRuntime.RequestOptions = CourierRuntime.RequestOptions()
                ) -> CourierRuntime.PageSequence<Swift.String, Swift.String> {
                    CourierRuntime.PageSequence { cursor in
                        let page = try await self.list(
                            cursor: cursor,
                            size: size,
                            options: options
                        )
                        return (page.items, page.next)
                    }
                }
            """, in: files[.client])
    }

    @Test("a server-sent event stream knows each union variant's event name and resumes by default")
    func serverSentEventStream() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            models:
              Placed: { properties: { kind: string, id: string } }
              Shipped: { properties: { kind: string, id: string, carrier: string } }
              OrderEvent:
                oneOf: { discriminator: kind, variants: { placed: Placed, shipped: Shipped } }
            endpoints:
              watchOrders:
                method: GET
                path: /orders/events
                query: { since: string? }
                stream: { event: OrderEvent, terminator: "[DONE]", reconnect: { maxAttempts: unlimited } }
            """)
        Self.expect(
            """
                public func watchOrders(
                    since: Swift.String?,
                    lastEventID: Swift.String?,
                    options: CourierRuntime.RequestOptions
                ) -> CourierRuntime.ServerSentEventStream<OrderEvent, ShopDeclaredError> {
                    var request = CourierRuntime.RequestBuilder(.get, path: "/orders/events")
                    request.query("since", since)
                    return self.runtime.events(
                        ShopOperations.watchOrders,
                        request,
                        lastEventID: lastEventID,
                        options: options
                    )
                }
            """, in: files[.client])
        Self.expect(
            """
                    stream: CourierRuntime.StreamPolicy(
                        format: .serverSentEvents,
                        resumesFromLastEventID: true,
                        terminator: "[DONE]",
                        reconnect: CourierRuntime.ReconnectPolicy(
                            initial: .milliseconds(500),
                            max: .seconds(30),
                            jitter: .full,
                            maxAttempts: nil
                        )
                    ),
                    events: .serverSentEvents([
                        "message": .json(OrderEvent.self),
                        "placed": .json(Placed.self, OrderEvent.placed),
                        "shipped": .json(Shipped.self, OrderEvent.shipped),
                    ])
            """, in: files[.client])
    }

    @Test("a union variant tagged message decodes the events that name none")
    func messageVariant() async throws {
        let files = try await Self.generate(
            """
            models:
              Note: { properties: { type: string, text: string } }
              Ping: { properties: { type: string } }
              Update: { oneOf: { discriminator: type, variants: { message: Note, ping: Ping } } }
            endpoints:
              updates: { method: GET, path: /updates, stream: { event: Update } }
            """)
        Self.expect(
            """
                    events: .serverSentEvents([
                        "message": .json(Note.self, Update.message),
                        "ping": .json(Ping.self, Update.ping),
                    ])
            """, in: files[.client])
    }

    @Test("a POST stream of JSON Lines is never reconnected and takes no last event ID")
    func jsonLinesStream() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            models:
              Chunk: { properties: { text: string } }
            endpoints:
              complete:
                method: POST
                path: /complete
                body: string
                stream: { format: ndjson, event: Chunk }
            """)
        Self.expect(
            """
                public func complete(
                    body: Swift.String,
                    options: CourierRuntime.RequestOptions = CourierRuntime.RequestOptions()
                ) -> CourierRuntime.EventStream<Chunk, ShopDeclaredError> {
            """, in: files[.client])
        Self.expect(
            """
                        resumesFromLastEventID: false,
                        terminator: nil,
                        reconnect: .never
                    ),
                    events: .jsonLines()
            """, in: files[.client])
    }

    @Test("a channel opens through the runtime with its handshake request, policy and onConnect hook")
    func channel() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            defaults:
              keepalive: { interval: 30s }
              channel: { reconnect: { maxAttempts: 20 } }
            models:
              PriceCommand: { properties: { symbols: list<string> } }
              PriceUpdate: { properties: { symbol: string, price: decimal } }
            channels:
              prices:
                path: /ws/prices
                query: { symbols: list<string> }
                headers: { X-Tenant: string? }
                send: PriceCommand
                receive: PriceUpdate
                reconnect: { initial: 2s }
            """)
        Self.expect(
            """
                public func prices(
                    symbols: [Swift.String],
                    xTenant: Swift.String?,
                    policy: CourierRuntime.ChannelPolicy?,
                    onConnect: CourierRuntime.ChannelConnectHook<PriceCommand>?
                ) -> CourierRuntime.WebSocketChannel<PriceCommand, PriceUpdate> {
                    var request = CourierRuntime.RequestBuilder(.get, path: "/ws/prices")
                    request.query("symbols", symbols)
                    request.header("X-Tenant", xTenant)
                    return self.runtime.channel(ShopOperations.prices, request, policy: policy, onConnect: onConnect)
                }
            """, in: files[.client])
        Self.expect(
            """
                static let prices = CourierRuntime.ChannelOperation<PriceCommand, PriceUpdate>(
                    name: "prices",
                    authSchemes: [],
                    service: "Shop",
                    policy: CourierRuntime.ChannelPolicy(
                        reconnect: CourierRuntime.ReconnectPolicy(
                            initial: .seconds(2),
                            max: .seconds(30),
                            jitter: .full,
                            maxAttempts: 20
                        ),
                        keepalive: CourierRuntime.KeepalivePolicy(interval: .seconds(30), timeout: .seconds(10))
                    )
                )
            """, in: files[.client])
        Self.expect(
            """
                    policy: CourierRuntime.ChannelPolicy? = nil,
                    onConnect: CourierRuntime.ChannelConnectHook<PriceCommand>? = nil
                ) -> CourierRuntime.WebSocketChannel<PriceCommand, PriceUpdate> {
            """, in: files[.client])
        Self.expect(
            """
                public var pricesHandler: (
                    @Sendable (
                        ShopMockCall,
                        CourierRuntime.ChannelConnectHook<PriceCommand>?
                    ) -> CourierRuntime.WebSocketChannel<PriceCommand, PriceUpdate>
                )? {
            """, in: files[.mock])
    }

    @Test("a channel without send sends NoMessage, and keepalive: none turns pings off")
    func receiveOnlyChannel() async throws {
        let files = try await Self.generate(
            """
            models:
              Tick: { properties: { n: int32 } }
            channels:
              ticks: { path: /ws/ticks, receive: Tick, keepalive: none }
            """)
        Self.expect(
            """
                static let ticks = CourierRuntime.ChannelOperation<CourierRuntime.NoMessage, Tick>(
            """, in: files[.client])
        Self.expect(
            """
                        keepalive: nil
                    )
                )
            """, in: files[.client])
    }

    @Test("auth schemes become credentials read from the environment and applied by scheme name")
    func auth() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            auth:
              key: { type: apiKey, in: header, name: X-Key, env: SHOP_KEY }
            endpoints:
              ping: { method: GET, path: /ping }
            """)
        let client = files[.client]
        Self.expect(
            """
                public init(environment: CourierRuntime.EnvironmentReader) {
                    self.key = environment.secret("SHOP_KEY")
                }
            """, in: client)
        Self.expect(
            """
                    credentials[scheme: "key"] = self.key.map { .apiKeyHeader(name: "X-Key", key: $0) }
            """, in: client)
        Self.expect(
            """
                public static let service = CourierRuntime.ServiceDescription(
                    name: "Shop",
                    environmentPrefix: "SHOP",
                    defaultServer: ShopServer.main.url
                )
            """, in: client)
    }

    @Test("a response that depends on the status is an enum with a case per status")
    func responseCases() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            endpoints:
              export:
                method: GET
                path: /export
                responses:
                  200: { type: string, contentType: text/csv }
                  204: ~
            """)
        Self.expect(
            """
            public enum ExportResponse: Swift.Hashable, Swift.Sendable {
                /// Status 200, with `string`.
                case ok(Swift.String)
                /// Status 204, with no body.
                case noContent
            }
            """, in: files[.client])
    }

    @Test("long statements break where Swift allows, so generated lines stay under 120 columns")
    func lineBreaking() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            models:
              Item:
                properties:
                  preferences: { type: "map<list<map<string>>>?" }
            endpoints:
              adjust:
                method: POST
                path: "/inventory/v2/warehouses/{warehouse}/stock/{sku}/adjustments"
                params: { warehouse: string, sku: string }
                query:
                  reason:
                    type: string?
                    description: >-
                      Why the stock changed, as the warehouse staff wrote it; it is kept with the
                      adjustment and shown in audits for as long as the adjustment is kept.
            """)
        Self.expect(
            """
                    self.preferences = try container.decodeIfPresent(
                        [Swift.String: [[Swift.String: Swift.String]]].self,
                        forKey: .preferences
                    )
            """, in: files[.models])
        Self.expect(
            """
                    var request = CourierRuntime.RequestBuilder(
                        .post,
                        path: "/inventory/v2/warehouses/\\(warehouse)/stock/\\(sku)/adjustments"
                    )
            """, in: files[.client])
        Self.expect(
            """
                ///   - reason: Why the stock changed, as the warehouse staff wrote it; it is kept with the adjustment and
                ///     shown in audits for as long as the adjustment is kept.
            """, in: files[.client])
        for (kind, text) in files {
            for line in text.split(separator: "\n") {
                #expect(line.count <= 120, "\(kind): \(line)")
            }
        }
    }

    @Test("a body with several media types documents each on its own line")
    func mediaTypeChoices() async throws {
        let files = try await Self.generate(
            """
            servers: { main: https://shop.example.com }
            models:
              Note: { properties: { text: string } }
            endpoints:
              addNote:
                method: POST
                path: /notes
                body: { type: Note, contentType: [application/json, application/x-www-form-urlencoded] }
            """)
        Self.expect(
            """
                ///   - contentType: The media type to send the body as, one of:
                ///     - `application/json`
                ///     - `application/x-www-form-urlencoded`
            """, in: files[.client])
    }

    @Test("a kind left out of the generated set holds only a comment")
    func omittedKind() async throws {
        let spec = try #require(try Repository.allSpecs.first { $0.file.service == "Payments" })
        let files = try await offCooperativePool { try CourierGenerator(kinds: [.models]).generate(spec) }
        #expect(files.map(\.name) == ["PaymentsModels.swift", "PaymentsClient.swift", "PaymentsMock.swift"])
        #expect(
            files[1].contents.contains("\n// No client code: generating 'client' is turned off"), "\(files[1].contents)"
        )
        #expect(
            files[2].contents.contains("\n// No mock code: generating 'mock' is turned off"), "\(files[2].contents)")
    }
}
