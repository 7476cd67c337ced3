import CourierRuntime
import CourierSpec
import Foundation
import Testing

/// Runs the built `courier` executable, as a user would.
struct CourierProcess {
    struct Output {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// The `courier` binary next to the test bundle in the build folder.
    static var executable: URL {
        var folder = Bundle.main.bundleURL
        if folder.pathExtension == "xctest" { folder.deleteLastPathComponent() }
        for candidate in [folder, Bundle.main.bundleURL.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("courier")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return folder.appendingPathComponent("courier")
    }

    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func run(_ arguments: [String], in folder: URL = repository) throws -> Output {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus,
            standardOutput: String(decoding: outData, as: UTF8.self),
            standardError: String(decoding: errData, as: UTF8.self))
    }
}

@Suite("courier validate", .timeLimit(.minutes(3)))
struct ValidateCommandTests {
    /// A scratch folder with the given files, removed when the test ends.
    func scratch(_ files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("courier-cli-\(UUID().uuidString)")
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        return folder
    }

    @Test("The example specs validate quietly with status 0")
    func examples() throws {
        let output = try CourierProcess.run(["validate", "Specs"])
        #expect(output.status == 0)
        #expect(output.standardOutput.isEmpty)
        #expect(output.standardError.isEmpty)
    }

    @Test("A broken spec prints compiler-format diagnostics with the path as given and exits 1")
    func brokenSpec() throws {
        let folder = try scratch([
            "specs/shop.courier.yaml":
                "courier: 1\nservice: Shop\nendpoints:\n  get:\n    method: GET\n    path: /a/{id}\n"
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try CourierProcess.run(["validate", "specs/shop.courier.yaml"], in: folder)
        #expect(output.status == 1)
        #expect(
            output.standardError
                == "specs/shop.courier.yaml:6:11: error: path parameter 'id' is not declared in 'params'\n")
    }

    @Test("Every problem of every spec is reported in one run, sorted by file and position")
    func allProblemsAtOnce() throws {
        let folder = try scratch([
            "b.courier.yaml":
                "courier: 1\nservice: B\nmodels:\n  X: { properties: { a: strng } }\n  Y: { propertes: {} }\n",
            "a.courier.yaml": "courier: 3\nservice: A\n",
        ])
        defer { try? FileManager.default.removeItem(at: folder) }
        let output = try CourierProcess.run(["validate", "."], in: folder)
        #expect(output.status == 1)
        let lines = output.standardError.split(separator: "\n").map(String.init)
        #expect(
            lines == [
                "./a.courier.yaml:1:10: error: this Courier reads format version 1, not 3",
                "./b.courier.yaml:4:25: error: unknown type 'strng'; did you mean 'string'?",
                "./b.courier.yaml:5:3: error: model 'Y' needs one of 'properties', 'enum', 'oneOf' or 'type'",
                "./b.courier.yaml:5:8: error: unknown key 'propertes' in model 'Y'; did you mean 'properties'?",
            ])
    }

    @Test("Warnings print but pass; --warnings-as-errors fails on them")
    func warnings() throws {
        let spec = "courier: 1\nservice: Shop\nendpoints:\n  read: { method: GET, path: /a, idempotencyKey: Key }\n"
        let folder = try scratch(["shop.courier.yaml": spec])
        defer { try? FileManager.default.removeItem(at: folder) }
        let lenient = try CourierProcess.run(["validate", "shop.courier.yaml"], in: folder)
        #expect(lenient.status == 0)
        #expect(lenient.standardError.contains("shop.courier.yaml:4:34: warning: GET is idempotent already"))
        let strict = try CourierProcess.run(["validate", "--warnings-as-errors", "shop.courier.yaml"], in: folder)
        #expect(strict.status == 1)
        #expect(strict.standardError.contains("shop.courier.yaml:4:34: error: GET is idempotent already"))
    }

    @Test(
        "Usage errors exit 2",
        arguments: [
            ["validate"], ["validate", "no/such/path.courier.yaml"], ["validate", "--frobnicate", "Specs"],
            ["validate", "Sources/courier"],
        ])
    func usageErrors(arguments: [String]) throws {
        let output = try CourierProcess.run(arguments)
        #expect(output.status == 2)
        #expect(!output.standardError.isEmpty)
    }

    @Test("--help and --version succeed")
    func help() throws {
        let help = try CourierProcess.run(["validate", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("--warnings-as-errors"))
        let version = try CourierProcess.run(["--version"])
        #expect(version.status == 0)
        #expect(!version.standardOutput.isEmpty)
    }
}

@Suite("Spec file search", .timeLimit(.minutes(3)))
struct SpecFileSearchTests {
    @Test("a spec file whose name is not valid UTF-8 is reported, not read as 'no such file' or skipped silently")
    func nonUTF8FileName() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("courier-names-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "courier: 1\nservice: Good\n".write(
            to: folder.appendingPathComponent("sub/good.courier.yaml"), atomically: true, encoding: .utf8)
        // "café.courier.yaml" in Latin-1: the é is the lone byte 0xE9.
        let badName = Array(folder.path.utf8) + Array("/caf".utf8) + [0xE9] + Array(".courier.yaml".utf8) + [0]
        let descriptor = badName.map { CChar(bitPattern: $0) }.withUnsafeBufferPointer { bytes in
            bytes.baseAddress.map { open($0, O_CREAT | O_WRONLY, 0o644) } ?? -1
        }
        #expect(descriptor >= 0)
        close(descriptor)

        let result = try CourierProcess.run(["validate", folder.path])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(
            result.standardError.contains(
                "caf\u{FFFD}.courier.yaml: warning: skipped: the file name is not valid UTF-8; rename the file"))
    }

    @Test("a folder that cannot be listed is reported with its reason, and the rest is still found")
    func unreadableFolder() {
        struct Denied: Error, LocalizedError { var errorDescription: String? { "permission denied" } }
        let search = SpecFileNames.searchSpecFiles(in: "root") { folder in
            switch folder {
            case "root": [("a.courier.yaml", false), ("locked", true), ("open", true), ("notes.yaml", false)]
            case "root/open": [("b.courier.yml", false)]
            default: throw Denied()
            }
        }
        #expect(search.files == ["root/a.courier.yaml", "root/open/b.courier.yml"])
        #expect(search.skipped.map(\.path) == ["root/locked"])
        #expect(search.skipped.first?.reason == "the folder cannot be read (permission denied)")
    }
}
