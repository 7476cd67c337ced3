import Foundation
import PackagePlugin

/// Generates Swift code from every spec file (`*.courier.yaml`) among a target's sources when the
/// target builds.
///
/// Each spec gets one build command that runs `courier generate` on it alone, with the spec, the
/// files it imports, the target's `courier-config.yaml`, the template overrides it names and the
/// `courier` tool as inputs, and exactly the three files the generator writes as outputs. So an
/// unchanged spec costs nothing on the next build, and an edited one regenerates only its own files.
/// Other YAML files in the target are not read.
@main
struct CourierBuildPlugin: BuildToolPlugin {
    /// The SwiftPM entry point.
    func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
        guard let target = target as? SourceModuleTarget else { return [] }
        let planner = BuildCommandPlanner(
            targetName: target.name,
            files: target.sourceFiles.map(\.url),
            tool: try context.tool(named: "courier").url,
            workDirectory: context.pluginWorkDirectoryURL
        )
        return try planner.commands()
    }
}

#if canImport(XcodeProjectPlugin)
    import XcodeProjectPlugin

    extension CourierBuildPlugin: XcodeBuildToolPlugin {
        /// The Xcode project entry point: the same planner, fed the Xcode target's input files.
        func createBuildCommands(context: XcodePluginContext, target: XcodeTarget) throws -> [Command] {
            let planner = BuildCommandPlanner(
                targetName: target.displayName,
                files: target.inputFiles.map(\.url),
                tool: try context.tool(named: "courier").url,
                workDirectory: context.pluginWorkDirectoryURL
            )
            return try planner.commands()
        }
    }
#endif

/// Plans the build commands for one target from its files: the one code path behind both the
/// SwiftPM and the Xcode entry points.
struct BuildCommandPlanner {
    /// The target's name, for messages.
    let targetName: String
    /// Every file of the target.
    let files: [URL]
    /// The `courier` executable.
    let tool: URL
    /// The plugin's work folder for this target.
    let workDirectory: URL

    /// One command per spec in the target, plus one per shared model file the specs import from
    /// outside it (whose models the generated code needs in this module too).
    func commands() throws -> [Command] {
        let targetSpecs = files.map(\.path).filter(SpecFileNames.isSpecFile).sorted()
        guard !targetSpecs.isEmpty else { return [] }
        let configuration = try configurationFile()
        let sharedInputs = [tool] + configurationInputs(configuration)
        let outputFolder = workDirectory.appendingPathComponent("GeneratedSources")

        var specs = targetSpecs
        var importsBySpec: [String: (paths: [String], complete: Bool)] = [:]
        var index = 0
        while index < specs.count {
            let imports = PluginInputs.importedFiles(ofSpecAt: specs[index])
            importsBySpec[specs[index]] = imports
            for path in imports.paths where !specs.contains(path) { specs.append(path) }
            index += 1
        }

        var producers: [String: String] = [:]
        var commands: [Command] = []
        for spec in specs {
            let outputs = SpecFileNames.generatedFileNames(forSpecAt: spec)
            for name in outputs {
                if let other = producers[name] {
                    throw PluginError(
                        "generates \(name), as \(other) does; rename one of the spec files of target '\(targetName)'",
                        file: spec)
                }
                producers[name] = spec
            }
            let imports = importsBySpec[spec] ?? ([], false)
            // An import list the plugin could not read: depend on every spec of the target, so no change is missed.
            let dependencies = imports.complete ? imports.paths : Array(Set(imports.paths + targetSpecs)).sorted()
            var arguments = ["generate", spec, "--output", outputFolder.path, "--quiet"]
            if let configuration { arguments += ["--config", configuration.path] }
            commands.append(
                .buildCommand(
                    displayName: "Courier: generating Swift from \((spec as NSString).lastPathComponent)",
                    executable: tool,
                    arguments: arguments,
                    inputFiles: [URL(fileURLWithPath: spec)] + dependencies.map { URL(fileURLWithPath: $0) }
                        + sharedInputs,
                    outputFiles: outputs.map { outputFolder.appendingPathComponent($0) }
                ))
        }
        return commands
    }

    /// The target's `courier-config.yaml`, if it has one.
    private func configurationFile() throws -> URL? {
        let found = files.filter { $0.lastPathComponent == PluginInputs.configurationFileName }
        guard found.count <= 1 else {
            let paths = found.map(\.path).sorted().joined(separator: ", ")
            throw PluginError(
                "target '\(targetName)' has more than one \(PluginInputs.configurationFileName): \(paths)")
        }
        return found.first
    }

    /// The configuration file and the template overrides it names.
    private func configurationInputs(_ configuration: URL?) -> [URL] {
        guard let configuration else { return [] }
        switch PluginInputs.templatesFolder(ofConfigurationAt: configuration.path) {
        case .absent:
            return [configuration]
        case .unreadable:
            Diagnostics.warning(
                "\(configuration.path): write 'templates:' as a plain path so the build notices template edits"
            )
            return [configuration]
        case .value(let folder):
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            let templates = names.filter { $0.hasSuffix(".mustache") }.sorted()
            return [configuration, URL(fileURLWithPath: folder)]
                + templates.map { URL(fileURLWithPath: folder).appendingPathComponent($0) }
        }
    }
}
