import CourierSpec
import Foundation

/// The Mustache templates the generator renders, by name: the built-in set, optionally with some
/// replaced from a folder (`--templates DIR`).
///
/// Every template is rendered as text, partials included: `<`, `>` and `&` are never HTML-escaped.
public struct TemplateSet: Sendable {
    /// Template sources by name (file name without `.mustache`).
    public private(set) var sources: [String: String]
    /// Where each template came from, for diagnostics: `built-in` or a file path.
    public private(set) var origins: [String: String]

    /// The templates compiled into `courier`, whose source is the repository's `Templates/` folder.
    public static var builtIn: TemplateSet {
        TemplateSet(sources: BuiltInTemplates.sources, origins: BuiltInTemplates.sources.mapValues { _ in "built-in" })
    }

    init(sources: [String: String], origins: [String: String]) {
        self.sources = sources
        self.origins = origins
    }

    /// This set with every `NAME.mustache` file in `directory` replacing or adding template `NAME`.
    public func overriding(withTemplatesIn directory: String) throws(GeneratorError) -> TemplateSet {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw GeneratorError(.error("cannot read the template folder", at: .file(directory)))
        }
        var result = self
        for entry in entries.sorted() where entry.hasSuffix(".mustache") {
            let path = (directory as NSString).appendingPathComponent(entry)
            guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8)
            else {
                throw GeneratorError(.error("cannot read the template as UTF-8 text", at: .file(path)))
            }
            let name = String(entry.dropLast(".mustache".count))
            result.sources[name] = text
            result.origins[name] = path
        }
        return result
    }

    /// Parses every template and checks that every key a template names is one the render model has and
    /// every partial it includes exists, so a typo fails here and not as silently empty output.
    func renderer() throws(GeneratorError) -> MustacheRenderer {
        var templates: [String: MustacheTemplate] = [:]
        var problems: [Diagnostic] = []
        for name in sources.keys.sorted() {
            guard let source = sources[name] else { continue }
            let origin = origins[name] ?? name
            let template: MustacheTemplate
            do {
                template = try MustacheTemplate(parsing: source)
            } catch {
                problems.append(
                    .error(error.message, at: SourceLocation(file: origin, line: error.line, column: error.column)))
                continue
            }
            templates[name] = template
            let keys = Set(template.names.compactMap(\.keys.first?.text))
            for key in keys.sorted() where !RenderKeyNumbers.exists(key) {
                let hint = Suggestions.didYouMean(key, among: RenderKeyNumbers.all)
                problems.append(
                    .error(
                        "the template names '\(key)', which the render model does not have\(hint)", at: .file(origin)))
            }
            for partial in template.partials.sorted() where sources[partial] == nil {
                problems.append(
                    .error(
                        "the template names partial '\(partial)', but there is no \(partial).mustache",
                        at: .file(origin)))
            }
        }
        for kind in GeneratedKind.allCases where sources[kind.templateName] == nil {
            problems.append(.error("the template '\(kind.templateName).mustache' is missing", at: .none))
        }
        if !problems.isEmpty { throw GeneratorError(problems) }
        return MustacheRenderer(templates: templates)
    }
}

extension BuiltInTemplates {
    /// The Swift source of this file for the given templates, as the embedding test writes it.
    static func swiftSource(for templates: [String: String]) -> String {
        var lines = [
            "// Generated from Templates/*.mustache by `COURIER_UPDATE_TEMPLATES=1 swift test --filter embeddingMatchesFolder`.",
            "// Do not edit: change the templates and regenerate.",
            "",
            "/// The default templates, compiled into `courier` so the binary needs no files beside it.",
            "enum BuiltInTemplates {",
            "    /// Template sources by name.",
            "    static let sources: [String: String] = [",
        ]
        for name in templates.keys.sorted() {
            lines.append("        \"\(name)\": #\"\"\"")
            lines.append(
                contentsOf: (templates[name] ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(
                    String.init))
            lines.append("\"\"\"#,")
        }
        lines += ["    ]", "}"]
        return lines.joined(separator: "\n") + "\n"
    }
}
