import CourierSpec
import Foundation
import Mustache

/// A failure of the generator itself (templates, output folder), with lines in the compiler's
/// diagnostic format.
public struct GeneratorError: Error, Sendable, CustomStringConvertible {
    /// One or more lines, each `path[:line:column]: error: message`.
    public var description: String

    /// Creates an error.
    public init(_ description: String) {
        self.description = description
    }
}

/// One generated source file.
public struct GeneratedFile: Sendable, Hashable {
    /// The file name, from ``SpecFileNames/generatedFileNames(forSpecAt:)``.
    public var name: String
    /// The Swift source.
    public var contents: String

    /// Creates a file.
    public init(name: String, contents: String) {
        self.name = name
        self.contents = contents
    }
}

/// Turns validated specs into Swift source through Mustache templates.
///
/// A pure function of its inputs: the same spec and templates always give byte-identical files.
public struct CourierGenerator: Sendable {
    /// The generator's version, printed in every file header.
    public static let version = "0.1.0"

    /// The name of the `CourierRuntimeCompatibility` member generated code requires.
    public static let runtimeCompatibility = "Version0_1"

    private let library: MustacheLibrary
    /// The access level of generated declarations.
    public let access: AccessLevel

    /// Prepares the templates; fails when one does not parse or names a missing partial.
    public init(templates: TemplateSet = .builtIn, access: AccessLevel = .public) throws(GeneratorError) {
        self.library = try templates.library()
        self.access = access
    }

    /// The render model of `spec`: what the templates see.
    public func renderModel(for spec: Spec) -> RenderNode {
        RenderModelBuilder(spec: spec, access: access).build()
    }

    /// The files for `spec`, named from its file name.
    public func generate(_ spec: Spec) throws(GeneratorError) -> [GeneratedFile] {
        let model = renderModel(for: spec)
        let names = SpecFileNames.generatedFileNames(forSpecAt: spec.file.path)
        var files: [GeneratedFile] = []
        for (template, name) in zip(TemplateSet.fileTemplates, names) {
            guard let text = library.render(model, withTemplate: template) else {
                throw GeneratorError("error: the template '\(template).mustache' is missing")
            }
            files.append(GeneratedFile(name: name, contents: Self.tidy(text)))
        }
        return files
    }

    /// The render model as pretty-printed JSON with sorted keys.
    public func renderModelJSON(for spec: Spec) -> String {
        let object = renderModel(for: spec).jsonObject
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    /// Removes trailing spaces, collapses runs of blank lines, and ends the text with one newline,
    /// so templates can be written for readability without affecting the output.
    static func tidy(_ text: String) -> String {
        var lines: [Substring] = []
        var previousBlank = true
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var trimmed = line
            while trimmed.last == " " { trimmed = trimmed.dropLast() }
            let blank = trimmed.isEmpty
            if blank && previousBlank { continue }
            if blank, let last = lines.last, last.hasSuffix("{") { continue }
            if let first = trimmed.first(where: { $0 != " " }), first == "}", previousBlank, !lines.isEmpty {
                lines.removeLast()
            }
            lines.append(trimmed)
            previousBlank = blank
        }
        while lines.last?.isEmpty == true { lines.removeLast() }
        return lines.joined(separator: "\n") + "\n"
    }
}
