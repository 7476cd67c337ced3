import Foundation

/// `swift run -c release --package-path Benchmarks courier-bench [--sizes 50,200,1000] [--runs 3]
/// [--skip-openapi] [--iterations 200000] [--requests 20000]
/// [--only generator,scale,compile,plugin,runtime,throughput,streams,channels]
/// [--scale 100000] [--row pipeline]`
///
/// Prints one Markdown table per measurement, every figure measured in this run, side by side.
struct Options {
    var sizes = [50, 200, 1000]
    var runs = 3
    var compareOpenAPI = true
    var iterations = 200_000
    var requests = 20_000
    /// Which measurements to run.
    var only: Set<String> = Options.measurements
    /// The largest size of the scale measurement (endpoints; the other inputs scale from it).
    var scale = 100_000
    /// `--row`: one runtime row's calls alone, for `perf record` and callgrind (see `RuntimeBenchmark`).
    var row: String?
    static let measurements: Set<String> = [
        "generator", "scale", "compile", "runtime", "throughput", "plugin", "streams", "channels",
    ]

    init(_ arguments: [String]) throws {
        var rest = arguments[...]
        while let argument = rest.popFirst() {
            switch argument {
            case "--sizes":
                guard let list = rest.popFirst() else { throw UsageError("--sizes needs a list such as 50,200,1000") }
                sizes = try list.split(separator: ",").map { text in
                    guard let size = Int(text), size > 0 else { throw UsageError("'\(text)' is not a size") }
                    return size
                }
            case "--runs":
                guard let text = rest.popFirst(), let value = Int(text), value > 0 else { throw UsageError("--runs needs a positive number") }
                runs = value
            case "--iterations":
                guard let text = rest.popFirst(), let value = Int(text), value > 0 else { throw UsageError("--iterations needs a positive number") }
                iterations = value
            case "--requests":
                guard let text = rest.popFirst(), let value = Int(text), value > 0 else { throw UsageError("--requests needs a positive number") }
                requests = value
            case "--only":
                guard let list = rest.popFirst() else { throw UsageError("--only needs a list such as generator,runtime") }
                only = Set(list.split(separator: ",").map(String.init))
                if let unknown = only.subtracting(Options.measurements).first {
                    throw UsageError("'\(unknown)' is not a measurement; choose from \(Options.measurements.sorted().joined(separator: ", "))")
                }
            case "--scale":
                guard let text = rest.popFirst(), let value = Int(text), value >= 10 else { throw UsageError("--scale needs a number of at least 10") }
                scale = value
            case "--row":
                guard let key = rest.popFirst() else { throw UsageError("--row needs a runtime row such as pipeline") }
                row = key
                only = ["runtime"]
            case "--skip-openapi":
                compareOpenAPI = false
            default:
                throw UsageError("unknown option '\(argument)'")
            }
        }
    }
}

/// What the measurements that run commands share: the tools, the work folder, the command log
/// and the options.
struct Workbench {
    let courier: String
    /// `nil` with `--skip-openapi`.
    let openAPIGenerator: String?
    let work: URL
    let log: String
    let options: Options
}

struct UsageError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

func format(seconds: Double) -> String { seconds < 1 ? String(format: "%.0f ms", seconds * 1000) : String(format: "%.2f s", seconds) }
func format(bytes: Int) -> String { String(format: "%.0f MB", Double(bytes) / 1_048_576) }
func ratio(_ value: Double, _ reference: Double) -> String { reference > 0 ? String(format: "%.1f×", reference / value) : "–" }

let benchmarks = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
let root = benchmarks.deletingLastPathComponent()
let options: Options
do {
    options = try Options(Array(CommandLine.arguments.dropFirst()))
} catch {
    FileHandle.standardError.write(Data("courier-bench: \(error)\n".utf8))
    exit(2)
}

let work = benchmarks.appendingPathComponent(".build/bench-work")
// A fresh work folder each run, except for the packages the compile and plugin benchmarks build:
// their dependencies (the runtimes, the courier tool) are not what they measure, and take minutes
// to build. Their sources are written again each run.
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
// A single runtime row (`--row`) runs inside another run, which owns the folder.
for item in try FileManager.default.contentsOfDirectory(atPath: work.path)
    where options.row == nil && !["compile", "plugin"].contains(item) {
    try FileManager.default.removeItem(at: work.appendingPathComponent(item))
}
let log = work.appendingPathComponent("commands.log").path

do {
    print("# Courier benchmarks\n")
    print("Machine: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(ProcessInfo.processInfo.physicalMemory >> 30) GiB, \(ProcessInfo.processInfo.operatingSystemVersionString)\n")

    if !options.only.isDisjoint(with: ["generator", "scale", "compile", "plugin"]) {
        FileHandle.standardError.write(Data("building the release tools (log: \(log))…\n".utf8))
        _ = try measure(["swift", "build", "-c", "release", "--product", "courier"], in: root.path, log: log)
        let courier = try output(of: ["swift", "build", "-c", "release", "--show-bin-path"], in: root.path) + "/courier"
        var openAPIGenerator: String?
        if options.compareOpenAPI {
            _ = try measure(["swift", "build", "-c", "release", "--product", "swift-openapi-generator"], in: benchmarks.path, log: log)
            openAPIGenerator = try output(of: ["swift", "build", "-c", "release", "--show-bin-path"], in: benchmarks.path) + "/swift-openapi-generator"
        }
        let bench = Workbench(courier: courier, openAPIGenerator: openAPIGenerator, work: work, log: log, options: options)
        if options.only.contains("generator") {
            try GeneratorBenchmark(bench: bench).run()
        }
        if options.only.contains("scale") {
            try ScaleBenchmark(bench: bench).run()
        }
        if options.only.contains("compile") {
            try CompileBenchmark(bench: bench).run()
        }
        if options.only.contains("plugin") {
            try PluginBenchmark(bench: bench).run()
        }
    }
    if options.only.contains("runtime") {
        try await RuntimeBenchmark(options: options).run()
    }
    if options.only.contains("streams") {
        try await StreamBenchmark(options: options).run()
    }
    if options.only.contains("channels") {
        try await ChannelBenchmark(options: options).run()
    }
    if options.only.contains("throughput") {
        try await ThroughputBenchmark(options: options).run()
    }
} catch {
    FileHandle.standardError.write(Data("courier-bench: \(error)\n".utf8))
    exit(1)
}
