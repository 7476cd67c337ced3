import CourierSpec
import Testing

@Suite("Spec model", .timeLimit(.minutes(3)))
struct SpecModelTests {
    func load(_ text: String) -> SpecLoader.Result {
        var loader = SpecLoader { _ in Array(text.utf8) }
        return loader.load("spec.courier.yaml")
    }

    @Test("Effective resilience: built-in defaults, then the spec's defaults, then endpoint overrides, field by field")
    func effectiveResilience() throws {
        let result = load(
            """
            courier: 1
            service: Shop
            defaults:
              timeout: { total: 20s }
              retry: { maxAttempts: 5, backoff: { initial: 200ms } }
              circuitBreaker: none
            endpoints:
              plain: { method: GET, path: /plain }
              tuned:
                method: GET
                path: /tuned
                timeout: { attempt: 2s }
                retry: { backoff: { max: 1s } }
                circuitBreaker: { minimumCalls: 3 }
                cache: { ttl: 1m }
              off: { method: PUT, path: /off, retry: none, bulkhead: none }
            """)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics)")
        let spec = try #require(result.spec)
        let endpoints = Dictionary(uniqueKeysWithValues: spec.file.endpoints.map { ($0.name, $0.resilience) })

        let plain = try #require(endpoints["plain"])
        #expect(plain.timeout == TimeoutPolicy(total: .seconds(20), attempt: .seconds(10)))
        #expect(plain.retry?.maxAttempts == 5)
        #expect(plain.retry?.backoff.initial == .milliseconds(200))
        #expect(plain.retry?.backoff.max == .seconds(20))
        #expect(plain.circuitBreaker == nil)
        #expect(plain.bulkhead == BulkheadPolicy())
        #expect(plain.cache == nil)

        let tuned = try #require(endpoints["tuned"])
        #expect(tuned.timeout == TimeoutPolicy(total: .seconds(20), attempt: .seconds(2)))
        #expect(tuned.retry?.maxAttempts == 5)
        #expect(tuned.retry?.backoff == RetryPolicy.Backoff(initial: .milliseconds(200), max: .seconds(1)))
        // Switched off in defaults, re-enabled here: built-in values under the override.
        #expect(tuned.circuitBreaker == CircuitBreakerPolicy(minimumCalls: 3))
        #expect(tuned.cache == CachePolicy(ttl: .seconds(60)))

        let off = try #require(endpoints["off"])
        #expect(off.retry == nil)
        #expect(off.bulkhead == nil)
    }

    @Test("A cache in defaults applies to GET and HEAD endpoints only")
    func defaultCacheOnlyForReads() throws {
        let spec = try #require(
            load(
                """
                courier: 1
                service: Shop
                defaults: { cache: { ttl: 10s } }
                endpoints:
                  read: { method: GET, path: /a }
                  write: { method: POST, path: /a }
                """
            ).spec)
        #expect(spec.file.endpoints[0].resilience.cache == CachePolicy(ttl: .seconds(10)))
        #expect(spec.file.endpoints[1].resilience.cache == nil)
    }

    @Test("Path parameters follow the order of their placeholders")
    func pathParameterOrder() throws {
        let spec = try #require(
            load(
                """
                courier: 1
                service: Shop
                endpoints:
                  get:
                    method: GET
                    path: /a/{second}/b/{first}.json
                    params: { first: string, second: int32 }
                """
            ).spec)
        let endpoint = spec.file.endpoints[0]
        #expect(endpoint.pathParameters.map(\.name) == ["second", "first"])
        #expect(
            endpoint.pathSegments == [
                .literal("/a/"), .parameter("second"), .literal("/b/"), .parameter("first"), .literal(".json"),
            ])
    }

    @Test("Pagination gets its item type from the response")
    func paginationItemType() throws {
        let spec = try #require(
            load(
                """
                courier: 1
                service: Shop
                models:
                  Page: { properties: { data: list<Item>, meta: { type: Meta } } }
                  Meta: { properties: { next: string? } }
                  Item: { properties: { id: uuid } }
                endpoints:
                  list:
                    method: GET
                    path: /items
                    query: { after: string? }
                    response: Page
                    pagination: { cursor: query.after, next: response.meta.next, items: response.data }
                """
            ).spec)
        let pagination = try #require(spec.file.endpoints[0].pagination)
        #expect(pagination.itemType == .model("Item"))
        #expect(pagination.nextPath == ["meta", "next"])
    }

    @Test(
        "Type expressions parse, nest and print back",
        arguments: [
            ("string", TypeExpression.primitive(.string)),
            ("int32?", .optional(.primitive(.int32))),
            ("list<Payment>", .list(.model("Payment"))),
            ("map<list<string?>>?", .optional(.map(.list(.optional(.primitive(.string)))))),
            ("list< int64 >", .list(.primitive(.int64))),
        ])
    func typeExpressions(text: String, expected: TypeExpression) throws {
        let parsed = try TypeExpression.parse(text).get()
        #expect(parsed == expected)
        #expect(try TypeExpression.parse(parsed.description).get() == expected)
    }

    @Test(
        "Durations and percentages",
        arguments: [
            ("250ms", Duration.milliseconds(250)), ("10s", .seconds(10)), ("1.5s", .milliseconds(1_500)),
            ("5m", .seconds(300)), ("1h", .seconds(3_600)), ("0s", .zero),
        ])
    func durations(text: String, expected: Duration) {
        #expect(SpecUnits.duration(text) == expected)
    }

    @Test("Malformed durations are refused", arguments: ["10", "ten s", "10 s", "-1s", "1d", "s", "ms", "1e3s", ""])
    func badDurations(text: String) {
        #expect(SpecUnits.duration(text) == nil)
    }

    @Test("Percentages become fractions")
    func percentages() {
        #expect(SpecUnits.percentage("50%") == 0.5)
        #expect(SpecUnits.percentage("12.5%") == 0.125)
        #expect(SpecUnits.percentage("50") == nil)
        #expect(SpecUnits.percentage("%") == nil)
    }

    @Test("Durations print back as a spec writes them")
    func formatDurations() {
        #expect(SpecUnits.format(.milliseconds(250)) == "250ms")
        #expect(SpecUnits.format(.seconds(90)) == "90s")
        #expect(SpecUnits.format(.seconds(300)) == "5m")
        #expect(SpecUnits.format(.seconds(7_200)) == "2h")
    }

    @Test(
        "Swift names",
        arguments: [
            ("user_id", "userId", "UserId"), ("X-Request-ID", "xRequestID", "XRequestID"),
            ("URLPath", "urlPath", "URLPath"),
            ("3ds", "_3ds", "_3ds"), ("default", "default", "Default"), ("self", "self_", "Self_"),
            ("in-progress", "inProgress", "InProgress"),
            ("ID", "id", "ID"), ("café", "café", "Café"), ("+", "plus", "Plus"), ("_", "_5F", "_5F"),
            // Names real APIs use: a leading symbol becomes a word, so these stay distinct and readable.
            ("+1", "plus1", "Plus1"), ("-1", "minus1", "Minus1"), ("@type", "atType", "AtType"),
            ("$ref", "dollarRef", "DollarRef"),
            ("1st", "_1st", "_1st"), ("a.b", "aB", "AB"), ("@odata.context", "atOdataContext", "AtOdataContext"),
            // Composed and decomposed spellings give the same (composed) identifier; scalars Swift
            // does not allow in identifiers (bidirectional controls, emoji) separate words.
            ("cafe\u{301}", "café", "Café"), ("a\u{202E}b", "aB", "AB"), ("a😀b", "aB", "AB"), ("\u{301}x", "x", "X"),
            // ASCII names take a byte-level path, others the Character one: both must agree.
            ("HTTPServer", "httpServer", "HTTPServer"), ("__a__b", "aB", "AB"),
            ("élan-vital", "élanVital", "ÉlanVital"),
            ("Über_cool", "überCool", "ÜberCool"), ("ÜBERCool", "überCool", "ÜBERCool"),
        ])
    func swiftNames(name: String, lower: String, upper: String) {
        #expect(SwiftNaming.lowerCamelCase(name) == lower)
        #expect(SwiftNaming.upperCamelCase(name) == upper)
    }

    @Test("Keywords are escaped with backticks")
    func escaping() {
        #expect(SwiftNaming.escaped("default") == "`default`")
        #expect(SwiftNaming.escaped("payment") == "payment")
    }

    @Test("Suggestions find likely typos and nothing for unrelated words")
    func suggestions() {
        #expect(Suggestions.closest(to: "endpoint", among: SpecKeys.root) == "endpoints")
        #expect(Suggestions.closest(to: "methd", among: SpecKeys.endpoint) == "method")
        #expect(Suggestions.closest(to: "mehtod", among: SpecKeys.endpoint) == "method")
        #expect(Suggestions.closest(to: "zzzzzz", among: SpecKeys.endpoint) == nil)
    }

    @Test("A missing import is reported at every spec that names it, not only the first")
    func missingImportReportedPerImporter() {
        let files = [
            "a.courier.yaml": "courier: 1\nservice: A\nimports: [gone.courier.yaml]\n",
            "b.courier.yaml": "courier: 1\nservice: B\n\nimports: [gone.courier.yaml]\n",
        ]
        var loader = SpecLoader { path in
            guard let text = files[path] else { throw SpecLoader.ReadError(description: "no such file") }
            return Array(text.utf8)
        }
        let a = loader.load("a.courier.yaml").diagnostics.map(\.description)
        let b = loader.load("b.courier.yaml").diagnostics.map(\.description)
        #expect(a == ["a.courier.yaml:3:11: error: cannot read 'gone.courier.yaml': no such file"])
        #expect(b == ["b.courier.yaml:4:11: error: cannot read 'gone.courier.yaml': no such file"])
    }

    @Test("Import paths resolve against the importing file's folder")
    func importPaths() {
        #expect(
            SpecPaths.resolve("shared/a.courier.yaml", relativeTo: "Specs/p.courier.yaml")
                == "Specs/shared/a.courier.yaml")
        #expect(
            SpecPaths.resolve("../x.courier.yaml", relativeTo: "Specs/sub/p.courier.yaml") == "Specs/x.courier.yaml")
        #expect(SpecPaths.resolve("./x.courier.yaml", relativeTo: "p.courier.yaml") == "x.courier.yaml")
        #expect(SpecPaths.resolve("../x.courier.yaml", relativeTo: "p.courier.yaml") == "../x.courier.yaml")
        #expect(SpecPaths.resolve("x.courier.yaml", relativeTo: "/abs/p.courier.yaml") == "/abs/x.courier.yaml")
    }

    @Test("Diagnostics print in the compiler format, notes on their own lines")
    func diagnosticFormat() {
        let diagnostic = Diagnostic.error(
            "duplicate key 'a'", at: SourceLocation(file: "Specs/x.yaml", line: 3, column: 7),
            notes: [.init("'a' first appears here", at: SourceLocation(file: "Specs/x.yaml", line: 1, column: 1))])
        #expect(
            diagnostic.description
                == "Specs/x.yaml:3:7: error: duplicate key 'a'\nSpecs/x.yaml:1:1: note: 'a' first appears here")
    }
}
