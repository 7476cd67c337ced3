import CourierSpec
import Foundation
import Testing

/// Replays every input the fuzzer (or a hostile user) has found, and every spec fixture, through
/// the promises of ``PipelineInvariants``.
@Suite("Fuzz findings", .serialized, .timeLimit(.minutes(3)))
struct FuzzFindingsTests {
    static let folder = "Tests/CourierGeneratorTests/Fixtures/FuzzFindings"

    static var findings: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: Repository.path(folder))) ?? [])
            .filter { $0 != "README.md" }.sorted()
    }

    @Test("every finding keeps the pipeline's promises", arguments: findings)
    func finding(name: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Repository.path(Self.folder + "/" + name))))
        #expect(PipelineInvariants.violations(for: bytes) == [])
    }

    @Test("the findings folder is not empty, so the test above runs")
    func findingsExist() {
        #expect(Self.findings.count >= 5)
    }

    /// The invalid corpus; the valid fixtures are generated (and their output checked) by the
    /// golden-file and hardened-fixture tests already.
    @Test("every invalid-spec fixture keeps the pipeline's promises")
    func fixtures() throws {
        for folder in ["Tests/CourierSpecTests/Fixtures"] {
            for path in SpecFileNames.specFiles(in: Repository.path(folder)) {
                let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
                #expect(PipelineInvariants.violations(for: bytes) == [], "\(path)")
            }
        }
    }

    @Test("the invariants catch a broken promise")
    func invariantsCanFail() {
        #expect(
            PipelineInvariants.isRawUnsafe("\r") && PipelineInvariants.isRawUnsafe("\u{202E}")
                && PipelineInvariants.isRawUnsafe("\u{2028}"))
        #expect(!PipelineInvariants.isRawUnsafe("é") && !PipelineInvariants.isRawUnsafe("\u{200D}"))
    }
}
