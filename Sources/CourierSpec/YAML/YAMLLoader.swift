import CYAML

/// Loads YAML text into a ``YAMLNode`` tree through libyaml's event parser.
///
/// The loader is strict where specs need it to be: one document per file, no duplicate keys,
/// no recursive aliases, a bound on nesting depth, and a bound on how much aliases may add to
/// the document (a "billion laughs" document is refused, not expanded). YAML merge keys
/// (`<<: *base`) are applied. Syntax errors are reported at libyaml's position in plain words.
///
/// Nothing here grows faster than the input: the depth bound is checked as events arrive, long
/// before libyaml's per-token cost (which grows with the flow nesting level) becomes visible,
/// and it also bounds every recursive walk over the finished tree, releasing it included.
public enum YAMLLoader {
    /// The deepest a document may nest collections. Specs nest a handful of levels; a default
    /// value written as JSON a few more.
    public static let maximumDepth = 64

    /// The most nodes aliases may add to a document, counting each alias as the nodes it copies.
    public static let maximumAliasNodes = 100_000

    /// The most scalar bytes aliases may add to a document, beyond the input's own size.
    ///
    /// Together with ``maximumAliasNodes`` this bounds a loaded document by its input: a spec
    /// expands to at most its own size plus this much, however its anchors are arranged.
    public static let maximumAliasBytes = 1 << 20

    /// The result of loading a document.
    public struct Result: Sendable {
        /// The document's root node, or `nil` when the file holds no document (or could not be read).
        public var root: YAMLNode?
        /// Problems found; any error means `root` must not be trusted.
        public var diagnostics: [Diagnostic]
    }

    /// Loads the document in `bytes`, reporting positions against `file`.
    public static func load(_ bytes: [UInt8], file: String) -> Result {
        if bytes.isEmpty { return Result(root: nil, diagnostics: []) }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            return Result(
                root: nil,
                diagnostics: [
                    .error(
                        "libyaml could not start a parser (out of memory)",
                        at: SourceLocation(file: file, line: 1, column: 1))
                ])
        }
        defer { yaml_parser_delete(&parser) }
        return bytes.withUnsafeBufferPointer { buffer -> Result in
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            var builder = TreeBuilder(file: file)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    let diagnostic = SyntaxError.diagnostic(for: parser, source: buffer, file: file)
                    return Result(root: nil, diagnostics: builder.diagnostics + [diagnostic])
                }
                let step = builder.handle(event)
                yaml_event_delete(&event)
                switch step {
                case .continue:
                    continue
                case .finished:
                    let failed = builder.diagnostics.containsErrors
                    return Result(root: failed ? nil : builder.root, diagnostics: builder.diagnostics)
                case .aborted:
                    return Result(root: nil, diagnostics: builder.diagnostics)
                }
            }
        }
    }
}

/// Turns libyaml events into a node tree.
private struct TreeBuilder {
    enum Step { case `continue`, finished, aborted }

    /// How much a node holds once its aliases are expanded.
    struct Size {
        var nodes = 1
        var bytes = 0

        static func += (lhs: inout Size, rhs: Size) {
            lhs.nodes += rhs.nodes
            lhs.bytes += rhs.bytes
        }
    }

    /// A collection whose end event has not arrived yet.
    struct OpenCollection {
        enum Kind {
            case sequence([YAMLNode])
            case mapping(MappingParts)
        }
        var kind: Kind
        var anchor: String?
        var location: SourceLocation
        var size = Size()
    }

    /// What a mapping holds before its end event: explicit entries and `<<` merges, in order.
    struct MappingParts {
        enum Part {
            case entry(YAMLNode.Entry)
            case merge(YAMLNode)
        }
        var parts: [Part] = []
        var pendingKey: YAMLNode?
        var keyLocations: [String: SourceLocation] = [:]
        var skipNextValue = false
    }

    let file: String
    var stack: [OpenCollection] = []
    var anchors: [String: (node: YAMLNode, size: Size)] = [:]
    /// What aliases have added so far.
    var aliasAdded = Size(nodes: 0, bytes: 0)
    var root: YAMLNode?
    var documents = 0
    var diagnostics: [Diagnostic] = []

    init(file: String) { self.file = file }

    func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: mark.line + 1, column: mark.column + 1)
    }

    mutating func handle(_ event: yaml_event_t) -> Step {
        let at = location(event.start_mark)
        switch event.type {
        case YAML_STREAM_START_EVENT, YAML_DOCUMENT_END_EVENT, YAML_NO_EVENT:
            return .continue
        case YAML_STREAM_END_EVENT:
            return .finished
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                diagnostics.append(.error("a spec file holds one YAML document, but a second one starts here", at: at))
                return .aborted
            }
            return .continue
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: data.length), as: UTF8.self)
            let style: YAMLNode.ScalarStyle
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let tag = data.tag.map { String(cString: $0) }
            let node = YAMLNode(.scalar(.init(value: value, style: style, tag: tag)), at: at)
            return complete(
                node, size: Size(nodes: 1, bytes: data.length), anchor: data.anchor.map { String(cString: $0) })
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            guard let anchored = anchors[name] else {
                if stack.contains(where: { $0.anchor == name }) {
                    diagnostics.append(
                        .error(
                            "alias '*\(name)' refers to the node that contains it; recursive YAML is not supported",
                            at: at))
                } else {
                    diagnostics.append(.error("alias '*\(name)' has no anchor '&\(name)' before it", at: at))
                }
                return .aborted
            }
            aliasAdded += anchored.size
            if aliasAdded.nodes > YAMLLoader.maximumAliasNodes || aliasAdded.bytes > YAMLLoader.maximumAliasBytes {
                diagnostics.append(
                    .error(
                        "aliases add more than \(YAMLLoader.maximumAliasNodes) nodes or \(YAMLLoader.maximumAliasBytes) bytes to this document; Courier refuses documents that multiply through aliases",
                        at: at))
                return .aborted
            }
            return complete(anchored.node, size: anchored.size, anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            guard enterCollection(at: at) else { return .aborted }
            let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
            stack.append(OpenCollection(kind: .sequence([]), anchor: anchor, location: at))
            return .continue
        case YAML_MAPPING_START_EVENT:
            guard enterCollection(at: at) else { return .aborted }
            let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
            stack.append(OpenCollection(kind: .mapping(MappingParts()), anchor: anchor, location: at))
            return .continue
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let open = stack.popLast() else { return .aborted }
            let node: YAMLNode
            switch open.kind {
            case .sequence(let items):
                node = YAMLNode(.sequence(items), at: open.location)
            case .mapping(let parts):
                node = YAMLNode(.mapping(resolveMerges(parts)), at: open.location)
            }
            return complete(node, size: open.size, anchor: open.anchor)
        default:
            return .continue
        }
    }

    /// Refuses a collection that would nest deeper than ``YAMLLoader/maximumDepth``.
    mutating func enterCollection(at location: SourceLocation) -> Bool {
        guard stack.count >= YAMLLoader.maximumDepth else { return true }
        diagnostics.append(
            .error(
                "the document nests deeper than \(YAMLLoader.maximumDepth) levels here; a spec needs far fewer",
                at: location))
        return false
    }

    /// Attaches a finished node to its parent (or makes it the root).
    mutating func complete(_ node: YAMLNode, size: Size, anchor: String?) -> Step {
        if let anchor { anchors[anchor] = (node, size) }
        guard var parent = stack.popLast() else {
            root = node
            return .continue
        }
        parent.size += size
        // Take the collection out of the enum before changing it: while the enum still holds it,
        // every append would copy the whole collection (copy-on-write), making loading quadratic.
        switch parent.kind {
        case .sequence(var items):
            parent.kind = .sequence([])
            items.append(node)
            parent.kind = .sequence(items)
        case .mapping(var parts):
            parent.kind = .mapping(MappingParts())
            addToMapping(&parts, node)
            parent.kind = .mapping(parts)
        }
        stack.append(parent)
        return .continue
    }

    mutating func addToMapping(_ parts: inout MappingParts, _ node: YAMLNode) {
        guard let key = parts.pendingKey else {
            // A key arrives.
            guard let scalar = node.scalar else {
                diagnostics.append(
                    .error("a mapping key must be a plain value, not \(node.kindDescription)", at: node.location))
                parts.pendingKey = node
                parts.skipNextValue = true
                return
            }
            if scalar.style == .plain, scalar.value == "<<" {
                parts.pendingKey = node
                return
            }
            if let first = parts.keyLocations[scalar.value] {
                diagnostics.append(
                    .error(
                        "duplicate key '\(scalar.value)'", at: node.location,
                        notes: [.init("'\(scalar.value)' first appears here", at: first)]))
                parts.skipNextValue = true
            } else {
                parts.keyLocations[scalar.value] = node.location
            }
            parts.pendingKey = node
            return
        }
        // The value of the pending key arrives.
        parts.pendingKey = nil
        if parts.skipNextValue {
            parts.skipNextValue = false
            return
        }
        if let scalar = key.scalar, scalar.style == .plain, scalar.value == "<<" {
            parts.parts.append(.merge(node))
        } else {
            parts.parts.append(.entry(.init(key: key, value: node)))
        }
    }

    /// Applies `<<` merge keys: explicit keys win, then earlier merges over later ones.
    mutating func resolveMerges(_ mapping: MappingParts) -> [YAMLNode.Entry] {
        var present = Set(mapping.keyLocations.keys)
        var entries: [YAMLNode.Entry] = []
        for part in mapping.parts {
            switch part {
            case .entry(let entry):
                entries.append(entry)
            case .merge(let source):
                let sources: [YAMLNode]
                if source.entries != nil {
                    sources = [source]
                } else if let items = source.items {
                    sources = items
                } else {
                    diagnostics.append(
                        .error(
                            "'<<' merges a mapping or a list of mappings, not \(source.kindDescription)",
                            at: source.location))
                    continue
                }
                for item in sources {
                    guard let inherited = item.entries else {
                        diagnostics.append(
                            .error(
                                "'<<' merges a mapping or a list of mappings, not \(item.kindDescription)",
                                at: item.location))
                        continue
                    }
                    for entry in inherited {
                        guard let key = entry.key.scalarValue, !present.contains(key) else { continue }
                        present.insert(key)
                        entries.append(entry)
                    }
                }
            }
        }
        return entries
    }
}

/// Turns libyaml's error state into a diagnostic in plain words.
private enum SyntaxError {
    static func diagnostic(for parser: yaml_parser_t, source: UnsafeBufferPointer<UInt8>, file: String) -> Diagnostic {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown problem"
        let context = parser.context.map { String(cString: $0) }

        if parser.error == YAML_READER_ERROR {
            var offset = parser.problem_offset
            var value = parser.problem_value
            // libyaml points at the bad continuation byte; the character starts at the lead byte before it.
            if problem == "invalid trailing UTF-8 octet" || problem == "incomplete UTF-8 octet sequence" {
                // A UTF-8 character is at most 4 bytes, so the lead byte is at most 3 steps back.
                var lead = min(offset, source.count - 1)
                while lead > 0, offset - lead < 3, source[lead] < 0xC0 { lead -= 1 }
                if source[lead] >= 0xC0 {
                    offset = lead
                    value = Int32(source[lead])
                }
            }
            let (line, column) = position(ofByte: offset, in: source)
            let at = SourceLocation(file: file, line: line, column: column)
            let byte = value >= 0 ? " (byte 0x\(hex(value)))" : ""
            switch problem {
            case "invalid leading UTF-8 octet", "invalid trailing UTF-8 octet", "incomplete UTF-8 octet sequence",
                "invalid length of a UTF-8 sequence", "invalid Unicode character":
                return .error("the file is not valid UTF-8\(byte); save it as UTF-8", at: at)
            case "control characters are not allowed":
                return .error("the file contains a control character\(byte) that YAML does not allow", at: at)
            default:
                return .error("the file cannot be read as YAML text: \(problem)\(byte)", at: at)
            }
        }
        if parser.error == YAML_MEMORY_ERROR {
            return .error(
                "libyaml ran out of memory reading this file", at: SourceLocation(file: file, line: 1, column: 1))
        }

        let problemMark = parser.problem_mark
        var at = SourceLocation(file: file, line: problemMark.line + 1, column: problemMark.column + 1)
        let character = self.character(atLine: at.line, column: at.column, in: source)
        let message: String
        switch problem {
        case "found character that cannot start any token":
            if character == "\t" {
                message = "tabs cannot indent YAML; use spaces"
            } else if let character {
                message = "'\(character)' cannot start a value here; quote the value"
            } else {
                message = "unexpected character; quote the value"
            }
        case "found a tab character that violates indentation",
            "found a tab character where an indentation space is expected":
            message = "tabs cannot indent YAML; use spaces"
        case "mapping values are not allowed in this context":
            message = "unexpected ':'; quote a value that contains ': ', or check the indentation of this line"
        case "block sequence entries are not allowed in this context":
            message = "a list item '-' cannot start here; check the indentation"
        case "could not find expected ':'":
            at = SourceLocation(file: file, line: parser.context_mark.line + 1, column: parser.context_mark.column + 1)
            message = "this key has no ':' after it"
        case "did not find expected key":
            message = "this line does not line up with the keys of its mapping; check the indentation"
        case "did not find expected '-' indicator":
            message = "expected a list item '- ...' at this indentation"
        case "did not find expected node content":
            message = "expected a value here"
        case "did not find expected ',' or ']'":
            message = "a '[...]' list is not closed, or its items lack a ','"
        case "did not find expected ',' or '}'":
            message =
                "a '{...}' mapping is not closed, or its entries lack a ','; quote values with '{', '}' or ',' in them, such as \"/orders/{id}\""
        case "found unexpected end of stream":
            if context?.contains("quoted") == true {
                at = SourceLocation(
                    file: file, line: parser.context_mark.line + 1, column: parser.context_mark.column + 1)
                message = "this quoted string is not closed before the end of the file"
            } else {
                message = "the file ends in the middle of a value"
            }
        case "found unknown escape character":
            message = "unknown escape sequence in a double-quoted string; write '\\\\' for a backslash"
        case "did not find expected alphabetic or numeric character":
            message = "an anchor or alias name must follow '&' or '*'"
        case "did not find expected <document start>":
            message = "unexpected content after the end of the document"
        case "found unexpected document indicator":
            message = "a quoted string is not closed before the document marker"
        default:
            message = "YAML syntax error: \(problem)" + (context.map { " \($0)" } ?? "")
        }
        return .error(message, at: at)
    }

    static func hex(_ value: Int32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return digits.count < 2 ? "0" + digits : digits
    }

    /// The 1-based line and column (in characters) of a byte offset.
    static func position(ofByte offset: Int, in source: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 1
        var column = 1
        var index = 0
        let end = min(offset, source.count)
        // Skip a UTF-8 byte-order mark: it is not part of the first line's text.
        if end >= 3, source[0] == 0xEF, source[1] == 0xBB, source[2] == 0xBF { index = 3 }
        while index < end {
            let byte = source[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            index += 1
        }
        return (line, column)
    }

    /// The character at a 1-based line and column, if the source has one there.
    static func character(atLine line: Int, column: Int, in source: UnsafeBufferPointer<UInt8>) -> Character? {
        let text = String(decoding: source, as: UTF8.self)
        var currentLine = 1
        var currentColumn = 1
        for scalar in text.unicodeScalars where scalar != "\u{FEFF}" || currentLine > 1 || currentColumn > 1 {
            if currentLine == line, currentColumn == column { return Character(scalar) }
            if scalar == "\n" {
                currentLine += 1
                currentColumn = 1
                if currentLine > line { return nil }
            } else {
                currentColumn += 1
            }
        }
        return nil
    }
}
