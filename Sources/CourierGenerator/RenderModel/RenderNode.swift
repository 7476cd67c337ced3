import Foundation

/// One object of the render model: a fixed set of named values that templates read.
///
/// Templates see nothing else: the renderer reads values by key through ``subscript(key:)``, never
/// through reflection, so what ``RenderSchema`` lists is exactly what a template may use, and
/// `courier generate --dump-render-model` prints the same values.
public struct RenderNode: Sendable {
    /// Where a node stands in its list.
    struct Position: Sendable {
        let isFirst: Bool
        let isLast: Bool
    }

    /// What the node describes; its keys are ``RenderSchema/keys(of:)``.
    public let kind: RenderKind
    /// The values the builder gave, without the list position.
    private var ownValues: [String: RenderValue]
    /// The node's place in a list, kept beside the values so that listing a node shares its
    /// values instead of copying them: one render model holds tens of thousands of nodes.
    private var position: Position?

    /// Creates a node from all of its kind's values.
    init(_ kind: RenderKind, _ values: [String: RenderValue]) {
        self.kind = kind
        self.ownValues = values
    }

    /// The values by key, `isFirst` and `isLast` included for a node in a list.
    public var values: [String: RenderValue] {
        guard let position else { return ownValues }
        var all = ownValues
        all["isFirst"] = .flag(position.isFirst)
        all["isLast"] = .flag(position.isLast)
        return all
    }

    /// The value of `key`.
    public subscript(key: String) -> RenderValue? {
        if let value = ownValues[key] { return value }
        guard let position else { return nil }
        switch key {
        case "isFirst": return .flag(position.isFirst)
        case "isLast": return .flag(position.isLast)
        default: return nil
        }
    }

    /// This node with `key` set to `value`, such as the root with the kind of file it renders.
    func setting(_ key: String, to value: RenderValue) -> RenderNode {
        var node = self
        node.ownValues[key] = value
        return node
    }

    /// This node as item `index` of a list of `count`.
    func positioned(at index: Int, of count: Int) -> RenderNode {
        var node = self
        node.position = Position(isFirst: index == 0, isLast: index == count - 1)
        return node
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
        .list(nodes.indices.map { nodes[$0].positioned(at: $0 - nodes.startIndex, of: nodes.count) })
    }
}
