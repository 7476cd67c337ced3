import Foundation

/// Reads spec files, follows their imports and validates them: the one entry point from a
/// path on disk to a ``Spec`` or diagnostics.
///
/// A loader caches every file it reads, so specs that import the same shared model file
/// read and check it once. Diagnostics of shared files may still be returned by each
/// importer; ``Swift/Array/sortedUnique()`` folds the repeats.
public struct SpecLoader {
    /// Reads a file's bytes, or throws when it cannot.
    public typealias FileReader = @Sendable (String) throws -> [UInt8]

    /// What loading one spec produced.
    public struct Result: Sendable {
        /// The validated spec, or `nil` when any error was found.
        public var spec: Spec?
        /// Every problem, in this file and the files it imports.
        public var diagnostics: [Diagnostic]
    }

    /// Why a file could not be read.
    public struct ReadError: Error, CustomStringConvertible {
        /// The reason, in plain words.
        public var description: String

        /// Creates a read error with its reason.
        public init(description: String) { self.description = description }
    }

    private let readFile: FileReader
    private var decoded: [String: Swift.Result<(file: SpecFile?, diagnostics: [Diagnostic]), ReadError>] = [:]

    /// Creates a loader that reads files with `readFile` (from disk by default).
    public init(readFile: @escaping FileReader = SpecLoader.readFromDisk) {
        self.readFile = readFile
    }

    /// Reads a file from disk.
    @Sendable public static func readFromDisk(_ path: String) throws -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw ReadError(description: "no such file")
        }
        guard !isDirectory.boolValue else { throw ReadError(description: "it is a folder") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ReadError(description: "it cannot be read") }
        return [UInt8](data)
    }

    /// Loads, decodes and validates the spec at `path` with everything it imports.
    public mutating func load(_ path: String) -> Result {
        let (file, diagnostics) = decode(path, importedFrom: nil)
        guard let file else { return Result(spec: nil, diagnostics: diagnostics) }
        var all = diagnostics
        var imported: [SpecFile] = []
        var seen = Set<String>()
        collectImports(of: file, chain: [file.path], into: &imported, seen: &seen, diagnostics: &all)
        // Each shared file is checked with its own imports, so a broken one is reported even when only imported.
        for shared in imported {
            var sharedImports: [SpecFile] = []
            var sharedSeen = Set<String>()
            var ignored: [Diagnostic] = []
            collectImports(of: shared, chain: [shared.path], into: &sharedImports, seen: &sharedSeen, diagnostics: &ignored)
            all += SpecValidator.validate(shared, imported: sharedImports).diagnostics
        }
        let (spec, validation) = SpecValidator.validate(file, imported: imported)
        all += validation
        let sorted = all.sortedUnique()
        return Result(spec: sorted.containsErrors ? nil : spec, diagnostics: sorted)
    }

    /// Reads and decodes one file, from the cache when it was read before.
    ///
    /// A file that cannot be read is reported where it is named: at each import that names it,
    /// or at the file itself when it is the spec being loaded.
    private mutating func decode(_ path: String, importedFrom importLocation: SourceLocation?) -> (SpecFile?, [Diagnostic]) {
        if decoded[path] == nil {
            do {
                decoded[path] = .success(Self.decode(try readFile(path), path: path))
            } catch {
                decoded[path] = .failure(ReadError(description: (error as? ReadError)?.description ?? "\(error)"))
            }
        }
        switch decoded[path] {
        case .success(let result):
            return result
        case .failure(let error):
            let at = importLocation ?? SourceLocation(file: path, line: 1, column: 1)
            return (nil, [.error("cannot read '\(path)': \(error.description)", at: at)])
        case nil:
            return (nil, [])
        }
    }

    /// Decodes one file's bytes without following imports.
    public static func decode(_ bytes: [UInt8], path: String) -> (file: SpecFile?, diagnostics: [Diagnostic]) {
        let yaml = YAMLLoader.load(bytes, file: path)
        guard let root = yaml.root else {
            if yaml.diagnostics.isEmpty {
                return (nil, [.error("the file holds no YAML document; a spec starts with 'courier: 1'", at: SourceLocation(file: path, line: 1, column: 1))])
            }
            return (nil, yaml.diagnostics)
        }
        var decoder = SpecDecoder(path: path)
        let file = decoder.decode(root)
        return (file, yaml.diagnostics + decoder.diagnostics)
    }

    /// Appends the files `file` imports, directly or not, dependencies first; reports cycles and unreadable imports.
    private mutating func collectImports(of file: SpecFile, chain: [String], into result: inout [SpecFile],
                                         seen: inout Set<String>, diagnostics: inout [Diagnostic]) {
        for entry in file.imports {
            let path = entry.resolvedPath
            if let start = chain.firstIndex(of: path) {
                let cycle = (chain[start...] + [path]).joined(separator: " → ")
                diagnostics.append(.error("import cycle: \(cycle)", at: entry.location))
                continue
            }
            if seen.contains(path) { continue }
            let (imported, importDiagnostics) = decode(path, importedFrom: entry.location)
            diagnostics += importDiagnostics
            guard let imported else { continue }
            if imported.isService {
                diagnostics.append(.error("'\(entry.path)' describes a service; imports name shared model files, which have no 'service:'", at: entry.location))
                continue
            }
            collectImports(of: imported, chain: chain + [path], into: &result, seen: &seen, diagnostics: &diagnostics)
            if seen.insert(path).inserted { result.append(imported) }
        }
    }
}
