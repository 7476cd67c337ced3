import Foundation

/// `courier generate` and swift-openapi-generator on the same synthetic APIs: wall time, peak
/// memory and lines of Swift, medians of `runs`.
struct GeneratorBenchmark {
    let bench: Workbench

    struct Row {
        var endpoints: Int
        var courier: (seconds: Double, peak: Int, lines: Int)
        var openAPI: (seconds: Double, peak: Int, lines: Int)?
    }

    func run() throws {
        var rows: [Row] = []
        for size in bench.options.sizes {
            FileManager.default.fputs("generator: \(size) endpoints…\n")
            let api = SyntheticAPI(endpoints: size)
            let folder = bench.work.appendingPathComponent("api-\(size)")
            let specs = folder.appendingPathComponent("spec")
            let openAPI = folder.appendingPathComponent("openapi")
            try FileManager.default.createDirectory(at: specs, withIntermediateDirectories: true)
            try FileManager.default.createDirectory(at: openAPI, withIntermediateDirectories: true)
            try api.courierSpec.write(to: specs.appendingPathComponent("synthetic.courier.yaml"), atomically: true, encoding: .utf8)
            try api.openAPIDocument.write(to: openAPI.appendingPathComponent("openapi.yaml"), atomically: true, encoding: .utf8)
            try "generate: [types, client]\naccessModifier: public\n"
                .write(to: openAPI.appendingPathComponent("openapi-generator-config.yaml"), atomically: true, encoding: .utf8)

            let courierOutput = folder.appendingPathComponent("courier-out")
            let courierCost = try repeated {
                try? FileManager.default.removeItem(at: courierOutput)
                return try measure([bench.courier, "generate", specs.path, "--output", courierOutput.path, "--quiet"], in: folder.path, log: bench.log)
            }
            var row = Row(endpoints: size, courier: (courierCost.seconds, courierCost.peakBytes, try swiftLines(in: courierOutput)))

            if let openAPIGenerator = bench.openAPIGenerator {
                let openAPIOutput = folder.appendingPathComponent("openapi-out")
                let cost = try repeated {
                    try? FileManager.default.removeItem(at: openAPIOutput)
                    try FileManager.default.createDirectory(at: openAPIOutput, withIntermediateDirectories: true)
                    return try measure([openAPIGenerator, "generate", "--config", "openapi/openapi-generator-config.yaml",
                                        "--output-directory", openAPIOutput.path, "openapi/openapi.yaml"], in: folder.path, log: bench.log)
                }
                row.openAPI = (cost.seconds, cost.peakBytes, try swiftLines(in: openAPIOutput))
            }
            rows.append(row)
        }
        print("## Generator: wall time and peak memory of one run (median of \(bench.options.runs))\n")
        print("| endpoints | courier generate | peak memory | lines of Swift | swift-openapi-generator | peak memory | lines of Swift | Courier faster by | Courier smaller by |")
        print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            let theirs = row.openAPI
            print("| \(row.endpoints) | \(format(seconds: row.courier.seconds)) | \(format(bytes: row.courier.peak)) | \(row.courier.lines) | "
                + "\(theirs.map { format(seconds: $0.seconds) } ?? "–") | \(theirs.map { format(bytes: $0.peak) } ?? "–") | "
                + "\(theirs.map { "\($0.lines)" } ?? "–") | \(theirs.map { ratio(row.courier.seconds, $0.seconds) } ?? "–") | "
                + "\(theirs.map { ratio(Double(row.courier.peak), Double($0.peak)) } ?? "–") |")
        }
        print("\nTargets: 1,000 endpoints in under 0.2 s and under 50 MB.\n")
    }

    /// The median cost of `runs` runs of `body`.
    private func repeated(_ body: () throws -> Cost) throws -> Cost {
        var costs: [Cost] = []
        for _ in 0..<bench.options.runs { costs.append(try body()) }
        return Cost(median: costs)
    }
}

/// The lines of every `.swift` file under `folder`.
func swiftLines(in folder: URL) throws -> Int {
    guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else { return 0 }
    var lines = 0
    for case let file as URL in files where file.pathExtension == "swift" {
        lines += try String(contentsOf: file, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).count
    }
    return lines
}

extension FileManager {
    /// Progress goes to standard error, so standard output is only the tables.
    func fputs(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
