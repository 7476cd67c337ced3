import CourierSpec
import Foundation

/// The kinds of file generated for every spec, as ``SpecFileNames/generatedKinds`` lists them
/// (a test keeps the two in step); each is rendered by the template of its name.
public enum GeneratedKind: String, Sendable, CaseIterable, Comparable {
    /// `NameModels.swift`: the spec's models.
    case models
    /// `NameClient.swift`: the API protocol, the client and its server, auth and header types.
    case client
    /// `NameMock.swift`: a mock of the API protocol for tests.
    case mock

    /// Models before client before mock, the order files are generated in.
    public static func < (lhs: GeneratedKind, rhs: GeneratedKind) -> Bool {
        allCases.firstIndex(of: lhs) ?? 0 < allCases.firstIndex(of: rhs) ?? 0
    }

    /// The template that renders the kind's file.
    var templateName: String { rawValue }

    /// The kind's file for the spec at `path`: `payments.courier.yaml` → `PaymentsClient.swift`.
    public func fileName(forSpecAt path: String) -> String {
        let suffix = SpecFileNames.generatedKinds.first { $0.kind == rawValue }?.fileSuffix ?? rawValue.capitalized
        return SpecFileNames.typePrefix(of: path) + suffix + ".swift"
    }

    /// The kind another kind's code refers to, which must be generated with it.
    var requirement: GeneratedKind? {
        switch self {
        case .models: nil
        case .client: .models
        case .mock: .client
        }
    }
}

/// How code is generated for a target: what `courier-config.yaml` says, and what the matching
/// `courier generate` flags say.
///
/// ```yaml
/// # courier-config.yaml, next to the specs of one target
/// access: internal            # public (default), package or internal
/// generate: [models, client]  # any of models, client, mock; default all three
/// templates: CourierTemplates # a folder of NAME.mustache overrides, relative to this file
/// warningsAsErrors: true      # default false
/// ```
///
/// Every key is optional; unknown keys are errors. Each generated kind needs the one before it
/// (a client refers to the models, a mock to the client's protocol).
public struct GeneratorConfiguration: Sendable, Equatable {
    /// The access level of generated declarations.
    public var access: AccessLevel
    /// The kinds of file generated with content; the others hold one comment line.
    public var generate: Set<GeneratedKind>
    /// A folder of template overrides, as a path usable from the working directory.
    public var templates: String?
    /// Whether warnings fail generation.
    public var warningsAsErrors: Bool

    /// The keys a configuration file may hold.
    public static let keys = ["access", "generate", "templates", "warningsAsErrors"]

    /// Creates a configuration; the defaults are what Courier does without one.
    public init(
        access: AccessLevel = .public, generate: Set<GeneratedKind> = Set(GeneratedKind.allCases),
        templates: String? = nil, warningsAsErrors: Bool = false
    ) {
        self.access = access
        self.generate = generate
        self.templates = templates
        self.warningsAsErrors = warningsAsErrors
    }

    /// Why a set of kinds cannot be generated, or `nil` when it can.
    public static func problem(with kinds: Set<GeneratedKind>) -> String? {
        if kinds.isEmpty { return "lists nothing; list at least 'models'" }
        for kind in kinds.sorted() {
            if let needed = kind.requirement, !kinds.contains(needed) {
                return
                    "lists '\(kind.rawValue)' without '\(needed.rawValue)', which the \(kind.rawValue) code refers to"
            }
        }
        return nil
    }

    /// Why a `--generate` list was refused.
    public struct InvalidKinds: Error, Sendable, CustomStringConvertible {
        /// The reason, in plain words.
        public var description: String
    }

    /// Parses `models,client` as given on the command line.
    public static func kinds(fromList list: String) throws(InvalidKinds) -> Set<GeneratedKind> {
        var kinds: Set<GeneratedKind> = []
        let known = GeneratedKind.allCases.map(\.rawValue)
        for word in list.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let kind = GeneratedKind(rawValue: word) else {
                throw InvalidKinds(
                    description:
                        "unknown kind '\(word)'; use \(Suggestions.quotedList(known))\(Suggestions.didYouMean(word, among: known))"
                )
            }
            kinds.insert(kind)
        }
        if let problem = problem(with: kinds) { throw InvalidKinds(description: problem) }
        return kinds
    }

    /// Loads a configuration file; the diagnostics point into it, and the configuration is `nil`
    /// when any of them is an error.
    public static func load(_ path: String) -> (configuration: GeneratorConfiguration?, diagnostics: [Diagnostic]) {
        let start = SourceLocation(file: path, line: 1, column: 1)
        let bytes: [UInt8]
        do {
            bytes = try SpecLoader.readFromDisk(path)
        } catch {
            let reason = (error as? SpecLoader.ReadError)?.description ?? "\(error)"
            return (nil, [.error("cannot read the configuration: \(reason)", at: start)])
        }
        let yaml = YAMLLoader.load(bytes, file: path)
        if yaml.diagnostics.containsErrors { return (nil, yaml.diagnostics) }
        guard let root = yaml.root else { return (GeneratorConfiguration(), yaml.diagnostics) }
        if root.scalar?.isNull == true { return (GeneratorConfiguration(), yaml.diagnostics) }
        var reader = Reader(path: path)
        let configuration = reader.read(root)
        let diagnostics = yaml.diagnostics + reader.diagnostics
        return (diagnostics.containsErrors ? nil : configuration, diagnostics)
    }

    /// Decodes a configuration's YAML, collecting every problem rather than stopping at the first.
    private struct Reader {
        let path: String
        var diagnostics: [Diagnostic] = []

        mutating func read(_ root: YAMLNode) -> GeneratorConfiguration {
            var configuration = GeneratorConfiguration()
            guard let entries = root.entries else {
                diagnostics.append(
                    .error(
                        "a configuration is a mapping of \(Suggestions.quotedList(GeneratorConfiguration.keys)), not \(root.kindDescription)",
                        at: root.location))
                return configuration
            }
            // The YAML loader has already reported duplicate keys.
            for entry in entries {
                guard let key = entry.key.scalarValue else {
                    diagnostics.append(.error("configuration keys are plain words", at: entry.key.location))
                    continue
                }
                switch key {
                case "access":
                    if let access = word(entry.value, of: AccessLevel.allCases.map(\.rawValue), for: key).flatMap(
                        AccessLevel.init)
                    {
                        configuration.access = access
                    }
                case "generate":
                    if let kinds = kinds(entry.value) { configuration.generate = kinds }
                case "templates":
                    if let folder = text(entry.value, for: key) {
                        configuration.templates = SpecPaths.resolve(folder, relativeTo: path)
                    }
                case "warningsAsErrors":
                    if let flag = word(entry.value, of: ["true", "false"], for: key) {
                        configuration.warningsAsErrors = flag == "true"
                    }
                default:
                    diagnostics.append(
                        .error(
                            "unknown key '\(key)'; a configuration holds \(Suggestions.quotedList(GeneratorConfiguration.keys))\(Suggestions.didYouMean(key, among: GeneratorConfiguration.keys))",
                            at: entry.key.location))
                }
            }
            return configuration
        }

        private mutating func text(_ node: YAMLNode, for key: String) -> String? {
            guard let value = node.scalarValue, node.scalar?.isNull != true, !value.isEmpty else {
                diagnostics.append(.error("'\(key)' takes a string, not \(node.kindDescription)", at: node.location))
                return nil
            }
            return value
        }

        private mutating func word(_ node: YAMLNode, of choices: [String], for key: String) -> String? {
            guard let value = text(node, for: key) else { return nil }
            guard choices.contains(value) else {
                diagnostics.append(
                    .error(
                        "'\(key)' is \(Suggestions.quotedList(choices)), not '\(value)'\(Suggestions.didYouMean(value, among: choices))",
                        at: node.location))
                return nil
            }
            return value
        }

        private mutating func kinds(_ node: YAMLNode) -> Set<GeneratedKind>? {
            guard let items = node.items else {
                diagnostics.append(
                    .error(
                        "'generate' takes a list such as [models, client, mock], not \(node.kindDescription)",
                        at: node.location))
                return nil
            }
            var kinds: Set<GeneratedKind> = []
            for item in items {
                guard let name = word(item, of: GeneratedKind.allCases.map(\.rawValue), for: "generate"),
                    let kind = GeneratedKind(rawValue: name)
                else { return nil }
                kinds.insert(kind)
            }
            if let problem = GeneratorConfiguration.problem(with: kinds) {
                diagnostics.append(.error("'generate' \(problem)", at: node.location))
                return nil
            }
            return kinds
        }
    }
}
