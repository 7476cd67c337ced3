import CourierSpec
import CourierTestSupport
import Foundation
import Testing

/// Inputs built to crash, stall or confuse the loader and validator. Each case crashed, ran for
/// tens of seconds, or printed a forged diagnostic before the hardening; now each ends in a
/// positioned error (or a spec) in linear time. Timings are the benchmark's to report; the
/// suite's time limit only keeps a regression from hanging CI.
@Suite("Hostile input", .serialized, .timeLimit(.minutes(1)))
struct HostileInputTests {
    /// ``load(_:files:path:)`` on a thread of its own, for the large inputs: see
    /// ``offCooperativePool(_:)``.
    func loadOffPool(_ text: String, files: [String: String] = [:]) async throws -> SpecLoader.Result {
        try await offCooperativePool { HostileInputTests().load(text, files: files) }
    }

    /// Loads one in-memory spec file (with optional other files it may import).
    func load(_ text: String, files: [String: String] = [:], path: String = "spec.courier.yaml") -> SpecLoader.Result {
        let bytes = Array(text.utf8)
        var loader = SpecLoader { requested in
            if requested == path { return bytes }
            if let other = files[requested] { return Array(other.utf8) }
            throw SpecLoader.ReadError(description: "no such file")
        }
        return loader.load(path)
    }

    @Test(
        "Deep nesting is refused at the level that crosses the bound",
        arguments: [
            ("[", "]"), ("{a: ", "}"), ("- ", ""),
        ])
    func deepNesting(open: String, close: String) async throws {
        let depth = 50_000
        var text = "courier: 1\nmodels: "
        if open == "- " {
            // Block lists nest on one line: `- - - x`.
            text += "\n" + String(repeating: "- ", count: depth) + "x"
        } else {
            text += String(repeating: open, count: depth) + "x" + String(repeating: close, count: depth)
        }
        let result = try await loadOffPool(text)
        #expect(result.spec == nil)
        let first = result.diagnostics.first
        #expect(
            first?.message.contains("nests deeper than \(YAMLLoader.maximumDepth) levels") == true,
            "\(result.diagnostics)")
        #expect(first?.location.line ?? 0 >= 1)
    }

    @Test("Unclosed flow collections end in one error, not a scan of every level per token")
    func unclosedFlow() async throws {
        let result = try await loadOffPool("courier: 1\nmodels: " + String(repeating: "[", count: 200_000))
        #expect(result.spec == nil)
        #expect(result.diagnostics.count == 1)
        #expect(result.diagnostics.first?.message.contains("nests deeper than") == true, "\(result.diagnostics)")
    }

    @Test("A type nested past the bound is a positioned error, not a stack overflow")
    func deepType() async throws {
        let depth = 50_000
        let type = String(repeating: "list<", count: depth) + "string" + String(repeating: ">", count: depth)
        let result = try await loadOffPool("courier: 1\nmodels:\n  A:\n    properties:\n      x: \(type)\n")
        #expect(result.spec == nil)
        let diagnostic = result.diagnostics.first
        #expect(
            diagnostic?.message.contains("more than \(TypeExpression.maximumDepth) levels deep") == true,
            "\(result.diagnostics)")
        // The column of the list<…> that crosses the bound.
        #expect(
            diagnostic?.location
                == SourceLocation(file: "spec.courier.yaml", line: 5, column: 10 + 5 * TypeExpression.maximumDepth))
    }

    @Test("A chain of 1,500 models each holding the next validates; closing it into a loop is one error")
    func longContainmentChain() async throws {
        // Before: a path copied per step of a search per model, cubic (2,000 models took 14 s).
        let count = 1_500
        var text = "courier: 1\nmodels:\n"
        for index in 0..<count - 1 { text += "  M\(index): { properties: { next: M\(index + 1) } }\n" }
        text += "  M\(count - 1): { properties: { value: string } }\n"
        #expect(try await loadOffPool(text).spec != nil)

        let loop = text.replacingOccurrences(
            of: "M\(count - 1): { properties: { value: string } }", with: "M\(count - 1): { properties: { next: M0 } }")
        let result = try await loadOffPool(loop)
        #expect(result.spec == nil)
        #expect(result.diagnostics.count == 1)
        #expect(
            result.diagnostics.first?.message.hasPrefix("model 'M0' contains itself through 'M0.next', 'M1.next'")
                == true)
        #expect(result.diagnostics.first?.location.line == 3)
    }

    @Test("A chain of 1,500 aliases resolves; a loop of aliases is reported for each alias on it")
    func longAliasChain() async throws {
        let count = 1_500
        var text = "courier: 1\nmodels:\n"
        for index in 0..<count - 1 { text += "  A\(index): { type: list<A\(index + 1)> }\n" }
        text += "  A\(count - 1): { type: string }\n"
        #expect(try await loadOffPool(text).spec != nil)
        let loop = "courier: 1\nmodels:\n  A: { type: list<B> }\n  B: { type: 'map<A>?' }\n  C: { type: A }\n"
        let result = try await loadOffPool(loop)
        #expect(
            result.diagnostics.map(\.message) == [
                "alias 'A' refers to itself; give the recursion an object model with properties",
                "alias 'B' refers to itself; give the recursion an object model with properties",
            ])
    }

    @Test("A chain of 1,000 imported files loads, each file read once")
    func longImportChain() async throws {
        let count = 1_000
        var files: [String: String] = [:]
        for index in 0..<count {
            let next = index + 1 < count ? "imports: [f\(index + 1).courier.yaml]\n" : ""
            let type = index + 1 < count ? "M\(index + 1)" : "string"
            files["f\(index).courier.yaml"] =
                "courier: 1\n\(next)models:\n  M\(index): { properties: { next: \(type) } }\n"
        }
        let spec =
            "courier: 1\nservice: Chain\nimports: [f0.courier.yaml]\nmodels:\n  Root: { properties: { first: M0 } }\n"
        let result = try await loadOffPool(spec, files: files)
        #expect(result.diagnostics.isEmpty, "\(result.diagnostics.prefix(3))")
        #expect(result.spec?.imported.count == count)
        // Dependencies first: the end of the chain comes first.
        #expect(result.spec?.imported.first?.path == "f\(count - 1).courier.yaml")
    }

    @Test("A shared file names only what it imports, even when the spec importing it sees more")
    func sharedFileSeesOnlyItsImports() {
        let files = [
            "a.courier.yaml": "courier: 1\nmodels:\n  A: { properties: { b: B } }\n",
            "b.courier.yaml": "courier: 1\nmodels:\n  B: { properties: { x: string } }\n",
        ]
        let spec = "courier: 1\nservice: S\nimports: [a.courier.yaml, b.courier.yaml]\n"
        let result = load(spec, files: files)
        #expect(
            result.diagnostics.map(\.description) == [
                "a.courier.yaml:3:25: error: unknown type 'B': it is defined in 'b.courier.yaml', which this file does not import"
            ])
    }

    @Test("An import cycle deep in a chain is reported once, with the whole cycle")
    func importCycleInChain() {
        let files = [
            "a.courier.yaml": "courier: 1\nimports: [b.courier.yaml]\n",
            "b.courier.yaml": "courier: 1\nimports: [c.courier.yaml]\n",
            "c.courier.yaml": "courier: 1\nimports: [a.courier.yaml]\n",
        ]
        let result = load("courier: 1\nservice: S\nimports: [a.courier.yaml]\n", files: files)
        #expect(
            result.diagnostics.map(\.description) == [
                "c.courier.yaml:2:11: error: import cycle: a.courier.yaml → b.courier.yaml → c.courier.yaml → a.courier.yaml"
            ])
    }

    @Test(
        "A diagnostic is one line whatever the spec text holds",
        arguments: [
            "a\nb.courier.yaml:1:1: warning: forged", "tab\there", "cr\rhere", "bidi\u{202E}here", "nul\0here",
            "sep\u{2028}here",
        ])
    func diagnosticsStayOnOneLine(key: String) {
        let quoted = key.unicodeScalars.map { scalar -> String in
            switch scalar {
            case "\n": "\\n"
            case "\r": "\\r"
            case "\t": "\\t"
            case "\0": "\\0"
            case "\u{202E}": "\\u202E"
            case "\u{2028}": "\\L"
            default: String(scalar)
            }
        }.joined()
        let result = load("courier: 1\n\"\(quoted)\": 1\n")
        #expect(!result.diagnostics.isEmpty)
        for diagnostic in result.diagnostics {
            let printed = diagnostic.description
            #expect(
                printed.split(separator: "\n", omittingEmptySubsequences: false).count == 1 + diagnostic.notes.count)
            #expect(!printed.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
            #expect(!printed.unicodeScalars.contains { [0x202E, 0x2028, 0x85].contains($0.value) })
        }
        #expect(result.diagnostics.first?.description.contains("unknown key") == true)
    }

    @Test("Composed and decomposed spellings of a key are the same key (Swift String equality)")
    func normalization() {
        let composed = "caf\u{E9}"
        let decomposed = "cafe\u{301}"
        let duplicate = load(
            "courier: 1\nmodels:\n  \(composed): { type: string }\n  \(decomposed): { type: string }\n")
        #expect(duplicate.diagnostics.first?.message.hasPrefix("duplicate key") == true)
        // A reference spelled the other way finds the model.
        let reference = load(
            "courier: 1\nmodels:\n  \(composed): { type: string }\n  B: { properties: { x: \(decomposed) } }\n")
        #expect(reference.diagnostics.isEmpty, "\(reference.diagnostics)")
        #expect(SwiftNaming.upperCamelCase(composed) == SwiftNaming.upperCamelCase(decomposed))
        #expect(Array(SwiftNaming.upperCamelCase(decomposed).unicodeScalars) == Array("Caf\u{E9}".unicodeScalars))
    }

    @Test(
        "Numbers in defaults are read only in the forms Swift and JSON also read",
        arguments: [
            ("1.5", "1.5"), ("-.5", "-0.5"), ("+7.", "7.0"), ("2e-3", "2.0e-3"), ("0x1F", nil), ("inf", nil),
            ("1e", nil), (".", nil),
        ] as [(String, String?)])
    func numbers(text: String, canonical: String?) {
        let result = load("courier: 1\nmodels:\n  A: { properties: { x: { type: json, default: \(text) } } }\n")
        let property = result.spec.flatMap { spec -> Property? in
            guard case .object(let properties) = spec.file.models.first?.kind else { return nil }
            return properties.first
        }
        if let canonical {
            #expect(property?.defaultValue == .number(canonical))
        } else {
            #expect(property?.defaultValue == .string(text))
        }
    }

    @Test("A number too large for its type is refused instead of generating code that cannot compile")
    func hugeNumbers() {
        let result = load("courier: 1\nmodels:\n  A: { properties: { x: { type: double, default: 1e999 } } }\n")
        #expect(result.diagnostics.map(\.message) == ["default 1.0e999 is too large for a number"])
    }

    @Test("Names that stand for generated members are refused where Swift could not tell them apart")
    func reservedMembers() {
        let text = """
            courier: 1
            service: S
            servers: { custom: https://example.com }
            auth: { credentials: { type: bearer } }
            models:
              CourierRuntimeRequirement: { type: string }
              M: { properties: { hashValue: string } }

            """
        #expect(
            load(text).diagnostics.map(\.description) == [
                "spec.courier.yaml:3:12: error: server 'custom' would be named 'custom', which the generated server type has; rename the server",
                "spec.courier.yaml:4:9: error: auth scheme 'credentials' would be named 'credentials', which the generated credentials type has; rename the scheme",
                "spec.courier.yaml:6:3: error: model 'CourierRuntimeRequirement' would be named like the type 'CourierRuntimeRequirement' that every generated file declares; rename it",
                "spec.courier.yaml:7:22: error: property 'hashValue' would be named 'hashValue', which every generated model has; rename the property and keep its JSON key with 'json:'",
            ])
    }
}

extension HostileInputTests {
    @Test("Hints stop once their budget is spent: thousands of unknown names among thousands of models")
    func suggestionBudget() async throws {
        let count = 800
        var text = "courier: 1\nmodels:\n"
        for index in 0..<count {
            text += "  Model\(index): { properties: { x: string } }\n  R\(index): { properties: { y: Modl\(index) } }\n"
        }
        let result = try await loadOffPool(text)
        let unknown = result.diagnostics.filter { $0.message.hasPrefix("unknown type") }
        #expect(unknown.count == count)
        // Each hint compares every model name; the budget allows this many.
        let hinted = unknown.filter { $0.message.contains("did you mean") }
        #expect(hinted.count == SpecValidator.suggestionBudget / (2 * count + PrimitiveType.allCases.count))
        #expect(unknown.first?.message == "unknown type 'Modl0'; did you mean 'Model0'?")
    }
}
