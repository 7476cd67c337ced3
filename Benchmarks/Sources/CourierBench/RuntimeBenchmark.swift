import Foundation

/// Runtime overhead per call, measured in-process over an in-memory transport: wall time and heap
/// allocations per call, and, when valgrind is installed, instructions per call counted by
/// callgrind, which machine noise does not move.
struct RuntimeBenchmark {
    let options: Options

    /// One measured call: its key for `--row`, how the table names it, and its target.
    struct Row: Sendable {
        let key: String
        let name: String
        let target: String
        /// What its "added" column is measured against: the bare transport, or another row.
        let baseline: String
        /// Sets the call up (a client, a warm cache) and returns it, ready to repeat.
        let call: @Sendable () async throws -> RuntimeOverhead.Call
    }

    static let rows: [Row] = [
        Row(key: "bare", name: "bare transport (request already built)", target: "–", baseline: "",
            call: RuntimeOverhead.bare),
        Row(key: "pipeline",
            name: "**whole call**, full default pipeline, cache off (build, credentials, every stage, interpret); no observability backend",
            target: "at most 1 µs and 2 allocations beyond the request head added", baseline: "bare",
            call: { RuntimeOverhead.pipeline() }),
        Row(key: "timed",
            name: "whole call, the same over a transport that leaves the timeout to the runtime (a timer task per attempt, as with URLSession)",
            target: "–", baseline: "pipeline",
            call: { RuntimeOverhead.pipeline(client: RuntimeOverhead.client(transportEnforcesTimeout: false)) }),
        Row(key: "observed",
            name: "whole call, the full pipeline with observability on and a no-op backend (swift-log's no-op handler, no-op metrics and tracer)",
            target: "under 100 ns added over off", baseline: "pipeline", call: RuntimeOverhead.observed),
        Row(key: "observedAtInfo",
            name: "whole call, the same with a logger at info level that drops what it takes (each call's line and metadata made)",
            target: "–", baseline: "pipeline", call: RuntimeOverhead.observedAtInfo),
        Row(key: "open", name: "**whole call** against an open circuit (rejected before the transport)",
            target: "under 150 ns, no allocation", baseline: "bare", call: RuntimeOverhead.openCircuit),
        Row(key: "cache", name: "**whole call** answered from the cache", target: "under 1 µs", baseline: "bare",
            call: RuntimeOverhead.cacheHit),
        Row(key: "minimal", name: "whole call with every stage switched off (the stage rows' baseline)", target: "–",
            baseline: "bare", call: { RuntimeOverhead.stage(nil) }),
        Row(key: "breaker", name: "**stage**: closed circuit breaker", target: "under 100 ns, no allocation",
            baseline: "minimal", call: { RuntimeOverhead.stage(.breaker) }),
        Row(key: "retry", name: "**stage**: retry on the success path (with its budget)", target: "under 100 ns, no allocation",
            baseline: "minimal", call: { RuntimeOverhead.stage(.retry) }),
        Row(key: "bulkhead", name: "**stage**: bulkhead with a free permit", target: "under 100 ns, no allocation",
            baseline: "minimal", call: { RuntimeOverhead.stage(.bulkhead) }),
        Row(key: "rateLimit", name: "**stage**: rate limiter with a token", target: "under 100 ns, no allocation",
            baseline: "minimal", call: { RuntimeOverhead.stage(.rateLimit) }),
        Row(key: "balanced", name: "whole call, the full default pipeline balanced (p2c) over 10 instances",
            target: "under 100 ns added", baseline: "pipeline",
            call: { RuntimeOverhead.pipeline(client: RuntimeOverhead.client(instances: 10)) }),
        Row(key: "choice", name: "choosing an instance among 1,000 (p2c), alone: a pick and its release",
            target: "under 100 ns, no allocation", baseline: "",
            call: { RuntimeOverhead.choice(among: 1000) }),
        Row(key: "validation", name: "checking a valid body of 10 constrained fields, 2 with patterns (`validate()`), alone",
            target: "under 1 µs, no allocation", baseline: "", call: { RuntimeOverhead.validation() }),
        Row(key: "plainValidation", name: "the same body with lengths instead of the 2 patterns, alone", target: "–",
            baseline: "", call: { RuntimeOverhead.plainValidation() }),
    ]

    func run() async throws {
        if let key = options.row {
            try await runAlone(key)
            return
        }
        FileManager.default.fputs("runtime: \(options.iterations) calls each…\n")
        var measured: [String: PerCall] = [:]
        var calls: [RuntimeOverhead.Call] = []
        for row in Self.rows { calls.append(try await row.call()) }
        let figures = try await RuntimeOverhead.perCall(iterations: options.iterations, calls)
        for (row, perCall) in zip(Self.rows, figures) { measured[row.key] = perCall }
        let counted = InstructionCounts.measure(Self.rows.map(\.key))
        let instructions = try? counted.get()

        print("## Runtime: cost per call over an in-memory transport (fastest of 5 batches of \(options.iterations / 5) calls each, the rows taking turns)\n")
        print("| call | time per call | allocations per call | instructions per call | added to | added | target |")
        print("|---|---:|---:|---:|---|---:|---|")
        for row in Self.rows {
            guard let figures = measured[row.key] else { continue }
            let count = instructions.map { $0[row.key].map { String(format: "%.0f", $0) } ?? "–" } ?? "–"
            var added = "–"
            var against = "–"
            if let base = measured[row.baseline], let baseRow = Self.rows.first(where: { $0.key == row.baseline }) {
                against = baseRow.key
                added = String(format: "%+.0f ns, %+.1f allocations", figures.nanoseconds - base.nanoseconds,
                               figures.allocations - base.allocations)
                if let counts = instructions, let own = counts[row.key], let other = counts[row.baseline] {
                    added += String(format: ", %+.0f instructions", own - other)
                }
            }
            print("| \(row.name) | \(String(format: "%.0f ns", figures.nanoseconds)) | \(String(format: "%.1f", figures.allocations)) | \(count) | \(against) | \(added) | \(row.target) |")
        }
        print("")
        if case .failure(let missing) = counted { print("No instruction counts: \(missing.reason).\n") }
    }

    /// `--row KEY`: the row's calls alone, `--iterations` of them with no warm-up and no batches,
    /// for `perf record` and for the callgrind counts.
    private func runAlone(_ key: String) async throws {
        guard let row = Self.rows.first(where: { $0.key == key }) else {
            throw UsageError("'\(key)' is not a runtime row; choose from \(Self.rows.map(\.key).joined(separator: ", "))")
        }
        let call = try await row.call()
        let started = ContinuousClock.now
        for _ in 0..<options.iterations { try await call() }
        print("\(row.key): \(ContinuousClock.now - started) for \(options.iterations) calls")
    }
}

/// Instructions per call of each runtime row, counted by callgrind: the runner runs itself under
/// `valgrind --tool=callgrind` with `--row` at two call counts, and the difference divided by the
/// difference in calls is what one call costs, start-up and warm-up taken out.
enum InstructionCounts {
    static let calls = (few: 2_000, many: 6_000)

    /// Instructions per call by row key, or why there are none: valgrind is not installed, or
    /// failed on this binary (valgrind 3.19, Debian 12's, stops with an internal error when the
    /// runner starts its first thread).
    static func measure(_ keys: [String]) -> Result<[String: Double], CountsMissing> {
        guard let valgrind = try? output(of: ["which", "valgrind"], in: "/"), !valgrind.isEmpty else {
            return .failure(CountsMissing(reason: "valgrind is not on the PATH"))
        }
        let runner = CommandLine.arguments[0].hasPrefix("/")
            ? CommandLine.arguments[0]
            : FileManager.default.currentDirectoryPath + "/" + CommandLine.arguments[0]
        var counts: [String: Double] = [:]
        for key in keys {
            FileManager.default.fputs("runtime: counting instructions of '\(key)' under callgrind…\n")
            do {
                let few = try collected(valgrind: valgrind, runner: runner, key: key, calls: calls.few)
                let many = try collected(valgrind: valgrind, runner: runner, key: key, calls: calls.many)
                counts[key] = Double(many - few) / Double(calls.many - calls.few)
            } catch let missing as CountsMissing {
                return .failure(missing)
            } catch {
                return .failure(CountsMissing(reason: "\(error)"))
            }
        }
        return .success(counts)
    }

    /// Why a run has no instruction counts.
    struct CountsMissing: Error {
        let reason: String
    }

    /// The instructions callgrind counted over a whole run of `calls` calls of row `key`.
    private static func collected(valgrind: String, runner: String, key: String, calls: Int) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: valgrind)
        process.arguments = [
            // The runner's own allocation functions (for the allocation counts) forward to glibc's.
            "--tool=callgrind", "--callgrind-out-file=/dev/null", "--soname-synonyms=somalloc=nouserintercepts", runner, "--only", "runtime", "--row", key,
            "--iterations", String(calls),
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        // `==123== Collected : 4567890`
        guard process.terminationStatus == 0,
              let line = text.split(separator: "\n").last(where: { $0.contains("Collected :") }),
              let count = line.split(separator: " ").last.flatMap({ Int($0) })
        else {
            let failure = text.split(separator: "\n").first(where: { $0.contains("INTERNAL ERROR") || $0.contains("error") })
            throw CountsMissing(reason: "valgrind exited with \(process.terminationStatus) on row '\(key)'"
                                + (failure.map { ": \($0)" } ?? ""))
        }
        return count
    }
}
