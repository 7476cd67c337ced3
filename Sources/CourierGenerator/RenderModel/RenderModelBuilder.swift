import CourierSpec
import Foundation

/// The access level of generated declarations.
public enum AccessLevel: String, Sendable, CaseIterable {
    /// Visible to other modules.
    case `public`
    /// Visible to other modules of the same package.
    case package
    /// Visible inside the module.
    case `internal`
}

/// Turns a validated spec into the render model: every naming, typing and documentation decision
/// is made here, so templates only place ready strings.
///
/// Each concept has its own file (`+Models`, `+Service`, `+Endpoints`); every object is computed
/// from the spec, never from objects already built.
struct RenderModelBuilder {
    let spec: Spec
    let access: AccessLevel
    let spelling: SwiftSpelling
    /// Properties (`Model.property`) and union variants (`Model.tag`) that lead back to their own
    /// model without passing a list or map, and so need out-of-line storage.
    let recursiveEdges: Set<String>
    /// The models with something to check in `validate()`: constraints, or models that have them.
    let validatableModels: Set<String>
    /// The errors the spec can name, by name (the first definition, as ``Spec/error(named:)`` finds).
    let errorsByName: [String: ErrorDefinition]

    init(spec: Spec, access: AccessLevel) {
        self.spec = spec
        self.access = access
        self.spelling = SwiftSpelling(spec: spec)
        self.recursiveEdges = Self.findRecursiveEdges(spelling: spelling, models: spec.allModels)
        self.validatableModels = Self.findValidatableModels(spelling: spelling, models: spec.allModels)
        var errors: [String: ErrorDefinition] = [:]
        for definition in spec.allErrors where errors[definition.name] == nil { errors[definition.name] = definition }
        self.errorsByName = errors
    }

    /// The root object for every template of the spec's files.
    func build() -> Render.File {
        let file = spec.file
        return Render.File(
            specFile: SwiftSpelling.commentText((file.path as NSString).lastPathComponent),
            access: access,
            runtimeVersion: CourierGenerator.runtimeCompatibility,
            omittedKind: nil,
            isService: file.isService,
            models: RenderList(file.models.map(model)),
            service: service())
    }

    /// What the service's generated types start with: `Payments`.
    var serviceTypePrefix: String {
        SwiftNaming.upperCamelCase(spec.file.service ?? SpecFileNames.typePrefix(of: spec.file.path))
    }

    /// A deprecation's render form: the message on one line, escaped for a string literal.
    func deprecation(_ deprecation: CourierSpec.Deprecation?) -> Render.Deprecation? {
        deprecation.map { deprecation in
            Render.Deprecation(
                message: SwiftSpelling.literal(
                    deprecation.message.map { $0.replacingOccurrences(of: "\n", with: " ") } ?? ""))
        }
    }

    // MARK: - Recursion

    /// Finds the properties and union variants through which a model contains itself without a
    /// list or map in between; those need out-of-line storage for the Swift type to have a size.
    static func findRecursiveEdges(spelling: SwiftSpelling, models: [Model]) -> Set<String> {
        var edges: [String: [(label: String, target: String)]] = [:]
        func inlineModel(_ expression: TypeExpression) -> String? {
            switch spelling.unaliased(expression) {
            case .model(let name): return name
            case .optional(let wrapped): return inlineModel(wrapped)
            default: return nil
            }
        }
        for model in models {
            switch model.kind {
            case .object(let properties):
                edges[model.name] = properties.compactMap { property in
                    inlineModel(property.type.expression).map { (model.name + "." + property.name, $0) }
                }
            case .oneOf(_, _, let variants):
                edges[model.name] = variants.compactMap { variant in
                    inlineModel(variant.model.expression).map { (model.name + "." + variant.tag, $0) }
                }
            case .enumeration, .alias:
                edges[model.name] = []
            }
        }
        // An edge leads back to its own model exactly when both ends lie in one strongly
        // connected component: one linear pass instead of a search per edge.
        let names = edges.keys.sorted()
        var indexOf: [String: Int] = [:]
        for (index, name) in names.enumerated() { indexOf[name] = index }
        let components = StronglyConnected(
            successors: names.map { name in
                (edges[name] ?? []).compactMap { indexOf[$0.target] }
            })
        var recursive: Set<String> = []
        for (source, outgoing) in edges {
            guard let from = indexOf[source] else { continue }
            for edge in outgoing {
                guard let to = indexOf[edge.target] else { continue }
                if components.sameComponent(from, to) { recursive.insert(edge.label) }
            }
        }
        return recursive
    }
}

extension AuthScheme.Kind {
    var isBasic: Bool {
        if case .basic = self { return true }
        return false
    }
}

extension Optional where Wrapped == RenderValue {
    var isTrue: Bool {
        if case .flag(true)? = self { return true }
        return false
    }

    var text: String {
        if case .text(let text)? = self { return text }
        return ""
    }
}
