import CourierSpec
import CourierTestSupport
import Foundation
import Testing

// Serialized: its cases are long synchronous CPU loops; run side by side they would hold every
// thread of the cooperative pool on a two-core machine and starve the real-time fault tests.
@Suite("Robustness", .serialized, .timeLimit(.minutes(2)))
struct RobustnessTests {
    /// One way to break a spec.
    enum Mutation: CaseIterable {
        case deleteLine, duplicateLine, swapLines, randomBytes, truncate, indentLine, replaceCharacter
        // Structure-aware: shapes that stress depth, aliases and chains rather than syntax.
        case deepNesting, aliasFanOut, longChain, controlCharacters

        func apply(to bytes: [UInt8], using random: inout SeededGenerator) -> [UInt8] {
            var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            guard !lines.isEmpty, !bytes.isEmpty else { return bytes }
            let index = Int.random(in: 0..<lines.count, using: &random)
            switch self {
            case .deleteLine:
                lines.remove(at: index)
            case .duplicateLine:
                lines.insert(lines[index], at: index)
            case .swapLines:
                lines.swapAt(index, Int.random(in: 0..<lines.count, using: &random))
            case .indentLine:
                lines[index] =
                    Array(repeating: UInt8(ascii: " "), count: Int.random(in: 1...3, using: &random)) + lines[index]
            case .randomBytes:
                var mutated = bytes
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    mutated[Int.random(in: 0..<mutated.count, using: &random)] = UInt8.random(
                        in: 0...255, using: &random)
                }
                return mutated
            case .truncate:
                return Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &random)))
            case .deepNesting:
                // Wrap a line's value in hundreds of flow levels.
                let depth = Int.random(in: 10...100, using: &random)
                guard let colon = lines[index].firstIndex(of: UInt8(ascii: ":")) else { return bytes }
                let value = Array(lines[index][(colon + 1)...])
                lines[index] =
                    Array(lines[index][...colon]) + Array(" ".utf8) + Array(repeating: UInt8(ascii: "["), count: depth)
                    + value + Array(repeating: UInt8(ascii: "]"), count: depth)
            case .aliasFanOut:
                // Anchor a line's value and refer to it many times on a new line at the same indentation.
                guard let colon = lines[index].firstIndex(of: UInt8(ascii: ":")), colon + 1 < lines[index].count else {
                    return bytes
                }
                let indent = lines[index].prefix { $0 == UInt8(ascii: " ") }
                lines[index].insert(contentsOf: Array(" &fan".utf8), at: colon + 1)
                let count = Int.random(in: 2...200, using: &random)
                lines.insert(
                    Array(indent) + Array("fanOut: [".utf8)
                        + Array(Array(repeating: "*fan", count: count).joined(separator: ", ").utf8) + Array("]".utf8),
                    at: index + 1)
            case .longChain:
                // A chain of models each holding the next, appended under `models:` (or at the top level).
                let count = Int.random(in: 10...150, using: &random)
                var chain: [String] = []
                for link in 0..<count {
                    chain.append(
                        "  Chain\(link): { properties: { next: \(link + 1 < count ? "Chain\(link + 1)" : "string") } }")
                }
                if let models = lines.firstIndex(of: Array("models:".utf8)) {
                    lines.insert(contentsOf: chain.map { Array($0.utf8) }, at: models + 1)
                } else {
                    lines += (["models:"] + chain).map { Array($0.utf8) }
                }
            case .controlCharacters:
                // Put line breaks, bidirectional controls and NUL inside a quoted value.
                let escapes = ["\\r", "\\n", "\\0", "\\u202E", "\\L", "\\N", "\\e", "*/", "\\\"\\\"\\\""]
                guard let colon = lines[index].firstIndex(of: UInt8(ascii: ":")),
                    let escape = escapes.randomElement(using: &random)
                else { return bytes }
                lines[index] = Array(lines[index][...colon]) + Array(" \"x\(escape)y\"".utf8)
            case .replaceCharacter:
                let specials: [UInt8] = Array(":-{}[]&*!|>'\"#%@`\t?,<".utf8)
                var mutated = bytes
                if let special = specials.randomElement(using: &random) {
                    mutated[Int.random(in: 0..<mutated.count, using: &random)] = special
                }
                return mutated
            }
            return Array(lines.joined(separator: [0x0A]))
        }
    }

    static let specNames = [
        "payments.courier.yaml", "users.courier.yaml", "inventory.courier.yaml", "shared/common.courier.yaml",
    ]

    @Test("Thousands of random mutations never crash, and every rejection is positioned", arguments: specNames)
    func mutations(name: String) async throws {
        let (rounds, rejected, problems) = try await offCooperativePool { try Self.mutate(name: name) }
        #expect(problems == [])
        // The mutations must actually break specs, or this test proves nothing.
        #expect(rejected > rounds * 3 / 10)
    }

    /// Loads `rounds` mutations of the spec; how many were rejected, and every broken promise.
    static func mutate(name: String) throws -> (rounds: Int, rejected: Int, problems: [String]) {
        var problems: [String] = []
        let original = try [UInt8](Data(contentsOf: Fixtures.specs.appendingPathComponent(name)))
        let sharedBytes = try [UInt8](
            Data(contentsOf: Fixtures.specs.appendingPathComponent("shared/common.courier.yaml")))
        var random = SeededGenerator(state: 0xC0FFEE ^ UInt64(name.utf8.count))
        var rejected = 0
        let rounds = 600
        for round in 0..<rounds {
            var bytes = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                bytes = Mutation.allCases.randomElement(using: &random)?.apply(to: bytes, using: &random) ?? bytes
            }
            let mutated = bytes
            var loader = SpecLoader { path in
                if path == name { return mutated }
                if path.hasSuffix("shared/common.courier.yaml") { return sharedBytes }
                throw SpecLoader.ReadError(description: "no such file")
            }
            let result = loader.load(name)
            if result.spec == nil {
                rejected += 1
                if !result.diagnostics.containsErrors { problems.append("round \(round): rejected without an error") }
            }
            for diagnostic in result.diagnostics {
                if diagnostic.location.line < 1 || diagnostic.location.column < 1 {
                    problems.append("round \(round): unpositioned \(diagnostic)")
                }
                if diagnostic.message.isEmpty { problems.append("round \(round): an empty message") }
            }
        }
        return (rounds, rejected, problems)
    }
}
