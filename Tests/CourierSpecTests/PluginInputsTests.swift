import Foundation
import Testing

@testable import CourierSpec

/// The plugins' small YAML reader must agree with the real decoder wherever it gives an answer,
/// and say `unreadable` rather than guess.
@Suite("Plugin inputs", .timeLimit(.minutes(3)))
struct PluginInputsTests {
    /// Every spec file in the repository: examples, edge cases and the invalid corpus.
    static let allSpecs: [String] = {
        let repository = Fixtures.specs.deletingLastPathComponent().path
        return ["Specs", "Tests/CourierGeneratorTests/Fixtures", "Tests/CourierSpecTests/Fixtures", "Examples"]
            .flatMap { SpecFileNames.specFiles(in: repository + "/" + $0) }
            .filter { !$0.contains("/.build/") }
    }()

    @Test("the reader finds the same imports as the decoder in every spec in the repository")
    func agreesWithDecoder() throws {
        #expect(Self.allSpecs.count > 20)
        var compared = 0
        for path in Self.allSpecs {
            let bytes = try SpecLoader.readFromDisk(path)
            guard let file = SpecLoader.decode(bytes, path: path).file else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            switch TopLevelYAMLKeys.list("imports", in: text) {
            case .absent:
                #expect(file.imports.isEmpty, "\(path)")
            case .value(let imports):
                let resolved = imports.filter(SpecPaths.isImportPath).map { SpecPaths.resolve($0, relativeTo: path) }
                #expect(resolved == file.imports.map(\.resolvedPath), "\(path)")
                compared += 1
            case .unreadable:
                Issue.record("\(path): the reader could not read the imports of a spec the decoder read")
            }
        }
        #expect(compared >= 4, "the examples with imports were compared")
    }

    @Test("block and flow lists, quotes, comments and null")
    func shapes() {
        #expect(
            TopLevelYAMLKeys.list(
                "imports", in: "courier: 1\nimports:\n  - a.yaml # first\n  - 'b c.yaml'\nmodels: {}\n")
                == .value(["a.yaml", "b c.yaml"]))
        #expect(
            TopLevelYAMLKeys.list("imports", in: "imports:\n- a.yaml\n- \"b\\\"q.yaml\"\nservice: X\n")
                == .value(["a.yaml", "b\"q.yaml"]))
        #expect(
            TopLevelYAMLKeys.list("imports", in: "imports: [a.yaml, \"b, c.yaml\"]  # two\n")
                == .value(["a.yaml", "b, c.yaml"]))
        #expect(
            TopLevelYAMLKeys.list("imports", in: "imports: [a.yaml,\n  b.yaml]\ncourier: 1\n")
                == .value(["a.yaml", "b.yaml"]))
        #expect(TopLevelYAMLKeys.list("imports", in: "imports: []\n") == .value([]))
        #expect(TopLevelYAMLKeys.list("imports", in: "imports: ~\n") == .absent)
        #expect(TopLevelYAMLKeys.list("imports", in: "imports:\ncourier: 1\n") == .absent)
        #expect(TopLevelYAMLKeys.list("imports", in: "courier: 1\n") == .absent)
        #expect(
            TopLevelYAMLKeys.list("imports", in: "models:\n  imports: [x.yaml]\n") == .absent,
            "only top-level keys count")
        #expect(TopLevelYAMLKeys.list("imports", in: "# imports: [x.yaml]\n") == .absent)
        #expect(
            TopLevelYAMLKeys.scalar("templates", in: "access: public\ntemplates: 'My Templates' # overrides\n")
                == .value("My Templates"))
        #expect(TopLevelYAMLKeys.scalar("templates", in: "access: public\n") == .absent)
    }

    @Test("shapes it does not handle are unreadable, not guessed")
    func unreadable() {
        #expect(TopLevelYAMLKeys.list("imports", in: "imports: *shared\n") == .unreadable)
        #expect(TopLevelYAMLKeys.list("imports", in: "imports: !!seq [a]\n") == .unreadable)
        #expect(TopLevelYAMLKeys.list("imports", in: "imports: a.yaml\n") == .unreadable)
        #expect(TopLevelYAMLKeys.list("imports", in: "imports:\n  - [a.yaml]\n") == .unreadable)
        #expect(TopLevelYAMLKeys.list("imports", in: "imports:\n  - a.yaml\n  b: c\n") == .unreadable)
        #expect(TopLevelYAMLKeys.list("imports", in: "imports: [a.yaml\n") == .unreadable)
        #expect(TopLevelYAMLKeys.list("imports", in: "imports: [\"a.yaml\\x\"]\n") == .unreadable)
        #expect(TopLevelYAMLKeys.scalar("templates", in: "templates:\n  folder: x\n") == .unreadable)
        #expect(TopLevelYAMLKeys.scalar("templates", in: "templates: &t x\n") == .unreadable)
    }

    @Test("imports are followed transitively, resolved, without repeats; an unreadable file makes the list incomplete")
    func closure() {
        let files = [
            "app/a.courier.yaml": "imports: [shared/b.courier.yaml, ../c.courier.yaml]\n",
            "app/shared/b.courier.yaml": "imports:\n  - ../../c.courier.yaml\n",
            "c.courier.yaml": "courier: 1\n",
        ]
        let found = PluginInputs.importedFiles(ofSpecAt: "app/a.courier.yaml") { files[$0] }
        #expect(found.paths == ["app/shared/b.courier.yaml", "c.courier.yaml"])
        #expect(found.complete)

        let missing = PluginInputs.importedFiles(ofSpecAt: "app/a.courier.yaml") {
            $0 == "c.courier.yaml" ? nil : files[$0]
        }
        #expect(missing.paths == ["app/shared/b.courier.yaml", "c.courier.yaml"])
        #expect(!missing.complete)

        let aliased = PluginInputs.importedFiles(ofSpecAt: "x.courier.yaml") { _ in "imports: *list\n" }
        #expect(aliased.paths.isEmpty && !aliased.complete)
    }

    @Test("a configuration's template folder is resolved against the configuration's folder")
    func templatesFolder() {
        let read: (String) -> String? = { _ in "access: internal\ntemplates: ../Templates\n" }
        #expect(
            PluginInputs.templatesFolder(ofConfigurationAt: "/p/Sources/App/courier-config.yaml", readFile: read)
                == .value("/p/Sources/Templates"))
        #expect(PluginInputs.templatesFolder(ofConfigurationAt: "/p/courier-config.yaml") { _ in nil } == .unreadable)
        #expect(
            PluginInputs.templatesFolder(ofConfigurationAt: "/p/courier-config.yaml") { _ in "access: public\n" }
                == .absent)
    }
}
