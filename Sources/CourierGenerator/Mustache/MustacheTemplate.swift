/// A Mustache template, parsed once into a tree that the renderer walks.
///
/// Courier renders only its own render model, as text, so it implements the parts of the Mustache
/// specification that apply to it: variables (`{{name}}`, `{{{name}}}`, `{{&name}}`, dotted
/// names and `{{.}}`), sections, inverted sections, comments, partials (indented when standalone)
/// and set-delimiter tags, with the specification's rules for standalone lines. Nothing is
/// HTML-escaped. Lambdas, template inheritance (`{{<parent}}`, `{{$block}}`) and pragmas are not
/// supported and are refused when the template is parsed.
struct MustacheTemplate: Sendable {
    /// A name as a tag writes it: `.` for the current object, otherwise dot-separated keys.
    struct Name: Sendable, Hashable {
        /// The keys in order, each numbered among the render model's keys; empty for `.`.
        let keys: [RenderKeyName]

        init(keys: [String]) {
            self.keys = keys.map(RenderKeyName.init)
        }

        /// How the tag wrote it.
        var spelling: String { keys.isEmpty ? "." : keys.map(\.text).joined(separator: ".") }
    }

    /// One piece of a template.
    indirect enum Node: Sendable {
        /// Text copied as it is, as UTF-8.
        case text([UInt8])
        /// `{{name}}`: the value of `name`.
        case variable(Name)
        /// `{{#name}}…{{/name}}`, or with `inverted` `{{^name}}…{{/name}}`.
        case section(Name, inverted: Bool, [Node])
        /// `{{>name}}`; for a tag alone on its line, `indentation` is what preceded it there, and
        /// every line the partial renders starts with it.
        case partial(String, indentation: [UInt8]?)
    }

    /// A template that does not parse, with the place of the problem.
    struct ParseError: Error, Sendable {
        /// The line, from 1.
        let line: Int
        /// The column in characters, from 1.
        let column: Int
        /// What is wrong.
        let message: String
    }

    /// The template's top-level nodes.
    let nodes: [Node]

    /// Parses `source`.
    init(parsing source: String) throws(ParseError) {
        var parser = Parser(source: Array(source.utf8))
        nodes = try parser.parse()
    }

    /// Every name a variable or section tag uses.
    var names: Set<Name> {
        var result: Set<Name> = []
        func visit(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .variable(let name): result.insert(name)
                case .section(let name, _, let children):
                    result.insert(name)
                    visit(children)
                case .text, .partial: break
                }
            }
        }
        visit(nodes)
        return result
    }

    /// Every partial the template includes.
    var partials: Set<String> {
        var result: Set<String> = []
        func visit(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .partial(let name, _): result.insert(name)
                case .section(_, _, let children): visit(children)
                case .text, .variable: break
                }
            }
        }
        visit(nodes)
        return result
    }
}

extension MustacheTemplate {
    /// Turns template bytes into nodes in one pass, applying the standalone-line rules as it goes.
    private struct Parser {
        /// A section whose closing tag has not been reached.
        struct OpenSection {
            let name: Name
            let inverted: Bool
            let offset: Int
            var nodes: [Node] = []
        }

        let source: [UInt8]
        var position = 0
        var open = Array("{{".utf8)
        var close = Array("}}".utf8)
        /// Where the current line starts, and whether a tag that is not standalone is on it.
        var lineStart = 0
        var lineHasTag = false
        /// Text read since the last tag.
        var text: [UInt8] = []
        /// The nodes of the template, then of each open section, innermost last.
        var root: [Node] = []
        var sections: [OpenSection] = []

        init(source: [UInt8]) {
            self.source = source
        }

        mutating func parse() throws(ParseError) -> [Node] {
            while position < source.count {
                if matches(open, at: position) {
                    try readTag()
                } else {
                    let byte = source[position]
                    text.append(byte)
                    position += 1
                    if byte == UInt8(ascii: "\n") {
                        lineStart = position
                        lineHasTag = false
                    }
                }
            }
            flushText()
            if let unclosed = sections.last {
                throw error(at: unclosed.offset, "the section '\(unclosed.name.spelling)' is never closed")
            }
            return root
        }

        private mutating func readTag() throws(ParseError) {
            let tagStart = position
            var contentStart = position + open.count
            var closing = close
            // `{{{name}}}` is `{{&name}}`, with the default delimiters only.
            let triple =
                open == Array("{{".utf8) && contentStart < source.count && source[contentStart] == UInt8(ascii: "{")
            if triple {
                contentStart += 1
                closing = Array("}}}".utf8)
            }
            guard let contentEnd = find(closing, from: contentStart) else {
                throw error(at: tagStart, "the tag is never closed with '\(String(decoding: closing, as: UTF8.self))'")
            }
            let tagEnd = contentEnd + closing.count
            position = tagEnd
            let content = String(decoding: source[contentStart..<contentEnd], as: UTF8.self)
            let sigil = triple ? "&" : content.first ?? " "
            let argument = (triple ? content : String(content.dropFirst())).trimmingWhitespace

            var standalone = false
            switch sigil {
            case "#", "^":
                let name = try parseName(argument, at: tagStart)
                standalone = takeStandalone(tagStart: tagStart).isStandalone
                flushText()
                sections.append(OpenSection(name: name, inverted: sigil == "^", offset: tagStart))
            case "/":
                let name = try parseName(argument, at: tagStart)
                standalone = takeStandalone(tagStart: tagStart).isStandalone
                flushText()
                guard let section = sections.popLast() else {
                    throw error(at: tagStart, "'{{/\(name.spelling)}}' closes no open section")
                }
                guard section.name == name else {
                    let (line, column) = location(of: section.offset)
                    throw error(
                        at: tagStart,
                        "'{{/\(name.spelling)}}' does not close the section '\(section.name.spelling)' opened at \(line):\(column)"
                    )
                }
                append(.section(section.name, inverted: section.inverted, section.nodes))
            case "!":
                standalone = takeStandalone(tagStart: tagStart).isStandalone
                flushText()
            case ">":
                guard !argument.isEmpty else { throw error(at: tagStart, "the partial tag names no template") }
                let line = takeStandalone(tagStart: tagStart)
                standalone = line.isStandalone
                flushText()
                append(.partial(argument, indentation: standalone ? line.indentation : nil))
            case "=":
                try setDelimiters(content, at: tagStart)
                standalone = takeStandalone(tagStart: tagStart).isStandalone
                flushText()
            case "<", "$":
                throw error(at: tagStart, "template inheritance ('{{\(content)}}') is not supported")
            case "%":
                throw error(
                    at: tagStart, "pragmas ('{{\(content)}}') are not supported; templates always render as text")
            case "&":
                lineHasTag = true
                flushText()
                append(.variable(try parseName(argument, at: tagStart)))
            default:
                lineHasTag = true
                flushText()
                append(.variable(try parseName(content.trimmingWhitespace, at: tagStart)))
            }
            // A tag that spans lines, such as a long comment, ends on a line that it shares.
            if !standalone, let newline = source[tagStart..<tagEnd].lastIndex(of: UInt8(ascii: "\n")) {
                lineStart = newline + 1
                lineHasTag = true
            }
        }

        /// What the standalone-line rule says about the tag that started at `tagStart` and ended
        /// at `position`. A standalone tag is alone on its line but for spaces and tabs; the line
        /// then disappears from the output, its newline included.
        private mutating func takeStandalone(tagStart: Int) -> (isStandalone: Bool, indentation: [UInt8]) {
            guard !lineHasTag, source[lineStart..<tagStart].allSatisfy(Self.isBlank) else {
                lineHasTag = true
                return (false, [])
            }
            var end = position
            while end < source.count, Self.isBlank(source[end]) { end += 1 }
            if end < source.count, source[end] == UInt8(ascii: "\r"), end + 1 < source.count,
                source[end + 1] == UInt8(ascii: "\n")
            {
                end += 2
            } else if end < source.count, source[end] == UInt8(ascii: "\n") {
                end += 1
            } else if end < source.count {
                lineHasTag = true
                return (false, [])
            }
            let indentation = Array(source[lineStart..<tagStart])
            // No tag since the line started, so the text read since then ends with these bytes.
            text.removeLast(min(indentation.count, text.count))
            position = end
            lineStart = end
            lineHasTag = false
            return (true, indentation)
        }

        private mutating func setDelimiters(_ content: String, at offset: Int) throws(ParseError) {
            guard content.count >= 2, content.hasPrefix("="), content.hasSuffix("=") else {
                throw error(at: offset, "a set-delimiter tag is written '{{=<% %>=}}'")
            }
            let parts = content.dropFirst().dropLast().split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
                throw error(
                    at: offset, "a set-delimiter tag needs two delimiters without '=' or spaces, as in '{{=<% %>=}}'")
            }
            open = Array(parts[0].utf8)
            close = Array(parts[1].utf8)
        }

        private func parseName(_ text: String, at offset: Int) throws(ParseError) -> Name {
            if text == "." { return Name(keys: []) }
            let keys = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard !text.isEmpty,
                !keys.contains(where: { $0.isEmpty || $0.contains(where: { $0 == " " || $0 == "\t" || $0 == "\n" }) })
            else {
                throw error(at: offset, text.isEmpty ? "the tag names nothing" : "'\(text)' is not a name")
            }
            return Name(keys: keys)
        }

        /// Ends the current run of text.
        private mutating func flushText() {
            guard !text.isEmpty else { return }
            append(.text(text))
            text = []
        }

        private mutating func append(_ node: Node) {
            if sections.isEmpty {
                root.append(node)
            } else {
                sections[sections.count - 1].nodes.append(node)
            }
        }

        private func matches(_ delimiter: [UInt8], at offset: Int) -> Bool {
            guard offset + delimiter.count <= source.count else { return false }
            for index in delimiter.indices where source[offset + index] != delimiter[index] { return false }
            return true
        }

        private func find(_ delimiter: [UInt8], from offset: Int) -> Int? {
            var index = offset
            while index + delimiter.count <= source.count {
                if matches(delimiter, at: index) { return index }
                index += 1
            }
            return nil
        }

        private func location(of offset: Int) -> (line: Int, column: Int) {
            let before = source[..<offset]
            let line = before.reduce(1) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
            let start = before.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
            return (line, String(decoding: source[start..<offset], as: UTF8.self).count + 1)
        }

        private func error(at offset: Int, _ message: String) -> ParseError {
            let (line, column) = location(of: offset)
            return ParseError(line: line, column: column, message: message)
        }

        private static func isBlank(_ byte: UInt8) -> Bool {
            byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t")
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    fileprivate var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
