/// Parsed templates by name, rendered over the render model.
///
/// Rendering walks the parsed tree and reads render objects by their keys' numbers: no name is
/// split and no string hashed at render time, which made the renderer the bulk of the
/// generator's time before it was Courier's own.
struct MustacheRenderer: Sendable {
    /// The templates by name, partials included.
    let templates: [String: MustacheTemplate]

    /// How deep partials may include partials before rendering stops: deeper than any template
    /// set needs, and shallow enough that partials including each other endlessly fail cleanly.
    static let maxPartialDepth = 64

    /// Why a template could not be rendered.
    struct RenderError: Error, Sendable {
        /// What went wrong.
        let message: String
    }

    /// Renders template `name` with `root` as the outermost object, as UTF-8; `nil` when there is
    /// no such template.
    func render(_ name: String, root: any RenderObject) throws(RenderError) -> [UInt8]? {
        guard let template = templates[name] else { return nil }
        var rendering = Rendering(templates: templates, stack: [.object(root, position: nil)])
        rendering.partials = [name]
        try rendering.render(template.nodes)
        return rendering.output
    }
}

/// The state of one render: the output so far, the objects in scope and the indentation of the
/// standalone partials being rendered.
private struct Rendering {
    /// An object in scope (with its place, inside a section over a list), or one line of a
    /// `lines` value.
    enum Scope {
        case object(any RenderObject, position: Position?)
        case text(String)
    }

    /// An object's place in the list a section iterates.
    struct Position {
        let isFirst: Bool
        let isLast: Bool
    }

    let templates: [String: MustacheTemplate]
    var stack: [Scope]
    /// The templates being rendered, outermost first: the file's, then each partial inside.
    var partials: [String] = []
    var output: [UInt8] = []
    /// What every line starts with, inside indented standalone partials.
    var indentation: [UInt8] = []
    /// Whether the output is at the start of a line that has not received its indentation yet.
    var atLineStart = false

    init(templates: [String: MustacheTemplate], stack: [Scope]) {
        self.templates = templates
        self.stack = stack
        output.reserveCapacity(1 << 16)
    }

    /// Renders `nodes`.
    mutating func render(_ nodes: [MustacheTemplate.Node]) throws(MustacheRenderer.RenderError) {
        for node in nodes {
            switch node {
            case .text(let bytes):
                write(bytes)
            case .variable(let name):
                startLine()
                switch resolve(name) {
                case .text(let text)?: output.append(contentsOf: text.utf8)
                case .flag(let flag)?: output.append(contentsOf: (flag ? "true" : "false").utf8)
                case .lines(let lines)?: output.append(contentsOf: lines.joined(separator: "\n").utf8)
                case .object?, .list?, nil: break
                }
            case .section(let name, let inverted, let children):
                let value = resolve(name)
                if inverted {
                    if Self.isFalsy(value) { try render(children) }
                    continue
                }
                switch value {
                case .flag(true)?:
                    try render(children)
                case .text(let text)?:
                    try render(children, in: .text(text))
                case .object(let object)?:
                    try render(children, in: .object(object, position: nil))
                case .list(let objects)?:
                    for (index, object) in objects.enumerated() {
                        let position = Position(isFirst: index == 0, isLast: index == objects.count - 1)
                        try render(children, in: .object(object, position: position))
                    }
                case .lines(let lines)?:
                    for line in lines { try render(children, in: .text(line)) }
                case .flag(false)?, nil:
                    break
                }
            case .partial(let name, let partialIndentation):
                guard let template = templates[name] else { continue }
                guard partials.count < MustacheRenderer.maxPartialDepth else {
                    let chain = (partials.suffix(4) + [name]).joined(separator: " → ")
                    throw MustacheRenderer.RenderError(
                        message:
                            "partials nest deeper than \(MustacheRenderer.maxPartialDepth) levels (… → \(chain)); do they include each other endlessly?"
                    )
                }
                let outer = indentation
                if let partialIndentation {
                    indentation += partialIndentation
                    atLineStart = true
                }
                partials.append(name)
                try render(template.nodes)
                partials.removeLast()
                indentation = outer
                atLineStart = output.last == UInt8(ascii: "\n")
            }
        }
    }

    private mutating func render(_ nodes: [MustacheTemplate.Node], in scope: Scope) throws(MustacheRenderer.RenderError)
    {
        stack.append(scope)
        defer { stack.removeLast() }
        try render(nodes)
    }

    /// The value a name refers to: its first key looked up from the innermost object outward,
    /// the others inside that value.
    private func resolve(_ name: MustacheTemplate.Name) -> RenderValue? {
        guard let first = name.keys.first else {
            switch stack.last {
            case .object(let object, _)?: return .object(object)
            case .text(let text)?: return .text(text)
            case nil: return nil
            }
        }
        var value: RenderValue?
        var index = stack.endIndex
        while index > stack.startIndex {
            index -= 1
            guard case .object(let object, let position) = stack[index] else { continue }
            if let found = object.value(of: first) {
                value = found
                break
            }
            if let position {
                if first.id == RenderKeyNumbers.isFirst { return .flag(position.isFirst) }
                if first.id == RenderKeyNumbers.isLast { return .flag(position.isLast) }
            }
        }
        for key in name.keys.dropFirst() {
            guard case .object(let object)? = value else { return nil }
            value = object.value(of: key)
        }
        return value
    }

    /// Whether an inverted section over `value` renders: no value, `false`, or an empty list.
    private static func isFalsy(_ value: RenderValue?) -> Bool {
        switch value {
        case nil, .flag(false)?: true
        case .list(let objects)?: objects.isEmpty
        case .lines(let lines)?: lines.isEmpty
        case .flag(true)?, .text?, .object?: false
        }
    }

    /// Appends template text, indenting each line inside an indented standalone partial.
    private mutating func write(_ bytes: [UInt8]) {
        guard !indentation.isEmpty else {
            output.append(contentsOf: bytes)
            return
        }
        var start = bytes.startIndex
        while start < bytes.endIndex {
            startLine()
            let end = (bytes[start...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex - 1) + 1
            output.append(contentsOf: bytes[start..<end])
            atLineStart = bytes[end - 1] == UInt8(ascii: "\n")
            start = end
        }
    }

    /// Indents the line about to receive output, if it has not been yet.
    private mutating func startLine() {
        if atLineStart, !indentation.isEmpty {
            output.append(contentsOf: indentation)
        }
        atLineStart = false
    }
}
