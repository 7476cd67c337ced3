import CourierRuntime
import Foundation
import HTTPTypes
import Testing

/// Answers every request with one canned response and remembers the requests.
final class CannedTransport: HTTPTransport {
    let requests = Locked<[TransportRequest]>([])
    let status: HTTPResponse.Status
    let body: Swift.String

    init(status: HTTPResponse.Status = .ok, body: Swift.String) {
        self.status = status
        self.body = body
    }

    func send(_ request: TransportRequest) async throws -> TransportResponse {
        requests.withLock { $0.append(request) }
        return TransportResponse(head: HTTPResponse(status: status), body: Data(body.utf8))
    }
}

/// The error `body` throws, or `nil` when it returns.
func failure<T, E: Error>(_ body: () async throws(E) -> T) async -> E? {
    do throws(E) {
        _ = try await body()
        return nil
    } catch {
        return error
    }
}

@Suite("Generated code for odd names, every type and recursion", .timeLimit(.minutes(3)))
struct EdgeCaseTests {
    @Test func defaultsFillAbsentKeys() throws {
        let decoded = try JSONCoding.makeDecoder().decode(
            Everything.self, from: Data(#"{"string": "s", "bytes": "AQI="}"#.utf8))
        #expect(decoded.bool == false)
        #expect(decoded.int == -3)
        #expect(decoded.int32 == .max)
        #expect(decoded.int64 == .min)
        #expect(decoded.float == 1.5)
        #expect(decoded.double == 0.001)
        #expect(decoded.decimal == Decimal(string: "12.50"))
        #expect(decoded.date == CalendarDate(year: 2024, month: 2, day: 29))
        #expect(decoded.datetime == ISO8601DateFormatter.fractional.date(from: "2024-02-29T12:00:00.5Z"))
        #expect(decoded.uuid == UUID(uuidString: "123e4567-e89b-12d3-a456-426614174000"))
        #expect(decoded.url.absoluteString == "https://example.com/a?b=c")
        #expect(decoded.bytes == Data([1, 2]))
        #expect(decoded.json == ["a": [1, true, "x"], "b\"": 2.5])
        #expect(decoded.list == [[1], []])
        #expect(decoded.map == ["k": [.default, ._2fa]])
        #expect(decoded.enumDefault == .café)
        #expect(decoded.for == nil)
    }

    @Test func everythingRoundTrips() throws {
        var value = try JSONCoding.makeDecoder().decode(
            Everything.self, from: Data(#"{"string": "s", "bytes": ""}"#.utf8))
        value.model = String(value: "named String")
        value.standardNamed = URL(self_: "me", type: "T")
        value.optionalList = ["a", nil]
        value.datetime = Date(timeIntervalSince1970: 1.25)
        let data = try JSONCoding.makeEncoder().encode(value)
        #expect(try JSONCoding.makeDecoder().decode(Everything.self, from: data) == value)
        let object = try JSONSerialization.jsonObject(with: data) as? [Swift.String: Any]
        #expect(object?["datetime"] as? Swift.String == "1970-01-01T00:00:01.250Z")
        #expect((object?["standardNamed"] as? [Swift.String: Any])?["self"] as? Swift.String == "me")
    }

    @Test func recursiveModelsAndUnions() throws {
        let json =
            #"{"@type": "node", "next": {"children": []}, "children": [{"children": []}], "shape": {"@type": "leaf", "owner": {"children": []}}}"#
        let node = try JSONCoding.makeDecoder().decode(Node.self, from: Data(json.utf8))
        #expect(node.next?.children == [])
        guard case .leaf(let leaf)? = node.shape else {
            Issue.record("expected a leaf, got \(Swift.String(describing: node.shape))")
            return
        }
        #expect(leaf.owner?.atType == "node")
        let again = try JSONCoding.makeDecoder().decode(Node.self, from: JSONCoding.makeEncoder().encode(node))
        #expect(again == node)
    }

    @Test func constraintsReachThroughRecursionUnionsAndAliases() throws {
        let unicode = Node(cursor: "Zoë日本2", children: [])
        #expect(throws: Never.self) { try unicode.validate() }
        var node = Node(next: unicode, children: [Node(cursor: "two words", children: [])])
        #expect(
            throws: ConstraintViolation(
                .pattern("^[\\p{L}\\p{N}]+$"), at: [.key("children"), .index(0), .key("cursor")])
        ) { try node.validate() }

        let leaf = Leaf(atType: "leaf", owner: Node(next: Node(cursor: "-", children: []), children: []))
        node = Node(children: [], shape: .leaf(leaf))
        #expect(throws: ConstraintViolation.self) { try node.validate() }
        do throws(ConstraintViolation) {
            try node.validate()
        } catch {
            #expect(error.pathDescription == "shape.owner.next.cursor", "through a union and boxed properties")
        }
        let weightless = Node(children: [], shape: .leaf(Leaf(atType: "leaf", weight: 0)))
        let alias: Alias = [unicode, weightless]
        #expect(throws: ConstraintViolation(.exclusiveMinimum("0.0"), at: [.index(1), .key("shape"), .key("weight")])) {
            try alias.validate()
        }

        var everything = try JSONCoding.makeDecoder().decode(
            Everything.self, from: Data(#"{"string": "s", "bytes": ""}"#.utf8))
        #expect(throws: Never.self, "the spec's defaults keep the constraints") { try everything.validate() }
        everything.int64 = .min
        everything.optionalList = ["123e4567-e89b-12d3-a456-426614174000", nil]
        #expect(throws: Never.self, "limits are inclusive; nil items are skipped") { try everything.validate() }
        everything.list = [[1], [2, -1]]
        #expect(throws: ConstraintViolation(.minimum("0"), at: [.key("list"), .index(1), .index(1)])) {
            try everything.validate()
        }
        everything.list = []
        everything.addresses = ["b": "::1", "a": "10.0.0.1"]
        #expect(throws: ConstraintViolation(.format(.ipv6), at: [.key("addresses"), .key("a")])) {
            try everything.validate()
        }
    }

    @Test func constraintsOnPathAndHeaderParametersAndDeprecatedProperties() async throws {
        let transport = CannedTransport(body: #"{"string": "s", "bytes": ""}"#)
        let client = OdditiesClient(server: .default, transport: transport)
        _ = try await client.default(inside: "x", selfValue: .default, emoji: "✓ é 日本")
        let refused = await failure { () async throws(OdditiesError) in
            try await client.default(inside: "x", selfValue: .default, emoji: "✓ 1")
        }
        guard case .invalidRequest(_, let violation?)? = refused else {
            Issue.record("expected a violation, got \(Swift.String(describing: refused))")
            return
        }
        #expect(violation.pathDescription == "header.X-Emoji")
        let tooLong = await failure { () async throws(OdditiesError) in
            try await client.default(inside: Swift.String(repeating: "a", count: 64), selfValue: .default)
        }
        #expect(tooLong?.description == "invalid request: path.in: must have at most 63 characters")
        #expect(transport.requests.current.count == 1, "only the valid call was sent")

        var everything = try JSONCoding.makeDecoder().decode(
            Everything.self, from: Data(#"{"string": "s", "bytes": "", "op/erator": "\"12\""}"#.utf8))
        #expect(throws: ConstraintViolation(.maxLength(3), at: [.key("op/erator")])) { try everything.validate() }
        everything = try JSONCoding.makeDecoder().decode(
            Everything.self, from: Data(#"{"string": "s", "bytes": "", "op/erator": "\"1\""}"#.utf8))
        #expect(throws: Never.self) { try everything.validate() }
    }

    @Test func enumsWithOddValues() throws {
        let values = try JSONCoding.makeDecoder().decode(
            [Protocol_].self, from: Data(#"["default", "2fa", "café", "-", "new"]"#.utf8))
        #expect(values == [.default, ._2fa, .café, .minus, .unknown("new")])
        #expect(values.map(\.rawValue) == ["default", "2fa", "café", "-", "new"])
    }

    @Test func oddPathsQueriesAndHeadersAreEncoded() async throws {
        let transport = CannedTransport(body: #"{"string": "s", "bytes": ""}"#)
        let client = OdditiesClient(
            server: .default, auth: .class("t"), headers: OdditiesHeaders(), transport: transport)
        _ = try await client.default(
            inside: "a/b", selfValue: .café, forValues: [1, 2], caseDate: Date(timeIntervalSince1970: 0), emoji: "✓")
        let request = try #require(transport.requests.current.first)
        #expect(
            request.head.path
                == "/odd%20v1/items/a%2Fb/caf%C3%A9?for=1&for=2&class=a%26b%3Cc%3E&case=1970-01-01T00%3A00%3A00Z")
        #expect(request.head.headerFields[HTTPField.Name("X-Emoji")!] == "✓")
        #expect(request.head.headerFields[.authorization] == "Bearer t")

        let server2 = OdditiesClient(server: ._2ndServer, transport: transport)
        #expect(server2.configuration.server.description == "https://example.com/base")
    }

    @Test func declaredErrorsWithModelsNamedLikeStandardTypes() async throws {
        let transport = CannedTransport(status: .init(code: 418), body: #"{"value": "short and stout"}"#)
        let client = OdditiesClient(server: .default, transport: transport)
        do throws(OdditiesError) {
            _ = try await client.default(inside: "x", selfValue: .default)
            Issue.record("expected an error")
        } catch {
            guard case .declared(.teapot(let body), _) = error else {
                Issue.record("expected Teapot, got \(error)")
                return
            }
            #expect(body.value == "short and stout")
            #expect(error.isTeapot)
        }
    }

    @Test func emptyServiceHasAClientAndMock() async throws {
        let client = EmptyClient(server: .local, transport: CannedTransport(body: ""))
        #expect(client.configuration.server.description == "http://127.0.0.1:8080")
        #expect(EmptyMock().calls.isEmpty)
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let fractional: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
