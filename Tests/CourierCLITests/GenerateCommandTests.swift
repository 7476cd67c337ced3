import Foundation
import Testing

@Suite("courier generate", .timeLimit(.minutes(3)))
struct GenerateCommandTests {
    /// A new empty scratch folder.
    func scratch() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "courier-generate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// The committed golden folders and the specs they come from. `COURIER_UPDATE_FIXTURES=1`
    /// regenerates them instead of checking.
    static let goldenFolders: [(specs: String, output: String, config: String?)] = [
        ("Specs", "Tests/ExampleClientTests/Generated", nil),
        ("Tests/CourierGeneratorTests/Fixtures/EdgeCases", "Tests/EdgeCaseClientTests/Generated", nil),
        ("Tests/CourierGeneratorTests/Fixtures/Hardened", "Tests/HardenedClientTests/Generated", nil),
        // The example package's checked-in command-plugin output, with its target's configuration.
        (
            "Examples/Weather/Sources/AlertsService/alerts.courier.yaml",
            "Examples/Weather/Sources/AlertsService/Generated",
            "Examples/Weather/Sources/AlertsService/courier-config.yaml"
        ),
    ]

    @Test("the committed generated code is current (golden files)", arguments: goldenFolders.map(\.output))
    func goldenFilesAreCurrent(output: String) throws {
        let golden = try #require(Self.goldenFolders.first { $0.output == output })
        let arguments =
            ["generate", golden.specs, "--output", output] + (golden.config.map { ["--config", $0] } ?? [])
        if ProcessInfo.processInfo.environment["COURIER_UPDATE_FIXTURES"] == "1" {
            let result = try CourierProcess.run(arguments)
            #expect(result.status == 0, "\(result.standardError)")
            Issue.record("recorded \(output); review the diff and run the tests again without COURIER_UPDATE_FIXTURES")
            return
        }
        let result = try CourierProcess.run(arguments + ["--check"])
        #expect(
            result.status == 0,
            """
            The generated code differs from the golden files. If the change is intended, run
            COURIER_UPDATE_FIXTURES=1 swift test --filter goldenFilesAreCurrent
            \(result.standardError)\(result.standardOutput)
            """)
    }

    @Test("--check fails with a diff on a stale folder and passes on a fresh one")
    func check() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = try CourierProcess.run(["generate", "Specs", "--output", folder.path, "--check"])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("PaymentsClient.swift: error: missing; run courier generate"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty, "--check writes nothing")

        #expect(try CourierProcess.run(["generate", "Specs", "--output", folder.path]).status == 0)
        let fresh = try CourierProcess.run(["generate", "Specs", "--output", folder.path, "--check"])
        #expect(fresh.status == 0, "\(fresh.standardError)")

        let file = folder.appendingPathComponent("PaymentsModels.swift")
        let original = try String(contentsOf: file, encoding: .utf8)
        try original.replacingOccurrences(of: "public var note: Swift.String?", with: "public var note: Swift.String")
            .write(to: file, atomically: true, encoding: .utf8)
        let stale = try CourierProcess.run(["generate", "Specs", "--output", folder.path, "--check"])
        #expect(stale.status == 1)
        #expect(stale.standardError.contains("PaymentsModels.swift: error: out of date; run courier generate"))
        #expect(
            stale.standardOutput.contains("-    public var note: Swift.String\n+    public var note: Swift.String?\n"))
        #expect(try String(contentsOf: file, encoding: .utf8) != original, "--check leaves the stale file alone")
    }

    @Test("only changed files are rewritten")
    func writesOnlyChanges() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let first = try CourierProcess.run(["generate", "Specs", "--output", folder.path])
        #expect(first.standardOutput.contains("12 files for 4 specs in \(folder.path): 12 written, 0 unchanged"))
        let mock = folder.appendingPathComponent("UsersMock.swift")
        let old = Date(timeIntervalSince1970: 1_000_000)
        try FileManager.default.setAttributes([.modificationDate: old], ofItemAtPath: mock.path)
        try "stale".write(to: folder.appendingPathComponent("UsersClient.swift"), atomically: true, encoding: .utf8)

        let second = try CourierProcess.run(["generate", "Specs", "--output", folder.path])
        #expect(second.standardOutput.contains("changed \(folder.path)/UsersClient.swift"))
        #expect(second.standardOutput.contains("1 written, 11 unchanged"))
        let modified = try FileManager.default.attributesOfItem(atPath: mock.path)[.modificationDate] as? Date
        #expect(modified == old)
    }

    @Test("a spec with errors writes nothing, not even the other specs' files")
    func errorsWriteNothing() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let specs = folder.appendingPathComponent("specs")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        try "courier: 1\nservice: Good\nendpoints: {}\n".write(
            to: specs.appendingPathComponent("good.courier.yaml"), atomically: true, encoding: .utf8)
        try "courier: 1\nservice: Bad\nendpoints:\n  ping: { method: GOT, path: /ping }\n".write(
            to: specs.appendingPathComponent("bad.courier.yaml"), atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out")
        let result = try CourierProcess.run(["generate", specs.path, "--output", output.path])
        #expect(result.status == 1)
        #expect(result.standardError.contains("bad.courier.yaml:4:19: error:"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }

    @Test("--templates replaces a built-in template by name")
    func templateOverride() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let templates = folder.appendingPathComponent("templates")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "// House style for {{specFile}} <&>\nimport CourierRuntime\nimport Foundation\n".write(
            to: templates.appendingPathComponent("header.mustache"), atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out")
        let result = try CourierProcess.run([
            "generate", "Specs/payments.courier.yaml", "Specs/shared", "--output", output.path, "--templates",
            templates.path,
        ])
        #expect(result.status == 0, "\(result.standardError)")
        let models = try String(contentsOf: output.appendingPathComponent("PaymentsModels.swift"), encoding: .utf8)
        #expect(models.hasPrefix("// House style for payments.courier.yaml <&>\n"))
    }

    @Test("--dump-render-model prints what templates see")
    func dumpRenderModel() throws {
        let result = try CourierProcess.run(["generate", "Specs/users.courier.yaml", "--dump-render-model"])
        #expect(result.status == 0)
        let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        #expect(object?["specFile"] as? String == "users.courier.yaml")
    }

    @Test("--output is required unless dumping")
    func outputRequired() throws {
        let result = try CourierProcess.run(["generate", "Specs"])
        #expect(result.status == 2)
        #expect(result.standardError.contains("--output"))
    }

    @Test("--config applies the file's keys; templates are relative to the file; flags win")
    func configurationFile() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let templates = folder.appendingPathComponent("Overrides")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "// Configured header for {{specFile}}\nimport CourierRuntime\nimport Foundation\n".write(
            to: templates.appendingPathComponent("header.mustache"), atomically: true, encoding: .utf8)
        let config = folder.appendingPathComponent("courier-config.yaml")
        try "access: internal\ngenerate: [models, client]\ntemplates: Overrides\n".write(
            to: config, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out")

        let configured = try CourierProcess.run([
            "generate", "Specs/payments.courier.yaml", "Specs/shared", "--output", output.path, "--config", config.path,
            "--quiet",
        ])
        #expect(configured.status == 0, "\(configured.standardError)")
        #expect(configured.standardOutput.isEmpty, "--quiet prints nothing on success")
        let client = try String(contentsOf: output.appendingPathComponent("PaymentsClient.swift"), encoding: .utf8)
        #expect(client.hasPrefix("// Configured header for payments.courier.yaml\n"))
        #expect(client.contains("internal struct PaymentsClient"))
        #expect(!client.contains("public "))
        let mock = try String(contentsOf: output.appendingPathComponent("PaymentsMock.swift"), encoding: .utf8)
        #expect(mock.contains("// No mock code: generating 'mock' is turned off"))

        let overridden = try CourierProcess.run([
            "generate", "Specs/payments.courier.yaml", "Specs/shared", "--output", output.path,
            "--config", config.path, "--access", "package", "--generate", "models,client,mock",
        ])
        #expect(overridden.status == 0, "\(overridden.standardError)")
        let mockNow = try String(contentsOf: output.appendingPathComponent("PaymentsMock.swift"), encoding: .utf8)
        #expect(mockNow.contains("package final class PaymentsMock"))
    }

    @Test("a bad configuration or --generate list fails before anything is written")
    func badConfiguration() throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let config = folder.appendingPathComponent("courier-config.yaml")
        try "access: internal\ntemplate: Overrides\n".write(to: config, atomically: true, encoding: .utf8)
        let output = folder.appendingPathComponent("out")

        let bad = try CourierProcess.run(["generate", "Specs", "--output", output.path, "--config", config.path])
        #expect(bad.status == 1)
        #expect(
            bad.standardError.contains(
                "\(config.path):2:1: error: unknown key 'template'; a configuration holds 'access', 'generate', 'templates' or 'warningsAsErrors'; did you mean 'templates'?"
            ))
        #expect(!FileManager.default.fileExists(atPath: output.path))

        let kinds = try CourierProcess.run(["generate", "Specs", "--output", output.path, "--generate", "client"])
        #expect(kinds.status == 2)
        #expect(kinds.standardError.contains("lists 'client' without 'models', which the client code refers to"))
        #expect(!FileManager.default.fileExists(atPath: output.path))
    }
}

@Suite("courier generate: files whose spec is gone", .timeLimit(.minutes(3)))
struct OrphanedFilesTests {
    @Test("--check reports files of a deleted spec and stray .swift files; generate removes only what it wrote")
    func orphans() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "courier-orphans-\(UUID().uuidString)")
        let specs = folder.appendingPathComponent("specs")
        let output = folder.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "courier: 1\nservice: Keep\n".write(
            to: specs.appendingPathComponent("keep.courier.yaml"), atomically: true, encoding: .utf8)
        try "courier: 1\nservice: Gone\n".write(
            to: specs.appendingPathComponent("gone.courier.yaml"), atomically: true, encoding: .utf8)
        #expect(try CourierProcess.run(["generate", "specs", "--output", "out"], in: folder).status == 0)
        #expect(try CourierProcess.run(["generate", "specs", "--output", "out", "--check"], in: folder).status == 0)

        // The spec is deleted; a file of the user's sits in the folder; one of the spec's files was
        // replaced by the user's own code (no Courier header).
        try FileManager.default.removeItem(at: specs.appendingPathComponent("gone.courier.yaml"))
        try "struct Mine {}\n".write(to: output.appendingPathComponent("Mine.swift"), atomically: true, encoding: .utf8)
        try "// my own mock\n".write(
            to: output.appendingPathComponent("GoneMock.swift"), atomically: true, encoding: .utf8)

        let check = try CourierProcess.run(["generate", "specs", "--output", "out", "--check"], in: folder)
        #expect(check.status == 1)
        #expect(
            check.standardError.contains(
                "out/GoneClient.swift: error: its spec is gone or no longer produces it; run courier generate, which removes it"
            ))
        #expect(check.standardError.contains("out/GoneModels.swift: error: its spec is gone"))
        #expect(
            !check.standardError.contains("out/GoneMock.swift: error: its spec is gone"),
            "a file Courier did not write is not its to remove")
        #expect(check.standardError.contains("out/Mine.swift: error: no spec produces this file"))

        let generate = try CourierProcess.run(["generate", "specs", "--output", "out"], in: folder)
        #expect(generate.status == 0, "\(generate.standardError)")
        #expect(generate.standardOutput.contains("removed out/GoneClient.swift (its spec is gone)"))
        let left = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        #expect(
            left == [
                ".courier-manifest.json", "GoneMock.swift", "KeepClient.swift", "KeepMock.swift", "KeepModels.swift",
                "Mine.swift",
            ])
    }

    @Test("a run over one spec keeps the files of the others (the build plugin runs one per spec)")
    func runsOverOneSpec() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "courier-partial-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "courier: 1\nservice: A\n".write(
            to: folder.appendingPathComponent("a.courier.yaml"), atomically: true, encoding: .utf8)
        try "courier: 1\nservice: B\n".write(
            to: folder.appendingPathComponent("b.courier.yaml"), atomically: true, encoding: .utf8)
        #expect(try CourierProcess.run(["generate", "a.courier.yaml", "--output", "out"], in: folder).status == 0)
        #expect(try CourierProcess.run(["generate", "b.courier.yaml", "--output", "out"], in: folder).status == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent("out").path)
            .filter { $0.hasSuffix(".swift") }
        #expect(files.count == 6)
        #expect(
            try CourierProcess.run(["generate", "a.courier.yaml", "--output", "out", "--check"], in: folder).status == 0
        )
    }
}
