/// A mapping whose keys were checked against the keys its context allows.
struct Fields {
    let node: YAMLNode
    private let values: [String: YAMLNode.Entry]
    /// The keys in source order.
    let keys: [String]

    init(node: YAMLNode, entries: [YAMLNode.Entry]) {
        self.node = node
        var values: [String: YAMLNode.Entry] = [:]
        var keys: [String] = []
        for entry in entries {
            guard let key = entry.key.scalarValue else { continue }
            values[key] = entry
            keys.append(key)
        }
        self.values = values
        self.keys = keys
    }

    /// The value under `key`.
    subscript(key: String) -> YAMLNode? { values[key]?.value }

    /// Where `key` itself is written, or the mapping's location when it is absent.
    func keyLocation(_ key: String) -> SourceLocation { values[key]?.key.location ?? node.location }

    /// Whether `key` is present.
    func has(_ key: String) -> Bool { values[key] != nil }
}
