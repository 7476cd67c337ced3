import ArgumentParser
import CourierGenerator
import CourierSpec
import Foundation

/// `courier generate PATH... --output DIR`: writes the Swift client for each spec.
struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generates Swift clients from spec files.",
        discussion: """
            Every spec NAME.courier.yaml becomes NameModels.swift, NameClient.swift and NameMock.swift \
            in the output folder. Files are rewritten only when their contents change, and nothing is \
            written when any spec has errors. With --check nothing is written: the command fails and \
            prints a diff when the folder differs from what would be generated (for CI).
            """
    )

    @Argument(help: "Spec files, or folders to search for *.courier.yaml files.")
    var paths: [String]

    @Option(name: .shortAndLong, help: "The folder to write the Swift files into.")
    var output: String?

    @Flag(help: "Write nothing; fail with a diff when the output folder is not up to date.")
    var check = false

    @Option(
        help: ArgumentHelp(
            "A configuration file (courier-config.yaml) with defaults for the options below.",
            discussion: "Options given on the command line win over the file's keys."
        ))
    var config: String?

    @Option(
        help:
            "A folder of NAME.mustache files that replace the built-in templates of the same name. (config: templates)")
    var templates: String?

    @Option(help: "The access level of generated declarations: public (default), package or internal. (config: access)")
    var access: AccessLevel?

    @Option(
        help:
            "What to generate, comma-separated: models, client, mock (default all). Files for the others hold a comment. (config: generate)",
        transform: { list in
            do throws(GeneratorConfiguration.InvalidKinds) {
                return try GeneratorConfiguration.kinds(fromList: list)
            } catch {
                throw ValidationError(error.description)
            }
        }
    )
    var generate: Set<GeneratedKind>?

    @Flag(help: "Print the render model the templates see, as JSON, instead of generating.")
    var dumpRenderModel = false

    @Flag(name: .shortAndLong, help: "Print only diagnostics, not the files written (the build plugin passes this).")
    var quiet = false

    @Flag(help: "Treat warnings as errors. (config: warningsAsErrors)")
    var warningsAsErrors = false

    func validate() throws {
        if output == nil, !dumpRenderModel {
            throw ValidationError("missing '--output <folder>'")
        }
    }

    func run() throws {
        let settings = try resolvedConfiguration()
        let specPaths = try SpecPathArguments.expand(paths)
        let generator: CourierGenerator
        do {
            var templateSet = TemplateSet.builtIn
            if let folder = settings.templates { templateSet = try templateSet.overriding(withTemplatesIn: folder) }
            generator = try CourierGenerator(templates: templateSet, access: settings.access, kinds: settings.generate)
        } catch {
            DiagnosticReport(error.diagnostics, warningsAsErrors: false).print()
            throw ExitCode(1)
        }

        let generation = generator.generate(specsAt: specPaths)
        let report = DiagnosticReport(generation.diagnostics, warningsAsErrors: settings.warningsAsErrors)
        report.print()
        if report.failed { throw ExitCode(1) }

        if dumpRenderModel {
            for spec in generation.specs { print(generator.renderModelJSON(for: spec), terminator: "") }
            return
        }
        guard let output else { return }
        let files = generation.files
        let folder = OutputFolder(path: output)
        if check {
            try runCheck(files, producedBy: generation.producedBy, in: folder)
            return
        }
        do {
            let (statuses, removed) = try folder.write(files, producedBy: generation.producedBy)
            let changed = statuses.filter { $0.status != .unchanged }
            if quiet { return }
            for (name, status) in changed {
                print("\(status.rawValue) \((output as NSString).appendingPathComponent(name))")
            }
            for name in removed {
                print("removed \((output as NSString).appendingPathComponent(name)) (its spec is gone)")
            }
            let removals = removed.isEmpty ? "" : ", \(removed.count) removed"
            print(
                "\(files.count) files for \(generation.outputs.count) specs in \(output): \(changed.count) written, \(files.count - changed.count) unchanged\(removals)"
            )
        } catch {
            DiagnosticReport(error.diagnostics, warningsAsErrors: false).print()
            throw ExitCode(1)
        }
    }

    /// The configuration file's settings, with the command-line options laid over them.
    private func resolvedConfiguration() throws -> GeneratorConfiguration {
        var settings = GeneratorConfiguration()
        if let config {
            let (loaded, diagnostics) = GeneratorConfiguration.load(config)
            let report = DiagnosticReport(diagnostics.sortedUnique(), warningsAsErrors: false)
            report.print()
            guard let loaded, !report.failed else { throw ExitCode(1) }
            settings = loaded
        }
        if let templates { settings.templates = templates }
        if let access { settings.access = access }
        if let generate { settings.generate = generate }
        if warningsAsErrors { settings.warningsAsErrors = true }
        return settings
    }

    private func runCheck(
        _ files: [GeneratedFile], producedBy produced: [(spec: String, files: [String])], in folder: OutputFolder
    ) throws {
        func report(_ diagnostic: Diagnostic) { StandardError.write(diagnostic.description) }
        var stale = 0
        let (orphans, strays, manifestStale) = folder.strayFiles(producing: produced)
        for name in orphans {
            report(
                .error(
                    "its spec is gone or no longer produces it; run courier generate, which removes it",
                    at: .file((folder.path as NSString).appendingPathComponent(name))))
        }
        for name in strays {
            report(
                .error(
                    "no spec produces this file; remove it, or keep your own code outside the output folder",
                    at: .file((folder.path as NSString).appendingPathComponent(name))))
        }
        if manifestStale, orphans.isEmpty, strays.isEmpty {
            report(
                .error(
                    "out of date; run courier generate",
                    at: .file((folder.path as NSString).appendingPathComponent(OutputFolder.manifestName))))
        }
        let extra = orphans.count + strays.count + (manifestStale && orphans.isEmpty && strays.isEmpty ? 1 : 0)
        for (file, status, existing) in folder.compare(files) where status != .unchanged {
            stale += 1
            let path = (folder.path as NSString).appendingPathComponent(file.name)
            if status == .created {
                report(.error("missing; run courier generate", at: .file(path)))
            } else {
                report(.error("out of date; run courier generate", at: .file(path)))
            }
            print(
                UnifiedDiff.make(
                    old: existing ?? "", new: file.contents, oldName: path, newName: path + " (generated)"),
                terminator: "")
        }
        if stale > 0 {
            StandardError.write("courier: \(stale) of \(files.count) generated files in \(folder.path) are out of date")
        }
        if extra > 0 {
            StandardError.write(
                "courier: \(folder.path) holds \(extra == 1 ? "a file" : "\(extra) files") the specs do not produce")
        }
        if stale + extra > 0 { throw ExitCode(1) }
    }
}

extension AccessLevel: ExpressibleByArgument {}
