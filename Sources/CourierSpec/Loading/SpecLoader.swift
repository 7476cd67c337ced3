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
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "it cannot be read")
        }
        return [UInt8](data)
    }

    /// Loads, decodes and validates the spec at `path` with everything it imports.
    ///
    /// Each file is read and decoded once per loader, and the tables validation looks names up
    /// in are built once per load for the whole import graph, so the cost grows with the total
    /// size of the files, however long their import chains are.
    public mutating func load(_ path: String) -> Result {
        let (file, diagnostics) = decode(path, importedFrom: nil)
        guard let file else { return Result(spec: nil, diagnostics: diagnostics) }
        var all = diagnostics
        let graph = collectImports(of: file, diagnostics: &all)
        let (spec, validation) = SpecValidator.validate(file, imported: graph.imported)
        all += validation
        // Each shared file is checked on its own too, so a broken one is reported even when only
        // imported, and a name it uses without importing the file that defines it is an error.
        let scope = SpecValidator.Scope(files: graph.imported + [file])
        for shared in graph.imported {
            all += SpecValidator.validateShared(shared, in: scope) { graph.reaches(from: shared.path, to: $0) }
        }
        let sorted = all.sortedUnique()
        return Result(spec: sorted.containsErrors ? nil : spec, diagnostics: sorted)
    }

    /// Reads and decodes one file, from the cache when it was read before.
    ///
    /// A file that cannot be read is reported where it is named: at each import that names it,
    /// or at the file itself when it is the spec being loaded.
    private mutating func decode(_ path: String, importedFrom importLocation: SourceLocation?) -> (
        SpecFile?, [Diagnostic]
    ) {
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
                return (
                    nil,
                    [
                        .error(
                            "the file holds no YAML document; a spec starts with 'courier: 1'",
                            at: SourceLocation(file: path, line: 1, column: 1))
                    ]
                )
            }
            return (nil, yaml.diagnostics)
        }
        var decoder = SpecDecoder(path: path)
        let file = decoder.decode(root)
        return (file, yaml.diagnostics + decoder.diagnostics)
    }

    /// The files a spec imports, directly or not, and which file imports which.
    struct ImportGraph {
        /// Every imported file once, dependencies first; the spec itself is not among them.
        var imported: [SpecFile] = []
        /// The paths each file imports directly.
        var direct: [String: Set<String>] = [:]

        /// Whether `from` is `to` or imports it, directly or not.
        ///
        /// Almost every name a shared file uses is its own or a direct import's, answered at
        /// once; the rest take one walk over the graph.
        func reaches(from: String, to: String) -> Bool {
            if from == to || direct[from]?.contains(to) == true { return true }
            var pending = Array(direct[from] ?? [])
            var seen = Set(pending)
            while let next = pending.popLast() {
                for target in direct[next] ?? [] where seen.insert(target).inserted {
                    if target == to { return true }
                    pending.append(target)
                }
            }
            return false
        }
    }

    /// Walks the imports of `root` depth first with an explicit stack (an import chain of any
    /// length cannot overflow the thread's); reports cycles, unreadable imports and imported
    /// service specs.
    private mutating func collectImports(of root: SpecFile, diagnostics: inout [Diagnostic]) -> ImportGraph {
        enum Visit { case onChain, done }
        var graph = ImportGraph()
        var visits: [String: Visit] = [root.path: .onChain]
        // The files being walked, outermost first, each with the index of its next import.
        var chain: [(file: SpecFile, next: Int)] = [(root, 0)]
        while let (file, next) = chain.last {
            guard next < file.imports.count else {
                chain.removeLast()
                visits[file.path] = .done
                if !chain.isEmpty { graph.imported.append(file) }
                continue
            }
            chain[chain.count - 1].next += 1
            let entry = file.imports[next]
            let path = entry.resolvedPath
            switch visits[path] {
            case .onChain:
                graph.direct[file.path, default: []].insert(path)
                let start = chain.firstIndex { $0.file.path == path } ?? 0
                let cycle = (chain[start...].map(\.file.path) + [path]).joined(separator: " → ")
                diagnostics.append(.error("import cycle: \(cycle)", at: entry.location))
                continue
            case .done:
                graph.direct[file.path, default: []].insert(path)
                continue
            case nil:
                break
            }
            let (imported, importDiagnostics) = decode(path, importedFrom: entry.location)
            diagnostics += importDiagnostics
            guard let imported else { continue }
            if imported.isService {
                diagnostics.append(
                    .error(
                        "'\(entry.path)' describes a service; imports name shared model files, which have no 'service:'",
                        at: entry.location))
                continue
            }
            graph.direct[file.path, default: []].insert(path)
            visits[path] = .onChain
            chain.append((imported, 0))
        }
        return graph
    }
}
