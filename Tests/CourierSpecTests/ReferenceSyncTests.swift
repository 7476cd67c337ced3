import CourierSpec
import Foundation
import Testing

/// The decoder's key tables (`SpecKeys`), the JSON Schema and the language reference must name
/// exactly the same keys, so none of them can drift from the others.
@Suite("Reference and schema stay in sync with the decoder", .timeLimit(.minutes(3)))
struct ReferenceSyncTests {
    static let docs = Fixtures.specs.deletingLastPathComponent().appendingPathComponent("Docs")

    func schema() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.docs.appendingPathComponent("courier-spec.schema.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    func schemaKeys(_ table: String) throws -> (keys: Set<String>, closed: Bool) {
        let root = try schema()
        let object: [String: Any]
        if table == "root" {
            object = root
        } else {
            let definitions = try #require(root["definitions"] as? [String: Any])
            object = try #require(definitions[table] as? [String: Any], "the schema has no definition '\(table)'")
        }
        let properties = try #require(object["properties"] as? [String: Any])
        return (Set(properties.keys), object["additionalProperties"] as? Bool == false)
    }

    @Test(
        "Each schema definition has exactly the decoder's keys and rejects others",
        arguments: SpecKeys.all.keys.sorted())
    func schemaMatches(table: String) throws {
        let (keys, closed) = try schemaKeys(table)
        #expect(keys == Set(SpecKeys.all[table] ?? []), "schema '\(table)'")
        #expect(closed, "schema '\(table)' must set additionalProperties: false")
    }

    @Test("Each reference section lists exactly the decoder's keys", arguments: SpecKeys.all.keys.sorted())
    func referenceMatches(table: String) throws {
        let text = try String(contentsOf: Self.docs.appendingPathComponent("SpecReference.md"), encoding: .utf8)
        let marker = "<a id=\"\(table)\"></a>"
        let start = try #require(text.range(of: marker), "the reference has no section '\(table)'")
        let rest = text[start.upperBound...]
        let section = rest.range(of: "<a id=").map { rest[..<$0.lowerBound] } ?? rest
        let keys = section.split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("| `") else { return nil }
            return line.dropFirst(3).split(separator: "`").first.map(String.init)
        }
        #expect(keys == SpecKeys.all[table], "reference section '\(table)'")
    }

    @Test("The schema's enumerations match the model")
    func enumerations() throws {
        let definitions = try #require(try schema()["definitions"] as? [String: Any])
        func values(_ definition: String, _ key: String) throws -> [String] {
            let properties = try #require((definitions[definition] as? [String: Any])?["properties"] as? [String: Any])
            return try #require((properties[key] as? [String: Any])?["enum"] as? [String])
        }
        #expect(try values("endpoint", "method") == HTTPMethod.allCases.map(\.rawValue))
        #expect(try values("authScheme", "type") == SpecKeys.authTypes)
        #expect(try values("backoff", "jitter") == RetryPolicy.Backoff.Jitter.allCases.map(\.rawValue))
        #expect(try values("circuitBreaker", "scope") == CircuitBreakerPolicy.Scope.allCases.map(\.rawValue))
        #expect(try values("stream", "format") == StreamSpec.Format.allCases.map(\.rawValue))
        #expect(try values("stream", "resume") == StreamSpec.Resume.allCases.map(\.rawValue))
        #expect(try values("reconnect", "jitter") == RetryPolicy.Backoff.Jitter.allCases.map(\.rawValue))
        let type = try #require(definitions["typeExpression"] as? [String: Any])
        let options = try #require(type["anyOf"] as? [[String: Any]])
        let primitives = try #require(options.first?["enum"] as? [String])
        for primitive in PrimitiveType.allCases { #expect(primitives.contains(primitive.rawValue)) }
    }

    @Test("Every example spec points editors at the schema")
    func examplesReferenceSchema() throws {
        for path in SpecFileNames.specFiles(in: Fixtures.specs.path) {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            #expect(text.hasPrefix("# yaml-language-server: $schema="), "\(path)")
        }
    }
}
