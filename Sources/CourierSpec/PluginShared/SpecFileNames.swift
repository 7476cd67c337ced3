import Foundation

/// The naming convention for spec files: `NAME.courier.yaml` (or `.courier.yml`).
///
/// The suffix lets the CLI and the build plugin tell specs from other YAML files without
/// reading them. This file depends on Foundation only, so the plugins can share its source.
public enum SpecFileNames {
    /// The suffixes a spec file name ends with.
    public static let suffixes = [".courier.yaml", ".courier.yml"]

    /// Whether a file name (or path) follows the spec naming convention.
    public static func isSpecFile(_ path: String) -> Bool {
        let name = (path as NSString).lastPathComponent
        return suffixes.contains { name.hasSuffix($0) && name.count > $0.count }
    }

    /// The file name without its spec suffix: `payments` for `Specs/payments.courier.yaml`.
    public static func baseName(of path: String) -> String {
        let name = (path as NSString).lastPathComponent
        for suffix in suffixes where name.hasSuffix(suffix) { return String(name.dropLast(suffix.count)) }
        return (name as NSString).deletingPathExtension
    }

    /// Every spec file below `folder`, recursively, as paths that start with `folder` as given, sorted.
    public static func specFiles(in folder: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            if isSpecFile(relative) { found.append(prefix + relative) }
        }
        return found.sorted()
    }

    /// The kinds of file the generator writes for every spec, in order; each file name is the
    /// spec's type prefix followed by one of these and `.swift`.
    public static let generatedFileKinds = ["Models", "Client", "Mock"]

    /// `payments.courier.yaml` → `Payments`; `user-accounts.courier.yaml` → `UserAccounts`.
    ///
    /// Letters and digits are kept, anything else separates words, and each word starts upper-case.
    public static func typePrefix(of path: String) -> String {
        var prefix = ""
        var startsWord = true
        for character in baseName(of: path) {
            if character.isLetter || character.isNumber {
                prefix += startsWord ? character.uppercased() : String(character)
                startsWord = false
            } else {
                startsWord = true
            }
        }
        return prefix.isEmpty ? "Spec" : prefix
    }

    /// The names of the files generated from the spec at `path`, which depend on its file name only
    /// (so the build plugin can declare them before running the generator):
    /// `payments.courier.yaml` → `PaymentsModels.swift`, `PaymentsClient.swift`, `PaymentsMock.swift`.
    public static func generatedFileNames(forSpecAt path: String) -> [String] {
        let prefix = typePrefix(of: path)
        return generatedFileKinds.map { prefix + $0 + ".swift" }
    }
}
