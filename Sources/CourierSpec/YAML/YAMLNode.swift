/// One node of a YAML document, with the position where it starts in the source.
///
/// Aliases are resolved while loading: an alias becomes a copy of the node its anchor names
/// (the copy keeps the anchored node's position, which is where its content is written).
public struct YAMLNode: Hashable, Sendable {
    /// How a scalar was written; quoted scalars are always strings.
    public enum ScalarStyle: Hashable, Sendable {
        /// Written without quotes: may be read as a number, a boolean or null.
        case plain
        /// `'single quoted'`.
        case singleQuoted
        /// `"double quoted"`.
        case doubleQuoted
        /// `|` block.
        case literal
        /// `>` block.
        case folded
    }

    /// A scalar's text and how it was written.
    public struct Scalar: Hashable, Sendable {
        /// The scalar's text after YAML's unescaping and folding.
        public var value: String
        /// How the scalar was written.
        public var style: ScalarStyle
        /// An explicit tag such as `!!str`, if the author wrote one.
        public var tag: String?

        /// Creates a scalar.
        public init(value: String, style: ScalarStyle = .plain, tag: String? = nil) {
            self.value = value
            self.style = style
            self.tag = tag
        }

        /// Whether YAML's core schema reads this scalar as null (`null`, `~`, or nothing, unquoted).
        public var isNull: Bool {
            guard style == .plain, tag == nil else { return tag == "tag:yaml.org,2002:null" }
            return value.isEmpty || value == "~" || value == "null" || value == "Null" || value == "NULL"
        }
    }

    /// One `key: value` entry of a mapping.
    public struct Entry: Hashable, Sendable {
        /// The key node, a scalar in every spec.
        public var key: YAMLNode
        /// The value node.
        public var value: YAMLNode

        /// Creates an entry.
        public init(key: YAMLNode, value: YAMLNode) {
            self.key = key
            self.value = value
        }
    }

    /// What a node holds.
    public enum Content: Hashable, Sendable {
        /// A single value.
        case scalar(Scalar)
        /// An ordered list.
        case sequence([YAMLNode])
        /// Key-value entries in source order (keys are unique; merge keys are already applied).
        case mapping([Entry])
    }

    /// What the node holds.
    public var content: Content
    /// Where the node starts.
    public var location: SourceLocation

    /// Creates a node.
    public init(_ content: Content, at location: SourceLocation) {
        self.content = content
        self.location = location
    }

    /// The scalar, if this node is one.
    public var scalar: Scalar? {
        if case .scalar(let scalar) = content { return scalar }
        return nil
    }

    /// The scalar's text, if this node is a scalar.
    public var scalarValue: String? { scalar?.value }

    /// The entries, if this node is a mapping.
    public var entries: [Entry]? {
        if case .mapping(let entries) = content { return entries }
        return nil
    }

    /// The items, if this node is a sequence.
    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// A word for the node's kind, for messages: "a mapping", "a list", "a string", "null".
    public var kindDescription: String {
        switch content {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let scalar):
            if scalar.isNull { return "nothing (null)" }
            if scalar.style != .plain { return "a string" }
            if Int(scalar.value) != nil { return "a number" }
            if Double(scalar.value) != nil { return "a number" }
            if scalar.value == "true" || scalar.value == "false" { return "a boolean" }
            return "a string"
        }
    }
}
