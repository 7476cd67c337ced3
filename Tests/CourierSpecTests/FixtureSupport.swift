import CourierSpec
import Foundation
import Testing

/// Paths and helpers shared by the spec tests.
enum Fixtures {
    /// `Tests/CourierSpecTests/Fixtures`.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    /// The repository's `Specs/` folder.
    static let specs = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Specs")

    /// Whether expected files should be rewritten from the current output instead of compared.
    static var updating: Bool { ProcessInfo.processInfo.environment["COURIER_UPDATE_FIXTURES"] == "1" }

    /// The spec files directly inside `folder`, by name, sorted.
    static func specNames(in folder: URL) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        return names.filter(SpecFileNames.isSpecFile).sorted()
    }

    /// A loader that reads paths relative to `folder`, so diagnostics show short, stable paths.
    static func loader(in folder: URL) -> SpecLoader {
        let base = folder.path
        return SpecLoader { path in try SpecLoader.readFromDisk(base + "/" + path) }
    }

    /// Diagnostics in the compiler format, one per line, ending in a newline.
    static func render(_ diagnostics: [Diagnostic]) -> String {
        diagnostics.map(\.description).map { $0 + "\n" }.joined()
    }

    /// A line diff good enough to read a mismatch: `-` expected, `+` actual.
    static func diff(expected: String, actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var lines: [String] = []
        for line in old where !new.contains(line) { lines.append("- \(line)") }
        for line in new where !old.contains(line) { lines.append("+ \(line)") }
        return lines.joined(separator: "\n")
    }
}
