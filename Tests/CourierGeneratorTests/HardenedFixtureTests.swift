import CourierSpec
import Foundation
import Testing

@testable import CourierGenerator

/// The hardened fixtures: names that meet what the templates declare, and spec text built to
/// escape from comments and literals. Their generated code is compiled with warnings as errors
/// by the `HardenedClientTests` target; these tests check what compiling cannot.
@Suite("Hardened fixtures", .timeLimit(.minutes(3)))
struct HardenedFixtureTests {
    static let folder = "Tests/CourierGeneratorTests/Fixtures/Hardened"
    static let generated = "Tests/HardenedClientTests/Generated"

    @Test("the names fixture holds every keyword and generated name, as NamesFixture writes it")
    func namesFixtureIsCurrent() throws {
        for (name, text) in NamesFixture.specs {
            let path = Repository.path(Self.folder + "/" + name)
            if ProcessInfo.processInfo.environment["COURIER_UPDATE_FIXTURES"] == "1" {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
                Issue.record("recorded \(name); run the tests again without COURIER_UPDATE_FIXTURES")
                continue
            }
            let committed = try String(contentsOfFile: path, encoding: .utf8)
            #expect(
                committed == text,
                "\(name) is stale: run COURIER_UPDATE_FIXTURES=1 swift test --filter namesFixtureIsCurrent")
        }
        let all = NamesFixture.specs.map(\.text).joined()
        for name in SwiftNaming.keywords.union(ReservedNames.endpointLocals).union(ReservedNames.clientMembers) {
            #expect(all.contains("\"\(name)\""), "the fixture lacks '\(name)'")
        }
    }

    @Test("the names fixture validates without a diagnostic")
    func namesFixtureValidates() {
        var loader = SpecLoader()
        for (name, _) in NamesFixture.specs {
            let result = loader.load(Repository.path(Self.folder + "/" + name))
            #expect(result.diagnostics.isEmpty, "\(result.diagnostics.prefix(5))")
        }
    }

    /// The code of a generated file with comments and string literals taken out, split into
    /// lines wherever Swift ends one.
    static func codeLines(_ source: String) -> [String] {
        let lines = source.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
        return lines.map { line in
            var code = ""
            var inLiteral = false
            var escaped = false
            var previous: Character?
            for character in line {
                defer { previous = character }
                if inLiteral {
                    if escaped {
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        inLiteral = false
                    }
                    continue
                }
                if character == "/", previous == "/" {
                    code.removeLast()
                    break
                }
                if character == "\"" {
                    inLiteral = true
                    continue
                }
                code.append(character)
            }
            return code
        }
    }

    @Test("hostile spec text stays inside comments and literals")
    func hostileTextIsContained() throws {
        let names = SpecFileNames.generatedFileNames(forSpecAt: "hostile.courier.yaml")
        for name in names {
            let source = try String(contentsOfFile: Repository.path(Self.generated + "/" + name), encoding: .utf8)
            // No scalar that ends a line or turns text around is written raw.
            let unsafe = source.unicodeScalars.filter { $0 != "\n" && TextSafety.isUnsafe($0) }
            #expect(unsafe.isEmpty, "\(name) holds \(unsafe.map { String($0.value, radix: 16) })")
            // The payload's words may form an identifier; its code (`func INJECTED`) must not stand.
            for (number, line) in Self.codeLines(source).enumerated() where line.contains("func INJECTED") {
                Issue.record("\(name):\(number + 1): spec text escaped into code: \(line)")
            }
            #expect(source.contains("INJECTED"), "the payload should appear, escaped, in \(name)")
        }
    }

    @Test("a spec file name with line breaks cannot end the header comment")
    func hostileFileName() throws {
        let path = "evil\r\npublic func INJECTED() {}\u{2028}.courier.yaml"
        var loader = SpecLoader { _ in Array("courier: 1\nservice: Evil\n".utf8) }
        let spec = try #require(loader.load(path).spec)
        for file in try CourierGenerator().generate(spec) {
            #expect(!file.contents.unicodeScalars.contains { $0 != "\n" && TextSafety.isUnsafe($0) })
            for line in Self.codeLines(file.contents) where line.contains("func INJECTED") {
                Issue.record("\(file.name): the file name escaped into code: \(line)")
            }
        }
    }

    @Test("the code-line scanner finds text that escaped")
    func scannerFindsEscapes() {
        #expect(Self.codeLines("/// a\rpublic func INJECTED() {}").contains { $0.contains("func INJECTED") })
        #expect(
            !Self.codeLines("let x = \"func INJECTED \\\" // func INJECTED\" // func INJECTED").contains {
                $0.contains("func INJECTED")
            })
    }
}
