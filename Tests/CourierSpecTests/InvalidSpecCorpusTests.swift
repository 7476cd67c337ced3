import CourierSpec
import Foundation
import Testing

/// Every fixture in `Fixtures/Invalid` is a broken spec; the `.diagnostics` file beside it holds
/// exactly what Courier must say about it. Set `COURIER_UPDATE_FIXTURES=1` to rewrite the
/// expected files after an intended change, then review the diff.
@Suite("Invalid spec corpus", .timeLimit(.minutes(3)))
struct InvalidSpecCorpusTests {
    static let folder = Fixtures.root.appendingPathComponent("Invalid")
    static let names = Fixtures.specNames(in: folder)

    @Test("The corpus covers at least 40 broken specs")
    func corpusSize() {
        #expect(Self.names.count >= 40)
    }

    @Test("A broken spec produces exactly its expected diagnostics", arguments: names)
    func expectedDiagnostics(name: String) throws {
        var loader = Fixtures.loader(in: Self.folder)
        let result = loader.load(name)
        let actual = Fixtures.render(result.diagnostics)
        let expectedURL = Self.folder.appendingPathComponent(SpecFileNames.baseName(of: name) + ".diagnostics")

        #expect(!result.diagnostics.isEmpty, "a fixture of the invalid corpus must produce diagnostics")
        if result.diagnostics.containsErrors {
            #expect(result.spec == nil, "a spec with errors must not come out validated")
        }
        if Fixtures.updating {
            try actual.write(to: expectedURL, atomically: true, encoding: .utf8)
            // A recording run never passes: it wrote what it found, which proves nothing yet.
            Issue.record("recorded \(name); review the diff and run the tests again without COURIER_UPDATE_FIXTURES")
            return
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(
            actual == expected, "diagnostics differ for \(name):\n\(Fixtures.diff(expected: expected, actual: actual))")
    }
}
