import Foundation
import PackagePlugin

/// `swift package generate-clients --target NAME ...`: writes the Swift code for every spec file in
/// each named target into that target's `Generated/` folder, to be checked in.
///
/// For teams that review generated code, and for builds that cannot run build plugins (Xcode
/// Cloud). A target that gets its code this way must not also use the build plugin, and should
/// `exclude` its spec files and `courier-config.yaml` so SwiftPM does not warn about them.
@main
struct CourierCommandPlugin: CommandPlugin {
    /// The folder, inside each target, that receives the generated files.
    static let outputFolderName = "Generated"

    /// Runs the command.
    func performCommand(context: PluginContext, arguments: [String]) async throws {
        var extractor = ArgumentExtractor(arguments)
        let names = extractor.extractOption(named: "target")
        guard extractor.remainingArguments.isEmpty else {
            throw PluginError(
                "unexpected arguments \(extractor.remainingArguments.joined(separator: " ")); usage: swift package generate-clients --target NAME [--target NAME ...]"
            )
        }
        let candidates = context.package.targets.compactMap { $0 as? SourceModuleTarget }.filter {
            !specs(in: $0).isEmpty
        }
        guard !names.isEmpty else {
            let listed = candidates.map(\.name).sorted().joined(separator: ", ")
            throw PluginError(
                "name the targets to generate for with --target; targets with spec files: \(listed.isEmpty ? "none" : listed)"
            )
        }
        let tool = try context.tool(named: "courier").url
        for name in names {
            guard let target = (try? context.package.targets(named: [name]))?.first as? SourceModuleTarget else {
                // SwiftPM drops a target with no Swift source from the package graph, and never
                // runs its plugins: say so when the folder holds specs and nothing else.
                let folder = context.package.directoryURL.appendingPathComponent("Sources").appendingPathComponent(name)
                    .path
                if !SpecFileNames.specFiles(in: folder).isEmpty {
                    throw PluginError(
                        "SwiftPM does not see target '\(name)': \(folder) holds spec files but no Swift source, "
                            + "and SwiftPM skips such a target and its plugins. Add one Swift file, such as \(name).swift with "
                            + "'@_exported import CourierRuntime'")
                }
                throw PluginError("'\(name)' is not a Swift source target of this package")
            }
            try generate(for: target, with: tool)
        }
    }

    /// Spec files anywhere in the target's folder, including excluded ones.
    private func specs(in target: SourceModuleTarget) -> [String] {
        SpecFileNames.specFiles(in: target.directoryURL.path)
    }

    /// Runs `courier generate` for one target: its specs and the shared files they import from
    /// outside it, with its configuration file when it has one.
    private func generate(for target: SourceModuleTarget, with tool: URL) throws {
        let folder = target.directoryURL.path
        var specs = specs(in: target)
        guard !specs.isEmpty else {
            throw PluginError("target '\(target.name)' has no spec files (NAME.courier.yaml) in \(folder)")
        }
        for spec in specs {
            for path in PluginInputs.importedFiles(ofSpecAt: spec).paths where !specs.contains(path) {
                specs.append(path)
            }
        }
        let output = (folder as NSString).appendingPathComponent(Self.outputFolderName)
        var arguments = ["generate"] + specs + ["--output", output]
        let configuration = (folder as NSString).appendingPathComponent(PluginInputs.configurationFileName)
        if FileManager.default.fileExists(atPath: configuration) { arguments += ["--config", configuration] }

        print("Courier: generating \(target.name) into \(output)")
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PluginError(
                "courier generate failed for target '\(target.name)' (exit \(process.terminationStatus)); see its messages above"
            )
        }
    }
}
