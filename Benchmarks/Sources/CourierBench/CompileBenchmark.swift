import Foundation

/// How long the generated code takes to compile, and how much memory the compiler needs: a
/// package in the work folder holds one target per generator and size, each with nothing but
/// that generator's output (types and client from both). Each measured build starts from scratch
/// for that target (its compiler outputs and module deleted; its dependencies stay built), in
/// debug and in release.
struct CompileBenchmark {
    let bench: Workbench

    enum Configuration: String, CaseIterable {
        case debug, release
    }

    struct Row {
        var endpoints: Int
        var configuration: Configuration
        var courier: Cost
        var openAPI: Cost?
    }

    func run() throws {
        let package = bench.work.appendingPathComponent("compile")
        try writePackage(at: package)
        var rows: [Row] = []
        for configuration in Configuration.allCases {
            for size in bench.options.sizes {
                FileManager.default.fputs("compile (\(configuration)): \(size) endpoints…\n")
                var row = Row(endpoints: size, configuration: configuration,
                              courier: try buildCost(target: "Courier\(size)", runtime: "CourierRuntime", configuration, in: package))
                if bench.openAPIGenerator != nil {
                    row.openAPI = try buildCost(target: "OpenAPI\(size)", runtime: "OpenAPIRuntime", configuration, in: package)
                }
                rows.append(row)
            }
        }
        print("## Compile time of the generated code, from scratch (median of \(bench.options.runs))\n")
        print("Each build compiles one target holding only the generated types and client (its dependencies already built). "
            + "Peak memory is the largest compiler process.\n")
        print("| endpoints | build | Courier's code | peak memory | swift-openapi-generator's code | peak memory | Courier's time | Courier's memory |")
        print("|---:|---|---:|---:|---:|---:|---:|---:|")
        for row in rows {
            let theirs = row.openAPI
            print("| \(row.endpoints) | \(row.configuration) | \(format(seconds: row.courier.seconds)) | \(format(bytes: row.courier.peakBytes)) | "
                + "\(theirs.map { format(seconds: $0.seconds) } ?? "–") | \(theirs.map { format(bytes: $0.peakBytes) } ?? "–") | "
                + "\(theirs.map { share(row.courier.seconds, of: $0.seconds) } ?? "–") | "
                + "\(theirs.map { share(Double(row.courier.peakBytes), of: Double($0.peakBytes)) } ?? "–") |")
        }
        print("\nTargets: at most a quarter of the time and the memory that swift-openapi-generator's code needs.\n")
    }

    /// Writes the package: one target per generator and size, with the generators' output as sources.
    private func writePackage(at package: URL) throws {
        let fileManager = FileManager.default
        let sources = package.appendingPathComponent("Sources")
        try? fileManager.removeItem(at: sources)
        var targets: [String] = []
        for size in bench.options.sizes {
            let api = SyntheticAPI(endpoints: size)
            let inputs = package.appendingPathComponent("Inputs/\(size)")
            try fileManager.createDirectory(at: inputs, withIntermediateDirectories: true)
            try api.courierSpec.write(to: inputs.appendingPathComponent("synthetic.courier.yaml"), atomically: true, encoding: .utf8)

            let courierTarget = sources.appendingPathComponent("Courier\(size)")
            try fileManager.createDirectory(at: courierTarget, withIntermediateDirectories: true)
            // Like for like: swift-openapi-generator makes types and a client, so Courier makes its
            // models and client, without the mock (a test double, which apps may leave out).
            _ = try measure([bench.courier, "generate", inputs.path, "--output", courierTarget.path, "--generate", "models,client", "--quiet"],
                            in: package.path, log: bench.log)
            targets.append(#".target(name: "Courier\#(size)", dependencies: [.product(name: "CourierRuntime", package: "Courier")]),"#)

            guard let openAPIGenerator = bench.openAPIGenerator else { continue }
            try api.openAPIDocument.write(to: inputs.appendingPathComponent("openapi.yaml"), atomically: true, encoding: .utf8)
            try "generate: [types, client]\naccessModifier: public\n"
                .write(to: inputs.appendingPathComponent("openapi-generator-config.yaml"), atomically: true, encoding: .utf8)
            let openAPITarget = sources.appendingPathComponent("OpenAPI\(size)")
            try fileManager.createDirectory(at: openAPITarget, withIntermediateDirectories: true)
            _ = try measure([openAPIGenerator, "generate", "--config", inputs.appendingPathComponent("openapi-generator-config.yaml").path,
                             "--output-directory", openAPITarget.path, inputs.appendingPathComponent("openapi.yaml").path],
                            in: package.path, log: bench.log)
            targets.append(#".target(name: "OpenAPI\#(size)", dependencies: [.product(name: "OpenAPIRuntime", package: "swift-openapi-runtime"), .product(name: "HTTPTypes", package: "swift-http-types")]),"#)
        }
        var dependencies = [#".package(name: "Courier", path: "\#(root.path)"),"#]
        if bench.openAPIGenerator != nil {
            dependencies += [#".package(url: "https://github.com/apple/swift-openapi-runtime", exact: "1.13.4"),"#,
                             #".package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),"#]
        }
        let manifest = """
            // swift-tools-version:6.1
            // Written by courier-bench: the generated code of each generator and size, one target each.
            import PackageDescription

            let package = Package(
                name: "CompileBenchmark",
                platforms: [.macOS(.v13)],
                dependencies: [
                    \(dependencies.joined(separator: "\n        "))
                ],
                targets: [
                    \(targets.joined(separator: "\n        "))
                ],
                swiftLanguageModes: [.v6]
            )

            """
        try manifest.write(to: package.appendingPathComponent("Package.swift"), atomically: true, encoding: .utf8)
    }

    /// The median cost of building `target` from scratch: its runtime is built first, then
    /// `target` is built `runs` times, each after deleting the target's own outputs.
    private func buildCost(target: String, runtime: String, _ configuration: Configuration, in package: URL) throws -> Cost {
        _ = try measure(["swift", "build", "-c", configuration.rawValue, "--target", runtime], in: package.path, log: bench.log)
        let build = ["swift", "build", "-c", configuration.rawValue, "--target", target]
        let products = URL(fileURLWithPath: try output(of: ["swift", "build", "-c", configuration.rawValue, "--show-bin-path"], in: package.path))
        var costs: [Cost] = []
        for _ in 0..<bench.options.runs {
            try deleteOutputs(of: target, in: products)
            costs.append(try measure(build, in: package.path, log: bench.log))
        }
        return Cost(median: costs)
    }

    /// Removes what compiling `target` produced, so the next build compiles all of it again.
    private func deleteOutputs(of target: String, in products: URL) throws {
        let fileManager = FileManager.default
        // The build plan's own files (the output file map, the source list) stay; every compiler
        // output goes: object files, dependency records, the module.
        let build = products.appendingPathComponent("\(target).build")
        let plan: Set<String> = ["output-file-map.json", "sources", "include"]
        for file in try fileManager.contentsOfDirectory(atPath: build.path) where !plan.contains(file) {
            try fileManager.removeItem(at: build.appendingPathComponent(file))
        }
        let modules = products.appendingPathComponent("Modules")
        for file in (try? fileManager.contentsOfDirectory(atPath: modules.path)) ?? [] where file.hasPrefix("\(target).") {
            try fileManager.removeItem(at: modules.appendingPathComponent(file))
        }
    }
}

/// `value` as a share of `reference`: "23 %".
func share(_ value: Double, of reference: Double) -> String {
    reference > 0 ? String(format: "%.0f %%", value / reference * 100) : "–"
}
