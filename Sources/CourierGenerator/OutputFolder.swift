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

    /// Writes the files that are new or changed, each atomically, and returns every file's status.
    public func write(_ files: [GeneratedFile]) throws(GeneratorError) -> [(name: String, status: Status)] {
        let comparison = compare(files)
        if comparison.contains(where: { $0.status != .unchanged }) {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw GeneratorError("\(path): error: cannot create the output folder")
            }
        }
        var result: [(name: String, status: Status)] = []
        for (file, status, _) in comparison {
            if status != .unchanged {
                let target = URL(fileURLWithPath: path).appendingPathComponent(file.name)
                do {
                    try Data(file.contents.utf8).write(to: target, options: .atomic)
                } catch {
                    throw GeneratorError("\(target.path): error: cannot write the file")
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
            return "--- \(oldName)\n+++ \(newName)\n@@ the files differ in too many places to list (\(a.count) and \(b.count) lines) @@\n"
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
        let n = a.count, m = b.count
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
        var x = n, y = m
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
