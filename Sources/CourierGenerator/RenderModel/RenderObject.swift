import Foundation

/// An object of the render model: a struct of ready-to-place values, whose keys templates read by
/// name.
///
/// Each kind declares its keys once, in ``keys``: the name a template writes, what it means, and
/// how to read it from the struct. Everything else is derived from those tables: the numbering the
/// renderer looks keys up by, the check that a template names only keys that exist,
/// `courier generate --dump-render-model` and the key reference in `Docs/Templates.md`.
protocol RenderObject: Sendable {
    /// The kind's keys.
    static var keys: RenderKeys<Self> { get }

    /// The value of `key`; `nil` when the object has no such key.
    ///
    /// The default reads ``keys`` by the key's number; only hand-made objects in tests implement it.
    func value(of key: RenderKeyName) -> RenderValue?
}

/// A value in the render model.
enum RenderValue: Sendable {
    /// Ready-to-paste text: an identifier, a type spelling, a literal's contents.
    case text(String)
    /// A condition for a section.
    case flag(Bool)
    /// Lines of text, such as doc-comment lines.
    case lines([String])
    /// A nested object.
    case object(any RenderObject)
    /// A list of objects; inside a section over it, each knows `isFirst` and `isLast`.
    case list([any RenderObject])

    /// The value as JSON, for `--dump-render-model`.
    var jsonValue: Any {
        switch self {
        case .text(let text): text
        case .flag(let flag): flag
        case .lines(let lines): lines
        case .object(let object): object.jsonObject
        case .list(let objects): objects.map(\.jsonObject)
        }
    }
}

/// A key as a template names it, with its number among every key of the render model (found once,
/// when the template is parsed, so rendering hashes no strings).
struct RenderKeyName: Sendable, Hashable {
    /// The key as written.
    let text: String
    /// Its number in ``RenderKeyNumbers``; -1 for a key no kind has.
    let id: Int

    init(_ text: String) {
        self.text = text
        self.id = RenderKeyNumbers.id(of: text)
    }

    static func == (lhs: RenderKeyName, rhs: RenderKeyName) -> Bool { lhs.text == rhs.text }
    func hash(into hasher: inout Hasher) { hasher.combine(text) }
}

/// What kind of value a key holds, as the key reference shows it.
enum RenderValueShape: Sendable, Equatable {
    case text, flag, lines
    /// One object of the kind.
    case object(RenderKind)
    /// A list of objects of the kind.
    case list(RenderKind)
    /// A list of at most one object of the kind: present or not, for `{{#x}}…{{/x}}{{^x}}…{{/x}}`.
    case optional(RenderKind)

    /// How the reference writes it.
    var spelling: String {
        switch self {
        case .text: "text"
        case .flag: "flag"
        case .lines: "lines"
        case .object(let kind): "[\(kind.rawValue)](#\(kind.rawValue))"
        case .list(let kind): "list of [\(kind.rawValue)](#\(kind.rawValue))"
        case .optional(let kind): "optional [\(kind.rawValue)](#\(kind.rawValue))"
        }
    }
}

/// One key of a kind of render object.
struct RenderKey<Object: RenderObject>: Sendable {
    /// The name templates write.
    let name: String
    /// What the value holds.
    let shape: RenderValueShape
    /// What it means, for the key reference.
    let meaning: String
    /// Reads the value from an object.
    let read: @Sendable (Object) -> RenderValue

    /// Text: an identifier, a type spelling or a literal's escaped contents.
    static func text(_ name: String, _ meaning: String, _ read: @escaping @Sendable (Object) -> String) -> Self {
        Self(name: name, shape: .text, meaning: meaning) { .text(read($0)) }
    }

    /// A condition.
    static func flag(_ name: String, _ meaning: String, _ read: @escaping @Sendable (Object) -> Bool) -> Self {
        Self(name: name, shape: .flag, meaning: meaning) { .flag(read($0)) }
    }

    /// Lines, each rendered by a section over the key.
    static func lines(_ name: String, _ meaning: String, _ read: @escaping @Sendable (Object) -> [String]) -> Self {
        Self(name: name, shape: .lines, meaning: meaning) { .lines(read($0)) }
    }

    /// A nested object.
    static func object<Child: RenderObject>(
        _ name: String, _ meaning: String, _ read: @escaping @Sendable (Object) -> Child
    ) -> Self {
        Self(name: name, shape: .object(Child.keys.kind), meaning: meaning) { .object(read($0)) }
    }

    /// A list of objects.
    static func list<Child: RenderObject>(
        _ name: String, _ meaning: String, _ read: @escaping @Sendable (Object) -> [Child]
    ) -> Self {
        Self(name: name, shape: .list(Child.keys.kind), meaning: meaning) { .list(read($0)) }
    }

    /// A list of objects the builder made once.
    static func list<Child: RenderObject>(
        _ name: String, _ meaning: String, _ read: @escaping @Sendable (Object) -> RenderList<Child>
    ) -> Self {
        Self(name: name, shape: .list(Child.keys.kind), meaning: meaning) { .list(read($0).erased) }
    }

    /// An object that may be absent, as a list of zero or one.
    static func optional<Child: RenderObject>(
        _ name: String, _ meaning: String, _ read: @escaping @Sendable (Object) -> Child?
    ) -> Self {
        Self(name: name, shape: .optional(Child.keys.kind), meaning: meaning) { object in
            .list(read(object).map { [$0] } ?? [])
        }
    }
}

/// A list of render objects, typed for the builder and tests, and kept as the renderer reads it:
/// made once, so rendering a list (the endpoints, several times per file) copies no objects.
struct RenderList<Element: RenderObject>: Sendable, RandomAccessCollection, ExpressibleByArrayLiteral {
    /// The objects.
    let items: [Element]
    /// The same objects as the renderer takes them.
    let erased: [any RenderObject]

    init(_ items: [Element]) {
        self.items = items
        self.erased = items.map { $0 }
    }

    init(arrayLiteral elements: Element...) {
        self.init(elements)
    }

    var startIndex: Int { items.startIndex }
    var endIndex: Int { items.endIndex }
    subscript(position: Int) -> Element { items[position] }
}

/// The keys of one kind of render object.
struct RenderKeys<Object: RenderObject>: Sendable {
    /// The kind.
    let kind: RenderKind
    /// What an object of the kind stands for, for the key reference.
    let summary: String
    /// The keys, sorted by name.
    let entries: [RenderKey<Object>]
    /// The kind's place in `RenderKind.allCases`, which numbers its row of ``RenderKeyNumbers``.
    let ordinal: Int

    init(_ kind: RenderKind, _ summary: String, _ entries: [RenderKey<Object>]) {
        self.kind = kind
        self.summary = summary
        self.entries = entries.sorted { $0.name < $1.name }
        self.ordinal = RenderKind.allCases.firstIndex(of: kind) ?? 0
    }

    /// The key names, sorted.
    var names: [String] { entries.map(\.name) }
}

extension RenderObject {
    func value(of key: RenderKeyName) -> RenderValue? {
        let keys = Self.keys
        guard let slot = RenderKeyNumbers.slot(of: key.id, inKindAt: keys.ordinal) else { return nil }
        return keys.entries[slot].read(self)
    }

    /// The object as a JSON object, for `--dump-render-model`.
    var jsonObject: [String: Any] {
        var object: [String: Any] = ["kind": Self.keys.kind.rawValue]
        for key in Self.keys.entries {
            object[key.name] = key.read(self).jsonValue
        }
        return object
    }
}

/// Every key of the render model numbered, and where each kind keeps each key, derived from the
/// kinds' ``RenderKeys``.
enum RenderKeyNumbers {
    /// The keys of an object inside a section over a list, which the renderer answers.
    static let positionKeys = ["isFirst", "isLast"]
    /// Every key of every kind, and the position keys, sorted; a key's number is its index.
    static let all: [String] = Set(RenderKind.allCases.flatMap(\.keyNames) + positionKeys).sorted()
    /// Each key's number.
    private static let numbers: [String: Int] =
        Dictionary(uniqueKeysWithValues: all.enumerated().map { ($0.element, $0.offset) })
    /// The number of `isFirst`.
    static let isFirst = id(of: "isFirst")
    /// The number of `isLast`.
    static let isLast = id(of: "isLast")
    /// For each kind (by its place in `RenderKind.allCases`) and key number, the key's place in
    /// the kind's sorted keys, or -1.
    private static let slots: [Int16] = {
        var table = [Int16](repeating: -1, count: RenderKind.allCases.count * all.count)
        for (ordinal, kind) in RenderKind.allCases.enumerated() {
            for (slot, key) in kind.keyNames.enumerated() {
                if let number = numbers[key] { table[ordinal * all.count + number] = Int16(slot) }
            }
        }
        return table
    }()

    /// The number of `key`, or -1 when no kind has it.
    static func id(of key: String) -> Int { numbers[key] ?? -1 }

    /// Whether some kind, or a list position, has `key`.
    static func exists(_ key: String) -> Bool { numbers[key] != nil }

    /// Where a kind keeps the key numbered `id`, or `nil` when it lacks it.
    static func slot(of id: Int, inKindAt ordinal: Int) -> Int? {
        guard id >= 0, id < all.count else { return nil }
        let slot = slots[ordinal * all.count + id]
        return slot < 0 ? nil : Int(slot)
    }
}
