import CourierGenerator
import CourierSpec
import Foundation
import Testing

@Suite("courier-config.yaml", .timeLimit(.minutes(3)))
struct GeneratorConfigurationTests {
    /// Writes `text` to a fresh `courier-config.yaml` and loads it.
    func load(_ text: String) throws -> (configuration: GeneratorConfiguration?, diagnostics: [String], path: String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "courier-config-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("courier-config.yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let (configuration, diagnostics) = GeneratorConfiguration.load(path)
        return (configuration, diagnostics.map { $0.description.replacingOccurrences(of: path, with: "CONFIG") }, path)
    }

    @Test("every key is read; templates resolve against the file's folder")
    func fullConfiguration() throws {
        let loaded = try load(
            """
            access: package
            generate: [models, client]
            templates: ../Templates
            warningsAsErrors: true
            """)
        let configuration = try #require(loaded.configuration)
        #expect(loaded.diagnostics.isEmpty)
        #expect(configuration.access == .package)
        #expect(configuration.generate == [.models, .client])
        let folder = URL(fileURLWithPath: loaded.path).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Templates").path
        #expect(configuration.templates == folder)
        #expect(configuration.warningsAsErrors)
    }

    @Test("an empty file means the defaults")
    func empty() throws {
        #expect(try load("# nothing yet\n").configuration == GeneratorConfiguration())
        #expect(GeneratorConfiguration().access == .public)
        #expect(GeneratorConfiguration().generate == Set(GeneratedKind.allCases))
    }

    @Test("unknown keys and bad values are errors at their line and column")
    func errors() throws {
        let loaded = try load(
            """
            acess: internal
            access: private
            generate: [models, mocks]
            warningsAsErrors: yes
            templates: [a]
            """)
        #expect(loaded.configuration == nil)
        #expect(
            loaded.diagnostics == [
                "CONFIG:1:1: error: unknown key 'acess'; a configuration holds 'access', 'generate', 'templates' or 'warningsAsErrors'; did you mean 'access'?",
                "CONFIG:2:9: error: 'access' is 'public', 'package' or 'internal', not 'private'",
                "CONFIG:3:20: error: 'generate' is 'models', 'client' or 'mock', not 'mocks'; did you mean 'mock'?",
                "CONFIG:4:19: error: 'warningsAsErrors' is 'true' or 'false', not 'yes'",
                "CONFIG:5:12: error: 'templates' takes a string, not a list",
            ])
    }

    @Test(
        "each kind needs the one it refers to",
        arguments: [
            (
                "generate: [client]",
                "CONFIG:1:11: error: 'generate' lists 'client' without 'models', which the client code refers to"
            ),
            (
                "generate: [models, mock]",
                "CONFIG:1:11: error: 'generate' lists 'mock' without 'client', which the mock code refers to"
            ),
            ("generate: []", "CONFIG:1:11: error: 'generate' lists nothing; list at least 'models'"),
            (
                "generate: models",
                "CONFIG:1:11: error: 'generate' takes a list such as [models, client, mock], not a string"
            ),
            (
                "[1, 2]",
                "CONFIG:1:1: error: a configuration is a mapping of 'access', 'generate', 'templates' or 'warningsAsErrors', not a list"
            ),
            (
                "access: public\naccess: internal",
                "CONFIG:2:1: error: duplicate key 'access'\nCONFIG:1:1: note: 'access' first appears here"
            ),
        ])
    func invalid(text: String, expected: String) throws {
        let loaded = try load(text)
        #expect(loaded.configuration == nil)
        #expect(loaded.diagnostics == [expected])
    }

    @Test("a missing file is reported at the file")
    func missing() {
        let (configuration, diagnostics) = GeneratorConfiguration.load("/nonexistent/courier-config.yaml")
        #expect(configuration == nil)
        #expect(
            diagnostics.map(\.description) == [
                "/nonexistent/courier-config.yaml:1:1: error: cannot read the configuration: no such file"
            ])
    }

    @Test("--generate lists parse like the file's list")
    func kindList() throws {
        #expect(try GeneratorConfiguration.kinds(fromList: "models, client") == [.models, .client])
        #expect(throws: GeneratorConfiguration.InvalidKinds.self) { try GeneratorConfiguration.kinds(fromList: "mock") }
        #expect(throws: GeneratorConfiguration.InvalidKinds.self) {
            try GeneratorConfiguration.kinds(fromList: "models,clients")
        }
    }

    @Test("a kind left out still gets its file, holding only a comment")
    func omittedKinds() throws {
        var loader = SpecLoader()
        let spec = try #require(loader.load(Self.repository + "/Specs/payments.courier.yaml").spec)
        let generator = try CourierGenerator(kinds: [.models, .client])
        let files = try generator.generate(spec)
        #expect(files.map(\.name) == ["PaymentsModels.swift", "PaymentsClient.swift", "PaymentsMock.swift"])
        #expect(files[1].contents.contains("public struct PaymentsClient"))
        #expect(
            files[2].contents == """
                // Generated by Courier from payments.courier.yaml. Do not edit: change the spec and regenerate.

                // No mock code: generating 'mock' is turned off ('generate' in courier-config.yaml, or --generate).

                """)
        #expect(throws: GeneratorError.self) { try CourierGenerator(kinds: [.mock]) }
    }

    /// The repository root.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
}
