import Foundation
import HTTPTypes
import InMemoryLogging
import Logging
import Testing

@_spi(Generated) @testable import CourierRuntime

/// The violation `body` throws, or `nil` when it passes.
private func violation(_ body: () throws(ConstraintViolation) -> Void) -> ConstraintViolation? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

/// A model as generated code writes one: rules on its members, a nested model.
private struct Line: Validatable, Hashable {
    var sku: String
    var quantity: Int32

    func validate() throws(ConstraintViolation) {
        try TextRules(minLength: 3).check(sku, at: "sku")
        try NumberRules<Int32>(minimum: 1).check(quantity, at: "quantity")
    }
}

private struct Order: Validatable {
    var lines: [Line]
    var byWarehouse: [String: Line]?

    func validate() throws(ConstraintViolation) {
        try ListRules(minItems: 1).check(lines, at: "lines")
        try Constraints.member(lines, at: "lines")
        try Constraints.member(byWarehouse, at: "byWarehouse")
    }
}

@Suite("Constraints", .timeLimit(.minutes(3)))
struct ConstraintTests {
    @Test("number bounds hold at the limit and fail just past it, for every number type")
    func numberBounds() {
        let int32 = NumberRules<Int32>(minimum: 1, maximum: 100)
        #expect(violation { () throws(ConstraintViolation) in try int32.check(Int32(1), at: "n") } == nil)
        #expect(violation { () throws(ConstraintViolation) in try int32.check(Int32(100), at: "n") } == nil)
        #expect(
            violation { () throws(ConstraintViolation) in try int32.check(Int32(0), at: "n") }
                == ConstraintViolation(.minimum("1"), at: [.key("n")]))
        #expect(
            violation { () throws(ConstraintViolation) in try int32.check(Int32(101), at: "n") }
                == ConstraintViolation(.maximum("100"), at: [.key("n")]))

        let extremes = NumberRules<Int64>(minimum: .min, maximum: .max)
        #expect(violation { () throws(ConstraintViolation) in try extremes.check(Int64.min, at: "n") } == nil)

        let open = NumberRules<Double>(exclusiveMinimum: 0, exclusiveMaximum: 1)
        #expect(violation { () throws(ConstraintViolation) in try open.check(0.5, at: "x") } == nil)
        #expect(
            violation { () throws(ConstraintViolation) in try open.check(0.0, at: "x") }?.rule
                == .exclusiveMinimum("0.0"))
        #expect(
            violation { () throws(ConstraintViolation) in try open.check(1.0, at: "x") }?.rule
                == .exclusiveMaximum("1.0"))
        #expect(
            violation { () throws(ConstraintViolation) in try open.check(Double.nan, at: "x") }?.rule
                == .exclusiveMinimum("0.0"), "not a number is within no bounds")

        let cents = Decimal(sign: .plus, exponent: -2, significand: 1)
        let decimal = NumberRules<Decimal>(minimum: cents)
        #expect(violation { () throws(ConstraintViolation) in try decimal.check(cents, at: "d") } == nil)
        #expect(
            violation { () throws(ConstraintViolation) in try decimal.check(Decimal(string: "0.009")!, at: "d") }?
                .description == "d: must be at least 0.01")

        let float = NumberRules<Float>(maximum: 2.5)
        #expect(violation { () throws(ConstraintViolation) in try float.check(Float(2.5), at: "f") } == nil)
        #expect(violation { () throws(ConstraintViolation) in try float.check(Float(2.5).nextUp, at: "f") } != nil)
    }

    @Test("lengths count Unicode scalars, at the limit and one past it")
    func lengths() {
        let rules = TextRules(minLength: 2, maxLength: 3)
        #expect(violation { () throws(ConstraintViolation) in try rules.check("ab", at: "s") } == nil)
        #expect(violation { () throws(ConstraintViolation) in try rules.check("abc", at: "s") } == nil)
        #expect(violation { () throws(ConstraintViolation) in try rules.check("a", at: "s") }?.rule == .minLength(2))
        #expect(violation { () throws(ConstraintViolation) in try rules.check("abcd", at: "s") }?.rule == .maxLength(3))
        // "é" written as e + combining accent is one character but two scalars, as JSON Schema counts.
        #expect(violation { () throws(ConstraintViolation) in try rules.check("e\u{301}", at: "s") } == nil)
        #expect(violation { () throws(ConstraintViolation) in try rules.check("日本語", at: "s") } == nil)
        #expect(violation { () throws(ConstraintViolation) in try rules.check("日本語x", at: "s") } != nil)
        #expect(
            violation { () throws(ConstraintViolation) in try TextRules(maxLength: 0).check("", at: "s") } == nil)
    }

    @Test("patterns match anywhere unless anchored, read Unicode classes, and are compiled once")
    func patterns() {
        let anchored = TextRules(pattern: .cached("^[A-Z]{3}$"))
        #expect(violation { () throws(ConstraintViolation) in try anchored.check("EUR", at: "c") } == nil)
        #expect(
            violation { () throws(ConstraintViolation) in try anchored.check("EURO", at: "c") }?.description
                == "c: must match ^[A-Z]{3}$")
        let anywhere = TextRules(pattern: .cached("[0-9]"))
        #expect(violation { () throws(ConstraintViolation) in try anywhere.check("ab1", at: "c") } == nil)
        #expect(violation { () throws(ConstraintViolation) in try anywhere.check("abc", at: "c") } != nil)

        let letters = TextRules(pattern: .cached("^\\p{L}+$"))
        #expect(violation { () throws(ConstraintViolation) in try letters.check("Zoë", at: "name") } == nil)
        #expect(violation { () throws(ConstraintViolation) in try letters.check("Ζωή", at: "name") } == nil)
        #expect(violation { () throws(ConstraintViolation) in try letters.check("Zoë1", at: "name") } != nil)
        #expect(violation { () throws(ConstraintViolation) in try letters.check("👋", at: "name") } != nil)

        #expect(Pattern.cached("^a$") === Pattern.cached("^a$"), "one compiled expression per pattern")
        let broken = TextRules(pattern: Pattern("([a-z]"))
        #expect(
            violation { () throws(ConstraintViolation) in try broken.check("abc", at: "c") } != nil,
            "an expression that does not compile fails values instead of passing them")
    }

    @Test(
        "formats accept valid values and refuse near misses",
        arguments: [
            (
                TextFormat.email, ["a@example.com", "first.last+tag@sub.example.co", "x@[127.0.0.1]", "x@[IPv6:::1]"],
                [
                    "a@", "@example.com", "a..b@example.com", ".a@example.com", "a b@example.com", "a@exa mple.com",
                    "a@-x.com",
                ]
            ),
            (
                .uri, ["https://example.com/a?b=c#d", "urn:isbn:0451450523", "mailto:a@example.com"],
                ["example.com", "/relative", "1http://x", "https://exa mple.com", "http://ex\u{E9}.com"]
            ),
            (
                .uuid, ["123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000"],
                ["123e4567e89b12d3a456426614174000", "123e4567-e89b-12d3-a456-42661417400g", ""]
            ),
            (
                .hostname, ["example.com", "a", "xn--bcher-kva.example", "a-b.c-d"],
                ["-a.com", "a-.com", "a..com", ".com", "exa_mple.com", String(repeating: "a", count: 64) + ".com", ""]
            ),
            (
                .ipv4, ["127.0.0.1", "0.0.0.0", "255.255.255.255"],
                ["256.0.0.1", "1.2.3", "1.2.3.4.5", "::1", "01.2.3.4x"]
            ),
            (
                .ipv6, ["::1", "fe80::1", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1"],
                ["1.2.3.4", ":::", "2001:db8::g", "fe80::1%"]
            ),
        ])
    func formats(format: TextFormat, valid: [String], invalid: [String]) {
        for value in valid { #expect(format.accepts(value), "\(format) accepts \(value)") }
        for value in invalid { #expect(!format.accepts(value), "\(format) refuses \(value)") }
        #expect(
            violation { () throws(ConstraintViolation) in try TextRules(format: format).check(invalid[0], at: "v") }?
                .rule == .format(format))
    }

    @Test("item and entry counts, and repeated items found at their second position")
    func counts() {
        let list = ListRules(minItems: 1, maxItems: 3, uniqueItems: true)
        #expect(violation { () throws(ConstraintViolation) in try list.check(["a"], at: "tags") } == nil)
        #expect(violation { () throws(ConstraintViolation) in try list.check(["a", "b", "c"], at: "tags") } == nil)
        #expect(
            violation { () throws(ConstraintViolation) in try list.check([String](), at: "tags") }?.rule == .minItems(1)
        )
        #expect(
            violation { () throws(ConstraintViolation) in try list.check(["a", "b", "c", "d"], at: "tags") }?.rule
                == .maxItems(3))
        #expect(
            violation { () throws(ConstraintViolation) in try list.check(["a", "b", "a"], at: "tags") }
                == ConstraintViolation(.uniqueItems, at: [.key("tags"), .index(2)]))
        #expect(violation { () throws(ConstraintViolation) in try list.check(nil as [String]?, at: "tags") } == nil)
        // Longer lists use a set; the position is the same.
        let long = (0..<40).map(String.init) + ["7"]
        #expect(
            violation { () throws(ConstraintViolation) in try ListRules(uniqueItems: true).check(long, at: "ids") }?
                .path
                == [.key("ids"), .index(40)])

        let map = MapRules(minProperties: 1, maxProperties: 2)
        #expect(violation { () throws(ConstraintViolation) in try map.check(["a": 1], at: "m") } == nil)
        #expect(
            violation { () throws(ConstraintViolation) in try map.check([String: Int](), at: "m") }?.rule
                == .minProperties(1))
        #expect(
            violation { () throws(ConstraintViolation) in try map.check(["a": 1, "b": 2, "c": 3], at: "m") }?.rule
                == .maxProperties(2))
    }

    @Test("rules reach every item of lists, maps and optionals; the path names the item")
    func itemsAndPaths() {
        let tags = TextRules(pattern: .cached("^[a-z]+$"))
        #expect(
            violation { () throws(ConstraintViolation) in try tags.check(["ok", "fine", "no", "NOPE"], at: "tags") }?
                .inside("body").description == "body.tags[3]: must match ^[a-z]+$")
        let scores = NumberRules<Int32>(minimum: 0)
        #expect(
            violation { () throws(ConstraintViolation) in
                try scores.check(["b": Int32(-1), "a": -2, "c": 4], at: "scores")
            }?
            .pathDescription == "scores.a",
            "of several, the smallest key is reported, whatever the dictionary's order")
        let nested: [[String?]]? = [["a"], [nil, "B"]]
        #expect(
            violation { () throws(ConstraintViolation) in try tags.check(nested, at: "grid") }?.pathDescription
                == "grid[1][1]")
        #expect(violation { () throws(ConstraintViolation) in try tags.check(nil as String?, at: "note") } == nil)
    }

    @Test("models check their members; the path runs through lists and maps of models")
    func models() {
        let good = Line(sku: "abc", quantity: 1)
        #expect(violation { () throws(ConstraintViolation) in try Order(lines: [good]).validate() } == nil)
        let order = Order(lines: [good, Line(sku: "abc", quantity: 0)])
        #expect(
            violation { () throws(ConstraintViolation) in try order.validate() }
                == ConstraintViolation(.minimum("1"), at: [.key("lines"), .index(1), .key("quantity")]))
        let mapped = Order(lines: [good], byWarehouse: ["north": good, "east": Line(sku: "x", quantity: 2)])
        #expect(
            violation { () throws(ConstraintViolation) in try mapped.validate() }?.description
                == "byWarehouse.east.sku: must have at least 3 characters")
        #expect(
            violation { () throws(ConstraintViolation) in try Order(lines: []).validate() }?.description
                == "lines: must have at least 1 item")
    }

    @Test("a request whose parameter or body breaks a constraint records the violation and nothing else")
    func requestBuilder() {
        var request = RequestBuilder(.get, path: "/payments")
        request.validate("query") { () throws(ConstraintViolation) in
            try NumberRules<Int32>(minimum: 1, maximum: 100).check(Int32(0), at: "limit")
        }
        request.validate("body") { () throws(ConstraintViolation) in try Order(lines: []).validate() }
        #expect(request.violation == ConstraintViolation(.minimum("1"), at: [.key("query"), .key("limit")]))
        #expect(request.problem == "query.limit: must be at least 1", "the first violation is kept")

        var valid = RequestBuilder(.get, path: "/payments")
        valid.validate("query") { () throws(ConstraintViolation) in
            try NumberRules<Int32>(minimum: 1).check(Int32(1), at: "limit")
        }
        #expect(valid.problem == nil && valid.violation == nil)
    }
}

/// A response model as generated code writes one (internal: the test suite's operation names it).
struct Reading: Decodable, Sendable, Validatable {
    var value: Int32

    func validate() throws(ConstraintViolation) {
        try NumberRules<Int32>(minimum: 0).check(value, at: "value")
    }
}

/// Answers every request with one JSON body.
struct FixedTransport: HTTPTransport {
    let body: String

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        TransportResponse(
            head: HTTPResponse(status: .ok, headerFields: [.contentType: "application/json"]), body: Data(body.utf8))
    }
}

@Suite("Response constraints", .timeLimit(.minutes(3)))
struct ResponseConstraintTests {
    let logs = InMemoryLogHandler()

    func runtime(_ validation: ResponseValidation) -> ServiceRuntime {
        var logger = Logger(label: "courier-test") { _ in logs }
        logger.logLevel = .warning  // calls log at info: only the violation shows
        var configuration = ClientConfiguration(
            server: "https://api.example", transport: FixedTransport(body: #"{"value": -1}"#),
            observability: Observability(logger: logger))
        configuration.responseValidation = validation
        return ServiceRuntime(configuration: configuration)
    }

    let operation = CourierRuntime.Operation<Reading, NoErrors>(
        name: "read", authSchemes: [], output: .json(accept: "application/json"), errors: [], service: "Meters",
        resilience: ResiliencePolicy())

    func send(_ runtime: ServiceRuntime, _ options: RequestOptions = RequestOptions())
        async -> Result<Reading, ClientError<NoErrors>>
    {
        do throws(ClientError<NoErrors>) {
            return .success(
                try await runtime.send(operation, RequestBuilder(.get, path: "/reading"), options: options).value)
        } catch {
            return .failure(error)
        }
    }

    @Test("off by default; warn logs the path and returns the value; error fails as a body that does not match")
    func modes() async throws {
        #expect(try await send(runtime(.off)).get().value == -1)
        #expect(logs.entries.isEmpty)

        #expect(try await send(runtime(.warn)).get().value == -1)
        #expect(logs.entries.count == 1)
        #expect(logs.entries.first?.level == .warning)
        let message = logs.entries.first.map { "\($0.message)" } ?? ""
        #expect(message.contains("breaks the spec at value: must be at least 0"), "\(message)")

        guard
            case .failure(.decoding(let failure)) = await send(
                runtime(.off), RequestOptions(responseValidation: .error))
        else {
            Issue.record("a call can turn checking on")
            return
        }
        #expect(failure.codingPath == "value")
        #expect(failure.message == "must be at least 0")
        #expect(failure.bodyExcerpt == #"{"value": -1}"#, "what was received is kept")
        #expect(try await send(runtime(.error), RequestOptions(responseValidation: .off)).get().value == -1)
    }
}
