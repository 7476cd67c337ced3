import ArgumentParser
import CourierSpec
import Foundation

/// `courier validate PATH...`: checks specs and prints their diagnostics.
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Checks spec files and prints their problems in the compiler format.",
        discussion: "Quiet when every spec is valid. Folders are searched recursively for *.courier.yaml files."
    )

    @Argument(help: "Spec files, or folders to search for *.courier.yaml files.")
    var paths: [String]

    @Flag(help: "Treat warnings as errors.")
    var warningsAsErrors = false

    func run() throws {
        let specs = try SpecPathArguments.expand(paths)
        var loader = SpecLoader()
        var diagnostics: [Diagnostic] = []
        for path in specs { diagnostics += loader.load(path).diagnostics }
        let report = DiagnosticReport(diagnostics.sortedUnique(), warningsAsErrors: warningsAsErrors)
        report.print()
        if report.failed { throw ExitCode(1) }
    }
}

/// Turns the paths a user names into spec files.
enum SpecPathArguments {
    /// Files stay as given; folders become the spec files below them. A missing path, or a
    /// folder with no spec, is a usage error.
    static func expand(_ paths: [String]) throws -> [String] {
        var specs: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                if path.unicodeScalars.contains("\u{FFFD}") {
                    throw ValidationError(
                        "no such file or folder: \(TextSafety.singleLine(path)) (the path is not valid UTF-8; rename the file)"
                    )
                }
                throw ValidationError("no such file or folder: \(TextSafety.singleLine(path))")
            }
            if isDirectory.boolValue {
                let search = SpecFileNames.searchSpecFiles(in: path)
                for (skipped, reason) in search.skipped {
                    StandardError.write("\(TextSafety.singleLine(skipped)): warning: skipped: \(reason)")
                }
                if search.files.isEmpty {
                    throw ValidationError("no spec files (*.courier.yaml) in folder: \(path)")
                }
                specs += search.files
            } else {
                specs.append(path)
            }
        }
        var seen = Set<String>()
        return specs.filter { seen.insert($0).inserted }
    }
}

/// Prints diagnostics and says whether they fail the run.
struct DiagnosticReport {
    let diagnostics: [Diagnostic]

    init(_ diagnostics: [Diagnostic], warningsAsErrors: Bool) {
        self.diagnostics = diagnostics.map { diagnostic in
            guard warningsAsErrors, diagnostic.severity == .warning else { return diagnostic }
            var promoted = diagnostic
            promoted.severity = .error
            return promoted
        }
    }

    var failed: Bool { diagnostics.containsErrors }

    func print() {
        for diagnostic in diagnostics { StandardError.write(diagnostic.description) }
    }
}
