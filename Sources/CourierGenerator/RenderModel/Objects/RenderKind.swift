/// The render model's object types, grouped under one name so that `Render.Model` reads apart
/// from the spec's `Model`.
enum Render {}

/// The kinds of object in the render model, in the order `Docs/Templates.md` lists them.
enum RenderKind: String, Sendable, CaseIterable {
    case file, model, property, constraintCheck, enumCase, variant
    case service, server, authScheme, declaredError
    case endpoint, parameter, constraintPart, schemeReference, errorRoute, mediaType, responseCase, pagination, stream,
        eventCase
    case channel, discovery, instance
    case policy, retryPolicy, circuitBreakerPolicy, bulkheadPolicy, rateLimitPolicy, cachePolicy, hedgePolicy, status

    /// The struct that implements the kind.
    var objectType: any RenderObject.Type {
        switch self {
        case .file: Render.File.self
        case .model: Render.Model.self
        case .property: Render.Property.self
        case .constraintCheck: Render.ConstraintCheck.self
        case .enumCase: Render.EnumCase.self
        case .variant: Render.Variant.self
        case .service: Render.Service.self
        case .server: Render.Server.self
        case .authScheme: Render.AuthScheme.self
        case .declaredError: Render.DeclaredError.self
        case .endpoint: Render.Endpoint.self
        case .parameter: Render.Parameter.self
        case .constraintPart: Render.ConstraintPart.self
        case .schemeReference: Render.SchemeReference.self
        case .errorRoute: Render.ErrorRoute.self
        case .mediaType: Render.MediaType.self
        case .responseCase: Render.ResponseCase.self
        case .pagination: Render.Pagination.self
        case .stream: Render.Stream.self
        case .eventCase: Render.EventCase.self
        case .channel: Render.Channel.self
        case .discovery: Render.Discovery.self
        case .instance: Render.Instance.self
        case .policy: Render.Policy.self
        case .retryPolicy: Render.Retry.self
        case .circuitBreakerPolicy: Render.CircuitBreaker.self
        case .bulkheadPolicy: Render.Bulkhead.self
        case .rateLimitPolicy: Render.RateLimit.self
        case .cachePolicy: Render.Cache.self
        case .hedgePolicy: Render.Hedge.self
        case .status: Render.Status.self
        }
    }

    /// The kind's key names, sorted.
    var keyNames: [String] { objectType.keyNames }
}

extension RenderObject {
    /// The kind's key names, sorted; readable through an existential metatype.
    static var keyNames: [String] { keys.names }

    /// The kind's entry in the key reference.
    static var reference: RenderKindReference {
        RenderKindReference(
            kind: keys.kind, summary: keys.summary,
            keys: keys.entries.map { (name: $0.name, shape: $0.shape.spelling, meaning: $0.meaning) })
    }
}

/// One kind as `Docs/Templates.md` documents it.
struct RenderKindReference {
    let kind: RenderKind
    let summary: String
    let keys: [(name: String, shape: String, meaning: String)]

    /// The kind's section of the reference, in Markdown.
    var markdown: String {
        var lines = ["<a id=\"\(kind.rawValue)\"></a>", "### \(kind.rawValue)", "", summary, ""]
        lines.append("| key | value | meaning |")
        lines.append("| --- | --- | --- |")
        for key in keys {
            lines.append("| `\(key.name)` | \(key.shape) | \(key.meaning.replacingOccurrences(of: "|", with: "\\|")) |")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The whole key reference: every kind in order.
    static var allMarkdown: String {
        RenderKind.allCases.map { $0.objectType.reference.markdown }.joined(separator: "\n")
    }
}

/// Keys several kinds share.
extension RenderKey {
    /// `isDeprecated`, `hasDeprecationMessage` and `deprecationMessage` from a deprecation that is
    /// `nil` when the thing is not deprecated.
    static func deprecation(_ read: @escaping @Sendable (Object) -> Render.Deprecation?) -> [Self] {
        [
            .flag("isDeprecated", "Whether the spec marks it `deprecated`.") { read($0) != nil },
            .flag("hasDeprecationMessage", "Whether the deprecation has a message.") {
                !(read($0)?.message.isEmpty ?? true)
            },
            .text("deprecationMessage", "The deprecation message, escaped for a string literal, on one line.") {
                read($0)?.message ?? ""
            },
        ]
    }

    /// `docLines`: the description as `///` lines.
    static func docLines(_ read: @escaping @Sendable (Object) -> [String]) -> Self {
        .lines("docLines", "The description as `///` doc-comment lines; none without one.", read)
    }
}

extension Render {
    /// A deprecation: its message, escaped for a string literal, empty when the spec gives none.
    struct Deprecation: Sendable, Equatable {
        let message: String
    }
}
