import Foundation

/// `courier generate` on inputs that grow by tens, and on inputs built to stall or crash a
/// loader: the cost of each step up should be the size of the step, never its square.
struct ScaleBenchmark {
    let bench: Workbench

    /// One input: its files, how it is run, and what counts as its size.
    struct Case {
        var name: String
        var size: Int
        var unit: String
        /// The spec given to `courier`, relative to the case's folder.
        var spec: String
        /// File name → contents, made only when the case runs: the benchmark's own memory is
        /// counted in a child's peak (exec keeps the high-water mark), so it must stay small.
        var files: () -> [(String, String)]
        /// Whether `courier` must refuse it (exit 1) rather than generate.
        var refused = false
    }

    var cases: [Case] {
        let largest = bench.options.scale
        var steps: [Int] = []
        var size = largest
        while size >= 1_000 && steps.count < 3 {
            steps.insert(size, at: 0)
            size /= 10
        }
        var cases = steps.map { endpoints in
            Case(name: "endpoints", size: endpoints, unit: "endpoint", spec: "synthetic.courier.yaml",
                 files: { [("synthetic.courier.yaml", SyntheticAPI(endpoints: endpoints).courierSpec)] })
        }
        let chain = max(10, largest / 10)
        cases.append(Case(name: "model chain", size: chain, unit: "model", spec: "chain.courier.yaml",
                          files: { [("chain.courier.yaml", Self.modelChain(chain))] }))
        let imports = max(10, largest / 50)
        cases.append(Case(name: "import chain", size: imports, unit: "file", spec: "chain.courier.yaml",
                          files: { Self.importChain(imports) }))
        let wide = max(10, largest / 5)
        cases.append(Case(name: "path parameters of one endpoint", size: wide, unit: "parameter", spec: "wide.courier.yaml", files: {
            let names = (0..<wide).map { "p\($0)" }
            return [("wide.courier.yaml", "courier: 1\nservice: Wide\nservers: { main: https://example.com }\nendpoints:\n  e:\n"
                + "    method: GET\n    path: /" + names.map { "{\($0)}" }.joined(separator: "/") + "\n    params: { "
                + names.map { "\($0): string" }.joined(separator: ", ") + " }\n")]
        }))
        let unknown = max(10, largest / 10)
        cases.append(Case(name: "unknown types among as many models (refused)", size: unknown, unit: "reference", spec: "unknown.courier.yaml", files: {
            var text = "courier: 1\nmodels:\n"
            for index in 0..<unknown { text += "  M\(index): { properties: { x: string } }\n  R\(index): { properties: { y: Mx\(index) } }\n" }
            return [("unknown.courier.yaml", text)]
        }, refused: true))
        let depth = max(10, largest / 2)
        cases.append(Case(name: "nesting (refused)", size: depth, unit: "level", spec: "nesting.courier.yaml", files: {
            [("nesting.courier.yaml", "courier: 1\nmodels: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n")]
        }, refused: true))
        cases.append(Case(name: "unclosed '[' (refused)", size: depth * 4, unit: "byte", spec: "unclosed.courier.yaml", files: {
            [("unclosed.courier.yaml", "courier: 1\nmodels: " + String(repeating: "[", count: depth * 4) + "\n")]
        }, refused: true))
        return cases
    }

    /// Models each holding the next, the last a string.
    static func modelChain(_ count: Int) -> String {
        var text = "courier: 1\nservice: Chain\nservers: { main: https://example.com }\nmodels:\n"
        for index in 0..<count {
            text += "  M\(index): { properties: { next: \(index + 1 < count ? "M\(index + 1)" : "string") } }\n"
        }
        return text + "endpoints:\n  first: { method: GET, path: /first, response: M0 }\n"
    }

    /// A spec importing a chain of shared files, each importing the next.
    static func importChain(_ count: Int) -> [(String, String)] {
        var files = [("chain.courier.yaml", "courier: 1\nservice: Imports\nservers: { main: https://example.com }\nimports: [shared/f0.courier.yaml]\n"
            + "endpoints:\n  first: { method: GET, path: /first, response: M0 }\n")]
        for index in 0..<count {
            let next = index + 1 < count ? "imports: [f\(index + 1).courier.yaml]\n" : ""
            let type = index + 1 < count ? "M\(index + 1)" : "string"
            files.append(("shared/f\(index).courier.yaml", "courier: 1\n\(next)models:\n  M\(index): { properties: { next: \(type) } }\n"))
        }
        return files
    }

    func run() throws {
        print("## Scale: `courier generate` as inputs grow (median of \(bench.options.runs))\n")
        print("| input | size | input bytes | time | peak memory | time per unit |")
        print("|---|---:|---:|---:|---:|---:|")
        // Smallest first: the inputs are made as each case runs, so the benchmark's own memory,
        // which a child's peak includes, grows only once the small cases are measured.
        // The endpoint rows, the largest inputs, come last.
        for item in cases.sorted(by: { ($0.name == "endpoints" ? 1 : 0, $0.size) < ($1.name == "endpoints" ? 1 : 0, $1.size) }) {
            FileManager.default.fputs("scale: \(item.name), \(item.size)…\n")
            let folder = bench.work.appendingPathComponent("scale-\(item.name.filter(\.isLetter))-\(item.size)")
            try? FileManager.default.removeItem(at: folder)
            var bytes = 0
            for (name, text) in item.files() {
                let file = folder.appendingPathComponent(name)
                try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
                try text.write(to: file, atomically: true, encoding: .utf8)
                bytes += text.utf8.count
            }
            let output = folder.appendingPathComponent("out")
            var costs: [Cost] = []
            for _ in 0..<bench.options.runs {
                try? FileManager.default.removeItem(at: output)
                costs.append(try measure([bench.courier, "generate", item.spec, "--output", output.path, "--quiet"],
                                         in: folder.path, log: bench.log, expectedExit: item.refused ? 1 : 0))
            }
            let cost = Cost(median: costs)
            let perUnit = cost.seconds / Double(item.size) * 1e6
            print("| \(item.name) | \(item.size) \(item.unit)s | \(bytes < 1 << 20 ? String(format: "%.0f KB", Double(bytes) / 1024) : format(bytes: bytes)) | \(format(seconds: cost.seconds)) | "
                + "\(format(bytes: cost.peakBytes)) | \(String(format: "%.1f µs", perUnit)) |")
        }
        print("\nTarget: time per unit flat as the size grows tenfold (linear cost); refused inputs end at once.\n")
    }
}
