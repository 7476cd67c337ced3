import CourierGenerator
import CourierRuntime
import CourierSpec
import Foundation
import Testing

@Suite("Versions", .timeLimit(.minutes(3)))
struct VersionTests {
    @Test("the tool, the generator and the runtime say one version, and generated code names its compatibility member")
    func oneVersion() throws {
        let version = try CourierProcess.run(["--version"])
        #expect(version.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == CourierGenerator.version)
        #expect(CourierRuntimeCompatibility.version == CourierGenerator.version)
        #expect(CourierGenerator.runtimeCompatibility == "Version0_1")
    }

    @Test("the generated kinds are the shared table's, in its order")
    func oneTableOfKinds() {
        #expect(GeneratedKind.allCases.map(\.rawValue) == SpecFileNames.generatedKinds.map(\.kind))
        #expect(
            GeneratedKind.allCases.map { $0.fileName(forSpecAt: "a/user-accounts.courier.yaml") }
                == SpecFileNames.generatedFileNames(forSpecAt: "a/user-accounts.courier.yaml"))
    }
}
