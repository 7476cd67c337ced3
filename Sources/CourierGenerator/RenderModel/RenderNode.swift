import Foundation

/// One object of the render model: a fixed set of named values that templates read.
///
/// Templates see nothing else: the renderer reads ``values`` by key, never through reflection, so
/// what ``RenderSchema`` lists is exactly what a template may use, and
/// `courier generate --dump-render-model` prints the same values.
public struct RenderNode: Sendable {
    /// What the node describes; its keys are ``RenderSchema/keys(of:)``.
    public let kind: RenderKind
    /// The values by key.
    public private(set) var values: [String: RenderValue]

    /// Creates a node from all of its kind's values.
    init(_ kind: RenderKind, _ values: [String: RenderValue]) {
        self.kind = kind
        self.values = values
    }

    /// The value of `key`.
    public subscript(key: String) -> RenderValue? {
        values[key]
    }

    mutating func set(_ key: String, _ value: RenderValue) {
        values[key] = value
    }

    /// The node as a JSON object, keys sorted, for `--dump-render-model`.
    public var jsonObject: [String: Any] {
        var object: [String: Any] = ["kind": kind.rawValue]
        for (key, value) in values {
            object[key] = value.jsonValue
        }
        return object
    }
}

/// A value in the render model.
public enum RenderValue: Sendable {
    /// Ready-to-paste text: an identifier, a type spelling, a literal's contents.
    case text(String)
    /// A condition for a section.
    case flag(Bool)
    /// A nested object.
    case node(RenderNode)
    /// A list of objects, each marked with `isFirst` and `isLast`.
    case list([RenderNode])
    /// Lines of text, such as doc-comment lines.
    case lines([String])

    var jsonValue: Any {
        switch self {
        case .text(let text): text
        case .flag(let flag): flag
        case .node(let node): node.jsonObject
        case .list(let nodes): nodes.map(\.jsonObject)
        case .lines(let lines): lines
        }
    }

    /// A list whose nodes know their position.
    static func items(_ nodes: [RenderNode]) -> RenderValue {
        var marked = nodes
        for index in marked.indices {
            marked[index].set("isFirst", .flag(index == marked.startIndex))
            marked[index].set("isLast", .flag(index == marked.index(before: marked.endIndex)))
        }
        return .list(marked)
    }
}
