import Foundation

/// Runtime overhead per call, measured in-process over an in-memory transport.
struct RuntimeBenchmark {
    let options: Options

    func run() async throws {
        FileManager.default.fputs("runtime: \(options.iterations) calls each…\n")
        let count = options.iterations
        let bare = try await RuntimeOverhead.bare(iterations: count)
        let full = try await RuntimeOverhead.pipeline(iterations: count)
        let timed = try await RuntimeOverhead.pipeline(iterations: count, client: RuntimeOverhead.client(transportEnforcesTimeout: false))
        let observed = try await RuntimeOverhead.observed(iterations: count)
        let rejected = try await RuntimeOverhead.openCircuit(iterations: count)
        let hit = try await RuntimeOverhead.cacheHit(iterations: count)
        let balanced = try await RuntimeOverhead.pipeline(iterations: count, client: RuntimeOverhead.client(instances: 10))
        let choice = try await RuntimeOverhead.choice(among: 1000, iterations: count)
        let validation = try await RuntimeOverhead.validation(iterations: count)
        let plainValidation = try await RuntimeOverhead.plainValidation(iterations: count)

        print("## Runtime: cost per call over an in-memory transport (fastest of 5 batches of \(count / 5) calls each)\n")
        print("| call | time per call | allocations per call | added to the bare transport | target |")
        print("|---|---:|---:|---:|---|")
        func row(_ name: String, _ measured: PerCall, target: String) {
            let added = String(format: "%+.0f ns, %+.1f allocations", measured.nanoseconds - bare.nanoseconds, measured.allocations - bare.allocations)
            print("| \(name) | \(String(format: "%.0f ns", measured.nanoseconds)) | \(String(format: "%.1f", measured.allocations)) | \(added) | \(target) |")
        }
        print("| bare transport (request already built) | \(String(format: "%.0f ns", bare.nanoseconds)) | \(String(format: "%.1f", bare.allocations)) | – | – |")
        row("full default pipeline, cache off (build, credentials, every stage, interpret); no observability backend", full,
            target: "under 2 µs and a handful of allocations added")
        row("the same over a transport that leaves the timeout to the runtime (a timer task per attempt, as with URLSession)", timed,
            target: "–")
        row("the same with the observation stages on (a logger that discards)", observed, target: "–")
        row("open circuit (whole call, rejected before the transport)", rejected, target: "rejection under 200 ns, no allocation")
        row("cache hit (whole call)", hit, target: "under 1 µs")
        row("full default pipeline balanced (p2c) over 10 instances", balanced,
            target: "under 100 ns added to the full default pipeline")
        print("| choosing an instance among 1,000 (p2c), alone | \(String(format: "%.0f ns", choice.nanoseconds)) | \(String(format: "%.1f", choice.allocations)) | – | under 100 ns, no allocation |")
        print("| checking a valid body of 10 constrained fields, 2 with patterns (`validate()`), alone | \(String(format: "%.0f ns", validation.nanoseconds)) | \(String(format: "%.1f", validation.allocations)) | – | under 1 µs, no allocation |")
        print("| the same body with lengths instead of the 2 patterns, alone | \(String(format: "%.0f ns", plainValidation.nanoseconds)) | \(String(format: "%.1f", plainValidation.allocations)) | – | – |")
        print("")
        print("Balancing adds \(String(format: "%+.0f ns, %+.1f allocations", balanced.nanoseconds - full.nanoseconds, balanced.allocations - full.allocations)) per call to the full default pipeline.\n")
    }
}
