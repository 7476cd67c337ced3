import CourierSpec
import Foundation
import Testing

@testable import CourierGenerator

enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// Every spec the generator is tested on: the examples and the edge-case fixtures.
    static var allSpecs: [Spec] {
        get throws {
            var loader = SpecLoader()
            let paths =
                SpecFileNames.specFiles(in: path("Specs"))
                + SpecFileNames.specFiles(in: path("Tests/CourierGeneratorTests/Fixtures/EdgeCases"))
            return try paths.map { specPath in
                let result = loader.load(specPath)
                return try #require(result.spec, "\(specPath): \(result.diagnostics)")
            }
        }
    }
}

@Suite("Templates", .timeLimit(.minutes(3)))
struct TemplateTests {
    @Test("every key a built-in template names is in the render schema")
    func builtInKeysExist() throws {
        for (name, source) in TemplateSet.builtIn.sources {
            let keys = try MustacheTemplate(parsing: source).names.compactMap(\.keys.first?.text)
            let unknown = Set(keys).filter { !RenderKeyNumbers.exists($0) }
            #expect(unknown.isEmpty, "\(name).mustache names \(unknown.sorted())")
        }
        _ = try CourierGenerator()
    }

    @Test("a template naming a key the render model lacks is refused with its path")
    func unknownKeyIsRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "courier-templates-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{{specFiel}}\n{{>nowhere}}\n".write(
            to: folder.appendingPathComponent("header.mustache"), atomically: true, encoding: .utf8)
        try "{{>docs}}\n{{#properties}}\n".write(
            to: folder.appendingPathComponent("struct.mustache"), atomically: true, encoding: .utf8)
        let templates = try TemplateSet.builtIn.overriding(withTemplatesIn: folder.path)
        #expect {
            _ = try CourierGenerator(templates: templates)
        } throws: { error in
            let text = String(describing: error)
            return text.contains(
                "header.mustache: error: the template names 'specFiel', which the render model does not have; did you mean 'specFile'?"
            )
                && text.contains("the template names partial 'nowhere'")
                && text.contains("struct.mustache:2:1: error: the section 'properties' is never closed")
        }
    }

    @Test("the embedded templates are the files in Templates/ (COURIER_UPDATE_TEMPLATES=1 rewrites the embedding)")
    func embeddingMatchesFolder() throws {
        let folder = Repository.path("Templates")
        var files: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".mustache") {
            files[String(name.dropLast(".mustache".count))] = try String(
                contentsOfFile: folder + "/" + name, encoding: .utf8)
        }
        if ProcessInfo.processInfo.environment["COURIER_UPDATE_TEMPLATES"] == "1" {
            try BuiltInTemplates.swiftSource(for: files).write(
                toFile: Repository.path("Sources/CourierGenerator/BuiltInTemplates.swift"), atomically: true,
                encoding: .utf8)
            Issue.record("recorded the embedding; rebuild and run the tests again without COURIER_UPDATE_TEMPLATES")
            return
        }
        for name in Set(files.keys).union(BuiltInTemplates.sources.keys).sorted() {
            let diff = UnifiedDiff.make(
                old: BuiltInTemplates.sources[name] ?? "", new: files[name] ?? "", oldName: "embedded \(name)",
                newName: "Templates/\(name).mustache")
            #expect(
                diff.isEmpty,
                "the embedding is stale; run COURIER_UPDATE_TEMPLATES=1 swift test --filter embeddingMatchesFolder\n\(diff)"
            )
        }
        #expect(
            BuiltInTemplates.swiftSource(for: files)
                == (try String(
                    contentsOfFile: Repository.path("Sources/CourierGenerator/BuiltInTemplates.swift"), encoding: .utf8))
        )
    }

    @Test("overriding the deprecation partial changes every deprecation attribute and nothing else")
    func overridingOnePartial() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "courier-partial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "{{#isDeprecated}}\n@available(*, deprecated, message: \"Ask the platform team.\")\n{{/isDeprecated}}\n"
            .write(to: folder.appendingPathComponent("deprecation.mustache"), atomically: true, encoding: .utf8)
        let spec = try #require(try Repository.allSpecs.first { $0.file.service == "Payments" })
        let standard = try CourierGenerator().generate(spec)
        let custom = try CourierGenerator(templates: TemplateSet.builtIn.overriding(withTemplatesIn: folder.path))
            .generate(spec)
        var replacedLines = 0
        for (before, after) in zip(standard, custom) {
            let expected = before.contents.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                guard line.trimmingCharacters(in: .whitespaces).hasPrefix("@available(*, deprecated") else {
                    return String(line)
                }
                replacedLines += 1
                let indentation = line.prefix { $0 == " " }
                return indentation + "@available(*, deprecated, message: \"Ask the platform team.\")"
            }.joined(separator: "\n")
            #expect(after.contents == expected, "\(after.name)")
        }
        #expect(replacedLines >= 4)
    }

    @Test("the servers partial writes exactly the servers section of the client")
    func serversPartialIsOneSection() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "courier-partial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "\n// MARK: - Servers come from the platform\n".write(
            to: folder.appendingPathComponent("clientServers.mustache"),
            atomically: true, encoding: .utf8)
        let spec = try #require(try Repository.allSpecs.first { $0.file.service == "Payments" })
        let client = try CourierGenerator().generate(spec)[1].contents
        let custom = try CourierGenerator(templates: TemplateSet.builtIn.overriding(withTemplatesIn: folder.path))
            .generate(spec)[1].contents
        let start = try #require(client.range(of: "// MARK: - Servers, credentials, headers"))
        let end = try #require(client.range(of: "// MARK: - Interface", range: start.upperBound..<client.endIndex))
        let expected = client.replacingCharacters(
            in: start.lowerBound..<end.lowerBound, with: "// MARK: - Servers come from the platform\n\n")
        #expect(custom == expected)
    }

    @Test("templates render as text: nothing is HTML-escaped, in partials either")
    func textMode() throws {
        let specs = try Repository.allSpecs
        let oddities = try #require(specs.first { $0.file.service == "Oddities" })
        let files = try CourierGenerator().generate(oddities)
        let client = try #require(files.first { $0.name == "OdditiesClient.swift" })
        #expect(client.contents.contains("/// Edge cases: <angle brackets> & ampersands stay as written"))
        #expect(client.contents.contains(#"request.query("class", `class`)"#))
        let models = try #require(files.first { $0.name == "OdditiesModels.swift" })
        #expect(
            !models.contents.contains("&amp;") && !models.contents.contains("&lt;")
                && !models.contents.contains("&quot;"))
    }
}

@Suite("Generator output", .timeLimit(.minutes(3)))
struct GeneratorOutputTests {
    @Test("same input, byte-identical output; names depend on the spec file only; no absolute paths")
    func deterministic() throws {
        for spec in try Repository.allSpecs {
            let first = try CourierGenerator().generate(spec)
            let second = try CourierGenerator().generate(spec)
            #expect(first == second)
            #expect(first.map(\.name) == SpecFileNames.generatedFileNames(forSpecAt: spec.file.path))
            for file in first {
                #expect(!file.contents.contains(Repository.root.path), "\(file.name) contains an absolute path")
                #expect(
                    file.contents.hasPrefix(
                        "// Generated by Courier from \((spec.file.path as NSString).lastPathComponent). Do not edit"))
            }
        }
    }

    @Test("the render model dumps as JSON")
    func renderModelJSON() throws {
        let spec = try #require(try Repository.allSpecs.first { $0.file.service == "Payments" })
        let json = try CourierGenerator().renderModelJSON(for: spec)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        #expect(object["kind"] as? String == "file")
        let service = try #require(object["service"] as? [String: Any])
        #expect(service["clientType"] as? String == "PaymentsClient")
    }

    @Test("access levels reach every declaration")
    func accessLevel() throws {
        let spec = try #require(try Repository.allSpecs.first { $0.file.service == "Payments" })
        let files = try CourierGenerator(access: .package).generate(spec)
        let text = files.map(\.contents).joined()
        #expect(!text.contains("public "))
        #expect(text.contains("package struct PaymentsClient"))
    }

    @Test("recursion is found through optionals and unions, not through lists or maps")
    func recursiveEdges() throws {
        let spec = try #require(try Repository.allSpecs.first { $0.file.service == "Oddities" })
        let builder = RenderModelBuilder(spec: spec, access: .public)
        #expect(builder.recursiveEdges == ["Node.next", "Node.shape", "Shape.node", "Shape.leaf", "Leaf.owner"])
    }

    @Test("unified diffs show the changed lines with context")
    func diff() {
        let old = (1...20).map(String.init).joined(separator: "\n")
        let new = old.replacingOccurrences(of: "\n10\n", with: "\nten\n")
        let diff = UnifiedDiff.make(old: old, new: new, oldName: "a", newName: "b")
        #expect(diff == "--- a\n+++ b\n@@ -7,7 +7,7 @@\n 7\n 8\n 9\n-10\n+ten\n 11\n 12\n 13\n")
        #expect(UnifiedDiff.make(old: old, new: old, oldName: "a", newName: "b").isEmpty)
    }
}

@Suite("Template reference", .timeLimit(.minutes(3)))
struct TemplateReferenceTests {
    @Test(
        "Docs/Templates.md's key reference is the one the render model's types give (COURIER_UPDATE_TEMPLATES=1 rewrites it)"
    )
    func referenceMatchesTypes() throws {
        let path = Repository.path("Docs/Templates.md")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let heading = "## Objects and keys\n\n"
        let start = try #require(text.range(of: heading), "Docs/Templates.md has no '## Objects and keys' section")
        let end = text[start.upperBound...].range(of: "\n## ")?.lowerBound ?? text.endIndex
        let generated = RenderKindReference.allMarkdown
        if ProcessInfo.processInfo.environment["COURIER_UPDATE_TEMPLATES"] == "1" {
            let updated = text[..<start.upperBound] + generated + text[end...]
            try String(updated).write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("recorded the key reference; run the tests again without COURIER_UPDATE_TEMPLATES")
            return
        }
        let diff = UnifiedDiff.make(
            old: String(text[start.upperBound..<end]), new: generated, oldName: "Docs/Templates.md",
            newName: "the types")
        #expect(
            diff.isEmpty,
            "the key reference is stale; run COURIER_UPDATE_TEMPLATES=1 swift test --filter referenceMatchesTypes\n\(diff)"
        )
    }

    @Test("every kind's type says it is that kind, and every key name is unique within its kind")
    func kindsAreConsistent() {
        for kind in RenderKind.allCases {
            #expect(kind.objectType.reference.kind == kind)
            #expect(Set(kind.keyNames).count == kind.keyNames.count, "\(kind) names a key twice")
            #expect(
                !kind.keyNames.contains { RenderKeyNumbers.positionKeys.contains($0) },
                "\(kind) shadows isFirst or isLast")
        }
    }
}
