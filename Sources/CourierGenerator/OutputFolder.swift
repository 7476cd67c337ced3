import CourierSpec
import Foundation

/// Writes generated files into a folder, touching only files whose contents change, or compares
/// them with what is there (`--check`).
public struct OutputFolder: Sendable {
    /// The folder.
    public let path: String

    /// Uses the folder at `path`; it is created when something is written.
    public init(path: String) {
        self.path = path
    }

    /// What a write or check found for one file.
    public enum Status: String, Sendable {
        /// The file did not exist.
        case created
        /// The file existed with other contents.
        case changed
        /// The file already had these contents.
        case unchanged
    }

    /// Compares `files` with the folder's contents.
    public func compare(_ files: [GeneratedFile]) -> [(file: GeneratedFile, status: Status, existing: String?)] {
        files.map { file in
            let existing = read(file.name)
            let status: Status = existing == nil ? .created : existing == file.contents ? .unchanged : .changed
            return (file, status, existing)
        }
    }

    // MARK: - The manifest

    /// The file, in the output folder, that lists which files each spec produced there, so a
    /// later run can remove the files of a spec that is gone, and `--check` can report them. It
    /// is a hidden file (SwiftPM ignores it in a target's folder).
    public static let manifestName = ".courier-manifest.json"

    /// Which files a spec produced, by the spec's path relative to the output folder.
    public typealias Manifest = [String: [String]]

    /// The manifest in the folder; empty when there is none or it cannot be read.
    public func readManifest() -> Manifest {
        guard
            let data = FileManager.default.contents(
                atPath: (path as NSString).appendingPathComponent(Self.manifestName)),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let specs = object["specs"] as? [String: [String]]
        else { return [:] }
        return specs
    }

    /// The manifest's text: sorted, pretty-printed JSON, so it reads well in a review.
    static func manifestText(_ manifest: Manifest) -> String {
        let object: [String: Any] = [
            "about": "Written by courier generate: the files each spec produced here. Do not edit.",
            "specs": manifest.mapValues { $0.sorted() },
        ]
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else {
            return "{}\n"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// What a run that produced `produced` (spec path, as given → file names) leaves: the new
    /// manifest, and the files a spec produced before and no longer does, or whose spec is gone.
    ///
    /// Entries of specs this run did not see are kept while their spec exists, so a run over one
    /// spec (as the build plugin makes, one per spec) never touches the files of the others.
    public func plan(producing produced: [(spec: String, files: [String])]) -> (manifest: Manifest, orphans: [String]) {
        let old = readManifest()
        var manifest: Manifest = [:]
        for (spec, files) in produced { manifest[relativePath(of: spec)] = files.sorted() }
        for (spec, files) in old where manifest[spec] == nil && specExists(spec) {
            manifest[spec] = files
        }
        let kept = Set(manifest.values.joined())
        let orphans = Set(old.values.joined()).subtracting(kept)
        return (manifest, orphans.sorted())
    }

    /// Whether the spec at `relative` (to the folder) still exists.
    private func specExists(_ relative: String) -> Bool {
        let absolute = relative.hasPrefix("/") ? relative : (absolutePath as NSString).appendingPathComponent(relative)
        return FileManager.default.fileExists(atPath: SpecPaths.normalize(absolute))
    }

    /// The folder as an absolute path.
    private var absolutePath: String {
        path.hasPrefix("/")
            ? SpecPaths.normalize(path) : SpecPaths.normalize(FileManager.default.currentDirectoryPath + "/" + path)
    }

    /// `spec` relative to the folder (`../Specs/payments.courier.yaml`), so the manifest reads the
    /// same whichever folder `courier` runs in.
    func relativePath(of spec: String) -> String {
        let absoluteSpec =
            spec.hasPrefix("/")
            ? SpecPaths.normalize(spec) : SpecPaths.normalize(FileManager.default.currentDirectoryPath + "/" + spec)
        let from = absolutePath.split(separator: "/").map(String.init)
        let to = absoluteSpec.split(separator: "/").map(String.init)
        var common = 0
        while common < from.count, common < to.count, from[common] == to[common] { common += 1 }
        return (Array(repeating: "..", count: from.count - common) + to[common...]).joined(separator: "/")
    }

    /// Whether the file in the folder was written by Courier: every generated file starts with
    /// its header line. Courier never removes a file without it, whatever the manifest says.
    func isGenerated(_ name: String) -> Bool {
        read(name)?.hasPrefix(CourierGenerator.headerPrefix) == true
    }

    /// What `--check` reports beyond stale files: files that would be removed, `.swift` files no
    /// spec produces, and a manifest that would change.
    public func strayFiles(producing produced: [(spec: String, files: [String])]) -> (
        orphans: [String], strays: [String], manifestStale: Bool
    ) {
        let (manifest, orphans) = plan(producing: produced)
        let listed = Set(manifest.values.joined())
        let present = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        let existingOrphans = orphans.filter { present.contains($0) && isGenerated($0) }
        let strays = present.filter { $0.hasSuffix(".swift") && !listed.contains($0) && !orphans.contains($0) }.sorted()
        let manifestStale = read(Self.manifestName) != Self.manifestText(manifest)
        return (existingOrphans, strays, manifestStale)
    }

    // MARK: - Writing

    /// Writes the files that are new or changed, each atomically, removes the files of specs
    /// that are gone (or that a spec no longer produces), and updates the manifest. Returns every
    /// file's status and the names removed.
    ///
    /// - Parameter produced: which spec produced which of `files`, for the manifest.
    public func write(_ files: [GeneratedFile], producedBy produced: [(spec: String, files: [String])])
        throws(GeneratorError) -> (statuses: [(name: String, status: Status)], removed: [String])
    {
        let statuses = try write(files)
        let (manifest, orphans) = plan(producing: produced)
        var removed: [String] = []
        for name in orphans where isGenerated(name) {
            let target = (path as NSString).appendingPathComponent(name)
            do {
                try FileManager.default.removeItem(atPath: target)
            } catch {
                throw GeneratorError(.error("cannot remove the file, whose spec is gone", at: .file(target)))
            }
            removed.append(name)
        }
        let text = Self.manifestText(manifest)
        if read(Self.manifestName) != text {
            let target = URL(fileURLWithPath: path).appendingPathComponent(Self.manifestName)
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: target, options: .atomic)
            } catch {
                throw GeneratorError(.error("cannot write the manifest", at: .file(target.path)))
            }
        }
        return (statuses, removed)
    }

    /// Writes the files that are new or changed, each atomically, and returns every file's status.
    public func write(_ files: [GeneratedFile]) throws(GeneratorError) -> [(name: String, status: Status)] {
        let comparison = compare(files)
        if comparison.contains(where: { $0.status != .unchanged }) {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw GeneratorError(.error("cannot create the output folder", at: .file(path)))
            }
        }
        var result: [(name: String, status: Status)] = []
        for (file, status, _) in comparison {
            if status != .unchanged {
                let target = URL(fileURLWithPath: path).appendingPathComponent(file.name)
                do {
                    try Data(file.contents.utf8).write(to: target, options: .atomic)
                } catch {
                    throw GeneratorError(.error("cannot write the file", at: .file(target.path)))
                }
            }
            result.append((file.name, status))
        }
        return result
    }

    private func read(_ name: String) -> String? {
        let target = (path as NSString).appendingPathComponent(name)
        guard let data = FileManager.default.contents(atPath: target) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}

/// A line diff in unified format, for `--check` and golden-file failures.
public enum UnifiedDiff {
    /// The differences from `old` to `new` with three lines of context, or an empty string when equal.
    public static func make(old: String, new: String, oldName: String, newName: String) -> String {
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let script = editScript(a, b) else {
            return
                "--- \(oldName)\n+++ \(newName)\n@@ the files differ in too many places to list (\(a.count) and \(b.count) lines) @@\n"
        }
        guard script.contains(where: { $0.kind != .same }) else { return "" }

        var output = "--- \(oldName)\n+++ \(newName)\n"
        let context = 3
        var index = 0
        while index < script.count {
            guard let start = script[index...].firstIndex(where: { $0.kind != .same }) else { break }
            var end = start
            var lastChange = start
            while end < script.count {
                if script[end].kind != .same {
                    lastChange = end
                } else if end - lastChange > context * 2 {
                    break
                }
                end += 1
            }
            let hunkStart = max(index, start - context)
            let hunkEnd = min(script.count, lastChange + context + 1)
            let hunk = script[hunkStart..<hunkEnd]
            let oldStart = (hunk.first?.oldLine ?? 0) + 1
            let newStart = (hunk.first?.newLine ?? 0) + 1
            let oldCount = hunk.filter { $0.kind != .inserted }.count
            let newCount = hunk.filter { $0.kind != .deleted }.count
            output += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
            for step in hunk {
                switch step.kind {
                case .same: output += " " + step.text + "\n"
                case .deleted: output += "-" + step.text + "\n"
                case .inserted: output += "+" + step.text + "\n"
                }
            }
            index = hunkEnd
        }
        return output
    }

    struct Step {
        enum Kind { case same, deleted, inserted }
        var kind: Kind
        var text: String
        /// The index of the line in the old text at or before this step.
        var oldLine: Int
        /// The index of the line in the new text at or before this step.
        var newLine: Int
    }

    /// The most differing lines ``editScript(_:_:)`` works through before giving up, which bounds
    /// its time and memory.
    static let maximumDistance = 4_000

    /// Myers' O(ND) shortest edit script, or `nil` when the texts differ in more than
    /// ``maximumDistance`` lines.
    static func editScript(_ a: [String], _ b: [String]) -> [Step]? {
        let n = a.count
        let m = b.count
        let maxD = n + m
        let offset = maxD + 1
        var v = [Int](repeating: 0, count: 2 * maxD + 3)
        var trace: [[Int]] = []
        var found = false
        for d in 0...maxD {
            if d > maximumDistance { return nil }
            // Only diagonals -d-1 ... d+1 are read when walking back from row d.
            trace.append(Array(v[(offset - d - 1)...(offset + d + 1)]))
            for k in stride(from: -d, through: d, by: 2) {
                var x: Int
                if k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) {
                    x = v[offset + k + 1]
                } else {
                    x = v[offset + k - 1] + 1
                }
                var y = x - k
                while x < n, y < m, a[x] == b[y] {
                    x += 1
                    y += 1
                }
                v[offset + k] = x
                if x >= n, y >= m {
                    found = true
                    break
                }
            }
            if found { break }
        }
        // Walk back through the saved rows.
        var steps: [Step] = []
        var x = n
        var y = m
        for d in stride(from: trace.count - 1, through: 0, by: -1) {
            let row = trace[d]
            let base = d + 1
            let k = x - y
            let previousK: Int
            if k == -d || (k != d && row[base + k - 1] < row[base + k + 1]) {
                previousK = k + 1
            } else {
                previousK = k - 1
            }
            let previousX = row[base + previousK]
            let previousY = previousX - previousK
            while x > previousX, y > previousY {
                x -= 1
                y -= 1
                steps.append(Step(kind: .same, text: a[x], oldLine: x, newLine: y))
            }
            if d > 0 {
                if x == previousX {
                    y -= 1
                    steps.append(Step(kind: .inserted, text: b[y], oldLine: x, newLine: y))
                } else {
                    x -= 1
                    steps.append(Step(kind: .deleted, text: a[x], oldLine: x, newLine: y))
                }
            }
        }
        return steps.reversed()
    }
}
