import Foundation

/// One object of the render model: a fixed set of named values that templates read.
///
/// Templates see nothing else: the renderer reads values by key, never through reflection, so
/// what ``RenderSchema`` lists is exactly what a template may use, and
/// `courier generate --dump-render-model` prints the same values.
///
/// A node keeps its kind's values in an array, in the order of ``RenderSchema/keys(of:)``, and
/// the renderer reads them by a key's number (``RenderKeys``), found once when a template is
/// parsed: rendering hashes no strings.
public struct RenderNode: Sendable {
    /// Where a node stands in its list.
    struct Position: Sendable {
        let isFirst: Bool
        let isLast: Bool
    }

    /// What the node describes; its keys are ``RenderSchema/keys(of:)``.
    public let kind: RenderKind
    /// The kind's place in `RenderKind.allCases`, which numbers its row of ``RenderKeys``.
    private let kindIndex: Int
    /// The values of the kind's keys, by their place in ``RenderSchema/keys(of:)``; `nil` where
    /// the builder gave none.
    private var slots: [RenderValue?]
    /// Values under keys the kind does not have: only hand-made nodes (tests of the renderer) use them.
    private var others: [String: RenderValue]?
    /// The node's place in a list, kept beside the values so that listing a node shares its
    /// values instead of copying them: one render model holds tens of thousands of nodes.
    private var position: Position?

    /// Creates a node from all of its kind's values.
    init(_ kind: RenderKind, _ values: [String: RenderValue]) {
        self.kind = kind
        self.kindIndex = RenderKeys.index(of: kind)
        self.slots = Array(repeating: nil, count: RenderSchema.keys(of: kind).count)
        for (key, value) in values {
            if let slot = RenderKeys.slot(of: RenderKeys.id(of: key), inKindAt: kindIndex) {
                slots[slot] = value
            } else {
                var extra = others ?? [:]
                extra[key] = value
                others = extra
            }
        }
    }

    /// The values by key, `isFirst` and `isLast` included for a node in a list.
    public var values: [String: RenderValue] {
        var all = others ?? [:]
        for (key, value) in zip(RenderSchema.keys(of: kind), slots) {
            if let value { all[key] = value }
        }
        if let position {
            all["isFirst"] = .flag(position.isFirst)
            all["isLast"] = .flag(position.isLast)
        }
        return all
    }

    /// The value of `key`.
    public subscript(key: String) -> RenderValue? {
        if let value = self[id: RenderKeys.id(of: key)] { return value }
        return others?[key]
    }

    /// The value of the key numbered `id` (``RenderKeys/id(of:)``); `nil` for an unknown key.
    subscript(id id: Int) -> RenderValue? {
        if let slot = RenderKeys.slot(of: id, inKindAt: kindIndex) { return slots[slot] }
        guard let position else { return nil }
        switch id {
        case RenderKeys.isFirst: return .flag(position.isFirst)
        case RenderKeys.isLast: return .flag(position.isLast)
        default: return nil
        }
    }

    /// Whether the node has a value under a key outside its kind's schema (hand-made nodes only).
    var hasOtherValues: Bool { others != nil }

    /// The value of `key` among those outside the kind's schema.
    func otherValue(_ key: String) -> RenderValue? { others?[key] }

    /// This node with `key` set to `value`, such as the root with the kind of file it renders.
    func setting(_ key: String, to value: RenderValue) -> RenderNode {
        var node = self
        if let slot = RenderKeys.slot(of: RenderKeys.id(of: key), inKindAt: kindIndex) {
            node.slots[slot] = value
        } else {
            var extra = node.others ?? [:]
            extra[key] = value
            node.others = extra
        }
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

/// Every key of the render model numbered, and where each kind keeps each key, so templates
/// name keys by number.
enum RenderKeys {
    /// Every key of every kind, and the list-position keys, sorted; a key's number is its index.
    static let all: [String] = RenderSchema.allKeys.sorted()
    /// Each key's number.
    static let numbers: [String: Int] = Dictionary(uniqueKeysWithValues: all.enumerated().map { ($0.element, $0.offset) })
    /// The number of `isFirst`.
    static let isFirst = numbers["isFirst"] ?? -1
    /// The number of `isLast`.
    static let isLast = numbers["isLast"] ?? -1
    /// For each kind (by its place in `RenderKind.allCases`) and key number, the key's place in
    /// the kind's values, or -1.
    private static let slots: [Int16] = {
        var table = [Int16](repeating: -1, count: RenderKind.allCases.count * all.count)
        for (kindIndex, kind) in RenderKind.allCases.enumerated() {
            for (slot, key) in RenderSchema.keys(of: kind).enumerated() {
                if let number = numbers[key] { table[kindIndex * all.count + number] = Int16(slot) }
            }
        }
        return table
    }()
    /// Each kind's place in `RenderKind.allCases`.
    private static let kindIndices: [RenderKind: Int] =
        Dictionary(uniqueKeysWithValues: RenderKind.allCases.enumerated().map { ($0.element, $0.offset) })

    /// The number of `key`, or -1 when no kind has it.
    static func id(of key: String) -> Int { numbers[key] ?? -1 }

    /// The place of `kind` in `RenderKind.allCases`.
    static func index(of kind: RenderKind) -> Int { kindIndices[kind] ?? 0 }

    /// Where a node of the kind at `kindIndex` keeps the key numbered `id`, or `nil` when the
    /// kind lacks it.
    static func slot(of id: Int, inKindAt kindIndex: Int) -> Int? {
        guard id >= 0, id < all.count else { return nil }
        let slot = slots[kindIndex * all.count + id]
        return slot < 0 ? nil : Int(slot)
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
