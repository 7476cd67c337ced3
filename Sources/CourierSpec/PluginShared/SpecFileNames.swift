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
    ///
    /// Folders that cannot be listed are left out; ``searchSpecFiles(in:listing:)`` says which.
    public static func specFiles(in folder: String) -> [String] {
        searchSpecFiles(in: folder).files
    }

    /// What a search for spec files found, and what it could not look into.
    public struct Search: Sendable {
        /// The spec files, as paths that start with the folder as given, sorted.
        public var files: [String] = []
        /// Paths the search could not use, each with the reason in plain words: folders it could
        /// not list, and spec files whose names are not valid UTF-8 (which no path can name).
        public var skipped: [(path: String, reason: String)] = []
    }

    /// An entry of a folder listing: its name and whether it is a folder to search.
    public typealias Entry = (name: String, isFolder: Bool)

    /// Lists a folder's entries; throws when the folder cannot be read.
    public typealias Listing = (String) throws -> [Entry]

    /// Searches `folder` and every folder below it, with an explicit stack, and reports what it
    /// had to skip instead of skipping it silently. Symbolic links to folders are not followed,
    /// so a link cycle cannot make the search endless.
    public static func searchSpecFiles(in folder: String, listing: Listing = listFolder) -> Search {
        var search = Search()
        let root = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        var pending = [root]
        while let current = pending.popLast() {
            let entries: [Entry]
            do {
                entries = try listing(current)
            } catch {
                search.skipped.append((current, "the folder cannot be read (\(error.localizedDescription))"))
                continue
            }
            for entry in entries {
                let path = current + "/" + entry.name
                if entry.isFolder {
                    pending.append(path)
                } else if isSpecFile(entry.name) {
                    if entry.name.unicodeScalars.contains("\u{FFFD}") {
                        search.skipped.append((path, "the file name is not valid UTF-8; rename the file"))
                    } else {
                        search.files.append(path)
                    }
                }
            }
        }
        search.files.sort()
        search.skipped.sort { $0.path < $1.path }
        return search
    }

    /// The entries of a folder on disk; folders reached through symbolic links count as files.
    public static func listFolder(_ path: String) throws -> [Entry] {
        let manager = FileManager.default
        return try manager.contentsOfDirectory(atPath: path).map { name in
            let child = path + "/" + name
            let type = (try? manager.attributesOfItem(atPath: child))?[.type] as? FileAttributeType
            return (name, type == .typeDirectory)
        }
    }

    /// The files the generator writes for every spec, in order: each kind's name (which is also
    /// its template's and its `generate:` word) and the suffix of its file name, which is the
    /// spec's type prefix, the suffix and `.swift`. The one table of generated kinds: the
    /// generator's `GeneratedKind`, its templates, the plugins and the CLI all read it.
    public static let generatedKinds: [(kind: String, fileSuffix: String)] = [
        ("models", "Models"), ("client", "Client"), ("mock", "Mock"),
    ]

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
        return generatedKinds.map { prefix + $0.fileSuffix + ".swift" }
    }
}
